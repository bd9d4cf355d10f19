/* eslint-disable no-console */
/**
 * Engine benchmark: 1,000,000 incidents over one year for 2,000 services with
 * a mix of calendars (24x7 UTC; split shift with holidays in Asia/Shanghai;
 * office hours in America/New_York, a DST zone). Evaluates response,
 * resolution and availability through evaluatePeriod (yearly and monthly),
 * prints incidents/second, peak RSS and the share of each run's wall time the main
 * thread spent in garbage collection pauses (v8's GCProfiler; concurrent marking on
 * helper threads is not in it). Goal (issue 14): ≥ 3,000,000 incidents/s
 * yearly, GC share < 10 %.
 *
 *   yarn bench:engine [incidents] [services] [runs]
 *
 * `runs` (default 1) repeats the yearly and monthly runs in the same process and prints
 * the median of each, since the machine is shared.
 */
import { GCProfiler, getHeapStatistics } from 'node:v8';
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
const RUNS = Number(process.argv[4] ?? 1);
const YEAR = 2026;

const rand = seededRandom(42);

type GcFigures = { gcMs: number; byKind: string; allocatedBytes: number };

/**
 * Main-thread GC pause time (ms) of `run`, total and by kind, and the bytes it allocated
 * on the V8 heap (growth of the used heap between collections), from v8's GCProfiler.
 */
function withGc<T>(run: () => T): { value: T } & GcFigures {
  const profiler = new GCProfiler();
  const usedAtStart = getHeapStatistics().used_heap_size;
  profiler.start();
  const value = run();
  const usedAtEnd = getHeapStatistics().used_heap_size;
  const kinds = new Map<string, { n: number; ms: number }>();
  let gcMs = 0;
  let allocatedBytes = 0;
  let usedAfterLast = usedAtStart;
  for (const s of profiler.stop()?.statistics ?? []) {
    const k = kinds.get(s.gcType) ?? { n: 0, ms: 0 };
    k.n++;
    k.ms += s.cost / 1000;
    kinds.set(s.gcType, k);
    gcMs += s.cost / 1000;
    allocatedBytes += s.beforeGC.heapStatistics.usedHeapSize - usedAfterLast;
    usedAfterLast = s.afterGC.heapStatistics.usedHeapSize;
  }
  allocatedBytes += usedAtEnd - usedAfterLast;
  const byKind = [...kinds]
    .map(([kind, k]) => `${k.n} ${kind} ${k.ms.toFixed(0)} ms`)
    .join(', ');
  return { value, gcMs, byKind, allocatedBytes };
}

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

type Run = {
  ms: number;
  cpuMs: number;
  incidents: number;
  checksum: number;
};

function runYearly(): Run {
  const cpu0 = process.cpuUsage();
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
  return finish(start, cpu0, incidents, checksum);
}

function finish(
  start: number,
  cpu0: NodeJS.CpuUsage,
  incidents: number,
  checksum: number,
): Run {
  const ms = performance.now() - start;
  const cpu = process.cpuUsage(cpu0);
  return {
    start,
    ms,
    cpuMs: (cpu.user + cpu.system) / 1000,
    incidents,
    checksum,
  };
}

function runMonthly(): Run {
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  let evaluated = 0;
  let checksum = 0;
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
      const r = evaluatePeriod({
        terms,
        calendar,
        incidents: slice,
        period,
        now,
      });
      evaluated += slice.length;
      checksum += r.met + r.availability.downtimeMs / 1e6 + r.incidents.length;
    }
    if (s % 100 === 0) sample();
  }
  return finish(start, cpu0, evaluated, checksum);
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

const perSecond = (r: Run) => r.incidents / (r.ms / 1000);
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

function measure(name: string, run: () => Run): { r: Run; gcShare: number } {
  const { value: r, gcMs, byKind, allocatedBytes } = withGc(run);
  const gcShare = (gcMs / r.ms) * 100;
  console.log(
    `${name}: ${r.incidents} incident-evaluations in ${(r.ms / 1000).toFixed(
      2,
    )} s → ${fmt(perSecond(r))} /s (CPU ${(r.cpuMs / 1000).toFixed(
      2,
    )} s → ${fmt(r.incidents / (r.cpuMs / 1000))} /CPU-s), GC ${gcShare.toFixed(
      1,
    )} % (${byKind}), allocated ${fmt(
      allocatedBytes / r.incidents,
    )} B/incident, checksum ${r.checksum.toFixed(0)}`,
  );
  return { r, gcShare };
}

function main() {
  const yearly: Run[] = [];
  const monthly: Run[] = [];
  const yearlyGc: number[] = [];
  const monthlyGc: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const y = measure('yearly', runYearly);
    yearly.push(y.r);
    yearlyGc.push(y.gcShare);
    const m = measure('monthly (12 periods/service)', runMonthly);
    monthly.push(m.r);
    monthlyGc.push(m.gcShare);
  }
  sample();
  const y = median(yearly.map(perSecond));
  console.log(
    `median of ${RUNS}: yearly ${fmt(y)} incidents/s, GC ${median(
      yearlyGc,
    ).toFixed(1)} %; monthly ${fmt(
      median(monthly.map(perSecond)),
    )} /s, GC ${median(monthlyGc).toFixed(1)} %`,
  );
  console.log(`peak RSS: ${(peakRss / 1024 / 1024).toFixed(0)} MiB`);
  console.log(
    y >= 3_000_000 && median(yearlyGc) < 10
      ? 'GOAL MET: ≥ 3,000,000 incidents/s yearly, GC < 10 %'
      : 'goal not met (≥ 3,000,000 incidents/s yearly, GC < 10 %)',
  );
}

main();
