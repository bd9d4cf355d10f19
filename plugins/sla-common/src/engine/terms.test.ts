import fc from 'fast-check';
import {
  ANNOTATION_REFERENCE,
  SLA_ANNOTATIONS,
  annotationReferenceMarkdown,
  hasSlaAnnotations,
} from './annotations';
import { EXAMPLE_SLA_CONFIG } from '../__testUtils__/fixtures';
import { readSlaConfig } from './config';
import { formatDuration, parseDuration } from './duration';
import {
  formatSlaTerms,
  mapPriority,
  parseSlaAnnotations,
  serializeTerms,
} from './terms';
import { formatWeeklyHours, parseWeeklyHours } from './weekly';

const H = 3_600_000;
const MIN = 60_000;

const { config, problems: configProblems } = readSlaConfig(EXAMPLE_SLA_CONFIG);

const a = (o: Record<string, string>) =>
  Object.fromEntries(
    Object.entries(o).map(([k, v]) => [`servicelevel.io/${k}`, v]),
  );

describe('readSlaConfig', () => {
  it('reads the example of docs/configuration.md without problems', () => {
    expect(configProblems).toEqual([]);
    expect(config.calendars['cn-workdays'].hours.mon).toEqual([
      [540, 720],
      [810, 1080],
    ]);
    expect(config.calendars['cn-workdays'].hours.sat).toEqual([]);
    expect(config.tiers.gold.availability).toBe('99.95%');
  });
  it('reports bad zones, hours and dates by path and keeps the rest', () => {
    const r = readSlaConfig({
      defaultTimezone: 'Mars/Base',
      calendars: {
        a: { timezone: 'Nowhere', hours: { 'mon-fri': '09:00-18:00' } },
        b: { hours: { 'mon-fri': '9-18' } },
        c: {
          hours: { sat: '10:00-14:00' },
          holidays: ['2026-02-30'],
          workdays: ['2026-03-01'],
        },
      },
      tiers: { silver: { availability: 99.5 } },
    });
    expect(r.problems.map(p => p.path)).toEqual([
      'sla.defaultTimezone',
      'sla.calendars.a.timezone',
      'sla.calendars.b.hours.mon-fri',
      'sla.calendars.c.holidays[0]',
    ]);
    expect(Object.keys(r.config.calendars)).toEqual(['c']);
    expect(r.config.calendars.c.timezone).toBe('UTC');
    expect(r.config.tiers.silver.availability).toBe('99.5');
  });
  it('never throws on junk', () => {
    for (const junk of [
      null,
      1,
      'x',
      [],
      { calendars: 3, tiers: [] },
      { calendars: { x: null } },
    ]) {
      expect(() => readSlaConfig(junk)).not.toThrow();
    }
  });
});

