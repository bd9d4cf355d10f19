import { DateTime } from 'luxon';
import {
  type BusinessCalendar,
  createAlwaysOnCalendar,
  countCalendarsBuilt,
  createBusinessCalendar,
  createWeeklyCalendar,
} from './calendar';
import { evaluatePeriod } from './evaluate';
import { resolvePeriod } from './period';
import { evaluateIncidentClocks } from './clocks';
import {
  EXAMPLE_SLA_CONFIG,
  exampleIncident as incident,
} from '../__testUtils__/fixtures';
import { readSlaConfig } from './config';
import { parseSlaAnnotations } from './terms';
import type { SlaConfig, SlaTerms } from './types';
import { parseWeeklyHours } from './weekly';

const MIN = 60_000;
const H = 3_600_000;

/** Local wall time in a zone → UTC ms (test inputs are never ambiguous). */
const at = (iso: string, zone: string) => {
  const dt = DateTime.fromISO(iso, { zone });
  if (!dt.isValid) throw new Error(`bad test time ${iso}`);
  return dt.toMillis();
};

/** Business time of `cal` between two local wall times in `zone`. */
const businessTimeIn =
  (cal: Pick<BusinessCalendar, 'businessTime'>, zone: string) =>
  (from: string, to: string) =>
    cal.businessTime(at(from, zone), at(to, zone));

const specConfig = (): SlaConfig => readSlaConfig(EXAMPLE_SLA_CONFIG).config;

describe('the worked example in ENGINE.md', () => {
  const config = specConfig();
  const { terms, problems } = parseSlaAnnotations(
    {
      'servicelevel.io/service-hours': 'calendar:cn-workdays',
      'servicelevel.io/response-time': 'P2=30m',
      'servicelevel.io/resolution-time': 'P2=1d',
    },
    config,
  );
  const z = 'Asia/Shanghai';

  it('parses the terms with a 7 h 30 min service day', () => {
    expect(problems).toEqual([]);
    expect(terms!.serviceDayMs).toBe(7.5 * H);
    expect(terms!.resolutionTime!.P2!.targetMs).toBe(7.5 * H);
    expect(terms!.timezone).toBe(z);
  });

  it('response is met exactly on target and resolution (9 h > 7 h 30) is breached', () => {
    const calendar = createBusinessCalendar(terms!, config);
    const inc = incident({
      createdAt: at('2026-09-18T17:30', z),
      acknowledgedAt: at('2026-09-19T10:00', z),
      resolvedAt: at('2026-09-21T10:00', z),
    });
    const now = at('2026-10-01T00:00', z);
    const { response, resolution } = evaluateIncidentClocks(
      inc,
      terms!,
      calendar,
      now,
    );
    expect(response.elapsedMs).toBe(30 * MIN);
    expect(response.status).toBe('met');
    expect(response.dueAt).toBe(at('2026-09-18T18:00', z));
    expect(response.countsAt).toBe(inc.acknowledgedAt);
    expect(resolution.elapsedMs).toBe(9 * H);
    expect(resolution.status).toBe('breached');
    // 30 min Friday + 7 h Sunday (make-up day) reaches 7 h 30 at Sunday 17:30.
    expect(resolution.dueAt).toBe(at('2026-09-20T17:30', z));
    expect(resolution.breachedAt).toBe(at('2026-09-20T17:30', z));
    expect(resolution.countsAt).toBe(inc.resolvedAt);
  });
});

