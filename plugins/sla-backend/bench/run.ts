/* eslint-disable no-console */
/**
 * Organisation-size benchmark of the SLA backend (issue 8). Prints one table.
 *
 *   yarn bench -- [--services 2000] [--groups 40] [--incidents 1000000]
 *                 [--db sqlite|pg|both] [--duration 10] [--pg postgresql://postgres@127.0.0.1:5432]
 *
 * Per database it: loads terms versions and entities straight into the stores; pushes the
 * incidents through POST /incidents of an in-process backend in batches of 1,000; times a
 * bare SELECT of the incident rows of the year against a full live recompute of every
 * service × every period of the year (ComplianceService.evaluateAll, the incidents streamed
 * in pages, one entity's held at a time) and samples RSS meanwhile; then times a batch of
 * 1,000 new incidents until reads show it, and measures API latency with autocannon
 * (20 connections, loopback, gzip accepted) in a child process. --profile DIR writes CPU
 * profiles of the backend for those last steps.
 */
import { fork } from 'child_process';
import fs from 'fs';
import http from 'http';
import { Session } from 'inspector';
import os from 'os';
import path from 'path';
import {
  constants as perfConstants,
  monitorEventLoopDelay,
  PerformanceObserver,
  type PerformanceEntry,
} from 'perf_hooks';
import { Worker } from 'worker_threads';
import type { Knex } from 'knex';
import {
  coreServices,
  createServiceFactory,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  parseSlaAnnotations,
  readSlaConfig,
  serializeTerms,
} from '@servicelevel/plugin-sla-common';
import { slaPlugin } from '../src/plugin';
import {
  DatabaseEntityStore,
  DatabaseIncidentStore,
  DatabaseSnapshotStore,
  DatabaseTermsStore,
} from '../src/database';
import { relevantTo } from '../src/database/DatabaseIncidentStore';
import {
  backgroundPublications,
  ComplianceService,
} from '../src/service/ComplianceService';
import { TermsPreview } from '../src/service/TermsPreview';
import { recentOverviewBuilds } from '../src/service/overview';
import {
  annotationVariants,
  BENCH_OBJECTIVES,
  CN_WORKDAYS_2026,
  GOLD_TIER,
  seededRandom,
} from '../src/__testUtils__/slaConfig';
import { arg } from './args';
import {
  connectDatabase,
  databaseKinds,
  DatabaseKind,
  openDatabase,
} from './db';

// ---------------------------------------------------------------- arguments

const SERVICES = Number(arg('services', '2000'));
const GROUPS = Number(arg('groups', '40'));
const INCIDENTS = Number(arg('incidents', '1000000'));
const DURATION = Number(arg('duration', '10'));
/** --latency off skips the autocannon runs (e.g. to profile ingestion and recompute). */
const LATENCY = arg('latency', 'on') !== 'off';
/** --explain prints the plan of one open-month listForEntity query (PostgreSQL: EXPLAIN ANALYZE). */
const EXPLAIN = process.argv.includes('--explain');
const HEAP_MB = arg('recompute-heap', '');
/**
 * --profile DIR writes a CPU profile of this process (the backend under test) for the
 * 100,000 incidents ingested after the first half (the profiler slows them a little, and the
 * ingestion figure with them), the batch-reflect step and each latency target:
 * DIR/<db>-<step>.cpuprofile (open in Chrome's DevTools, or sum self time per function).
 */
const PROFILE_DIR = arg('profile', '');
/**
 * --heap-profile (with --profile DIR) also samples the heap from the first of those steps
 * on, and writes DIR/<db>-<step>.heapprofile at each step's end: the objects then alive
 * after a full collection, by the function that allocated them (those allocated before the
 * first step, such as the stores, are not in it). It prints the largest allocators, so that
 * what fills the heap is measured, not guessed.
 */
const HEAP_PROFILE = process.argv.includes('--heap-profile');

/** Bytes as whole megabytes (2^20), grouped for reading. */
const mb = (n: number) => Math.round(n / 1048576).toLocaleString('en-US');

type HeapNode = {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: HeapNode[];
};

/** The live bytes of a sampling heap profile summed per allocating function, largest first. */
function heapByFunction(head: HeapNode, top = 12) {
  const bytes = new Map<string, number>();
  const visit = (node: HeapNode) => {
    const { functionName, url, lineNumber } = node.callFrame;
    const key = `${functionName || '(anonymous)'} ${path.basename(url)}:${
      lineNumber + 1
    }`;
    bytes.set(key, (bytes.get(key) ?? 0) + node.selfSize);
    node.children.forEach(visit);
  };
  visit(head);
  const total = [...bytes.values()].reduce((a, b) => a + b, 0);
  const largest = [...bytes.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([key, size]) => `  ${mb(size).padStart(6)} MB  ${key}`);
  return { total, largest };
}

/** An inspector session and its promise-returning `post`. */
function inspectorSession() {
  const session = new Session();
  session.connect();
  const post = (method: string, params?: object) =>
    new Promise<any>((resolve, reject) =>
      session.post(method, params, (err, result) =>
        err ? reject(err) : resolve(result),
      ),
    );
  return { session, post };
}

/** The heap sampler's session: it lives from the first profiled step to the end. */
let heapSampler: ReturnType<typeof inspectorSession> | undefined;

