import { NotFoundError, InputError } from '@backstage/errors';
import {
  createWeeklyCalendar,
  granularityOf,
  previousPeriods,
  SlaTerms,
} from '@servicelevel/plugin-sla-common';
import type {
  ConfirmationStore,
  EntityStore,
  PlanStore,
  ReportStore,
  StoredReport,
  TermsStore,
} from '../database';
import type {
  ComplianceService,
  EntityPeriodResult,
} from '../service/ComplianceService';
import { buildReportModel, ServiceReportInput } from './model';
import { renderCsv, renderHtml, renderMarkdown } from './render';

export type ReportSubject = {
  subjectKind: StoredReport['subjectKind'];
  subjectRef: string;
};

/** A report as served: stored (immutable) for closed periods, live for open ones. */
export type ServedReport = Omit<StoredReport, 'revision'> & {
  revision?: number;
  stored: boolean;
};

/**
 * Generates period service reports. A report of a closed period is stored the first time it is
 * generated (by the scheduler or a first download) and served unchanged afterwards; only
 * `regenerate` (audited by the caller) replaces it. Open periods are rendered live, marked
 * provisional, and never stored.
 */
export class ReportService {
  constructor(
    private readonly deps: {
      compliance: ComplianceService;
      entities: EntityStore;
      terms: TermsStore;
      plans: PlanStore;
      confirmations: ConfirmationStore;
      reports: ReportStore;
    },
  ) {}

  async report(
    subject: ReportSubject,
    periodKey: string,
    now: number,
  ): Promise<ServedReport> {
    const hit = await this.deps.reports.get(
      subject.subjectKind,
      subject.subjectRef,
      periodKey,
    );
    if (hit) return { ...hit, stored: true };
    const fresh = await this.generate(subject, periodKey, now, 'live');
    if (!fresh.closed) {
      return { ...fresh.report, stored: false };
    }
    const key = fresh.report.periodKey;
    const existing = await this.deps.reports.get(
      subject.subjectKind,
      subject.subjectRef,
      key,
    );
    if (existing) return { ...existing, stored: true };
    await this.deps.reports.insertIfAbsent({
      ...fresh.report,
      generatedBy: 'on-demand',
    });
    const stored = await this.deps.reports.get(
      subject.subjectKind,
      subject.subjectRef,
      key,
    );
    return { ...stored!, stored: true };
  }

  /**
   * Replaces the stored report of a closed period (deliberate; the caller audits it). The
   * period's compliance snapshots are recomputed first, so late incidents are taken in.
   */
  async regenerate(
    subject: ReportSubject,
    periodKey: string,
    now: number,
    by: string,
  ): Promise<StoredReport> {
    const fresh = await this.generate(subject, periodKey, now, by, true);
    if (!fresh.closed) {
      throw new InputError(
        `period: ${periodKey} is still open; only reports of closed periods are stored`,
      );
    }
    return this.deps.reports.replace(fresh.report);
  }

  /**
   * The scheduled run: for every service, the last `lookback` closed periods of its `report`
   * cadence; for every customer, the same for each cadence of its services. Writes only what is
   * missing; returns how many reports it stored.
   */
  async generateDue(now: number, lookback = 1): Promise<number> {
    const present = new Set(
      (await this.deps.entities.listEntities()).map(e => e.entityRef),
    );
    const latest = (await this.deps.terms.listLatest()).filter(v =>
      present.has(v.entityRef),
    );
    const due: Array<{ subject: ReportSubject; key: string }> = [];
    const customers = new Map<string, Set<string>>();
    for (const v of latest) {
      for (const key of closedKeys(v.terms, now, lookback)) {
        due.push({
          subject: { subjectKind: 'entity', subjectRef: v.entityRef },
          key,
        });
        if (v.terms.customer) {
          const ref = v.terms.customer.toLocaleLowerCase('en-US');
          const keys = customers.get(ref) ?? new Set<string>();
          keys.add(key);
          customers.set(ref, keys);
        }
      }
    }
    for (const [ref, keys] of customers) {
      for (const key of keys) {
        due.push({
          subject: { subjectKind: 'customer', subjectRef: ref },
          key,
        });
      }
    }
    let written = 0;
    for (const { subject, key } of due) {
      if (
        await this.deps.reports.get(
          subject.subjectKind,
          subject.subjectRef,
          key,
        )
      ) {
        continue;
      }
      const fresh = await this.generate(subject, key, now, 'scheduler');
      if (
        fresh.closed &&
        (await this.deps.reports.insertIfAbsent(fresh.report))
      ) {
        written++;
      }
    }
    return written;
  }

