import {
  formatPeriodKey,
  previousPeriodKey,
} from '@servicelevel/plugin-sla-common';

/**
 * The organisation page's year picker, on sla-common's period keys. `now` is the year and
 * month in the zone the page shows (see `yearMonthIn`).
 */

/** The last month (1–12) of `year` that has started; 0 for a future year. */
function lastStartedMonth(
  year: number,
  now: { year: number; month: number },
): number {
  if (year < now.year) return 12;
  if (year > now.year) return 0;
  return now.month;
}

/** Sub-period choices of a year: the whole year, quarters, months. */
export type SubPeriod = 'year' | 'Q1' | 'Q2' | 'Q3' | 'Q4' | string;

export function periodKey(year: number, sub: SubPeriod): string {
  if (sub === 'year')
    return formatPeriodKey({ kind: 'yearly', year, index: 1 });
  const q = /^Q([1-4])$/.exec(sub);
  if (q)
    return formatPeriodKey({ kind: 'quarterly', year, index: Number(q[1]) });
  return formatPeriodKey({ kind: 'monthly', year, index: Number(sub) });
}

/** The period before a key of the same kind (for the trend). */
export function previousKey(key: string): string {
  return previousPeriodKey(key);
}

/** Sub-periods of `year` that have started by (year, month) `now`. */
export function startedSubPeriods(
  year: number,
  now: { year: number; month: number },
): SubPeriod[] {
  const lastMonth = lastStartedMonth(year, now);
  const out: SubPeriod[] = ['year'];
  for (let q = 1; q <= 4; q++)
    if ((q - 1) * 3 + 1 <= lastMonth) out.push(`Q${q}`);
  for (let m = 1; m <= lastMonth; m++) out.push(String(m).padStart(2, '0'));
  return out;
}
