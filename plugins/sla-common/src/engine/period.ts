import { DateTime } from 'luxon';
import type { PeriodKind } from './types';
import {
  civilDate,
  civilDay,
  getZone,
  localToUtc,
  parseIsoDate,
  utcToLocal,
} from './time';
import { parsePeriodKey } from '../rules/periodKeys';

/** Period granularity. */
export type PeriodGranularity = 'month' | 'quarter' | 'year' | 'custom';

/** A measurement period [start, end) in UTC ms, with boundaries at local midnight of the zone. */
export interface Period {
  /** `2026-03`, `2026-Q1`, `2026`, or `2026-01-01..2026-02-15` for custom ranges. */
  key: string;
  start: number;
  end: number;
  granularity: PeriodGranularity;
}

/** Granularity of a `period` annotation value. */
export function granularityOf(
  kind: PeriodKind,
): Exclude<PeriodGranularity, 'custom'> {
  const map = {
    monthly: 'month',
    quarterly: 'quarter',
    yearly: 'year',
  } as const;
  return map[kind];
}

const MONTHS = { month: 1, quarter: 3, year: 12 } as const;

/** First month (1–12) of the period of `granularity` containing `month`. */
function firstMonth(
  granularity: Exclude<PeriodGranularity, 'custom'>,
  month: number,
): number {
  if (granularity === 'month') return month;
  if (granularity === 'quarter') return Math.floor((month - 1) / 3) * 3 + 1;
  return 1;
}

function keyOf(
  granularity: Exclude<PeriodGranularity, 'custom'>,
  year: number,
  month: number,
): string {
  if (granularity === 'month')
    return `${year}-${String(month).padStart(2, '0')}`;
  if (granularity === 'quarter') return `${year}-Q${(month - 1) / 3 + 1}`;
  return `${year}`;
}

// A month start costs a zone lookup, a few offsets and a civil-date conversion; month starts are
// few, so memoise them.
const monthStarts = new Map<string, number>();

function monthStart(zone: string, year: number, month: number): number {
  const y = year + Math.floor((month - 1) / 12);
  const m = ((((month - 1) % 12) + 12) % 12) + 1;
  const key = `${zone}|${y}|${m}`;
  let t = monthStarts.get(key);
  if (t === undefined) {
    t = localToUtc(getZone(zone), civilDay(y, m, 1), 0);
    if (monthStarts.size > 100_000) monthStarts.clear();
    monthStarts.set(key, t);
  }
  return t;
}

function make(
  granularity: Exclude<PeriodGranularity, 'custom'>,
  zone: string,
  year: number,
  month: number,
): Period {
  const months = MONTHS[granularity];
  return {
    key: keyOf(granularity, year, month),
    granularity,
    start: monthStart(zone, year, month),
    end: monthStart(zone, year, month + months),
  };
}

/**
 * Resolves `2026-03`, `2026-Q1` or `2026` to a period in `zone`.
 * Throws a RangeError naming the key and the expected forms for anything else
 * (the key grammar is ../rules/periodKeys.ts).
 */
export function resolvePeriod(spec: string, zone: string): Period {
  const { kind, year, index } = parsePeriodKey(spec);
  const granularity = granularityOf(kind);
  const month = kind === 'quarterly' ? (index - 1) * 3 + 1 : index;
  return make(granularity, zone, year, month);
}

/**
 * A custom period from `from`/`to`. Each is a date `YYYY-MM-DD` (local
 * midnight in `zone`; `to` is inclusive, so the period ends at the next
 * midnight) or an ISO date-time with offset (exact instant, `to` exclusive).
 */
export function periodFromRange(
  from: string,
  to: string,
  zone: string,
): Period {
  const z = getZone(zone);
  const instant = (s: string, isEnd: boolean): number => {
    const day = parseIsoDate(s);
    if (day !== undefined) return localToUtc(z, day + (isEnd ? 1 : 0), 0);
    const dt = DateTime.fromISO(s, { setZone: true });
    if (!dt.isValid || !/T/.test(s)) {
      throw new RangeError(
        `${
          isEnd ? 'to' : 'from'
        } "${s}" — expected a date YYYY-MM-DD or an ISO date-time, e.g. 2026-03-31`,
      );
    }
    return dt.toMillis();
  };
  const start = instant(String(from).trim(), false);
  const end = instant(String(to).trim(), true);
  if (end < start) throw new RangeError(`to "${to}" is before from "${from}"`);
  return { key: `${from}..${to}`, start, end, granularity: 'custom' };
}

/** The period of `granularity` containing instant `t` in `zone`. */
export function periodContaining(
  t: number,
  granularity: Exclude<PeriodGranularity, 'custom'>,
  zone: string,
): Period {
  const { year, month } = civilDate(utcToLocal(getZone(zone), t).dayNumber);
  let p = make(granularity, zone, year, firstMonth(granularity, month));
  // Boundaries follow the earlier-offset rule; correct a rare mismatch at an ambiguous midnight.
  if (t < p.start) p = shift(p, granularity, zone, -1);
  else if (t >= p.end) p = shift(p, granularity, zone, 1);
  return p;
}

function shift(
  p: Period,
  granularity: Exclude<PeriodGranularity, 'custom'>,
  zone: string,
  n: number,
): Period {
  // The key names the first month: 2026-03, 2026-Q2 (→ April), 2026 (→ January).
  const year = Number(p.key.slice(0, 4));
  let month = 1;
  if (granularity === 'month') month = Number(p.key.slice(5, 7));
  else if (granularity === 'quarter')
    month = (Number(p.key.slice(6, 7)) - 1) * 3 + 1;
  const months = MONTHS[granularity] * n;
  const total = year * 12 + (month - 1) + months;
  return make(granularity, zone, Math.floor(total / 12), (total % 12) + 1);
}

/** Periods of `granularity` overlapping [from, to), oldest first. */
export function periodsOf(
  granularity: Exclude<PeriodGranularity, 'custom'>,
  zone: string,
  from: number,
  to: number,
): Period[] {
  const out: Period[] = [];
  if (!(to > from)) return out;
  let p = periodContaining(from, granularity, zone);
  while (p.start < to && out.length < 10_000) {
    out.push(p);
    p = shift(p, granularity, zone, 1);
  }
  return out;
}

/** The `n` periods ending with the one containing `now` (the current, open one), oldest first. */
export function previousPeriods(
  n: number,
  granularity: Exclude<PeriodGranularity, 'custom'>,
  zone: string,
  now: number,
): Period[] {
  const out: Period[] = [];
  let p = periodContaining(now, granularity, zone);
  for (let i = 0; i < n; i++) {
    out.unshift(p);
    p = shift(p, granularity, zone, -1);
  }
  return out;
}
