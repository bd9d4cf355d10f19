/* eslint-disable no-console */
/**
 * Sync-throughput benchmark of the SLA backend (issue 8). Prints one table.
 *
 *   yarn bench:sync -- [--incidents 100000] [--services 50] [--rate 500] [--quota-headers off]
 *                      [--db sqlite|pg|both] [--pg postgresql://postgres@127.0.0.1:5432]
 *
 * Per database it: forks scripts/resilience/mockPagerDuty.mjs on a free loopback port
 * (its own process, so the mock's CPU is not charged to the sync) serving `--incidents`
 * PagerDuty incidents over `--services` services, created over the last 80 days, rate
 * limited to `--rate` requests per second (429 with Retry-After / ratelimit-reset beyond
 * it); creates a fresh database with the plugin's migrations; registers one entity per
 * service linked by `pagerduty.com/service-id`; runs ProviderSync with the real
 * PagerDutyProvider (and its HTTP client) until a run ends without error and the cursor
 * covers every incident; then checks the store holds exactly the vendor's set (ids, no
 * duplicates, entity, created / acknowledged / resolved times).
 */
import { fork } from 'child_process';
import os from 'os';
import path from 'path';
import type { Knex } from 'knex';
import type { LoggerService } from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';
import {
  DatabaseEntityStore,
  DatabaseIncidentStore,
  DatabaseSyncStateStore,
  DatabaseTermsStore,
} from '../src/database';
import { applyDatabaseMigrations } from '../src/database/migrations';
import { PagerDutyProvider } from '../src/providers/PagerDutyProvider';
import { ProviderSync } from '../src/providers/ProviderSync';
import { arg } from './args';
import { databaseKinds, DatabaseKind, openDatabase } from './db';

// ---------------------------------------------------------------- arguments

const INCIDENTS = Number(arg('incidents', '100000'));
const SERVICES = Number(arg('services', '50'));
const RATE = Number(arg('rate', '500'));
/** --quota-headers off: 2xx answers omit ratelimit-remaining, so only 429s tell the limit. */
const QUOTA_HEADERS = arg('quota-headers', 'on') !== 'off';
/** A failing run is retried from its cursor at most this many times. */
const MAX_RUNS = 10;

const ROOT = path.resolve(__dirname, '..', '..', '..');
const MOCK = path.join(ROOT, 'scripts/resilience/mockPagerDuty.mjs');
const RESERVED_PORTS = new Set([3000, 7007]);

const NOW = Date.now();
const FROM = NOW - 80 * 86_400_000;
const TO = NOW - 3_600_000;
const GENERATE = {
  count: INCIDENTS,
  services: SERVICES,
  from: FROM,
  to: TO,
  seed: 42,
};

type Spec = {
  id: string;
  serviceId: string;
  createdAt: number;
  priority: string;
  ackAt?: number;
  resolvedAt?: number;
};
type MockStats = { incidents: number; log_entries: number; throttled: number };

// ---------------------------------------------------------------- the mock vendor

