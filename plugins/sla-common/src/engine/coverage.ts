/**
 * Data coverage (SPEC §9): how much of a period the incident sources linked to a service were
 * synced for, and the objectives that cannot be decided when that is too little. A figure
 * computed from incomplete data reads `unknown`, never `met`. Pure, integer-millisecond
 * arithmetic in real time; see docs/coverage.md.
 */
import { percentOf } from './evaluate';
import type { ObjectiveId, ObjectiveResult, PeriodResult } from './evaluate';

/** SPEC §9's default `sla.coverage.threshold`, percent. */
export const DEFAULT_COVERAGE_THRESHOLD = 95;

/**
 * What a source's records feed: every objective (an incident source), or availability and the
 * outage objectives only (a Prometheus availability query).
 */
export type CoverageFeeds = 'all' | 'availability';

/** A stretch of real time with no successful sync (longer than `sla.coverage.maxGap`). */
export interface CoverageGap {
  start: number;
  end: number;
}

/** One source account linked to a service, and its gaps (any period; they are clipped here). */
export interface SourceCoverageInput {
  /** The incident `source` (provider id), e.g. `pagerduty`. */
  source: string;
  account: string;
  feeds: CoverageFeeds;
  gaps: CoverageGap[];
}

/** One source account's coverage of a period. */
export interface SourceCoverage {
  source: string;
  account: string;
  feeds: CoverageFeeds;
  /** Percent of the period's elapsed time the source was synced for (exact, not rounded). */
  coverage: number;
  /** The gaps, clipped to the period's elapsed part, oldest first, overlapping ones merged. */
  gaps: CoverageGap[];
  /** Total length of `gaps`. */
  uncoveredMs: number;
}

/** A period's coverage: every linked source and the threshold it was judged by. */
export interface PeriodCoverage {
  /** The lowest coverage of any linked source, percent. */
  coverage: number;
  /** `sla.coverage.threshold` applied, percent. */
  threshold: number;
  sources: SourceCoverage[];
}

/** Objectives a Prometheus availability query feeds (SPEC §9). */
const AVAILABILITY_OBJECTIVES: ReadonlySet<ObjectiveId> = new Set<ObjectiveId>([
  'availability',
  'max-outage',
  'min-mtbf',
]);

/** Whether records that feed `feeds` decide objective `id`. */
export function feedsObjective(feeds: CoverageFeeds, id: ObjectiveId): boolean {
  return feeds === 'all' || AVAILABILITY_OBJECTIVES.has(id);
}

/** Sorted, merged, clipped to [from, to). */
function clipAndMerge(
  gaps: readonly CoverageGap[],
  from: number,
  to: number,
): CoverageGap[] {
  const clipped = gaps
    .map(g => ({ start: Math.max(g.start, from), end: Math.min(g.end, to) }))
    .filter(g => g.end > g.start)
    .sort((a, b) => a.start - b.start);
  const merged: CoverageGap[] = [];
  for (const g of clipped) {
    const last = merged[merged.length - 1];
    if (last && g.start <= last.end) last.end = Math.max(last.end, g.end);
    else merged.push({ ...g });
  }
  return merged;
}

/**
 * Coverage of a period by each linked source: 1 − |gaps ∩ P| / |P| in real time, where P is
 * the period up to `now` (an open period's elapsed part: the rest has not happened, so it
 * cannot be missing). Undefined when no source is linked (the built-in store always counts)
 * or nothing of the period has elapsed.
 */
export function periodCoverage(
  sources: readonly SourceCoverageInput[],
  period: { start: number; end: number },
  now: number,
  threshold: number = DEFAULT_COVERAGE_THRESHOLD,
): PeriodCoverage | undefined {
  const to = Math.min(period.end, now);
  const length = to - period.start;
  if (sources.length === 0 || !(length > 0)) return undefined;
  const covered = sources.map(s => {
    const gaps = clipAndMerge(s.gaps, period.start, to);
    const uncoveredMs = gaps.reduce((sum, g) => sum + (g.end - g.start), 0);
    return {
      source: s.source,
      account: s.account,
      feeds: s.feeds,
      coverage: percentOf(length - uncoveredMs, length),
      gaps,
      uncoveredMs,
    };
  });
  return {
    coverage: Math.min(...covered.map(s => s.coverage)),
    threshold,
    sources: covered,
  };
}

/** Statuses that more data could change: every one, so all become `unknown` below threshold. */
function undecided(o: ObjectiveResult): ObjectiveResult {
  return { ...o, status: 'unknown', statusOnDataReceived: o.status };
}

/**
 * The result with its coverage: each objective fed by a source whose coverage is below the
 * threshold reads `unknown` (its status on the data received is kept beside it), and is then
 * neither met nor committed; `unknown` counts them, so the rate reads "n of m, k unknown".
 * Without coverage (no linked source) the result is returned as it is.
 */
export function applyCoverage(
  result: PeriodResult,
  coverage: PeriodCoverage | undefined,
): PeriodResult {
  if (!coverage) return result;
  const short = coverage.sources.filter(s => s.coverage < coverage.threshold);
  const isUnknown = (id: ObjectiveId) =>
    short.some(s => feedsObjective(s.feeds, id));
  const objectives = result.objectives.map(o =>
    isUnknown(o.objective) && o.status !== 'unknown' ? undecided(o) : o,
  );
  const availability =
    isUnknown('availability') &&
    result.availability.status !== 'no-target' &&
    result.availability.status !== 'unknown'
      ? {
          ...result.availability,
          status: 'unknown' as const,
          statusOnDataReceived: result.availability.status,
        }
      : result.availability;
  const met = objectives.filter(o => o.status === 'met').length;
  const committed = objectives.filter(
    o => o.hasTarget && (o.status === 'met' || o.status === 'breached'),
  ).length;
  const unknown = objectives.filter(o => o.status === 'unknown').length;
  const out: PeriodResult = {
    ...result,
    availability,
    objectives,
    met,
    committed,
    coverage,
  };
  delete out.achievementRate;
  delete out.unknown;
  if (committed > 0) out.achievementRate = percentOf(met, committed);
  if (unknown > 0) out.unknown = unknown;
  return out;
}
