import { SUM_OVER_SUMS } from '../__testUtils__/fixtures';
import { createBusinessCalendar } from './calendar';
import { readSlaConfig } from './config';
import {
  achievementRate,
  committedObjectives,
  evaluatePeriod,
  percentOf,
  termsInForce,
} from './evaluate';
import { periodFromRange, resolvePeriod } from './period';
import { parseSlaAnnotations } from './terms';
import type { Incident, SlaConfig, SlaTerms } from './types';

const MIN = 60_000;
const H = 3_600_000;
const DAY = 24 * H;

const config: SlaConfig = readSlaConfig({
  calendars: {
    closed: { timezone: 'UTC', hours: {} },
    'cn-workdays': {
      timezone: 'Asia/Shanghai',
      hours: { 'mon-fri': '09:00-12:00,13:30-18:00' },
    },
  },
}).config;

const termsOf = (a: Record<string, string>): SlaTerms => {
  const { terms, problems } = parseSlaAnnotations(a, config);
  expect(problems).toEqual([]);
  return terms!;
};

let seq = 0;
const inc = (over: Partial<Incident>): Incident => ({
  source: 'webhook',
  id: `INC-${++seq}`,
  entityRef: 'component:default/x',
  title: 't',
  priority: 'P2',
  createdAt: 0,
  pauses: [],
  ...over,
});

const outage = (
  start: number,
  end?: number,
  extra: Partial<NonNullable<Incident['outage']>> = {},
) =>
  inc({ createdAt: start, resolvedAt: end, outage: { start, end, ...extra } });

const evaluate = (
  terms: SlaTerms,
  incidents: Incident[],
  spec: string,
  now = Date.UTC(2030, 0),
) =>
  evaluatePeriod({
    terms,
    calendar: createBusinessCalendar(terms, config),
    incidents,
    period: resolvePeriod(spec, terms.timezone),
    now,
  });

/** The result of `objective` (e.g. `response-time:P1`) in an evaluation. */
const objectiveIn = (r: ReturnType<typeof evaluate>, objective: string) =>
  r.objectives.find(x => x.objective === objective)!;

/** March 2026 without incidents, on the `closed` calendar (no agreed service time). */
const quietMonthWithoutServiceTime = (objectives: Record<string, string>) =>
  evaluate(
    termsOf({
      'servicelevel.io/service-hours': 'calendar:closed',
      ...objectives,
    }),
    [],
    '2026-03',
  );

