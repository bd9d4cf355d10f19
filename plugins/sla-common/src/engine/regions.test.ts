import { createBusinessCalendar, regionCalendars } from './calendar';
import { readSlaConfig } from './config';
import { evaluatePeriod } from './evaluate';
import { resolvePeriod } from './period';
import { parseSlaAnnotations, serializeTerms } from './terms';
import type { Incident, SlaConfig, SlaTerms } from './types';

const H = 3_600_000;

/** China's 2026 National Day week and New York's Thanksgiving 2026, as the sources publish them. */
const raw = {
  calendars: {
    'cn-workdays': {
      timezone: 'Asia/Shanghai',
      hours: { 'mon-fri': '09:00-12:00,13:30-18:00' },
      holidays: [
        '2026-10-01',
        '2026-10-02',
        '2026-10-05',
        '2026-10-06',
        '2026-10-07',
      ],
      workdays: ['2026-09-20', '2026-10-10'],
    },
    'ny-support': {
      timezone: 'America/New_York',
      hours: { 'mon-fri': '08:00-17:00' },
      holidays: ['2026-11-26'],
    },
  },
  regions: { CN: 'cn-workdays', us: 'ny-support' },
};

const { config, problems } = readSlaConfig(raw);

const termsOf = (a: Record<string, string>, c: SlaConfig = config) => {
  const parsed = parseSlaAnnotations(a, c);
  expect(parsed.problems).toEqual([]);
  return parsed.terms!;
};

const byRegion = (): SlaTerms =>
  termsOf({
    'servicelevel.io/service-hours': 'calendar:by-region',
    'servicelevel.io/availability': '99.9%',
    'servicelevel.io/response-time': 'P2=30m',
    'servicelevel.io/resolution-time': 'P2=4h',
  });

const incident = (over: Partial<Incident>): Incident => ({
  source: 'webhook',
  id: 'INC-1',
  entityRef: 'component:default/regional-desk',
  title: 't',
  priority: 'P2',
  createdAt: 0,
  pauses: [],
  ...over,
});

function rowsOf(terms: SlaTerms, incidents: Incident[], month: string) {
  const period = resolvePeriod(month, terms.timezone)!;
  const result = evaluatePeriod({
    terms,
    calendar: createBusinessCalendar(terms),
    incidents,
    period,
    now: Date.UTC(2027, 0, 1),
  });
  return new Map(result.incidents.map(r => [r.id, r]));
}

