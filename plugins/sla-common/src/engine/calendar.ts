import type { CalendarConfig, Pause, SlaConfig, SlaTerms } from './types';
import {
  DAY_MS,
  getZone,
  isValidTimeZone,
  isoWeekday,
  localToUtc,
  parseIsoDate,
  type Zone,
} from './time';
import {
  WEEKDAYS,
  WeeklyHours,
  dayMinutes,
  normalizeSpans,
  standardDay,
} from './weekly';
import { MINUTE_MS } from './time';

/**
 * A working set W of real time (ENGINE.md R1) with business-time arithmetic.
 * Implementations cache the working intervals of every local date they have
 * seen, with running totals, so `businessTime` is two binary searches after
 * the first call (never minute stepping, never fixed 86 400 s steps).
 */
export interface BusinessCalendar {
  /** IANA zone the working hours are expressed in. */
  readonly zone: string;
  /** One service day in ms (`d` unit); 0 when the calendar has no working time. */
  readonly serviceDayMs: number;
  /** True for `24x7`, where B(a, b) = b − a. */
  readonly alwaysOn: boolean;
  /** B(a, b): milliseconds of [a, b) inside W (0 when b ≤ a). */
  businessTime(a: number, b: number): number;
  /**
   * Earliest instant at which a clock started at `start`, stopped during
   * `pauses`, has counted `targetMs` of business time; undefined when never
   * reachable (an open pause, or no working time within 5 years).
   */
  dueAt(start: number, targetMs: number, pauses?: Pause[]): number | undefined;
  /** The parts of W inside [a, b), sorted and disjoint. */
  workingIntervals(a: number, b: number): Array<[number, number]>;
}

const HORIZON_DAYS = 366 * 5;

let calendarsBuilt = 0;

/**
 * How many calendars this process has constructed (service, region and maintenance
 * calendars alike). Tests use it to prove a request path reuses calendars instead of
 * building one per incident or per request.
 */
export function countCalendarsBuilt(): number {
  return calendarsBuilt;
}

/**
 * An incident's pauses clipped to start at or after a clock's start, sorted and merged
 * (open ones end at Infinity), in two growable arrays so that evaluating many incidents
 * reuses one instance instead of allocating per clock.
 */
export class MergedPauses {
  /** Pauses given (before clipping): 0 takes the no-pause path, as `dueAt([])` does. */
  raw = 0;
  n = 0;
  starts: number[] = [];
  ends: number[] = [];

  /** Replaces the content with `pauses` clipped to start at or after `from`, sorted and merged. */
  merge(pauses: readonly Pause[], from: number): this {
    this.raw = pauses.length;
    this.n = 0;
    const starts = this.starts;
    const ends = this.ends;
    for (let i = 0; i < pauses.length; i++) {
      const p = pauses[i];
      const s = Math.max(p.start, from);
      const e = p.end === undefined || p.end === null ? Infinity : p.end;
      if (!(e > s)) continue;
      // Insertion by start: pauses are few, and ties merge the same in any order.
      let j = this.n;
      while (j > 0 && starts[j - 1] > s) {
        starts[j] = starts[j - 1];
        ends[j] = ends[j - 1];
        j--;
      }
      starts[j] = s;
      ends[j] = e;
      this.n++;
    }
    let out = 0;
    for (let i = 0; i < this.n; i++) {
      if (out > 0 && starts[i] <= ends[out - 1]) {
        if (ends[i] > ends[out - 1]) ends[out - 1] = ends[i];
      } else {
        starts[out] = starts[i];
        ends[out] = ends[i];
        out++;
      }
    }
    this.n = out;
    return this;
  }
}

/** @internal No pauses (never merged into). */
export const NO_PAUSES = new MergedPauses();

/** @internal Base of the built-in calendars: business time as a cumulative function. */
export abstract class CumulativeCalendar implements BusinessCalendar {
  abstract readonly zone: string;
  abstract readonly serviceDayMs: number;
  abstract readonly alwaysOn: boolean;
  /** Makes cumAt() valid at t (may rebuild, changing the origin). */
  protected abstract ensure(t: number): void;
  /** Cumulative business time at t (relative to a private origin). */
  protected abstract cumAt(t: number): number;
  /** Smallest t with C(t) ≥ v not earlier than `from`, searching forward; may only extend forward. */
  protected abstract cumInverse(v: number, from: number): number | undefined;
  abstract workingIntervals(a: number, b: number): Array<[number, number]>;

