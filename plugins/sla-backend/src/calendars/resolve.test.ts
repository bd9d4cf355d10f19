import {
  createBusinessCalendar,
  evaluateIncidentClocks,
  Incident,
  parseSlaAnnotations,
  readSlaConfig,
  serializeTerms,
  SlaConfig,
} from '@servicelevel/plugin-sla-common';
import { exampleIncident } from '@servicelevel/plugin-sla-common/testUtils';
import { promises as fs } from 'fs';
import { DateTime } from 'luxon';
import path from 'path';
import { CN_OFFICIAL_WORKDAYS } from '../__testUtils__/slaConfig';
import { marksWorkingDay } from './ics';
import { defaultYears, resolveCalendarSources } from './resolve';

const MIN = 60_000;
const H = 3_600_000;
const FIXTURE = path.join(__dirname, '__fixtures__', 'shutdowns.ics');

const at = (iso: string, zone: string) =>
  DateTime.fromISO(iso, { zone }).toMillis();

/** readSlaConfig then the sources, as the backend does at startup. */
async function resolve(
  raw: Record<string, unknown>,
  options: Parameters<typeof resolveCalendarSources>[2] = {},
) {
  const { config, problems } = readSlaConfig(raw);
  expect(problems).toEqual([]);
  const resolved = await resolveCalendarSources(raw, config, {
    now: at('2026-09-01T00:00', 'UTC'),
    ...options,
  });
  const resolvedConfig: SlaConfig = {
    ...config,
    calendars: resolved.calendars,
  };
  return { ...resolved, config: resolvedConfig };
}

const CN_OFFICIAL = { calendars: { 'cn-workdays': CN_OFFICIAL_WORKDAYS } };

const incident = (over: Partial<Incident>) =>
  exampleIncident({ source: 'api', ...over });

describe('cn-official', () => {
  it('yields the 2026 public holidays and make-up workdays chinese-days publishes', async () => {
    const { calendars } = await resolve(CN_OFFICIAL);
    const cal = calendars['cn-workdays'];
    const in2026 = (dates: string[]) => dates.filter(d => d.startsWith('2026'));
    expect(in2026(cal.holidays)).toEqual([
      ...['2026-01-01', '2026-01-02', '2026-01-03'],
      ...['2026-02-15', '2026-02-16', '2026-02-17', '2026-02-18'],
      ...['2026-02-19', '2026-02-20', '2026-02-21', '2026-02-22'],
      '2026-02-23',
      ...['2026-04-04', '2026-04-05', '2026-04-06'],
      ...['2026-05-01', '2026-05-02', '2026-05-03', '2026-05-04'],
      '2026-05-05',
      ...['2026-06-19', '2026-06-20', '2026-06-21'],
      ...['2026-09-25', '2026-09-26', '2026-09-27'],
      ...['2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04'],
      ...['2026-10-05', '2026-10-06', '2026-10-07'],
    ]);
    expect(in2026(cal.workdays)).toEqual([
      '2026-01-04',
      '2026-02-14',
      '2026-02-28',
      '2026-05-09',
      '2026-09-20',
      '2026-10-10',
    ]);
    // The default years: two back to next year.
    expect(cal.holidays[0]).toBe('2024-01-01');
  });

  it('gives the worked example of ENGINE.md its 9 h through the make-up Sunday 2026-09-20', async () => {
    const { config } = await resolve(CN_OFFICIAL);
    const { terms, problems } = parseSlaAnnotations(
      {
        'servicelevel.io/service-hours': 'calendar:cn-workdays',
        'servicelevel.io/response-time': 'P2=30m',
        'servicelevel.io/resolution-time': 'P2=1d',
      },
      config,
    );
    expect(problems).toEqual([]);
    const z = 'Asia/Shanghai';
    const inc = incident({
      createdAt: at('2026-09-18T17:30', z),
      acknowledgedAt: at('2026-09-19T10:00', z),
      resolvedAt: at('2026-09-21T10:00', z),
    });
    const { response, resolution } = evaluateIncidentClocks(
      inc,
      terms!,
      createBusinessCalendar(terms!),
      at('2026-10-01T00:00', z),
    );
    expect(response.elapsedMs).toBe(30 * MIN);
    expect(response.status).toBe('met');
    expect(resolution.elapsedMs).toBe(9 * H);
    expect(resolution.status).toBe('breached');
    expect(resolution.breachedAt).toBe(at('2026-09-20T17:30', z));
  });

  it('reports a year the package does not cover, unless the year is typed in', async () => {
    const { warnings } = await resolve(CN_OFFICIAL);
    expect(warnings).toEqual([
      {
        calendar: 'cn-workdays',
        year: 2027,
        message: expect.stringContaining(
          'Calendar cn-workdays: cn-official has no data for 2027',
        ),
      },
    ]);
    expect(warnings[0].message).toContain('unknown, not absent');

    const typed = await resolve({
      calendars: {
        'cn-workdays': {
          ...CN_OFFICIAL.calendars['cn-workdays'],
          holidays: ['2027-01-01'],
        },
      },
    });
    expect(typed.warnings).toEqual([]);
    expect(typed.calendars['cn-workdays'].holidays).toContain('2027-01-01');
  });

  it('lets explicit entries override the source, and snapshots the dates in the terms', async () => {
    const { config } = await resolve({
      calendars: {
        'cn-workdays': {
          ...CN_OFFICIAL.calendars['cn-workdays'],
          workdays: ['2026-10-07'],
          holidays: ['2026-10-10', '2026-12-24'],
          closures: { '2026-12-31': '13:30-18:00' },
        },
      },
    });
    const cal = config.calendars['cn-workdays'];
    expect(cal.holidays).not.toContain('2026-10-07');
    expect(cal.workdays).toContain('2026-10-07');
    expect(cal.workdays).not.toContain('2026-10-10');
    expect(cal.holidays).toEqual(
      expect.arrayContaining(['2026-10-10', '2026-12-24']),
    );
    expect(cal.closures).toEqual({ '2026-12-31': [[810, 1080]] });
    const { terms } = parseSlaAnnotations(
      {
        'servicelevel.io/service-hours': 'calendar:cn-workdays',
        'servicelevel.io/availability': '99%',
      },
      config,
    );
    expect(terms!.serviceHours).toMatchObject({
      kind: 'calendar',
      holidays: cal.holidays,
      workdays: cal.workdays,
      closures: cal.closures,
    });
  });
});