  /** Services whose current terms name `customerRef` as their customer. */
  async customerServices(customerRef: string): Promise<string[]> {
    const present = new Set(
      (await this.deps.entities.listEntities()).map(e => e.entityRef),
    );
    return (await this.deps.terms.listLatest())
      .filter(
        v =>
          present.has(v.entityRef) &&
          v.terms.customer?.toLocaleLowerCase('en-US') === customerRef,
      )
      .map(v => v.entityRef)
      .sort();
  }

  private async generate(
    subject: ReportSubject,
    periodKey: string,
    now: number,
    generatedBy: string,
    recompute = false,
  ): Promise<{ report: Omit<StoredReport, 'revision'>; closed: boolean }> {
    const refs =
      subject.subjectKind === 'entity'
        ? [subject.subjectRef]
        : await this.customerServices(subject.subjectRef);
    if (refs.length === 0) {
      throw new NotFoundError(
        `No service names ${subject.subjectRef} as its customer (servicelevel.io/customer)`,
      );
    }
    const services: ServiceReportInput[] = [];
    for (const ref of refs) {
      const query = { kind: 'key', key: periodKey } as const;
      const result = recompute
        ? await this.deps.compliance.recompute(ref, query, now, generatedBy)
        : await this.deps.compliance.entityCompliance(ref, query, now);
      services.push(await this.serviceInput(result));
    }
    const model = buildReportModel({
      subjectKind: subject.subjectKind,
      subjectRef: subject.subjectRef,
      periodKey: services[0].result.period.key,
      generatedAt: now,
      services,
    });
    const closed = services.every(
      s =>
        s.result.period.granularity !== 'custom' && s.result.period.end <= now,
    );
    return {
      closed,
      report: {
        ...subject,
        periodKey: model.periodKey,
        model,
        csv: renderCsv(model),
        markdown: renderMarkdown(model),
        html: renderHtml(model),
        generatedAt: now,
        generatedBy,
      },
    };
  }

  private async serviceInput(
    result: EntityPeriodResult,
  ): Promise<ServiceReportInput> {
    const entity = await this.deps.entities.getEntity(result.entityRef);
    const plans = await this.deps.plans.list({ entityRef: result.entityRef });
    const [confirmation] = await this.deps.confirmations.list(result.entityRef);
    return {
      result,
      ownerRef: entity?.ownerRef,
      systemRef: entity?.systemRef,
      plans,
      confirmation: confirmation && {
        termsVersion: confirmation.termsVersion,
        by: confirmation.by,
        role: confirmation.role,
        at: confirmation.at,
        ...(confirmation.comment ? { comment: confirmation.comment } : {}),
      },
      maintenanceMs: this.maintenanceMs(result),
    };
  }

  /** Planned maintenance windows inside agreed service time over the period. */
  private maintenanceMs(r: EntityPeriodResult): number {
    const m = r.terms.maintenance;
    if (!m) return 0;
    const maintenance = createWeeklyCalendar(r.terms.timezone, m.hours);
    const service = this.deps.compliance.calendarFor(r.terms);
    let total = 0;
    for (const [s, e] of service.workingIntervals(
      r.period.start,
      r.period.end,
    )) {
      total += maintenance.businessTime(s, e);
    }
    return total;
  }
}

/** Keys of the last `lookback` closed periods of the terms' report cadence. */
function closedKeys(terms: SlaTerms, now: number, lookback: number): string[] {
  return previousPeriods(
    lookback + 1,
    granularityOf(terms.report),
    terms.timezone,
    now,
  )
    .filter(p => p.end <= now)
    .map(p => p.key);
}
