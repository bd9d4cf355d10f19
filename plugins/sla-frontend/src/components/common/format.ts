import type { ObjectiveId } from '@servicelevel/plugin-sla-common';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

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

/** Service time as `9h 30m`, `45m`, `20s`; hours are not folded into days, as they are service hours. */
export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '—';
  const abs = Math.abs(ms);
  const sign = ms < 0 ? '−' : '';
  if (abs < MINUTE) return `${sign}${Math.round(abs / 1000)}s`;
  const h = Math.floor(abs / HOUR);
  const m = Math.floor((abs % HOUR) / MINUTE);
  if (h === 0) {
    const sec = Math.floor((abs % MINUTE) / 1000);
    return sec === 0 ? `${sign}${m}m` : `${sign}${m}m ${sec}s`;
  }
  return m === 0 ? `${sign}${h}h` : `${sign}${h}h ${m}m`;
}

/** Percent with up to three decimals, truncated (never rounded up into a target). */
export function formatPercent(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return '—';
  return `${Math.floor(value * 1000 + 1e-9) / 1000}%`;
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
  return formatDate(now, timeZone);
}

/** Whole days from `from` to `to`, both `YYYY-MM-DD`. */
export function daysBetween(from: string, to: string): number {
  return Math.round(
    (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) /
      86_400_000,
  );
}

/** Review state of an agreement: overdue, due within 30 days, or fine. */
export function reviewState(
  reviewBy: string | undefined,
  today: string,
): 'overdue' | 'soon' | 'ok' | undefined {
  if (!reviewBy) return undefined;
  if (reviewBy < today) return 'overdue';
  return daysBetween(today, reviewBy) <= 30 ? 'soon' : 'ok';
}

/** Current year, month (1–12) in a zone. */
export function yearMonthIn(
  timeZone: string,
  now: number = Date.now(),
): { year: number; month: number } {
  const p = parts(now, timeZone);
  return { year: Number(p.year), month: Number(p.month) };
}

/** Period keys of a granularity, newest first, ending with the one containing `now`. */
export function recentPeriodKeys(
  granularity: 'month' | 'quarter' | 'year',
  timeZone: string,
  count: number,
  now: number = Date.now(),
): string[] {
  const { year, month } = yearMonthIn(timeZone, now);
  const keys: string[] = [];
  for (let i = 0; i < count; i++) {
    if (granularity === 'year') {
      keys.push(String(year - i));
    } else if (granularity === 'quarter') {
      const q0 = Math.floor((month - 1) / 3) - i;
      const y = year + Math.floor(q0 / 4);
      keys.push(`${y}-Q${(((q0 % 4) + 4) % 4) + 1}`);
    } else {
      const m0 = month - 1 - i;
      const y = year + Math.floor(m0 / 12);
      keys.push(`${y}-${String((((m0 % 12) + 12) % 12) + 1).padStart(2, '0')}`);
    }
  }
  return keys;
}

/** Granularity of a period key. */
export function granularityOfKey(
  key: string,
): 'month' | 'quarter' | 'year' | 'custom' {
  if (/^\d{4}-\d{2}$/.test(key)) return 'month';
  if (/^\d{4}-Q\d$/i.test(key)) return 'quarter';
  if (/^\d{4}$/.test(key)) return 'year';
  return 'custom';
}
