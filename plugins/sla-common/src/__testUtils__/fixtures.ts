/**
 * Test and benchmark fixtures: the example configuration of ENGINE.md (the `cn-workdays`
 * calendar and the `gold` tier) and a seeded random source. Never imported by src/ code.
 */

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

/** The raw `sla` config block of the examples: input to readSlaConfig. */
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
