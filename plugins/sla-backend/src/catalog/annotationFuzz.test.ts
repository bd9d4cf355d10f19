import { Entity } from '@backstage/catalog-model';
import { CatalogProcessorResult } from '@backstage/plugin-catalog-node';
import { JsonValue } from '@backstage/types';
import {
  hasSlaAnnotations,
  parseSlaAnnotations,
  readSlaConfig,
  SLA_OBJECTIVE_KEYS,
} from '@servicelevel/plugin-sla-common';
import { SlaAnnotationsProcessor } from './SlaAnnotationsProcessor';

/**
 * 100,000 fuzzed annotation values (20,000 entities × 5 keys) through the catalog processor
 * (issue 8). Seeded, so a failure names a reproducible entity. Checks: the processor never
 * throws and never changes the entity; it emits exactly one processing error per problem
 * the parser finds, each naming the key; a value that cannot be valid for a strict key is
 * always reported under that key, and a known-good value never is.
 */

const { config } = readSlaConfig({
  calendars: {
    'cn-workdays': {
      timezone: 'Asia/Shanghai',
      hours: { 'mon-fri': '09:00-12:00,13:30-18:00' },
    },
  },
  tiers: { gold: { availability: '99.95%', 'response-time': 'P1=5m' } },
});

const P = 'servicelevel.io/';
/** Known-good values per key. */
const GOOD: Record<string, string[]> = {
  tier: ['gold'],
  'service-hours': [
    '24x7',
    'calendar:cn-workdays',
    'Mon-Fri 09:00-18:00',
    'Mon-Fri 09:00-12:00,13:30-18:00',
  ],
  timezone: ['Asia/Shanghai', 'UTC', 'America/New_York'],
  availability: ['99.9%', '99.95%', '95%'],
  'response-time': ['P1=15m P2=30m P3=4h P4=1d', 'P1=5m@95%', 'P2=1d4h'],
  'resolution-time': ['P1=4h P2=8h P3=3d', 'P1=2h'],
  'max-incidents': ['P1=0 P2=2 all=10', 'all=60'],
  'max-outage': ['2h', '30m', '1d4h'],
  'min-mtbf': ['15d', '5d'],
  period: ['monthly', 'quarterly', 'yearly'],
  report: ['monthly', 'quarterly'],
  maintenance: ['Sun 02:00-04:00', 'Sun 02:00-04:00; Sat 01:00-02:00'],
  customer: ['group:default/dispatch-center'],
  agreement: ['TFDL-SLA-2026-07'],
  'review-by': ['2027-01-06'],
  sources: ['pagerduty, servicenow'],
  'priority-map': ['SEV1=P1 SEV2=P2 high=P2 low=P4'],
};
const KEYS = Object.keys(GOOD);
/** Keys whose grammar no run of plain letters satisfies. */
const STRICT = new Set<string>([
  'tier',
  'service-hours',
  'timezone',
  ...SLA_OBJECTIVE_KEYS,
  'period',
  'report',
  'maintenance',
  'review-by',
  'priority-map',
]);

let seed = 8;
function rand(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];

const HOSTILE = [
  ...'=@%:;,.-+/ \t\n0123456789PpdhmsQxX',
  '\u0000',
  '\u202e',
  '\ud800',
  '🔥',
  'é',
  '"',
  "'",
  '<script>',
  '${',
  '%s',
  '1e309',
  'NaN',
  '-0',
  'Infinity',
  'P0=',
  'P5=',
  '@101%',
  '25:00',
  '24:00',
  'Feb-30',
  'calendar:',
  'Mars/Olympus',
];

function mutate(value: string): string {
  const chars = [...value];
  const edits = 1 + Math.floor(rand() * 4);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(rand() * (chars.length + 1));
    const r = rand();
    if (r < 0.4) chars.splice(at, 0, pick(HOSTILE));
    else if (r < 0.7) chars.splice(at, 1);
    else chars.splice(at, 1, pick(HOSTILE));
  }
  return chars.join('');
}

/** Plain letters that spell no unit, weekday, priority, tier or zone. */
function garbage(): string {
  let s = 'zq';
  const n = 2 + Math.floor(rand() * 10);
  for (let i = 0; i < n; i++) s += pick([...'bcfgjkvwxz']);
  return s;
}

function fuzzValue(key: string): {
  value: string;
  kind: 'good' | 'bad' | 'fuzz';
} {
  const r = rand();
  if (r < 0.25) return { value: pick(GOOD[key]), kind: 'good' };
  if (r < 0.4 && STRICT.has(key)) return { value: garbage(), kind: 'bad' };
  if (r < 0.42) return { value: '', kind: 'fuzz' };
  if (r < 0.422) {
    // Oversized: up to ~20 kB.
    return {
      value: pick(GOOD[key]).repeat(100 + Math.floor(rand() * 600)),
      kind: 'fuzz',
    };
  }
  if (r < 0.6) {
    // Tokens of every grammar glued together.
    const parts = [];
    for (let i = 0, n = 1 + Math.floor(rand() * 5); i < n; i++) {
      parts.push(rand() < 0.5 ? pick(GOOD[pick(KEYS)]) : pick(HOSTILE));
    }
    return { value: parts.join(pick([' ', '', ';', ','])), kind: 'fuzz' };
  }
  return { value: mutate(pick(GOOD[key])), kind: 'fuzz' };
}