/** Writes the heap sampled so far, after a full collection, and prints its largest allocators. */
async function writeHeapProfile(name: string, file: string) {
  if (!heapSampler) {
    heapSampler = inspectorSession();
    await heapSampler.post('HeapProfiler.enable');
    await heapSampler.post('HeapProfiler.startSampling', {
      samplingInterval: 65536,
    });
    return;
  }
  await heapSampler.post('HeapProfiler.collectGarbage');
  const { profile } = await heapSampler.post('HeapProfiler.getSamplingProfile');
  fs.writeFileSync(`${file}.heapprofile`, JSON.stringify(profile));
  const { total, largest } = heapByFunction(profile.head);
  console.error(
    `[heap] ${name}: ${mb(
      total,
    )} MB sampled live at the step's end (heapUsed ${mb(
      process.memoryUsage().heapUsed,
    )} MB), largest allocators:\n${largest.join('\n')}`,
  );
}

/** Runs `step` under the inspector's CPU profiler when --profile is given. */
async function profiled<T>(name: string, step: () => Promise<T>): Promise<T> {
  if (!PROFILE_DIR) return step();
  const { session, post } = inspectorSession();
  const file = path.join(PROFILE_DIR, name.replace(/[^\w.-]+/g, '_'));
  fs.mkdirSync(PROFILE_DIR, { recursive: true });
  // The first call starts the sampler, so the first step's profile holds what it allocated.
  if (HEAP_PROFILE && !heapSampler) await writeHeapProfile(name, file);
  await post('Profiler.enable');
  await post('Profiler.start');
  try {
    return await step();
  } finally {
    const { profile } = await post('Profiler.stop');
    fs.writeFileSync(`${file}.cpuprofile`, JSON.stringify(profile));
    session.disconnect();
    if (HEAP_PROFILE) await writeHeapProfile(name, file);
  }
}
const BATCH = 1000;
const CONNECTIONS = 20;
/** The overview the organisation page asks for: its figures and a first page of services. */
const OVERVIEW_PAGE = '/api/sla/overview?groupBy=owner&limit=50';

/** Runs this script again in a child process; resolves with the JSON of its last output line. */
function runChild<T>(args: string[], execArgv: string[], what: string) {
  return new Promise<T>((resolve, reject) => {
    const child = fork(__filename, args, {
      execArgv,
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    });
    let out = '';
    child.stdout!.on('data', c => (out += c));
    child.on('exit', code =>
      code === 0
        ? resolve(JSON.parse(out.trim().split('\n').pop()!))
        : reject(new Error(`${what} exited ${code}`)),
    );
  });
}

// ---------------------------------------------------------------- data

let rand = seededRandom(42);

const SLA = {
  defaultTimezone: 'UTC',
  calendars: { 'cn-workdays': CN_WORKDAYS_2026 },
  tiers: { gold: GOLD_TIER },
};
const { config: slaConfig } = readSlaConfig(SLA);

const VARIANTS = annotationVariants(BENCH_OBJECTIVES);

const NOW = Date.now();
const d = new Date(NOW);
/** 12 months: the 11 closed months before the current one, and the current one. */
const FROM = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - 11, 1);
const monthKey = (t: number) => new Date(t).toISOString().slice(0, 7);
const CLOSED_MONTH = monthKey(
  Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - 1, 15),
);
const OPEN_MONTH = monthKey(NOW);
const ref = (s: number) => `component:default/svc-${s}`;

async function loadCatalog(knex: Knex) {
  const terms = await DatabaseTermsStore.create({ database: knex });
  const entities = await DatabaseEntityStore.create({ database: knex });
  const rows = [];
  for (let s = 0; s < SERVICES; s++) {
    const annotations = VARIANTS[s % VARIANTS.length];
    rows.push({
      entityRef: ref(s),
      kind: 'component',
      namespace: 'default',
      name: `svc-${s}`,
      title: `Service ${s}`,
      ownerRef: `group:default/team-${s % GROUPS}`,
      systemRef: `system:default/sys-${s % (GROUPS * 2)}`,
      domainRef: `domain:default/dom-${s % 5}`,
      annotations,
      lastSeenAt: FROM,
    });
    const v1 = parseSlaAnnotations(annotations, slaConfig).terms!;
    await terms.recordTerms({
      entityRef: ref(s),
      terms: v1,
      problems: [],
      fingerprint: serializeTerms(v1),
      seenAt: FROM - 86_400_000,
    });
    // One service in ten renegotiated its terms mid-year: periods keep the terms in force.
    if (s % 10 === 0) {
      const v2 = parseSlaAnnotations(
        { ...annotations, 'servicelevel.io/availability': '99.5%' },
        slaConfig,
      ).terms!;
      await terms.recordTerms({
        entityRef: ref(s),
        terms: v2,
        problems: [],
        fingerprint: serializeTerms(v2),
        seenAt: Math.floor(FROM + (NOW - FROM) / 2),
      });
    }
  }
  await entities.syncEntities(rows, FROM);
}

const PRIOS = ['P1', 'P2', 'P2', 'P3', 'P3', 'P3', 'P4', 'P4', 'P4', 'P4'];

