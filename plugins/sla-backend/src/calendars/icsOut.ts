import type { CalendarConfig, Weekday } from '@servicelevel/plugin-sla-common';
import { WEEKDAYS } from '@servicelevel/plugin-sla-common';
import ICAL from 'ical.js';
import { DateTime, IANAZone } from 'luxon';

const BYDAY: Record<Weekday, string> = {
  mon: 'MO',
  tue: 'TU',
  wed: 'WE',
  thu: 'TH',
  fri: 'FR',
  sat: 'SA',
  sun: 'SU',
};
const HOUR_MS = 3_600_000;

/** A local date-time (or date) as an ical.js time, zone left to the TZID parameter. */
function localTime(date: string, minute?: number): ICAL.Time {
  const [year, month, day] = date.split('-').map(Number);
  if (minute === undefined) {
    return ICAL.Time.fromData({ year, month, day, isDate: true });
  }
  const t = ICAL.Time.fromData({ year, month, day, hour: 0, minute: 0 });
  t.adjust(0, 0, minute, 0);
  return t;
}

function addZoned(
  event: ICAL.Component,
  name: string,
  time: ICAL.Time,
  zone: string,
) {
  const prop = event.addPropertyWithValue(name, time);
  prop.setParameter('tzid', zone);
  return prop;
}

