import { promises as fs } from 'fs';
import ICAL from 'ical.js';
import { DateTime } from 'luxon';
import { fileURLToPath } from 'url';
import type { SourceDays, YearRange } from './sources';

/**
 * The make-up-day rule of ICS sources: an event whose SUMMARY or CATEGORIES contains one of
 * these marks a working day (case-insensitive): `workday`, `working day`, `work day`,
 * `working hours`, `补班`, `上班`, or `(班)` / `（班）` as in China's published calendars. A
 * text that says `non-working`, `non-work`, `no work` or `not a work…` never marks one.
 */
export const WORKING_MARKERS =
  /\bwork(ing)?[ -]?days?\b|\bworking hours\b|补班|上班|[(（]班[)）]/i;
const NOT_WORKING = /\bnon[- ]?work|\bno[- ]work|\bnot an? work/i;

/** True when the event's summary or one of its categories marks a working day. */
export function marksWorkingDay(texts: string[]): boolean {
  return texts.some(t => WORKING_MARKERS.test(t) && !NOT_WORKING.test(t));
}

/** Most occurrences one recurring event may add (a daily rule over years stays under it). */
const MAX_OCCURRENCES = 5000;

const pad = (n: number) => String(n).padStart(2, '0');

function isoDate(year: number, month: number, day: number): string {
  return `${year}-${pad(month)}-${pad(day)}`;
}

/** The calendar dates [start, end) of an all-day event (at least its first). */
function allDayDates(start: ICAL.Time, end: ICAL.Time): string[] {
  const first = Date.UTC(start.year, start.month - 1, start.day);
  const last = Date.UTC(end.year, end.month - 1, end.day);
  const out: string[] = [];
  for (let t = first; t < last || out.length === 0; t += 86_400_000) {
    const d = new Date(t);
    out.push(isoDate(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()));
    if (out.length > 366) break;
  }
  return out;
}

/**
 * The instant of a date-time: UTC (`…Z`) as is; a TZID that is an IANA zone through luxon;
 * another TZID through the file's VTIMEZONE; a floating time in the calendar's zone.
 */
function instantOf(time: ICAL.Time, tzid: string | undefined, zone: string) {
  const wall = {
    year: time.year,
    month: time.month,
    day: time.day,
    hour: time.hour,
    minute: time.minute,
    second: time.second,
  };
  if (time.zone?.tzid === 'UTC') return time.toUnixTime() * 1000;
  if (tzid) {
    const local = DateTime.fromObject(wall, { zone: tzid });
    if (local.isValid) return local.toMillis();
    if (time.zone && time.zone.tzid !== 'floating') {
      return time.toUnixTime() * 1000;
    }
  }
  return DateTime.fromObject(wall, { zone }).toMillis();
}

/** Adds the local parts of [start, end) in `zone` as closures, per local date. */
function addClosure(
  closures: SourceDays['closures'],
  start: number,
  end: number,
  zone: string,
): void {
  let day = DateTime.fromMillis(start, { zone }).startOf('day');
  for (let guard = 0; guard < 400 && day.toMillis() < end; guard++) {
    const next = day.plus({ days: 1 }).startOf('day');
    const from = Math.max(start, day.toMillis());
    const to = Math.min(end, next.toMillis());
    if (to > from) {
      const a = DateTime.fromMillis(from, { zone });
      const b = DateTime.fromMillis(to, { zone });
      const startMin = a.hour * 60 + a.minute;
      const endMin = to === next.toMillis() ? 1440 : b.hour * 60 + b.minute;
      if (endMin > startMin) {
        const date = day.toISODate()!;
        closures[date] = [...(closures[date] ?? []), [startMin, endMin]];
      }
    }
    day = next;
  }
}

function mergeSpans(spans: Array<[number, number]>): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const s of [...spans].sort((x, y) => x[0] - y[0])) {
    const last = out[out.length - 1];
    if (last && s[0] <= last[1]) last[1] = Math.max(last[1], s[1]);
    else out.push([s[0], s[1]]);
  }
  return out;
}

/**
 * Reads an iCalendar text with ical.js into days of a calendar in `zone`, for `years`:
 * - an all-day event is a holiday on each of its dates, or a make-up workday when its
 *   SUMMARY or CATEGORIES marks a working day ({@link WORKING_MARKERS});
 * - a timed event is a part-day closure of the local times it covers (in `zone`); a timed
 *   event marked as working time (e.g. published working hours) is not a closure and is
 *   left out;
 * - recurring events are expanded (RRULE, RDATE, EXDATE and changed occurrences), cancelled
 *   events and occurrences are left out.
 * A year of `years` from the first year with an event on, with no event at all, is
 * uncovered. Throws when the text is not iCalendar.
 */
