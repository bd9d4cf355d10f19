/**
 * Test and benchmark fixtures: the example configuration of ENGINE.md (the `cn-workdays`
 * calendar and the `gold` tier), an incident, a plan, service credit figures, the benchmarks'
 * objectives and a seeded random source. Shared with the backend and frontend suites through
 * the package's `./testUtils` export; never imported by src/ code.
 */
import type { PeriodCoverage } from '../engine/coverage';
import type { CreditAmount, ServiceCreditLine } from '../engine/credits';
import type { Incident } from '../engine/types';
import type { Plan } from '../plans';

/**
 * How many business calendars this process has built: a suite evaluates a path over many
 * incidents and checks the count grows with the terms versions, not with the incidents.
 */
export { countCalendarsBuilt } from '../engine/calendar';

/** Split shift in Shanghai with the October holidays and one make-up Sunday. */
export const CN_WORKDAYS = {
  timezone: 'Asia/Shanghai',
  hours: { 'mon-fri': '09:00-12:00,13:30-18:00' },
  holidays: ['2026-10-01', '2026-10-02'],
  workdays: ['2026-09-20'],
};

/** The same calendar with the whole 2026 holiday schedule, for year-long benchmarks. */
export const CN_WORKDAYS_2026 = {
  ...CN_WORKDAYS,
  holidays: [
    '2026-01-01',
    ...['2026-02-16', '2026-02-17', '2026-02-18', '2026-02-19', '2026-02-20'],
    '2026-05-01',
    ...['2026-10-01', '2026-10-02', '2026-10-05', '2026-10-06', '2026-10-07'],
  ],
  workdays: ['2026-02-14', '2026-02-28', '2026-09-27', '2026-10-10'],
};

export const GOLD_TIER = {
  'service-hours': '24x7',
  availability: '99.95%',
  'response-time': 'P1=5m P2=15m P3=1h P4=4h',
  'resolution-time': 'P1=2h P2=4h P3=1d P4=3d',
};

/** The raw `sla` config block of the examples (docs/configuration.md): input to readSlaConfig. */
export const EXAMPLE_SLA_CONFIG = {
  defaultTimezone: 'Asia/Shanghai',
  calendars: { 'cn-workdays': CN_WORKDAYS },
  tiers: { gold: GOLD_TIER },
};

/** mulberry32: a deterministic random source, so runs are reproducible and comparable. */
export function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A P2 incident of `component:default/x` created at 0, with `over` on top. */
export function exampleIncident(over: Partial<Incident> = {}): Incident {
  return {
    id: 'INC-1',
    pauses: [],
    source: 'webhook',
    entityRef: 'component:default/x',
    title: 'x',
    priority: 'P2',
    createdAt: 0,
    ...over,
  };
}

/** An in-progress plan of `component:default/cad-core` without actions. */
export const EXAMPLE_PLAN: Plan = {
  id: 'p1',
  entityRef: 'component:default/cad-core',
  title: 'Faster P1 response',
  description: '',
  origin: { type: 'other' },
  addresses: [],
  owner: 'group:default/dispatch-platform',
  targetDate: '2026-12-31',
  status: 'in-progress',
  actions: [],
  createdAt: 0,
  createdBy: 'user:default/olivia',
  updatedAt: 0,
};

/** {@link EXAMPLE_PLAN} with `over` on top. */
export const examplePlan = (over: Partial<Plan> = {}): Plan => ({
  ...EXAMPLE_PLAN,
  ...over,
});

/** Every kind of objective, as the engine and backend benchmarks annotate their services. */
export const BENCH_OBJECTIVES: Record<string, string> = {
  'servicelevel.io/availability': '99.9%',
  'servicelevel.io/response-time': 'P1=15m P2=30m@95% P3=4h P4=1d',
  'servicelevel.io/resolution-time': 'P1=4h P2=8h P3=3d P4=5d',
  'servicelevel.io/max-incidents': 'P1=2 all=60',
  'servicelevel.io/max-outage': '2h',
  'servicelevel.io/min-mtbf': '5d',
  'servicelevel.io/maintenance': 'Sun 02:00-04:00',
};

/**
 * Achievement over 1 of 1 (100 %) and 1 of 3 (33 %): the average of percentages would be
 * 66.7 %, the sum over sums (ENGINE.md) is 2 of 4, 50 %.
 */
export const SUM_OVER_SUMS = {
  results: [
    { met: 1, committed: 1 },
    { met: 1, committed: 3 },
  ],
  achievement: { met: 2, committed: 4, rate: 50 },
};

/**
 * A credit amount as the engine and the API state it, from its decimal form:
 * `creditAmount('7200.00', 'CNY')`. The minor units are the decimals written ('1235' JPY: 0).
 */
export function creditAmount(decimal: string, currency = 'CNY'): CreditAmount {
  const [whole, fraction = ''] = decimal.split('.');
  return {
    currency,
    minorUnits: fraction.length,
    minor: Number(`${whole}${fraction}`),
    decimal,
  };
}

type CreditBand = { below: number; share: number };

/** The bands of SPEC §7's example, `availability<99.9%=10% availability<99%=25%`. */
export const SPEC_AVAILABILITY_BANDS: CreditBand[] = [
  { below: 99.9, share: 10 },
  { below: 99, share: 25 },
];

/** The availability band line of a breached period: the bands, the one that applied and its share. */
export const availabilityBandLine = (
  achieved: number | undefined,
  bands: CreditBand[],
  band: CreditBand,
  shareBp: number,
): ServiceCreditLine => ({
  objective: 'availability',
  kind: 'band',
  status: 'breached',
  achieved,
  bands,
  band,
  shareBp,
});

/** A per-breach line: `breaches` × `ruleShare` % of the fee, as `shareBp`. */
export const perBreachLine = (
  objective: ServiceCreditLine['objective'],
  status: ServiceCreditLine['status'],
  breaches: number,
  ruleShare: number,
  shareBp: number,
): ServiceCreditLine => ({
  objective,
  kind: 'per-breach',
  status,
  breaches,
  ruleShare,
  shareBp,
});

/**
 * October 2026 with PagerDuty not synced for its last 7 days (24 of 31 covered, 77.42 %,
 * below the default 95 %), and a Prometheus account that kept up (SPEC §9).
 */
export const OCTOBER_COVERAGE_BELOW_THRESHOLD: PeriodCoverage = {
  coverage: (24 / 31) * 100,
  threshold: 95,
  sources: [
    {
      source: 'pagerduty',
      account: 'default',
      feeds: 'all',
      coverage: (24 / 31) * 100,
      uncoveredMs: 7 * 86_400_000,
      gaps: [{ start: Date.UTC(2026, 9, 25), end: Date.UTC(2026, 10, 1) }],
    },
    {
      source: 'prometheus',
      account: 'main',
      feeds: 'availability',
      coverage: 100,
      uncoveredMs: 0,
      gaps: [],
    },
  ],
};