describe('parseSlaAnnotations', () => {
  it('has no SLA without tier or an objective key', () => {
    expect(hasSlaAnnotations(a({ 'service-hours': '24x7' }))).toBe(false);
    expect(
      parseSlaAnnotations(a({ 'service-hours': '24x7' }), config).terms,
    ).toBeUndefined();
    expect(parseSlaAnnotations(undefined, config)).toEqual({ problems: [] });
    expect(hasSlaAnnotations(a({ 'min-mtbf': '15d' }))).toBe(true);
    expect(hasSlaAnnotations(a({ tier: 'gold' }))).toBe(true);
  });

  it('reads every key of the annotation reference in ENGINE.md', () => {
    const { terms, problems } = parseSlaAnnotations(
      a({
        'service-hours': 'Mon-Fri 09:00-18:00',
        timezone: 'Europe/London',
        availability: '99.9%',
        'response-time': 'P1=15m@95% P2=30m P3=4h P4=1d',
        'resolution-time': 'P1=4h P2=8h P3=3d',
        'max-incidents': 'P1=0 P2=2 all=10',
        'max-outage': '2h',
        'min-mtbf': '15d',
        period: 'quarterly',
        maintenance: 'Sun 02:00-04:00;Sat 22:00-24:00',
        customer: 'group:default/dispatch-center',
        agreement: 'TFDL-SLA-2026-07',
        'review-by': '2027-01-06',
        sources: 'pagerduty, servicenow',
        'priority-map': 'SEV1=P1 SEV2=P2 high=P2 low=P4',
      }),
      config,
    );
    expect(problems).toEqual([]);
    expect(terms).toEqual({
      serviceHours: {
        kind: 'weekly',
        spec: 'Mon-Fri 09:00-18:00',
        hours: parseWeeklyHours('Mon-Fri 09:00-18:00'),
      },
      timezone: 'Europe/London',
      serviceDayMs: 9 * H,
      availability: 99.9,
      responseTime: {
        P1: { targetMs: 15 * MIN, percentile: 95 },
        P2: { targetMs: 30 * MIN, percentile: 100 },
        P3: { targetMs: 4 * H, percentile: 100 },
        P4: { targetMs: 9 * H, percentile: 100 },
      },
      resolutionTime: {
        P1: { targetMs: 4 * H, percentile: 100 },
        P2: { targetMs: 8 * H, percentile: 100 },
        P3: { targetMs: 27 * H, percentile: 100 },
      },
      maxIncidents: { P1: 0, P2: 2, all: 10 },
      maxOutageMs: 2 * H,
      minMtbfMs: 15 * 9 * H,
      period: 'quarterly',
      report: 'quarterly',
      maintenance: {
        spec: 'Sat 22:00-24:00;Sun 02:00-04:00',
        hours: parseWeeklyHours('Sun 02:00-04:00;Sat 22:00-24:00'),
      },
      customer: 'group:default/dispatch-center',
      agreement: 'TFDL-SLA-2026-07',
      reviewBy: '2027-01-06',
      sources: ['pagerduty', 'servicenow'],
      priorityMap: { SEV1: 'P1', SEV2: 'P2', high: 'P2', low: 'P4' },
    });
  });

  it('names key, bad value and expected form; drops only the bad key', () => {
    const { terms, problems } = parseSlaAnnotations(
      a({ 'response-time': 'P1=15 minutes', availability: '99.9%' }),
      config,
    );
    expect(problems).toEqual([
      {
        key: 'servicelevel.io/response-time',
        value: 'P1=15 minutes',
        expected: '<priority>=<duration>[@<percent>] …, e.g. P1=15m@95%',
        message:
          'servicelevel.io/response-time: "P1=15 minutes" — expected <priority>=<duration>[@<percent>] …, e.g. P1=15m@95%',
      },
    ]);
    expect(terms!.responseTime).toBeUndefined();
    expect(terms!.availability).toBe(99.9);
  });

  it('reports unknown keys with a did-you-mean for near misses', () => {
    const { problems } = parseSlaAnnotations(
      {
        'servicelevel.io/reponse-time': 'P1=15m',
        'servicelevel.io/availabilty': '99%',
        'servicelevel.io/zzz': '1',
        'servicelevl.io/tier': 'gold',
      },
      config,
    );
    expect(problems.map(p => p.message)).toEqual([
      'servicelevel.io/reponse-time: unknown annotation — did you mean servicelevel.io/response-time?',
      'servicelevel.io/availabilty: unknown annotation — did you mean servicelevel.io/availability?',
      'servicelevel.io/zzz: unknown annotation',
      'servicelevl.io/tier: unknown annotation — did you mean servicelevel.io/tier?',
    ]);
  });

  it('merges the tier under entity keys and reports an unknown tier', () => {
    const { terms, problems } = parseSlaAnnotations(
      a({ tier: 'gold', 'response-time': 'P1=10m' }),
      config,
    );
    expect(problems).toEqual([]);
    expect(terms!.tier).toBe('gold');
    expect(terms!.availability).toBe(99.95);
    expect(terms!.responseTime).toEqual({
      P1: { targetMs: 10 * MIN, percentile: 100 },
    });
    expect(terms!.resolutionTime!.P3!.targetMs).toBe(24 * H);
    const unknown = parseSlaAnnotations(
      a({ tier: 'platinum', availability: '99%' }),
      config,
    );
    expect(unknown.problems[0].message).toBe(
      'servicelevel.io/tier: "platinum" — expected one of gold',
    );
    expect(unknown.terms!.tier).toBeUndefined();
    expect(unknown.terms!.availability).toBe(99);
  });

  it('resolves calendar references and reports unknown ones', () => {
    const ok = parseSlaAnnotations(
      a({ 'service-hours': 'calendar:cn-workdays', availability: '99%' }),
      config,
    );
    expect(ok.terms!.serviceHours).toMatchObject({
      kind: 'calendar',
      calendar: 'cn-workdays',
      holidays: ['2026-10-01', '2026-10-02'],
    });
    expect(ok.terms!.timezone).toBe('Asia/Shanghai');
    const bad = parseSlaAnnotations(
      a({ 'service-hours': 'calendar:nope', availability: '99%' }),
      config,
    );
    expect(bad.problems[0].message).toBe(
      'servicelevel.io/service-hours: "calendar:nope" — expected calendar:<name> with a calendar configured under sla.calendars (cn-workdays)',
    );
    expect(bad.terms!.serviceHours.kind).toBe('24x7');
  });

  it('rejects malformed values of every key', () => {
    const cases: Record<string, string> = {
      'service-hours': 'Mon-Fri 18:00-09:00',
      timezone: 'Mars/Olympus',
      availability: '101%',
      'response-time': 'P5=1h',
      'resolution-time': 'P1=1h@0%',
      'max-incidents': 'P1=-1',
      'max-outage': '2 hours',
      'min-mtbf': '',
      period: 'weekly',
      report: 'daily',
      maintenance: 'Sun 02:00',
      customer: '  ',
      'review-by': '2027-02-30',
      sources: '!!',
      'priority-map': 'SEV1=P7',
    };
    const { problems } = parseSlaAnnotations(
      a({ ...cases, tier: 'gold' }),
      config,
    );
    expect(problems.map(p => p.key).sort()).toEqual(
      Object.keys(cases)
        .map(k => `servicelevel.io/${k}`)
        .sort(),
    );
    for (const p of problems)
      expect(p.message.startsWith(`${p.key}: "${p.value}" — expected `)).toBe(
        true,
      );
  });

  it('maps source priorities', () => {
    const { terms } = parseSlaAnnotations(
      a({ availability: '99%', 'priority-map': 'SEV1=P1 high=P2' }),
      config,
    );
    expect(mapPriority('sev1', terms)).toBe('P1');
    expect(mapPriority('High', terms)).toBe('P2');
    expect(mapPriority('p3', terms)).toBe('P3');
    expect(mapPriority('whatever', terms)).toBeUndefined();
  });
});

