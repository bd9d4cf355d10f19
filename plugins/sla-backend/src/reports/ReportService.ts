import { NotFoundError, InputError } from '@backstage/errors';
import {
  achievementRate,
  maintenanceCalendarOf,
  granularityOf,
  isPeriodKey,
  previousPeriods,
  shiftPeriodKey,
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
import { customerEntry } from '../service/credits';
import type { DependencyChain } from '../service/DependencyChain';
import {
  buildReportModel,
  ReportModel,
  ReportTrendPoint,
  ServiceReportInput,
} from './model';
import { isReportLanguage, ReportLanguage } from './messages';
import { renderPdf } from './pdf';
import {
  renderCsv,
  renderHtml,
  renderMarkdown,
  renderReport,
  RenderOptions,
  ReportFormat,
} from './render';

/** Periods the trend chart shows: this one and the five before it. */
export const TREND_PERIODS = 6;

/**
 * `sla.customers` (config.d.ts): per customer, keyed by its group ref or its name, the
 * language of its reports.
 */
export type CustomerSettings = Record<
  string,
  { language?: string } | undefined
>;

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
      /** `sla.customers` from config. */
      customers?: CustomerSettings;
      /**
       * An entity's catalog title (or a group's display name), for entities the SLA store
       * does not keep, such as customer groups.
       */
      catalogTitle?: (entityRef: string) => Promise<string | undefined>;
      /** The chain behind a service, recorded in the report's internal section. */
      chain?: DependencyChain;
    },
  ) {}

  /**
   * The language of a report: the customer's `sla.customers.<customer>.language` (the
   * customer of a customer report, the first service's customer otherwise), else en.
   */
  languageOf(model: ReportModel): ReportLanguage {
    const customer =
      model.subjectKind === 'customer'
        ? model.subjectRef
        : model.services[0]?.customer;
    const language = customerEntry(this.deps.customers, customer)?.language;
    return isReportLanguage(language) ? language : 'en';
  }

  /**
   * A served report as a document: rendered from its model, in `lang` or the customer's
   * language; with the internal section only when asked.
   */
  async render(
    report: ServedReport,
    format: ReportFormat,
    lang?: ReportLanguage,
    options: RenderOptions = {},
  ): Promise<string | Buffer> {
    const language = lang ?? this.languageOf(report.model);
    if (format === 'pdf') return renderPdf(report.model, language, options);
    return renderReport(report.model, format, language, options);
  }

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
          const ref = v.terms.customer.toLowerCase();
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
          v.terms.customer?.toLowerCase() === customerRef,
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
    const titles = new Map<string, string | undefined>();
    for (const ref of refs) {
      const query = { kind: 'key', key: periodKey } as const;
      const result = recompute
        ? await this.deps.compliance.recompute(ref, query, now, generatedBy)
        : await this.deps.compliance.entityCompliance(ref, query, now);
      const input = await this.serviceInput(result);
      // The chain as it stands when the report is written; kept with the model.
      const chain = await this.deps.chain?.chain(ref, query, now);
      if (chain) {
        input.internal = {
          dependencies: chain.dependencies.map(d => ({
            entityRef: d.entityRef,
            title: d.title,
            depth: d.depth,
            via: d.via,
            hasSla: d.hasSla,
            agreementType: d.agreementType,
          })),
          attribution: chain.attribution,
        };
      }
      const customer = result.terms.customer?.toLowerCase();
      if (customer) {
        input.customerTitle = await this.titleOf(customer, titles);
      }
      services.push(input);
    }
    const key = services[0].result.period.key;
    const model = buildReportModel({
      subjectKind: subject.subjectKind,
      subjectRef: subject.subjectRef,
      subjectTitle:
        subject.subjectKind === 'customer'
          ? await this.titleOf(subject.subjectRef, titles)
          : services[0].result.title,
      periodKey: key,
      generatedAt: now,
      services,
      trend: await this.trend(refs, key, now),
    });
    const lang = this.languageOf(model);
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
        markdown: renderMarkdown(model, lang),
        html: renderHtml(model, lang),
        generatedAt: now,
        generatedBy,
      },
    };
  }

  /** A title people use: the SLA store's (services), else the catalog's (customer groups). */
  private async titleOf(
    ref: string,
    cache: Map<string, string | undefined>,
  ): Promise<string | undefined> {
    if (!cache.has(ref)) {
      const stored = (await this.deps.entities.getEntity(ref))?.title;
      cache.set(
        ref,
        stored ?? (await this.deps.catalogTitle?.(ref).catch(() => undefined)),
      );
    }
    return cache.get(ref);
  }

  /** The achievement rate over `refs` of the periods before `key`, oldest first. */
  private async trend(
    refs: string[],
    key: string,
    now: number,
  ): Promise<ReportTrendPoint[] | undefined> {
    if (!isPeriodKey(key)) return undefined; // a custom range has no previous periods
    const points: ReportTrendPoint[] = [];
    for (let n = TREND_PERIODS - 1; n >= 1; n--) {
      const earlier = shiftPeriodKey(key, -n);
      const results = [];
      for (const ref of refs) {
        try {
          const r = await this.deps.compliance.entityCompliance(
            ref,
            { kind: 'key', key: earlier },
            now,
          );
          results.push(r.result);
        } catch (e) {
          // A period the service cannot be evaluated in (outside the years kept).
          if (!(e instanceof InputError)) throw e;
        }
      }
      if (results.length === 0) continue;
      const total = achievementRate(results);
      points.push({
        periodKey: earlier,
        met: total.met,
        committed: total.committed,
        ...(total.rate === undefined ? {} : { achievementRate: total.rate }),
      });
    }
    return points;
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
    // The engine's shared calendars: a report must not build one per service and period.
    const maintenance = maintenanceCalendarOf(r.terms);
    if (!maintenance) return 0;
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
