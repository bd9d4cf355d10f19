// Scenario 7 (issue 14.6): two backend replicas on one PostgreSQL database split the
// scheduled snapshot work (each entity handled by exactly one replica per run); after a
// kill -9 of one, the survivor takes its entities over within one interval (its heartbeat
// sees the dead one gone after the TTL and triggers a snapshot run), not after a task timeout.
import { createHash } from 'node:crypto';
import {
  check,
  info,
  kill9,
  readLog,
  sleep,
  startHealthy,
  waitFor,
  withScenarioDatabase,
} from './lib.mjs';

/** sla-snapshots every INTERVAL_S on each replica; heartbeats every HEARTBEAT_S (TTL 3×). */
const INTERVAL_S = 10;
const HEARTBEAT_S = 2;
const TTL_S = 3 * HEARTBEAT_S;
/** Scheduler ticks and process start are not exact: what the first bound allows on top. */
const SLACK_S = 3;

/**
 * The plugin's partition rule (ReplicaMembership.ownerOf), written again here on purpose: the
 * scenario checks the replicas' shares against an independent copy of the rule.
 */
function ownerOf(key, replicaIds) {
  let best;
  let bestScore = '';
  for (const id of replicaIds) {
    const score = createHash('sha256').update(`${id}\n${key}`).digest('hex');
    if (best === undefined || score > bestScore) {
      best = id;
      bestScore = score;
    }
  }
  return best;
}

const RUN =
  /SLA snapshots: (\d+) closed periods published for (\d+) entities \(replica (\S+), 1 of (\d+) live\)/;

/** Snapshot runs logged by `procs` after `since`, oldest first. */
function snapshotRuns(procs, since) {
  return procs
    .flatMap(p =>
      readLog(p)
        .filter(l => l.at > since && RUN.test(l.line))
        .map(l => {
          const [, written, entities, replica, live] = RUN.exec(l.line);
          return {
            at: l.at,
            proc: p.name,
            replica,
            written: Number(written),
            entities: Number(entities),
            live: Number(live),
          };
        }),
    )
    .sort((a, b) => a.at - b.at);
}

function replicaIdOf(proc) {
  for (const l of readLog(proc)) {
    const m = /SLA replica (\S+) joined/.exec(l.line);
    if (m) return m[1];
  }
  return undefined;
}

const count = async (pool, sql) => (await pool.query(sql)).rows[0].n;