describe('availability (ENGINE.md R5)', () => {
  const terms = termsOf({
    'servicelevel.io/availability': '99.9%',
    'servicelevel.io/timezone': 'UTC',
  });
  const d = (day: number, h: number, m = 0) => Date.UTC(2026, 2, day, h, m);

  it('merges overlapping outages instead of double counting', () => {
    const r = evaluate(
      terms,
      [outage(d(10, 10), d(10, 11)), outage(d(10, 10, 30), d(10, 12))],
      '2026-03',
    );
    expect(r.availability.astMs).toBe(31 * DAY);
    expect(r.availability.downtimeMs).toBe(2 * H);
    expect(r.outages.count).toBe(1);
    expect(r.outages.longestMs).toBe(2 * H);
    expect(r.availability.availability).toBeCloseTo(
      ((31 * DAY - 2 * H) / (31 * DAY)) * 100,
      12,
    );
    expect(r.availability.budgetMs).toBe(Math.floor(31 * DAY * 0.001));
    expect(r.availability.budgetRemainingMs).toBe(
      Math.floor(31 * DAY * 0.001) - 2 * H,
    );
    // 2 h is more than the 44.64 min budget of 99.9 % over 31 days.
    expect(r.availability.status).toBe('breached');
  });

  it('treats touching outages as one fault with the summed downtime', () => {
    const r = evaluate(
      terms,
      [outage(d(10, 10), d(10, 11)), outage(d(10, 11), d(10, 12))],
      '2026-03',
    );
    expect(r.availability.downtimeMs).toBe(2 * H);
    expect(r.outages).toMatchObject({
      count: 1,
      longestMs: 2 * H,
      mttrMs: 2 * H,
    });
  });

  it('splits an outage crossing a month end; it is a fault of the month it started in', () => {
    const o = [outage(Date.UTC(2026, 2, 31, 23), Date.UTC(2026, 3, 1, 1))];
    const march = evaluate(terms, o, '2026-03');
    const april = evaluate(terms, o, '2026-04');
    expect(march.availability.downtimeMs).toBe(H);
    expect(april.availability.downtimeMs).toBe(H);
    expect(march.outages.count).toBe(1);
    expect(april.outages.count).toBe(0);
    expect(april.outages.mttrMs).toBeUndefined();
  });

  it('excludes maintenance windows, planned and degraded outages from downtime', () => {
    const t = termsOf({
      'servicelevel.io/availability': '99.9%',
      'servicelevel.io/timezone': 'UTC',
      'servicelevel.io/maintenance': 'Sun 02:00-04:00;Sat 22:00-24:00',
    });
    // 2026-03-01 is a Sunday.
    expect(
      evaluate(t, [outage(d(1, 2, 30), d(1, 3, 30))], '2026-03').availability
        .downtimeMs,
    ).toBe(0);
    expect(
      evaluate(t, [outage(d(1, 3), d(1, 5))], '2026-03').availability
        .downtimeMs,
    ).toBe(H);
    // Saturday 2026-03-07 21:00 → Sunday 05:00 (8 h) minus Sat 22–24 and Sun 02–04.
    expect(
      evaluate(t, [outage(d(7, 21), d(8, 5))], '2026-03').availability
        .downtimeMs,
    ).toBe(4 * H);
    expect(
      evaluate(t, [outage(d(3, 1), d(3, 5), { planned: true })], '2026-03')
        .availability.downtimeMs,
    ).toBe(0);
    expect(
      evaluate(t, [outage(d(3, 1), d(3, 5), { impact: 'degraded' })], '2026-03')
        .availability.downtimeMs,
    ).toBe(0);
  });

  it('counts only downtime inside service hours', () => {
    const t = termsOf({
      'servicelevel.io/availability': '99%',
      'servicelevel.io/service-hours': 'Mon-Fri 09:00-18:00',
      'servicelevel.io/timezone': 'UTC',
    });
    // Monday 2026-03-02 17:00 → Tuesday 10:00 = 1 h + 1 h.
    const r = evaluate(t, [outage(d(2, 17), d(3, 10))], '2026-03');
    expect(r.availability.downtimeMs).toBe(2 * H);
    expect(r.availability.astMs).toBe(22 * 9 * H);
  });

  it('an open outage runs to now, marks the figure provisional and forecasts the breach', () => {
    const now = d(5, 12);
    const r = evaluate(terms, [outage(d(5, 10))], '2026-03', now);
    expect(r.availability.provisional).toBe(true);
    expect(r.availability.downtimeMs).toBe(2 * H);
    expect(r.complete).toBe(false);
    // 2 h of downtime in 4.5 days burns the 44.6 min budget: already breached.
    expect(r.availability.status).toBe('breached');
    const small = evaluate(terms, [outage(d(5, 11, 50))], '2026-03', now);
    // 10 min used of 44.64 min after 4.5 of 31 days → forecast 69 min > budget → at risk.
    expect(small.availability.status).toBe('at-risk');
    const fine = evaluate(terms, [outage(d(5, 11, 59))], '2026-03', now);
    expect(fine.availability.status).toBe('running');
  });

  it('breaches by one millisecond over budget, meets at exactly budget', () => {
    const budget = Math.floor(31 * DAY * 0.001);
    const start = d(10, 0);
    expect(
      evaluate(terms, [outage(start, start + budget)], '2026-03').availability
        .status,
    ).toBe('met');
    expect(
      evaluate(terms, [outage(start, start + budget + 1)], '2026-03')
        .availability.status,
    ).toBe('breached');
  });

  it('a calendar with no working time gives no data, never 100 %', () => {
    const r = quietMonthWithoutServiceTime({
      'servicelevel.io/availability': '99.9%',
    });
    expect(r.availability.astMs).toBe(0);
    expect(r.availability.availability).toBeUndefined();
    expect(r.availability.status).toBe('no-data');
    expect(r.objectives[0]).toMatchObject({
      objective: 'availability',
      status: 'no-data',
    });
    expect(r.committed).toBe(0);
    expect(r.achievementRate).toBeUndefined();
  });

  it('a zero-length period gives no data and counts nothing', () => {
    const p = periodFromRange(
      '2026-03-05T10:00:00Z',
      '2026-03-05T10:00:00Z',
      'UTC',
    );
    expect(p.end - p.start).toBe(0);
    const r = evaluatePeriod({
      terms,
      calendar: createBusinessCalendar(terms),
      incidents: [outage(d(5, 9), d(5, 11))],
      period: p,
      now: Date.UTC(2030, 0),
    });
    expect(r.availability).toMatchObject({
      astMs: 0,
      downtimeMs: 0,
      status: 'no-data',
    });
    expect(r.availability.availability).toBeUndefined();
    expect(r.faults.all).toBe(0);
  });

  it('29 February belongs to February in a leap year', () => {
    const feb = resolvePeriod('2028-02', 'UTC');
    expect(feb.end - feb.start).toBe(29 * DAY);
    const r = evaluate(
      terms,
      [outage(Date.UTC(2028, 1, 29, 23), Date.UTC(2028, 2, 1, 1))],
      '2028-02',
    );
    expect(r.availability.astMs).toBe(29 * DAY);
    expect(r.availability.downtimeMs).toBe(H);
    expect(r.outages.count).toBe(1);
  });
});