describe('DST in America/New_York', () => {
  const z = 'America/New_York';
  const everyDay = parseWeeklyHours('Mon-Sun 00:00-24:00')!;
  /** The spring-forward and the fall-back day, local midnight to midnight. */
  const SPRING_DAY = [
    at('2026-03-08T00:00', z),
    at('2026-03-09T00:00', z),
  ] as const;
  const FALL_DAY = [
    at('2026-11-01T00:00', z),
    at('2026-11-02T00:00', z),
  ] as const;
  /** A calendar of the weekly `hours` in New York. */
  const weekly = (hours: string) =>
    createWeeklyCalendar(z, parseWeeklyHours(hours)!);

  it('spring-forward day (2026-03-08) has 23 hours of service time', () => {
    const cal = createWeeklyCalendar(z, everyDay);
    expect(cal.businessTime(...SPRING_DAY)).toBe(23 * H);
    expect(createAlwaysOnCalendar(z).businessTime(...SPRING_DAY)).toBe(23 * H);
  });

  it('spring-forward: a span starting in the gap moves forward by the gap', () => {
    const cal = weekly('Sun 02:30-05:00');
    // 02:30 does not exist; it becomes 03:30 EDT (07:30Z); 05:00 EDT is 09:00Z.
    expect(cal.workingIntervals(...SPRING_DAY)).toEqual([
      [Date.UTC(2026, 2, 8, 7, 30), Date.UTC(2026, 2, 8, 9, 0)],
    ]);
    expect(cal.businessTime(...SPRING_DAY)).toBe(1.5 * H);
    // 01:00-04:00 wall clock is 2 real hours that day.
    expect(weekly('Sun 01:00-04:00').businessTime(...SPRING_DAY)).toBe(2 * H);
  });

  it('fall-back day (2026-11-01) has 25 hours; ambiguous times take the earlier offset', () => {
    const cal = createWeeklyCalendar(z, everyDay);
    expect(cal.businessTime(...FALL_DAY)).toBe(25 * H);
    expect(weekly('Sun 01:00-02:00').businessTime(...FALL_DAY)).toBe(2 * H);
    // Both ends resolve to their first occurrence (EDT, −04:00).
    expect(weekly('Sun 01:30-01:45').workingIntervals(...FALL_DAY)).toEqual([
      [Date.UTC(2026, 10, 1, 5, 30), Date.UTC(2026, 10, 1, 5, 45)],
    ]);
  });

  it('spring-forward: a span end moved out of the gap past the next span start still unions', () => {
    // 02:30 → 03:30 EDT (07:30Z) lies after 03:10 EDT (07:10Z): W = 07:10Z–08:00Z.
    const cal = weekly('Sun 02:30-02:40,03:10-04:00');
    expect(cal.workingIntervals(...SPRING_DAY)).toEqual([
      [Date.UTC(2026, 2, 8, 7, 10), Date.UTC(2026, 2, 8, 8, 0)],
    ]);
    expect(cal.businessTime(...SPRING_DAY)).toBe(50 * MIN);
  });

  it('a 9-to-5 clock across the spring-forward weekend counts local hours', () => {
    const cal = weekly('Mon-Fri 09:00-17:00');
    const time = businessTimeIn(cal, z);
    expect(time('2026-03-06T16:00', '2026-03-09T10:00')).toBe(2 * H);
    expect(cal.dueAt(at('2026-03-06T16:00', z), 2 * H)).toBe(
      at('2026-03-09T10:00', z),
    );
  });
});

describe('DST in Europe/London', () => {
  const z = 'Europe/London';
  it('office hours across the BST start (2026-03-29) follow local 09:00', () => {
    const cal = createWeeklyCalendar(
      z,
      parseWeeklyHours('Mon-Fri 09:00-17:30')!,
    );
    const time = businessTimeIn(cal, z);
    expect(time('2026-03-27T17:00', '2026-03-30T10:00')).toBe(1.5 * H);
    // Monday 09:00 BST is 08:00Z; Friday 09:00 GMT was 09:00Z.
    expect(cal.dueAt(at('2026-03-27T17:30', z), 1)).toBe(
      Date.UTC(2026, 2, 30, 8, 0, 0, 1),
    );
    expect(cal.dueAt(at('2026-03-26T17:30', z), 1)).toBe(
      Date.UTC(2026, 2, 27, 9, 0, 0, 1),
    );
  });
  it('BST end (2026-10-25) gives a 25-hour day for 24x7 and a 23-hour one in March', () => {
    const cal = createAlwaysOnCalendar(z);
    const time = businessTimeIn(cal, z);
    expect(time('2026-10-25T00:00', '2026-10-26T00:00')).toBe(25 * H);
    expect(time('2026-03-29T00:00', '2026-03-30T00:00')).toBe(23 * H);
  });
});

