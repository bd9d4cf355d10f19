import {
  createBusinessCalendar,
  evaluatePeriod,
  Incident,
  parseSlaAnnotations,
  PeriodResult,
  readSlaConfig,
} from '@servicelevel/plugin-sla-common';
import { SharedFigures } from './sharedFigures';

const { config: slaConfig } = readSlaConfig({});
const parsed = parseSlaAnnotations(
  {
    'servicelevel.io/timezone': 'Asia/Shanghai',
    'servicelevel.io/service-hours': 'Mon-Fri 09:00-18:00',
    'servicelevel.io/availability': '99.9%',
    'servicelevel.io/response-time': 'P1=1h P2=4h',
    'servicelevel.io/resolution-time': 'P1=8h P2=24h',
  },
  slaConfig,
);
const terms = parsed.terms!;
const HOUR = 3_600_000;
// Thursday 1 October 2026, 10:00 in Shanghai, and October there.
const T0 = Date.UTC(2026, 9, 1, 2);
const OCTOBER = {
  key: '2026-10',
  start: Date.UTC(2026, 8, 30, 16),
  end: Date.UTC(2026, 9, 31, 16),
};

/** October of a service with these incidents, as the engine gives it. */
function october(
  entityRef: string,
  incidents: Partial<Incident>[],
): PeriodResult {
  return evaluatePeriod({
    terms,
    calendar: createBusinessCalendar(terms, slaConfig),
    incidents: incidents.map((i, n) => ({
      source: 'test',
      id: `${entityRef}-${n}`,
      entityRef,
      title: 'incident',
      priority: 'P1',
      createdAt: T0,
      pauses: [],
      ...i,
    })),
    period: OCTOBER,
    now: OCTOBER.end + HOUR,
  });
}

describe('SharedFigures', () => {
  it('gives services with equal figures the same objects, and keeps every figure as it was', () => {
    const shared = new SharedFigures();
    const quiet = [october('component:a', []), october('component:b', [])];
    const answered = {
      acknowledgedAt: T0 + HOUR / 2,
      resolvedAt: T0 + 2 * HOUR,
    };
    const busy = [
      october('component:c', [answered]),
      october('component:d', [answered]),
      // Answered late: a breach, so other figures than c's and d's.
      october('component:e', [{ ...answered, acknowledgedAt: T0 + 3 * HOUR }]),
    ];
    const [a, b, c, d, e] = [...quiet, ...busy].map(r => shared.figures(r));

    // Equal figures, one object each, whatever service they came from.
    expect(a.objectives).toHaveLength(quiet[0].objectives.length);
    a.objectives.forEach((o, i) => expect(b.objectives[i]).toBe(o));
    expect(b.availability).toBe(a.availability);
    c.objectives.forEach((o, i) => expect(d.objectives[i]).toBe(o));

    // Different figures are not merged.
    const response = (f: typeof a) =>
      f.objectives.find(o => o.objective === 'response-time:P1')!;
    expect(response(a).actual.display).toBe('no incidents');
    expect(response(c).status).toBe('met');
    expect(response(e).status).toBe('breached');
    expect(response(e)).not.toBe(response(c));
    expect(c.availability).toBe(a.availability); // no outage in any of them
    // Only distinct figures are held: a's and c's objectives differ in P1's two clocks, and
    // e's response differs from c's.
    const distinct = new Set(
      [a, b, c, d, e].flatMap(f => [...f.objectives, f.availability]),
    );
    expect(shared.size).toBe(distinct.size);
    expect(distinct.size).toBeLessThan(5 * (quiet[0].objectives.length + 1));

    // Every figure reads as the engine computed it.
    [...quiet, ...busy].forEach((r, i) => {
      const f = [a, b, c, d, e][i];
      expect(JSON.stringify(f.objectives)).toBe(JSON.stringify(r.objectives));
      expect(JSON.stringify(f.availability)).toBe(
        JSON.stringify(r.availability),
      );
    });
  });

  it('freezes what it shares, so that no caller changes another service’s figures', () => {
    const f = new SharedFigures().figures(october('component:a', []));
    expect(() => {
      (f.objectives[0] as { status: string }).status = 'breached';
    }).toThrow(TypeError);
    expect(() => {
      (f.objectives[0].actual as { display: string }).display = 'x';
    }).toThrow(TypeError);
    expect(() => {
      (f.availability as { downtimeMs: number }).downtimeMs = 1;
    }).toThrow(TypeError);
  });
});

describe('SharedFigures: what counts as equal', () => {
  const computed = october('component:c', [
    { acknowledgedAt: T0 + HOUR / 2, resolvedAt: T0 + 2 * HOUR },
  ]);

  it('shares a result read back from its stored JSON with the computed one', () => {
    const shared = new SharedFigures();
    const first = shared.figures(computed);
    const stored = JSON.parse(JSON.stringify(computed)) as PeriodResult;
    const again = shared.figures(stored);
    first.objectives.forEach((o, i) => expect(again.objectives[i]).toBe(o));
    expect(again.availability).toBe(first.availability);
  });

  it('does not share figures that differ in any one field', () => {
    const objective = computed.objectives.find(
      o => o.objective === 'response-time:P1',
    )!;
    const variants: Array<[string, unknown]> = [
      ['objective', { ...objective, objective: 'response-time:P2' }],
      ['status', { ...objective, status: 'breached' }],
      ['statusOnDataReceived', { ...objective, statusOnDataReceived: 'met' }],
      ['hasTarget', { ...objective, hasTarget: false }],
      ...(['display', 'value', 'percentile'] as const).map(
        f =>
          [
            `target.${f}`,
            { ...objective, target: { ...objective.target, [f]: 7 } },
          ] as [string, unknown],
      ),
      ...(['display', 'value', 'counted', 'metCount', 'worstMs'] as const).map(
        f =>
          [
            `actual.${f}`,
            { ...objective, actual: { ...objective.actual, [f]: 7 } },
          ] as [string, unknown],
      ),
    ];
    const availabilityFields = [
      'astMs',
      'elapsedAstMs',
      'downtimeMs',
      'availability',
      'target',
      'budgetMs',
      'budgetRemainingMs',
      'provisional',
      'status',
      'statusOnDataReceived',
    ] as const;
    // A table each, so that no variant is compared after an earlier one pushed base out.
    const withBase = () => {
      const shared = new SharedFigures();
      return { shared, base: shared.figures(computed) };
    };
    const differs = [
      ...variants.map(([field, changed]) => {
        const { shared, base } = withBase();
        const f = shared.figures({
          ...computed,
          objectives: [changed as typeof objective],
        });
        return [field, !base.objectives.includes(f.objectives[0])] as const;
      }),
      ...availabilityFields.map(field => {
        const { shared, base } = withBase();
        const value = computed.availability[field];
        const f = shared.figures({
          ...computed,
          availability: {
            ...computed.availability,
            [field]: typeof value === 'boolean' ? !value : 7,
          },
        });
        return [`availability.${field}`, f.availability !== base.availability];
      }),
    ];
    expect(differs.filter(([, d]) => !d)).toEqual([]);
    expect(differs).toHaveLength(12 + availabilityFields.length);
  });
});
