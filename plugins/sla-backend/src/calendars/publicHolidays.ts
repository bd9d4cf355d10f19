import Holidays from 'date-holidays';
import { emptySourceDays, SourceDays, YearRange } from './sources';

const DAY_MS = 86_400_000;

/** True when `date-holidays` knows the country (ISO 3166-1) and, if given, its region. */
export function publicHolidaysSupported(
  country: string,
  region?: string,
): boolean {
  const known = new Holidays().getCountries() ?? {};
  if (!Object.prototype.hasOwnProperty.call(known, country)) return false;
  if (!region) return true;
  const states = new Holidays().getStates(country) ?? {};
  return Object.prototype.hasOwnProperty.call(states, region);
}

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * A country's (and optionally a state's or region's) public holidays from the
 * `date-holidays` package: only holidays of type `public` (bank, school, optional and
 * observance days are not days off for everyone). A holiday that starts during the day
 * (e.g. from 14:00) is a part-day closure to the end of that day. A year with no public
 * holiday at all is uncovered.
 */
export function publicHolidayDays(
  country: string,
  region: string | undefined,
  years: YearRange,
): SourceDays {
  const days = emptySourceDays();
  const hd = region ? new Holidays(country, region) : new Holidays(country);
  for (let year = years.from; year <= years.to; year++) {
    const list = (hd.getHolidays(year) ?? []).filter(h => h.type === 'public');
    if (list.length === 0) {
      days.uncoveredYears.push(year);
      continue;
    }
    for (const h of list) {
      // `date` is the local start, `YYYY-MM-DD HH:mm:ss`; start/end are the instants.
      const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2})/.exec(h.date);
      if (!m) continue;
      const startMin = Number(m[4]) * 60 + Number(m[5]);
      const lengthMs = h.end.getTime() - h.start.getTime();
      const first = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
      // Whole days from the start date; a late start closes the rest of its first day.
      const count = Math.max(
        1,
        Math.round((lengthMs + startMin * 60_000) / DAY_MS),
      );
      for (let i = 0; i < count; i++) {
        const d = new Date(first + i * DAY_MS);
        const date = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(
          d.getUTCDate(),
        )}`;
        if (i === 0 && startMin > 0) days.closures[date] = [[startMin, 1440]];
        else days.holidays.push(date);
      }
    }
  }
  return days;
}
