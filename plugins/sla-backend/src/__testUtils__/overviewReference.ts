import {
  achievementChange,
  groupServices,
  PeriodFigures,
  rollupAchievement,
  worstServices,
} from '@servicelevel/plugin-sla-common';
import type { OwnKindResults } from '../service/ComplianceService';
import { sumCredits } from '../service/credits';
import { GroupBy, OverviewPiece, overviewPiece } from '../service/overview';

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
 * The organisation-wide rollup from the services' pieces (the `/overview` description in
 * openapi.yaml), summed over all services at once, as it was before the figures were summed
 * per group (overview.ts: groupParts): the slow reference of assembleOverview and of the
 * maintained bodies, every service in its own period kind: the requested period (total, groups,
 * services, worst), the period before it, the year to date (total, groups, one point per
 * month) and the heatmap (one cell per period of the service's own kind in the year). Every
 * figure is a sum over sums of the services' results; the frontend displays them as they are.
 */
export function referenceOverview(pieces: OverviewPiece[], groupBy: GroupBy) {
  const services = pieces.map(p => p.summary);
  const byRef = new Map(pieces.map(p => [p.summary.entityRef, p]));
  // Credits of the same periods the summaries sum: closed ones owed, open ones provisional.
  const creditsOf = (refs: string[]) =>
    sumCredits(refs.map(ref => byRef.get(ref)?.selectedCredits ?? []));
  const total = {
    ...rollupAchievement(services),
    services: services.length,
    credits: sumCredits(pieces.map(p => p.selectedCredits)),
  };
  const groups = groupServices(services, groupBy).map(({ key, members }) => ({
    key,
    ...rollupAchievement(members),
    services: members.map(m => m.entityRef).sort(),
    breached: members.reduce((n, m) => n + m.breaches, 0),
    credits: creditsOf(members.map(m => m.entityRef)),
  }));

  const hasPrevious = pieces.some(p => p.previous.length > 0);
  const prev = rollupAchievement(pieces.flatMap(p => p.previous));
  const previous = hasPrevious
    ? { ...prev, change: achievementChange(total, prev) }
    : undefined;

  // The year: per service, its own-kind periods; per month, the periods covering it.
  const year =
    mostCommon(pieces.map(p => String(p.source.period.key).slice(0, 4))) ?? '';
  const byMonth = new Map<string, PeriodFigures[]>();
  for (const p of pieces) {
    for (const [key, result] of p.months) {
      const list = byMonth.get(key);
      if (list) list.push(result);
      else byMonth.set(key, [result]);
    }
  }
  const months = [...byMonth.keys()].sort();
  const ytdServices = pieces.map(p => p.yearToDate);

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
        credits: sumCredits(pieces.map(p => p.yearCredits)),
      },
      groups: groupServices(ytdServices, groupBy).map(({ key, members }) => ({
        key,
        ...rollupAchievement(members),
      })),
      months: months.map(key => {
        const covering = byMonth.get(key)!;
        return {
          key,
          ...rollupAchievement(covering),
          complete: covering.every(r => r.complete),
        };
      }),
    },
    heatmap: { year, months, rows: pieces.map(p => p.row) },
  };
}

/** The overview of `own` at `now`, summed by referenceOverview. */
export function referenceBuild(
  own: OwnKindResults[],
  groupBy: GroupBy,
  now: number,
) {
  return referenceOverview(
    own.map(o => overviewPiece(o, now)),
    groupBy,
  );
}