export function parseIcsDays(
  text: string,
  zone: string,
  years: YearRange,
): SourceDays {
  const root = new ICAL.Component(ICAL.parse(text) as unknown[]);
  if (root.name !== 'vcalendar') {
    throw new Error(`expected a VCALENDAR, got ${root.name.toUpperCase()}`);
  }
  const holidays = new Set<string>();
  const workdays = new Set<string>();
  const closures: SourceDays['closures'] = {};
  const seenYears = new Set<number>();
  const rangeStart = Date.UTC(years.from, 0, 1) - 86_400_000;
  const rangeEnd = Date.UTC(years.to + 1, 0, 1) + 86_400_000;
  const inYears = (date: string) => {
    const y = Number(date.slice(0, 4));
    return y >= years.from && y <= years.to;
  };
  const vevents = root.getAllSubcomponents('vevent');
  const exceptions = new Map<string, ICAL.Component[]>();
  for (const v of vevents) {
    if (!v.hasProperty('recurrence-id')) continue;
    const uid = String(v.getFirstPropertyValue('uid') ?? '');
    exceptions.set(uid, [...(exceptions.get(uid) ?? []), v]);
  }
  const notes: string[] = [];
  for (const v of vevents) {
    if (v.hasProperty('recurrence-id')) continue;
    const uid = String(v.getFirstPropertyValue('uid') ?? '');
    const event = new ICAL.Event(v, { exceptions: exceptions.get(uid) ?? [] });
    const texts = [
      event.summary ?? '',
      ...v
        .getAllProperties('categories')
        .flatMap(p => p.getValues().map(x => String(x))),
    ];
    const working = marksWorkingDay(texts);
    if (!event.startDate) continue;
    const allDay = event.startDate.isDate;
    // Published working hours are the calendar's `hours`, not a closure.
    if (working && !allDay) continue;
    const occurrences: Array<{
      start: ICAL.Time;
      end: ICAL.Time;
      item: ICAL.Event;
    }> = [];
    if (event.isRecurring()) {
      const it = event.iterator();
      for (let i = 0; i < MAX_OCCURRENCES; i++) {
        const next = it.next();
        if (!next) break;
        if (next.toUnixTime() * 1000 > rangeEnd) break;
        const details = event.getOccurrenceDetails(next);
        occurrences.push({
          start: details.startDate,
          end: details.endDate,
          item: details.item,
        });
      }
    } else {
      occurrences.push({
        start: event.startDate,
        end: event.endDate,
        item: event,
      });
    }
    for (const { start, end, item } of occurrences) {
      const status = String(
        item.component.getFirstPropertyValue('status') ?? '',
      );
      if (status.toUpperCase() === 'CANCELLED') continue;
      if (allDay) {
        for (const date of allDayDates(start, end)) {
          if (!inYears(date)) continue;
          seenYears.add(Number(date.slice(0, 4)));
          (working ? workdays : holidays).add(date);
        }
        continue;
      }
      const startTz = item.component
        .getFirstProperty('dtstart')
        ?.getParameter('tzid') as string | undefined;
      const endTz =
        (item.component.getFirstProperty('dtend')?.getParameter('tzid') as
          | string
          | undefined) ?? startTz;
      const a = instantOf(start, startTz, zone);
      const b = instantOf(end, endTz, zone);
      if (!(b > a) || b < rangeStart || a > rangeEnd) continue;
      const part: SourceDays['closures'] = {};
      addClosure(part, a, b, zone);
      for (const [date, spans] of Object.entries(part)) {
        if (!inYears(date)) continue;
        seenYears.add(Number(date.slice(0, 4)));
        closures[date] = [...(closures[date] ?? []), ...spans];
      }
      if (!Object.keys(part).length) {
        notes.push(`event "${event.summary || uid}" covers no local time`);
      }
    }
  }
  for (const date of Object.keys(closures)) {
    closures[date] = mergeSpans(closures[date]);
  }
  const first = Math.min(years.to + 1, ...seenYears);
  const uncoveredYears: number[] = [];
  for (let y = Math.max(years.from, first); y <= years.to; y++) {
    if (!seenYears.has(y)) uncoveredYears.push(y);
  }
  if (seenYears.size === 0) {
    for (let y = years.from; y <= years.to; y++) uncoveredYears.push(y);
  }
  return {
    holidays: [...holidays].sort(),
    workdays: [...workdays].sort(),
    closures,
    uncoveredYears,
    notes,
  };
}

/** How long a remote ICS may take to answer. */
export const ICS_FETCH_TIMEOUT_MS = 30_000;

/**
 * The text of an ICS source: an `https://` (or `http://`) URL is fetched; a `file://` URL
 * or a path (relative to the backend's working directory) is read from disk.
 */
export async function readIcsText(url: string): Promise<string> {
  if (/^https?:\/\//i.test(url)) {
    const res = await fetch(url, {
      headers: { accept: 'text/calendar, */*;q=0.5' },
      signal: AbortSignal.timeout(ICS_FETCH_TIMEOUT_MS),
    });
    if (!res.ok) throw new Error(`HTTP ${res.status} ${res.statusText}`);
    return await res.text();
  }
  const path = /^file:\/\//i.test(url) ? fileURLToPath(url) : url;
  return await fs.readFile(path, 'utf8');
}