describe('Asia/Shanghai with a holiday week and make-up days', () => {
  const z = 'Asia/Shanghai';
  const cal = createWeeklyCalendar(
    z,
    parseWeeklyHours('Mon-Fri 09:00-12:00,13:30-18:00')!,
    [
      '2026-10-01',
      '2026-10-02',
      '2026-10-03',
      '2026-10-04',
      '2026-10-05',
      '2026-10-06',
      '2026-10-07',
    ],
    ['2026-09-27', '2026-10-10'],
  );
  it('counts the make-up Sunday and Saturday with Monday hours and skips the holiday week', () => {
    const time = businessTimeIn(cal, z);
    // Sun 27 (7.5) + Mon–Wed (22.5) + Thu 8, Fri 9 (15) + Sat 10 (7.5) = 52.5 h
    expect(time('2026-09-26T00:00', '2026-10-11T00:00')).toBe(52.5 * H);
    expect(time('2026-09-27T11:00', '2026-09-27T14:00')).toBe(1.5 * H);
    expect(time('2026-10-01T00:00', '2026-10-08T00:00')).toBe(0);
  });
  it('a due time jumps over the holiday week', () => {
    expect(cal.dueAt(at('2026-09-30T17:00', z), 7.5 * H)).toBe(
      at('2026-10-08T17:00', z),
    );
  });
  it('the service day is the standard day (7 h 30)', () => {
    expect(cal.serviceDayMs).toBe(7.5 * H);
  });
});