const offsetText = (minutes: number) => {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}${String(
    abs % 60,
  ).padStart(2, '0')}`;
};

/**
 * A VTIMEZONE for an IANA zone over [fromYear, toYear]: one observance per offset change
 * (found with luxon, to the minute), so clients without the IANA database place the
 * recurring working hours right.
 */
function vtimezone(
  zone: string,
  fromYear: number,
  toYear: number,
): ICAL.Component {
  const tz = new ICAL.Component('vtimezone');
  tz.addPropertyWithValue('tzid', zone);
  const iana = IANAZone.create(zone);
  const offsetAt = (t: number) => iana.offset(t);
  const start = DateTime.fromObject({ year: fromYear }, { zone });
  const end = DateTime.fromObject({ year: toYear + 1 }, { zone }).toMillis();
  const observance = (t: number, from: number, to: number) => {
    const at = DateTime.fromMillis(t, { zone });
    const c = new ICAL.Component(at.isInDST ? 'daylight' : 'standard');
    // DTSTART is the local time of the change, read in the offset before it.
    const wall = DateTime.fromMillis(t, { zone: 'UTC' }).plus({
      minutes: from,
    });
    c.addPropertyWithValue(
      'dtstart',
      ICAL.Time.fromData({
        year: wall.year,
        month: wall.month,
        day: wall.day,
        hour: wall.hour,
        minute: wall.minute,
        second: 0,
      }),
    );
    c.addPropertyWithValue(
      'tzoffsetfrom',
      ICAL.UtcOffset.fromString(offsetText(from)),
    );
    c.addPropertyWithValue(
      'tzoffsetto',
      ICAL.UtcOffset.fromString(offsetText(to)),
    );
    c.addPropertyWithValue('tzname', at.offsetNameShort ?? offsetText(to));
    tz.addSubcomponent(c);
  };
  let prev = offsetAt(start.toMillis());
  observance(start.toMillis(), prev, prev);
  for (let t = start.toMillis(); t < end; t += HOUR_MS) {
    const next = offsetAt(t + HOUR_MS);
    if (next === prev) continue;
    // The change is within (t, t + 1 h]: find its minute.
    let lo = t;
    let hi = t + HOUR_MS;
    while (hi - lo > 60_000) {
      const mid = lo + Math.floor((hi - lo) / 120_000) * 60_000;
      if (offsetAt(mid) === prev) lo = mid;
      else hi = mid;
    }
    observance(hi, prev, next);
    prev = next;
  }
  return tz;
}

/** Runs of consecutive dates, as [first, last] pairs. */
function runs(dates: string[]): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const d of [...dates].sort()) {
    const last = out[out.length - 1];
    const dayAfter =
      last && DateTime.fromISO(last[1], { zone: 'UTC' }).plus({ days: 1 });
    if (last && dayAfter && dayAfter.toISODate() === d) last[1] = d;
    else out.push([d, d]);
  }
  return out;
}

const nextDate = (date: string) =>
  DateTime.fromISO(date, { zone: 'UTC' }).plus({ days: 1 }).toISODate()!;

/** Options of {@link calendarToIcs}. */
export interface CalendarToIcsOptions {
  /** DTSTAMP of every event (default now). */
  now?: number;
}

/**
 * The resolved calendar as iCalendar text (ical.js), for subscribing in Outlook or Google
 * Calendar: holidays (runs of days as all-day events, category `Holiday`), make-up
 * workdays (all-day, `Workday`), part-day closures (timed, `Closure`) and the working
 * hours as weekly recurring events (`Working hours`), without the holidays (EXDATE) and with
 * the make-up days (RDATE, the standard day's hours). Times carry the calendar's zone as
 * TZID with a VTIMEZONE. The ICS source reader reads it back into the same dates.
 */
export function calendarToIcs(
  name: string,
  cal: CalendarConfig,
  options: CalendarToIcsOptions = {},
): string {
  const zone = cal.timezone;
  const stamp = ICAL.Time.fromJSDate(new Date(options.now ?? Date.now()), true);
  const closures = cal.closures ?? {};
  const dated = [...cal.holidays, ...cal.workdays, ...Object.keys(closures)];
  const thisYear = DateTime.fromMillis(options.now ?? Date.now(), {
    zone,
  }).year;
  const years = dated.map(d => Number(d.slice(0, 4)));
  const fromYear = Math.min(thisYear, ...years);
  const toYear = Math.max(thisYear + 1, ...years);

  const root = new ICAL.Component(['vcalendar', [], []]);
  root.addPropertyWithValue('prodid', '-//servicelevel.io//SLA calendar//EN');
  root.addPropertyWithValue('version', '2.0');
  root.addPropertyWithValue('calscale', 'GREGORIAN');
  root.addPropertyWithValue('method', 'PUBLISH');
  root.addPropertyWithValue('x-wr-calname', `SLA service hours: ${name}`);
  root.addPropertyWithValue('x-wr-timezone', zone);
  root.addSubcomponent(vtimezone(zone, fromYear, toYear));

  const event = (uid: string, summary: string, category: string) => {
    const e = new ICAL.Component('vevent');
    e.addPropertyWithValue('uid', `${uid}-${name}@servicelevel.io`);
    e.addPropertyWithValue('dtstamp', stamp);
    e.addPropertyWithValue('summary', summary);
    e.addPropertyWithValue('categories', category);
    root.addSubcomponent(e);
    return e;
  };

  for (const [first, last] of runs(cal.holidays)) {
    const e = event(
      `holiday-${first}`,
      'Holiday: SLA clock stopped',
      'Holiday',
    );
    e.addPropertyWithValue('dtstart', localTime(first));
    e.addPropertyWithValue('dtend', localTime(nextDate(last)));
    e.addPropertyWithValue('transp', 'TRANSPARENT');
  }
  for (const date of cal.workdays) {
    const e = event(
      `workday-${date}`,
      "Make-up workday: SLA clock runs (the standard day's hours)",
      'Workday',
    );
    e.addPropertyWithValue('dtstart', localTime(date));
    e.addPropertyWithValue('dtend', localTime(nextDate(date)));
    e.addPropertyWithValue('transp', 'TRANSPARENT');
  }
  for (const [date, spans] of Object.entries(closures)) {
    for (const [a, b] of spans) {
      const e = event(
        `closure-${date}-${a}`,
        'Closed: SLA clock stopped',
        'Closure',
      );
      addZoned(e, 'dtstart', localTime(date, a), zone);
      addZoned(e, 'dtend', localTime(date, b), zone);
      e.addPropertyWithValue('transp', 'TRANSPARENT');
    }
  }

  // Working hours: one weekly event per span, on every weekday that has it.
  const standard = WEEKDAYS.map(d => cal.hours[d]).find(s => s.length) ?? [];
  const bySpan = new Map<string, Weekday[]>();
  for (const day of WEEKDAYS) {
    for (const [a, b] of cal.hours[day]) {
      const key = `${a}-${b}`;
      bySpan.set(key, [...(bySpan.get(key) ?? []), day]);
    }
  }
  const weekdayOf = (date: string) =>
    WEEKDAYS[DateTime.fromISO(date, { zone: 'UTC' }).weekday - 1];
  const firstDay = `${fromYear}-01-01`;
  for (const [key, days] of bySpan) {
    const [a, b] = key.split('-').map(Number);
    let date = firstDay;
    while (!days.includes(weekdayOf(date))) date = nextDate(date);
    const e = event(
      `hours-${key}`,
      'Working hours: SLA clock runs',
      'Working hours',
    );
    addZoned(e, 'dtstart', localTime(date, a), zone);
    addZoned(e, 'dtend', localTime(date, b), zone);
    e.addPropertyWithValue(
      'rrule',
      ICAL.Recur.fromString(
        `FREQ=WEEKLY;BYDAY=${days.map(d => BYDAY[d]).join(',')}`,
      ),
    );
    for (const h of cal.holidays) {
      if (h >= date && days.includes(weekdayOf(h))) {
        addZoned(e, 'exdate', localTime(h, a), zone);
      }
    }
    if (standard.some(([s, t]) => s === a && t === b)) {
      for (const w of cal.workdays) {
        if (w >= date && !days.includes(weekdayOf(w))) {
          addZoned(e, 'rdate', localTime(w, a), zone);
        }
      }
    }
    e.addPropertyWithValue('transp', 'OPAQUE');
  }
  return root.toString();
}
