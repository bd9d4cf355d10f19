/** Weekday keys, Monday first (ISO order). */
export const WEEKDAYS = [
  'mon',
  'tue',
  'wed',
  'thu',
  'fri',
  'sat',
  'sun',
] as const;
/** A weekday key. */
export type Weekday = (typeof WEEKDAYS)[number];

/**
 * Working spans per weekday in minutes after local midnight, `[start, end)`
 * with `0 ≤ start < end ≤ 1440`, sorted, non-overlapping and non-touching
 * (touching spans are merged). Plain JSON.
 */
export type WeeklyHours = Record<Weekday, Array<[number, number]>>;

/** Weekly hours with no working time. */
export function emptyWeeklyHours(): WeeklyHours {
  return { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] };
}

const FULL_NAMES = [
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
  'sunday',
];

function dayIndex(name: string): number {
  const n = name.toLowerCase();
  let i = (WEEKDAYS as readonly string[]).indexOf(n);
  if (i < 0) i = FULL_NAMES.indexOf(n);
  return i;
}

/** Parses `Mon-Fri`, `Sat`, `Mon,Wed,Fri`, `Fri-Mon` (wraps) to weekday indexes (0 = Monday). */
export function parseDaySpec(spec: string): number[] | undefined {
  const out = new Set<number>();
  const parts = spec.split(',').map(p => p.trim());
  for (const part of parts) {
    if (!part) return undefined;
    const range = part.split('-');
    if (range.length === 1) {
      const i = dayIndex(range[0]);
      if (i < 0) return undefined;
      out.add(i);
    } else if (range.length === 2) {
      const a = dayIndex(range[0].trim());
      const b = dayIndex(range[1].trim());
      if (a < 0 || b < 0) return undefined;
      for (let i = a; ; i = (i + 1) % 7) {
        out.add(i);
        if (i === b) break;
      }
    } else {
      return undefined;
    }
  }
  return [...out].sort((x, y) => x - y);
}

function parseClock(s: string, allow24: boolean): number | undefined {
  const m = /^(\d{1,2}):(\d{2})$/.exec(s);
  if (!m) return undefined;
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (min > 59) return undefined;
  if (h === 24 && min === 0 && allow24) return 1440;
  if (h > 23) return undefined;
  return h * 60 + min;
}

/** Merges spans into sorted, disjoint, non-touching form. */
export function normalizeSpans(
  spans: Array<[number, number]>,
): Array<[number, number]> {
  const sorted = spans
    .filter(([a, b]) => b > a)
    .map(([a, b]) => [a, b] as [number, number])
    .sort((x, y) => x[0] - y[0]);
  const out: Array<[number, number]> = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last && s[0] <= last[1]) last[1] = Math.max(last[1], s[1]);
    else out.push(s);
  }
  return out;
}

/** Parses `09:00-12:00,13:30-18:00` (end may be `24:00`; start < end). */
export function parseSpans(spec: string): Array<[number, number]> | undefined {
  const spans: Array<[number, number]> = [];
  for (const raw of spec.split(',')) {
    const part = raw.replace(/\s+/g, '');
    const m = /^([^-]+)-([^-]+)$/.exec(part);
    if (!m) return undefined;
    const a = parseClock(m[1], false);
    const b = parseClock(m[2], true);
    if (a === undefined || b === undefined || b <= a) return undefined;
    spans.push([a, b]);
  }
  return spans.length ? normalizeSpans(spans) : undefined;
}

/**
 * Parses inline weekly hours: `;`-separated groups of `<days> <spans>`,
 * e.g. `Mon-Fri 09:00-12:00,13:30-18:00; Sat 10:00-14:00` or
 * `Sun 02:00-04:00;Sat 22:00-24:00`. Days repeated across groups are unioned.
 */
export function parseWeeklyHours(spec: string): WeeklyHours | undefined {
  if (typeof spec !== 'string') return undefined;
  const groups = spec
    .split(';')
    .map(g => g.trim())
    .filter(g => g.length > 0);
  if (groups.length === 0) return undefined;
  const entries: Array<[string, string]> = [];
  for (const g of groups) {
    const m = /^(\S+)\s+(.+)$/.exec(g);
    if (!m) return undefined;
    entries.push([m[1], m[2]]);
  }
  return weeklyHoursFromEntries(entries);
}

/** Builds weekly hours from `[daySpec, spans]` pairs (the config `hours:` map). */
export function weeklyHoursFromEntries(
  entries: Array<[string, string]>,
): WeeklyHours | undefined {
  const hours = emptyWeeklyHours();
  for (const [daySpec, spanSpec] of entries) {
    const days = parseDaySpec(daySpec);
    const spans =
      typeof spanSpec === 'string' ? parseSpans(spanSpec) : undefined;
    if (!days || !spans) return undefined;
    for (const d of days) {
      const key = WEEKDAYS[d];
      hours[key] = normalizeSpans([...hours[key], ...spans]);
    }
  }
  return hours;
}

function clock(min: number): string {
  return `${String(Math.floor(min / 60)).padStart(2, '0')}:${String(
    min % 60,
  ).padStart(2, '0')}`;
}

const TITLE = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** Canonical text: runs of consecutive days with equal spans, e.g. `Mon-Fri 09:00-18:00;Sat 10:00-14:00`. */
export function formatWeeklyHours(hours: WeeklyHours): string {
  const texts = WEEKDAYS.map(d =>
    hours[d].map(([a, b]) => `${clock(a)}-${clock(b)}`).join(','),
  );
  const groups: string[] = [];
  let i = 0;
  while (i < 7) {
    if (!texts[i]) {
      i++;
      continue;
    }
    let j = i;
    while (j + 1 < 7 && texts[j + 1] === texts[i]) j++;
    const days = j === i ? TITLE[i] : `${TITLE[i]}-${TITLE[j]}`;
    groups.push(`${days} ${texts[i]}`);
    i = j + 1;
  }
  return groups.join(';');
}

/** Total working minutes of a weekday. */
export function dayMinutes(spans: Array<[number, number]>): number {
  return spans.reduce((sum, [a, b]) => sum + (b - a), 0);
}

/**
 * The calendar's standard working day (the `d` unit of the annotation reference in ENGINE.md, and the hours of a
 * make-up workday): Monday's spans; when Monday has none, the first weekday
 * that has some.
 */
export function standardDay(hours: WeeklyHours): Array<[number, number]> {
  for (const d of WEEKDAYS) if (hours[d].length) return hours[d];
  return [];
}
