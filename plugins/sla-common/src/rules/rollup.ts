/**
 * The achievement rollup: one rule for any set of entity-period results, used by the
 * overview API (and by whoever else sums results). Each service contributes results of its
 * own period kind; this module only sums what it is given. Committed means decided (PeriodResult.committed).
 */
import {
  achievementRate,
  percentOf,
  type AvailabilityResult,
  type ObjectiveId,
  type ObjectiveResult,
  type PeriodResult,
} from '../engine/evaluate';

/** An achievement tally: Σ met / Σ committed, never an average of percentages. */
export interface Achievement {
  met: number;
  /** Decided objectives with a target (see PeriodResult.committed). */
  committed: number;
  /** Percent; absent when nothing is committed ("n/a"), never 0 % or 100 %. */
  rate?: number;
  /**
   * Objectives that read `unknown` for lack of data coverage (SPEC §9), neither met nor
   * committed: the rate reads "n of m, k unknown". Absent when none.
   */
  unknown?: number;
}

/**
 * Σ met / Σ committed × 100 over any set of results (the engine's arithmetic); no rate when
 * Σ committed is 0.
 */
export function rollupAchievement(
  results: ReadonlyArray<{ met: number; committed: number; unknown?: number }>,
): Achievement {
  const unknown = results.reduce((n, r) => n + (r.unknown ?? 0), 0);
  const rate: Achievement = achievementRate([...results]);
  return unknown > 0 ? { ...rate, unknown } : rate;
}

/**
 * Availability over several periods: Σ (agreed − downtime) / Σ agreed service time, so a long
 * period weighs more than a short one. Undefined when no service time was agreed.
 */
export function rollupAvailability(
  results: Iterable<
    Pick<AvailabilityResult, 'astMs' | 'downtimeMs' | 'provisional'>
  >,
): { availability?: number; provisional: boolean } {
  let ast = 0;
  let down = 0;
  let provisional = false;
  for (const a of results) {
    ast += a.astMs;
    down += a.downtimeMs;
    provisional ||= a.provisional;
  }
  return ast > 0
    ? { availability: percentOf(ast - down, ast), provisional }
    : { provisional };
}

/**
 * What the rollups read of a period result: its tallies, its availability's sums and each
 * objective's status, with when it was evaluated. A whole PeriodResult is one;
 * {@link figuresOf} makes one that holds nothing else, for a reader that keeps many results
 * only to sum them (the overview keeps every service's periods of the year).
 */
export interface PeriodFigures
  extends Pick<
    PeriodResult,
    'period' | 'complete' | 'evaluatedAt' | 'met' | 'committed' | 'unknown'
  > {
  coverage?: Pick<NonNullable<PeriodResult['coverage']>, 'coverage'>;
  objectives: ReadonlyArray<Pick<ObjectiveResult, 'objective' | 'status'>>;
  availability: Pick<
    AvailabilityResult,
    'astMs' | 'downtimeMs' | 'provisional'
  >;
}

/**
 * `result`'s figures (PeriodFigures) and nothing else, in new objects. Two results with the
 * same figures give the same JSON: the fields come in one order, and absent ones are left out.
 */
export function figuresOf(result: PeriodFigures): PeriodFigures {
  const { period, availability: a, coverage } = result;
  const figures: PeriodFigures = {
    period: { key: period.key, start: period.start, end: period.end },
    complete: result.complete,
    evaluatedAt: result.evaluatedAt,
    met: result.met,
    committed: result.committed,
    objectives: result.objectives.map(o => ({
      objective: o.objective,
      status: o.status,
    })),
    availability: {
      astMs: a.astMs,
      downtimeMs: a.downtimeMs,
      provisional: a.provisional,
    },
  };
  if (result.unknown !== undefined) figures.unknown = result.unknown;
  if (coverage !== undefined)
    figures.coverage = { coverage: coverage.coverage };
  return figures;
}

/** The one status that sums up a period result for a heatmap cell. */
export type SummaryStatus =
  | 'breached'
  | 'unknown'
  | 'at-risk'
  | 'running'
  | 'met'
  | 'no-data';

/**
 * Worst first: any breach, else any objective unknown for lack of data coverage (SPEC §9:
 * never a silent "met"), else any objective at risk, else still running (open period), else
 * met when something was decided, else no data.
 */
export function summaryStatus(
  result: Pick<PeriodFigures, 'objectives' | 'complete' | 'committed'>,
): SummaryStatus {
  const statuses = new Set(result.objectives.map(o => o.status));
  if (statuses.has('breached')) return 'breached';
  if (statuses.has('unknown')) return 'unknown';
  if (statuses.has('at-risk')) return 'at-risk';
  if (!result.complete) return 'running';
  return result.committed > 0 ? 'met' : 'no-data';
}

