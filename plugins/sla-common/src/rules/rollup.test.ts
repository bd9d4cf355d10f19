import fc from 'fast-check';
import { SUM_OVER_SUMS } from '../__testUtils__/fixtures';
import type { ObjectiveResult, PeriodResult } from '../engine/evaluate';
import {
  achievementChange,
  figuresOf,
  groupKeyOf,
  groupServices,
  NO_GROUP,
  rollupAchievement,
  rollupAvailability,
  rollupService,
  serviceMatchesText,
  summaryStatus,
  worstServices,
} from './rollup';

type Status = ObjectiveResult['status'];

/** A period result with the given objective statuses (only what the rollup reads). */
function result(
  key: string,
  statuses: Status[],
  options: { complete?: boolean; astMs?: number; downtimeMs?: number } = {},
) {
  const objectives = statuses.map((status, i) => ({
    objective: `obj-${i}` as ObjectiveResult['objective'],
    target: { display: 'x' },
    actual: { display: 'y' },
    status,
    hasTarget: true,
  })) as ObjectiveResult[];
  const met = statuses.filter(s => s === 'met').length;
  return {
    period: { key, start: 0, end: 1 },
    complete: options.complete ?? true,
    met,
    committed: statuses.filter(s => s === 'met' || s === 'breached').length,
    objectives,
    availability: {
      astMs: options.astMs ?? 0,
      elapsedAstMs: 0,
      downtimeMs: options.downtimeMs ?? 0,
      provisional: false,
      status: 'no-target' as const,
    },
  } satisfies Partial<PeriodResult>;
}

describe('rollupAchievement', () => {
  it('is a sum over sums, not an average of percentages', () => {
    expect(rollupAchievement(SUM_OVER_SUMS.results)).toEqual(
      SUM_OVER_SUMS.achievement,
    );
  });

  it('has no rate when nothing is committed ("n/a", never 0 % or 100 %)', () => {
    expect(rollupAchievement([])).toEqual({ met: 0, committed: 0 });
    expect(rollupAchievement([{ met: 0, committed: 0 }])).toEqual({
      met: 0,
      committed: 0,
    });
  });

  it('gives the same figure however the results are split into groups', () => {
    const tally = fc
      .tuple(fc.nat(20), fc.nat(20))
      .map(([a, b]) => ({ met: Math.min(a, b), committed: Math.max(a, b) }));
    fc.assert(
      fc.property(fc.array(tally), fc.nat(), (all, cut) => {
        const i = all.length === 0 ? 0 : cut % all.length;
        const parts = [
          rollupAchievement(all.slice(0, i)),
          rollupAchievement(all.slice(i)),
        ];
        expect(rollupAchievement(parts)).toEqual(rollupAchievement(all));
      }),
    );
  });
});

describe('rollupAvailability', () => {
  it('weighs each period by its agreed service time', () => {
    // 10 h agreed with 1 h down (90 %) and 90 h agreed with none: 99 %, not 95 %.
    const h = 3_600_000;
    expect(
      rollupAvailability([
        { astMs: 10 * h, downtimeMs: h, provisional: false },
        { astMs: 90 * h, downtimeMs: 0, provisional: true },
      ]),
    ).toEqual({ availability: 99, provisional: true });
  });

  it('has no figure without agreed service time', () => {
    expect(
      rollupAvailability([{ astMs: 0, downtimeMs: 0, provisional: false }]),
    ).toEqual({ provisional: false });
  });
});

