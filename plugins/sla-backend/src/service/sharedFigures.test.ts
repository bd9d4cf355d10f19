import {
  createBusinessCalendar,
  evaluatePeriod,
  figuresOf,
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
      // Resolved later: other texts and times than c's, the same statuses.
      october('component:d', [{ ...answered, resolvedAt: T0 + 3 * HOUR }]),
      // Answered late: a breach, so other statuses than c's and d's.
      october('component:e', [{ ...answered, acknowledgedAt: T0 + 3 * HOUR }]),
    ];
    const all = [...quiet, ...busy];
    const [a, b, c, d, e] = all.map(r => shared.figures(r));

    // Equal statuses and availability sums, one object each, whatever service they came
    // from and whatever their texts said: quiet October is met throughout, as c is.
    expect(b.objectives).toBe(a.objectives);
    expect(c.objectives).toBe(a.objectives);
    expect(b.availability).toBe(a.availability);
    expect(d.objectives).toBe(c.objectives);
    expect(c.availability).toBe(a.availability); // no outage in any of them

    // Different statuses are not merged.
    const response = (f: typeof a) =>
      f.objectives.find(o => o.objective === 'response-time:P1')!;
    expect(response(c).status).toBe('met');
    expect(response(e).status).toBe('breached');
    expect(e.objectives).not.toBe(c.objectives);
    // Held: two objective lists (all met; e's) and one availability.
    expect(shared.size).toBe(3);

    // Every figure reads as the engine computed it, and as figuresOf gives it.
    all.forEach((r, i) => {
      const f = [a, b, c, d, e][i];
      expect(JSON.stringify(f)).toBe(JSON.stringify(figuresOf(r)));
      expect(f.objectives.map(o => [o.objective, o.status])).toEqual(
        r.objectives.map(o => [o.objective, o.status]),
      );
      expect(f.met).toBe(r.met);
      expect(f.committed).toBe(r.committed);
    });
    // Nothing of the objectives' texts is held.
    expect(JSON.stringify(c)).not.toContain('met (');
  });

  it('freezes what it shares, so that no caller changes another service’s figures', () => {
    const f = new SharedFigures().figures(october('component:a', []));
    expect(() => {
      (f.objectives[0] as { status: string }).status = 'breached';
    }).toThrow(TypeError);
    expect(() => {
      (f.objectives as unknown[]).push({});
    }).toThrow(TypeError);
    expect(() => {
      (f.availability as { downtimeMs: number }).downtimeMs = 1;
    }).toThrow(TypeError);
  });

  it('shares a result read back from its stored JSON with the computed one', () => {
    const shared = new SharedFigures();
    const computed = october('component:c', [
      { acknowledgedAt: T0 + HOUR / 2, resolvedAt: T0 + 2 * HOUR },
    ]);
    const first = shared.figures(computed);
    const stored = JSON.parse(JSON.stringify(computed)) as PeriodResult;
    const again = shared.figures(stored);
    expect(again.objectives).toBe(first.objectives);
    expect(again.availability).toBe(first.availability);
  });

  it('does not share parts that differ in any figure', () => {
    const computed = october('component:c', [
      { acknowledgedAt: T0 + HOUR / 2, resolvedAt: T0 + 2 * HOUR },
    ]);
    const [first, ...rest] = computed.objectives;
    const variants: Array<[string, PeriodResult]> = [
      [
        'an objective',
        {
          ...computed,
          objectives: [{ ...first, objective: 'max-outage' }, ...rest],
        },
      ],
      [
        'a status',
        { ...computed, objectives: [{ ...first, status: 'at-risk' }, ...rest] },
      ],
      ['one objective fewer', { ...computed, objectives: rest }],
      ...(['astMs', 'downtimeMs', 'provisional'] as const).map(
        f =>
          [
            `availability.${f}`,
            {
              ...computed,
              availability: {
                ...computed.availability,
                [f]: f === 'provisional' ? !computed.availability[f] : 7,
              },
            },
          ] as [string, PeriodResult],
      ),
    ];
    const differs = variants.map(([field, changed]) => {
      const shared = new SharedFigures();
      const base = shared.figures(computed);
      const f = shared.figures(changed);
      const part = field.startsWith('availability')
        ? 'availability'
        : 'objectives';
      return [field, f[part] !== base[part]] as const;
    });
    expect(differs.filter(([, d]) => !d)).toEqual([]);
    expect(differs).toHaveLength(6);
  });
});
