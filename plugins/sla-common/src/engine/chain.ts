/**
 * The chain behind a service (SPEC §8): whose outages its downtime overlapped, and whether its
 * targets are consistent with those of what it depends on (the agreement type is part of the
 * annotation grammar, terms.ts). Pure, exact integer-millisecond arithmetic; see
 * docs/dependencies.md.
 */
import type { BusinessCalendar } from './calendar';
import { formatDuration } from './duration';
import { downtimeOf, maintenanceCalendar } from './evaluate';
import {
  PRIORITIES,
  type Incident,
  type Priority,
  type PriorityTargets,
  type SlaTerms,
} from './types';

// ---------------------------------------------------------------------------
// Attribution
// ---------------------------------------------------------------------------

/** An outage in real time; `end` absent while it is still open (it then runs to `now`). */
export interface OutageInterval {
  start: number;
  end?: number;
}

/** One dependency's outages: its incidents, raw intervals, or both. */
export interface DependencyOutages {
  /** Entity ref of the dependency, e.g. `resource:default/db-cluster`. */
  ref: string;
  /** Only unplanned outages with impact `down` count, as for the service itself. */
  incidents?: Incident[];
  outages?: OutageInterval[];
}

/** Input of {@link attributeDowntime}. */
export interface AttributeDowntimeInput {
  /**
   * The service's incidents: the same list `evaluatePeriod` counts (already filtered by
   * the terms' `sources`, see `incidentSourceCounts`). Only unplanned `down` outages count.
   */
  incidents?: Incident[];
  /** The service's outages as raw intervals (added to those of `incidents`). */
  outages?: OutageInterval[];
  /**
   * Each dependency's outages. Entries with the same `ref` are merged; the order of first
   * appearance is the order of the result.
   */
  dependencies: DependencyOutages[];
  /** The service's calendar (service hours), as given to `evaluatePeriod`. */
  calendar: BusinessCalendar;
  /** The service's maintenance windows (see {@link maintenanceCalendarOf}). */
  maintenance?: BusinessCalendar;
  period: { start: number; end: number };
  now: number;
}

/** One dependency's share of a service's downtime. */
export interface DependencyAttribution {
  ref: string;
  /**
   * SPEC §8 attributed(X) = |D ∩ O_X|: downtime during which this dependency was down, whether
   * or not another was too. These may add up to more than {@link DowntimeAttribution.dependencyMs}.
   */
  attributedMs: number;
  /** Downtime during which this dependency, and no other listed one, was down. */
  soleMs: number;
}

/** A service's unplanned downtime in a period, split by the dependencies down at the time. */
export interface DowntimeAttribution {
  /** |D|: equal to `evaluatePeriod(…).availability.downtimeMs` for the same inputs. */
  downtimeMs: number;
  /** |D ∩ ∪ O_X|: downtime during which at least one dependency was down (counted once). */
  dependencyMs: number;
  /** |D| − |D ∩ ∪ O_X|: the service's own downtime. `ownMs + dependencyMs = downtimeMs`. */
  ownMs: number;
  /** Every dependency of the input, in input order, also those with 0 ms. */
  dependencies: DependencyAttribution[];
  /**
   * A partition of `dependencyMs` by the exact set of dependencies that were down: every
   * millisecond is in exactly one entry, so `ownMs + Σ ms = downtimeMs`. Refs in input order;
   * entries by falling `ms`, then by refs. Sets with 0 ms are left out.
   */
  bySet: Array<{ refs: string[]; ms: number }>;
}

/**
 * A calendar of the terms' maintenance windows (`servicelevel.io/maintenance`, in the terms'
 * zone), the one `evaluatePeriod` uses; undefined when there are none.
 */
export function maintenanceCalendarOf(
  terms: Pick<SlaTerms, 'maintenance' | 'timezone'>,
): BusinessCalendar | undefined {
  return maintenanceCalendar(terms);
}

/**
 * Unplanned `down` outages of incidents plus raw intervals, open ones run to `now`, sorted and
 * merged (touching ones too), as evaluatePeriod merges them.
 */