/** Incident k of INCIDENTS, in arrival (creation) order over the 12 months. */
function incident(k: number) {
  const span = NOW - 3_600_000 - FROM;
  const createdAt = FROM + Math.floor(((k + rand()) / INCIDENTS) * span);
  const s = Math.floor(rand() * SERVICES);
  const r = rand();
  const inc: Record<string, unknown> = {
    source: r < 0.8 ? 'webhook' : 'api',
    id: `INC${k}`,
    entityRef: ref(s),
    title:
      k % 97 === 0 ? `<b>DB</b> '; DROP TABLE x; -- ${k}` : `Incident ${k}`,
    priority: PRIOS[Math.floor(rand() * PRIOS.length)],
    createdAt,
  };
  const ack = createdAt + Math.floor(rand() * 7_200_000);
  if (r < 0.97 && ack < NOW) inc.acknowledgedAt = ack;
  const res = createdAt + Math.floor(rand() * rand() * 5 * 86_400_000);
  const resolved = r < 0.95 && res < NOW;
  if (resolved) inc.resolvedAt = res;
  if (rand() < 0.1) {
    const ps = createdAt + Math.floor(rand() * 3_600_000);
    const pe = ps + Math.floor(rand() * 86_400_000);
    inc.pauses = [pe < NOW ? { start: ps, end: pe } : { start: ps }];
  }
  if (rand() < 0.2) {
    const oe = createdAt + Math.floor(rand() * 7_200_000);
    inc.outage = {
      start: createdAt,
      ...(resolved || oe < NOW - 86_400_000 ? { end: oe } : {}),
      planned: rand() < 0.1,
    };
  }
  return inc;
}

// ---------------------------------------------------------------- measuring

let peakRss = 0;
/**
 * The highest figures of process.memoryUsage() seen in the current phase of the recompute
 * child (see measureRecompute): what the RSS is made of, the JavaScript heap (heapUsed,
 * heapTotal) or memory outside it (external: Buffers, native allocations such as
 * better-sqlite3's).
 */
type MemoryPeaks = {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  /** Linux: anonymous (malloc, V8) and file-backed (code, mapped files) resident memory. */
  rssAnon: number;
  rssFile: number;
};
const NO_PEAKS: MemoryPeaks = {
  rss: 0,
  heapUsed: 0,
  heapTotal: 0,
  external: 0,
  rssAnon: 0,
  rssFile: 0,
};
let phasePeaks = NO_PEAKS;
/** RssAnon and RssFile of /proc/self/status in bytes (0 elsewhere than on Linux). */
function residentKinds(): { rssAnon: number; rssFile: number } {
  try {
    const status = fs.readFileSync('/proc/self/status', 'utf8');
    const kb = (name: string) =>
      Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) * 1024;
    return { rssAnon: kb('RssAnon'), rssFile: kb('RssFile') };
  } catch {
    return { rssAnon: 0, rssFile: 0 };
  }
}
function sampleRss() {
  const m = process.memoryUsage();
  const r = residentKinds();
  peakRss = Math.max(peakRss, m.rss);
  phasePeaks = {
    rss: Math.max(phasePeaks.rss, m.rss),
    heapUsed: Math.max(phasePeaks.heapUsed, m.heapUsed),
    heapTotal: Math.max(phasePeaks.heapTotal, m.heapTotal),
    external: Math.max(phasePeaks.external, m.external),
    rssAnon: Math.max(phasePeaks.rssAnon, r.rssAnon),
    rssFile: Math.max(phasePeaks.rssFile, r.rssFile),
  };
}
/** Prints the peaks of the phase that ends and starts the next one's from now. */
function endPhase(name: string) {
  sampleRss();
  console.error(
    `[memory] ${name}: peak rss ${mb(phasePeaks.rss)} MB, heapUsed ${mb(
      phasePeaks.heapUsed,
    )}, heapTotal ${mb(phasePeaks.heapTotal)}, external ${mb(
      phasePeaks.external,
    )}, RssAnon ${mb(phasePeaks.rssAnon)}, RssFile ${mb(
      phasePeaks.rssFile,
    )}; process high-water ${mb(process.resourceUsage().maxRSS * 1024)} MB`,
  );
  phasePeaks = NO_PEAKS;
}

const noScheduler = createServiceFactory({
  service: coreServices.scheduler,
  deps: {},
  factory: () =>
    ({
      // Catalog sync, snapshots and provider sync stay off: the bench drives every step.
      scheduleTask: async () => {},
      triggerTask: async () => {},
      getScheduledTasks: async () => [],
      createScheduledTaskRunner: () => ({ run: async () => {} }),
    } as unknown as SchedulerService),
});

type RecomputeFigures = {
  selects: number[];
  recomputes: number[];
  floor: number;
  recomputeMs: number;
  rows: number;
  results: number;
  met: number;
  committed: number;
  rssBefore: number;
  /** The process's high-water mark after the first recompute, before any bare SELECT. */
  peakRss: number;
  /** The same at the end, the bare SELECTs included. */
  peakRssWithSelect: number;
};

/** The compliance service over a bench database, and the refs of all its services. */
async function complianceOf(knex: Knex) {
  const compliance = new ComplianceService({
    incidents: await DatabaseIncidentStore.create({ database: knex }),
    terms: await DatabaseTermsStore.create({ database: knex }),
    entities: await DatabaseEntityStore.create({ database: knex }),
    snapshots: await DatabaseSnapshotStore.create({ database: knex }),
    slaConfig,
  });
  const refs = Array.from({ length: SERVICES }, (_, s) => ref(s));
  return { compliance, refs };
}

