/**
 * The chain (SPEC §8): downtime attribution against a minute-stepping reference and against
 * evaluatePeriod's downtime, consistency warnings, the agreement type.
 *
 * The reference decides "is this minute in service hours / in a maintenance window" by asking
 * the calendar about that one minute: the calendar itself is checked against an independent
 * minute-stepping reference in properties.test.ts, so what is tested here is the interval
 * arithmetic of attribution (merging, splitting at dependency outages, clipping, open outages).
 */
import fc from 'fast-check';
import {
  attributeDowntime,
  chainWarnings,
  maintenanceCalendarOf,
  type ChainDependency,
} from './chain';
import { createAlwaysOnCalendar, createWeeklyCalendar } from './calendar';
import { evaluatePeriod } from './evaluate';
import { parseSlaAnnotations } from './terms';
import type { Incident, SlaTerms } from './types';
import {
  WEEKDAYS,
  emptyWeeklyHours,
  formatWeeklyHours,
  normalizeSpans,
  parseWeeklyHours,
} from './weekly';

const MIN = 60_000;
const DAY = 86_400_000;
const RUNS = 1000;
const t = (iso: string) => Date.parse(iso);

/** A dependency's outages, each `[start, end]` in ISO form. */
const outagesOf = (ref: string, ...spans: Array<[string, string]>) => ({
  ref,
  outages: spans.map(([start, end]) => ({ start: t(start), end: t(end) })),
});

let seq = 0;
const incident = (outage: Incident['outage'], source = 'api'): Incident => ({
  source,
  id: `i${seq++}`,
  entityRef: 'component:default/x',
  title: '',
  priority: 'P2',
  createdAt: outage?.start ?? 0,
  pauses: [],
  outage,
});