describe('public', () => {
  it('gives a US/NY calendar Thanksgiving 2026 off', async () => {
    const { calendars, warnings, problems } = await resolve({
      calendars: {
        'ny-support': {
          timezone: 'America/New_York',
          hours: { 'mon-fri': '08:00-17:00' },
          holidaySource: { kind: 'public', country: 'US', region: 'NY' },
        },
      },
    });
    expect(problems).toEqual([]);
    expect(warnings).toEqual([]);
    const cal = calendars['ny-support'];
    expect(cal.holidays).toEqual(
      expect.arrayContaining(['2026-11-26', '2026-07-03', '2026-12-25']),
    );
    // Only public holidays: no observances such as Halloween.
    expect(cal.holidays).not.toContain('2026-10-31');
    const z = 'America/New_York';
    const terms = parseSlaAnnotations(
      {
        'servicelevel.io/service-hours': 'calendar:ny-support',
        'servicelevel.io/availability': '99%',
      },
      { defaultTimezone: 'UTC', calendars, tiers: {} },
    ).terms!;
    const week = createBusinessCalendar(terms).businessTime(
      at('2026-11-23T00:00', z),
      at('2026-11-28T00:00', z),
    );
    expect(week).toBe(4 * 9 * H);
  });

  it('reports an unknown country or region and keeps the typed dates', async () => {
    const raw = {
      calendars: {
        nowhere: {
          hours: { 'mon-fri': '08:00-17:00' },
          holidays: ['2026-01-02'],
          holidaySource: { kind: 'public', country: 'US', region: 'ZZ' },
        },
        broken: {
          hours: { 'mon-fri': '08:00-17:00' },
          holidaySource: { kind: 'weekly' },
        },
      },
    };
    const { calendars, problems } = await resolve(raw);
    expect(problems.map(p => p.message)).toEqual([
      expect.stringContaining(
        'sla.calendars.broken.holidaySource: kind "weekly" — expected',
      ),
      expect.stringContaining(
        'sla.calendars.nowhere.holidaySource: public US/ZZ — date-holidays knows no such country or region',
      ),
    ]);
    expect(calendars.nowhere.holidays).toEqual(['2026-01-02']);
  });
});

