// Scenario 3: two backend replicas on one PostgreSQL database: the global scheduled tasks run
// once per interval, never twice at a time, sla-snapshots once on each replica on its share,
// and interleaved writes through both stay consistent.
import {
  check,
  incidentRows,
  info,
  is2xx,
  kill9,
  pagerDutySyncConfig,
  postIncidents,
  readLog,
  sleep,
  startHealthy,
  withScenarioDatabase,
} from './lib.mjs';
import { prng } from '../lib.mjs';
import { startMockPagerDuty, triggeredSpecs } from './mockPagerDuty.mjs';

const SOURCE = 'resilience-replicas';
const FREQUENCY_S = 5;
/** sla-snapshots waits 2 minutes after startup (plugin.ts SNAPSHOT_SCHEDULE). */
const SNAPSHOT_DELAY_MS = 120_000;
const POOL = 3000;
const WRITE_BATCH = 1000;
const ROUNDS = 15;
const PAGE_DELAY_MS = 250;

const BASE = Date.UTC(2026, 9, 1);
const idOf = k => `R${String(k).padStart(5, '0')}`;
/** Every field derives from the write's sequence number, so a torn row shows. */
function incident(k, seq) {
  return {
    source: SOURCE,
    id: idOf(k),
    entityRef: 'component:default/cad-core',
    title: `write ${seq}`,
    priority: `P${1 + (seq % 4)}`,
    createdAt: new Date(BASE + seq * 60_000).toISOString(),
    pauses: [],
  };
}

/** Runs (by their `until`) seen by the mock, with their first and last request times. */
function providerRuns(mock) {
  const runs = new Map();
  for (const r of mock.requests) {
    if (r.kind !== 'incidents') continue;
    const run = runs.get(r.until) ?? { until: r.until, start: r.at, end: r.at };
    run.start = Math.min(run.start, r.at);
    run.end = Math.max(run.end, r.at + PAGE_DELAY_MS);
    runs.set(r.until, run);
  }
  return [...runs.values()].sort((a, b) => a.start - b.start);
}

/** The message of a Backstage error response, and the cause the replica logged. */
function errorMessage(result) {
  try {
    return JSON.parse(result.body).error.message;
  } catch {
    return (result.body ?? '').slice(0, 120);
  }
}

function overlaps(intervals) {
  let n = 0;
  for (let i = 1; i < intervals.length; i++) {
    if (intervals[i].start < intervals[i - 1].end) n++;
  }
  return n;
}