function acceptedCache() {
  const data = new Map<string, JsonValue>([['accepted-once', true]]);
  return {
    get: async <T extends JsonValue>(k: string) => data.get(k) as T | undefined,
    set: async <T extends JsonValue>(k: string, v: T) => {
      data.set(k, v);
    },
  };
}

const location = {
  type: 'url',
  target: 'https://example.com/catalog-info.yaml',
};

describe('SlaAnnotationsProcessor under 100,000 fuzzed annotation values', () => {
  it('never crashes and reports every problem, naming its key', async () => {
    const processor = new SlaAnnotationsProcessor(config);
    const ENTITIES = 20_000;
    const PER_ENTITY = 5;
    /** Values fuzzed, problems reported, bad and good values checked. */
    const tally = { values: 0, reported: 0, badChecked: 0, goodChecked: 0 };
    const failures: string[] = [];

    for (let n = 0; n < ENTITIES && failures.length < 10; n++) {
      const annotations: Record<string, string> = {};
      const kinds = new Map<string, 'good' | 'bad' | 'fuzz'>();
      while (kinds.size < PER_ENTITY) {
        const key = pick(KEYS);
        if (kinds.has(key)) continue;
        const { value, kind } = fuzzValue(key);
        annotations[P + key] = value;
        kinds.set(key, kind);
      }
      // A typo'd key now and then: the parser should flag it too, but it is not counted
      // among the 100,000 values.
      if (rand() < 0.05) annotations[`${P}availabilty`] = '99.9%';
      tally.values += PER_ENTITY;

      const entity: Entity = {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: { name: `fuzz-${n}`, annotations },
      };
      const before = JSON.stringify(entity);
      const emitted: CatalogProcessorResult[] = [];
      let out: Entity;
      try {
        out = await processor.postProcessEntity(
          entity,
          location,
          r => emitted.push(r),
          acceptedCache(),
        );
      } catch (e) {
        failures.push(`entity ${n} threw ${e}: ${JSON.stringify(annotations)}`);
        continue;
      }
      const { problems } = parseSlaAnnotations(annotations, config);
      tally.reported += emitted.length;

      if (out !== entity || JSON.stringify(out) !== before) {
        failures.push(`entity ${n} was changed`);
      }
      if (emitted.length !== problems.length) {
        failures.push(
          `entity ${n}: ${problems.length} problems but ${emitted.length} errors emitted`,
        );
      }
      for (const r of emitted) {
        if (r.type !== 'error' || r.error.name !== 'InputError') {
          failures.push(
            `entity ${n}: emitted ${r.type} rather than an input error`,
          );
        }
      }
      for (const p of problems) {
        if (!(p.key in annotations) || !p.message.includes(p.key)) {
          failures.push(
            `entity ${n}: problem not naming its key: ${p.message}`,
          );
        }
      }
      const keysWithProblems = new Set(problems.map(p => p.key));
      // The parser reports nothing for an entity without an SLA (no tier, no objective key),
      // by design of sla-common: such an entity is not an SLA entity at all. (Finding: a
      // lone misspelt objective key therefore goes unreported; raised with sla-common.)
      const hasSla = hasSlaAnnotations(annotations);
      for (const [key, kind] of kinds) {
        if (kind === 'bad' && hasSla) {
          tally.badChecked++;
          if (!keysWithProblems.has(P + key)) {
            failures.push(
              `entity ${n}: ${P + key}: "${
                annotations[P + key]
              }" was not reported`,
            );
          }
        }
      }
      // Known-good values are reported only when every key is known-good and the entity
      // carries no typo'd key (an override can legitimately conflict with another key).
      if (
        [...kinds.values()].every(k => k === 'good') &&
        !(`${P}availabilty` in annotations)
      ) {
        tally.goodChecked++;
        if (problems.length > 0) {
          failures.push(
            `entity ${n}: good values reported: ${problems
              .map(p => p.message)
              .join('; ')}`,
          );
        }
      }
    }

    expect(failures).toEqual([]);
    expect(tally.values).toBe(100_000);
    // The fuzz must actually have produced problems and exercised both oracles.
    expect(tally.reported).toBeGreaterThan(10_000);
    expect(tally.badChecked).toBeGreaterThan(5_000);
    expect(tally.goodChecked).toBeGreaterThan(0);
  });
});