function mergedOutages(
  incidents: Incident[] | undefined,
  outages: OutageInterval[] | undefined,
  now: number,
): Array<[number, number]> {
  const raw: Array<[number, number]> = [];
  const add = (s: number, end: number | undefined | null) => {
    const e = end === undefined || end === null ? now : end;
    if (e > s) raw.push([s, e]);
  };
  for (const inc of incidents ?? []) {
    const o = inc.outage;
    if (o && !o.planned && o.impact !== 'degraded') add(o.start, o.end);
  }
  for (const o of outages ?? []) add(o.start, o.end);
  raw.sort((x, y) => x[0] - y[0]);
  const out: Array<[number, number]> = [];
  for (const [s, e] of raw) {
    const last = out[out.length - 1];
    if (last && s <= last[1]) {
      if (e > last[1]) last[1] = e;
    } else out.push([s, e]);
  }
  return out;
}

/** Whether t lies in one of the sorted, disjoint half-open intervals. */
function covers(intervals: Array<[number, number]>, t: number): boolean {
  let lo = 0;
  let hi = intervals.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const [s, e] = intervals[mid];
    if (t < s) hi = mid - 1;
    else if (t >= e) lo = mid + 1;
    else return true;
  }
  return false;
}

/**
 * Splits the service's unplanned downtime in `period` (SPEC §5.5: merged unplanned outages ∩
 * period ∩ service hours, minus maintenance windows) by the dependencies that were down at
 * the same time (SPEC §8).
 *
 * Let D be that downtime and O_X the union of dependency X's unplanned `down` outages in real
 * time (open ones run to `now`; a dependency's own service hours and maintenance do not
 * matter: it was down or not). Then:
 * - `attributedMs` of X = |D ∩ O_X|. A millisecond during which two dependencies were both
 *   down counts for each of them, so these may add up to more than the downtime;
 * - `dependencyMs` = |D ∩ ∪ O_X| counts such a millisecond once, and `ownMs` = |D| − dependencyMs;
 * - `bySet` partitions `dependencyMs` by the exact set of dependencies that were down, so
 *   `ownMs + Σ bySet.ms = downtimeMs` with no double counting.
 *
 * Every figure is a sum of whole-millisecond measures of sub-intervals of the engine's
 * downtime intervals, so `downtimeMs` equals evaluatePeriod's to the millisecond.
 */
export function attributeDowntime(
  input: AttributeDowntimeInput,
): DowntimeAttribution {
  const { calendar, maintenance, now } = input;
  const { start, end } = input.period;

  const refs: string[] = [];
  const byRef = new Map<string, DependencyOutages[]>();
  for (const d of input.dependencies) {
    const list = byRef.get(d.ref);
    if (list) list.push(d);
    else {
      refs.push(d.ref);
      byRef.set(d.ref, [d]);
    }
  }
  const deps = refs.map(ref => {
    const list = byRef.get(ref)!;
    return mergedOutages(
      list.flatMap(d => d.incidents ?? []),
      list.flatMap(d => d.outages ?? []),
      now,
    );
  });
  // Instants where the set of dependencies down may change.
  const cuts = [...new Set(deps.flat(2))].sort((x, y) => x - y);

  const attributed = refs.map(() => 0);
  const sole = refs.map(() => 0);
  const sets = new Map<string, { refs: number[]; ms: number }>();
  let downtimeMs = 0;
  let ownMs = 0;
  for (const [gs, ge] of mergedOutages(input.incidents, input.outages, now)) {
    const a = Math.max(gs, start);
    const b = Math.min(ge, end);
    if (b <= a) continue;
    // First cut after a (binary search), then walk the pieces of [a, b) between cuts.
    let lo = 0;
    let hi = cuts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cuts[mid] <= a) lo = mid + 1;
      else hi = mid;
    }
    let x = a;
    for (let i = lo; x < b; i++) {
      const y = i < cuts.length && cuts[i] < b ? cuts[i] : b;
      const ms = downtimeOf(calendar, maintenance, x, y);
      if (ms > 0) {
        downtimeMs += ms;
        const down: number[] = [];
        for (let k = 0; k < deps.length; k++)
          if (covers(deps[k], x)) down.push(k);
        if (down.length === 0) ownMs += ms;
        else {
          for (const k of down) attributed[k] += ms;
          if (down.length === 1) sole[down[0]] += ms;
          const key = down.join(',');
          const set = sets.get(key);
          if (set) set.ms += ms;
          else sets.set(key, { refs: down, ms });
        }
      }
      x = y;
    }
  }
  const bySet = [...sets.values()]
    .map(s => ({ refs: s.refs.map(k => refs[k]), ms: s.ms }))
    .sort(
      (p, q) =>
        q.ms - p.ms || p.refs.join('\n').localeCompare(q.refs.join('\n')),
    );
  return {
    downtimeMs,
    dependencyMs: downtimeMs - ownMs,
    ownMs,
    dependencies: refs.map((ref, k) => ({
      ref,
      attributedMs: attributed[k],
      soleMs: sole[k],
    })),
    bySet,
  };
}

