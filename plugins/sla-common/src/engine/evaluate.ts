import type { BusinessCalendar } from './calendar';
import type { PeriodCoverage } from './coverage';
import {
  MergedPauses,
  NO_PAUSES,
  regionCalendars,
  sharedWeeklyCalendar,
} from './calendar';
import { ClockResult, clockOf } from './clocks';
import { formatDuration, formatElapsed } from './duration';
import {
  PRIORITIES,
  Incident,
  Pause,
  Priority,
  SlaTerms,
  TimeTarget,
} from './types';
import { Period, granularityOf, periodContaining } from './period';
import { periodKindOfKey } from '../rules/periodKeys';

/**
 * Status of an objective in a period (ENGINE.md R7); `running` = open period, on track;
 * `unknown` = a source that feeds it was not synced for enough of the period (SPEC §9).
 */
export type ObjectiveStatus =
  | 'met'
  | 'breached'
  | 'at-risk'
  | 'no-data'
  | 'running'
  | 'unknown';

/** Identifier of an objective. */
export type ObjectiveId =
  | 'availability'
  | `response-time:${Priority}`
  | `resolution-time:${Priority}`
  | `max-incidents:${Priority | 'all'}`
  | 'max-outage'
  | 'min-mtbf';

/** One objective's result in a period. */
export interface ObjectiveResult {
  objective: ObjectiveId;
  /** Target: display text (`99.9%`, `15m@95%`, `≤ 2`, `2h`) and number (percent, ms or count). */
  target: { display: string; value: number; percentile?: number };
  /**
   * Actual: display text and number (percent, ms or count) when there is one. Response and
   * resolution objectives also carry their tally, so that every layer shows the same counts
   * instead of recounting the incidents: incidents counted in the period, how many met the
   * target, and the longest business-time elapsed among them.
   */
  actual: {
    display: string;
    value?: number;
    counted?: number;
    metCount?: number;
    worstMs?: number;
  };
  status: ObjectiveStatus;
  /** For an `unknown` objective: its status on the data that was received (SPEC §9). */
  statusOnDataReceived?: ObjectiveStatus;
  /**
   * The objective has a target in the terms in force: it is committed in R7's sense (ENGINE.md).
   * Every listed objective has one, so this is always true; it is not the same as being
   * counted in {@link PeriodResult.committed}, which also needs a decided status.
   */
  hasTarget: boolean;
}

/** The availability block of a period (ENGINE.md R5). */
export interface AvailabilityResult {
  /** Agreed service time B(P). */
  astMs: number;
  /** B(start, min(now, end)): service time elapsed so far. */
  elapsedAstMs: number;
  downtimeMs: number;
  /** Percent; undefined when AST = 0 (no data, never 100 %). */
  availability?: number;
  target?: number;
  /** (1 − target) × AST, floored to whole ms. */
  budgetMs?: number;
  budgetRemainingMs?: number;
  /** True while an unplanned outage in the period is still open. */
  provisional: boolean;
  status: ObjectiveStatus | 'no-target';
  /** For an `unknown` availability: its status on the data that was received (SPEC §9). */
  statusOnDataReceived?: ObjectiveStatus | 'no-target';
}

/** One incident's row in a period result. */
export interface IncidentRow {
  source: string;
  id: string;
  title: string;
  priority: Priority;
  url?: string;
  /** The incident's region; under `calendar:by-region` its clocks ran on that region's calendar. */
  region?: string;
  createdAt: number;
  acknowledgedAt?: number;
  resolvedAt?: number;
  /** When the clock was stopped (e.g. waiting for the customer), as recorded. */
  pauses: Pause[];
  response: ClockResult;
  resolution: ClockResult;
  /** The response clock counts toward this period's objectives. */
  countedForResponse: boolean;
  countedForResolution: boolean;
  createdInPeriod: boolean;
  /**
   * For a clock that stopped or breached but counts in another period than this one (R4):
   * that period's key, so a reader sees why a breached clock is missing from this period's
   * objectives. Absent when the clock counts here, has not decided yet, or for custom ranges.
   */
  countedIn?: { response?: string; resolution?: string };
  /** This incident's own unplanned downtime inside the period (before merging with others). */
  downtimeMs: number;
}