describe('time objectives (ENGINE.md R3–R4)', () => {
  const t0 = Date.UTC(2026, 2, 10, 8);
  it('percentile objectives are met iff the met share ≥ percentile', () => {
    const terms = termsOf({
      'servicelevel.io/response-time': 'P1=15m@75%',
      'servicelevel.io/timezone': 'UTC',
    });
    const mk = (late: boolean) =>
      inc({
        priority: 'P1',
        createdAt: t0,
        acknowledgedAt: t0 + (late ? 16 : 5) * MIN,
      });
    const three = evaluate(
      terms,
      [mk(false), mk(false), mk(false), mk(true)],
      '2026-03',
    );
    const o = objectiveIn(three, 'response-time:P1');
    expect(o.status).toBe('met');
    expect(o.actual.value).toBe(75);
    const two = evaluate(terms, [mk(false), mk(false), mk(true)], '2026-03');
    expect(objectiveIn(two, 'response-time:P1').status).toBe('breached');
  });

  it('an incident counts in the period its clock stopped, an open breached one where it breached', () => {
    const terms = termsOf({
      'servicelevel.io/resolution-time': 'P2=4h',
      'servicelevel.io/timezone': 'UTC',
    });
    const late = inc({
      createdAt: Date.UTC(2026, 2, 31, 22),
      resolvedAt: Date.UTC(2026, 3, 1, 1),
    });
    const open = inc({ createdAt: Date.UTC(2026, 2, 31, 22) });
    const now = Date.UTC(2026, 3, 10);
    const march = evaluate(terms, [late, open], '2026-03', now);
    const april = evaluate(terms, [late, open], '2026-04', now);
    const row = (r: typeof march, id: string) =>
      r.incidents.find(x => x.id === id)!;
    expect(row(march, late.id).countedForResolution).toBe(false);
    expect(row(april, late.id).countedForResolution).toBe(true);
    expect(row(april, open.id).resolution.breachedAt).toBe(
      Date.UTC(2026, 3, 1, 2),
    );
    expect(row(april, open.id).countedForResolution).toBe(true);
    expect(march.faults).toMatchObject({ P2: 2, all: 2 });
    expect(april.faults.all).toBe(0);
    const obj = objectiveIn(april, 'resolution-time:P2');
    expect(obj.actual.display).toBe('1/2 met (50%), worst 218h');
    // The tally behind the display, so no other layer has to recount the incidents.
    expect(obj.actual).toMatchObject({
      value: 50,
      counted: 2,
      metCount: 1,
      worstMs: 218 * 3_600_000,
    });
    expect(obj.status).toBe('breached');
    // March's table names the period each clock counts in instead.
    expect(row(march, late.id).countedIn).toEqual({ resolution: '2026-04' });
    expect(row(march, open.id).countedIn).toEqual({ resolution: '2026-04' });
    expect(row(april, late.id).countedIn).toBeUndefined();
    // Nothing stopped or breached in March: no incidents counted there.
    expect(objectiveIn(march, 'resolution-time:P2').status).toBe('met');
  });

  it('the latest priority applies to the whole clock', () => {
    const terms = termsOf({
      'servicelevel.io/response-time': 'P1=5m P3=1h',
      'servicelevel.io/timezone': 'UTC',
    });
    // Raised from P3 to P1 after 20 minutes: judged against P1 from creation.
    const r = evaluate(
      terms,
      [inc({ priority: 'P1', createdAt: t0, acknowledgedAt: t0 + 20 * MIN })],
      '2026-03',
    );
    expect(objectiveIn(r, 'response-time:P1').status).toBe('breached');
    expect(objectiveIn(r, 'response-time:P3').actual.display).toBe(
      'no incidents',
    );
  });
});