/** Recompute, SELECT, recompute, SELECT on an existing database; the best of each. */
async function measureRecompute(knex: Knex): Promise<RecomputeFigures> {
  // The baseline before any row is read: modules, the stores, the catalog of the fixture.
  endPhase('modules loaded');
  const { compliance, refs } = await complianceOf(knex);
  await compliance.listLatestTerms();
  endPhase('stores created, terms read');
  // The widest window evaluateAll reads: the zones of the mix reach ±14 h around FROM.
  const selFrom = FROM - 86_400_000;
  const selTo = NOW + 92 * 86_400_000;
  const bareSelect = async () => {
    const t = performance.now();
    let n = 0;
    for (let i = 0; i < refs.length; i += 100) {
      const got = await relevantTo(
        knex('sla_incidents').whereIn('entity_ref', refs.slice(i, i + 100)),
        selFrom,
        selTo,
      )
        // The store's ORDER BY (listForEntities), so that only the mapping and the
        // evaluation separate the two figures.
        .orderBy(['entity_ref', 'created_at', 'source', 'incident_id']);
      n += got.length;
    }
    return { ms: performance.now() - t, n };
  };
  const rssBefore = process.memoryUsage().rss;
  const timer = setInterval(sampleRss, 20);
  const selects: number[] = [];
  const recomputes: number[] = [];
  let rows = 0;
  const tally = { results: 0, met: 0, committed: 0 };
  const onResult = (r: { result: { met: number; committed: number } }) => {
    tally.results++;
    tally.met += r.result.met;
    tally.committed += r.result.committed;
    if (tally.results % 200 === 0) sampleRss();
  };
  // The recompute first: its peak RSS is the process's high-water mark before any bare
  // SELECT, which materialises 50,000-row results at once and set the peak when it ran first.
  let recomputePeak = 0;
  // The kernel's high-water mark before the recompute: loading the modules can set it (the
  // TypeScript transform's peak, which a built backend does not have), and then it says
  // nothing about the recompute.
  const highWaterBefore = process.resourceUsage().maxRSS * 1024;
  /** The high-water mark if the recompute or what followed raised it, else 0. */
  const raisedHighWater = () => {
    const now = process.resourceUsage().maxRSS * 1024;
    return now > highWaterBefore ? now : 0;
  };
  for (let round = 0; round < 2; round++) {
    Object.assign(tally, { results: 0, met: 0, committed: 0 });
    const t0 = performance.now();
    await compliance.evaluateAll({
      // A day in, so that zones west of UTC do not pull in the month before.
      from: FROM + 86_400_000,
      to: NOW,
      now: NOW,
      onResult,
    });
    recomputes.push(performance.now() - t0);
    sampleRss();
    if (round === 0) {
      // A high-water mark raised during the recompute is its peak; else the samples of its
      // phase (every 20 ms and every 200 results) are.
      recomputePeak = raisedHighWater() || phasePeaks.rss;
    }
    endPhase(`recompute ${round + 1}`);
    const sel = await bareSelect();
    endPhase(`SELECT ${round + 1}`);
    selects.push(sel.ms);
    rows = sel.n;
  }
  clearInterval(timer);
  sampleRss();
  return {
    selects,
    recomputes,
    floor: Math.min(...selects),
    recomputeMs: Math.min(...recomputes),
    rows,
    ...tally,
    rssBefore,
    // The kernel's high-water mark when the recompute raised it, not only the samples.
    peakRss: recomputePeak,
    peakRssWithSelect: Math.max(peakRss, raisedHighWater()),
  };
}

function latency(base: string, paths: string[]) {
  return new Promise<{
    requests: number;
    non2xx: number;
    p50: number;
    p95: number;
    p99: number;
  }>((resolve, reject) => {
    const child = fork(path.join(__dirname, 'load.ts'), [], {
      execArgv: [
        '-r',
        require.resolve('@backstage/cli/config/nodeTransform.cjs'),
      ],
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    });
    child.send({
      base,
      paths,
      connections: CONNECTIONS,
      duration: DURATION,
      header: mockCredentials.user.header(),
    });
    let out = '';
    child.stdout!.on('data', c => (out += c));
    child.on('exit', code =>
      code === 0
        ? resolve(JSON.parse(out.trim().split('\n').pop()!))
        : reject(new Error(`load generator exited ${code}`)),
    );
  });
}

type Row = { metric: string; goal: string; values: Record<string, string> };
const rows: Row[] = [];
function put(metric: string, goal: string, db: string, value: string) {
  let row = rows.find(r => r.metric === metric);
  if (!row) {
    row = { metric, goal, values: {} };
    rows.push(row);
  }
  row.values[db] = value;
}
const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });

