import type { BusinessCalendar } from './calendar';
import { mergePauses } from './calendar';
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
  let elapsed = calendar.businessTime(start, stop);
  if (pauses.length) {
    for (const [s, e] of mergePauses(pauses, start)) {
      if (s >= stop) break;
      elapsed -= calendar.businessTime(s, Math.min(e, stop));
    }
  }
  return elapsed;
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
  const stopped = stop !== undefined && stop !== null;
  const until = stopped ? (stop as number) : now;
  const elapsedMs = clockElapsed(calendar, start, until, pauses);
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
  const due = calendar.dueAt(start, target.targetMs, pauses);
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
  const p = incident.priority;
  return {
    response: evaluateClock(
      calendar,
      incident.createdAt,
      incident.acknowledgedAt ?? incident.resolvedAt,
      pauses,
      terms.responseTime?.[p],
      now,
    ),
    resolution: evaluateClock(
      calendar,
      incident.createdAt,
      incident.resolvedAt,
      pauses,
      terms.resolutionTime?.[p],
      now,
    ),
  };
}