  businessTime(a: number, b: number): number {
    if (!(b > a)) return 0;
    this.ensure(a);
    this.ensure(b);
    return this.cumAt(b) - this.cumAt(a);
  }

  dueAt(
    start: number,
    targetMs: number,
    pauses: Pause[] = [],
  ): number | undefined {
    if (pauses.length === 0)
      return this.dueAtMerged(start, targetMs, NO_PAUSES);
    const merged = new MergedPauses();
    merged.merge(pauses, start);
    return this.dueAtMerged(start, targetMs, merged);
  }

  /**
   * {@link dueAt} with the pauses already merged from `start` (clocks merge an incident's
   * pauses once for both clocks; nothing here allocates).
   */
  dueAtMerged(
    start: number,
    targetMs: number,
    merged: MergedPauses,
  ): number | undefined {
    if (!(targetMs > 0)) return start;
    if (merged.raw === 0) {
      this.ensure(start);
      return this.cumInverse(this.cumAt(start) + targetMs, start);
    }
    // An open pause (end = Infinity) can only be the last merged one.
    const n = merged.n;
    const open = n > 0 && merged.ends[n - 1] === Infinity;
    const openFrom = open ? merged.starts[n - 1] : 0;
    const closed = open ? n - 1 : n;
    this.ensure(start);
    const base = this.cumAt(start);
    let paused = 0;
    for (let guard = 0; guard < 10_000; guard++) {
      const t = this.cumInverse(base + targetMs + paused, start);
      if (t === undefined) return undefined;
      let p = 0;
      for (let i = 0; i < closed; i++) {
        const s = merged.starts[i];
        if (s >= t) break;
        p += this.businessTime(s, Math.min(merged.ends[i], t));
      }
      if (p === paused) {
        if (open && t > openFrom) return undefined;
        return t;
      }
      paused = p;
    }
    return undefined;
  }
}

class AlwaysOnCalendar extends CumulativeCalendar {
  readonly serviceDayMs = DAY_MS;
  readonly alwaysOn = true;
  constructor(readonly zone: string) {
    super();
    calendarsBuilt++;
  }
  protected ensure(): void {}
  protected cumAt(t: number): number {
    return t;
  }
  protected cumInverse(v: number): number {
    return v;
  }
  businessTime(a: number, b: number): number {
    return b > a ? b - a : 0;
  }
  workingIntervals(a: number, b: number): Array<[number, number]> {
    return b > a ? [[a, b]] : [];
  }
}

class WeeklyCalendar extends CumulativeCalendar {
  readonly alwaysOn = false;
  readonly serviceDayMs: number;
  private readonly tz: Zone;
  /** Spans per ISO weekday index 1..7 (index 0 unused). */
  private readonly byWeekday: Array<Array<[number, number]>>;
  private readonly standard: Array<[number, number]>;
  private readonly holidays: Set<number>;
  private readonly workdays: Set<number>;
  /** Closed local spans per civil day (part-day closures), normalized. */
  private readonly closures: Map<number, Array<[number, number]>>;
  private readonly lastWorkday: number;
  private readonly hasWeeklyTime: boolean;
  /** Per-local-date UTC intervals, computed once (flat [s0, e0, s1, e1, …]). */
  private readonly dayCache = new Map<number, number[]>();
  // Covered civil days [d0, d1) and their intervals with running totals.
  private d0 = 0;
  private d1 = 0;
  private n = 0;
  private starts = new Float64Array(0);
  private ends = new Float64Array(0);
  private cumBefore = new Float64Array(0);
  private cumAfter = new Float64Array(0);
  /** bucket[j] = index of the last interval starting at or before (d0 + j) × DAY (UTC), or -1. */
  private bucket = new Int32Array(0);
  private memoT = NaN;
  private memoV = 0;

  constructor(
    readonly zone: string,
    hours: WeeklyHours,
    holidays: Iterable<number>,
    workdays: Iterable<number>,
    closures: Map<number, Array<[number, number]>> = new Map(),
  ) {
    super();
    calendarsBuilt++;
    this.tz = getZone(zone);
    this.byWeekday = [[], ...WEEKDAYS.map(d => hours[d])];
    this.standard = standardDay(hours);
    this.serviceDayMs = dayMinutes(this.standard) * MINUTE_MS;
    this.holidays = new Set(holidays);
    this.workdays = new Set(workdays);
    this.closures = closures;
    this.lastWorkday = Math.max(-Infinity, ...this.workdays);
    this.hasWeeklyTime = WEEKDAYS.some(d => hours[d].length > 0);
  }

