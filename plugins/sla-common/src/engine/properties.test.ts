/**
 * Property tests: the fast calendar / clock / availability arithmetic against
 * a slow reference that steps minute by minute (this file only). All random
 * instants are minute-aligned so minute stepping is exact.
 */
import fc from 'fast-check';
import { IANAZone } from 'luxon';
import { createWeeklyCalendar } from './calendar';
import { clockElapsed } from './clocks';
import { evaluatePeriod } from './evaluate';
import type { Incident, SlaTerms } from './types';
import {
  WEEKDAYS,
  WeeklyHours,
  emptyWeeklyHours,
  formatWeeklyHours,
  normalizeSpans,
} from './weekly';

const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const RUNS = 1000;

// ---------- reference ----------
// Offsets of the test zones only change on whole UTC hours (NY 07:00Z/06:00Z,
// London 01:00Z, Sydney 16:00Z/15:00Z), so one lookup per UTC hour is exact.
const hourOffsets = new Map<string, Map<number, number>>();
function refOffsetMin(zone: string, t: number): number {
  let m = hourOffsets.get(zone);
  if (!m) hourOffsets.set(zone, (m = new Map()));
  const h = Math.floor(t / HOUR);
  let o = m.get(h);
  if (o === undefined) {
    o = IANAZone.create(zone).offset(h * HOUR);
    m.set(h, o);
  }
  return o;
}
const wall = (zone: string, u: number) => u + refOffsetMin(zone, u) * MIN;

/**
 * Local wall time L (day*DAY + minute) → UTC by brute force: the first minute
 * whose wall clock reads ≥ L. Equal → first occurrence (earlier offset);
 * greater → L is in a gap, moved forward by the gap length.
 */
const resolveCache = new Map<string, number>();
function refResolve(zone: string, day: number, minute: number): number {
  const key = `${zone}|${day}|${minute}`;
  const hit = resolveCache.get(key);
  if (hit !== undefined) return hit;
  const L = day * DAY + minute * MIN;
  let result = NaN;
  for (let u = L - 15 * HOUR; u <= L + 15 * HOUR; u += MIN) {
    const w = wall(zone, u);
    if (w >= L) {
      result = w === L ? u : u + (L - (wall(zone, u - MIN) + MIN));
      break;
    }
  }
  resolveCache.set(key, result);
  return result;
}

type Cal = {
  zone: string;
  spans: Array<Array<[number, number]>>; // index 0 = Monday
  holidays: number[]; // civil day numbers
  workdays: number[];
  /** Part-day closures: [civil day, closed local spans]. */
  closures: Array<[number, Array<[number, number]>]>;
};

const civil = (y: number, m: number, d: number) => Date.UTC(y, m - 1, d) / DAY;

/** Working intervals (unsorted, possibly overlapping) of local days [d0, d1). */
function refIntervals(
  cal: Cal,
  d0: number,
  d1: number,
): Array<[number, number]> {
  const standard = cal.spans.find(s => s.length > 0) ?? [];
  const out: Array<[number, number]> = [];
  for (let d = d0; d < d1; d++) {
    const weekday = (((d + 3) % 7) + 7) % 7; // 0 = Monday (1970-01-01 was a Thursday)
    let spans = cal.spans[weekday];
    if (cal.workdays.includes(d))
      spans = cal.spans[0].length ? cal.spans[0] : standard;
    if (cal.holidays.includes(d)) spans = [];
    // A part-day closure takes its (wall-clock) minutes out of the day's spans.
    const closed = cal.closures.filter(([day]) => day === d).flatMap(c => c[1]);
    if (closed.length) {
      const open: Array<[number, number]> = [];
      for (const [s, e] of spans)
        for (let m = s; m < e; m++)
          if (!closed.some(([cs, ce]) => cs <= m && m < ce))
            open.push([m, m + 1]);
      spans = open;
    }
    // A day's spans are a set of wall-clock intervals: union them before resolving.
    const merged: Array<[number, number]> = [];
    for (const [s, e] of [...spans].sort((x, y) => x[0] - y[0])) {
      const last = merged[merged.length - 1];
      if (last && s <= last[1]) last[1] = Math.max(last[1], e);
      else merged.push([s, e]);
    }
    for (const [s, e] of merged)
      out.push([refResolve(cal.zone, d, s), refResolve(cal.zone, d, e)]);
  }
  return out;
}

/** Boolean per minute of [a, b) — "is this minute inside W". */
function refMinutes(cal: Cal, a: number, b: number): boolean[] {
  const d0 = Math.floor(a / DAY) - 2;
  const d1 = Math.floor(b / DAY) + 3;
  const ivs = refIntervals(cal, d0, d1);
  const out: boolean[] = [];
  for (let m = a; m < b; m += MIN)
    out.push(ivs.some(([s, e]) => s <= m && m < e));
  return out;
}