async function benchOne(kind: DatabaseKind) {
  const log = (m: string) =>
    console.error(`[${kind}] ${m} (load ${os.loadavg()[0].toFixed(2)})`);
  const { knex, connection, drop } = await openDatabase(kind, 'sla-bench');
  try {
    const { server } = await startTestBackend({
      features: [
        slaPlugin,
        mockServices.rootConfig.factory({ data: { sla: SLA } }),
        mockServices.rootLogger.factory({ level: 'error' }),
        mockServices.database.factory({ knex }),
        mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
        mockServices.httpAuth.factory(),
        noScheduler,
        catalogServiceMock.factory({ entities: [] }),
      ],
    });
    const port = (server.address() as { port: number }).port;
    const base = `http://127.0.0.1:${port}/api/sla`;
    log(`backend on ${base}`);

    await loadCatalog(knex);
    log(`${SERVICES} services, terms and entities stored`);

    // Ingestion through POST /incidents, one batch of 1,000 at a time.
    rand = seededRandom(42); // every database gets the same incidents
    let httpMs = 0;
    // Throughput of each 100,000 incidents, so that a cliff (a plan that degrades as the table
    // grows) shows instead of hiding in the average.
    const curve: number[] = [];
    let segmentMs = 0;
    let segmentCount = 0;
    const loadAvg: number[] = [];
    const ingest = async (from: number, to: number) => {
      for (let k = from; k < to; k += BATCH) {
        const batch = [];
        for (let j = k; j < Math.min(INCIDENTS, k + BATCH); j++)
          batch.push(incident(j));
        const body = JSON.stringify({ incidents: batch });
        const t = performance.now();
        const res = await fetch(`${base}/incidents`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            authorization: mockCredentials.user.header(),
          },
          body,
        });
        const text = await res.text();
        const ms = performance.now() - t;
        httpMs += ms;
        segmentMs += ms;
        segmentCount += batch.length;
        if (segmentCount >= 100_000 || k + BATCH >= INCIDENTS) {
          curve.push(segmentCount / (segmentMs / 1000));
          segmentMs = 0;
          segmentCount = 0;
        }
        if (res.status !== 200)
          throw new Error(`POST /incidents ${res.status}: ${text}`);
        if (k % 100_000 === 0) {
          loadAvg.push(os.loadavg()[0]);
          log(`ingested ${k}`);
        }
      }
    };
    // With --profile, the 100,000 incidents after the first half are ingested under the
    // profiler (DIR/<db>-ingest.cpuprofile): where a batch's time goes with the table half full.
    const slice = PROFILE_DIR
      ? Math.floor(INCIDENTS / 2 / 100_000) * 100_000
      : INCIDENTS;
    await ingest(0, slice);
    if (slice < INCIDENTS) {
      const end = Math.min(INCIDENTS, slice + 100_000);
      await profiled(`${kind}-ingest`, () => ingest(slice, end));
      await ingest(end, INCIDENTS);
    }
    put(
      'Ingestion, POST /incidents ×1,000 (incidents/s)',
      '≥ 15,000',
      kind,
      fmt(INCIDENTS / (httpMs / 1000)),
    );
    put(
      'Ingestion per 100,000, first to last (incidents/s)',
      '—',
      kind,
      curve.map(r => fmt(Math.round(r))).join(' · '),
    );
    const [{ count }] = await knex('sla_incidents').count({ count: '*' });
    put('Incidents stored', `${fmt(INCIDENTS)}`, kind, fmt(Number(count)));
    if (kind === 'pg') await knex.raw('ANALYZE');

    // Full recompute against a bare SELECT of the same rows.
    const { compliance, refs } = await complianceOf(knex);
    // In a fresh process on the same database: its peak RSS is the recompute's own, not
    // that of a backend that just parsed a million incidents.
    const m = await runChild<RecomputeFigures>(
      [...process.argv.slice(2), '--recompute-of', kind, connection],
      // --recompute-heap MB caps V8's old space: shows whether the peak RSS is working set
      // or heap headroom that V8 takes because nothing asks for it back.
      HEAP_MB
        ? [...process.execArgv, `--max-old-space-size=${HEAP_MB}`]
        : process.execArgv,
      `recompute of ${kind}`,
    );
    const { floor, recomputeMs, results, met, committed, rows: n } = m;
    log(
      `SELECT ${fmt(m.selects[0])} / ${fmt(m.selects[1])} ms; recompute ${fmt(
        m.recomputes[0],
      )} / ${fmt(m.recomputes[1])} ms; peak RSS ${fmt(m.peakRss / 1048576)} MB`,
    );
    put(
      'Bare SELECT of the year’s rows (ms, best of 2)',
      '—',
      kind,
      `${fmt(floor)} (${fmt(n)} rows)`,
    );
    put(
      'Full recompute, services × periods (ms, best of 2)',
      '—',
      kind,
      `${fmt(recomputeMs)} (${fmt(results)} results, ${met}/${committed} met)`,
    );
    put(
      'Recompute ÷ bare SELECT',
      '≤ 1.2×',
      kind,
      `${fmt(recomputeMs / floor, 1)}×`,
    );
    put(
      'Peak RSS of the recompute, before any bare SELECT (MB)',
      '≤ 400',
      kind,
      `${fmt(m.peakRss / 1048576)} (at start ${fmt(
        m.rssBefore / 1048576,
      )}; ${fmt(m.peakRssWithSelect / 1048576)} after the bare SELECTs)`,
    );

    if (EXPLAIN) {
      const monthStart = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
      const monthEnd = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
      const query = relevantTo(
        knex('sla_incidents').where('entity_ref', ref(1)),
        monthStart,
        monthEnd,
      )
        .orderBy(['created_at', 'source', 'incident_id'])
        .toQuery();
      const plan = await knex.raw(
        kind === 'pg'
          ? `EXPLAIN (ANALYZE, BUFFERS) ${query}`
          : `EXPLAIN QUERY PLAN ${query}`,
      );
      console.error(`[${kind}] plan of the open-month listForEntity query:`);
      console.error(
        (kind === 'pg' ? plan.rows : plan)
          .map((r: Record<string, unknown>) =>
            String(r['QUERY PLAN'] ?? r.detail),
          )
          .join('\n'),
      );
    }
    // "What if" (issue 16): the last 12 closed periods of a service under a tighter response
    // target, next to its terms in force; 100 services in turn, in-process (the route adds
    // only the body's parsing and the answer's serialisation). The first preview of a
    // service also publishes the snapshots of its closed periods, as any first read does.
    const previewer = new TermsPreview({
      compliance,
      incidents: await DatabaseIncidentStore.create({ database: knex }),
      slaConfig,
    });
    const previewMs: number[] = [];
    for (let s = 0; s < Math.min(100, SERVICES); s++) {
      const proposal = {
        ...VARIANTS[s % VARIANTS.length],
        'servicelevel.io/response-time': 'P1=5m P2=15m P3=1h P4=4h',
      };
      const t0 = performance.now();
      await previewer.preview(ref(s), proposal, 12, Date.now());
      previewMs.push(performance.now() - t0);
    }
    previewMs.sort((a, b) => a - b);
    const quantile = (q: number) =>
      previewMs[
        Math.min(previewMs.length - 1, Math.floor(q * previewMs.length))
      ];
    put(
      'Preview of 12 closed periods, one service: p50 / p95 / max ms (100 services)',
      'p95 < 200',
      kind,
      `${fmt(quantile(0.5))} / ${fmt(quantile(0.95))} / ${fmt(
        previewMs[previewMs.length - 1],
      )}`,
    );

    await profiled(`${kind}-first-overview`, () =>
      firstOverview(base, kind, log),
    );
    await profiled(`${kind}-reflect`, () => reflectTime(base, kind, log));

    if (!LATENCY) return;
    // First overview of a closed month publishes every snapshot (one per service).
    // Called in-process, not over HTTP: under load it can outlast the HTTP timeouts.
    const t = performance.now();
    // Only the count is kept: holding the results (a month of every service's incident rows) for
    // the rest of the function kept them in the backend's heap through every latency step,
    // which a client's bulk read, answered and sent, does not.
    const published = (
      await compliance.evaluateMany(
        { kind: 'key', key: CLOSED_MONTH },
        Date.now(),
      )
    ).length;
    put(
      `First read of closed ${CLOSED_MONTH} for all services, with incident rows (publishes snapshots still missing; ms)`,
      '—',
      kind,
      `${fmt(performance.now() - t)} (${fmt(published)} snapshots)`,
    );

    const targets: Array<[string, string, string[]]> = [
      [
        `Compliance, closed period ${CLOSED_MONTH}`,
        '≤ 20',
        refs.map(
          (_, s) =>
            `/api/sla/entities/component/default/svc-${s}/compliance?period=${CLOSED_MONTH}`,
        ),
      ],
      [
        `Compliance, open period ${OPEN_MONTH}`,
        '≤ 20',
        refs.map(
          (_, s) =>
            `/api/sla/entities/component/default/svc-${s}/compliance?period=${OPEN_MONTH}`,
        ),
      ],
      [
        // What the organisation page asks for: the figures and the first page of services.
        'Overview groupBy=owner (current month, page of 50 services)',
        '≤ 50',
        [OVERVIEW_PAGE],
      ],
      [
        // The whole body (every service), for API clients that ask for it.
        'Overview groupBy=owner (current month, every service)',
        '—',
        ['/api/sla/overview?groupBy=owner'],
      ],
      [
        // What the organisation page asks for: the agreements due for review, ten at a time.
        'Catalog, reviews due (page of 10)',
        '≤ 50',
        ['/api/sla/catalog?review=due&limit=10'],
      ],
      // The whole catalog (every service), as the catalog tab still reads it.
      ['Catalog', '≤ 50', ['/api/sla/catalog']],
    ];
    for (const [name, goal, paths] of targets) {
      const before = os.loadavg()[0];
      const lastBuild = recentOverviewBuilds().at(-1);
      // How long the backend's event loop was held at a time: a request waits for that.
      const loop = monitorEventLoopDelay({ resolution: 5 });
      loop.enable();
      const gc = gcPauses();
      const r = await profiled(`${kind}-${name}`, () =>
        latency(`http://127.0.0.1:${port}`, paths),
      );
      loop.disable();
      const ms = (ns: number) => fmt(ns / 1e6);
      log(
        `${name}: ${JSON.stringify(r)}; event loop delay p50 / p99 / max ${ms(
          loop.percentile(50),
        )} / ${ms(loop.percentile(99))} / ${ms(
          loop.max,
        )} ms; GC pauses ${gc.stop()}; heap used at the end ${fmt(
          process.memoryUsage().heapUsed / 2 ** 20,
        )} MB`,
      );
      // The overview builds the step waited for or started (up to the last 20 kept).
      const builds = recentOverviewBuilds();
      const since = builds.slice(builds.indexOf(lastBuild!) + 1);
      if (since.length > 0) {
        log(`overview builds during ${name}: ${describeBuilds(since)}`);
      }
      put(
        `${name}: p50 / p95 / p99 ms (req, non-2xx)`,
        goal === '—' ? '—' : `p95 ${goal}`,
        kind,
        `${r.p50} / ${r.p95} / ${r.p99} (${fmt(r.requests)}, ${
          r.non2xx
        }) load ${before.toFixed(1)}`,
      );
    }
    await server.close?.();
  } finally {
    await drop();
  }
}

