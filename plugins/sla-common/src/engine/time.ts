import { IANAZone } from 'luxon';

/** One minute in milliseconds. */
export const MINUTE_MS = 60_000;
/** One hour in milliseconds. */
export const HOUR_MS = 3_600_000;
/** One civil (calendar) day in milliseconds — never used to step real time. */
export const DAY_MS = 86_400_000;

/**
 * Hours a zone remembers before it forgets them all: about 23 years, a few MB. A service's
 * periods, calendars and clocks touch a few years at most.
 */
const MAX_HOURS = 200_000;

/**
 * A time zone whose UTC offsets are remembered per UTC hour. Luxon asks Intl for every
 * offset (`formatToParts`: about 8 µs and a dozen short-lived objects a call, measured on
 * Node 22), and calendars, periods and clocks ask for the same few hours again and again.
 * An hour whose first and last second have the same offset has that offset throughout, as
 * no zone changes its offset twice within an hour: on Node 22's tz data, each of the 26,598
 * transitions of its 418 zones from 1900 to 2040 (found at daily steps) is the only change
 * within an hour either side of it (at 15-second steps). time.test.ts checks the transitions
 * of zones whose changes fall off the whole UTC hour. An hour that holds a transition is
 * remembered as such and asked of luxon every time.
 */
export class Zone {
  private readonly hours = new Map<number, number>();

  constructor(readonly name: string, private readonly iana: IANAZone) {}

  /** Offset from UTC in minutes at instant `t`, east positive (luxon's `Zone.offset`). */
  offset(t: number): number {
    const hour = Math.floor(t / HOUR_MS);
    const known = this.hours.get(hour);
    if (known !== undefined) {
      return Number.isNaN(known) ? this.iana.offset(t) : known;
    }
    const start = hour * HOUR_MS;
    const first = this.iana.offset(start);
    const last = this.iana.offset(start + HOUR_MS - 1);
    if (this.hours.size >= MAX_HOURS) this.hours.clear();
    this.hours.set(hour, first === last ? first : NaN);
    return first === last ? first : this.iana.offset(t);
  }
}

const zones = new Map<string, Zone>();

/** True when `name` is an IANA time zone luxon can use (e.g. `Asia/Shanghai`, `UTC`). */
export function isValidTimeZone(name: string): boolean {
  // luxon checks a zone by building an Intl.DateTimeFormat: slow, so known zones skip it.
  if (zones.has(name)) return true;
  return (
    typeof name === 'string' && name.length > 0 && IANAZone.isValidZone(name)
  );
}

/** @internal cached zone; throws on an unknown zone (callers validate first). */
export function getZone(name: string): Zone {
  let zone = zones.get(name);
  if (!zone) {
    if (!isValidTimeZone(name)) {
      throw new RangeError(`Unknown time zone "${name}"`);
    }
    zone = new Zone(name, IANAZone.create(name));
    zones.set(name, zone);
  }
  return zone;
}

/** Civil day number (days since 1970-01-01) of a local date. */
export function civilDay(year: number, month: number, day: number): number {
  return Math.floor(Date.UTC(year, month - 1, day) / DAY_MS);
}

/** Local date of a civil day number. */
export function civilDate(dayNumber: number): {
  year: number;
  month: number;
  day: number;
} {
  const d = new Date(dayNumber * DAY_MS);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
  };
}

/** ISO weekday (1 = Monday … 7 = Sunday) of a civil day number. */
export function isoWeekday(dayNumber: number): number {
  // 1970-01-01 was a Thursday (4).
  return ((((dayNumber + 3) % 7) + 7) % 7) + 1;
}

/** Parses `YYYY-MM-DD` to a civil day number; undefined when not a real date. */
export function parseIsoDate(s: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const day = civilDay(y, mo, d);
  const back = civilDate(day);
  if (back.year !== y || back.month !== mo || back.day !== d) return undefined;
  return day;
}

/** Formats a civil day number as `YYYY-MM-DD`. */
export function formatIsoDate(dayNumber: number): string {
  const { year, month, day } = civilDate(dayNumber);
  return `${String(year).padStart(4, '0')}-${String(month).padStart(
    2,
    '0',
  )}-${String(day).padStart(2, '0')}`;
}

/**
 * UTC instant of local wall time `minute` (0–1440) on civil day `dayNumber`
 * in `zone`. ENGINE.md R1: a wall time that does not exist (spring-forward gap)
 * moves forward by the length of the gap (as java.time does); an ambiguous
 * one (fall-back overlap) takes the earlier offset, i.e. its first occurrence.
 * Luxon's own `fromObject` guesses from the current offset, so it is not
 * deterministic for ambiguous times; hence this resolver.
 */
export function localToUtc(
  zone: Zone,
  dayNumber: number,
  minute: number,
): number {
  const local = dayNumber * DAY_MS + minute * MINUTE_MS;
  const before = zone.offset(local - DAY_MS);
  const after = zone.offset(local + DAY_MS);
  if (before === after) {
    const t = local - before * MINUTE_MS;
    if (zone.offset(t) === before) return t;
  }
  let best: number | undefined;
  for (const o of before === after ? [before] : [before, after]) {
    const t = local - o * MINUTE_MS;
    if (zone.offset(t) === o && (best === undefined || t < best)) best = t;
  }
  if (best !== undefined) return best;
  // Gap: keep the offset in force before the transition → later instant.
  return local - before * MINUTE_MS;
}

/** Local civil day number and minute-of-day of a UTC instant in `zone`. */
export function utcToLocal(
  zone: Zone,
  t: number,
): { dayNumber: number; minuteMs: number } {
  const local = t + zone.offset(t) * MINUTE_MS;
  const dayNumber = Math.floor(local / DAY_MS);
  return { dayNumber, minuteMs: local - dayNumber * DAY_MS };
}
