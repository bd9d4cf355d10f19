#!/usr/bin/env node
// UI speed of the portal as a user meets it, measured in Chromium on the production build: the
// app built once (`yarn workspace app build`) and served by the backend, as in production, on
// its own port and its own SQLite folder, seeded with the demo data. Prints figures; asserts
// nothing, because this machine is shared and noisy (docs/benchmarks.md).
//
//   npm run bench:ui                 # 5 runs of each view
//   npm run bench:ui -- --runs 10
//
// Figures, per run (the first one cold: nothing cached by the browser or the backend):
//   card  ms from navigating to a service's entity page to its SLA card showing objectives;
//   /sla  ms from navigating to /sla to the rate and the heatmap shown with no progress bar;
//   requests: how many /api/sla/overview requests the /sla view sent.
import { chromium } from 'playwright-core';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromiumLaunchOptions } from './lib.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const RUNS = Number(option('runs', '5'));
const PORT = Number(option('port', '7207'));
const BASE = `http://localhost:${PORT}`;
const SERVICE = '/catalog/default/component/cad-core';
const TIMEOUT = 60_000;

const log = msg => console.log(`[bench:ui] ${msg}`);
const yarn = join(root, '.yarn', 'releases', 'yarn-4.13.0.cjs');

// The backend serves the built app; both on PORT, with a database of their own.
const work = mkdtempSync(join(tmpdir(), 'sla-bench-ui-'));
const config = join(work, 'app-config.bench.yaml');
writeFileSync(
  config,
  `app:
  baseUrl: ${BASE}
backend:
  baseUrl: ${BASE}
  listen:
    port: ${PORT}
  cors:
    origin: ${BASE}
  database:
    client: better-sqlite3
    connection:
      directory: ${join(work, 'sqlite')}
`,
);
// The bundle carries the backend's address from the config it was built with, so it is built
// for this port every time (about a minute), as a production build is for its host.
log('building the app (production bundle) for this port');
const build = spawnSync(
  process.execPath,
  [
    yarn,
    'workspace',
    'app',
    'build',
    '--config',
    '../../app-config.yaml',
    '--config',
    config,
  ],
  { cwd: root, stdio: 'inherit' },
);
if (build.status !== 0) process.exit(build.status ?? 1);
log(`backend on ${BASE}, work folder ${work}`);
const backend = spawn(
  process.execPath,
  [
    yarn,
    'workspace',
    'backend',
    'start',
    '--config',
    '../../app-config.yaml',
    '--config',
    config,
  ],
  { cwd: root, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
);
let backendLog = '';
backend.stdout.on('data', d => (backendLog += d));
backend.stderr.on('data', d => (backendLog += d));
const stop = () => {
  try {
    process.kill(-backend.pid, 'SIGTERM');
  } catch {
    // already gone
  }
};
process.on('exit', stop);

async function waitFor(url, seconds) {
  for (let i = 0; i < seconds; i++) {
    const ok = await fetch(url)
      .then(r => r.ok)
      .catch(() => false);
    if (ok) return;
    await new Promise(r => setTimeout(r, 1000));
  }
  console.error(backendLog.slice(-4000));
  throw new Error(`${url} did not answer within ${seconds} s`);
}

const median = xs => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2
    ? s[(s.length - 1) / 2]
    : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

let browser;
try {
  await waitFor(`${BASE}/api/sla/health`, 300);
  await waitFor(`${BASE}/`, 60);
  log('seeding the demo incidents');
  const seed = spawnSync(
    process.execPath,
    [join(root, 'scripts/seed-demo.mjs'), '--base', BASE],
    { cwd: root, encoding: 'utf8' },
  );
  if (seed.status !== 0) throw new Error(`seed failed: ${seed.stderr}`);
  log(seed.stdout.trim().split('\n').pop());

  browser = await chromium.launchPersistentContext(
    join(work, 'chromium'),
    chromiumLaunchOptions(),
  );
  const page = browser.pages()[0] ?? (await browser.newPage());
  page.setDefaultTimeout(TIMEOUT);

  // Guest sign-in once; the session then holds for every run.
  await page.goto(`${BASE}${SERVICE}`, { waitUntil: 'domcontentloaded' });
  const enter = page.getByRole('button', { name: /^enter$/i });
  const signedIn = page.locator('[data-testid="sla-objectives"]');
  await Promise.race([enter.waitFor(), signedIn.waitFor()]);
  if (await enter.isVisible()) await enter.click();
  await signedIn.waitFor();

  let overviewRequests = 0;
  page.on('request', r => {
    if (r.url().includes('/api/sla/overview')) overviewRequests++;
  });

  const rows = [];
  for (let run = 1; run <= RUNS; run++) {
    // Away first, so each navigation starts the view from nothing.
    await page.goto('about:blank');

    let t0 = Date.now();
    await page.goto(`${BASE}${SERVICE}`, { waitUntil: 'commit' });
    await page
      .locator('[data-testid="sla-objectives"] [data-status]')
      .first()
      .waitFor();
    const card = Date.now() - t0;

    await page.goto('about:blank');
    overviewRequests = 0;
    t0 = Date.now();
    await page.goto(`${BASE}/sla`, { waitUntil: 'commit' });
    await page.locator('[data-testid="sla-rate"]').waitFor();
    await page.locator('[data-testid="sla-heatmap"]').waitFor();
    await page
      .locator('[role="progressbar"]')
      .first()
      .waitFor({ state: 'detached' })
      .catch(() => {});
    const sla = Date.now() - t0;
    rows.push({ run, card, sla, requests: overviewRequests });
    log(
      `run ${run}: card ${card} ms, /sla ${sla} ms, ${overviewRequests} overview request(s)`,
    );
  }

  const warm = rows.slice(1);
  console.log('');
  console.log('| Figure | Cold (run 1) | Warm median (runs 2–n) | Goal |');
  console.log('|---|---|---|---|');
  console.log(
    `| SLA card visible after opening the entity page | ${rows[0].card} ms | ${
      warm.length ? `${median(warm.map(r => r.card))} ms` : '—'
    } | ≤ 1,000 ms |`,
  );
  console.log(
    `| /sla complete | ${rows[0].sla} ms | ${
      warm.length ? `${median(warm.map(r => r.sla))} ms` : '—'
    } | ≤ 1,500 ms |`,
  );
  console.log(
    `| /overview requests per /sla view | ${rows[0].requests} | ${
      warm.length ? median(warm.map(r => r.requests)) : '—'
    } | 1 |`,
  );
} catch (e) {
  // What the browser showed, to tell a slow page from a broken one.
  const failure = join(root, '.cache', 'bench-ui-failure.png');
  await browser
    ?.pages()[0]
    ?.screenshot({ path: failure })
    .catch(() => {});
  console.error(`[bench:ui] failed; screenshot ${failure}`);
  console.error(backendLog.slice(-3000));
  throw e;
} finally {
  await browser?.close().catch(() => {});
  stop();
  rmSync(work, { recursive: true, force: true });
}
process.exit(0);