/** Result of one entity in one period: what the backend stores and serves. */
export interface PeriodResult {
  period: { key: string; start: number; end: number };
  /** now ≥ end: statuses are final (met / breached / no-data). */
  complete: boolean;
  evaluatedAt: number;
  availability: AvailabilityResult;
  objectives: ObjectiveResult[];
  incidents: IncidentRow[];
  /** Incidents created in the period, per priority and `all`. */
  faults: Record<Priority | 'all', number>;
  outages: {
    /** Unplanned outages (overlapping/touching merged) starting in the period. */
    count: number;
    /** Longest single merged outage's downtime inside the period. */
    longestMs: number;
    mttrMs?: number;
    mtbfMs?: number;
  };
  /**
   * Objectives met, and objectives counted: those with a target whose status is decided
   * (met or breached). No-data is left out, and in an open period so are running and
   * at-risk ones, so an open period reads "met of decided so far" (ENGINE.md, "Committed
   * objectives"). This narrows ENGINE.md R7, where committed means "has a target".
   */
  met: number;
  committed: number;
  /** met / committed × 100; undefined when nothing is committed. */
  achievementRate?: number;
  /**
   * Objectives that read `unknown` for lack of data coverage (SPEC §9): neither met nor
   * committed. Absent when none.
   */
  unknown?: number;
  /** Coverage of the period by the linked incident sources; absent when none is linked. */
  coverage?: PeriodCoverage;
}

/** Sources of the built-in store (webhook / API / CSV); they count whatever `sources` says. */
export const DEFAULT_BUILTIN_SOURCES: readonly string[] = [
  'api',
  'csv',
  'webhook',
];

/** Input of {@link evaluatePeriod}. */
export interface EvaluatePeriodInput {
  terms: SlaTerms;
  calendar: BusinessCalendar;
  /** May include incidents outside the period; the engine filters. */
  incidents: Incident[];
  period: { key: string; start: number; end: number };
  now: number;
  builtinSources?: readonly string[];
}

/** The terms' maintenance windows as a calendar (one shared per hours and zone); undefined without. */
export function maintenanceCalendar(
  terms: Pick<SlaTerms, 'maintenance' | 'timezone'>,
): BusinessCalendar | undefined {
  const m = terms.maintenance;
  return m ? sharedWeeklyCalendar(terms.timezone, m.hours) : undefined;
}

/** Downtime measure of [a, b): service time minus maintenance windows. */
export function downtimeOf(
  calendar: BusinessCalendar,
  maintenance: BusinessCalendar | undefined,
  a: number,
  b: number,
): number {
  if (!(b > a)) return 0;
  let dt = calendar.businessTime(a, b);
  if (maintenance && dt > 0) {
    for (const [s, e] of maintenance.workingIntervals(a, b))
      dt -= calendar.businessTime(s, e);
  }
  return dt;
}

type Tally = {
  met: number;
  counted: number;
  worst: number;
  openAtRisk: boolean;
};
const newTally = (): Tally => ({
  met: 0,
  counted: 0,
  worst: 0,
  openAtRisk: false,
});

/** Whether an incident's source counts under the terms' `sources`. */
export function incidentSourceCounts(
  incident: Pick<Incident, 'source'>,
  terms: Pick<SlaTerms, 'sources'>,
  builtinSources: readonly string[] = DEFAULT_BUILTIN_SOURCES,
): boolean {
  if (!terms.sources) return true;
  const s = incident.source.toLowerCase();
  return terms.sources.includes(s) || builtinSources.includes(s);
}

function scaled(pct: number): number {
  return Math.round(pct * 1e6);
}

/**
 * part / whole as a percentage, with a single rounding: the double nearest the exact
 * fraction (29 of 50 is 58, not 57.99999999999999 as (29 / 50) × 100 gives). Both
 * operands are whole milliseconds or counts, so part × 100 is exact.
 */
export function percentOf(part: number, whole: number): number {
  return (part * 100) / whole;
}

function pct3(x: number): string {
  return `${Math.floor(x * 1000 + 1e-9) / 1000}%`;
}

/** An objective the terms commit to, with its target, before anything is measured. */
export interface CommittedObjective {
  objective: ObjectiveId;
  target: ObjectiveResult['target'];
}

/**
 * Every objective the terms commit to, with its target, in the order a period result lists
 * them. The published catalog shows these; {@link evaluatePeriod} takes its targets from here,
 * so the two cannot differ.
 */