export async function replicaTakeover() {
  await withScenarioDatabase(7, async ({ pool, configure }) => {
    const extra = {
      sla: {
        schedule: {
          frequency: { seconds: 5 },
          timeout: { minutes: 0, seconds: 40 },
        },
        schedules: {
          snapshots: {
            frequency: { seconds: INTERVAL_S },
            timeout: { seconds: 30 },
            initialDelay: { seconds: 5 },
          },
        },
        replicas: { heartbeat: { seconds: HEARTBEAT_S } },
      },
    };
    const procs = [];
    // One after the other (see scenario 3: the catalog's migrations on an empty database).
    for (const name of ['s7-replica-a', 's7-replica-b']) {
      procs.push(
        await startHealthy(name, await configure(name, extra), `${name} up`),
      );
    }
    const [a, b] = procs;
    const ids = procs.map(replicaIdOf);
    info(`replica ids: A ${ids[0]}, B ${ids[1]}`);

    // ------------------------------------------------ the entities, synced from the catalog
    let last = -1;
    let stableSince = Date.now();
    const entities = await waitFor(
      async () => {
        const n = await count(
          pool,
          'SELECT count(*)::int AS n FROM sla.sla_entities WHERE removed_at IS NULL',
        );
        if (n !== last) {
          last = n;
          stableSince = Date.now();
        }
        return n > 0 && Date.now() - stableSince > 12_000 ? n : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 500 },
    );
    if (
      !check(
        'S7 the catalog sync found SLA entities',
        entities > 0,
        `${entities ?? 0} entities`,
      )
    )
      return;
    const refs = (
      await pool.query(
        'SELECT entity_ref FROM sla.sla_entities WHERE removed_at IS NULL',
      )
    ).rows.map(r => r.entity_ref);
    const expectedShare = ids.map(
      id => refs.filter(r => ownerOf(r, ids) === id).length,
    );

    // ------------------------------------------------ split: every snapshot written afresh
    // Cleared just after a run of each replica has ended, so that no run straddles the
    // clear (one that had skipped periods before it was counted as a first run after it).
    const syncFrom = Date.now();
    await waitFor(
      () => {
        const runs = snapshotRuns(procs, syncFrom);
        return procs.every(p => runs.some(r => r.proc === p.name))
          ? true
          : undefined;
      },
      { timeoutMs: (INTERVAL_S + SLACK_S) * 1000 },
    );
    await pool.query('DELETE FROM sla.sla_snapshots');
    const clearedAt = Date.now();
    const firstRuns = await waitFor(
      () => {
        const runs = snapshotRuns(procs, clearedAt);
        const byProc = procs.map(p => runs.find(r => r.proc === p.name));
        return byProc.every(Boolean) ? byProc : undefined;
      },
      { timeoutMs: (INTERVAL_S + SLACK_S) * 1000 },
    );
    const snapshots = await count(
      pool,
      'SELECT count(*)::int AS n FROM sla.sla_snapshots',
    );
    if (
      !check(
        'S7 both replicas ran sla-snapshots within one interval',
        firstRuns !== undefined,
        firstRuns
          ? firstRuns
              .map(r => `${r.proc} ${((r.at - clearedAt) / 1000).toFixed(1)} s`)
              .join(', ')
          : `not both within ${INTERVAL_S + SLACK_S} s`,
      )
    )
      return;
    check(
      'S7 the snapshot work is split: each entity by exactly one replica',
      firstRuns.every(
        (r, i) => r.live === 2 && r.entities === expectedShare[i],
      ) &&
        firstRuns[0].entities + firstRuns[1].entities === entities &&
        firstRuns.every(r => r.entities > 0),
      `${entities} entities: A ${firstRuns[0].entities} (rendezvous says ${
        expectedShare[0]
      }), B ${firstRuns[1].entities} (says ${
        expectedShare[1]
      }), each run seeing ${firstRuns
        .map(r => r.live)
        .join('/')} live replicas`,
    );
    check(
      'S7 the two shares published every closed period once',
      firstRuns[0].written + firstRuns[1].written === snapshots &&
        snapshots > 0,
      `A wrote ${firstRuns[0].written}, B ${firstRuns[1].written}; ${snapshots} snapshot rows`,
    );

    // ------------------------------------------------ kill -9 of A: B takes its share over
    await sleep(1_000);
    await kill9(a);
    const killedAt = Date.now();
    await pool.query('DELETE FROM sla.sla_snapshots');
    // B's heartbeat sees A gone within TTL + one heartbeat and triggers its snapshot run.
    const bound = INTERVAL_S;
    const restoredAt = await waitFor(
      async () =>
        (await count(
          pool,
          'SELECT count(*)::int AS n FROM sla.sla_snapshots',
        )) >= snapshots && Date.now(),
      { timeoutMs: (TTL_S + INTERVAL_S + SLACK_S) * 1000, intervalMs: 200 },
    );
    // The run logs its line after its last entity's rows are committed, so the rows can be
    // counted before the line is written: wait for the line too. Its own time stamp is what
    // the check measures, so waiting here does not loosen the bound.
    const bRuns =
      (await waitFor(
        () => {
          const runs = snapshotRuns([b], killedAt);
          return runs.some(r => r.live === 1) ? runs : undefined;
        },
        {
          timeoutMs: Math.max(
            5_000,
            killedAt + (TTL_S + INTERVAL_S + SLACK_S) * 1000 - Date.now(),
          ),
          intervalMs: 200,
        },
      )) ?? snapshotRuns([b], killedAt);
    const seenGone = readLog(b).find(
      l => l.at > killedAt && /SLA replicas gone: /.test(l.line),
    );
    info(
      seenGone
        ? `B's heartbeat saw A gone ${((seenGone.at - killedAt) / 1000).toFixed(
            1,
          )} s after the kill and triggered its snapshot run`
        : "B's heartbeat logged no departure (the run came from the schedule)",
    );
    const alone = bRuns.find(r => r.live === 1);
    const leaseS = alone ? (alone.at - killedAt) / 1000 : Infinity;
    const takeoverS = restoredAt ? (restoredAt - killedAt) / 1000 : Infinity;
    info(
      `B's runs after the kill: ${bRuns
        .map(
          r =>
            `+${((r.at - killedAt) / 1000).toFixed(1)} s ${
              r.entities
            } entities (${r.live} live)`,
        )
        .join(', ')}`,
    );
    check(
      "S7 after kill -9 of A, B's heartbeat counts A out after its TTL and B's snapshot run takes every entity, within one interval",
      alone !== undefined && alone.entities === entities && leaseS <= bound,
      `first run alone ${leaseS.toFixed(1)} s after the kill, on ${
        alone?.entities ?? 0
      } of ${entities} entities (TTL ${TTL_S} s, heartbeat ${HEARTBEAT_S} s, interval ${INTERVAL_S} s: bound one interval)`,
    );
    check(
      "S7 every closed period of A's share published again by B within one interval",
      restoredAt !== undefined && takeoverS <= bound,
      `takeover ${takeoverS.toFixed(
        1,
      )} s after the kill (bound one interval, ${bound} s; a global task's lease would wait for sla.schedule.timeout, 10 min by default)`,
    );
    await kill9(b);
  });
}
