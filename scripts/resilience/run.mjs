#!/usr/bin/env node
// Process-level resilience suite of the SLA backend plugin (issue 8): real backend processes
// (`backstage-cli package start`), each scenario on its own PostgreSQL database, kill -9,
// restarts, two replicas, hostile load (issue 13). See docs/resilience.md.
//
//   bash scripts/sla.sh yarn node scripts/resilience/run.mjs          # every scenario
//   bash scripts/sla.sh yarn node scripts/resilience/run.mjs 1 3      # some of them
//
// Prints one PASS/FAIL line per check and `N passed, N failed`; exits 1 on any failure.
import { rmSync } from 'node:fs';
import { check, info, killAll, results, WORK_DIR } from './lib.mjs';
import { crashDuringIngestion } from './s1-ingestion.mjs';
import { crashDuringSync } from './s2-sync.mjs';
import { twoReplicas } from './s3-replicas.mjs';
import { hostileLoad } from './s4-hostile-load.mjs';
import { vendorOutage } from './s6-vendor-outage.mjs';
import { replicaTakeover } from './s7-replica-takeover.mjs';

/** The whole run stops by itself after this long, whatever happens. */
const HARD_LIMIT_MS = 15 * 60_000;

const SCENARIOS = {
  1: ['crash during ingestion', crashDuringIngestion],
  2: ['crash during provider sync', crashDuringSync],
  3: ['two replicas on one PostgreSQL', twoReplicas],
  4: ['hostile and maximal requests, /health watched', hostileLoad],
  6: ['vendor outage: unknown, then the true status', vendorOutage],
  7: ['two replicas split the snapshot work, kill -9 of one', replicaTakeover],
};

const wanted = process.argv.slice(2).filter(a => SCENARIOS[a]);
const selected = wanted.length ? wanted : Object.keys(SCENARIOS);
const started = Date.now();

async function finish(code) {
  await killAll();
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`total ${seconds} s (logs kept in ${WORK_DIR} on failure)`);
  if (results.failed === 0) rmSync(WORK_DIR, { recursive: true, force: true });
  console.log(`${results.passed} passed, ${results.failed} failed`);
  process.exit(code);
}

const hardLimit = setTimeout(() => {
  check(
    'suite finished within its time limit',
    false,
    `${HARD_LIMIT_MS / 1000} s`,
  );
  finish(1);
}, HARD_LIMIT_MS);
hardLimit.unref();
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    check('suite not interrupted', false, signal);
    finish(1);
  });
}

for (const key of selected) {
  const [name, run] = SCENARIOS[key];
  const t0 = Date.now();
  console.log(`== scenario ${key}: ${name}`);
  try {
    await run();
  } catch (e) {
    check(`S${key} ran to completion`, false, e?.stack ?? String(e));
  } finally {
    await killAll();
  }
  info(`scenario ${key} took ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}
await finish(results.failed === 0 ? 0 : 1);