describe('counts, MTTR, MTBF and achievement', () => {
  it('fault counts per priority, max-outage and min-mtbf', () => {
    const terms = termsOf({
      'servicelevel.io/timezone': 'UTC',
      'servicelevel.io/max-incidents': 'P1=0 P2=2 all=3',
      'servicelevel.io/max-outage': '2h',
      'servicelevel.io/min-mtbf': '10d',
    });
    const d = (day: number, h: number) => Date.UTC(2026, 3, day, h);
    const incidents = [
      inc({
        priority: 'P2',
        createdAt: d(2, 1),
        outage: { start: d(2, 1), end: d(2, 2) },
      }),
      inc({
        priority: 'P2',
        createdAt: d(12, 1),
        outage: { start: d(12, 1), end: d(12, 4) },
      }),
      inc({ priority: 'P3', createdAt: d(20, 1) }),
    ];
    const r = evaluate(terms, incidents, '2026-04');
    expect(r.faults).toEqual({ P1: 0, P2: 2, P3: 1, P4: 0, all: 3 });
    expect(r.outages.count).toBe(2);
    expect(r.outages.longestMs).toBe(3 * H);
    expect(r.outages.mttrMs).toBe(2 * H);
    expect(r.outages.mtbfMs).toBe((30 * DAY - 4 * H) / 2);
    const status = Object.fromEntries(
      r.objectives.map(o => [o.objective, o.status]),
    );
    expect(status).toEqual({
      'max-incidents:P1': 'met',
      'max-incidents:P2': 'met',
      'max-incidents:all': 'met',
      'max-outage': 'breached',
      'min-mtbf': 'met',
    });
    expect(r.met).toBe(4);
    expect(r.committed).toBe(5);
    expect(r.achievementRate).toBe(80);
  });

  it('forecasts fault counts in a running period by elapsed time', () => {
    const terms = termsOf({
      'servicelevel.io/timezone': 'UTC',
      'servicelevel.io/max-incidents': 'all=4',
    });
    // 3 incidents in the first 10 days of a 30-day month → forecast 9 > 4.
    const incidents = [1, 2, 3].map(d =>
      inc({ createdAt: Date.UTC(2026, 3, d) }),
    );
    const r = evaluate(terms, incidents, '2026-04', Date.UTC(2026, 3, 11));
    expect(r.complete).toBe(false);
    expect(r.objectives[0]).toMatchObject({
      objective: 'max-incidents:all',
      status: 'at-risk',
    });
    const calm = evaluate(
      terms,
      incidents.slice(0, 1),
      '2026-04',
      Date.UTC(2026, 3, 11),
    );
    expect(calm.objectives[0].status).toBe('running');
  });

  it('an open period commits only decided objectives: running and at-risk are not yet missed', () => {
    const terms = termsOf({
      'servicelevel.io/timezone': 'UTC',
      'servicelevel.io/max-incidents': 'P1=0 all=10',
      'servicelevel.io/availability': '99%',
    });
    const incidents = [
      inc({ createdAt: Date.UTC(2026, 3, 2), priority: 'P1' }),
    ];
    const r = evaluate(terms, incidents, '2026-04', Date.UTC(2026, 3, 11));
    const statuses = Object.fromEntries(
      r.objectives.map(o => [o.objective, o.status]),
    );
    expect(statuses).toEqual({
      availability: 'running',
      'max-incidents:P1': 'breached',
      'max-incidents:all': 'running',
    });
    expect(r).toMatchObject({ met: 0, committed: 1, achievementRate: 0 });

    const closed = evaluate(terms, incidents, '2026-04', Date.UTC(2026, 5, 1));
    expect(closed).toMatchObject({ met: 2, committed: 3 });
  });

  it('min-mtbf with no failures is met and has no MTBF', () => {
    const terms = termsOf({
      'servicelevel.io/min-mtbf': '15d',
      'servicelevel.io/timezone': 'UTC',
    });
    const r = evaluate(terms, [], '2026-04');
    expect(r.outages.mtbfMs).toBeUndefined();
    expect(r.objectives[0]).toMatchObject({
      objective: 'min-mtbf',
      status: 'met',
      actual: { display: 'no failures' },
    });
  });

  it('min-mtbf with no failures is met also in a period with no agreed service time', () => {
    const r = quietMonthWithoutServiceTime({
      // A service day of a calendar with no hours is 0, so the target is given in hours.
      'servicelevel.io/min-mtbf': '360h',
    });
    expect(r.availability.astMs).toBe(0);
    expect(r.objectives).toEqual([
      expect.objectContaining({ objective: 'min-mtbf', status: 'met' }),
    ]);
    expect(r).toMatchObject({ met: 1, committed: 1, achievementRate: 100 });
  });

  it('gives percentages as the nearest double of the exact fraction (29 of 50 is 58)', () => {
    expect(percentOf(29, 50)).toBe(58);
    expect((29 / 50) * 100).not.toBe(58);
    const t = termsOf({
      'servicelevel.io/response-time': 'P3=1h@50%',
      'servicelevel.io/timezone': 'UTC',
    });
    const incidents = Array.from({ length: 50 }, (_, i) => ({
      source: 'api',
      id: `i${i}`,
      entityRef: 'component:default/x',
      title: 't',
      priority: 'P3' as const,
      createdAt: Date.UTC(2026, 2, 2, 0, i),
      // 29 of 50 acknowledged within the hour, 21 after two hours.
      acknowledgedAt: Date.UTC(2026, 2, 2, i < 29 ? 0 : 2, i + 1),
      resolvedAt: Date.UTC(2026, 2, 2, 3, i),
      pauses: [],
    }));
    const r = evaluate(t, incidents, '2026-03');
    expect(r.objectives[0]).toMatchObject({
      objective: 'response-time:P3',
      status: 'met',
      actual: { value: 58 },
    });
  });

  it('filters incidents by sources but always counts the built-in store', () => {
    const terms = termsOf({
      'servicelevel.io/max-incidents': 'all=10',
      'servicelevel.io/sources': 'pagerduty',
      'servicelevel.io/timezone': 'UTC',
    });
    const t = Date.UTC(2026, 3, 3);
    const r = evaluate(
      terms,
      [
        inc({ source: 'pagerduty', createdAt: t }),
        inc({ source: 'jira', createdAt: t }),
        inc({ source: 'webhook', createdAt: t }),
      ],
      '2026-04',
    );
    expect(r.faults.all).toBe(2);
  });

  it('achievement rate is a sum over sums, not an average of percentages', () => {
    expect(achievementRate(SUM_OVER_SUMS.results)).toEqual(
      SUM_OVER_SUMS.achievement,
    );
    expect(achievementRate([{ met: 0, committed: 0 }])).toEqual({
      met: 0,
      committed: 0,
    });
  });
});

