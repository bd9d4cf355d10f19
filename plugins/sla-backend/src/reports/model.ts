import {
  rollupAchievement,
  PRIORITIES,
  ReportModel as ApiReportModel,
  ReportService as ApiReportService,
} from '@servicelevel/plugin-sla-common';
import type { EntityPeriodResult } from '../service/ComplianceService';
import type { Plan } from '../plans/types';

/**
 * The period service report as data (issue 7): everything the CSV, Markdown and HTML
 * renderings show, computed from one EntityPeriodResult per service plus its plans. Pure.
 */

/** One service's section of a report (the API's ReportService). */
export type ReportService = ApiReportService;
/** The report as data (the API's ReportModel). */
export type ReportModel = ApiReportModel;
/** A confirmation of the terms, as a report shows it. */
export type ReportConfirmation = Omit<
  NonNullable<ReportService['confirmation']>,
  'coversTermsInForce'
>;
export type ReportObjective = ReportService['objectives'][number];
export type ReportBreach = ReportService['breaches'][number];
export type ReportAction = ReportService['actions'][number];
/** A service's internal section: its dependencies and its downtime attributed to them. */
export type ReportInternal = NonNullable<ReportService['internal']>;

/** Input of one service's section. */
export interface ServiceReportInput {
  result: EntityPeriodResult;
  ownerRef?: string;
  systemRef?: string;
  plans: Plan[];
  confirmation?: ReportConfirmation;
  /** Maintenance inside agreed service time in the period (computed with the calendars). */
  maintenanceMs: number;
  /** The customer's catalog title, when known. */
  customerTitle?: string;
  /** Its dependencies and downtime attribution (GET …/chain), for the internal section. */
  internal?: ReportInternal;
}

/** One service's report section. */
export function buildServiceSection(input: ServiceReportInput): ReportService {
  const { result: r, plans } = input;
  const { terms, result } = r;
  const { start, end } = r.period;

  const incidentsByPriority = PRIORITIES.map(priority => {
    const rows = result.incidents.filter(i => i.priority === priority);
    return {
      priority,
      incidents: result.faults[priority],
      responseBreaches: rows.filter(
        i => i.countedForResponse && i.response.status === 'breached',
      ).length,
      resolutionBreaches: rows.filter(
        i => i.countedForResolution && i.resolution.status === 'breached',
      ).length,
    };
  });

  const breaches: ReportBreach[] = [];
  for (const i of result.incidents) {
    for (const clock of ['response', 'resolution'] as const) {
      const c = i[clock];
      const counted =
        clock === 'response' ? i.countedForResponse : i.countedForResolution;
      if (counted && c.status === 'breached' && c.targetMs !== undefined) {
        breaches.push({
          source: i.source,
          id: i.id,
          title: i.title,
          priority: i.priority,
          clock,
          elapsedMs: c.elapsedMs,
          targetMs: c.targetMs,
        });
      }
    }
  }

  const actions: ReportAction[] = [];
  for (const plan of plans) {
    for (const a of plan.actions) {
      const base = {
        planId: plan.id,
        planTitle: plan.title,
        action: a.title,
        ...(a.assignee ? { assignee: a.assignee } : {}),
        ...(a.dueDate ? { dueDate: a.dueDate } : {}),
      };
      if (a.createdAt >= start && a.createdAt < end) {
        actions.push({ ...base, event: 'opened', at: a.createdAt });
      }
      if (a.doneAt !== undefined && a.doneAt >= start && a.doneAt < end) {
        actions.push({ ...base, event: 'closed', at: a.doneAt });
      }
    }
  }
  actions.sort((a, b) => a.at - b.at || a.action.localeCompare(b.action));

  const av = result.availability;
  const section: ReportService = {
    entityRef: r.entityRef,
    title: r.title,
    ownerRef: input.ownerRef,
    systemRef: input.systemRef,
    customer: terms.customer,
    customerTitle: input.customerTitle,
    agreement: terms.agreement,
    agreementType: terms.agreementType ?? 'sla',
    tier: terms.tier,
    serviceHours: terms.serviceHours.spec,
    timezone: terms.timezone,
    termsVersion: r.termsVersion,
    termsBackdated: r.termsBackdated,
    provisional: !result.complete,
    objectives: result.objectives.map(o => ({
      objective: o.objective,
      target: o.target.display,
      achieved: o.actual.display,
      status: o.status,
      targetValue: o.target.value,
      percentile: o.target.percentile,
      actualValue: o.actual.value,
      // The engine's own tally of response and resolution objectives (absent on others).
      counted: o.actual.counted,
      metCount: o.actual.metCount,
      worstMs: o.actual.worstMs,
    })),
    met: result.met,
    committed: result.committed,
    achievementRate: result.achievementRate,
    // SPEC §9: the objectives a short source fed read unknown; the coverage says why.
    unknown: result.unknown,
    coverage: result.coverage,
    availability: {
      targetPercent: av.target,
      achievedPercent: av.availability,
      agreedServiceTimeMs: av.astMs,
      downtimeMs: av.downtimeMs,
      maintenanceMs: input.maintenanceMs,
      maintenanceWindows: terms.maintenance?.spec,
      budgetMs: av.budgetMs,
      budgetRemainingMs: av.budgetRemainingMs,
      outages: result.outages.count,
      longestOutageMs: result.outages.longestMs,
    },
    incidentsByPriority,
    breaches,
    actions,
    // Computed with the result by the compliance service (SPEC §7), so the report and the API agree.
    credits: r.credits,
    internal: input.internal,
  };
  if (input.confirmation) {
    section.confirmation = {
      ...input.confirmation,
      coversTermsInForce: input.confirmation.termsVersion === r.termsVersion,
    };
  }
  return dropUndefined(section);
}

/** One earlier period's achievement rate, for the trend chart. */
export type ReportTrendPoint = NonNullable<ReportModel['trend']>[number];

/** A report over one or more services (one for an entity report, all of a customer's otherwise). */
export function buildReportModel(input: {
  subjectKind: 'entity' | 'customer';
  subjectRef: string;
  /** The subject's catalog title, when known. */
  subjectTitle?: string;
  periodKey: string;
  generatedAt: number;
  services: ServiceReportInput[];
  /** The achievement rate of earlier periods, oldest first (this period is added last). */
  trend?: ReportTrendPoint[];
}): ReportModel {
  const services = input.services
    .map(buildServiceSection)
    .sort((a, b) => (a.entityRef < b.entityRef ? -1 : 1));
  const first = input.services[0]?.result;
  const total = rollupAchievement(input.services.map(s => s.result.result));
  return dropUndefined({
    subjectKind: input.subjectKind,
    subjectRef: input.subjectRef,
    subjectTitle: input.subjectTitle,
    periodKey: input.periodKey,
    periodStart: first?.period.start ?? 0,
    periodEnd: first?.period.end ?? 0,
    timezone: first?.terms.timezone ?? 'UTC',
    generatedAt: input.generatedAt,
    services,
    total: {
      met: total.met,
      committed: total.committed,
      achievementRate: total.rate,
      unknown: total.unknown,
    },
    trend: input.trend && [
      ...input.trend,
      {
        periodKey: input.periodKey,
        met: total.met,
        committed: total.committed,
        achievementRate: total.rate,
      },
    ],
  });
}

/** JSON round trips drop undefined; doing it up front makes stored and fresh models equal. */
function dropUndefined<T extends object>(o: T): T {
  return JSON.parse(JSON.stringify(o));
}