describe('attributeDowntime: examples', () => {
  const utc = createAlwaysOnCalendar('UTC');
  const period = { start: t('2026-03-01T00:00Z'), end: t('2026-04-01T00:00Z') };
  const now = t('2026-04-05T00:00Z');

  it('42 of 60 min during db-cluster outages', () => {
    const r = attributeDowntime({
      incidents: [
        incident({
          start: t('2026-03-10T10:00Z'),
          end: t('2026-03-10T11:00Z'),
        }),
      ],
      dependencies: [
        outagesOf('resource:default/db-cluster', [
          '2026-03-10T09:30Z',
          '2026-03-10T10:42Z',
        ]),
        outagesOf('component:default/sms-gateway', [
          '2026-03-10T12:00Z',
          '2026-03-10T13:00Z',
        ]),
      ],
      calendar: utc,
      period,
      now,
    });
    expect(r).toEqual({
      downtimeMs: 60 * MIN,
      dependencyMs: 42 * MIN,
      ownMs: 18 * MIN,
      dependencies: [
        {
          ref: 'resource:default/db-cluster',
          attributedMs: 42 * MIN,
          soleMs: 42 * MIN,
        },
        { ref: 'component:default/sms-gateway', attributedMs: 0, soleMs: 0 },
      ],
      bySet: [{ refs: ['resource:default/db-cluster'], ms: 42 * MIN }],
    });
  });

  it('two dependencies down at once: each is attributed the overlap, the total counts it once', () => {
    const r = attributeDowntime({
      incidents: [
        incident({
          start: t('2026-03-10T10:00Z'),
          end: t('2026-03-10T11:00Z'),
        }),
      ],
      dependencies: [
        outagesOf('resource:default/db-cluster', [
          '2026-03-10T10:00Z',
          '2026-03-10T10:42Z',
        ]),
        {
          ref: 'component:default/sms-gateway',
          incidents: [
            incident({
              start: t('2026-03-10T10:30Z'),
              end: t('2026-03-10T10:50Z'),
            }),
            // planned and degraded outages of a dependency are not outages
            incident({
              start: t('2026-03-10T10:50Z'),
              end: t('2026-03-10T11:00Z'),
              planned: true,
            }),
            incident({
              start: t('2026-03-10T10:50Z'),
              end: t('2026-03-10T11:00Z'),
              impact: 'degraded',
            }),
          ],
        },
      ],
      calendar: utc,
      period,
      now,
    });
    expect(r.downtimeMs).toBe(60 * MIN);
    expect(r.dependencies).toEqual([
      {
        ref: 'resource:default/db-cluster',
        attributedMs: 42 * MIN,
        soleMs: 30 * MIN,
      },
      {
        ref: 'component:default/sms-gateway',
        attributedMs: 20 * MIN,
        soleMs: 8 * MIN,
      },
    ]);
    expect(r.dependencyMs).toBe(50 * MIN);
    expect(r.ownMs).toBe(10 * MIN);
    expect(r.bySet).toEqual([
      { refs: ['resource:default/db-cluster'], ms: 30 * MIN },
      {
        refs: ['resource:default/db-cluster', 'component:default/sms-gateway'],
        ms: 12 * MIN,
      },
      { refs: ['component:default/sms-gateway'], ms: 8 * MIN },
    ]);
  });

  it('counts service hours only, minus maintenance, split at the period end, open outages to now', () => {
    // Mon-Fri 09:00-18:00 Shanghai; maintenance Tue 12:00-13:00.
    const calendar = createWeeklyCalendar(
      'Asia/Shanghai',
      parseWeeklyHours('Mon-Fri 09:00-18:00')!,
    );
    const maintenance = maintenanceCalendarOf({
      timezone: 'Asia/Shanghai',
      maintenance: {
        spec: 'Tue 12:00-13:00',
        hours: parseWeeklyHours('Tue 12:00-13:00')!,
      },
    });
    const r = attributeDowntime({
      incidents: [
        // Mon 2026-03-30 17:00 → Tue 14:00 (+08:00): 1 h Mon + 5 h Tue − 1 h maintenance = 5 h
        incident({
          start: t('2026-03-30T17:00+08:00'),
          end: t('2026-03-31T14:00+08:00'),
        }),
        // still open at now: Tue 2026-03-31 17:00 → end of March (+08:00 periods)
        incident({ start: t('2026-03-31T17:00+08:00') }),
      ],
      dependencies: [
        {
          ref: 'resource:default/db-cluster',
          // down overnight (outside service hours) into Tue 10:00: 1 h of the service's downtime
          outages: [
            {
              start: t('2026-03-30T20:00+08:00'),
              end: t('2026-03-31T10:00+08:00'),
            },
            // still open: runs to now
            { start: t('2026-03-31T17:30+08:00') },
          ],
        },
      ],
      calendar,
      maintenance,
      period: {
        start: t('2026-03-01T00:00+08:00'),
        end: t('2026-04-01T00:00+08:00'),
      },
      now: t('2026-04-01T12:00+08:00'),
    });
    // 5 h + Tue 17:00-18:00 (1 h); April 1 is past the period end.
    expect(r.downtimeMs).toBe(6 * 60 * MIN);
    expect(r.dependencies[0].attributedMs).toBe(90 * MIN);
    expect(r.ownMs).toBe(6 * 60 * MIN - 90 * MIN);
  });

  it('duplicate refs are merged; no outages gives zeros', () => {
    const r = attributeDowntime({
      incidents: [
        incident({
          start: t('2026-03-10T10:00Z'),
          end: t('2026-03-10T11:00Z'),
        }),
      ],
      dependencies: [
        outagesOf('resource:default/db', [
          '2026-03-10T10:00Z',
          '2026-03-10T10:10Z',
        ]),
        outagesOf('resource:default/db', [
          '2026-03-10T10:05Z',
          '2026-03-10T10:20Z',
        ]),
      ],
      calendar: utc,
      period,
      now,
    });
    expect(r.dependencies).toEqual([
      { ref: 'resource:default/db', attributedMs: 20 * MIN, soleMs: 20 * MIN },
    ]);
    expect(
      attributeDowntime({ dependencies: [], calendar: utc, period, now }),
    ).toEqual({
      downtimeMs: 0,
      dependencyMs: 0,
      ownMs: 0,
      dependencies: [],
      bySet: [],
    });
  });
});

// ---------- property: against a minute-stepping reference and evaluatePeriod ----------

const ZONES = ['UTC', 'America/New_York', 'Europe/London', 'Asia/Shanghai'];
const civil = (y: number, m: number, d: number) => Date.UTC(y, m - 1, d) / DAY;
const iso = (d: number) => new Date(d * DAY).toISOString().slice(0, 10);
// Days near DST changes of the zones above, plus anything 2025–2028.
const baseDay = fc.oneof(
  fc
    .constantFrom(civil(2026, 3, 8), civil(2026, 3, 29), civil(2026, 11, 1))
    .chain(d => fc.integer({ min: d - 3, max: d + 1 })),
  fc.integer({ min: civil(2025, 1, 1), max: civil(2028, 12, 31) }),
);
const span = fc
  .tuple(fc.integer({ min: 0, max: 96 }), fc.integer({ min: 0, max: 96 }))
  .filter(([s, e]) => s < e)
  .map(([s, e]) => [s * 15, e * 15] as [number, number]);