describe('ics', () => {
  const raw = {
    calendars: {
      plant: {
        timezone: 'Europe/Berlin',
        hours: { 'mon-fri': '08:00-16:00' },
        holidaySource: { kind: 'ics', url: FIXTURE },
      },
    },
  };
  const annotations = {
    'servicelevel.io/service-hours': 'calendar:plant',
    'servicelevel.io/resolution-time': 'P2=1d',
  };
  const z = 'Europe/Berlin';

  it('reads holidays, the make-up Saturday and a part-day closure from the file', async () => {
    const { calendars, warnings } = await resolve(raw, {
      years: { from: 2025, to: 2027 },
    });
    expect(calendars.plant).toMatchObject({
      holidays: [
        '2025-06-12',
        ...['2026-06-12', '2026-08-03', '2026-08-04', '2026-08-05'],
        ...['2026-08-06', '2026-08-07', '2026-08-24'],
        '2027-06-12',
      ],
      workdays: ['2026-08-08'],
      closures: { '2026-08-10': [[540, 600]] },
    });
    expect(warnings).toEqual([]);
  });

  it('a shutdown week and a make-up Saturday move a resolution clock', async () => {
    const { config } = await resolve(raw);
    const { terms } = parseSlaAnnotations(annotations, config);
    const plain = parseSlaAnnotations(annotations, readSlaConfig(raw).config);
    const inc = incident({
      createdAt: at('2026-07-31T14:00', z),
      resolvedAt: at('2026-08-10T10:00', z),
    });
    const now = at('2026-09-01T00:00', z);
    const { resolution } = evaluateIncidentClocks(
      inc,
      terms!,
      createBusinessCalendar(terms!),
      now,
    );
    // Friday 14–16 (2 h), the shutdown week off, Saturday 08:00–14:00 (6 h): due then.
    expect(resolution.dueAt).toBe(at('2026-08-08T14:00', z));
    // + Saturday 14–16 (2 h) + Monday 08–09 (1 h; 09–10 is the works meeting) = 11 h.
    expect(resolution.elapsedMs).toBe(11 * H);
    expect(resolution.status).toBe('breached');
    // Without the file the clock would have been due on Monday of the shutdown week.
    const before = evaluateIncidentClocks(
      inc,
      plain.terms!,
      createBusinessCalendar(plain.terms!),
      now,
    );
    expect(before.resolution.dueAt).toBe(at('2026-08-03T14:00', z));
  });

  it('a changed file is a new terms version; an unreadable one keeps the last dates', async () => {
    const text = await fs.readFile(FIXTURE, 'utf8');
    const first = await resolve(raw, { readIcs: async () => text });
    const updated = await resolve(raw, {
      readIcs: async () =>
        text.replace(
          'END:VCALENDAR',
          'BEGIN:VEVENT\r\nUID:x@plant.example\r\nDTSTAMP:20260101T000000Z\r\nDTSTART;VALUE=DATE:20261224\r\nSUMMARY:Christmas Eve\r\nEND:VEVENT\r\nEND:VCALENDAR',
        ),
    });
    const fingerprint = (config: SlaConfig) =>
      serializeTerms(parseSlaAnnotations(annotations, config).terms!);
    expect(fingerprint(updated.config)).not.toBe(fingerprint(first.config));
    expect(updated.calendars.plant.holidays).toContain('2026-12-24');

    const failed = await resolve(raw, {
      readIcs: async () => {
        throw new Error('HTTP 503 Service Unavailable');
      },
      previous: updated.calendars,
    });
    expect(failed.calendars.plant).toEqual(updated.calendars.plant);
    expect(failed.warnings).toEqual([
      {
        calendar: 'plant',
        message: `Calendar plant: ics ${FIXTURE} could not be read (HTTP 503 Service Unavailable); its last resolved dates are kept`,
      },
    ]);
  });

  it('reports years without any event from the first year with one', async () => {
    const text = await fs.readFile(FIXTURE, 'utf8');
    // Without the yearly founders day, the file only has events in 2026.
    const only2026 = text.replace(
      /BEGIN:VEVENT\r\nUID:founders-day[\s\S]*?END:VEVENT\r\n/,
      '',
    );
    const { warnings } = await resolve(raw, {
      years: { from: 2024, to: 2027 },
      readIcs: async () => only2026,
    });
    expect(warnings).toEqual([
      {
        calendar: 'plant',
        year: 2027,
        message: expect.stringContaining(
          `Calendar plant: ics ${FIXTURE} has no data for 2027`,
        ),
      },
    ]);
  });

  it('marks working days by summary or category, never by a "non-working" text', () => {
    expect(marksWorkingDay(['Make-up working day'])).toBe(true);
    expect(marksWorkingDay(['', 'WORKDAY'])).toBe(true);
    expect(marksWorkingDay(['国庆节(班)'])).toBe(true);
    expect(marksWorkingDay(['周六补班'])).toBe(true);
    expect(marksWorkingDay(['Non-working day'])).toBe(false);
    expect(marksWorkingDay(['Summer shutdown'])).toBe(false);
  });
});

describe('defaultYears', () => {
  it('runs from two years back to next year', () => {
    expect(defaultYears(at('2026-12-04T06:00', 'UTC'))).toEqual({
      from: 2024,
      to: 2027,
    });
  });
});