  private spansOf(day: number): Array<[number, number]> {
    if (this.holidays.has(day)) return [];
    const spans = this.workdays.has(day)
      ? this.standard
      : this.byWeekday[isoWeekday(day)];
    const closed = this.closures.get(day);
    return closed ? subtractSpans(spans, closed) : spans;
  }

  private intervalsOf(day: number): number[] {
    let iv = this.dayCache.get(day);
    if (!iv) {
      iv = [];
      for (const [a, b] of this.spansOf(day)) {
        const s = localToUtc(this.tz, day, a);
        const e = localToUtc(this.tz, day, b);
        if (e > s) iv.push(s, e);
      }
      this.dayCache.set(day, iv);
    }
    return iv;
  }

  private rebuild(d0: number, d1: number): void {
    // Resolved spans are usually already ordered, but a span end moved forward out of a
    // DST gap can pass the next span's start; sort when needed, then take the union.
    const raw: number[] = [];
    let sorted = true;
    for (let day = d0; day < d1; day++) {
      const iv = this.intervalsOf(day);
      for (let i = 0; i < iv.length; i += 2) {
        if (raw.length && iv[i] < raw[raw.length - 2]) sorted = false;
        raw.push(iv[i], iv[i + 1]);
      }
    }
    let pairs: Array<[number, number]> | undefined;
    if (!sorted) {
      pairs = [];
      for (let i = 0; i < raw.length; i += 2) pairs.push([raw[i], raw[i + 1]]);
      pairs.sort((x, y) => x[0] - y[0]);
    }
    const s: number[] = [];
    const e: number[] = [];
    const count = raw.length / 2;
    for (let i = 0; i < count; i++) {
      const a = pairs ? pairs[i][0] : raw[2 * i];
      const b = pairs ? pairs[i][1] : raw[2 * i + 1];
      if (b <= a) continue;
      const last = e.length - 1;
      if (last >= 0 && a <= e[last]) {
        if (b > e[last]) e[last] = b;
      } else {
        s.push(a);
        e.push(b);
      }
    }
    const n = s.length;
    this.starts = Float64Array.from(s);
    this.ends = Float64Array.from(e);
    this.cumBefore = new Float64Array(n);
    this.cumAfter = new Float64Array(n);
    let cum = 0;
    for (let i = 0; i < n; i++) {
      this.cumBefore[i] = cum;
      cum += e[i] - s[i];
      this.cumAfter[i] = cum;
    }
    this.n = n;
    this.d0 = d0;
    this.d1 = d1;
    // O(1) entry point for lookups: intervals per UTC day are few, so a short scan follows.
    const bucket = new Int32Array(d1 - d0 + 1);
    let k = -1;
    for (let j = 0; j <= d1 - d0; j++) {
      const t = (d0 + j) * DAY_MS;
      while (k + 1 < n && s[k + 1] <= t) k++;
      bucket[j] = k;
    }
    this.bucket = bucket;
    this.memoT = NaN;
  }

  protected ensure(t: number): void {
    // A civil day of t is within ±1 of floor(t / DAY) (offsets are < 24 h).
    const day = Math.floor(t / DAY_MS);
    const lo = day - 2;
    const hi = day + 3;
    if (this.d1 > this.d0 && lo >= this.d0 && hi <= this.d1) return;
    if (this.d1 <= this.d0) {
      this.rebuild(lo - 7, hi + 21);
      return;
    }
    const span = this.d1 - this.d0;
    // Grow geometrically so total rebuild work stays linear in days covered.
    const grow = Math.max(span, 60);
    const nd0 = lo < this.d0 ? Math.min(lo, this.d0 - grow) : this.d0;
    const nd1 = hi > this.d1 ? Math.max(hi, this.d1 + grow) : this.d1;
    this.rebuild(nd0, nd1);
  }