export function committedObjectives(terms: SlaTerms): CommittedObjective[] {
  const day = terms.serviceDayMs;
  const out: CommittedObjective[] = [];
  if (terms.availability !== undefined) {
    const v = terms.availability;
    out.push({
      objective: 'availability',
      target: { display: `${v}%`, value: v },
    });
  }
  for (const kind of ['response', 'resolution'] as const) {
    const targets =
      kind === 'response' ? terms.responseTime : terms.resolutionTime;
    for (const p of PRIORITIES) {
      const target = targets?.[p];
      if (!target) continue;
      const pct = target.percentile;
      out.push({
        objective: `${kind}-time:${p}`,
        target: {
          display: `${formatDuration(target.targetMs, day)}${
            pct === 100 ? '' : `@${pct}%`
          }`,
          value: target.targetMs,
          percentile: pct,
        },
      });
    }
  }
  for (const p of [...PRIORITIES, 'all'] as const) {
    const max = terms.maxIncidents?.[p];
    if (max === undefined) continue;
    out.push({
      objective: `max-incidents:${p}`,
      target: { display: `≤ ${max}`, value: max },
    });
  }
  if (terms.maxOutageMs !== undefined) {
    const max = terms.maxOutageMs;
    out.push({
      objective: 'max-outage',
      target: { display: formatDuration(max, day), value: max },
    });
  }
  if (terms.minMtbfMs !== undefined) {
    const min = terms.minMtbfMs;
    out.push({
      objective: 'min-mtbf',
      target: { display: formatDuration(min, day), value: min },
    });
  }
  return out;
}

const committedTargetsCache = new WeakMap<
  SlaTerms,
  Map<ObjectiveId, ObjectiveResult['target']>
>();

/** The committed objectives' targets, once per terms object (their display text is formatted). */
function committedTargetsOf(
  terms: SlaTerms,
): Map<ObjectiveId, ObjectiveResult['target']> {
  let targets = committedTargetsCache.get(terms);
  if (!targets) {
    targets = new Map(
      committedObjectives(terms).map(o => [o.objective, o.target]),
    );
    committedTargetsCache.set(terms, targets);
  }
  return targets;
}

/**
 * Evaluates one entity over one period (ENGINE.md R2–R7): availability with
 * error budget, every committed objective's status, per-incident rows,
 * fault counts, longest outage, MTTR and MTBF, and the achievement tally.
 */