describe('calendar:by-region', () => {
  it('reads sla.regions in order, lower-casing the codes', () => {
    expect(problems).toEqual([]);
    expect(config.regions).toEqual({ cn: 'cn-workdays', us: 'ny-support' });
    expect(Object.keys(config.regions!)).toEqual(['cn', 'us']);
  });

  it('names what is wrong in sla.regions', () => {
    const bad = readSlaConfig({
      calendars: raw.calendars,
      regions: { cn: 'cn-workday', 'u s': 'ny-support', us: 'ny-support' },
    });
    expect(bad.config.regions).toEqual({ us: 'ny-support' });
    expect(bad.problems.map(p => p.path)).toEqual([
      'sla.regions.cn',
      'sla.regions.u s',
    ]);
    expect(bad.problems[0].message).toBe(
      'sla.regions.cn: "cn-workday" — expected the name of a calendar under sla.calendars (configured: cn-workdays, ny-support)',
    );
    expect(readSlaConfig({ regions: ['cn'] }).problems[0].path).toBe(
      'sla.regions',
    );
  });

  it("snapshots every region's calendar; the first region's is the service's own", () => {
    const terms = byRegion();
    const sh = terms.serviceHours;
    expect(sh.kind).toBe('calendar');
    if (sh.kind !== 'calendar') return;
    expect(sh.spec).toBe('calendar:by-region');
    expect(sh.calendar).toBe('cn-workdays');
    expect(terms.timezone).toBe('Asia/Shanghai');
    // One service day is cn-workdays' Monday: 7 h 30 min.
    expect(terms.serviceDayMs).toBe(7.5 * H);
    expect(Object.keys(sh.regions!)).toEqual(['cn', 'us']);
    expect(sh.regions!.us).toMatchObject({
      calendar: 'ny-support',
      timezone: 'America/New_York',
      holidays: ['2026-11-26'],
    });
    expect(regionCalendars(terms)!.get('us')!.zone).toBe('America/New_York');
    // A change to a region's holidays is a new terms version.
    const moved = termsOf(
      {
        'servicelevel.io/service-hours': 'calendar:by-region',
        'servicelevel.io/availability': '99.9%',
        'servicelevel.io/response-time': 'P2=30m',
        'servicelevel.io/resolution-time': 'P2=4h',
      },
      readSlaConfig({
        ...raw,
        calendars: {
          ...raw.calendars,
          'ny-support': { ...raw.calendars['ny-support'], holidays: [] },
        },
      }).config,
    );
    expect(serializeTerms(moved)).not.toBe(serializeTerms(terms));
  });

  it('is a clear problem without sla.regions', () => {
    const { problems: p } = parseSlaAnnotations(
      {
        'servicelevel.io/service-hours': 'calendar:by-region',
        'servicelevel.io/availability': '99.9%',
      },
      readSlaConfig({ calendars: raw.calendars }).config,
    );
    expect(p.map(x => x.message)).toEqual([
      'servicelevel.io/service-hours: "calendar:by-region" — expected calendar:by-region with sla.regions mapping region codes to configured calendars (no regions configured)',
    ]);
  });

  it("clocks a us incident on New York's calendar on China's National Day, and a cn one not at all", () => {
    // Thursday 2026-10-01: a holiday in China, a working day in New York.
    const rows = rowsOf(
      byRegion(),
      [
        // 10:00–16:00 in Shanghai.
        incident({
          id: 'CN-1',
          region: 'cn',
          createdAt: Date.UTC(2026, 9, 1, 2),
          acknowledgedAt: Date.UTC(2026, 9, 1, 3),
          resolvedAt: Date.UTC(2026, 9, 1, 8),
        }),
        // 09:00–14:00 in New York (EDT, UTC−4).
        incident({
          id: 'US-1',
          region: 'US',
          createdAt: Date.UTC(2026, 9, 1, 13),
          acknowledgedAt: Date.UTC(2026, 9, 1, 14),
          resolvedAt: Date.UTC(2026, 9, 1, 18),
        }),
        // No region: the service's own calendar, cn-workdays.
        incident({
          id: 'NONE-1',
          createdAt: Date.UTC(2026, 9, 1, 13),
          resolvedAt: Date.UTC(2026, 9, 1, 18),
        }),
        // A region sla.regions does not list: also the service's own calendar.
        incident({
          id: 'EU-1',
          region: 'eu',
          createdAt: Date.UTC(2026, 9, 1, 13),
          resolvedAt: Date.UTC(2026, 9, 1, 18),
        }),
      ],
      '2026-10',
    );
    expect(rows.get('CN-1')!.resolution.elapsedMs).toBe(0);
    expect(rows.get('CN-1')!.response.status).toBe('met');
    expect(rows.get('US-1')!.response.elapsedMs).toBe(1 * H);
    expect(rows.get('US-1')!.response.status).toBe('breached');
    expect(rows.get('US-1')!.resolution.elapsedMs).toBe(5 * H);
    expect(rows.get('US-1')!.resolution.status).toBe('breached');
    expect(rows.get('US-1')!.region).toBe('US');
    expect(rows.get('NONE-1')!.resolution.elapsedMs).toBe(0);
    expect(rows.get('EU-1')!.resolution.elapsedMs).toBe(0);
  });

  it('and the other way round on Thanksgiving 2026', () => {
    // Thursday 2026-11-26: a holiday in New York, a working day in China.
    const rows = rowsOf(
      byRegion(),
      [
        incident({
          id: 'CN-2',
          region: 'cn',
          createdAt: Date.UTC(2026, 10, 26, 1), // 09:00 Shanghai
          resolvedAt: Date.UTC(2026, 10, 26, 6), // 14:00 Shanghai
        }),
        incident({
          id: 'US-2',
          region: 'us',
          createdAt: Date.UTC(2026, 10, 26, 14), // 09:00 New York (EST)
          resolvedAt: Date.UTC(2026, 10, 26, 19),
        }),
      ],
      '2026-11',
    );
    // 09:00–12:00 and 13:30–14:00 in Shanghai.
    expect(rows.get('CN-2')!.resolution.elapsedMs).toBe(3.5 * H);
    expect(rows.get('US-2')!.resolution.elapsedMs).toBe(0);
    expect(rows.get('US-2')!.resolution.status).toBe('met');
  });

  it("measures availability on the service's own calendar whatever the region", () => {
    const terms = byRegion();
    const outageOf = (region: string) =>
      incident({
        id: `OUT-${region}`,
        region,
        createdAt: Date.UTC(2026, 9, 12, 1),
        resolvedAt: Date.UTC(2026, 9, 12, 3),
        outage: {
          start: Date.UTC(2026, 9, 12, 1), // Monday 09:00–11:00 Shanghai
          end: Date.UTC(2026, 9, 12, 3),
        },
      });
    const period = resolvePeriod('2026-10', terms.timezone)!;
    const evaluate = (region: string) =>
      evaluatePeriod({
        terms,
        calendar: createBusinessCalendar(terms),
        incidents: [outageOf(region)],
        period,
        now: Date.UTC(2027, 0, 1),
      }).availability!;
    expect(evaluate('us').downtimeMs).toBe(2 * H);
    expect(evaluate('us')).toEqual(evaluate('cn'));
  });
});