  /** Index of the last interval starting at or before t, or -1. */
  private lastStartAtOrBefore(t: number): number {
    const j = Math.floor(t / DAY_MS) - this.d0;
    const starts = this.starts;
    const n = this.n;
    if (j < 0 || j >= this.bucket.length) {
      // Outside the covered days (only via workingIntervals' clamping): binary search.
      let lo = 0;
      let hi = n - 1;
      let ans = -1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (starts[mid] <= t) {
          ans = mid;
          lo = mid + 1;
        } else hi = mid - 1;
      }
      return ans;
    }
    let k = this.bucket[j];
    while (k + 1 < n && starts[k + 1] <= t) k++;
    return k;
  }

  protected cumAt(t: number): number {
    // Clocks ask for the same start instant several times in a row.
    if (t === this.memoT) return this.memoV;
    const v = this.cumAtUncached(t);
    this.memoT = t;
    this.memoV = v;
    return v;
  }

  private cumAtUncached(t: number): number {
    const k = this.lastStartAtOrBefore(t);
    if (k < 0) return 0;
    const e = this.ends[k];
    return t >= e ? this.cumAfter[k] : this.cumBefore[k] + (t - this.starts[k]);
  }

  protected cumInverse(v: number, from: number): number | undefined {
    const limit = Math.floor(from / DAY_MS) + HORIZON_DAYS;
    for (;;) {
      if (this.n > 0 && this.cumAfter[this.n - 1] >= v) break;
      if (this.d1 >= limit) return undefined;
      if (!this.hasWeeklyTime && this.d1 > this.lastWorkday) return undefined;
      // Extend forward only: keeps the C origin (d0) and so v stays meaningful.
      this.rebuild(
        this.d0,
        Math.min(limit, this.d1 + Math.max(366, this.d1 - this.d0)),
      );
    }
    let lo = 0;
    let hi = this.n - 1;
    const cumAfter = this.cumAfter;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumAfter[mid] >= v) hi = mid;
      else lo = mid + 1;
    }
    const t = this.starts[lo] + (v - this.cumBefore[lo]);
    return Math.max(t, this.starts[lo], from);
  }

  workingIntervals(a: number, b: number): Array<[number, number]> {
    if (!(b > a)) return [];
    this.ensure(a);
    this.ensure(b);
    const out: Array<[number, number]> = [];
    let k = Math.max(0, this.lastStartAtOrBefore(a));
    for (; k < this.n && this.starts[k] < b; k++) {
      const s = Math.max(a, this.starts[k]);
      const e = Math.min(b, this.ends[k]);
      if (e > s) out.push([s, e]);
    }
    return out;
  }
}

/** `spans` minus `closed` (both sorted and disjoint), in local minutes. */
function subtractSpans(
  spans: Array<[number, number]>,
  closed: Array<[number, number]>,
): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const [a, b] of spans) {
    let start = a;
    for (const [c, d] of closed) {
      if (d <= start || c >= b) continue;
      if (c > start) out.push([start, c]);
      start = Math.max(start, d);
      if (start >= b) break;
    }
    if (start < b) out.push([start, b]);
  }
  return out;
}

/** W = all time (`24x7`). `zone` only matters for period boundaries. */
export function createAlwaysOnCalendar(zone: string = 'UTC'): BusinessCalendar {
  return new AlwaysOnCalendar(zone);
}

/**
 * W = weekly hours in `zone`, minus `holidays`, plus make-up `workdays`
 * (which keep the standard day's hours), minus part-day `closures` (date →
 * closed local spans, taken out of that date's hours, make-up days included).
 * Dates are `YYYY-MM-DD`; invalid ones are ignored (readSlaConfig reports
 * them). A holiday that is also listed as a workday is a holiday.
 */
export function createWeeklyCalendar(
  zone: string,
  hours: WeeklyHours,
  holidays: string[] = [],
  workdays: string[] = [],
  closures: Record<string, Array<[number, number]>> = {},
): BusinessCalendar {
  const toDays = (list: string[]) =>
    list.map(parseIsoDate).filter((d): d is number => d !== undefined);
  const closed = new Map<number, Array<[number, number]>>();
  for (const [date, spans] of Object.entries(closures)) {
    const day = parseIsoDate(date);
    const merged = Array.isArray(spans) ? normalizeSpans(spans) : [];
    if (day !== undefined && merged.length) closed.set(day, merged);
  }
  return new WeeklyCalendar(
    zone,
    hours,
    toDays(holidays),
    toDays(workdays),
    closed,
  );
}

/** W for a named calendar of `config`; undefined when it is not configured. */
export function createNamedCalendar(
  name: string,
  config: SlaConfig,
): BusinessCalendar | undefined {
  const cal = config.calendars[name];
  if (!cal) return undefined;
  return createWeeklyCalendar(
    cal.timezone,
    cal.hours,
    cal.holidays,
    cal.workdays,
    cal.closures,
  );
}