describe('annotation reference (docs cannot drift)', () => {
  it('has all 17 keys of SLA_ANNOTATIONS', () => {
    expect(ANNOTATION_REFERENCE.map(r => r.annotation).sort()).toEqual(
      Object.values(SLA_ANNOTATIONS).sort(),
    );
  });
  it.each(ANNOTATION_REFERENCE.flatMap(r => r.examples.map(e => [r.key, e])))(
    'example %s: %s parses cleanly',
    (key, example) => {
      const annotations = a({
        [key]: example,
        ...(key === 'availability' ? {} : { availability: '99%' }),
      });
      const { terms, problems } = parseSlaAnnotations(annotations, config);
      expect(problems).toEqual([]);
      expect(terms).not.toBeUndefined();
      // The example round-trips through the canonical form.
      const again = parseSlaAnnotations(formatSlaTerms(terms!), config);
      expect(again.terms).toEqual(terms);
    },
  );
  it('ENGINE.md embeds the generated table verbatim', () => {
    // Test-only file access (the package itself stays free of node APIs).
    const fs: { readFileSync(p: string, enc: 'utf8'): string } =
      jest.requireActual('fs');
    const doc = fs.readFileSync(`${__dirname}/../../ENGINE.md`, 'utf8');
    expect(doc).toContain(annotationReferenceMarkdown());
  });
});