/**
 * The backend thread's garbage collection pauses from now until `stop()`, by kind: count,
 * total and longest (ms), for the log.
 */
function gcPauses() {
  const kinds: Record<number, string> = {
    [perfConstants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
    [perfConstants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
    [perfConstants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
    [perfConstants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak callbacks',
  };
  const seen = new Map<string, { n: number; total: number; max: number }>();
  const count = (entries: PerformanceEntry[]) => {
    for (const e of entries) {
      const kind =
        kinds[(e.detail as { kind?: number } | undefined)?.kind ?? -1] ??
        'other';
      const s = seen.get(kind) ?? { n: 0, total: 0, max: 0 };
      s.n++;
      s.total += e.duration;
      s.max = Math.max(s.max, e.duration);
      seen.set(kind, s);
    }
  };
  const observer = new PerformanceObserver(list => count(list.getEntries()));
  observer.observe({ entryTypes: ['gc'] });
  return {
    stop() {
      count(observer.takeRecords());
      observer.disconnect();
      return [...seen]
        .map(
          ([kind, s]) =>
            `${kind} ${fmt(s.n)}: ${fmt(s.total)} ms, longest ${fmt(s.max)}`,
        )
        .join('; ');
    },
  };
}

/** Overview builds by phase (ms), for the log. */
function describeBuilds(builds: ReturnType<typeof recentOverviewBuilds>) {
  return builds
    .map(
      b =>
        `${b.background ? 'background' : 'read'}: evaluate ${fmt(
          b.evaluateMs,
        )}, ${fmt(b.piecesComputed)} of ${fmt(b.servicesVisited)} of ${fmt(
          b.services,
        )} pieces ${fmt(b.piecesMs)}, figures ${fmt(b.encodeMs)} (${fmt(
          b.groupsSummed,
        )} of ${fmt(b.groups)} groups summed); whole body ${fmt(
          b.wholeMs,
        )}, gzip ${fmt(b.gzipMs)}: ${fmt(b.bytes / 1024)} KB, gzipped ${fmt(
          b.gzipBytes / 1024,
        )} KB`,
    )
    .join(' | ');
}

/**
 * The first overview after the load finds a year of closed periods without snapshots (the
 * bench turns the scheduled snapshot task off). It publishes the first 1,000 before it
 * answers and the rest in the background: both times are printed, from the request's start.
 * Through node:http, which has no headers timeout (fetch gives up after 300 s).
 */
async function firstOverview(
  base: string,
  kind: DatabaseKind,
  log: (m: string) => void,
) {
  const before = backgroundPublications();
  const t0 = performance.now();
  const status = await new Promise<number>((resolve, reject) => {
    http
      .get(
        `${base}${OVERVIEW_PAGE.slice('/api/sla'.length)}`,
        {
          headers: {
            authorization: mockCredentials.user.header(),
            'accept-encoding': 'gzip',
          },
        },
        res => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      )
      .on('error', reject);
  });
  if (status !== 200) throw new Error(`GET /overview: ${status}`);
  const answeredMs = performance.now() - t0;
  log(`first overview answered in ${fmt(answeredMs)} ms`);
  while (backgroundPublications().pending > 0) {
    await new Promise(r => setTimeout(r, 200));
  }
  const after = backgroundPublications();
  put(
    'First overview after the load (a year of closed periods without snapshots): answered / background publication done (ms)',
    '—',
    kind,
    `${fmt(answeredMs)} / ${fmt(performance.now() - t0)} (${fmt(
      after.published - before.published,
    )} published in the background, ${fmt(
      after.failed - before.failed,
    )} failed)`,
  );
}

/**
 * Issue 14 item 2: how long a batch of 1,000 new incidents takes to show. With the overview
 * warm, POST the batch, then read the compliance of an entity it touched and the overview
 * (both must differ from before: their ETags change). Two spreads: over all services, as the
 * bench's generator spreads them, and over 10 services, as one provider sync of a few
 * services would. Median of 5 of each.
 */
async function reflectTime(
  base: string,
  kind: DatabaseKind,
  log: (m: string) => void,
) {
  const headers = { authorization: mockCredentials.user.header() };
  const client = offThreadClient();
  const get = async (urlPath: string) => {
    const res = await client.request(`${base}${urlPath}`, { headers });
    if (res.status !== 200) throw new Error(`GET ${urlPath}: ${res.status}`);
    return res;
  };
  const overview = OVERVIEW_PAGE.slice('/api/sla'.length);
  for (const [label, spread] of [
    ['spread over all services', SERVICES],
    ['on 10 services', 10],
  ] as const) {
    const figures: Array<[number, number, number]> = [];
    for (let rep = 0; rep < 5; rep++) {
      const now = Date.now();
      const batch = [];
      for (let j = 0; j < BATCH; j++) {
        batch.push({
          source: 'api',
          id: `REFLECT-${spread}-${rep}-${j}`,
          entityRef: ref(
            spread === SERVICES
              ? Math.floor(rand() * SERVICES)
              : (rep * 10 + (j % 10)) % SERVICES,
          ),
          title: `Reflect ${j}`,
          priority: PRIOS[j % PRIOS.length],
          createdAt: now - 60_000 - j,
        });
      }
      const touched = batch[0].entityRef.split('/')[1];
      const compliancePath = `/entities/component/default/${touched}/compliance`;
      const before = [await get(compliancePath), await get(overview)];
      const lastBuild = recentOverviewBuilds().at(-1);
      const posted = await client.request(`${base}/incidents`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify({ incidents: batch }),
      });
      if (posted.status !== 200) {
        throw new Error(`POST /incidents: ${posted.status}`);
      }
      const after = [await get(compliancePath), await get(overview)];
      // The entity's compliance changes. A page of the overview need not (its 50 services
      // may have none of the batch, and a clock that started a minute ago decides nothing);
      // a read after the write is never served the state before it, so it waited for a
      // build begun after the write.
      if (after[0].etag === before[0].etag) {
        throw new Error(`a batch ${label} did not change the compliance read`);
      }
      if (recentOverviewBuilds().at(-1) === lastBuild) {
        throw new Error(
          `the overview read after a batch ${label} built nothing`,
        );
      }
      figures.push([posted.ms, after[0].ms, after[1].ms]);
    }
    const median = (i: number) =>
      figures.map(f => f[i]).sort((a, b) => a - b)[2];
    log(`batch of 1,000 ${label}: ${JSON.stringify(figures)}`);
    // Where the overview read's time went: the backend's last builds, by phase (ms).
    log(
      `overview builds ${label}: ${describeBuilds(
        recentOverviewBuilds().slice(-5),
      )}`,
    );
    put(
      `Batch of 1,000 new incidents ${label}: POST / then compliance read / then overview read (ms, median of 5)`,
      'reads ≤ 50',
      kind,
      `${fmt(median(0))} / ${fmt(median(1))} / ${fmt(median(2))}`,
    );
  }
  await client.close();
}

/**
 * An HTTP client on a worker thread: the backend under test runs in this process, and
 * reading a 36.7 MB overview (decompressing it, copying its buffers) on the backend's own
 * thread took a third of that thread's time at 20,000 services and delayed the requests
 * being timed; a browser does that work on another machine. Each request is timed there,
 * from sending it to the end of its body. A GET is sent once more when the connection was
 * reset: at 20,000 services an overview read after 40 s failed with ECONNRESET (a
 * kept-alive socket the server had closed), which a browser retries too.
 */
function offThreadClient() {
  const worker = new Worker(
    `const { parentPort } = require('node:worker_threads');
    parentPort.on('message', async ({ id, url, init }) => {
      const t0 = performance.now();
      try {
        const res = await fetch(url, init).catch(error =>
          error?.cause?.code === 'ECONNRESET' && !init.method
            ? fetch(url, init)
            : Promise.reject(error),
        );
        await res.arrayBuffer();
        parentPort.postMessage({
          id,
          status: res.status,
          etag: res.headers.get('etag'),
          ms: performance.now() - t0,
        });
      } catch (error) {
        parentPort.postMessage({ id, error: String(error?.cause ?? error) });
      }
    });`,
    { eval: true },
  );
  worker.unref();
  type Answer = { status: number; etag: string | null; ms: number };
  const waiting = new Map<
    number,
    { resolve: (a: Answer) => void; reject: (e: Error) => void }
  >();
  worker.on('message', (m: Answer & { id: number; error?: string }) => {
    const w = waiting.get(m.id);
    waiting.delete(m.id);
    if (m.error) w?.reject(new Error(m.error));
    else w?.resolve(m);
  });
  let next = 0;
  return {
    request(url: string, init: RequestInit): Promise<Answer> {
      const id = next++;
      return new Promise<Answer>((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        worker.postMessage({ id, url, init });
      });
    },
    close: () => worker.terminate(),
  };
}

async function main() {
  const dbs = databaseKinds();
  console.error(
    `SLA backend bench: ${fmt(SERVICES)} services in ${GROUPS} groups, ${fmt(
      INCIDENTS,
    )} incidents from ${new Date(FROM).toISOString().slice(0, 10)} to now; ${
      os.cpus().length
    } cores, ${fmt(os.totalmem() / 2 ** 30)} GiB; load ${os
      .loadavg()
      .map(l => l.toFixed(2))
      .join(' ')}`,
  );
  const recomputeOf = process.argv.indexOf('--recompute-of');
  if (recomputeOf >= 0) {
    const [dbKind, conn] = process.argv.slice(recomputeOf + 1);
    const knex = connectDatabase(dbKind as DatabaseKind, conn);
    const figures = await measureRecompute(knex);
    await knex.destroy();
    console.log(JSON.stringify(figures));
    process.exit(0);
  }
  if (process.argv.includes('--child')) {
    // One database per process, so that RSS and heap are that database's alone.
    await benchOne(dbs[0]);
    console.log(JSON.stringify(rows));
    process.exit(0);
  }
  for (const db of dbs) {
    const args = process.argv
      .slice(2)
      .filter((a, i, all) => a !== '--db' && all[i - 1] !== '--db');
    const childRows = await runChild<Row[]>(
      [...args, '--db', db, '--child'],
      process.execArgv,
      `bench of ${db}`,
    );
    for (const r of childRows) {
      for (const [k, v] of Object.entries(r.values))
        put(r.metric, r.goal, k, v);
    }
  }

  const header = [
    'Metric',
    'Goal',
    ...dbs.map(d2 => (d2 === 'pg' ? 'PostgreSQL' : 'SQLite')),
  ];
  const table = rows.map(r => [
    r.metric,
    r.goal,
    ...dbs.map(d2 => r.values[d2] ?? ''),
  ]);
  const widths = header.map((h, i) =>
    Math.max(h.length, ...table.map(r => r[i].length)),
  );
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  console.log(
    `\n${fmt(SERVICES)} services / ${GROUPS} groups / ${fmt(
      INCIDENTS,
    )} incidents, ${os.cpus().length} cores, ${fmt(
      os.totalmem() / 2 ** 30,
    )} GiB, ${new Date().toISOString()}, load at end ${os
      .loadavg()[0]
      .toFixed(2)}\n`,
  );
  console.log(line(header));
  console.log(line(widths.map(w => '-'.repeat(w))));
  for (const r of table) console.log(line(r));
  process.exit(0);
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