describe('clock cases', () => {
  const z = 'Asia/Shanghai';
  const cal = createWeeklyCalendar(
    z,
    parseWeeklyHours('Mon-Fri 09:00-12:00,13:30-18:00')!,
  );

  it('a split shift skips the lunch break', () => {
    const time = businessTimeIn(cal, z);
    expect(time('2026-03-02T11:30', '2026-03-02T14:00')).toBe(H);
    expect(cal.dueAt(at('2026-03-02T11:45', z), 45 * MIN)).toBe(
      at('2026-03-02T14:00', z),
    );
    // Reaching the target exactly at the end of the morning stays at 12:00.
    expect(cal.dueAt(at('2026-03-02T11:45', z), 15 * MIN)).toBe(
      at('2026-03-02T12:00', z),
    );
  });

  it('an incident created outside hours starts counting at the next opening', () => {
    const created = at('2026-03-07T22:00', z); // Saturday night
    expect(cal.businessTime(created, at('2026-03-09T09:10', z))).toBe(10 * MIN);
    expect(cal.dueAt(created, 15 * MIN)).toBe(at('2026-03-09T09:15', z));
  });

  it('a pause spanning a night only removes the paused business time', () => {
    const { terms } = parseSlaAnnotations(
      {
        'servicelevel.io/service-hours': 'Mon-Fri 09:00-12:00,13:30-18:00',
        'servicelevel.io/timezone': z,
        'servicelevel.io/resolution-time': 'P2=2h',
      },
      specConfig(),
    );
    const inc = incident({
      createdAt: at('2026-03-02T17:00', z),
      pauses: [
        { start: at('2026-03-02T17:30', z), end: at('2026-03-03T10:00', z) },
      ],
      resolvedAt: at('2026-03-03T11:00', z),
    });
    const c = evaluateIncidentClocks(
      inc,
      terms!,
      createBusinessCalendar(terms!),
      Date.UTC(2027, 0),
    );
    // 3 h business minus 30 min (Mon) + 1 h (Tue) paused.
    expect(c.resolution.elapsedMs).toBe(1.5 * H);
    expect(c.resolution.status).toBe('met');
    // 30 min before the pause, 1 h 30 after it: due Tue 11:30.
    expect(c.resolution.dueAt).toBe(at('2026-03-03T11:30', z));
    const always = createAlwaysOnCalendar('UTC');
    expect(always.dueAt(0, 2 * H, [{ start: H, end: 10 * H }])).toBe(11 * H);
  });

  it('an open pause makes the due time unreachable but keeps the clock running below target', () => {
    const due = cal.dueAt(at('2026-03-02T10:00', z), H, [
      { start: at('2026-03-02T10:30', z) },
    ]);
    expect(due).toBeUndefined();
    // A clock that reached its target before the open pause still has a due time.
    expect(
      cal.dueAt(at('2026-03-02T10:00', z), 30 * MIN, [
        { start: at('2026-03-02T10:30', z) },
      ]),
    ).toBe(at('2026-03-02T10:30', z));
  });

  it('acknowledgement exactly on target is met, 1 ms later is breached', () => {
    const { terms } = parseSlaAnnotations(
      { 'servicelevel.io/response-time': 'P1=15m' },
      specConfig(),
    );
    const calendar = createBusinessCalendar(terms!);
    const t0 = Date.UTC(2026, 4, 5, 3, 0);
    const onTarget = evaluateIncidentClocks(
      incident({
        priority: 'P1',
        createdAt: t0,
        acknowledgedAt: t0 + 15 * MIN,
      }),
      terms!,
      calendar,
      t0 + H,
    );
    expect(onTarget.response.status).toBe('met');
    const late = evaluateIncidentClocks(
      incident({
        priority: 'P1',
        createdAt: t0,
        acknowledgedAt: t0 + 15 * MIN + 1,
      }),
      terms!,
      calendar,
      t0 + H,
    );
    expect(late.response.status).toBe('breached');
    expect(late.response.breachedAt).toBe(t0 + 15 * MIN);
  });

  it('open clocks are running, at risk past 75 %, breached past target and count where they breached', () => {
    const { terms } = parseSlaAnnotations(
      { 'servicelevel.io/response-time': 'P1=20m' },
      specConfig(),
    );
    const calendar = createBusinessCalendar(terms!);
    const inc = incident({ priority: 'P1', createdAt: 0 });
    const s = (now: number) =>
      evaluateIncidentClocks(inc, terms!, calendar, now).response;
    expect(s(10 * MIN).status).toBe('running');
    expect(s(15 * MIN).status).toBe('running');
    expect(s(15 * MIN + 1).status).toBe('at-risk');
    expect(s(20 * MIN).status).toBe('at-risk');
    const breached = s(20 * MIN + 1);
    expect(breached.status).toBe('breached');
    expect(breached.countsAt).toBe(20 * MIN);
  });

  it('resolution without acknowledgement stops the response clock too', () => {
    const { terms } = parseSlaAnnotations(
      { 'servicelevel.io/response-time': 'P3=1h' },
      specConfig(),
    );
    const c = evaluateIncidentClocks(
      incident({ priority: 'P3', createdAt: 0, resolvedAt: 30 * MIN }),
      terms!,
      createBusinessCalendar(terms!),
      H,
    );
    expect(c.response).toMatchObject({
      status: 'met',
      elapsedMs: 30 * MIN,
      stoppedAt: 30 * MIN,
    });
    expect(c.resolution.status).toBe('no-target');
  });

  it('29 February is an ordinary working Tuesday', () => {
    const cal2 = createWeeklyCalendar(
      'UTC',
      parseWeeklyHours('Mon-Fri 09:00-17:00')!,
    );
    expect(cal2.businessTime(Date.UTC(2028, 1, 28), Date.UTC(2028, 2, 2))).toBe(
      24 * H,
    );
    expect(cal2.dueAt(Date.UTC(2028, 1, 28, 17), 8 * H)).toBe(
      Date.UTC(2028, 1, 29, 17),
    );
  });

  it('a calendar with no working time never reaches a due time', () => {
    const none = createWeeklyCalendar(
      'UTC',
      parseWeeklyHours('Mon 09:00-10:00')!,
      [],
      [],
    );
    expect(none.businessTime(Date.UTC(2026, 0, 6), Date.UTC(2026, 0, 12))).toBe(
      0,
    );
    const empty = createWeeklyCalendar('UTC', {
      mon: [],
      tue: [],
      wed: [],
      thu: [],
      fri: [],
      sat: [],
      sun: [],
    });
    expect(empty.serviceDayMs).toBe(0);
    expect(empty.businessTime(0, 1e11)).toBe(0);
    expect(empty.dueAt(0, MIN)).toBeUndefined();
  });
});

