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

  it("falls back to the tier's value when an override is malformed, and says so", () => {
    const { terms, problems } = parseSlaAnnotations(
      a({ tier: 'gold', 'response-time': 'P1=15 minutes', 'max-outage': '2x' }),
      config,
    );
    // The tier's response targets still apply: the commitment is measured, not dropped.
    expect(terms!.responseTime!.P1).toEqual({
      targetMs: 5 * MIN,
      percentile: 100,
    });
    expect(problems[0]).toMatchObject({
      key: 'servicelevel.io/response-time',
      value: 'P1=15 minutes',
      fallback: { value: 'P1=5m P2=15m P3=1h P4=4h', tier: 'gold' },
    });
    expect(problems[0].message).toMatch(
      / — the value of tier gold \(P1=5m P2=15m P3=1h P4=4h\) applies instead$/,
    );
    // No tier value to fall back on: the objective is left out, as before.
    expect(terms!.maxOutageMs).toBeUndefined();
    expect(problems[1].fallback).toBeUndefined();
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
  // `calendar:by-region` needs sla.regions.
  const withRegions = { ...config, regions: { cn: 'cn-workdays' } };
  it('has all 21 keys of SLA_ANNOTATIONS', () => {
    expect(ANNOTATION_REFERENCE.map(r => r.annotation).sort()).toEqual(
      Object.values(SLA_ANNOTATIONS).sort(),
    );
  });
  it.each(ANNOTATION_REFERENCE.flatMap(r => r.examples.map(e => [r.key, e])))(
    'example %s: %s parses cleanly',
    (key, example) => {
      const annotations = a({
        ...(key === 'availability' ? {} : { availability: '99%' }),
        // Credit rules need the objectives they name.
        ...(key === 'service-credits'
          ? { 'response-time': 'P1=15m', 'max-outage': '2h' }
          : {}),
        [key]: example,
      });
      const { terms, problems } = parseSlaAnnotations(annotations, withRegions);
      expect(problems).toEqual([]);
      expect(terms).not.toBeUndefined();
      // The example round-trips through the canonical form.
      const again = parseSlaAnnotations(formatSlaTerms(terms!), withRegions);
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

describe('service-credits and monthly-fee annotations', () => {
  const committed = {
    availability: '99.9%',
    'response-time': 'P1=15m P2=30m',
    'max-outage': '2h',
  };
  const parse = (o: Record<string, string>) =>
    parseSlaAnnotations(a({ ...committed, ...o }), config);
  const messages = (o: Record<string, string>) =>
    parse(o).problems.map(p => p.message);
  /** Terms with `credits` and `fee`, which must read without problems, and as written back. */
  const readCleanly = (credits: string, fee: string) => {
    const { terms, problems } = parse({
      'service-credits': credits,
      'monthly-fee': fee,
    });
    expect(problems).toEqual([]);
    return { terms: terms!, written: formatSlaTerms(terms!) };
  };

  it('reads the SPEC §7 example into rules, cap and fee, and writes it back canonically', () => {
    const { terms, written } = readCleanly(
      'availability<99.9%=10% availability<99%=25% response-time:P1=5%/breach cap=30%',
      '12000 CNY',
    );
    expect(terms.serviceCredits).toEqual({
      rules: [
        { kind: 'band', objective: 'availability', below: 99.9, share: 10 },
        { kind: 'band', objective: 'availability', below: 99, share: 25 },
        { kind: 'per-breach', objective: 'response-time:P1', share: 5 },
      ],
      cap: 30,
    });
    expect(terms.monthlyFee).toEqual({ amount: '12000', currency: 'CNY' });
    expect(written['servicelevel.io/service-credits']).toBe(
      'availability<99.9%=10% availability<99%=25% response-time:P1=5%/breach cap=30%',
    );
    expect(written['servicelevel.io/monthly-fee']).toBe('12000 CNY');
  });

  it('accepts any order, case, commas and a missing % sign; one canonical text', () => {
    const { written } = readCleanly(
      'cap=30, max-outage=5% Response-Time:p1=5%/Breach, AVAILABILITY<99=25% availability<99.90%=10.0%',
      '02500.50 eur',
    );
    expect(written['servicelevel.io/service-credits']).toBe(
      'availability<99.9%=10% availability<99%=25% response-time:P1=5%/breach max-outage=5% cap=30%',
    );
    expect(written['servicelevel.io/monthly-fee']).toBe('2500.5 EUR');
    expect(
      parse({ 'service-credits': 'max-outage=5% cap=100%' }).terms,
    ).toEqual(parse({ 'service-credits': 'max-outage=5%' }).terms);
  });

  it('reports every bad rule by its token, with the expected form and an example; the rest of the SLA still evaluates', () => {
    const { terms, problems } = parse({
      'service-credits':
        'availabilty<99.9%=10% response-time=5%/breach availability<99%=0% max-outage<2h=5% max-outage<99%=5% lots cap=30% cap=20%',
    });
    expect(problems.map(p => p.message)).toEqual([
      'servicelevel.io/service-credits: "availabilty<99.9%=10%" — unknown objective "availabilty" — did you mean availability?; expected <objective><<percent>=<share> | <objective>=<share>/breach | <objective>=<share> | cap=<share>, space-separated, e.g. availability<99.9%=10% availability<99%=25% response-time:P1=5%/breach cap=30%',
      expect.stringContaining(
        '"response-time=5%/breach" — "response-time" needs a priority, e.g. response-time:P1;',
      ),
      expect.stringContaining(
        '"availability<99%=0%" — share 0% is not above 0% and up to 100%;',
      ),
      expect.stringContaining('"max-outage<2h=5%" — not a credit rule;'),
      expect.stringContaining(
        '"max-outage<99%=5%" — max-outage has no percentage to compare; bands apply to availability, response-time:<P> and resolution-time:<P> (write max-outage=5% for a credit when it is breached);',
      ),
      expect.stringContaining('"lots" — not a credit rule;'),
      expect.stringContaining('"cap=20%" — cap is given twice;'),
    ]);
    expect(
      problems.every(p => p.key === 'servicelevel.io/service-credits'),
    ).toBe(true);
    // A partial rule set would compute a credit the contract does not say: none at all.
    expect(terms?.serviceCredits).toBeUndefined();
    expect(terms?.availability).toBe(99.9);
  });

  it('rejects a rule on an objective the terms do not commit to', () => {
    const { terms, problems } = parse({
      'service-credits':
        'availability<99%=10% resolution-time:P2<90%=5% response-time:P3=5%/breach min-mtbf=5%',
    });
    expect(problems.map(p => p.message)).toEqual([
      expect.stringContaining(
        '"resolution-time:P2<90%=5%" — the terms have no resolution-time target for P2, so resolution-time:P2 cannot earn credits; add one to servicelevel.io/resolution-time or remove the rule',
      ),
      expect.stringContaining(
        '"response-time:P3=5%/breach" — the terms have no response-time target for P3',
      ),
      expect.stringContaining(
        '"min-mtbf=5%" — the terms have no min-mtbf target',
      ),
    ]);
    expect(terms?.serviceCredits).toBeUndefined();
  });

  it('rejects per-breach shares on objectives without breaching incidents, duplicates, and rules-free values', () => {
    expect(messages({ 'service-credits': 'availability=5%/breach' })).toEqual([
      expect.stringContaining(
        '"availability=5%/breach" — per-breach credits apply to response-time:<P> and resolution-time:<P>',
      ),
    ]);
    expect(
      messages({
        'service-credits':
          'availability<99%=10% availability<99.0%=20% max-outage=1% max-outage=2%',
      }),
    ).toEqual([
      expect.stringContaining('a second band below 99% on availability'),
      expect.stringContaining('a second breached rule on max-outage'),
    ]);
    expect(messages({ 'service-credits': 'cap=30%' })).toEqual([
      expect.stringContaining('"cap=30%" — no credit rules'),
    ]);
    expect(messages({ 'service-credits': '  ' })).toEqual([
      expect.stringContaining('no credit rules'),
    ]);
    expect(
      messages({ 'service-credits': 'availability<99.9%=10.125% cap=101%' }),
    ).toEqual([
      expect.stringContaining('share 10.125% has more than 2 decimals'),
      expect.stringContaining('cap 101% is not from 0% and up to 100%'),
    ]);
    expect(
      messages({ 'service-credits': 'availability<99.9999999%=10%' }),
    ).toEqual([expect.stringContaining('at most 6 decimals')]);
  });

  it.each([
    ['12000 CNY', { amount: '12000', currency: 'CNY' }],
    ['12000.50 eur', { amount: '12000.5', currency: 'EUR' }],
    ['1500000 JPY', { amount: '1500000', currency: 'JPY' }],
    ['0.125 BHD', { amount: '0.125', currency: 'BHD' }],
  ])('reads monthly-fee %s', (text, fee) => {
    const { terms, problems } = parse({ 'monthly-fee': text });
    expect(problems).toEqual([]);
    expect(terms?.monthlyFee).toEqual(fee);
  });

  it.each([
    ['100.5 JPY', 'JPY has 0 decimal places'],
    ['12.345 CNY', 'CNY has 2 decimal places'],
    [
      '12,000 CNY',
      'the amount takes digits and one decimal point, no thousands separators',
    ],
    ['CNY 12000', 'write the amount first, e.g. 12000 CNY'],
    ['12000 RMB', '"RMB" is not an ISO 4217 currency code — did you mean CNY?'],
    ['12000 ABC', '"ABC" is not an ISO 4217 currency code'],
    ['0 USD', 'the fee must be above 0'],
    ['12000', 'not an amount and a currency code'],
    ['12345678901 USD', 'the amount has more than 10 digits before the point'],
  ])('reports monthly-fee %s', (text, reason) => {
    const { terms, problems } = parse({ 'monthly-fee': text });
    expect(problems).toHaveLength(1);
    expect(problems[0].key).toBe('servicelevel.io/monthly-fee');
    expect(problems[0].message).toContain(`"${text}" — ${reason}`);
    expect(problems[0].message).toContain(
      'expected <amount> <ISO 4217 currency code>, e.g. 12000 CNY',
    );
    expect(terms?.monthlyFee).toBeUndefined();
  });

  it('a fee alone or credits alone are no problem (the fee may come from config)', () => {
    expect(parse({ 'monthly-fee': '12000 CNY' }).problems).toEqual([]);
    expect(parse({ 'service-credits': 'max-outage=5%' }).problems).toEqual([]);
  });

  it('terms without credits keep their serialized form (no new terms version)', () => {
    const t = parse({}).terms!;
    expect(serializeTerms(t)).not.toContain('Credit');
    expect(serializeTerms(t)).not.toContain('Fee');
  });

  it('property: credits and fee round-trip through the canonical form', () => {
    const percent = (n: number) => `${n / 100}%`;
    const rules = fc.record({
      bands: fc.uniqueArray(fc.integer({ min: 1, max: 10_000 }), {
        maxLength: 3,
      }),
      shares: fc.array(fc.integer({ min: 1, max: 10_000 }), {
        minLength: 4,
        maxLength: 4,
      }),
      perBreach: fc.subarray(['P1', 'P2']),
      flat: fc.boolean(),
      cap: fc.option(fc.integer({ min: 0, max: 10_000 })),
      fee: fc.tuple(
        fc.integer({ min: 1, max: 9_999_999 }),
        fc.constantFrom('CNY', 'JPY', 'USD', 'BHD'),
      ),
    });
    fc.assert(
      fc.property(rules, r => {
        const tokens = [
          ...r.bands.map(
            (b, i) => `availability<${percent(b)}=${percent(r.shares[i])}`,
          ),
          ...r.perBreach.map(
            p => `response-time:${p}=${percent(r.shares[3])}/breach`,
          ),
          ...(r.flat || (!r.bands.length && !r.perBreach.length)
            ? [`max-outage=${percent(r.shares[3])}`]
            : []),
          ...(r.cap === null ? [] : [`cap=${percent(r.cap)}`]),
        ].reverse();
        const first = parse({
          'service-credits': tokens.join(' '),
          'monthly-fee': `${r.fee[0]} ${r.fee[1]}`,
        });
        expect(first.problems).toEqual([]);
        const canonical = formatSlaTerms(first.terms!);
        const second = parseSlaAnnotations(canonical, config);
        expect(second.problems).toEqual([]);
        expect(second.terms).toEqual(first.terms);
        expect(formatSlaTerms(second.terms!)).toEqual(canonical);
      }),
      { numRuns: 500 },
    );
  });
});