export function evaluatePeriod(input: EvaluatePeriodInput): PeriodResult {
  const { terms, calendar, period, now } = input;
  const { start, end } = period;
  const complete = now >= end;
  const incidents = terms.sources
    ? input.incidents.filter(i =>
        incidentSourceCounts(i, terms, input.builtinSources),
      )
    : input.incidents;
  const maint = maintenanceCalendar(terms);
  // `calendar:by-region`: clocks on the incident's region's calendar; availability on `calendar`.
  const regional = regionCalendars(terms);

  // --- availability (ENGINE.md R5) ---
  const astMs = calendar.businessTime(start, end);
  const elapsedAstMs = calendar.businessTime(
    start,
    Math.min(Math.max(now, start), end),
  );
  const raw: Array<{ s: number; e: number; open: boolean }> = [];
  for (const inc of incidents) {
    const o = inc.outage;
    if (!o || o.planned || o.impact === 'degraded') continue;
    const open = o.end === undefined || o.end === null;
    const e = open ? now : (o.end as number);
    if (e > o.start) raw.push({ s: o.start, e, open });
  }
  // Incidents usually come in creation order, and so do their outages: sort only when not.
  if (!sortedBy(raw, (x, y) => x.s - y.s)) raw.sort((x, y) => x.s - y.s);
  const groups: Array<{ s: number; e: number; open: boolean }> = [];
  for (const r of raw) {
    const last = groups[groups.length - 1];
    if (last && r.s <= last.e) {
      if (r.e > last.e) last.e = r.e;
      last.open = last.open || r.open;
    } else groups.push({ s: r.s, e: r.e, open: r.open });
  }
  let downtimeMs = 0;
  let longestMs = 0;
  let openLongestMs = 0;
  let provisional = false;
  let outageCount = 0;
  for (const g of groups) {
    if (g.s >= start && g.s < end) outageCount++;
    const a = Math.max(g.s, start);
    const b = Math.min(g.e, end);
    if (b <= a) continue;
    const dt = downtimeOf(calendar, maint, a, b);
    downtimeMs += dt;
    if (dt > longestMs) longestMs = dt;
    if (g.open) {
      provisional = true;
      if (dt > openLongestMs) openLongestMs = dt;
    }
  }
  const availability: AvailabilityResult = {
    astMs,
    elapsedAstMs,
    downtimeMs,
    provisional,
    status: 'no-target',
  };
  if (astMs > 0)
    availability.availability = percentOf(astMs - downtimeMs, astMs);
  const objectives: ObjectiveResult[] = [];
  const committedTargets = committedTargetsOf(terms);
  const targetOf = (id: ObjectiveId) => committedTargets.get(id)!;
  if (terms.availability !== undefined) {
    const target = terms.availability;
    availability.target = target;
    let status: ObjectiveStatus;
    if (astMs <= 0) status = 'no-data';
    else {
      // Exact integer budget: floor(AST × (100 − target) / 100); DT ≤ budget ⇔ met.
      const budget = Number(
        (BigInt(astMs) * BigInt(100e6 - scaled(target))) / BigInt(100e6),
      );
      availability.budgetMs = budget;
      availability.budgetRemainingMs = budget - downtimeMs;
      if (downtimeMs > budget) status = 'breached';
      else if (complete) status = 'met';
      else {
        const forecast =
          elapsedAstMs > 0 ? (downtimeMs * astMs) / elapsedAstMs : 0;
        status =
          downtimeMs * 4 > budget * 3 || forecast > budget
            ? 'at-risk'
            : 'running';
      }
    }
    availability.status = status;
    objectives.push({
      objective: 'availability',
      target: targetOf('availability'),
      actual:
        availability.availability === undefined
          ? { display: 'no data (no agreed service time)' }
          : {
              display: pct3(availability.availability),
              value: availability.availability,
            },
      status,
      hasTarget: true,
    });
  }

  // --- incidents, clocks, counts (ENGINE.md R2–R4, R6) ---
  const faults: Record<Priority | 'all', number> = {
    P1: 0,
    P2: 0,
    P3: 0,
    P4: 0,
    all: 0,
  };
  const tallies = {
    response: new Map<Priority, Tally>(),
    resolution: new Map<Priority, Tally>(),
  };
  const rows: IncidentRow[] = [];
  // Monthly, quarterly or yearly; undefined for a custom range, which names no other period.
  const kindOfPeriod = periodKindOfKey(period.key);
  // The period a clock counts in instead (R4): clocks counted elsewhere mostly fall in the
  // same neighbouring period, so remember the last one (periods partition time).
  let elsewhere: Period | undefined;
  const countedInKey = (at: number): string => {
    if (!elsewhere || at < elsewhere.start || at >= elsewhere.end) {
      elsewhere = periodContaining(
        at,
        granularityOf(kindOfPeriod!),
        terms.timezone,
      );
    }
    return elsewhere.key;
  };
  // Both clocks start at creation, so an incident's pauses are merged once, into one buffer.
  const merged = new MergedPauses();
  const responseTargets = terms.responseTime;
  const resolutionTargets = terms.resolutionTime;
  for (const inc of incidents) {
    const created = inc.createdAt >= start && inc.createdAt < end;
    if (created) {
      faults[inc.priority]++;
      faults.all++;
    }
    if (inc.createdAt >= end && !created) {
      continue; // created after the period: cannot count in it
    }
    const clockCalendar =
      regional && inc.region
        ? regional.get(inc.region.toLowerCase()) ?? calendar
        : calendar;
    // ENGINE.md R2: the response clock stops at acknowledgement, else at resolution.
    const pauses = inc.pauses ?? [];
    const incidentPauses = pauses.length
      ? merged.merge(pauses, inc.createdAt)
      : NO_PAUSES;
    const response = clockOf(
      clockCalendar,
      inc.createdAt,
      inc.acknowledgedAt ?? inc.resolvedAt,
      incidentPauses,
      responseTargets?.[inc.priority],
      now,
    );
    const resolution = clockOf(
      clockCalendar,
      inc.createdAt,
      inc.resolvedAt,
      incidentPauses,
      resolutionTargets?.[inc.priority],
      now,
    );
    const rc = response.countsAt;
    const sc = resolution.countsAt;
    const cr = rc !== undefined && rc >= start && rc < end;
    const cs = sc !== undefined && sc >= start && sc < end;
    if (response.targetMs !== undefined)
      tally(tallies.response, inc.priority, response, cr, complete);
    if (resolution.targetMs !== undefined)
      tally(tallies.resolution, inc.priority, resolution, cs, complete);
    const resolved = inc.resolvedAt ?? Infinity;
    const active = inc.createdAt < end && resolved >= start;
    if (!(created || cr || cs || active)) continue;
    let ownDt = 0;
    const o = inc.outage;
    if (o && !o.planned && o.impact !== 'degraded') {
      const oe = o.end ?? now;
      ownDt = downtimeOf(
        calendar,
        maint,
        Math.max(o.start, start),
        Math.min(oe, end),
      );
    }
    const row: IncidentRow = {
      source: inc.source,
      id: inc.id,
      title: inc.title,
      priority: inc.priority,
      url: inc.url,
      region: inc.region,
      createdAt: inc.createdAt,
      acknowledgedAt: inc.acknowledgedAt,
      resolvedAt: inc.resolvedAt,
      pauses: inc.pauses,
      response,
      resolution,
      countedForResponse: cr,
      countedForResolution: cs,
      createdInPeriod: created,
      downtimeMs: ownDt,
    };
    if (kindOfPeriod && !(cr && cs)) {
      const responseIn =
        cr || rc === undefined || response.targetMs === undefined
          ? undefined
          : countedInKey(rc);
      const resolutionIn =
        cs || sc === undefined || resolution.targetMs === undefined
          ? undefined
          : countedInKey(sc);
      if (responseIn || resolutionIn) {
        row.countedIn = {};
        if (responseIn) row.countedIn.response = responseIn;
        if (resolutionIn) row.countedIn.resolution = resolutionIn;
      }
    }
    rows.push(row);
  }
  const byCreation = (a: IncidentRow, b: IncidentRow) =>
    a.createdAt - b.createdAt || a.id.localeCompare(b.id);
  if (!sortedBy(rows, byCreation)) rows.sort(byCreation);

  const day = terms.serviceDayMs;
  for (const kind of ['response', 'resolution'] as const) {
    const targets =
      kind === 'response' ? terms.responseTime : terms.resolutionTime;
    if (!targets) continue;
    for (const p of PRIORITIES) {
      const target = targets[p];
      if (!target) continue;
      const t = tallies[kind].get(p) ?? newTally();
      const id: ObjectiveId = `${kind}-time:${p}`;
      objectives.push(
        timeObjective(id, targetOf(id), target, t, complete, day),
      );
    }
  }

  const fraction =
    end > start
      ? (Math.min(Math.max(now, start), end) - start) / (end - start)
      : 1;
  if (terms.maxIncidents) {
    for (const p of [...PRIORITIES, 'all'] as const) {
      const max = terms.maxIncidents[p];
      if (max === undefined) continue;
      const n = faults[p];
      let status: ObjectiveStatus;
      if (n > max) status = 'breached';
      else if (complete) status = 'met';
      else if (fraction > 0 && n / fraction > max) status = 'at-risk';
      else status = 'running';
      objectives.push({
        objective: `max-incidents:${p}`,
        target: targetOf(`max-incidents:${p}`),
        actual: { display: String(n), value: n },
        status,
        hasTarget: true,
      });
    }
  }
  if (terms.maxOutageMs !== undefined) {
    const max = terms.maxOutageMs;
    let status: ObjectiveStatus;
    if (longestMs > max) status = 'breached';
    else if (complete) status = 'met';
    else status = openLongestMs * 4 > max * 3 ? 'at-risk' : 'running';
    objectives.push({
      objective: 'max-outage',
      target: targetOf('max-outage'),
      actual: { display: formatElapsed(longestMs, day), value: longestMs },
      status,
      hasTarget: true,
    });
  }
  const mttrMs = outageCount > 0 ? downtimeMs / outageCount : undefined;
  const mtbfMs =
    outageCount > 0 ? (astMs - downtimeMs) / outageCount : undefined;
  if (terms.minMtbfMs !== undefined) {
    const min = terms.minMtbfMs;
    let status: ObjectiveStatus;
    // ENGINE.md R6: with no failure MTBF is undefined and the objective is met, even in a
    // period with no agreed service time (a month of holidays). Failures without any
    // service time cannot be measured: no data.
    if (outageCount === 0) status = complete ? 'met' : 'running';
    else if (astMs <= 0) status = 'no-data';
    else if (mtbfMs !== undefined && mtbfMs < min) status = 'breached';
    else if (complete) status = 'met';
    else if (outageCount > 0 && elapsedAstMs > 0) {
      // Linear extrapolation of failures and downtime to the period end.
      const k = astMs / elapsedAstMs;
      const forecast = (astMs - downtimeMs * k) / (outageCount * k);
      status = forecast < min ? 'at-risk' : 'running';
    } else status = 'running';
    objectives.push({
      objective: 'min-mtbf',
      target: targetOf('min-mtbf'),
      actual:
        mtbfMs === undefined
          ? { display: 'no failures' }
          : { display: formatElapsed(mtbfMs, day), value: mtbfMs },
      status,
      hasTarget: true,
    });
  }

  const met = objectives.filter(o => o.status === 'met').length;
  // Only decided objectives count: in a closed period that is all but no-data; in an open
  // one, running and at-risk objectives are not yet decided, so "so far" reads met/decided
  // instead of counting every on-track objective as missed.
  const committed = objectives.filter(
    o => o.hasTarget && (o.status === 'met' || o.status === 'breached'),
  ).length;
  const result: PeriodResult = {
    period: { key: period.key, start, end },
    complete,
    evaluatedAt: now,
    availability,
    objectives,
    incidents: rows,
    faults,
    outages: { count: outageCount, longestMs },
    met,
    committed,
  };
  if (mttrMs !== undefined) result.outages.mttrMs = mttrMs;
  if (mtbfMs !== undefined) result.outages.mtbfMs = mtbfMs;
  if (committed > 0) result.achievementRate = percentOf(met, committed);
  return result;
}