describe('rollupService', () => {
  it("sums a quarterly service's closed quarters and the open one so far", () => {
    const year = [
      result('2026-Q1', ['met', 'met', 'met', 'met', 'breached']),
      result('2026-Q2', ['met', 'met', 'met', 'met', 'met']),
      result('2026-Q3', ['met', 'met', 'breached', 'met', 'met']),
      // Open: running objectives are not decided and not counted.
      result('2026-Q4', ['met', 'running', 'at-risk', 'running', 'met'], {
        complete: false,
      }),
    ];
    expect(rollupService(year)).toMatchObject({
      met: 15,
      committed: 17,
      rate: (15 / 17) * 100,
      periods: ['2026-Q1', '2026-Q2', '2026-Q3', '2026-Q4'],
      complete: false,
      breached: ['obj-4', 'obj-2'],
      atRisk: ['obj-2'],
      breaches: 2,
    });
  });

  it('is n/a and complete for no periods', () => {
    expect(rollupService([])).toEqual({
      met: 0,
      committed: 0,
      periods: [],
      complete: true,
      provisional: false,
      breached: [],
      atRisk: [],
      breaches: 0,
    });
  });
});

describe('summaryStatus', () => {
  it('names the worst status of the period', () => {
    expect(summaryStatus(result('a', ['met', 'breached', 'at-risk']))).toBe(
      'breached',
    );
    expect(
      summaryStatus(result('a', ['met', 'at-risk'], { complete: false })),
    ).toBe('at-risk');
    expect(
      summaryStatus(result('a', ['met', 'running'], { complete: false })),
    ).toBe('running');
    expect(summaryStatus(result('a', ['met', 'no-data']))).toBe('met');
    expect(summaryStatus(result('a', ['no-data']))).toBe('no-data');
  });

  it('ranks unknown (data coverage, SPEC §9) after breached and before everything else', () => {
    expect(summaryStatus(result('a', ['unknown', 'breached']))).toBe(
      'breached',
    );
    expect(summaryStatus(result('a', ['met', 'unknown']))).toBe('unknown');
    expect(
      summaryStatus(result('a', ['unknown', 'at-risk'], { complete: false })),
    ).toBe('unknown');
  });
});

describe('unknown objectives in the rollup (SPEC §9)', () => {
  it('sums them beside met and committed, which they are not part of', () => {
    expect(
      rollupAchievement([
        { met: 3, committed: 4, unknown: 2 },
        { met: 1, committed: 1 },
        { met: 0, committed: 0, unknown: 1 },
      ]),
    ).toEqual({ met: 4, committed: 5, rate: 80, unknown: 3 });
    expect(rollupAchievement([{ met: 1, committed: 1 }])).not.toHaveProperty(
      'unknown',
    );
  });

  it('carries the lowest coverage below 100 % of the periods summed', () => {
    const covered = (coverage: number) => ({
      ...result('p', ['met']),
      coverage: { coverage, threshold: 95, sources: [] },
    });
    expect(
      rollupService([covered(100), covered(92.5), covered(97)]).coverage,
    ).toBe(92.5);
    expect(rollupService([covered(100)])).not.toHaveProperty('coverage');
  });
});

describe('figuresOf', () => {
  const whole = (statuses: Status[], extra: object = {}) => ({
    ...result('2026-10', statuses, { astMs: 1000, downtimeMs: 10 }),
    evaluatedAt: 5,
    incidents: [{ id: 'a' }],
    faults: { all: 1 },
    ...extra,
  });

  it('keeps what the rollups read and nothing else', () => {
    const r = whole(['met', 'breached', 'at-risk'], { unknown: 1 });
    const f = figuresOf(r);
    expect(f).toEqual({
      period: { key: '2026-10', start: 0, end: 1 },
      complete: true,
      evaluatedAt: 5,
      met: 1,
      committed: 2,
      objectives: [
        { objective: 'obj-0', status: 'met' },
        { objective: 'obj-1', status: 'breached' },
        { objective: 'obj-2', status: 'at-risk' },
      ],
      availability: { astMs: 1000, downtimeMs: 10, provisional: false },
      unknown: 1,
    });
    expect(rollupService([f])).toEqual(rollupService([r]));
    expect(summaryStatus(f)).toBe(summaryStatus(r));
  });

  it('gives equal figures the same JSON, whatever else their results hold', () => {
    const a = whole(['met', 'running']);
    // The same figures, its fields in another order and other texts and rows.
    const b = {
      ...Object.fromEntries(
        Object.entries(whole(['met', 'running'])).reverse(),
      ),
      incidents: [],
      objectives: a.objectives.map(o => ({
        ...o,
        actual: { display: 'other' },
      })),
    } as unknown as typeof a;
    expect(JSON.stringify(figuresOf(b))).toBe(JSON.stringify(figuresOf(a)));
    // A figure that differs shows.
    const c = whole(['met', 'at-risk']);
    expect(JSON.stringify(figuresOf(c))).not.toBe(JSON.stringify(figuresOf(a)));
  });
});

