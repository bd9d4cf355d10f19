import {
  formatDisplayDuration,
  formatPercent as formatPercentShared,
  periodKindOfKey,
  recentPeriodKeys as sharedRecentPeriodKeys,
  reviewState as sharedReviewState,
  todayIn as sharedTodayIn,
  yearMonthIn as sharedYearMonthIn,
  type DisplayLanguage,
  type ObjectiveId,
} from '@servicelevel/plugin-sla-common';

function parts(ms: number, timeZone: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(ms))) {
    out[p.type] = p.value;
  }
  return out;
}

/**
 * `2026-09-18 17:30` in the given IANA zone. The same unambiguous form in every language;
 * callers label the zone next to it.
 */
export function formatInstant(ms: number, timeZone: string): string {
  const p = parts(ms, timeZone);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

/** `2026-09-18` in the given IANA zone. */
export function formatDate(ms: number, timeZone: string): string {
  const p = parts(ms, timeZone);
  return `${p.year}-${p.month}-${p.day}`;
}

/** The browser's own zone, for instants that belong to no entity (source syncs). */
export function browserTimeZone(): string {
  return new Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/**
 * A duration for people (`5 d 22 h 24 m`, `42 m 5 s`; `5天22小时24分` in zh-CN), from
 * sla-common's display format; `—` when there is none.
 */
export function formatDuration(
  ms: number | undefined,
  lang?: DisplayLanguage,
): string {
  return formatDisplayDuration(ms, { lang });
}

/** A percentage rounded half-up to at most 2 decimals (`66.67%`), from sla-common; `—` when none. */
export function formatPercent(value: number | undefined): string {
  return formatPercentShared(value);
}

/** Splits an objective id (`response-time:P1`) into its kind and priority. */
export function splitObjective(id: ObjectiveId | string): {
  kind: string;
  priority?: string;
} {
  const [kind, priority] = id.split(':');
  return { kind, priority };
}

/** Today's date `YYYY-MM-DD` in a zone. */
export function todayIn(timeZone: string, now: number = Date.now()): string {
  return sharedTodayIn(timeZone, now);
}

/** Review state of an agreement by sla-common's rule, in the entity's zone. */
export const reviewState = sharedReviewState;

/** Current year, month (1–12) in a zone. */
export function yearMonthIn(
  timeZone: string,
  now: number = Date.now(),
): { year: number; month: number } {
  return sharedYearMonthIn(timeZone, now);
}

/** Period keys of a granularity, newest first, ending with the one containing `now`. */
export function recentPeriodKeys(
  granularity: 'month' | 'quarter' | 'year',
  timeZone: string,
  count: number,
  now: number = Date.now(),
): string[] {
  return sharedRecentPeriodKeys(granularity, timeZone, count, now);
}

/** Granularity of a period key; custom for anything that is not a period key. */
export function granularityOfKey(
  key: string,
): 'month' | 'quarter' | 'year' | 'custom' {
  const kind = periodKindOfKey(key);
  if (kind === 'monthly') return 'month';
  if (kind === 'quarterly') return 'quarter';
  if (kind === 'yearly') return 'year';
  return 'custom';
}
