import fc from 'fast-check';
import { DateTime } from 'luxon';
import {
  describeProblems,
  readEntityRef,
  readIncident,
  readIncidentBatch,
  readInstant,
} from './incidentInput';

const good = {
  source: 'webhook',
  id: 'INC-1',
  entityRef: 'cad-core',
  title: 'CAD down',
  priority: 'p1',
  createdAt: '2026-09-18T17:30:00+08:00',
  resolvedAt: '2026-09-18T18:00:00+0800',
};

describe('incident validator', () => {
  it('normalises a valid incident', () => {
    const { incident, problems } = readIncident(good, 0);
    expect(problems).toEqual([]);
    expect(incident).toEqual({
      source: 'webhook',
      id: 'INC-1',
      entityRef: 'component:default/cad-core',
      title: 'CAD down',
      priority: 'P1',
      createdAt: Date.parse('2026-09-18T09:30:00Z'),
      resolvedAt: Date.parse('2026-09-18T10:00:00Z'),
      pauses: [],
    });
  });

  it('refuses dates that are not in the calendar, out of range or without a zone', () => {
    expect(readInstant('2026-02-30T10:00:00Z')).toBe(
      '"2026-02-30T10:00:00Z" is not a valid date-time',
    );
    expect(readInstant('2026-09-18T10:00:00')).toMatch(/with a zone/);
    expect(readInstant('1969-12-31T23:59:59Z')).toMatch(
      /between 1970-01-01 and 2100-01-01/,
    );
    expect(readInstant('2100-01-01T00:00:00Z')).toMatch(/between/);
    expect(readInstant(Date.UTC(2100, 0, 1))).toMatch(/between/);
    expect(readInstant(-1)).toMatch(/non-negative/);
    expect(readInstant('2099-12-31T23:59:59Z')).toBe(
      Date.UTC(2099, 11, 31, 23, 59, 59),
    );
  });

  it('refuses control characters and over-long text, naming the field', () => {
    const { problems } = readIncidentBatch({
      incidents: [
        good,
        { ...good, id: 'INC-2', title: 'a\u0000b' },
        { ...good, id: 'INC-3', title: 'x'.repeat(501) },
        { ...good, id: `I${'d'.repeat(255)}` },
        {
          ...good,
          id: 'INC-5',
          entityRef: `component:default/${'n'.repeat(240)}`,
        },
        { ...good, id: 'INC\u00076', createdAt: '2026-02-30T00:00:00Z' },
      ],
    });
    expect(describeProblems(problems).split('\n')).toEqual([
      'incidents[1].title: contains a NUL character (U+0000)',
      'incidents[2].title: has 501 characters; at most 500',
      'incidents[3].id: required: the incident id in its source, at most 255 characters, no control characters',
      'incidents[4].entityRef: required: an entity ref of at most 255 characters, e.g. component:default/cad-core',
      'incidents[5].id: required: the incident id in its source, at most 255 characters, no control characters',
      'incidents[5].createdAt: "2026-02-30T00:00:00Z" is not a valid date-time',
    ]);
  });

  it('keeps a region code in lower case and names a bad one', () => {
    expect(readIncident({ ...good, region: 'US' }, 0).incident?.region).toBe(
      'us',
    );
    expect(
      readIncident({ ...good, region: null }, 0).incident,
    ).not.toHaveProperty('region');
    const { problems } = readIncidentBatch({
      incidents: [
        { ...good, region: 'north america' },
        { ...good, id: 'INC-2', region: 7 },
        { ...good, id: 'INC-3', region: 'x'.repeat(33) },
      ],
    });
    expect(problems.map(p => [p.index, p.field])).toEqual([
      [0, 'region'],
      [1, 'region'],
      [2, 'region'],
    ]);
    expect(problems[0].message).toBe(
      '"north america" — expected a region code of letters, digits, - or _ (at most 32), e.g. cn',
    );
  });

  it('reads entity refs as the catalog does', () => {
    expect(readEntityRef('Component:Default/CAD-Core')).toBe(
      'component:default/cad-core',
    );
    expect(readEntityRef('team-a/cad')).toBe('component:team-a/cad');
    expect(readEntityRef('group:web')).toBe('group:default/web');
    expect(readEntityRef(':x')).toBeUndefined();
    expect(readEntityRef('kind:/x')).toBeUndefined();
    expect(readEntityRef('kind:ns/')).toBeUndefined();
  });

  it('accepts a provider incident in epoch milliseconds', () => {
    const { incident } = readIncident(
      {
        source: 'pagerduty',
        id: 'P1X',
        entityRef: 'component:default/cad-core',
        title: 'Paging',
        priority: 'P2',
        createdAt: 1_790_000_000_000,
        pauses: [{ start: 1_790_000_100_000 }],
        outage: { start: 1_790_000_000_000, impact: 'down' },
      },
      0,
    );
    expect(incident?.pauses).toEqual([{ start: 1_790_000_100_000 }]);
    expect(incident?.outage).toEqual({
      start: 1_790_000_000_000,
      impact: 'down',
    });
  });

  it('rejects an empty or oversize batch as a whole', () => {
    expect(
      describeProblems(readIncidentBatch({ incidents: [] }).problems),
    ).toBe('incidents: is empty');
    expect(readIncidentBatch([]).problems[0].message).toMatch(/expected/);
  });
});

describe('readInstant without luxon on plain date-times', () => {
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  /** What luxon alone makes of the text: the only parser before the fast path. */
  const byLuxon = (s: string): number | 'invalid' | 'range' => {
    const dt = DateTime.fromISO(
      s.toUpperCase().replace(/([+-]\d{2})(\d{2})$/, '$1:$2'),
      { setZone: true },
    );
    if (!dt.isValid) return 'invalid';
    const t = dt.toMillis();
    return t >= 0 && t < Date.UTC(2100, 0, 1) ? t : 'range';
  };
  const verdict = (r: number | string) => {
    if (typeof r === 'number') return r;
    return / is not between /.test(r) ? 'range' : 'invalid';
  };

  it('gives what luxon gives, for every field in and out of its range', () => {
    const text = fc
      .record({
        year: fc.integer({ min: 1965, max: 2105 }),
        month: fc.integer({ min: 0, max: 13 }),
        day: fc.integer({ min: 0, max: 32 }),
        hour: fc.integer({ min: 0, max: 24 }),
        minute: fc.integer({ min: 0, max: 60 }),
        second: fc.option(fc.integer({ min: 0, max: 60 })),
        fraction: fc.option(fc.stringMatching(/^\d{1,9}$/)),
        zone: fc.oneof(
          fc.constantFrom('Z', 'z'),
          fc
            .record({
              sign: fc.constantFrom('+', '-'),
              h: fc.integer({ min: 0, max: 25 }),
              m: fc.integer({ min: 0, max: 60 }),
              colon: fc.boolean(),
            })
            .map(o => `${o.sign}${pad(o.h)}${o.colon ? ':' : ''}${pad(o.m)}`),
        ),
      })
      .map(
        f =>
          `${pad(f.year, 4)}-${pad(f.month)}-${pad(f.day)}T${pad(f.hour)}:${pad(
            f.minute,
          )}${
            f.second === null
              ? ''
              : `:${pad(f.second)}${
                  f.fraction === null ? '' : `.${f.fraction}`
                }`
          }${f.zone}`,
      );
    fc.assert(
      fc.property(text, s => {
        expect(verdict(readInstant(s))).toEqual(byLuxon(s));
      }),
      { numRuns: 5000 },
    );
  });
});
