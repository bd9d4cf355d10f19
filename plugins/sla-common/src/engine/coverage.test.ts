/**
 * Data coverage (SPEC §9): a period's coverage by each linked source against a minute-stepping
 * reference, and the objectives that read `unknown` below the threshold.
 */
import fc from 'fast-check';
import { createAlwaysOnCalendar } from './calendar';
import {
  applyCoverage,
  feedsObjective,
  periodCoverage,
  type CoverageGap,
} from './coverage';
import { evaluatePeriod, percentOf } from './evaluate';
import { parseSlaAnnotations } from './terms';
import type { Incident } from './types';

const MIN = 60_000;
const HOUR = 60 * MIN;
const t = (iso: string) => Date.parse(iso);

const MARCH = {
  key: '2026-03',
  start: t('2026-03-01T00:00Z'),
  end: t('2026-04-01T00:00Z'),
};

describe('periodCoverage', () => {
  it('is 1 − |gaps ∩ period| / |period|, per source, the lowest overall', () => {
    const c = periodCoverage(
      [
        {
          source: 'pagerduty',
          account: 'default',
          feeds: 'all',
          // 31 days in March: 3 days and 2 hours before March don't count.
          gaps: [
            { start: MARCH.start - 2 * HOUR, end: MARCH.start + 24 * HOUR },
            { start: t('2026-03-10T00:00Z'), end: t('2026-03-12T00:00Z') },
          ],
        },
        {
          source: 'prometheus',
          account: 'main',
          feeds: 'availability',
          gaps: [],
        },
      ],
      MARCH,
      t('2026-04-02T00:00Z'),
    )!;
    expect(c.sources[0]).toEqual({
      source: 'pagerduty',
      account: 'default',
      feeds: 'all',
      coverage: percentOf(28, 31),
      uncoveredMs: 3 * 24 * HOUR,
      gaps: [
        { start: MARCH.start, end: MARCH.start + 24 * HOUR },
        { start: t('2026-03-10T00:00Z'), end: t('2026-03-12T00:00Z') },
      ],
    });
    expect(c.sources[1].coverage).toBe(100);
    expect(c.coverage).toBe(percentOf(28, 31));
    expect(c.threshold).toBe(95);
  });

  it('counts only the elapsed part of an open period', () => {
    // 10 days elapsed, the last 2 not synced: 80 %, not 29/31.
    const now = t('2026-03-11T00:00Z');
    const c = periodCoverage(
      [
        {
          source: 'jira',
          account: 'a',
          feeds: 'all',
          gaps: [{ start: t('2026-03-09T00:00Z'), end: now }],
        },
      ],
      MARCH,
      now,
      90,
    )!;
    expect(c.coverage).toBe(80);
    expect(c.threshold).toBe(90);
  });

  it('is absent without a linked source or before the period starts', () => {
    expect(periodCoverage([], MARCH, MARCH.end)).toBeUndefined();
    expect(
      periodCoverage(
        [{ source: 'jira', account: 'a', feeds: 'all', gaps: [] }],
        MARCH,
        MARCH.start,
      ),
    ).toBeUndefined();
  });

  it('agrees with a minute-stepping reference on random gaps', () => {
    const span = 3 * 24 * 60; // minutes in a 3-day period
    const start = t('2026-03-01T00:00Z');
    const gap = fc
      .tuple(
        fc.integer({ min: -600, max: span + 600 }),
        fc.integer({ min: 1, max: 2000 }),
      )
      .map(
        ([s, len]): CoverageGap => ({
          start: start + s * MIN,
          end: start + (s + len) * MIN,
        }),
      );
    fc.assert(
      fc.property(
        fc.array(gap, { maxLength: 6 }),
        fc.integer({ min: 1, max: span + 100 }),
        (gaps, nowMin) => {
          const period = { start, end: start + span * MIN };
          const now = start + nowMin * MIN;
          const c = periodCoverage(
            [{ source: 's', account: 'a', feeds: 'all', gaps }],
            period,
            now,
          )!;
          const elapsed = Math.min(span, nowMin);
          let uncovered = 0;
          for (let m = 0; m < elapsed; m++) {
            const at = start + m * MIN;
            if (gaps.some(g => g.start <= at && at < g.end)) uncovered++;
          }
          expect(c.sources[0].uncoveredMs).toBe(uncovered * MIN);
          expect(c.coverage).toBeCloseTo(
            ((elapsed - uncovered) / elapsed) * 100,
            10,
          );
          // Merged and sorted: no two gaps touch or overlap.
          const g = c.sources[0].gaps;
          for (let i = 1; i < g.length; i++)
            expect(g[i].start).toBeGreaterThan(g[i - 1].end);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('applyCoverage', () => {
  const { terms } = parseSlaAnnotations({
    'servicelevel.io/availability': '99.9%',
    'servicelevel.io/response-time': 'P1=15m',
    'servicelevel.io/max-incidents': 'all=5',
  });
  const calendar = createAlwaysOnCalendar('UTC');
  const incident: Incident = {
    source: 'pagerduty',
    id: 'Q1',
    entityRef: 'component:default/x',
    title: 'Down',
    priority: 'P1',
    createdAt: t('2026-03-05T10:00Z'),
    acknowledgedAt: t('2026-03-05T10:05Z'),
    resolvedAt: t('2026-03-05T10:30Z'),
    pauses: [],
  };
  const evaluated = evaluatePeriod({
    terms: terms!,
    calendar,
    incidents: [incident],
    period: MARCH,
    now: t('2026-04-02T00:00Z'),
  });
  const withGap = (feeds: 'all' | 'availability', days: number) =>
    periodCoverage(
      [
        {
          source: feeds === 'all' ? 'pagerduty' : 'prometheus',
          account: 'default',
          feeds,
          gaps: [
            {
              start: t('2026-03-20T00:00Z'),
              end: t('2026-03-20T00:00Z') + days * 24 * HOUR,
            },
          ],
        },
      ],
      MARCH,
      t('2026-04-02T00:00Z'),
    );

  it('leaves the result decided at or above the threshold, with its coverage', () => {
    // 1 day of 31: 96.77 % ≥ 95 %.
    const r = applyCoverage(evaluated, withGap('all', 1));
    expect(r.objectives.map(o => o.status)).toEqual(['met', 'met', 'met']);
    expect(r.met).toBe(3);
    expect(r.committed).toBe(3);
    expect(r.unknown).toBeUndefined();
    expect(r.coverage!.coverage).toBeCloseTo((30 / 31) * 100, 10);
  });

  it('makes every objective an incident source feeds unknown below it, never met', () => {
    // 2 days of 31: 93.5 % < 95 %.
    const r = applyCoverage(evaluated, withGap('all', 2));
    expect(
      r.objectives.map(o => [o.objective, o.status, o.statusOnDataReceived]),
    ).toEqual([
      ['availability', 'unknown', 'met'],
      ['response-time:P1', 'unknown', 'met'],
      ['max-incidents:all', 'unknown', 'met'],
    ]);
    expect(r.availability.status).toBe('unknown');
    expect(r.availability.statusOnDataReceived).toBe('met');
    // Neither met nor committed: "0 of 0, 3 unknown", no rate.
    expect([r.met, r.committed, r.unknown, r.achievementRate]).toEqual([
      0,
      0,
      3,
      undefined,
    ]);
    // The figures themselves are unchanged.
    expect(r.objectives[1].actual).toEqual(evaluated.objectives[1].actual);
  });

  it('makes only availability, max-outage and min-mtbf unknown for an availability source', () => {
    const r = applyCoverage(evaluated, withGap('availability', 5));
    expect(r.objectives.map(o => o.status)).toEqual(['unknown', 'met', 'met']);
    expect([r.met, r.committed, r.unknown]).toEqual([2, 2, 1]);
    expect(r.achievementRate).toBe(100);
    expect(
      [
        'availability',
        'max-outage',
        'min-mtbf',
        'response-time:P1',
        'max-incidents:all',
      ].map(id => feedsObjective('availability', id as never)),
    ).toEqual([true, true, true, false, false]);
  });

  it('returns the result as it is without a linked source', () => {
    expect(applyCoverage(evaluated, undefined)).toBe(evaluated);
  });
});