describe('termsInForce (ENGINE.md R8)', () => {
  const v = [
    { seenAt: 100, v: 'a' },
    { seenAt: 300, v: 'c' },
    { seenAt: 200, v: 'b' },
  ];
  it('picks the last version seen before the period end', () => {
    expect(termsInForce(v, 250)!.v).toBe('b');
    expect(termsInForce(v, 1000)!.v).toBe('c');
    expect(termsInForce(v, 300)!.v).toBe('b');
  });
  it('is undefined when no version was seen before the end', () => {
    expect(termsInForce(v, 100)).toBeUndefined();
    expect(termsInForce([], 100)).toBeUndefined();
  });
});

describe('committedObjectives', () => {
  it('lists every committed target, as a period result shows it, before anything is measured', () => {
    const terms = termsOf({
      'servicelevel.io/availability': '99.9%',
      'servicelevel.io/response-time': 'P1=15m@95% P3=4h',
      'servicelevel.io/resolution-time': 'P2=1d',
      'servicelevel.io/max-incidents': 'P1=0 all=10',
      'servicelevel.io/max-outage': '30m',
      'servicelevel.io/min-mtbf': '7d',
      'servicelevel.io/timezone': 'UTC',
    });
    const committed = committedObjectives(terms);
    expect(committed.map(o => [o.objective, o.target.display])).toEqual([
      ['availability', '99.9%'],
      ['response-time:P1', '15m@95%'],
      ['response-time:P3', '4h'],
      ['resolution-time:P2', '1d'],
      ['max-incidents:P1', '≤ 0'],
      ['max-incidents:all', '≤ 10'],
      ['max-outage', '30m'],
      ['min-mtbf', '7d'],
    ]);
    expect(committed[1].target).toEqual({
      display: '15m@95%',
      value: 900_000,
      percentile: 95,
    });
    // The evaluated period lists the same objectives with the same targets.
    const result = evaluate(terms, [], '2026-03', Date.UTC(2026, 5, 1));
    expect(
      result.objectives.map(o => ({
        objective: o.objective,
        target: o.target,
      })),
    ).toEqual(committed);
  });
});