const toWeekly = (cal: Cal): WeeklyHours => {
  const h = emptyWeeklyHours();
  WEEKDAYS.forEach((d, i) => (h[d] = normalizeSpans(cal.spans[i])));
  return h;
};
const iso = (d: number) => new Date(d * DAY).toISOString().slice(0, 10);
const closuresOf = (cal: Cal) => {
  const out: Record<string, Array<[number, number]>> = {};
  for (const [day, spans] of cal.closures)
    out[iso(day)] = [...(out[iso(day)] ?? []), ...spans];
  return out;
};
const fastCalendar = (cal: Cal) =>
  createWeeklyCalendar(
    cal.zone,
    toWeekly(cal),
    cal.holidays.map(iso),
    cal.workdays.map(iso),
    closuresOf(cal),
  );

// ---------- generators ----------
const ZONES = [
  'UTC',
  'America/New_York',
  'Europe/London',
  'Australia/Sydney',
  'Asia/Shanghai',
];
// Days near DST transitions of the zones above, plus anything 2024–2030.
const SPECIAL_DAYS = [
  civil(2026, 3, 8),
  civil(2026, 11, 1),
  civil(2026, 3, 29),
  civil(2026, 10, 25),
  civil(2026, 4, 5),
  civil(2026, 10, 4),
  civil(2028, 2, 28),
  civil(2025, 12, 31),
];
const baseDay = fc.oneof(
  fc
    .constantFrom(...SPECIAL_DAYS)
    .chain(d => fc.integer({ min: d - 3, max: d + 1 })),
  fc.integer({ min: civil(2024, 1, 1), max: civil(2030, 12, 31) }),
);
const quarter = fc.integer({ min: 0, max: 96 });
const span = fc.oneof(
  fc
    .tuple(quarter, quarter)
    .filter(([s, e]) => s < e)
    .map(([s, e]) => [s * 15, e * 15] as [number, number]),
  // spans around the small hours hit DST gaps and overlaps
  fc
    .tuple(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 1, max: 240 }))
    .filter(([s, e]) => s < e),
  fc.constant([0, 1440] as [number, number]),
);
const daySpans = fc.oneof(
  { weight: 1, arbitrary: fc.constant([] as Array<[number, number]>) },
  { weight: 3, arbitrary: fc.array(span, { minLength: 1, maxLength: 3 }) },
);
const calendarArb = (day0: number) =>
  fc.record({
    zone: fc.constantFrom(...ZONES),
    spans: fc.array(daySpans, { minLength: 7, maxLength: 7 }),
    holidays: fc.uniqueArray(fc.integer({ min: day0 - 2, max: day0 + 8 }), {
      maxLength: 3,
    }),
    workdays: fc.uniqueArray(fc.integer({ min: day0 - 2, max: day0 + 8 }), {
      maxLength: 2,
    }),
    closures: fc.array(
      fc.tuple(
        fc.integer({ min: day0 - 2, max: day0 + 8 }),
        fc.array(span, { minLength: 1, maxLength: 2 }),
      ),
      { maxLength: 3 },
    ),
  });
/** Scenario: a calendar and minute-aligned instants within a few days. */
const scenario = baseDay.chain(day0 =>
  fc.record({
    cal: calendarArb(day0),
    a: fc.integer({ min: 0, max: 3 * 1440 }).map(m => day0 * DAY + m * MIN),
    len: fc.integer({ min: 0, max: 3 * 1440 }),
  }),
);

/**
 * A span in minutes from a scenario's start `a`: it starts in [`earliest`, 4 days] and lasts
 * `minLen` minutes to a day, or is open (no length) about once in `openOneIn` draws.
 */
const minuteSpan = (earliest: number, minLen: number, openOneIn: number) => ({
  start: fc.integer({ min: earliest, max: 4 * 1440 }),
  len: fc.option(fc.integer({ min: minLen, max: 1440 }), {
    nil: undefined,
    freq: openOneIn,
  }),
});

/** A drawn {@link minuteSpan} as instants (an open one has no end). */
const spanAt = (a: number, s: { start: number; len?: number }) => ({
  start: a + s.start * MIN,
  end: s.len === undefined ? undefined : a + (s.start + s.len) * MIN,
});