const weekly = (maxSpans: number) =>
  fc
    .array(fc.array(span, { maxLength: maxSpans }), {
      minLength: 7,
      maxLength: 7,
    })
    .map(days => {
      const h = emptyWeeklyHours();
      WEEKDAYS.forEach((d, i) => (h[d] = normalizeSpans(days[i])));
      return h;
    });
/** A span in minutes from the period start, open about once in `openOneIn` draws. */
const outageArb = (openOneIn: number, maxLen: number) =>
  fc.record({
    start: fc.integer({ min: -720, max: 3 * 1440 }),
    len: fc.option(fc.integer({ min: 0, max: maxLen }), {
      nil: undefined,
      freq: openOneIn,
    }),
    planned: fc.constantFrom(false, false, false, false, false, true),
    degraded: fc.constantFrom(false, false, false, false, false, true),
  });
type DrawnOutage = {
  start: number;
  len?: number;
  planned: boolean;
  degraded: boolean;
};
const scenario = baseDay.chain(day0 =>
  fc.record({
    day0: fc.constant(day0),
    zone: fc.constantFrom(...ZONES),
    hours: fc.oneof(
      { weight: 2, arbitrary: weekly(2) },
      { weight: 1, arbitrary: fc.constant(undefined) },
    ),
    holidays: fc.uniqueArray(fc.integer({ min: day0 - 1, max: day0 + 5 }), {
      maxLength: 2,
    }),
    maintenance: fc.option(weekly(1), { nil: undefined, freq: 2 }),
    startMin: fc.integer({ min: 0, max: 1440 }),
    lenMin: fc.oneof(
      { weight: 1, arbitrary: fc.integer({ min: 0, max: 60 }) },
      { weight: 4, arbitrary: fc.integer({ min: 1440, max: 3 * 1440 }) },
    ),
    nowMin: fc.integer({ min: 0, max: 4 * 1440 }),
    own: fc.array(outageArb(6, 1440), { minLength: 1, maxLength: 4 }),
    deps: fc.array(
      fc.array(outageArb(6, 2 * 1440), { minLength: 1, maxLength: 4 }),
      {
        maxLength: 3,
      },
    ),
  }),
);

describe('property: attributeDowntime = minute-stepping reference', () => {
  it('parts sum to evaluatePeriod downtime; each part matches the reference', () => {
    fc.assert(
      fc.property(scenario, s => {
        const start = s.day0 * DAY + s.startMin * MIN;
        const end = start + s.lenMin * MIN;
        const now = start + s.nowMin * MIN;
        const toIncident = (o: DrawnOutage, i: number): Incident => ({
          ...incident({
            start: start + o.start * MIN,
            end:
              o.len === undefined ? undefined : start + (o.start + o.len) * MIN,
            planned: o.planned,
            impact: o.degraded ? 'degraded' : 'down',
          }),
          id: `o${i}`,
        });
        const own = s.own.map(toIncident);
        const deps = s.deps.map((list, k) => ({
          ref: `resource:default/dep-${k}`,
          incidents: list.map(toIncident),
        }));
        const terms: SlaTerms = {
          serviceHours: s.hours
            ? {
                kind: 'weekly',
                spec: formatWeeklyHours(s.hours),
                hours: s.hours,
              }
            : { kind: '24x7', spec: '24x7' },
          timezone: s.zone,
          serviceDayMs: 0,
          period: 'monthly',
          report: 'monthly',
          ...(s.maintenance
            ? {
                maintenance: {
                  spec: formatWeeklyHours(s.maintenance),
                  hours: s.maintenance,
                },
              }
            : {}),
        };
        const calendar = s.hours
          ? createWeeklyCalendar(s.zone, s.hours, s.holidays.map(iso))
          : createAlwaysOnCalendar(s.zone);
        const maintenance = maintenanceCalendarOf(terms);
        const r = attributeDowntime({
          incidents: own,
          dependencies: deps,
          calendar,
          maintenance,
          period: { start, end },
          now,
        });

        // The engine's downtime, and the partition adds up to it.
        const engine = evaluatePeriod({
          terms,
          calendar,
          incidents: own,
          period: { key: 'p', start, end },
          now,
        });
        expect(r.downtimeMs).toBe(engine.availability.downtimeMs);
        expect(r.ownMs + r.bySet.reduce((sum, x) => sum + x.ms, 0)).toBe(
          r.downtimeMs,
        );

        // Minute-stepping reference.
        const isDown = (incs: Incident[], m: number) =>
          incs.some(
            i =>
              i.outage &&
              !i.outage.planned &&
              i.outage.impact === 'down' &&
              i.outage.start <= m &&
              m < (i.outage.end ?? now),
          );
        let downtime = 0;
        let ownMin = 0;
        const attributed = deps.map(() => 0);
        const sole = deps.map(() => 0);
        const sets = new Map<string, number>();
        for (let m = start; m < end; m += MIN) {
          if (!isDown(own, m)) continue;
          if (calendar.businessTime(m, m + MIN) !== MIN) continue;
          if (maintenance && maintenance.businessTime(m, m + MIN) === MIN)
            continue;
          downtime++;
          const down = deps.flatMap((d, k) =>
            isDown(d.incidents, m) ? [k] : [],
          );
          if (!down.length) ownMin++;
          for (const k of down) attributed[k]++;
          if (down.length === 1) sole[down[0]]++;
          if (down.length) {
            const key = down.map(k => deps[k].ref).join(',');
            sets.set(key, (sets.get(key) ?? 0) + 1);
          }
        }
        expect(r.downtimeMs).toBe(downtime * MIN);
        expect(r.ownMs).toBe(ownMin * MIN);
        expect(r.dependencyMs).toBe((downtime - ownMin) * MIN);
        expect(r.dependencies).toEqual(
          deps.map((d, k) => ({
            ref: d.ref,
            attributedMs: attributed[k] * MIN,
            soleMs: sole[k] * MIN,
          })),
        );
        expect(
          Object.fromEntries(r.bySet.map(x => [x.refs.join(','), x.ms])),
        ).toEqual(
          Object.fromEntries([...sets].map(([key, n]) => [key, n * MIN])),
        );
        // Sorted by falling ms.
        for (let i = 1; i < r.bySet.length; i++)
          expect(r.bySet[i - 1].ms).toBeGreaterThanOrEqual(r.bySet[i].ms);
      }),
      { numRuns: RUNS },
    );
  });
});

