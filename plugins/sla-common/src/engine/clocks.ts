import type { BusinessCalendar } from './calendar';
import { CumulativeCalendar, MergedPauses, NO_PAUSES } from './calendar';
import type { Incident, Pause, SlaTerms, TimeTarget } from './types';

/** Status of one incident clock (ENGINE.md R3). */
export type ClockStatus =
  | 'met'
  | 'breached'
  | 'running'
  | 'at-risk'
  | 'no-target';

/** One response or resolution clock of an incident. */
export interface ClockResult {
  /** Business time counted, minus paused business time (at `now` if still open). */
  elapsedMs: number;
  targetMs?: number;
  /** Share of incidents that must meet the target (percent). */
  percentile?: number;
  /** Instant the clock reaches the target; absent when unreachable (open pause) or no target. */
  dueAt?: number;
  status: ClockStatus;
  /** Instant the clock stopped (acknowledged / resolved). */
  stoppedAt?: number;
  /** Instant the target was exceeded (= dueAt) when breached. */
  breachedAt?: number;
  /** Instant deciding the period the incident counts in (ENGINE.md R4): stop, else breach. */
  countsAt?: number;
}

/** Both clocks of an incident. */
export interface IncidentClocks {
  response: ClockResult;
  resolution: ClockResult;
}

/** Elapsed clock time in [start, stop): business time minus paused business time. */
export function clockElapsed(
  calendar: BusinessCalendar,
  start: number,
  stop: number,
  pauses: Pause[],
): number {
  if (!(stop > start)) return 0;
  return elapsedMerged(
    calendar,
    start,
    stop,
    pauses.length ? new MergedPauses().merge(pauses, start) : NO_PAUSES,
  );
}

/** {@link clockElapsed} with the pauses merged from `start`. */
function elapsedMerged(
  calendar: BusinessCalendar,
  start: number,
  stop: number,
  merged: MergedPauses,
): number {
  if (!(stop > start)) return 0;
  let elapsed = calendar.businessTime(start, stop);
  for (let i = 0; i < merged.n; i++) {
    const s = merged.starts[i];
    if (s >= stop) break;
    elapsed -= calendar.businessTime(s, Math.min(merged.ends[i], stop));
  }
  return elapsed;
}

/** `calendar.dueAt` with merged pauses; a calendar of another kind gets them as pauses. */
function dueAtMerged(
  calendar: BusinessCalendar,
  start: number,
  targetMs: number,
  merged: MergedPauses,
): number | undefined {
  if (calendar instanceof CumulativeCalendar)
    return calendar.dueAtMerged(start, targetMs, merged);
  const pauses: Pause[] = [];
  for (let i = 0; i < merged.n; i++) {
    const e = merged.ends[i];
    pauses.push(
      e === Infinity
        ? { start: merged.starts[i] }
        : { start: merged.starts[i], end: e },
    );
  }
  return calendar.dueAt(start, targetMs, pauses);
}

/** Evaluates one clock started at `start`, stopped at `stop` (if any). */
export function evaluateClock(
  calendar: BusinessCalendar,
  start: number,
  stop: number | undefined,
  pauses: Pause[],
  target: TimeTarget | undefined,
  now: number,
): ClockResult {
  return clockOf(
    calendar,
    start,
    stop,
    pauses.length ? new MergedPauses().merge(pauses, start) : NO_PAUSES,
    target,
    now,
  );
}

/**
 * {@link evaluateClock} with the incident's pauses merged from `start` (both clocks of an
 * incident start at its creation, so they share one merge).
 */
export function clockOf(
  calendar: BusinessCalendar,
  start: number,
  stop: number | undefined,
  merged: MergedPauses,
  target: TimeTarget | undefined,
  now: number,
): ClockResult {
  const stopped = stop !== undefined && stop !== null;
  const until = stopped ? (stop as number) : now;
  const elapsedMs = elapsedMerged(calendar, start, until, merged);
  // One fixed object shape (absent fields are undefined) keeps this hot path monomorphic.
  const result: ClockResult = {
    elapsedMs,
    targetMs: undefined,
    percentile: undefined,
    dueAt: undefined,
    status: 'no-target',
    stoppedAt: stopped ? (stop as number) : undefined,
    breachedAt: undefined,
    countsAt: stopped ? (stop as number) : undefined,
  };
  if (!target) return result;
  result.targetMs = target.targetMs;
  result.percentile = target.percentile;
  const due = dueAtMerged(calendar, start, target.targetMs, merged);
  result.dueAt = due;
  if (stopped) {
    // ENGINE.md R3: met iff stopped and elapsed ≤ target, integer ms.
    if (elapsedMs <= target.targetMs) result.status = 'met';
    else {
      result.status = 'breached';
      result.breachedAt = due;
    }
  } else if (elapsedMs > target.targetMs) {
    result.status = 'breached';
    result.breachedAt = due;
    result.countsAt = due;
  } else {
    result.status = elapsedMs * 4 > target.targetMs * 3 ? 'at-risk' : 'running';
  }
  return result;
}

/**
 * Response and resolution clocks of an incident (ENGINE.md R2–R4). The response
 * clock stops at acknowledgement, or at resolution when the incident was
 * resolved without an acknowledgement. The incident's current (latest)
 * priority applies to the whole clock.
 */
export function evaluateIncidentClocks(
  incident: Incident,
  terms: SlaTerms,
  calendar: BusinessCalendar,
  now: number,
): IncidentClocks {
  const pauses = incident.pauses ?? [];
  const merged = pauses.length
    ? new MergedPauses().merge(pauses, incident.createdAt)
    : NO_PAUSES;
  const p = incident.priority;
  return {
    response: clockOf(
      calendar,
      incident.createdAt,
      incident.acknowledgedAt ?? incident.resolvedAt,
      merged,
      terms.responseTime?.[p],
      now,
    ),
    resolution: clockOf(
      calendar,
      incident.createdAt,
      incident.resolvedAt,
      merged,
      terms.resolutionTime?.[p],
      now,
    ),
  };
}