// Calendars are immutable (only their caches of computed days grow), so every path shares
// one per terms object, and equal contents share one too: the first use of a calendar
// computes its days through luxon zone offsets (about 1 ms), so a path that built one per
// request or per incident would spend its time there.
const shared = new Map<string, BusinessCalendar>();
const MAX_SHARED = 512;
const byTerms = new WeakMap<SlaTerms, BusinessCalendar>();
const byNamed = new WeakMap<CalendarConfig, BusinessCalendar>();
const byWeeklyHours = new WeakMap<WeeklyHours, Map<string, BusinessCalendar>>();

function sharedByContent(key: string, build: () => BusinessCalendar) {
  let cal = shared.get(key);
  if (!cal) {
    cal = build();
    if (shared.size >= MAX_SHARED)
      shared.delete(shared.keys().next().value as string);
    shared.set(key, cal);
  }
  return cal;
}

/**
 * The business calendar of effective terms. Named calendars use the snapshot
 * stored in the terms (so an old terms version keeps its old holidays);
 * `config` is only a fallback for hand-built terms lacking it. Built once per terms
 * object (and per equal service hours), then shared by every caller: evaluations,
 * reports, previews, notifications.
 */
export function createBusinessCalendar(
  terms: SlaTerms,
  config?: SlaConfig,
): BusinessCalendar {
  let cal = byTerms.get(terms);
  if (cal) return cal;
  const sh = terms.serviceHours;
  if (sh.kind === 'calendar' && !(sh.hours && isValidTimeZone(sh.timezone))) {
    // No usable snapshot: the configured calendar of that name, which a holiday source
    // refresh may replace, so this is keyed on the configured calendar, not on the terms.
    const named = config?.calendars[sh.calendar];
    if (!named) {
      return sharedByContent(`24x7|${terms.timezone}`, () =>
        createAlwaysOnCalendar(terms.timezone),
      );
    }
    cal = byNamed.get(named);
    if (!cal) {
      cal = createNamedCalendar(sh.calendar, config!)!;
      byNamed.set(named, cal);
    }
    return cal;
  }
  cal = sharedByContent(`${terms.timezone}|${JSON.stringify(sh)}`, () =>
    buildCalendar(terms, config),
  );
  byTerms.set(terms, cal);
  return cal;
}

/**
 * `createWeeklyCalendar(zone, hours)` (no holidays), built once per hours object and zone
 * (and per equal hours): maintenance windows use it.
 */
export function sharedWeeklyCalendar(
  zone: string,
  hours: WeeklyHours,
): BusinessCalendar {
  let byZone = byWeeklyHours.get(hours);
  if (!byZone) byWeeklyHours.set(hours, (byZone = new Map()));
  let cal = byZone.get(zone);
  if (!cal) {
    cal = sharedByContent(`weekly|${zone}|${JSON.stringify(hours)}`, () =>
      createWeeklyCalendar(zone, hours),
    );
    byZone.set(zone, cal);
  }
  return cal;
}

const byRegion = new WeakMap<object, Map<string, BusinessCalendar>>();

/**
 * Under `calendar:by-region`, the calendar of each region code (lower case), built once
 * per terms snapshot; undefined for any other service hours. An incident whose `region`
 * is absent or not listed is clocked on the service's own calendar (the first region's).
 */
export function regionCalendars(
  terms: SlaTerms,
): Map<string, BusinessCalendar> | undefined {
  const sh = terms.serviceHours;
  if (sh.kind !== 'calendar' || !sh.regions) return undefined;
  let map = byRegion.get(sh.regions);
  if (!map) {
    map = new Map();
    for (const [code, snap] of Object.entries(sh.regions)) {
      if (!snap?.hours || !isValidTimeZone(snap.timezone)) continue;
      map.set(
        code.toLowerCase(),
        createBusinessCalendar({
          ...terms,
          timezone: snap.timezone,
          serviceHours: { kind: 'calendar', spec: sh.spec, ...snap },
        }),
      );
    }
    byRegion.set(sh.regions, map);
  }
  return map;
}

function buildCalendar(terms: SlaTerms, config?: SlaConfig): BusinessCalendar {
  const sh = terms.serviceHours;
  if (sh.kind === 'weekly') {
    return createWeeklyCalendar(terms.timezone, sh.hours);
  }
  if (sh.kind === 'calendar') {
    if (sh.hours && isValidTimeZone(sh.timezone)) {
      return createWeeklyCalendar(
        sh.timezone,
        sh.hours,
        sh.holidays,
        sh.workdays,
        sh.closures,
      );
    }
    const named = config && createNamedCalendar(sh.calendar, config);
    if (named) return named;
  }
  return createAlwaysOnCalendar(terms.timezone);
}