async function startMock(rate: number) {
  for (;;) {
    const child = fork(MOCK, [], {
      execArgv: [],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const { url, token } = await new Promise<{ url: string; token: string }>(
      (resolve, reject) => {
        child.once('message', m =>
          resolve(m as { url: string; token: string }),
        );
        child.once('exit', code => reject(new Error(`mock exited ${code}`)));
        child.send({
          options: rate > 0 ? { rate, quotaOnSuccess: QUOTA_HEADERS } : {},
          generate: GENERATE,
        });
      },
    );
    child.removeAllListeners('exit');
    const port = Number(new URL(url).port);
    const close = () =>
      new Promise<void>(resolve => {
        child.once('exit', () => resolve());
        child.send({ close: true });
      });
    if (RESERVED_PORTS.has(port)) {
      await close();
      continue;
    }
    return {
      url,
      token,
      close,
      stats: () =>
        new Promise<MockStats>(resolve => {
          child.once('message', m =>
            resolve((m as { stats: MockStats }).stats),
          );
          child.send({ stats: true });
        }),
    };
  }
}

// ---------------------------------------------------------------- helpers

const serviceRef = (serviceId: string) =>
  `component:default/svc-${serviceId.slice(4)}`;

function quietLogger(): LoggerService {
  const logger: LoggerService = {
    error: (m: string) => console.error(`  [error] ${m}`),
    warn: (m: string) => console.error(`  [warn] ${m}`),
    info: () => {},
    debug: () => {},
    child: () => logger,
  };
  return logger;
}

/** The store against the vendor's set: ids, duplicates, entity and the three times. */
async function verify(knex: Knex, specs: Spec[]) {
  const rows: Array<Record<string, unknown>> = await knex('sla_incidents')
    .where('source', 'pagerduty')
    .select(
      'incident_id',
      'entity_ref',
      'created_at',
      'acknowledged_at',
      'resolved_at',
    );
  const num = (v: unknown) =>
    v === null || v === undefined ? undefined : Number(v);
  const seen = new Map<string, Record<string, unknown>>();
  let duplicates = 0;
  for (const r of rows) {
    if (seen.has(String(r.incident_id))) duplicates++;
    seen.set(String(r.incident_id), r);
  }
  let missing = 0;
  let wrong = 0;
  let firstWrong: string | undefined;
  for (const s of specs) {
    const r = seen.get(s.id);
    if (!r) {
      missing++;
      continue;
    }
    const expectedAck = s.ackAt;
    const ok =
      r.entity_ref === serviceRef(s.serviceId) &&
      num(r.created_at) === s.createdAt &&
      num(r.acknowledged_at) === expectedAck &&
      num(r.resolved_at) === s.resolvedAt;
    if (!ok) {
      wrong++;
      firstWrong ??= `${s.id}: ${JSON.stringify(r)} vs ${JSON.stringify(s)}`;
    }
  }
  const specIds = new Set(specs.map(s => s.id));
  const extra = [...seen.keys()].filter(id => !specIds.has(id)).length;
  return {
    rows: rows.length,
    duplicates,
    missing,
    extra,
    wrong,
    firstWrong,
    exact:
      rows.length === specs.length &&
      duplicates === 0 &&
      missing === 0 &&
      extra === 0 &&
      wrong === 0,
  };
}

// ---------------------------------------------------------------- one database

async function measure(kind: DatabaseKind, specs: Spec[]) {
  const mock = await startMock(RATE);
  let written = 0;
  let retries = 0;
  const { knex, drop } = await openDatabase(kind, 'sla-bench-sync');
  try {
    await applyDatabaseMigrations(knex);
    const incidents = await DatabaseIncidentStore.create({ database: knex });
    const syncStates = await DatabaseSyncStateStore.create({ database: knex });
    const entities = await DatabaseEntityStore.create({ database: knex });
    const terms = await DatabaseTermsStore.create({ database: knex });
    const rows = [];
    for (let s = 0; s < SERVICES; s++) {
      const serviceId = `PSVC${String(s).padStart(4, '0')}`;
      rows.push({
        entityRef: serviceRef(serviceId),
        kind: 'component',
        namespace: 'default',
        name: `svc-${serviceId.slice(4)}`,
        title: `Service ${s}`,
        ownerRef: `group:default/team-${s % 10}`,
        annotations: { 'pagerduty.com/service-id': serviceId },
        lastSeenAt: NOW,
      });
    }
    await entities.syncEntities(rows, NOW);

    const provider = PagerDutyProvider.fromConfig(
      new ConfigReader({
        sla: {
          providers: {
            pagerduty: [
              { id: 'default', token: mock.token, baseUrl: mock.url },
            ],
          },
        },
      }),
      // Default HTTP settings; only told about each retry, to count them.
      { http: { onRetry: () => void retries++ } },
    )!;
    const counting = Object.create(incidents) as DatabaseIncidentStore;
    counting.upsertIncidents = async (batch, options) => {
      const r = await incidents.upsertIncidents(batch, options);
      written += batch.length;
      return r;
    };
    const sync = new ProviderSync({
      providers: [provider],
      incidents: counting,
      syncStates,
      entities,
      terms,
      logger: quietLogger(),
    });

    const lastCreated = Math.max(...specs.map(s => s.createdAt));
    const started = process.hrtime.bigint();
    const progress = setInterval(() => {
      const s = Number(process.hrtime.bigint() - started) / 1e9;
      console.error(
        `  ${kind}: ${written} incidents written after ${s.toFixed(0)} s`,
      );
    }, 15_000);
    let runs = 0;
    let errors: string[] = [];
    try {
      for (;;) {
        runs++;
        const results = await sync.run();
        errors = results.filter(r => r.error).map(r => r.error!);
        const state = await syncStates.get('pagerduty', 'default');
        const checkpoint = state?.cursor
          ? JSON.parse(state.cursor).checkpoint
          : -Infinity;
        if (errors.length === 0 && checkpoint > lastCreated) break;
        for (const e of errors) console.error(`  run ${runs} failed: ${e}`);
        if (runs >= MAX_RUNS) break;
      }
    } finally {
      clearInterval(progress);
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const stats = await mock.stats();
    const check = await verify(knex, specs);
    if (!check.exact) console.error(`  ${kind}: mismatch`, check);
    return {
      kind,
      synced: check.rows,
      written,
      requests: stats.incidents + stats.log_entries + stats.throttled,
      pages: stats.incidents,
      logEntries: stats.log_entries,
      throttled: stats.throttled,
      retries,
      runs,
      seconds,
      peakRss: process.resourceUsage().maxRSS * 1024,
      exact: check.exact,
      check,
      errors,
    };
  } finally {
    await mock.close();
    await drop();
  }
}

// ---------------------------------------------------------------- main

async function main() {
  // The same deterministic set the mock generates, to check the store against.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { generateSpecs } = require(MOCK) as {
    generateSpecs: (o: typeof GENERATE) => Spec[];
  };
  const specs = generateSpecs(GENERATE);
  const logFetches = specs.filter(s => s.ackAt !== undefined).length;
  const kinds = databaseKinds();
  console.log(
    `Sync throughput: ${INCIDENTS.toLocaleString(
      'en',
    )} PagerDuty incidents over ${SERVICES} services (${logFetches.toLocaleString(
      'en',
    )} need a log-entries request), mock limited to ${
      RATE > 0
        ? `${RATE} requests/s${
            QUOTA_HEADERS ? '' : ' (no ratelimit-remaining on 2xx)'
          }`
        : 'no rate'
    }; ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(
      0,
    )} GiB, Node ${process.version}, load ${os
      .loadavg()
      .map(l => l.toFixed(2))
      .join(' ')}`,
  );
  const results = [];
  for (const kind of kinds) results.push(await measure(kind, specs));

  const fmt = (n: number) => Math.round(n).toLocaleString('en');
  const table: Array<[string, ...string[]]> = [
    ['', ...results.map(r => (r.kind === 'pg' ? 'PostgreSQL' : 'SQLite'))],
    ['incidents synced', ...results.map(r => fmt(r.synced))],
    [
      'requests made (incident pages + log entries + 429s)',
      ...results.map(
        r =>
          `${fmt(r.requests)} (${fmt(r.pages)} + ${fmt(r.logEntries)} + ${fmt(
            r.throttled,
          )})`,
      ),
    ],
    ['429s received', ...results.map(r => fmt(r.throttled))],
    ['client retries', ...results.map(r => fmt(r.retries))],
    ['sync runs', ...results.map(r => String(r.runs))],
    ['elapsed (s)', ...results.map(r => r.seconds.toFixed(1))],
    ['incidents/s', ...results.map(r => fmt(r.synced / r.seconds))],
    ['requests/s', ...results.map(r => fmt(r.requests / r.seconds))],
    [
      'peak RSS (MB, bench process)',
      ...results.map(r => fmt(r.peakRss / 2 ** 20)),
    ],
    [
      "store = vendor's set (count, no duplicates, fields)",
      ...results.map(r =>
        r.exact
          ? 'yes'
          : `NO (${r.check.rows} rows, ${r.check.duplicates} dup, ${r.check.missing} missing, ${r.check.wrong} wrong)`,
      ),
    ],
  ];
  console.log(`| ${table[0].join(' | ')} |`);
  console.log(`|${table[0].map(() => ' --- ').join('|')}|`);
  for (const row of table.slice(1)) console.log(`| ${row.join(' | ')} |`);
  if (results.some(r => !r.exact || r.errors.length)) process.exitCode = 1;
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