describe('versioned calendars', () => {
  it('terms snapshot a named calendar, so old terms keep old holidays', () => {
    const z = 'Asia/Shanghai';
    const before = specConfig();
    const after = readSlaConfig({
      calendars: {
        'cn-workdays': {
          timezone: z,
          hours: { 'mon-fri': '09:00-12:00,13:30-18:00' },
          holidays: ['2026-10-01', '2026-10-02', '2026-10-05'],
        },
      },
    }).config;
    const annotations = {
      'servicelevel.io/service-hours': 'calendar:cn-workdays',
      'servicelevel.io/availability': '99%',
    };
    const oldTerms = parseSlaAnnotations(annotations, before).terms!;
    const newTerms = parseSlaAnnotations(annotations, after).terms!;
    const monday = [
      at('2026-10-05T00:00', z),
      at('2026-10-06T00:00', z),
    ] as const;
    expect(
      createBusinessCalendar(oldTerms, after).businessTime(...monday),
    ).toBe(7.5 * H);
    expect(
      createBusinessCalendar(newTerms, after).businessTime(...monday),
    ).toBe(0);
  });
});

describe('part-day closures', () => {
  const z = 'Asia/Shanghai';
  const raw = (closures: unknown, extra: Record<string, unknown> = {}) =>
    readSlaConfig({
      calendars: {
        'cn-workdays': {
          timezone: z,
          hours: { 'mon-fri': '09:00-12:00,13:30-18:00' },
          workdays: ['2026-09-20'],
          closures,
          ...extra,
        },
      },
    });

  it('an afternoon off and a shortened make-up day remove only the closed spans', () => {
    const { config, problems } = raw({
      '2026-09-18': '13:00-24:00',
      '2026-09-20': '10:00-11:00,17:00-18:00',
    });
    expect(problems).toEqual([]);
    expect(config.calendars['cn-workdays'].closures).toEqual({
      '2026-09-18': [[780, 1440]],
      '2026-09-20': [
        [600, 660],
        [1020, 1080],
      ],
    });
    const terms = parseSlaAnnotations(
      {
        'servicelevel.io/service-hours': 'calendar:cn-workdays',
        'servicelevel.io/availability': '99%',
      },
      config,
    ).terms!;
    const cal = createBusinessCalendar(terms);
    const time = businessTimeIn(cal, z);
    // Friday: the morning only (3 h); the make-up Sunday: 7 h 30 less 2 h.
    expect(time('2026-09-18T00:00', '2026-09-19T00:00')).toBe(3 * H);
    expect(time('2026-09-20T00:00', '2026-09-21T00:00')).toBe(5.5 * H);
    // A clock started at Friday 11:30 reaches 1 h at the make-up Sunday 09:30.
    expect(cal.dueAt(at('2026-09-18T11:30', z), H)).toBe(
      at('2026-09-20T09:30', z),
    );
  });

  it('terms carry closures only when there are some, so other calendars keep their versions', () => {
    const annotations = {
      'servicelevel.io/service-hours': 'calendar:cn-workdays',
      'servicelevel.io/availability': '99%',
    };
    const without = parseSlaAnnotations(annotations, raw(undefined).config)
      .terms!;
    expect('closures' in without.serviceHours).toBe(false);
    const withOne = parseSlaAnnotations(
      annotations,
      raw({ '2026-12-31': '12:00-18:00' }).config,
    ).terms!;
    expect(withOne.serviceHours).toMatchObject({
      closures: { '2026-12-31': [[720, 1080]] },
    });
  });

  it('reports malformed closures and drops closures of holidays', () => {
    const { config, problems } = raw(
      {
        '2026-10-01': '13:00-18:00',
        '2026-13-01': '13:00-18:00',
        '2026-12-24': 'afternoon',
      },
      { holidays: ['2026-10-01'] },
    );
    expect(problems.map(p => p.path)).toEqual([
      'sla.calendars.cn-workdays.closures.2026-12-24',
      'sla.calendars.cn-workdays.closures.2026-13-01',
    ]);
    expect(problems[0].message).toContain(
      "expected <YYYY-MM-DD>: <HH:MM-HH:MM>[,<HH:MM-HH:MM>…], e.g. '2026-12-24': '13:00-18:00'",
    );
    expect(config.calendars['cn-workdays'].closures).toBeUndefined();
  });
});

