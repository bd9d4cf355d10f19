import { DateTime } from 'luxon';

/**
 * Calendar dates (`YYYY-MM-DD`) in an IANA zone: the day arithmetic behind "overdue" and
 * "review due". A date is a whole civil day of the entity's zone, never a UTC day.
 */

/** `YYYY-MM-DD` of the civil day containing `now` in `zone`. Throws for an unknown zone. */
export function todayIn(zone: string, now: number): string {
  const d = DateTime.fromMillis(now, { zone });
  if (!d.isValid) throw new RangeError(`time zone "${zone}" is not known`);
  return d.toISODate()!;
}

/** True when `date` is a real calendar date `YYYY-MM-DD` (2026-02-30 is not). */
export function isCalendarDate(date: string): boolean {
  return (
    /^\d{4}-\d{2}-\d{2}$/.test(date) &&
    DateTime.fromISO(date, { zone: 'UTC' }).isValid
  );
}

/**
 * Whole calendar days from the day of `now` in `zone` to `date` (0 on the day itself,
 * negative once it has passed); undefined when `date` is not a calendar date.
 */
export function daysUntil(
  date: string,
  now: number,
  zone: string,
): number | undefined {
  if (!isCalendarDate(date)) return undefined;
  const target = DateTime.fromISO(date, { zone: 'UTC' });
  const today = DateTime.fromISO(todayIn(zone, now), { zone: 'UTC' });
  return Math.round(target.diff(today, 'days').days);
}
