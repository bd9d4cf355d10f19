/* eslint-disable no-console */
/**
 * Engine benchmark: 1,000,000 incidents over one year for 2,000 services with
 * a mix of calendars (24x7 UTC; split shift with holidays in Asia/Shanghai;
 * office hours in America/New_York, a DST zone). Evaluates response,
 * resolution and availability through evaluatePeriod (yearly and monthly),
 * prints incidents/second and peak RSS. Goal: ≥ 1,000,000 incidents in 2 s.
 *
 *   npx ts-node --transpile-only bench/engine.bench.ts [incidents] [services]
 */
import {
  Incident,
  Priority,
  SlaTerms,
  createBusinessCalendar,
  evaluatePeriod,
  parseSlaAnnotations,
  periodsOf,
  readSlaConfig,
  resolvePeriod,
} from '../src/engine';
import {
  BENCH_OBJECTIVES,
  CN_WORKDAYS_2026,
  seededRandom,
} from '../src/__testUtils__/fixtures';

const TOTAL = Number(process.argv[2] ?? 1_000_000);
const SERVICES = Number(process.argv[3] ?? 2_000);
const YEAR = 2026;

const rand = seededRandom(42);

let peakRss = 0;
const sample = () => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
};

const { config } = readSlaConfig({
  calendars: { 'cn-workdays': CN_WORKDAYS_2026 },
});
const variantAnnotations: Array<Record<string, string>> = [
  {
    'servicelevel.io/service-hours': '24x7',
    'servicelevel.io/timezone': 'UTC',
  },
  { 'servicelevel.io/service-hours': 'calendar:cn-workdays' },
  {
    'servicelevel.io/service-hours': 'Mon-Fri 08:00-20:00',
    'servicelevel.io/timezone': 'America/New_York',
  },
];
const variants: SlaTerms[] = variantAnnotations.map(
  a => parseSlaAnnotations({ ...a, ...BENCH_OBJECTIVES }, config).terms!,
);

const yearStart = Date.UTC(YEAR, 0, 1);
const yearMs = Date.UTC(YEAR + 1, 0, 1) - yearStart;
const PRIOS: Priority[] = ['P1', 'P2', 'P3', 'P4'];
const perService = Math.floor(TOTAL / SERVICES);

console.log(
  `generating ${perService * SERVICES} incidents for ${SERVICES} services…`,
);
const t0 = performance.now();
const services: Array<{ terms: SlaTerms; incidents: Incident[] }> = [];
for (let s = 0; s < SERVICES; s++) {
  const incidents: Incident[] = [];
  for (let i = 0; i < perService; i++) {
    const createdAt = yearStart + Math.floor(rand() * yearMs);
    const r = rand();
    const inc: Incident = {
      source: 'webhook',
      id: `S${s}-${i}`,
      entityRef: `component:default/svc-${s}`,
      title: 'incident',
      priority: PRIOS[Math.floor(r * 4)],
      createdAt,
      pauses: [],
    };
    if (r < 0.97)
      inc.acknowledgedAt = createdAt + Math.floor(rand() * 3_600_000);
    if (r < 0.95)
      inc.resolvedAt = createdAt + Math.floor(rand() * 5 * 86_400_000);
    if (rand() < 0.1) {
      const ps = createdAt + Math.floor(rand() * 3_600_000);
      inc.pauses.push({ start: ps, end: ps + Math.floor(rand() * 86_400_000) });
    }
    if (rand() < 0.2) {
      inc.outage = {
        start: createdAt,
        end: createdAt + Math.floor(rand() * 7_200_000),
        planned: rand() < 0.1,
      };
    }
    incidents.push(inc);
  }
  incidents.sort((a, b) => a.createdAt - b.createdAt);
  services.push({ terms: variants[s % variants.length], incidents });
  if (s % 100 === 0) sample();
}
console.log(`generated in ${((performance.now() - t0) / 1000).toFixed(2)} s`);
sample();

const now = Date.UTC(YEAR + 1, 0, 15);

function runYearly(): { ms: number; incidents: number; checksum: number } {
  const start = performance.now();
  let incidents = 0;
  let checksum = 0;
  for (let s = 0; s < services.length; s++) {
    const { terms, incidents: list } = services[s];
    const calendar = createBusinessCalendar(terms, config);
    const period = resolvePeriod(String(YEAR), terms.timezone);
    const r = evaluatePeriod({ terms, calendar, incidents: list, period, now });
    incidents += list.length;
    checksum += r.met + r.availability.downtimeMs / 1e6 + r.incidents.length;
    if (s % 100 === 0) sample();
  }
  return { ms: performance.now() - start, incidents, checksum };
}

function runMonthly(): { ms: number; incidents: number } {
  const start = performance.now();
  let evaluated = 0;
  for (let s = 0; s < services.length; s++) {
    const { terms, incidents: list } = services[s];
    const calendar = createBusinessCalendar(terms, config);
    const months = periodsOf(
      'month',
      terms.timezone,
      Date.UTC(YEAR, 0, 2),
      Date.UTC(YEAR, 11, 30),
    );
    // Bucket: an incident can only count in a period it was open in (creation month
    // up to 6 days later, the longest resolution here), so pass that window only.
    let lo = 0;
    for (const period of months) {
      while (
        lo < list.length &&
        list[lo].createdAt < period.start - 6 * 86_400_000
      )
        lo++;
      let hi = lo;
      while (hi < list.length && list[hi].createdAt < period.end) hi++;
      const slice = list.slice(lo, hi);
      evaluatePeriod({ terms, calendar, incidents: slice, period, now });
      evaluated += slice.length;
    }
    if (s % 100 === 0) sample();
  }
  return { ms: performance.now() - start, incidents: evaluated };
}

// Warm-up on a slice so the JIT and calendar caches are hot, as in a running backend.
const warm = services.slice(0, 30);
for (const { terms, incidents } of warm) {
  evaluatePeriod({
    terms,
    calendar: createBusinessCalendar(terms, config),
    incidents,
    period: resolvePeriod(String(YEAR), terms.timezone),
    now,
  });
}

const y = runYearly();
console.log(
  `yearly: ${y.incidents} incidents in ${(y.ms / 1000).toFixed(
    2,
  )} s → ${Math.round(y.incidents / (y.ms / 1000)).toLocaleString(
    'en-US',
  )} incidents/s (checksum ${y.checksum.toFixed(0)})`,
);
const m = runMonthly();
console.log(
  `monthly (12 periods/service): ${m.incidents} incident-evaluations in ${(
    m.ms / 1000
  ).toFixed(2)} s → ${Math.round(m.incidents / (m.ms / 1000)).toLocaleString(
    'en-US',
  )} /s`,
);
sample();
console.log(`peak RSS: ${(peakRss / 1024 / 1024).toFixed(0)} MiB`);
console.log(
  y.ms <= 2000 && y.incidents >= 1_000_000
    ? 'GOAL MET: ≥1,000,000 incidents in ≤2 s'
    : 'goal not met',
);