describe('durations', () => {
  it('parses units and combinations', () => {
    expect(parseDuration('1d4h', 7.5 * H)).toBe(11.5 * H);
    expect(parseDuration('90s')).toBe(90_000);
    expect(parseDuration('1.5h')).toBe(1.5 * H);
    expect(parseDuration('0')).toBe(0);
    expect(parseDuration('15 minutes')).toBeUndefined();
    expect(parseDuration('1d', 0)).toBeUndefined();
    expect(parseDuration('4h4h')).toBeUndefined();
  });
  it('formats whole service days as d, else h/m/s', () => {
    expect(formatDuration(15 * H, 7.5 * H)).toBe('2d');
    expect(formatDuration(8 * H, 7.5 * H)).toBe('8h');
    expect(formatDuration(90 * MIN + 1500)).toBe('1h30m1s500ms');
  });
  it('property: parse(format(ms)) = ms', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1e11 }),
        fc.constantFrom(24 * H, 7.5 * H, 8 * H, 0),
        (ms, day) => {
          expect(parseDuration(formatDuration(ms, day), day)).toBe(ms);
        },
      ),
      { numRuns: 1000 },
    );
  });
});

// ---- generators of valid annotation values ----
const durationText = fc
  .record({ d: fc.nat(3), h: fc.nat(30), m: fc.nat(59), s: fc.nat(59) })
  .map(
    ({ d, h, m, s }) =>
      (d ? `${d}d` : '') +
        (h ? `${h}h` : '') +
        (m ? `${m}m` : '') +
        (s ? `${s}s` : '') || '0',
  );
const pct = fc.integer({ min: 1, max: 100_000 }).map(x => x / 1000);
const targets = fc
  .subarray(['P1', 'P2', 'P3', 'P4'], { minLength: 1 })
  .chain(ps =>
    fc.tuple(
      ...ps.map(p =>
        fc.tuple(
          fc.constant(p),
          durationText,
          fc.option(pct, { nil: undefined }),
        ),
      ),
    ),
  )
  .map(ts =>
    ts
      .map(([p, d, q]) => `${p}=${d}${q === undefined ? '' : `@${q}%`}`)
      .join(' '),
  );
const span = fc
  .tuple(fc.integer({ min: 0, max: 95 }), fc.integer({ min: 1, max: 96 }))
  .filter(([s, e]) => e > s)
  .map(([s, e]) => {
    const c = (q: number) =>
      `${String(Math.floor(q / 4)).padStart(2, '0')}:${String(
        (q % 4) * 15,
      ).padStart(2, '0')}`;
    return `${c(s)}-${c(e)}`;
  });
const weekly = fc
  .array(
    fc.tuple(
      fc.constantFrom(
        'Mon',
        'Tue-Thu',
        'Fri',
        'Sat-Sun',
        'Mon-Fri',
        'Sun',
        'Wed,Fri',
      ),
      fc.array(span, { minLength: 1, maxLength: 3 }),
    ),
    {
      minLength: 1,
      maxLength: 4,
    },
  )
  .map(groups => groups.map(([d, s]) => `${d} ${s.join(',')}`).join(';'));
const validAnnotations = fc.record(
  {
    tier: fc.constant('gold'),
    'service-hours': fc.oneof(
      fc.constant('24x7'),
      fc.constant('calendar:cn-workdays'),
      weekly,
    ),
    timezone: fc.constantFrom(
      'UTC',
      'America/New_York',
      'Asia/Shanghai',
      'Europe/London',
    ),
    availability: pct.map(x => `${x}%`),
    'response-time': targets,
    'resolution-time': targets,
    'max-incidents': fc
      .subarray(['P1', 'P2', 'P3', 'P4', 'all'], { minLength: 1 })
      .chain(ks => fc.tuple(...ks.map(k => fc.nat(50).map(n => `${k}=${n}`))))
      .map(x => x.join(' ')),
    'max-outage': durationText,
    'min-mtbf': durationText,
    period: fc.constantFrom('monthly', 'quarterly', 'yearly'),
    report: fc.constantFrom('monthly', 'quarterly', 'yearly'),
    maintenance: weekly,
    customer: fc.constantFrom(
      'group:default/dispatch-center',
      'Dispatch Center',
    ),
    agreement: fc.stringMatching(/^[A-Z0-9-]{1,12}$/),
    'review-by': fc
      .date({ min: new Date('2020-01-01'), max: new Date('2035-12-31') })
      .map(d => d.toISOString().slice(0, 10)),
    sources: fc
      .subarray(['pagerduty', 'opsgenie', 'servicenow', 'jira'], {
        minLength: 1,
      })
      .map(s => s.join(', ')),
    'priority-map': fc
      .uniqueArray(fc.stringMatching(/^[A-Za-z0-9]{1,6}$/), {
        minLength: 1,
        maxLength: 4,
      })
      .chain(ks =>
        fc.tuple(
          ...ks.map(k =>
            fc.constantFrom('P1', 'P2', 'P3', 'P4').map(p => `${k}=${p}`),
          ),
        ),
      )
      .map(x => x.join(' ')),
  },
  { requiredKeys: ['availability'] },
);