/** One service over a set of its periods (e.g. the closed quarters of a year and the open one). */
export interface ServiceRollup extends Achievement {
  /** Keys of the periods summed, in the order given. */
  periods: string[];
  /** True when every period summed has ended (its statuses are final). */
  complete: boolean;
  availability?: number;
  provisional: boolean;
  /** Objectives breached in any of the periods, each once, in first-seen order. */
  breached: ObjectiveId[];
  /** Objectives at risk in a period still open. */
  atRisk: ObjectiveId[];
  /** Breached objective results counted over all periods (an objective breached twice counts 2). */
  breaches: number;
  /** The lowest data coverage of any period summed, percent, when one is below 100 % (SPEC §9). */
  coverage?: number;
}

/** Sums one service's results over several periods; an empty list gives n/a and complete. */
export function rollupService(
  results: readonly Omit<PeriodFigures, 'evaluatedAt'>[],
): ServiceRollup {
  const breached = new Set<ObjectiveId>();
  const atRisk = new Set<ObjectiveId>();
  let breaches = 0;
  for (const r of results) {
    for (const o of r.objectives) {
      if (o.status === 'breached') {
        breached.add(o.objective);
        breaches++;
      } else if (o.status === 'at-risk') atRisk.add(o.objective);
    }
  }
  const coverages = results
    .map(r => r.coverage?.coverage)
    .filter((c): c is number => c !== undefined && c < 100);
  return {
    ...rollupAchievement(results),
    ...rollupAvailability(results.map(r => r.availability)),
    periods: results.map(r => r.period.key),
    complete: results.every(r => r.complete),
    breached: [...breached],
    atRisk: [...atRisk],
    breaches,
    ...(coverages.length > 0 && { coverage: Math.min(...coverages) }),
  };
}

/** Dimensions services are grouped by. */
export const ROLLUP_DIMENSIONS = ['owner', 'system', 'domain'] as const;
export type RollupDimension = (typeof ROLLUP_DIMENSIONS)[number];

/** The group of services that have no owner / system / domain. */
export const NO_GROUP = '(none)';

/** Where a service sits in the catalog. */
export interface ServicePlacement {
  ownerRef?: string;
  systemRef?: string;
  domainRef?: string;
}

const FIELD = {
  owner: 'ownerRef',
  system: 'systemRef',
  domain: 'domainRef',
} as const;

/** The group key of a service: its owner / system / domain ref, or {@link NO_GROUP}. */
export function groupKeyOf(
  service: ServicePlacement,
  dimension: RollupDimension,
): string {
  return service[FIELD[dimension]] ?? NO_GROUP;
}

/** What a service is found by in a text filter: its ref, title and where it sits. */
export interface ServiceText extends ServicePlacement {
  entityRef: string;
  title?: string;
}

/**
 * True when `text` (trimmed, any case) is part of the service's ref, title, owner, system or
 * domain; an empty text matches every service. The overview's `q` and the page's filter of
 * its other lists use this one rule. Lower-cased without a locale, so that the backend and
 * every browser agree.
 */
export function serviceMatchesText(
  service: ServiceText,
  text: string,
): boolean {
  const q = text.trim().toLowerCase();
  if (!q) return true;
  return [
    service.entityRef,
    service.title,
    service.ownerRef,
    service.systemRef,
    service.domainRef,
  ].some(v => v !== undefined && v.toLowerCase().includes(q));
}

/**
 * Services by group, each service in exactly one group, groups sorted by key. A total over
 * all services is taken over services, not groups, so nothing is counted twice.
 */
export function groupServices<T extends ServicePlacement>(
  services: readonly T[],
  dimension: RollupDimension,
): Array<{ key: string; members: T[] }> {
  const groups = new Map<string, T[]>();
  for (const s of services) {
    const key = groupKeyOf(s, dimension);
    const members = groups.get(key);
    if (members) members.push(s);
    else groups.set(key, [s]);
  }
  return [...groups.entries()]
    .map(([key, members]) => ({ key, members }))
    .sort((a, b) => (a.key < b.key ? -1 : Number(a.key > b.key)));
}

/**
 * The services leadership should look at: those with something decided and not everything
 * met, lowest rate first (compared exactly on the counts), then most breaches, then by ref.
 * Services at 100 % and services with nothing decided (n/a) are left out.
 */
export function worstServices<
  T extends {
    entityRef: string;
    met: number;
    committed: number;
    breaches: number;
  },
>(services: readonly T[], limit = 10): T[] {
  return services
    .filter(s => s.committed > 0 && s.met < s.committed)
    .sort(
      (a, b) =>
        a.met * b.committed - b.met * a.committed ||
        b.breaches - a.breaches ||
        (a.entityRef < b.entityRef ? -1 : Number(a.entityRef > b.entityRef)),
    )
    .slice(0, limit);
}

/**
 * The change in percentage points from `previous` to `current`; undefined when either has
 * no rate.
 */
export function achievementChange(
  current: Achievement,
  previous: Achievement,
): number | undefined {
  return current.rate === undefined || previous.rate === undefined
    ? undefined
    : current.rate - previous.rate;
}