// ---------- consistency warnings ----------

const termsOf = (annotations: Record<string, string>) => {
  const { terms, problems } = parseSlaAnnotations(
    Object.fromEntries(
      Object.entries(annotations).map(([k, v]) => [`servicelevel.io/${k}`, v]),
    ),
  );
  expect(problems).toEqual([]);
  return terms!;
};
const dep = (
  name: string,
  annotations: Record<string, string>,
  depth?: number,
): ChainDependency => ({
  ref: `resource:default/${name}`,
  terms: termsOf(annotations),
  ...(depth ? { depth } : {}),
});

describe('chainWarnings', () => {
  it('a dependency promising less availability than the service', () => {
    expect(
      chainWarnings(termsOf({ availability: '99.95%' }), [
        dep('db-cluster', { availability: '99.9%' }),
        dep('cache', { availability: '99.99%' }),
      ]),
    ).toEqual([
      {
        code: 'dependency-availability-below',
        dependency: 'resource:default/db-cluster',
        depth: 1,
        target: 99.95,
        dependencyTarget: 99.9,
        message: 'You promise 99.95%, but you depend on db-cluster at 99.9%.',
      },
      {
        code: 'chain-availability-below',
        dependencies: ['resource:default/db-cluster', 'resource:default/cache'],
        target: 99.95,
        product: expect.closeTo(99.89001, 9),
        message:
          "You promise 99.95%, but your dependencies db-cluster (99.9%), cache (99.99%) together give at most 99.89% (a serial chain's availabilities multiply).",
      },
    ]);
  });

  it('the serial-chain product: every dependency above the target, together below it', () => {
    const warnings = chainWarnings(termsOf({ availability: '99.97%' }), [
      dep('db', { availability: '99.99%' }),
      dep('queue', { availability: '99.98%' }),
      dep('dns', { availability: '99.99%' }),
      // a dependency of a dependency: not a factor of the product
      dep('disk', { availability: '99%' }, 2),
    ]);
    expect(warnings.map(w => [w.code, w.message])).toEqual([
      [
        'dependency-availability-below',
        'You promise 99.97%, but you depend on disk at 99%.',
      ],
      [
        'chain-availability-below',
        // 0.9999 × 0.9998 × 0.9999 = 0.99960004…
        "You promise 99.97%, but your dependencies db (99.99%), queue (99.98%), dns (99.99%) together give at most 99.96% (a serial chain's availabilities multiply).",
      ],
    ]);
  });

  it('compares exactly: a product equal to the target is no warning', () => {
    // 99.9% × 99.9% = 99.8001% exactly (in doubles 0.999 × 0.999 = 0.9980010000000001).
    const deps = [
      dep('a', { availability: '99.9%' }),
      dep('b', { availability: '99.9%' }),
    ];
    expect(chainWarnings(termsOf({ availability: '99.8001%' }), deps)).toEqual(
      [],
    );
    expect(
      chainWarnings(termsOf({ availability: '99.80010001%' }), deps).map(
        w => w.code,
      ),
    ).toEqual(['chain-availability-below']);
    // equal single target: no warning
    expect(
      chainWarnings(termsOf({ availability: '99.9%' }), [deps[0]]),
    ).toEqual([]);
  });

  it('resolution and response targets shorter than a dependency’s for the same priority', () => {
    const warnings = chainWarnings(
      termsOf({
        'service-hours': '24x7',
        'resolution-time': 'P1=2h P2=8h P3=1d',
        'response-time': 'P1=5m',
      }),
      [
        dep('db-cluster', {
          'resolution-time': 'P1=4h P2=8h P4=3d',
          'response-time': 'P1=15m',
        }),
      ],
    );
    expect(warnings).toEqual([
      {
        code: 'resolution-target-shorter',
        dependency: 'resource:default/db-cluster',
        depth: 1,
        priority: 'P1',
        targetMs: 2 * 3_600_000,
        dependencyTargetMs: 4 * 3_600_000,
        message:
          'You promise resolution of P1 within 2h, but db-cluster promises 4h.',
      },
      {
        code: 'response-target-shorter',
        dependency: 'resource:default/db-cluster',
        depth: 1,
        priority: 'P1',
        targetMs: 5 * MIN,
        dependencyTargetMs: 15 * MIN,
        message:
          'You promise response of P1 within 5m, but db-cluster promises 15m.',
      },
    ]);
  });

  it('no targets, no warnings; other namespaces keep their name', () => {
    expect(chainWarnings(termsOf({ 'max-outage': '2h' }), [])).toEqual([]);
    expect(
      chainWarnings(termsOf({ availability: '99.9%' }), [
        { ref: 'resource:ops/db', terms: termsOf({ availability: '99.5%' }) },
        { ref: 'resource:default/x', terms: termsOf({ 'max-outage': '1h' }) },
      ]).map(w => w.message),
    ).toEqual(['You promise 99.9%, but you depend on ops/db at 99.5%.']);
  });
});

