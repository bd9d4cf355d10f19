// Shared helpers of the resilience suite: checks, PostgreSQL databases, backend processes.
import { spawn } from 'node:child_process';
import {
  createWriteStream,
  mkdtempSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import pg from 'pg';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BACKEND_DIR = join(ROOT, 'packages', 'backend');
const require = createRequire(
  join(ROOT, 'node_modules/@backstage/cli/package.json'),
);
export const TOKEN = 'sla-demo-seed-token-local-only';
export const PG = { host: '127.0.0.1', port: 5432, user: 'postgres' };
/** Ports another engineer uses; never listen there. */
const RESERVED_PORTS = new Set([3000, 7007]);
/** Longest wait for a backend to answer /api/sla/health. */
export const STARTUP_TIMEOUT_MS = 120_000;

export const WORK_DIR = mkdtempSync(join(tmpdir(), 'sla-resilience-'));

export const sleep = ms => new Promise(r => setTimeout(r, ms));

// ---------------------------------------------------------------- checks

export const results = { passed: 0, failed: 0 };

/** Prints one PASS/FAIL line; the figures go in `detail`. */
export function check(name, ok, detail = '') {
  if (ok) results.passed++;
  else results.failed++;
  console.log(`${ok ? 'PASS' : 'FAIL'} ${name}${detail ? ` — ${detail}` : ''}`);
  return ok;
}

export function info(message) {
  console.log(`     ${message}`);
}

/** Polls `probe` until it returns a truthy value or the time runs out (then undefined). */
export async function waitFor(probe, { timeoutMs, intervalMs = 250 }) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() >= end) return undefined;
    await sleep(intervalMs);
  }
}

// ---------------------------------------------------------------- PostgreSQL

export async function adminQuery(sql, params = []) {
  const client = new pg.Client({ ...PG, database: 'postgres' });
  await client.connect();
  try {
    return await client.query(sql, params);
  } finally {
    await client.end();
  }
}

/** A fresh database; returns a pool on it (schema `sla` holds the plugin's tables). */
export async function createDatabase(name) {
  await dropDatabase(name);
  await adminQuery(`CREATE DATABASE ${name}`);
  return new pg.Pool({ ...PG, database: name, max: 4 });
}

export async function dropDatabase(name) {
  await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}

/**
 * Runs scenario `n` on a fresh database of its own, `sla_resilience_<n>`. `run` gets a pool on
 * it and `configure(name, extra)`, which picks a free port and writes the app-config override
 * of a backend process on that database (see writeConfig), for startBackend / startHealthy.
 * Afterwards, however it ends, `cleanup` runs (e.g. closing a vendor mock), then the pool is
 * closed and the database dropped.
 */
export async function withScenarioDatabase(n, run, cleanup = async () => {}) {
  const database = `sla_resilience_${n}`;
  let pool;
  try {
    pool = await createDatabase(database);
    return await run({
      pool,
      configure: (name, extra) => configureBackend(name, { database, extra }),
    });
  } finally {
    await cleanup();
    if (pool) {
      await pool.end();
      await dropDatabase(database);
    }
  }
}

// ---------------------------------------------------------------- ports

export async function freePort() {
  for (let i = 0; i < 20; i++) {
    const port = await new Promise((resolve, reject) => {
      const srv = createServer();
      srv.once('error', reject);
      srv.listen(0, '127.0.0.1', () => {
        const p = srv.address().port;
        srv.close(() => resolve(p));
      });
    });
    if (!RESERVED_PORTS.has(port)) return port;
  }
  throw new Error('no free port');
}

// ---------------------------------------------------------------- backend processes

/**
 * Writes the app-config override of one backend process: its own port and database (every
 * plugin in a schema of that database), plus `extra` (merged at the top level).
 */
export function writeConfig(name, { port, database, extra = {} }) {
  const config = {
    ...extra,
    backend: {
      baseUrl: `http://127.0.0.1:${port}`,
      listen: { port, host: '127.0.0.1' },
      database: {
        client: 'pg',
        pluginDivisionMode: 'schema',
        connection: { ...PG, database },
      },
    },
  };
  const path = join(WORK_DIR, `${name}.yaml`);
  // JSON is YAML.
  writeFileSync(path, JSON.stringify(config, null, 2));
  return path;
}

/** A free port and the app-config override of a backend on it (see writeConfig). */
async function configureBackend(name, { database, extra }) {
  const port = await freePort();
  return { port, configPath: writeConfig(name, { port, database, extra }) };
}

const running = new Set();

/**
 * Starts the host backend in dev mode, in its own process group, logging to a file. By default
 * it runs the exact command `backstage-cli package start` spawns (node --enable-source-maps
 * --require @backstage/cli-node/config/nodeTransform.cjs src/index --config …, NODE_ENV
 * development) but without the CLI's file watcher: a watcher restarts the backend whenever
 * anyone edits a plugin source file, which would add unplanned restarts to a scenario.
 * RESILIENCE_VIA_CLI=1 starts it through `backstage-cli package start` itself.
 */
