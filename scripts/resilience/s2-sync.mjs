// Scenario 2: kill -9 the backend in the middle of a PagerDuty sync, restart, converge.
import {
  check,
  incidentRows,
  info,
  kill9,
  pagerDutySyncConfig,
  startHealthy,
  waitFor,
  withScenarioDatabase,
} from './lib.mjs';
import { startMockPagerDuty, triggeredSpecs } from './mockPagerDuty.mjs';

const SERVICE = 'PCADCOR'; // examples/entities.yaml: cad-core
const ENTITY = 'component:default/cad-core';
const INITIAL = 500;
const ADDED = 5000;
/** The kill comes when the run that reads the added incidents asks for this offset. */
const KILL_AT_OFFSET = 2500;
const PAGE_DELAY_MS = 40;
/**
 * sla.schedule.timeout. A global task whose process died keeps its lease in the scheduler
 * table until this expires, so the resumed run starts at most this long after the kill.
 */
const LEASE_S = 40;
const HOUR = 3_600_000;
const OVERLAP_MS = HOUR; // ProviderSync DEFAULT_OVERLAP_MS

async function syncState(pool) {
  const { rows } = await pool.query(
    "SELECT cursor, last_success_at, last_error, last_count FROM sla.sla_sync_state WHERE provider = 'pagerduty' AND account = 'default'",
  );
  if (!rows[0]) return undefined;
  const r = rows[0];
  let checkpoint;
  try {
    checkpoint = JSON.parse(r.cursor)?.checkpoint;
  } catch {
    checkpoint = undefined;
  }
  return {
    checkpoint,
    lastSuccessAt:
      r.last_success_at === null ? undefined : Number(r.last_success_at),
    lastError: r.last_error,
    lastCount: r.last_count,
  };
}

const priority = i => `P${1 + (i % 4)}`;