// ---------------------------------------------------------------------------
// Consistency warnings
// ---------------------------------------------------------------------------

/** A dependency's terms, as {@link chainWarnings} needs them. */
export interface ChainDependency {
  /** Entity ref, e.g. `resource:default/db-cluster`. */
  ref: string;
  terms: Pick<
    SlaTerms,
    'availability' | 'responseTime' | 'resolutionTime' | 'serviceDayMs'
  >;
  /**
   * 1 for a direct dependency (the default), 2 for a dependency of a dependency. Only direct
   * dependencies enter the serial-chain product: a direct dependency's own target already
   * accounts for what it depends on.
   */
  depth?: number;
}

/** A consistency warning (SPEC §8): a warning, never an error. `message` is English. */
export type ChainWarning =
  | {
      /** One dependency's availability target is below the service's. */
      code: 'dependency-availability-below';
      dependency: string;
      depth: number;
      /** Percent. */
      target: number;
      dependencyTarget: number;
      message: string;
    }
  | {
      /**
       * The product of the direct dependencies' availability targets (a serial chain) is
       * below the service's target. Only raised with two or more direct dependencies that
       * have a target: with one, the product is that dependency's target and the warning
       * above says it.
       */
      code: 'chain-availability-below';
      /** The direct dependencies with an availability target, in input order. */
      dependencies: string[];
      target: number;
      /** Percent, the double nearest the exact product (the comparison is exact). */
      product: number;
      message: string;
    }
  | {
      /** The service's time target for a priority is shorter than the dependency's. */
      code: 'resolution-target-shorter' | 'response-target-shorter';
      dependency: string;
      depth: number;
      priority: Priority;
      targetMs: number;
      dependencyTargetMs: number;
      message: string;
    };

