import {
  HeatmapCell,
  achievementChange,
  groupServices,
  periodsOf,
  ROLLUP_DIMENSIONS,
  RollupDimension,
  rollupAchievement,
  rollupService,
  ServiceSummary as ApiServiceSummary,
  summaryStatus,
  worstServices,
} from '@servicelevel/plugin-sla-common';
import { SlaEntity } from '../database/types';
import {
  ComplianceService,
  EncodedBody,
  encodeBody,
  EntityPeriodResult,
  OwnKindResults,
  PeriodQuery,
} from './ComplianceService';
import { sumCredits } from './credits';

export const GROUP_BY = ROLLUP_DIMENSIONS;
export type GroupBy = RollupDimension;

/** Where an entity sits in the catalog, for grouping. */
function placement(e: SlaEntity) {
  return {
    ownerRef: e.ownerRef,
    systemRef: e.systemRef,
    domainRef: e.domainRef,
  };
}

/**
 * One service's line in the overview: its results over the periods of its own kind that
 * overlap the requested period, summed (rules/rollup in sla-common).
 */
export type ServiceSummary = ApiServiceSummary;

function summarize(o: OwnKindResults, results: EntityPeriodResult[]) {
  const rollup = rollupService(results.map(r => r.result));
  const summary: ServiceSummary = {
    entityRef: o.entity.entityRef,
    title: o.entity.title,
    ...placement(o.entity),
    ...rollup,
    period: o.period.key,
    periodKind: o.periodKind,
  };
  return summary;
}

/** The month periods of a result that have started, in the service's zone. */
function startedMonths(r: EntityPeriodResult, now: number): string[] {
  return periodsOf('month', r.terms.timezone, r.period.start, r.period.end)
    .filter(m => m.start <= now)
    .map(m => m.key);
}

/** The most frequent value (services in far zones may be a period ahead or behind). */
function mostCommon(values: string[]): string | undefined {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best: string | undefined;
  for (const [v, n] of counts)
    if (best === undefined || n > counts.get(best)!) best = v;
  return best;
}

/**
 * The organisation-wide rollup (the `/overview` description in openapi.yaml), every service in its own period
 * kind: the requested period (total, groups, services, worst), the period before it, the
 * year to date (total, groups, one point per month) and the heatmap (one cell per period
 * of the service's own kind in the year). Every figure is a sum over sums of the services'
 * results; the frontend displays them as they are.
 */
export function buildOverview(
  own: OwnKindResults[],
  groupBy: GroupBy,
  now: number,
) {
  const services = own.map(o => summarize(o, o.selected));
  // Credits of the same periods the summaries sum: closed ones owed, open ones provisional.
  const creditsByRef = new Map(
    own.map(o => [o.entity.entityRef, o.selected.map(r => r.credits)]),
  );
  const creditsOf = (refs: string[]) =>
    sumCredits(refs.map(ref => creditsByRef.get(ref) ?? []));
  const total = {
    ...rollupAchievement(services),
    services: services.length,
    credits: creditsOf(services.map(s => s.entityRef)),
  };
  const groups = groupServices(services, groupBy).map(({ key, members }) => ({
    key,
    ...rollupAchievement(members),
    services: members.map(m => m.entityRef).sort(),
    breached: members.reduce((n, m) => n + m.breaches, 0),
    credits: creditsOf(members.map(m => m.entityRef)),
  }));

  const hasPrevious = own.some(o => o.previous.length > 0);
  const prev = rollupAchievement(
    own.flatMap(o => o.previous.map(r => r.result)),
  );
  const previous = hasPrevious
    ? { ...prev, change: achievementChange(total, prev) }
    : undefined;

  // The year: per service, its own-kind periods; per month, the period covering it.
  const year = mostCommon(own.map(o => String(o.period.key).slice(0, 4))) ?? '';
  const byMonth = new Map<string, EntityPeriodResult[]>();
  const rows = own.map(o => {
    const cells: HeatmapCell[] = o.year.map(r => {
      const months = startedMonths(r, now);
      for (const m of months) {
        const list = byMonth.get(m);
        if (list) list.push(r);
        else byMonth.set(m, [r]);
      }
      const rollup = rollupService([r.result]);
      return {
        key: r.period.key,
        span: months.length,
        complete: r.result.complete,
        status: summaryStatus(r.result),
        met: rollup.met,
        committed: rollup.committed,
        ...(rollup.rate === undefined ? {} : { rate: rollup.rate }),
        ...(rollup.unknown === undefined ? {} : { unknown: rollup.unknown }),
        breached: rollup.breaches,
        atRisk: rollup.atRisk.length,
      };
    });
    return {
      entityRef: o.entity.entityRef,
      title: o.entity.title,
      periodKind: o.periodKind,
      yearToDate: rollupAchievement(o.year.map(r => r.result)),
      cells,
    };
  });
  const ytdServices = own.map(o => summarize(o, o.year));
  const months = [...byMonth.keys()].sort();

  return {
    groupBy,
    total,
    groups,
    worst: worstServices(services),
    services,
    previous,
    yearToDate: {
      year,
      total: {
        ...rollupAchievement(ytdServices),
        services: services.length,
        credits: sumCredits(own.map(o => o.year.map(r => r.credits))),
      },
      groups: groupServices(ytdServices, groupBy).map(({ key, members }) => ({
        key,
        ...rollupAchievement(members),
      })),
      months: months.map(key => {
        const covering = byMonth.get(key)!;
        return {
          key,
          ...rollupAchievement(covering.map(r => r.result)),
          complete: covering.every(r => r.result.complete),
        };
      }),
    },
    heatmap: { year, months, rows },
  };
}

const overviewBodyCache = new WeakMap<
  OwnKindResults[],
  Map<GroupBy, Promise<EncodedBody>>
>();

/**
 * buildOverview encoded (JSON and ETag), once per (results, groupBy): evaluateOwnKind
 * returns the same array while every result it holds is the same, and a new one once a
 * write touched one of its entities (or a result expired), so the body of 2,000 services is
 * not rebuilt, re-serialized and re-hashed for every request.
 */
export async function overviewBody(
  compliance: ComplianceService,
  query: PeriodQuery,
  groupBy: GroupBy,
  now: number,
): Promise<EncodedBody> {
  const own = await compliance.evaluateOwnKind(query, now);
  let byGroup = overviewBodyCache.get(own);
  if (!byGroup) {
    byGroup = new Map();
    overviewBodyCache.set(own, byGroup);
  }
  let body = byGroup.get(groupBy);
  if (!body) {
    body = Promise.resolve(encodeBody(buildOverview(own, groupBy, now)));
    byGroup.set(groupBy, body);
  }
  return body;
}

/** overviewBody's JSON. */
export async function overviewJson(
  compliance: ComplianceService,
  query: PeriodQuery,
  groupBy: GroupBy,
  now: number,
): Promise<string> {
  return (await overviewBody(compliance, query, groupBy, now)).json;
}