/** Whether `list` is already in `compare`'s order (a stable sort would leave it as it is). */
function sortedBy<T>(list: T[], compare: (a: T, b: T) => number): boolean {
  for (let i = 1; i < list.length; i++)
    if (compare(list[i - 1], list[i]) > 0) return false;
  return true;
}

function tally(
  map: Map<Priority, Tally>,
  p: Priority,
  c: ClockResult,
  counted: boolean,
  complete: boolean,
): void {
  let t = map.get(p);
  if (!t) map.set(p, (t = newTally()));
  if (counted) {
    t.counted++;
    if (c.status === 'met') t.met++;
    if (c.elapsedMs > t.worst) t.worst = c.elapsedMs;
  } else if (c.status === 'at-risk' && !complete) t.openAtRisk = true;
}

function timeObjective(
  objective: ObjectiveId,
  committed: ObjectiveResult['target'],
  target: TimeTarget,
  t: Tally,
  complete: boolean,
  day: number,
): ObjectiveResult {
  const pct = target.percentile;
  let status: ObjectiveStatus;
  let actual: ObjectiveResult['actual'];
  if (t.counted === 0) {
    if (complete) status = 'met';
    else status = t.openAtRisk ? 'at-risk' : 'running';
    actual = { display: 'no incidents', counted: 0, metCount: 0 };
  } else {
    // met iff share of counted incidents meeting the target ≥ percentile (exact integers).
    const ok = t.met * 1e8 >= scaled(pct) * t.counted;
    if (complete) status = ok ? 'met' : 'breached';
    else if (!ok) status = pct === 100 ? 'breached' : 'at-risk';
    else status = t.openAtRisk ? 'at-risk' : 'running';
    const share = percentOf(t.met, t.counted);
    actual = {
      display: `${t.met}/${t.counted} met (${pct3(
        share,
      )}), worst ${formatElapsed(t.worst, day)}`,
      value: share,
      counted: t.counted,
      metCount: t.met,
      worstMs: t.worst,
    };
  }
  return {
    objective,
    target: committed,
    actual,
    status,
    hasTarget: true,
  };
}

/** SLA achievement rate = Σ met / Σ committed × 100 (sum over sums); undefined when nothing committed. */
export function achievementRate(
  results: Array<{ met: number; committed: number }>,
): {
  met: number;
  committed: number;
  rate?: number;
} {
  let met = 0;
  let committed = 0;
  for (const r of results) {
    met += r.met;
    committed += r.committed;
  }
  return committed > 0
    ? { met, committed, rate: percentOf(met, committed) }
    : { met, committed };
}

/** ENGINE.md R8: the last version first seen before the period's end; undefined if none. */
export function termsInForce<T extends { seenAt: number }>(
  versions: T[],
  periodEnd: number,
): T | undefined {
  let best: T | undefined;
  for (const v of versions) {
    if (v.seenAt < periodEnd && (best === undefined || v.seenAt >= best.seenAt))
      best = v;
  }
  return best;
}