export function startBackend(name, { port, configPath }) {
  const logPath = join(WORK_DIR, `${name}.log`);
  const out = createWriteStream(logPath, { flags: 'a' });
  const configArgs = [
    '--config',
    '../../app-config.yaml',
    '--config',
    configPath,
  ];
  const args =
    process.env.RESILIENCE_VIA_CLI === '1'
      ? [
          join(ROOT, 'node_modules/@backstage/cli/bin/backstage-cli'),
          'package',
          'start',
          ...configArgs,
        ]
      : [
          '--enable-source-maps',
          '--require',
          require.resolve('@backstage/cli-node/config/nodeTransform.cjs'),
          'src/index',
          ...configArgs,
        ];
  const child = spawn(process.execPath, args, {
    cwd: BACKEND_DIR,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      NODE_ENV: process.env.NODE_ENV ?? 'development',
      ESBK_TSCONFIG_PATH: join(ROOT, 'tsconfig.json'),
    },
  });
  child.stdout.pipe(out);
  child.stderr.pipe(out);
  const proc = {
    name,
    port,
    child,
    logPath,
    base: `http://127.0.0.1:${port}`,
    startedAt: Date.now(),
    exited: false,
  };
  child.on('exit', () => {
    proc.exited = true;
    running.delete(proc);
  });
  running.add(proc);
  return proc;
}

/** Waits for /api/sla/health; returns the startup time in ms or throws. */
export async function waitHealthy(proc, timeoutMs = STARTUP_TIMEOUT_MS) {
  const ok = await waitFor(
    async () => {
      if (proc.exited) throw new Error(`${proc.name} exited during startup`);
      try {
        const res = await fetch(`${proc.base}/api/sla/health`, {
          signal: AbortSignal.timeout(2000),
        });
        return res.ok;
      } catch {
        return false;
      }
    },
    { timeoutMs, intervalMs: 250 },
  );
  if (!ok)
    throw new Error(`${proc.name} did not answer within ${timeoutMs} ms`);
  return Date.now() - proc.startedAt;
}

/**
 * Starts a backend (see startBackend) and waits until it is healthy, logging `label` with
 * its startup time: `backend up in 12.3 s`.
 */
export async function startHealthy(name, options, label = 'backend up') {
  const proc = startBackend(name, options);
  info(`${label} in ${(await waitHealthy(proc)) / 1000} s`);
  return proc;
}

/**
 * The `extra` config (see writeConfig) of a backend that syncs from a PagerDuty mock: its
 * scheduled tasks every `frequencyS` seconds with a `timeoutS` lease, and the mock as the
 * only PagerDuty account, read without look-back.
 */
export function pagerDutySyncConfig(mock, { frequencyS, timeoutS }) {
  return {
    sla: {
      schedule: {
        frequency: { seconds: frequencyS },
        timeout: { minutes: 0, seconds: timeoutS },
      },
      providers: {
        pagerduty: { token: mock.token, baseUrl: mock.url, lookbackDays: 0 },
      },
    },
  };
}

/** kill -9 of the whole process group (yarn-less backstage-cli and its backend child). */
export async function kill9(proc) {
  try {
    process.kill(-proc.child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
  await waitFor(() => proc.exited, { timeoutMs: 10_000, intervalMs: 50 });
}

/** Kills every backend this run started (used on exit and on errors). */
export async function killAll() {
  for (const proc of [...running]) await kill9(proc);
}

/** Log lines (ANSI codes removed) with their timestamp in ms. */
export function readLog(proc) {
  let text = '';
  try {
    text = readFileSync(proc.logPath, 'utf8');
  } catch {
    return [];
  }
  return (
    text
      // eslint-disable-next-line no-control-regex
      .replace(/\u001b\[[0-9;]*m/g, '')
      .split('\n')
      .map(line => {
        const m = /^(\d{4}-\d\d-\d\dT[\d:.]+Z)\s/.exec(line);
        return { at: m ? Date.parse(m[1]) : undefined, line };
      })
      .filter(l => l.line.trim() !== '')
  );
}

// ---------------------------------------------------------------- API

/**
 * One HTTP request to a backend; resolves { status, body, ms } or { error, ms } when no
 * response came within `timeoutMs`. `token` goes in the Authorization header.
 */
export async function request(
  base,
  path,
  { method = 'GET', headers = {}, body, token, timeoutMs = 30_000 } = {},
) {
  const t0 = performance.now();
  const elapsed = () => performance.now() - t0;
  try {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: token
        ? { ...headers, authorization: `Bearer ${token}` }
        : headers,
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    return { status: res.status, body: text, ms: elapsed() };
  } catch (e) {
    return { error: e?.cause?.code ?? e?.name ?? String(e), ms: elapsed() };
  }
}

/** POST /api/sla/incidents with the demo's static token (see request). */
export function postIncidents(base, incidents, timeoutMs = 30_000) {
  return request(base, '/api/sla/incidents', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ incidents }),
    token: TOKEN,
    timeoutMs,
  });
}

export const is2xx = r =>
  r.status !== undefined && r.status >= 200 && r.status < 300;

/** Rows by (source, incident_id) of one source, and the number of duplicated identities. */
export async function incidentRows(pool, source) {
  const { rows } = await pool.query(
    'SELECT incident_id, title, priority, created_at, acknowledged_at, resolved_at FROM sla.sla_incidents WHERE source = $1',
    [source],
  );
  const dup = await pool.query(
    'SELECT count(*)::int AS n FROM (SELECT 1 FROM sla.sla_incidents WHERE source = $1 GROUP BY source, incident_id HAVING count(*) > 1) d',
    [source],
  );
  return {
    rows,
    byId: new Map(rows.map(r => [r.incident_id, r])),
    duplicates: dup.rows[0].n,
  };
}

/** A guest user's Backstage token (the demo's guest sign-in), for user-facing reads. */
export async function guestToken(base) {
  const res = await request(base, '/api/auth/guest/refresh', {
    headers: { 'x-requested-with': 'XMLHttpRequest' },
  });
  if (!is2xx(res)) {
    throw new Error(`guest sign-in: ${res.status ?? res.error} ${res.body}`);
  }
  return JSON.parse(res.body).backstageIdentity.token;
}