describe('property: fast arithmetic = minute-stepping reference', () => {
  it('B(a, b) over random calendars, zones and holidays', () => {
    fc.assert(
      fc.property(scenario, ({ cal, a, len }) => {
        const b = a + len * MIN;
        const expected = refMinutes(cal, a, b).filter(Boolean).length * MIN;
        expect(fastCalendar(cal).businessTime(a, b)).toBe(expected);
      }),
      { numRuns: RUNS },
    );
  });

  it('dueAt with random pauses (some open)', () => {
    const pause = fc.record(minuteSpan(-600, 1, 6));
    fc.assert(
      fc.property(
        scenario,
        fc.integer({ min: 0, max: 1440 }),
        fc.array(pause, { maxLength: 3 }),
        ({ cal, a }, targetMin, rawPauses) => {
          const pauses = rawPauses.map(p => spanAt(a, p));
          const horizon = a + 5 * DAY;
          const working = refMinutes(cal, a, horizon);
          let count = 0;
          let expected: number | undefined = targetMin === 0 ? a : undefined;
          for (let i = 0; expected === undefined && i < working.length; i++) {
            const m = a + i * MIN;
            const paused = pauses.some(
              p => p.start <= m && (p.end === undefined || m < p.end),
            );
            if (working[i] && !paused && ++count === targetMin)
              expected = m + MIN;
          }
          const fast = fastCalendar(cal);
          const due = fast.dueAt(a, targetMin * MIN, pauses);
          // Not reached within the horizon: the fast answer is undefined or later.
          const fastSeen =
            expected === undefined && (due === undefined || due > horizon)
              ? 'beyond'
              : due;
          expect(fastSeen).toBe(expected ?? 'beyond');
          const at = expected ?? a;
          expect(clockElapsed(fast, a, at, pauses)).toBe(
            expected === undefined ? 0 : targetMin * MIN,
          );
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('availability: merged outages, maintenance, period split, open outages', () => {
    const outageArb = fc.record({
      ...minuteSpan(-1440, 0, 8),
      planned: fc.constantFrom(false, false, true),
      degraded: fc.constantFrom(false, false, false, true),
    });
    fc.assert(
      fc.property(
        scenario,
        fc.array(outageArb, { maxLength: 5 }),
        fc.array(fc.array(span, { maxLength: 1 }), {
          minLength: 7,
          maxLength: 7,
        }),
        fc.integer({ min: 0, max: 5 * 1440 }),
        ({ cal, a, len }, rawOutages, maintSpans, nowMin) => {
          const start = a;
          const end = a + len * MIN;
          const now = a - 1440 * MIN + nowMin * MIN;
          const outages = rawOutages.map(o => ({
            ...spanAt(a, o),
            planned: o.planned,
            impact: o.degraded ? ('degraded' as const) : ('down' as const),
          }));
          const maint: Cal = {
            zone: cal.zone,
            spans: maintSpans,
            holidays: [],
            workdays: [],
            closures: [],
          };
          const maintHours = toWeekly(maint);
          const hasMaint = maintSpans.some(s => s.length);
          const terms: SlaTerms = {
            serviceHours: {
              kind: 'weekly',
              spec: formatWeeklyHours(toWeekly(cal)),
              hours: toWeekly(cal),
            },
            timezone: cal.zone,
            serviceDayMs: 0,
            availability: 99,
            period: 'monthly',
            report: 'monthly',
            ...(hasMaint
              ? {
                  maintenance: {
                    spec: formatWeeklyHours(maintHours),
                    hours: maintHours,
                  },
                }
              : {}),
          };
          const incidents: Incident[] = outages.map((o, i) => ({
            source: 'api',
            id: `i${i}`,
            entityRef: 'component:default/x',
            title: '',
            priority: 'P3',
            createdAt: o.start,
            pauses: [],
            outage: o,
          }));
          const r = evaluatePeriod({
            terms,
            calendar: fastCalendar(cal),
            incidents,
            period: { key: 'p', start, end },
            now,
          });

          // Reference over a window wide enough for every outage.
          const lo = Math.min(start, ...outages.map(o => o.start)) - MIN;
          const hi =
            Math.max(end, now, ...outages.map(o => o.end ?? now)) + MIN;
          const w = refMinutes(cal, lo, hi);
          const mw = refMinutes(maint, lo, hi);
          const down = (m: number) =>
            outages.some(
              o =>
                !o.planned &&
                o.impact === 'down' &&
                o.start <= m &&
                m < (o.end ?? now),
            );
          let ast = 0;
          let dt = 0;
          let count = 0;
          let longest = 0;
          let run = 0;
          let prevDown = false;
          for (let i = 0, m = lo; m < hi; i++, m += MIN) {
            const inP = m >= start && m < end;
            const d = down(m);
            if (inP && w[i]) ast++;
            if (d && !prevDown) {
              run = 0;
              if (inP) count++;
            }
            if (d && inP && w[i] && !mw[i]) {
              dt++;
              run++;
              longest = Math.max(longest, run);
            }
            prevDown = d;
          }
          expect(r.availability.astMs).toBe(ast * MIN);
          expect(r.availability.downtimeMs).toBe(dt * MIN);
          expect(r.outages.count).toBe(count);
          expect(r.outages.longestMs).toBe(longest * MIN);
          expect({
            noData: r.availability.status === 'no-data',
            breached: r.availability.status === 'breached',
          }).toEqual({
            noData: ast === 0,
            breached: ast > 0 && dt * MIN > Math.floor(ast * MIN * 0.01),
          });
        },
      ),
      { numRuns: RUNS },
    );
  });
});