describe('grouping', () => {
  const services = [
    { entityRef: 'c', ownerRef: 'group:b', systemRef: 'system:x' },
    { entityRef: 'a', ownerRef: 'group:a' },
    { entityRef: 'b', ownerRef: 'group:b', domainRef: 'domain:d' },
  ];

  it('puts each service in exactly one group, sorted by key, with (none) for the unplaced', () => {
    expect(
      groupServices(services, 'owner').map(g => [
        g.key,
        g.members.map(m => m.entityRef),
      ]),
    ).toEqual([
      ['group:a', ['a']],
      ['group:b', ['c', 'b']],
    ]);
    expect(groupServices(services, 'system').map(g => g.key)).toEqual([
      NO_GROUP,
      'system:x',
    ]);
    expect(groupKeyOf(services[2], 'domain')).toBe('domain:d');
  });
});

describe('serviceMatchesText', () => {
  const service = {
    entityRef: 'component:default/cad-core',
    title: '调度 CAD Core',
    ownerRef: 'group:default/dispatch',
    systemRef: 'system:default/ems',
  };

  it('finds a service by any part of its ref, title, owner or system, in any case', () => {
    expect(
      ['CAD-core', '调度', 'DISPATCH', 'system:default/ems', '  cad  '].map(q =>
        serviceMatchesText(service, q),
      ),
    ).toEqual([true, true, true, true, true]);
    expect(serviceMatchesText(service, 'domain:')).toBe(false);
    expect(serviceMatchesText(service, 'billing')).toBe(false);
  });

  it('matches every service for an empty or blank text', () => {
    expect(serviceMatchesText({ entityRef: 'x' }, '')).toBe(true);
    expect(serviceMatchesText({ entityRef: 'x' }, '   ')).toBe(true);
  });
});

describe('worstServices', () => {
  const s = (
    entityRef: string,
    met: number,
    committed: number,
    breaches = 0,
  ) => ({ entityRef, met, committed, breaches });

  it('orders by rate, then breaches, then ref, and leaves out 100 % and n/a', () => {
    expect(
      worstServices([
        s('full', 5, 5),
        s('none', 0, 0),
        s('half', 1, 2, 1),
        s('third', 1, 3, 2),
        s('half-more-breaches', 2, 4, 3),
        s('b-half', 1, 2, 1),
      ]).map(x => x.entityRef),
    ).toEqual(['third', 'half-more-breaches', 'b-half', 'half']);
  });

  it('keeps at most `limit` services', () => {
    const many = Array.from({ length: 30 }, (_, i) => s(`s${i}`, i, 40));
    expect(worstServices(many)).toHaveLength(10);
    expect(worstServices(many, 3).map(x => x.entityRef)).toEqual([
      's0',
      's1',
      's2',
    ]);
  });
});

describe('achievementChange', () => {
  it('is the difference in points, undefined when either side is n/a', () => {
    expect(
      achievementChange(
        { met: 7, committed: 10, rate: 70 },
        { met: 1, committed: 2, rate: 50 },
      ),
    ).toBe(20);
    expect(
      achievementChange(
        { met: 7, committed: 10, rate: 70 },
        { met: 0, committed: 0 },
      ),
    ).toBeUndefined();
  });
});