describe('shared calendars (issue 14)', () => {
  const config = specConfig();
  const parse = (annotations: Record<string, string>) =>
    parseSlaAnnotations(annotations, config).terms!;

  it('evaluates a period of many incidents on calendars built once per terms', () => {
    const terms = parse({
      'servicelevel.io/service-hours': 'calendar:cn-workdays',
      'servicelevel.io/response-time': 'P2=30m',
      'servicelevel.io/resolution-time': 'P2=4h',
      'servicelevel.io/maintenance': 'Sun 02:00-04:00',
    });
    const period = resolvePeriod('2026-10', terms.timezone);
    const incidents = Array.from({ length: 500 }, (_, i) =>
      incident({
        id: `I-${i}`,
        createdAt: period.start + i * 80 * MIN,
        acknowledgedAt: period.start + i * 80 * MIN + 20 * MIN,
        resolvedAt: period.start + i * 80 * MIN + 3 * H,
        pauses: i % 3 ? [] : [{ start: period.start + i * 80 * MIN + H }],
        outage: {
          start: period.start + i * 80 * MIN,
          end: period.start + i * 80 * MIN + 5 * MIN,
        },
      }),
    );
    const built: number[] = [];
    for (let request = 0; request < 3; request++) {
      const before = countCalendarsBuilt();
      // What every request path does: the terms' calendar, then the evaluation.
      const r = evaluatePeriod({
        terms,
        calendar: createBusinessCalendar(terms, config),
        incidents,
        period,
        now: period.end,
      });
      expect(r.incidents).toHaveLength(500);
      built.push(countCalendarsBuilt() - before);
    }
    // At most the service's calendar and its maintenance windows (fewer when an earlier
    // test built equal ones), on the first request only.
    expect(built[0]).toBeLessThanOrEqual(2);
    expect(built.slice(1)).toEqual([0, 0]);
  });

  it('shares one calendar between equal terms objects, and between a named calendar’s users', () => {
    const annotations = {
      'servicelevel.io/service-hours': 'Mon-Fri 09:00-17:00',
      'servicelevel.io/timezone': 'Europe/Berlin',
      'servicelevel.io/availability': '99.9%',
    };
    const a = createBusinessCalendar(parse(annotations));
    expect(createBusinessCalendar(parse(annotations))).toBe(a);
    // Hand-built terms without a snapshot fall back to the configured calendar, once.
    const named = {
      ...parse(annotations),
      serviceHours: {
        kind: 'calendar',
        spec: 'calendar:cn-workdays',
        calendar: 'cn-workdays',
      },
    } as unknown as SlaTerms;
    const before = countCalendarsBuilt();
    const first = createBusinessCalendar(named, config);
    expect(createBusinessCalendar({ ...named }, config)).toBe(first);
    expect(countCalendarsBuilt() - before).toBeLessThanOrEqual(1);
    expect(first.zone).toBe('Asia/Shanghai');
  });
});