describe('servicelevel.io/agreement-type (the grammar reads it)', () => {
  const typeOf = (value?: string) =>
    parseSlaAnnotations({
      'servicelevel.io/availability': '99%',
      ...(value === undefined
        ? {}
        : { 'servicelevel.io/agreement-type': value }),
    });

  it.each([
    [undefined, 'sla'],
    ['sla', 'sla'],
    ['OLA', 'ola'],
    [' uc ', 'uc'],
  ])('%p reads as %p', (value, type) => {
    const { terms, problems } = typeOf(value);
    expect(problems).toEqual([]);
    expect(terms!.agreementType ?? 'sla').toBe(type);
  });

  it('a malformed value reads as sla with a problem', () => {
    const { terms, problems } = typeOf('vendor');
    expect(terms!.agreementType ?? 'sla').toBe('sla');
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({
      key: 'servicelevel.io/agreement-type',
      value: 'vendor',
      expected: 'sla | ola | uc',
    });
    expect(problems[0].message).toMatch(
      /^servicelevel\.io\/agreement-type: "vendor" — expected sla \| ola \| uc/,
    );
  });
});

describe('attributeDowntime: SPEC §3 calendar', () => {
  it('attribution on the cn-workdays calendar (SPEC §3) with its make-up workday', () => {
    const calendar = createWeeklyCalendar(
      'Asia/Shanghai',
      parseWeeklyHours('Mon-Fri 09:00-12:00,13:30-18:00')!,
      ['2026-10-01', '2026-10-02'],
      ['2026-09-20'],
    );
    const r = attributeDowntime({
      // Sat 2026-09-19 00:00 → Mon 2026-09-21 00:00: only Sunday (make-up day) counts, 7 h 30 min
      incidents: [
        incident({
          start: t('2026-09-19T00:00+08:00'),
          end: t('2026-09-21T00:00+08:00'),
        }),
      ],
      dependencies: [
        {
          ref: 'component:default/sms-gateway',
          outages: [
            {
              start: t('2026-09-20T11:00+08:00'),
              end: t('2026-09-20T14:00+08:00'),
            },
          ],
        },
      ],
      calendar,
      period: {
        start: t('2026-09-01T00:00+08:00'),
        end: t('2026-10-01T00:00+08:00'),
      },
      now: t('2026-10-02T00:00+08:00'),
    });
    // 11:00-12:00 and 13:30-14:00 of the make-up day
    expect(r).toMatchObject({
      downtimeMs: 450 * MIN,
      dependencyMs: 90 * MIN,
      ownMs: 360 * MIN,
    });
  });
});