export async function twoReplicas() {
  const mock = await startMockPagerDuty({ pageDelayMs: PAGE_DELAY_MS });
  mock.add(
    triggeredSpecs({
      count: 300,
      prefix: 'PR',
      digits: 4,
      serviceId: 'PCADCOR',
      from: Date.now() - 30 * 60_000,
    }),
  );
  await withScenarioDatabase(
    3,
    async ({ pool, configure }) => {
      const replicas = [];
      for (const name of ['s3-replica-a', 's3-replica-b']) {
        const backend = await configure(
          name,
          pagerDutySyncConfig(mock, { frequencyS: FREQUENCY_S, timeoutS: 40 }),
        );
        replicas.push({ ...backend, name });
      }
      // One after the other, like a rolling deployment: started at the same instant on an empty
      // database, the catalog plugin of one of them fails its migrations (knex "Migration table
      // is already locked") and that process shuts down — Backstage's catalog, not the SLA plugin.
      const procs = [];
      for (const r of replicas) {
        procs.push(await startHealthy(r.name, r, `${r.name} up`));
      }
      const windowStart = Date.now();

      // ---------------------------------------------- interleaved writes through both
      const rand = prng(20261125);
      let seq = 0;
      const writes = [];
      const writer = async proc => {
        for (let round = 0; round < ROUNDS; round++) {
          const s = ++seq;
          const keys = new Set();
          while (keys.size < WRITE_BATCH) keys.add(Math.floor(rand() * POOL));
          const order = [...keys].sort(() => rand() - 0.5);
          const w = { seq: s, keys: order, via: proc.name, sentAt: Date.now() };
          w.result = await postIncidents(
            proc.base,
            order.map(k => incident(k, s)),
          );
          w.doneAt = Date.now();
          writes.push(w);
        }
      };
      await Promise.all(procs.map(writer));
      const failed = writes.filter(w => !is2xx(w.result));
      check(
        'S3 concurrent writes through both replicas answered 2xx',
        failed.length === 0,
        `${writes.length - failed.length}/${
          writes.length
        } 2xx (${ROUNDS} batches of ${WRITE_BATCH} overlapping ids per replica, pool ${POOL})${failed
          .slice(0, 3)
          .map(
            w =>
              `; seq ${w.seq} via ${w.via}: ${
                w.result.status ?? w.result.error
              } ${errorMessage(w.result)}`,
          )
          .join('')}`,
      );
      const acked = writes.filter(w => is2xx(w.result));
      const byKey = new Map();
      for (const w of acked)
        for (const k of w.keys)
          (byKey.get(k) ?? byKey.set(k, []).get(k)).push(w);
      let rows = await incidentRows(pool, SOURCE);
      let torn = 0;
      let stale = 0;
      let unknown = 0;
      for (const [k, ws] of byKey) {
        const row = rows.byId.get(idOf(k));
        if (!row) {
          unknown++;
          continue;
        }
        const m = /^write (\d+)$/.exec(row.title);
        const s = m ? Number(m[1]) : NaN;
        const expected = incident(k, s);
        if (
          !m ||
          row.priority !== expected.priority ||
          Number(row.created_at) !== Date.parse(expected.createdAt)
        ) {
          torn++;
          continue;
        }
        const w = ws.find(x => x.seq === s);
        if (!w) {
          unknown++;
          continue;
        }
        // A write acknowledged before another write of the same id was sent cannot be the last.
        if (ws.some(x => x !== w && x.sentAt > w.doneAt)) stale++;
      }
      check(
        'S3 interleaved writes: one row per (source,id), each from a single write',
        rows.duplicates === 0 &&
          torn === 0 &&
          rows.rows.length === byKey.size &&
          unknown === 0,
        `${rows.rows.length} rows for ${byKey.size} ids written, ${rows.duplicates} duplicated, ${torn} torn, ${unknown} missing/unknown`,
      );
      check(
        'S3 interleaved writes: no row older than a later acknowledged write',
        stale === 0,
        `${stale} stale rows`,
      );
      // Sequential last writes, alternating replicas: the final rows are known exactly.
      const all = Array.from({ length: POOL }, (_, k) => k);
      const f1 = ++seq;
      const r1 = await postIncidents(
        procs[0].base,
        all.map(k => incident(k, f1)),
      );
      const f2 = ++seq;
      const r2 = await postIncidents(
        procs[1].base,
        all.filter(k => k % 2 === 0).map(k => incident(k, f2)),
      );
      rows = await incidentRows(pool, SOURCE);
      const wrong = all.filter(
        k => rows.byId.get(idOf(k))?.title !== `write ${k % 2 === 0 ? f2 : f1}`,
      ).length;
      check(
        'S3 final rows = last write per (source,id)',
        is2xx(r1) &&
          is2xx(r2) &&
          wrong === 0 &&
          rows.duplicates === 0 &&
          rows.rows.length === POOL,
        `${rows.rows.length} rows, ${wrong} not equal to the last write, ${rows.duplicates} duplicated`,
      );

      // ---------------------------------------------- scheduled tasks
      // From when both answered: each replica's sla-snapshots runs 2 minutes after its
      // plugin started, which on a busy machine is well after the process was spawned.
      const snapshotAt = windowStart + SNAPSHOT_DELAY_MS + 20_000;
      info(
        `watching the scheduled tasks until ${new Date(
          snapshotAt,
        ).toISOString()} (sla-snapshots waits 2 min)`,
      );
      while (Date.now() < snapshotAt) await sleep(500);
      const windowEnd = Date.now();
      const windowS = (windowEnd - windowStart) / 1000;
      const logs = procs.map(p => readLog(p));
      const lines = re =>
        logs.flatMap((l, i) =>
          l
            .filter(
              x => x.at >= windowStart && x.at <= windowEnd && re.test(x.line),
            )
            .map(x => ({ ...x, replica: i })),
        );

      const catalogRuns = lines(/SLA catalog sync:/).sort(
        (a, b) => a.at - b.at,
      );
      const gaps = catalogRuns.slice(1).map((x, i) => x.at - catalogRuns[i].at);
      const minGap = gaps.length ? Math.min(...gaps) : Infinity;
      const expected = windowS / FREQUENCY_S;
      check(
        'S3 sla-catalog-sync runs once per interval across both replicas',
        catalogRuns.length <= expected + 2 &&
          catalogRuns.length >= expected / 2 &&
          minGap >= 1000,
        `${catalogRuns.length} runs in ${windowS.toFixed(
          0,
        )} s (≈${expected.toFixed(0)} intervals; replica A ${
          catalogRuns.filter(x => x.replica === 0).length
        }, B ${
          catalogRuns.filter(x => x.replica === 1).length
        }), closest two completions ${(minGap / 1000).toFixed(2)} s apart`,
      );

      const runs = providerRuns(mock).filter(
        r => r.start >= windowStart && r.end <= windowEnd,
      );
      const overlapping = overlaps(runs);
      const syncLogs = lines(/Incident sync pagerduty\/default: /);
      check(
        'S3 sla-provider-sync never runs twice at a time',
        overlapping === 0 && runs.length > 0,
        `${runs.length} runs seen by the vendor mock (each ≈${(
          runs.reduce((s, r) => s + r.end - r.start, 0) /
          Math.max(1, runs.length) /
          1000
        ).toFixed(2)} s), ${overlapping} overlapping`,
      );
      check(
        'S3 sla-provider-sync runs once per interval, each logged by one replica',
        runs.length <= expected + 2 &&
          Math.abs(syncLogs.length - runs.length) <= 1,
        `${runs.length} runs in ${windowS.toFixed(0)} s, ${
          syncLogs.length
        } completion lines (replica A ${
          syncLogs.filter(x => x.replica === 0).length
        }, B ${syncLogs.filter(x => x.replica === 1).length})`,
      );
      // sla-snapshots runs on each replica, on its share of the entities (issue 14.6;
      // scenario 6 checks the split and the takeover).
      const snapshots = lines(/SLA snapshots:/);
      const shares = snapshots.map(s =>
        Number(/for (\d+) entities/.exec(s.line)?.[1] ?? NaN),
      );
      const { rows: entityRows } = await pool.query(
        'SELECT count(*)::int AS n FROM sla.sla_entities WHERE removed_at IS NULL',
      );
      check(
        'S3 sla-snapshots ran once on each replica, each on its share of the entities',
        snapshots.length === 2 &&
          new Set(snapshots.map(s => s.replica)).size === 2 &&
          shares[0] + shares[1] === entityRows[0].n,
        `${snapshots.length} runs after the 2-minute initial delay (${snapshots
          .map((s, i) => `replica ${'AB'[s.replica]}: ${shares[i]} entities`)
          .join(', ')}; ${entityRows[0].n} entities in all)`,
      );
      const causes = logs
        .flat()
        .filter(
          x =>
            /sla.incident-ingest/.test(x.line) && /code="(\w+)"/.test(x.line),
        )
        .map(x => /code="(\w+)"/.exec(x.line)[1]);
      info(
        `failed ingest audit events in the replica logs, by PostgreSQL error code: ${
          causes.length
            ? Object.entries(
                causes.reduce((m, c) => ({ ...m, [c]: (m[c] ?? 0) + 1 }), {}),
              )
                .map(
                  ([c, n]) =>
                    `${c} ×${n}${c === '40P01' ? ' (deadlock detected)' : ''}`,
                )
                .join(', ')
            : 'none'
        }`,
      );
      for (const p of procs) await kill9(p);
    },
    () => mock.close(),
  );
}