export async function crashDuringSync() {
  let proc;
  let killInfo;
  let addedAt;
  const mock = await startMockPagerDuty({
    pageDelayMs: PAGE_DELAY_MS,
    async onIncidentsPage(req) {
      if (
        !killInfo &&
        addedAt !== undefined &&
        req.until > addedAt &&
        req.offset >= KILL_AT_OFFSET &&
        proc
      ) {
        killInfo = { ...req, killedAt: Date.now() };
        await kill9(proc);
      }
    },
  });
  await withScenarioDatabase(
    2,
    async ({ pool, configure }) => {
      const backend = await configure(
        's2',
        pagerDutySyncConfig(mock, { frequencyS: 5, timeoutS: LEASE_S }),
      );
      // Incidents the first runs read: created 50 to 42 minutes ago, still triggered.
      const t0 = Date.now();
      mock.add(
        triggeredSpecs({
          count: INITIAL,
          prefix: 'PA',
          digits: 5,
          serviceId: SERVICE,
          from: t0 - 50 * 60_000,
        }),
      );
      proc = await startHealthy('s2-first', backend);
      const firstDone = await waitFor(
        async () => {
          const s = await syncState(pool);
          const { rows } = await incidentRows(pool, 'pagerduty');
          return s?.lastSuccessAt && rows.length === INITIAL ? s : undefined;
        },
        { timeoutMs: 90_000, intervalMs: 500 },
      );
      check(
        'S2 initial sync complete',
        !!firstDone,
        `${
          (await incidentRows(pool, 'pagerduty')).rows.length
        }/${INITIAL} incidents, cursor ${
          firstDone ? new Date(firstDone.checkpoint).toISOString() : 'none'
        }`,
      );
      if (!firstDone) return;

      // The vendor gets 5,000 more, created in the last 10 minutes; a third acknowledged, a third
      // resolved (each needs its log entries), a third still triggered.
      addedAt = Date.now();
      mock.add(
        Array.from({ length: ADDED }, (_, i) => {
          const createdAt = addedAt - 600_000 + i * 100;
          const spec = {
            id: `PB${String(i).padStart(5, '0')}`,
            serviceId: SERVICE,
            createdAt,
            priority: priority(i),
          };
          if (i % 3 >= 1) spec.ackAt = createdAt + 30_000;
          if (i % 3 === 2) spec.resolvedAt = createdAt + 60_000;
          return spec;
        }),
      );
      await waitFor(() => killInfo && proc.exited, {
        timeoutMs: 120_000,
        intervalMs: 100,
      });
      if (
        !check(
          'S2 kill -9 during the sync',
          !!killInfo,
          killInfo
            ? `at offset ${killInfo.offset} of the run until ${new Date(
                killInfo.until,
              ).toISOString()}`
            : 'the run never reached the offset',
        )
      )
        return;

      const afterKill = await syncState(pool);
      const partial = await incidentRows(pool, 'pagerduty');
      const addedStored = partial.rows.filter(r =>
        r.incident_id.startsWith('PB'),
      ).length;
      check(
        'S2 kill landed mid-sync (some pages committed, not all)',
        addedStored > 0 && addedStored < ADDED,
        `${addedStored}/${ADDED} new incidents committed before the kill`,
      );
      check(
        'S2 killed run did not move the cursor past what it committed',
        afterKill?.checkpoint !== undefined &&
          afterKill.checkpoint < killInfo.until,
        `cursor ${
          afterKill?.checkpoint && new Date(afterKill.checkpoint).toISOString()
        } < run start ${new Date(killInfo.until).toISOString()}`,
      );
      check(
        'S2 no duplicates after the kill',
        partial.duplicates === 0,
        `${partial.rows.length} rows, ${partial.duplicates} duplicated`,
      );

      const lease = await pool.query(
        "SELECT current_run_ticket, current_run_expires_at FROM sla.backstage_backend_tasks__tasks WHERE id = 'sla-provider-sync'",
      );
      const leaseUntil = lease.rows[0]?.current_run_expires_at;
      info(
        `after the kill the scheduler row of sla-provider-sync ${
          lease.rows[0]?.current_run_ticket
            ? `still holds the dead run's lease until ${new Date(
                leaseUntil,
              ).toISOString()}`
            : 'holds no lease'
        }`,
      );
      const restartAt = Date.now();
      proc = await startHealthy('s2-second', backend, 'backend restarted');
      const total = INITIAL + ADDED;
      const done = await waitFor(
        async () => {
          const s = await syncState(pool);
          const { rows } = await incidentRows(pool, 'pagerduty');
          return s?.lastSuccessAt > restartAt && rows.length >= total
            ? s
            : undefined;
        },
        { timeoutMs: 120_000, intervalMs: 500 },
      );
      const firstAfter = mock.requests.find(
        r => r.kind === 'incidents' && r.at > restartAt,
      );
      check(
        'S2 sync resumed from the stored cursor',
        firstAfter?.since === afterKill.checkpoint - OVERLAP_MS,
        `first request after restart: since=${
          firstAfter && new Date(firstAfter.since).toISOString()
        }, cursor − 1 h = ${new Date(
          afterKill.checkpoint - OVERLAP_MS,
        ).toISOString()}`,
      );
      if (firstAfter) {
        info(
          `the resumed run started ${(
            (firstAfter.at - killInfo.killedAt) /
            1000
          ).toFixed(1)} s after the kill, ${(
            (firstAfter.at - restartAt) /
            1000
          ).toFixed(1)} s after the restart (lease ${LEASE_S} s)`,
        );
      }
      check(
        'S2 sync completed after the restart',
        !!done,
        done
          ? `in ${((done.lastSuccessAt - restartAt) / 1000).toFixed(
              1,
            )} s after the restart (run start), lastCount ${done.lastCount}`
          : 'not within 120 s',
      );
      const final = await incidentRows(pool, 'pagerduty');
      const vendor = mock.specs();
      const missing = vendor.filter(s => !final.byId.has(s.id));
      const extra = final.rows.filter(
        r => !vendor.some(s => s.id === r.incident_id),
      );
      check(
        "S2 converged to exactly the vendor's set",
        missing.length === 0 && extra.length === 0 && final.duplicates === 0,
        `${final.rows.length} rows for ${vendor.length} vendor incidents: ${missing.length} missing, ${extra.length} extra, ${final.duplicates} duplicated`,
      );
      const wrong = vendor.filter(s => {
        const r = final.byId.get(s.id);
        if (!r) return false;
        const num = v => (v === null ? undefined : Number(v));
        return (
          r.priority !== s.priority ||
          num(r.created_at) !== s.createdAt ||
          num(r.acknowledged_at) !== s.ackAt ||
          num(r.resolved_at) !== s.resolvedAt
        );
      });
      check(
        'S2 stored fields equal the vendor records',
        wrong.length === 0,
        `${
          wrong.length
        } incidents differ in priority/created/acknowledged/resolved${
          wrong[0]
            ? ` (e.g. ${wrong[0].id}: ${JSON.stringify(
                final.byId.get(wrong[0].id),
              )})`
            : ''
        }`,
      );
      info(
        `mock served ${
          mock.requests.filter(r => r.kind === 'incidents').length
        } incident pages and ${
          mock.requests.filter(r => r.kind === 'log_entries').length
        } log-entry requests`,
      );
      await kill9(proc);
    },
    () => mock.close(),
  );
}
