import {
  achievementRate,
  ObjectiveStatus,
  PRIORITIES,
  Priority,
} from '@servicelevel/plugin-sla-common';
import type { EntityPeriodResult } from '../service/ComplianceService';
import type { Plan } from '../plans/types';

/**
 * The period service report as data (issue 7): everything the CSV, Markdown and HTML
 * renderings show, computed from one EntityPeriodResult per service plus its plans. Pure.
 */

export interface ReportConfirmation {
  termsVersion: number;
  by: string;
  role: 'owner' | 'customer';
  at: number;
  comment?: string;
}

export interface ReportObjective {
  objective: string;
  target: string;
  achieved: string;
  status: ObjectiveStatus;
}

export interface ReportBreach {
  source: string;
  id: string;
  title: string;
  priority: Priority;
  clock: 'response' | 'resolution';
  elapsedMs: number;
  targetMs: number;
}

export interface ReportAction {
  planId: string;
  planTitle: string;
  action: string;
  assignee?: string;
  dueDate?: string;
  /** opened: created in the period; closed: marked done in the period. */
  event: 'opened' | 'closed';
  at: number;
}

export interface ReportService {
  entityRef: string;
  title?: string;
  ownerRef?: string;
  systemRef?: string;
  customer?: string;
  agreement?: string;
  tier?: string;
  serviceHours: string;
  timezone: string;
  termsVersion: number;
  /** True when the period predates the first terms version seen and the earliest was applied. */
  termsBackdated: boolean;
  /** The latest confirmation of any version, and whether it covers the version in force. */
  confirmation?: ReportConfirmation & { coversTermsInForce: boolean };
  /** True while the period is open (the report is provisional). */
  provisional: boolean;
  objectives: ReportObjective[];
  met: number;
  committed: number;
  /** Percent; undefined when nothing is committed (n/a). */
  achievementRate?: number;
  availability: {
    targetPercent?: number;
    achievedPercent?: number;
    agreedServiceTimeMs: number;
    downtimeMs: number;
    /** Planned maintenance windows inside agreed service time (excluded from downtime). */
    maintenanceMs: number;
    maintenanceWindows?: string;
    budgetMs?: number;
    budgetRemainingMs?: number;
    outages: number;
    longestOutageMs: number;
  };
  /** Incidents created in the period, per priority, and breaches among clocks counted in it. */
  incidentsByPriority: Array<{
    priority: Priority;
    incidents: number;
    responseBreaches: number;
    resolutionBreaches: number;
  }>;
  breaches: ReportBreach[];
  actions: ReportAction[];
}

export interface ReportModel {
  subjectKind: 'entity' | 'customer';
  subjectRef: string;
  periodKey: string;
  periodStart: number;
  periodEnd: number;
  /** Zone the period boundaries and times are shown in (the first service's). */
  timezone: string;
  generatedAt: number;
  services: ReportService[];
  /** Sum over sums across the services (ENGINE.md R7). */
  total: { met: number; committed: number; achievementRate?: number };
}

/** Input of one service's section. */
export interface ServiceReportInput {
  result: EntityPeriodResult;
  ownerRef?: string;
  systemRef?: string;
  plans: Plan[];
  confirmation?: ReportConfirmation;
  /** Maintenance inside agreed service time in the period (computed with the calendars). */
  maintenanceMs: number;
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
    agreement: terms.agreement,
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
    })),
    met: result.met,
    committed: result.committed,
    achievementRate: result.achievementRate,
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
  };
  if (input.confirmation) {
    section.confirmation = {
      ...input.confirmation,
      coversTermsInForce: input.confirmation.termsVersion === r.termsVersion,
    };
  }
  return dropUndefined(section);
}

/** A report over one or more services (one for an entity report, all of a customer's otherwise). */
export function buildReportModel(input: {
  subjectKind: 'entity' | 'customer';
  subjectRef: string;
  periodKey: string;
  generatedAt: number;
  services: ServiceReportInput[];
}): ReportModel {
  const services = input.services
    .map(buildServiceSection)
    .sort((a, b) => (a.entityRef < b.entityRef ? -1 : 1));
  const first = input.services[0]?.result;
  const total = achievementRate(input.services.map(s => s.result.result));
  return {
    subjectKind: input.subjectKind,
    subjectRef: input.subjectRef,
    periodKey: input.periodKey,
    periodStart: first?.period.start ?? 0,
    periodEnd: first?.period.end ?? 0,
    timezone: first?.terms.timezone ?? 'UTC',
    generatedAt: input.generatedAt,
    services,
    total: dropUndefined({
      met: total.met,
      committed: total.committed,
      achievementRate: total.rate,
    }),
  };
}

/** JSON round trips drop undefined; doing it up front makes stored and fresh models equal. */
function dropUndefined<T extends object>(o: T): T {
  return JSON.parse(JSON.stringify(o));
}