/** A decimal number as an exact fraction digits / 10^scale. */
function decimal(n: number): { digits: bigint; scale: number } {
  const m = /^(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(String(n));
  if (!m) throw new Error(`not a non-negative decimal: ${n}`);
  const frac = m[2] ?? '';
  const exp = Number(m[3] ?? 0);
  let digits = BigInt(m[1] + frac);
  let scale = frac.length - exp;
  if (scale < 0) {
    digits *= 10n ** BigInt(-scale);
    scale = 0;
  }
  return { digits, scale };
}

/** digits / 10^scale as text with at most 4 decimals, rounded down (never shown above). */
function formatFloor4(digits: bigint, scale: number): string {
  const shown =
    scale >= 4
      ? digits / 10n ** BigInt(scale - 4)
      : digits * 10n ** BigInt(4 - scale);
  const int = shown / 10000n;
  const frac = (shown % 10000n).toString().padStart(4, '0').replace(/0+$/, '');
  return frac ? `${int}.${frac}` : `${int}`;
}

/** `resource:default/db-cluster` → `db-cluster`; other namespaces are kept (`ops/db`). */
function shortRef(ref: string): string {
  const colon = ref.indexOf(':');
  const rest = colon >= 0 ? ref.slice(colon + 1) : ref;
  return rest.startsWith('default/') ? rest.slice('default/'.length) : rest;
}

/**
 * Consistency warnings of a service's terms against its dependencies' (SPEC §8):
 * - `dependency-availability-below`: "You promise 99.95%, but you depend on db-cluster at
 *   99.9%", for every dependency (any depth) whose availability target is below the service's;
 * - `chain-availability-below`: the service's availability target is above the product of its
 *   direct dependencies' targets (availabilities of a serial chain multiply); compared exactly;
 * - `resolution-target-shorter` / `response-target-shorter`: a target shorter than the
 *   dependency's for the same priority. Targets compare as written (service-time ms of each
 *   side's own hours, percentile ignored); equal targets are not warned about.
 * Dependencies or services without the target in question are skipped. Order: availability
 * per dependency, the chain product, then time targets by dependency and priority.
 */
export function chainWarnings(
  terms: Pick<
    SlaTerms,
    'availability' | 'responseTime' | 'resolutionTime' | 'serviceDayMs'
  >,
  dependencies: ChainDependency[],
): ChainWarning[] {
  const out: ChainWarning[] = [];
  const target = terms.availability;
  if (target !== undefined) {
    const t = decimal(target);
    const direct: Array<{ ref: string; value: number }> = [];
    for (const d of dependencies) {
      const v = d.terms.availability;
      if (v === undefined) continue;
      const depth = d.depth ?? 1;
      if (depth <= 1) direct.push({ ref: d.ref, value: v });
      const dv = decimal(v);
      // v < target, exactly: v.digits × 10^t.scale < t.digits × 10^v.scale.
      if (
        dv.digits * 10n ** BigInt(t.scale) <
        t.digits * 10n ** BigInt(dv.scale)
      ) {
        out.push({
          code: 'dependency-availability-below',
          dependency: d.ref,
          depth,
          target,
          dependencyTarget: v,
          message: `You promise ${target}%, but you depend on ${shortRef(
            d.ref,
          )} at ${v}%.`,
        });
      }
    }
    if (direct.length >= 2) {
      // Product in percent = Π digits_i / 10^Σscale_i / 100^(k−1).
      let digits = 1n;
      let scale = 0;
      for (const d of direct) {
        const dv = decimal(d.value);
        digits *= dv.digits;
        scale += dv.scale + 2;
      }
      scale -= 2; // one factor of 100 stays: the product is in percent
      if (digits * 10n ** BigInt(t.scale) < t.digits * 10n ** BigInt(scale)) {
        out.push({
          code: 'chain-availability-below',
          dependencies: direct.map(d => d.ref),
          target,
          product: direct.reduce((p, d) => (p * d.value) / 100, 100),
          message: `You promise ${target}%, but your dependencies ${direct
            .map(d => `${shortRef(d.ref)} (${d.value}%)`)
            .join(', ')} together give at most ${formatFloor4(
            digits,
            scale,
          )}% (a serial chain's availabilities multiply).`,
        });
      }
    }
  }
  for (const kind of ['resolution', 'response'] as const) {
    const field = kind === 'resolution' ? 'resolutionTime' : 'responseTime';
    const own: PriorityTargets | undefined = terms[field];
    if (!own) continue;
    for (const d of dependencies) {
      const theirs: PriorityTargets | undefined = d.terms[field];
      if (!theirs) continue;
      for (const p of PRIORITIES) {
        const mine = own[p];
        const dep = theirs[p];
        if (!mine || !dep || !(mine.targetMs < dep.targetMs)) continue;
        out.push({
          code: `${kind}-target-shorter`,
          dependency: d.ref,
          depth: d.depth ?? 1,
          priority: p,
          targetMs: mine.targetMs,
          dependencyTargetMs: dep.targetMs,
          message: `You promise ${kind} of ${p} within ${formatDuration(
            mine.targetMs,
            terms.serviceDayMs,
          )}, but ${shortRef(d.ref)} promises ${formatDuration(
            dep.targetMs,
            d.terms.serviceDayMs,
          )}.`,
        });
      }
    }
  }
  return out;
}
