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
  return sub === 'year' ? String(year) : `${year}-${sub}`;
}

/** The period before a key of the same length (for the trend). */
export function previousKey(key: string): string {
  const q = /^(\d{4})-Q(\d)$/.exec(key);
  if (q) {
    const y = Number(q[1]);
    const n = Number(q[2]);
    return n === 1 ? `${y - 1}-Q4` : `${y}-Q${n - 1}`;
  }
  const m = /^(\d{4})-(\d{2})$/.exec(key);
  if (m) {
    const y = Number(m[1]);
    const n = Number(m[2]);
    return n === 1 ? `${y - 1}-12` : `${y}-${String(n - 1).padStart(2, '0')}`;
  }
  return String(Number(key) - 1);
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

/** Month keys of `year` that have started, oldest first. */
export function startedMonths(
  year: number,
  now: { year: number; month: number },
): string[] {
  const lastMonth = lastStartedMonth(year, now);
  return Array.from(
    { length: lastMonth },
    (_, i) => `${year}-${String(i + 1).padStart(2, '0')}`,
  );
}
