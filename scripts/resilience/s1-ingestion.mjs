// Scenario 1: kill -9 the backend while clients post batches of 1,000 incidents.
import {
  check,
  incidentRows,
  info,
  is2xx,
  kill9,
  postIncidents,
  sleep,
  startHealthy,
  waitFor,
  withScenarioDatabase,
} from './lib.mjs';

const SOURCE = 'resilience-ingest';
const BATCH = 1000;
const CLIENTS = 4;
/** Bounds of the ingestion loop. */
const MAX_BATCHES = 300;
/** The kill comes once this many batches were acknowledged, plus a seeded extra delay. */
const ACKED_BEFORE_KILL = 12;
/** kill -9 rounds, and the extra delay of each kill after the acknowledgements. */
const CRASHES = 2;
const KILL_DELAYS_MS = [37, 131];
const DAY = 86_400_000;

function makeBatch(n) {
  const base = Date.UTC(2026, 8, 1) + (n % 60) * DAY;
  return Array.from({ length: BATCH }, (_, i) => {
    const createdAt = base + i * 60_000;
    return {
      source: SOURCE,
      id: `B${n}-${i}`,
      entityRef: 'component:default/cad-core',
      title: `batch ${n} incident ${i}`,
      priority: `P${1 + (i % 4)}`,
      createdAt: new Date(createdAt).toISOString(),
      acknowledgedAt: new Date(createdAt + 5 * 60_000).toISOString(),
      resolvedAt: new Date(createdAt + 90 * 60_000).toISOString(),
      pauses: [],
    };
  });
}

/** present count of a batch's ids among the stored rows */
const presentCount = (batch, byId) =>
  batch.incidents.filter(i => byId.has(i.id)).length;

export async function crashDuringIngestion() {
  await withScenarioDatabase(1, async ({ pool, configure }) => {
    const backend = await configure('s1');
    const batches = [];
    let next = 0;
    let acked = [];
    let noResponse = [];
    let rejected = [];
    const classify = () => {
      acked = batches.filter(b => is2xx(b.result));
      noResponse = batches.filter(b => b.result.error !== undefined);
      rejected = batches.filter(
        b => b.result.status !== undefined && !is2xx(b.result),
      );
    };
    const verify = async label => {
      const { byId, rows, duplicates } = await incidentRows(pool, SOURCE);
      const missing = acked.reduce(
        (sum, b) => sum + (BATCH - presentCount(b, byId)),
        0,
      );
      check(
        `S1 ${label}: every incident of every 2xx batch present`,
        missing === 0,
        `${acked.length} batches × ${BATCH}, ${missing} missing`,
      );
      const partial = [...noResponse, ...rejected].filter(b => {
        const c = presentCount(b, byId);
        return c !== 0 && c !== BATCH;
      });
      const whole = noResponse.filter(b => presentCount(b, byId) === BATCH);
      check(
        `S1 ${label}: unanswered batches all-or-nothing`,
        partial.length === 0,
        `${noResponse.length} unanswered: ${whole.length} wholly present, ${
          noResponse.length - whole.length - partial.length
        } wholly absent, ${partial.length} partial${partial
          .map(b => ` (batch ${b.n}: ${presentCount(b, byId)}/${BATCH})`)
          .join('')}`,
      );
      check(
        `S1 ${label}: no duplicated (source,id)`,
        duplicates === 0,
        `${rows.length} rows, ${duplicates} duplicated identities`,
      );
    };

    for (let round = 1; round <= CRASHES; round++) {
      const proc = await startHealthy(
        `s1-run${round}`,
        backend,
        round === 1 ? 'backend up' : 'backend restarted',
      );
      let stop = false;
      const deadline = Date.now() + 90_000;
      const before = batches.length;
      const client = async () => {
        while (!stop && next < MAX_BATCHES && Date.now() < deadline) {
          const n = next++;
          const batch = { n, incidents: makeBatch(n) };
          batches.push(batch);
          batch.result = await postIncidents(proc.base, batch.incidents);
        }
      };
      const clients = Array.from({ length: CLIENTS }, client);
      const t0 = Date.now();
      const ackedBefore = acked.length;
      await waitFor(
        () =>
          batches.filter(b => b.result && is2xx(b.result)).length >=
          ackedBefore + ACKED_BEFORE_KILL,
        { timeoutMs: 60_000, intervalMs: 5 },
      );
      await sleep(KILL_DELAYS_MS[round - 1]); // lands inside requests, not between them
      stop = true; // no new batches; the ones in flight meet the kill
      await kill9(proc);
      await Promise.all(clients);
      classify();
      const mine = batches.slice(before);
      const errs = [...new Set(mine.map(b => b.result.error).filter(Boolean))];
      info(
        `crash ${round}: ${mine.length} batches posted in ${
          Date.now() - t0
        } ms by ${CLIENTS} clients, ${
          mine.filter(b => is2xx(b.result)).length
        } acknowledged (2xx), ${
          mine.filter(b => b.result.error).length
        } without response (${errs.join(', ')})`,
      );
      check(
        `S1 crash ${round}: kill -9 landed mid-request`,
        mine.some(b => b.result.error !== undefined),
        `${
          mine.filter(b => b.result.error).length
        } batch(es) in flight got no response`,
      );
      check(
        `S1 crash ${round}: no error responses`,
        rejected.length === 0,
        `${rejected.length} non-2xx ${rejected
          .map(b => `${b.result.status} ${b.result.body}`)
          .join(' | ')
          .slice(0, 300)}`,
      );
      await verify(`crash ${round}, after kill -9`);
    }

    const second = await startHealthy('s1-final', backend, 'backend restarted');
    await verify('after restart');

    // The webhook retries what got no answer (and what was refused): idempotent upsert.
    const retry = [...noResponse, ...rejected];
    const retried = [];
    for (const b of retry)
      retried.push(await postIncidents(second.base, b.incidents));
    check(
      'S1 retried batches accepted',
      retried.every(is2xx),
      `${retried.filter(is2xx).length}/${retry.length} 2xx`,
    );
    // And one acknowledged batch again, which must update, never duplicate.
    const again = acked.length
      ? await postIncidents(second.base, acked[0].incidents)
      : undefined;
    const againBody = again && is2xx(again) ? JSON.parse(again.body) : {};
    check(
      'S1 re-sending an acknowledged batch updates',
      !again ||
        (is2xx(again) &&
          againBody.inserted === 0 &&
          againBody.updated === BATCH),
      again
        ? `status ${again.status ?? again.error}, ${JSON.stringify(againBody)}`
        : 'no batch',
    );
    const { rows, duplicates } = await incidentRows(pool, SOURCE);
    check(
      'S1 final: exactly the incidents sent',
      rows.length === batches.length * BATCH && duplicates === 0,
      `${rows.length} rows for ${batches.length} batches × ${BATCH}, ${duplicates} duplicated`,
    );
    await kill9(second);
  });
}