describe('canonical formatting', () => {
  it('property: parse(format(terms)) = terms, and format is a fixed point', () => {
    fc.assert(
      fc.property(validAnnotations, raw => {
        const first = parseSlaAnnotations(
          a(raw as Record<string, string>),
          config,
        );
        expect(first.problems).toEqual([]);
        const canonical = formatSlaTerms(first.terms!);
        const second = parseSlaAnnotations(canonical, config);
        expect(second.problems).toEqual([]);
        expect(second.terms).toEqual(first.terms);
        expect(serializeTerms(second.terms!)).toBe(
          serializeTerms(first.terms!),
        );
        expect(formatSlaTerms(second.terms!)).toEqual(canonical);
      }),
      { numRuns: 1000 },
    );
  });
  it('serializeTerms is independent of key order', () => {
    const t1 = parseSlaAnnotations(
      a({ availability: '99%', 'max-outage': '1h' }),
      config,
    ).terms!;
    const t2 = parseSlaAnnotations(
      a({ 'max-outage': '1h', availability: '99%' }),
      config,
    ).terms!;
    expect(serializeTerms(t1)).toBe(serializeTerms(t2));
    expect(serializeTerms({ ...t1, availability: 99.5 })).not.toBe(
      serializeTerms(t1),
    );
  });
  it('weekly hours have one canonical text', () => {
    expect(
      formatWeeklyHours(
        parseWeeklyHours('mon-fri 13:30-18:00,09:00-12:00; sat 10:00-14:00')!,
      ),
    ).toBe('Mon-Fri 09:00-12:00,13:30-18:00;Sat 10:00-14:00');
    expect(
      formatWeeklyHours(
        parseWeeklyHours('Mon 09:00-12:00,12:00-13:00;Tue-Wed 09:00-13:00')!,
      ),
    ).toBe('Mon-Wed 09:00-13:00');
  });
});

describe('fuzz', () => {
  it('10,000 random annotation sets never make the parser throw', () => {
    const keys = fc.oneof(
      fc.constantFrom(...ANNOTATION_REFERENCE.map(r => r.annotation)),
      fc.string().map(s => `servicelevel.io/${s}`),
      fc.string(),
    );
    const fragments = fc.constantFrom(
      'P1',
      '=',
      '15m',
      '@',
      '95%',
      ' ',
      ',',
      ';',
      'Mon-Fri',
      '09:00',
      '-',
      '24:00',
      'calendar:',
      'cn-workdays',
      'd',
      '1e400',
      'NaN',
      '__proto__',
      'gold',
      '24x7',
    );
    const values = fc.oneof(
      fc.string(),
      fc.fullUnicodeString(),
      fc.array(fragments, { maxLength: 12 }).map(x => x.join('')),
    );
    fc.assert(
      fc.property(fc.dictionary(keys, values, { maxKeys: 6 }), annotations => {
        const r = parseSlaAnnotations(annotations, config);
        for (const p of r.problems) expect(typeof p.message).toBe('string');
        expect(() => r.terms && serializeTerms(r.terms)).not.toThrow();
      }),
      { numRuns: 10_000 },
    );
  });
});
