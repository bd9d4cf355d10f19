// Scenario 4: hostile and maximal-but-valid requests hit one backend at once while a separate
// thread polls /health: the event loop stays responsive, every hostile request is refused
// quickly (4xx), and the largest valid requests still succeed (issue 13, bounded work).
import { Worker } from 'node:worker_threads';
import {
  check,
  guestToken,
  info,
  is2xx,
  kill9,
  postIncidents,
  request,
  startHealthy,
  TOKEN,
  waitFor,
  withScenarioDatabase,
} from './lib.mjs';
import { prng } from '../lib.mjs';

/** The demo catalog's services with an SLA (examples/entities.yaml). */
const SERVICES = [
  'cad-core',
  'call-intake',
  'gis-routing',
  'radio-gateway',
  'unit-tracker',
  'mobile-terminal-api',
  'citizen-portal',
  'appointment-booking',
  'notification-service',
  'reporting-warehouse',
];
const OWN = 'cad-core'; // dispatch-platform, the guest's team
const OTHER = 'radio-gateway'; // field-ops
/** Seeded history: this many incidents per service and month over the longest range allowed. */
const PER_MONTH = 20;
const YEARS = 5; // sla.limits.maxRangeYears (default)
const LOAD_MS = 25_000;
const BASELINE_MS = 3_000;
const HOSTILE_CLIENTS = 3;
const MAXIMAL_CLIENTS = 2;
const HEALTH_INTERVAL_MS = 50;
/**
 * What the check asserts: no stall. Issue 13's freezers held the event loop for 71 s; a poll of
 * /health that waits this long means the backend stalled again. The p99 against the issue's
 * goal (evaluation never blocks for more than about 100 ms) is printed, not asserted: on this
 * shared 2-core machine scheduling alone moves it by a hundred ms from run to run, and a check
 * on it would fail by the machine's load, not by the code (docs/resilience.md, findings 6–7).
 */
const HEALTH_STALL_MS = 2_000;
/** The goal the p99 is printed against. */
const HEALTH_P99_GOAL_MS = 100;
/** A request without an answer by then counts as a timeout. */
const REQUEST_TIMEOUT_MS = 15_000;
/** The two requests that froze the backend for minutes (issue 13) must be refused this fast. */
const FREEZER_LIMIT_MS = 2_000;
const HOSTILE_SOURCE = 'resilience-hostile';
const MIN = 60_000;
const DAY = 1440 * MIN;

const iso = t => new Date(t).toISOString();
const plusYears = (t, years) => {
  const d = new Date(t);
  d.setUTCFullYear(d.getUTCFullYear() + years);
  return d.getTime();
};
const component = name => `/api/sla/entities/component/default/${name}`;

/** PER_MONTH incidents a month per service over the YEARS before `now`, all four priorities. */
function history(now) {
  const rand = prng(20261204);
  const start = plusYears(now, -YEARS);
  const incidents = [];
  for (const service of SERVICES) {
    const count = PER_MONTH * 12 * YEARS;
    for (let i = 0; i < count; i++) {
      const createdAt = start + Math.floor(rand() * (now - start - DAY));
      const p = 1 + Math.floor(rand() * 4);
      const ack = createdAt + Math.round(rand() * 60 * p) * MIN;
      const incident = {
        source: 'resilience-load',
        id: `${service}-${i}`,
        entityRef: `component:default/${service}`,
        title: `load incident ${i}`,
        priority: `P${p}`,
        createdAt: iso(createdAt),
        acknowledgedAt: iso(ack),
        resolvedAt: iso(ack + Math.round(rand() * 480 * p) * MIN),
        pauses: [],
      };
      if (p <= 2 && rand() < 0.3) {
        incident.outage = {
          start: iso(createdAt),
          end: iso(createdAt + Math.round(rand() * 90) * MIN),
          impact: 'down',
        };
      }
      incidents.push(incident);
    }
  }
  return incidents;
}

/**
 * A request maker (see requestKinds): a JSON POST, its body serialized once so that this
 * client never blocks on it; a string body is sent as it is.
 */
function post(path, body, token) {
  const init = {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  };
  return () => ({ path, init, token });
}

function plan(entity, actions, title = 'Load-test plan') {
  return {
    entityRef: `component:default/${entity}`,
    title,
    origin: { type: 'review', note: 'resilience scenario 4' },
    owner: 'group:default/dispatch-platform',
    targetDate: '2027-06-30',
    actions: Array.from({ length: actions }, (_, i) => ({
      title: `${i} ${'a'.repeat(490)}`,
      dueDate: '2027-03-31',
    })),
  };
}

const hostileIncident = fields => ({
  incidents: [
    {
      source: HOSTILE_SOURCE,
      id: 'H-1',
      entityRef: `component:default/${OWN}`,
      title: 'hostile',
      priority: 'P1',
      createdAt: '2026-01-01T00:00:00Z',
      pauses: [],
      ...fields,
    },
  ],
});

/**
 * Request kinds: `make(i)` gives { path, init, token } for the i-th request of its kind
 * (token: a key of the scenario's tokens), and `expect` the status it must get.
 */
function requestKinds(now) {
  const user = 'guest';
  const seed = 'seed';
  const incidents = '/api/sla/incidents';
  const plans = '/api/sla/plans';
  const maxBatch = Array.from({ length: 5000 }, (_, i) => ({
    source: 'resilience-max',
    id: `M-${i}`,
    entityRef: `component:default/${SERVICES[i % SERVICES.length]}`,
    title: `${i} ${'t'.repeat(490)}`,
    priority: `P${1 + (i % 4)}`,
    createdAt: iso(now - 30 * DAY + i * MIN),
    acknowledgedAt: iso(now - 30 * DAY + i * MIN + 5 * MIN),
    pauses: [],
  }));
  // Each maximal range starts a minute later than the last: no request is served from the
  // per-process result cache.
  const range = (i, years, yearsAgo = YEARS) => {
    const from = plusYears(now, -yearsAgo) + i * MIN;
    return `from=${iso(from)}&to=${iso(plusYears(from, years))}`;
  };
  const anyService = (i, rest) =>
    `${component(SERVICES[i % SERVICES.length])}/${rest}`;
  return {
    hostile: [
      {
        name: 'compliance 2026-01-01 … 9999-12-31',
        freezer: true,
        expect: 400,
        make: () => ({
          path: `${component(OWN)}/compliance?from=2026-01-01&to=9999-12-31`,
          token: user,
        }),
      },
      {
        name: 'incident created 0000-01-01',
        freezer: true,
        expect: 400,
        make: post(
          incidents,
          hostileIncident({ createdAt: '0000-01-01T00:00:00Z' }),
          seed,
        ),
      },
      {
        name: 'incident created 9007199254740991',
        expect: 400,
        make: post(
          incidents,
          hostileIncident({ createdAt: 9007199254740991 }),
          seed,
        ),
      },
      {
        name: 'incident created 2026-02-30',
        expect: 400,
        make: post(
          incidents,
          hostileIncident({ createdAt: '2026-02-30T00:00:00Z' }),
          seed,
        ),
      },
      {
        name: 'incident with a 10 MB title',
        expect: 400,
        make: post(
          incidents,
          hostileIncident({ title: 'x'.repeat(10 * 1024 * 1024) }),
          seed,
        ),
      },
      {
        name: 'incident batch of 21 MB',
        expect: 413,
        make: post(
          incidents,
          { incidents: [{ title: 'x'.repeat(21 * 1024 * 1024) }] },
          seed,
        ),
      },
      {
        name: 'compliance period=0001',
        expect: 400,
        make: () => ({
          path: `${component(OWN)}/compliance?period=0001`,
          token: user,
        }),
      },
      {
        name: `overview over ${YEARS + 1} years`,
        expect: 400,
        make: i => ({
          path: `/api/sla/overview?${range(i, YEARS + 1)}`,
          token: user,
        }),
      },
      {
        name: 'plan with 201 actions',
        expect: 400,
        make: post(plans, plan(OWN, 201), user),
      },
      {
        name: 'plan title with NUL',
        expect: 400,
        make: post(plans, plan(OWN, 1, 'bad\u0000title'), user),
      },
      {
        name: 'plan body of 2 MB',
        expect: 413,
        make: post(plans, plan(OWN, 1, 'x'.repeat(2 * 1024 * 1024)), user),
      },
      {
        name: 'malformed JSON of 900 kB',
        expect: 400,
        echoes: true,
        make: post(plans, `{"title":"${'x'.repeat(900_000)}`, user),
      },
      {
        name: 'incidents as text/plain',
        expect: 415,
        make: () => ({
          path: incidents,
          init: {
            method: 'POST',
            headers: { 'content-type': 'text/plain' },
            body: 'hello',
          },
          token: seed,
        }),
      },
      {
        name: "guest's plan on another team's service",
        expect: 403,
        make: post(plans, plan(OTHER, 1), user),
      },
      {
        name: 'compliance without credentials',
        expect: 401,
        make: () => ({ path: `${component(OWN)}/compliance` }),
      },
    ],
    maximal: [
      {
        name: `compliance over ${YEARS} years`,
        expect: 200,
        make: i => ({
          path: anyService(i, `compliance?${range(i, YEARS)}`),
          token: user,
        }),
      },
      {
        name: 'overview over a year',
        expect: 200,
        make: i => ({
          path: `/api/sla/overview?${range(i, 1, 1)}`,
          token: user,
        }),
      },
      {
        name: 'history of 60 periods',
        expect: 200,
        make: i => ({ path: anyService(i, 'history?periods=60'), token: user }),
      },
      {
        name: 'plan with 200 actions',
        expect: 201,
        make: post(plans, plan(OWN, 200), user),
      },
      {
        name: 'incident batch of 5,000',
        expect: 200,
        make: post(incidents, { incidents: maxBatch }, seed),
      },
    ],
  };
}

/** /health polled every `intervalMs` for `durationMs` in its own thread; latencies in ms. */
function pollHealth(url, durationMs) {
  const source = `
    const { parentPort, workerData: w } = require('node:worker_threads');
    (async () => {
      const samples = [];
      let failures = 0;
      const end = Date.now() + w.durationMs;
      while (Date.now() < end) {
        const t0 = performance.now();
        try {
          const res = await fetch(w.url, { signal: AbortSignal.timeout(w.timeoutMs) });
          await res.arrayBuffer();
          if (!res.ok) failures++;
        } catch {
          failures++;
        }
        const ms = performance.now() - t0;
        samples.push(ms);
        await new Promise(r => setTimeout(r, Math.max(0, w.intervalMs - ms)));
      }
      parentPort.postMessage({ samples, failures });
    })();`;
  const worker = new Worker(source, {
    eval: true,
    workerData: {
      url,
      durationMs,
      intervalMs: HEALTH_INTERVAL_MS,
      timeoutMs: REQUEST_TIMEOUT_MS,
    },
  });
  return new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
}

function latencies(samples) {
  const s = [...samples].sort((a, b) => a - b);
  const f = x => `${x.toFixed(0)} ms`;
  return {
    p99: percentile(s, 0.99),
    max: s[s.length - 1] ?? NaN,
    text: `p50 ${f(percentile(s, 0.5))}, p99 ${f(percentile(s, 0.99))}, max ${f(
      s[s.length - 1] ?? NaN,
    )} (${s.length} samples)`,
  };
}

/** Status counts of results: `400 ×12, UND_ERR_SOCKET ×1`. */
const statuses = results =>
  Object.entries(
    results.reduce((m, r) => {
      const k = r.status ?? r.error;
      return { ...m, [k]: (m[k] ?? 0) + 1 };
    }, {}),
  )
    .map(([k, n]) => `${k} ×${n}`)
    .join(', ');

/** Status and error message of a result, on one line. */
function said(r) {
  if (r.error) return r.error;
  let message;
  try {
    message = JSON.parse(r.body).error.message;
  } catch {
    message = (r.body ?? '').slice(0, 120);
  }
  return `${r.status} ${message}`.replace(/\s+/g, ' ');
}

export async function hostileLoad() {
  await withScenarioDatabase(4, async ({ pool, configure }) => {
    // Catalog sync every 5 s, so the demo services have terms soon after startup.
    const backend = await configure('s4', {
      sla: {
        schedule: {
          frequency: { seconds: 5 },
          timeout: { minutes: 0, seconds: 40 },
        },
      },
    });
    const proc = await startHealthy('s4', backend);
    const tokens = { guest: await guestToken(proc.base), seed: TOKEN };
    const known = await waitFor(
      async () => {
        const r = await Promise.all(
          [OWN, OTHER].map(s =>
            request(proc.base, `${component(s)}/terms`, {
              token: tokens.guest,
            }),
          ),
        );
        return r.every(is2xx);
      },
      { timeoutMs: 90_000, intervalMs: 1000 },
    );
    if (!known) throw new Error('the demo services never got their SLA terms');

    const now = Date.now();
    const incidents = history(now);
    const t0 = Date.now();
    for (let i = 0; i < incidents.length; i += 1000) {
      const r = await postIncidents(proc.base, incidents.slice(i, i + 1000));
      if (!is2xx(r))
        throw new Error(`seeding: ${r.status ?? r.error} ${r.body}`);
    }
    info(
      `seeded ${incidents.length} incidents (${
        SERVICES.length
      } services × ${YEARS} years × ${PER_MONTH}/month) in ${(
        (Date.now() - t0) /
        1000
      ).toFixed(1)} s`,
    );

    const idle = await pollHealth(`${proc.base}/api/sla/health`, BASELINE_MS);
    info(`/health idle: ${latencies(idle.samples).text}`);

    const kinds = requestKinds(now);
    // S4_ONLY=<regex>: only the request kinds whose name matches, to find one that blocks.
    const only = process.env.S4_ONLY && new RegExp(process.env.S4_ONLY, 'i');
    if (only) {
      for (const group of ['hostile', 'maximal']) {
        kinds[group] = kinds[group].filter(k => only.test(k.name));
      }
    }
    const done = { hostile: [], maximal: [] };
    const deadline = Date.now() + LOAD_MS;
    const client = (group, offset) => async () => {
      const list = kinds[group];
      if (list.length === 0) return;
      for (let i = offset; Date.now() < deadline; i++) {
        const kind = list[i % list.length];
        const { path, init = {}, token } = kind.make(i);
        const result = await request(proc.base, path, {
          ...init,
          token: token && tokens[token],
          timeoutMs: REQUEST_TIMEOUT_MS,
        });
        done[group].push({ kind, ...result });
      }
    };
    const health = pollHealth(`${proc.base}/api/sla/health`, LOAD_MS);
    await Promise.all([
      ...Array.from({ length: HOSTILE_CLIENTS }, (_, c) =>
        client('hostile', c * 5)(),
      ),
      ...Array.from({ length: MAXIMAL_CLIENTS }, (_, c) =>
        client('maximal', c * 2)(),
      ),
    ]);
    const loaded = await health;

    for (const group of ['hostile', 'maximal']) {
      for (const kind of kinds[group]) {
        const mine = done[group].filter(r => r.kind === kind);
        const ms = mine.map(r => r.ms).sort((a, b) => a - b);
        info(
          `${group} ${kind.name}: ${mine.length} requests, ${statuses(
            mine,
          )}; p50 ${percentile(ms, 0.5).toFixed(0)} ms, max ${(
            ms[ms.length - 1] ?? NaN
          ).toFixed(0)} ms`,
        );
      }
    }
    const { hostile, maximal } = done;
    const is4xx = r => r.status >= 400 && r.status < 500;
    check(
      'S4 every hostile request answered 4xx (no 5xx, no timeout)',
      hostile.length > 0 && hostile.every(is4xx),
      `${hostile.filter(is4xx).length}/${hostile.length} 4xx: ${statuses(
        hostile,
      )}`,
    );
    const unexpected = hostile.filter(r => r.status !== r.kind.expect);
    check(
      'S4 each hostile request got its own refusal (400, 401, 403, 413, 415)',
      unexpected.length === 0,
      `${unexpected.length} other${unexpected
        .slice(0, 3)
        .map(r => `; ${r.kind.name}: ${said(r)}`)
        .join('')}`,
    );
    const freezers = hostile.filter(r => r.kind.freezer);
    const slowest = Math.max(...freezers.map(r => r.ms));
    check(
      'S4 the 9999 range and the year-0000 incident are refused quickly',
      freezers.length > 0 &&
        freezers.every(is4xx) &&
        slowest < FREEZER_LIMIT_MS,
      `${freezers.length} requests, slowest ${slowest.toFixed(
        0,
      )} ms (limit ${FREEZER_LIMIT_MS} ms)`,
    );
    // (The development backend adds a stack trace to the error; the body must not be in it.)
    const echoed = hostile.filter(
      r => r.kind.echoes && (r.body ?? '').includes('x'.repeat(100)),
    );
    const brokenSample = hostile.find(r => r.kind.echoes);
    check(
      'S4 malformed JSON is answered without echoing the body',
      echoed.length === 0,
      `${echoed.length} answers with the body in them; e.g. ${
        brokenSample ? said(brokenSample) : 'none sent'
      }`,
    );
    const failed = maximal.filter(r => r.status !== r.kind.expect);
    check(
      'S4 every maximal valid request succeeded',
      maximal.length > 0 && failed.length === 0,
      `${maximal.length - failed.length}/${maximal.length}: ${statuses(
        maximal,
      )}${failed
        .slice(0, 3)
        .map(r => `; ${r.kind.name}: ${said(r)}`)
        .join('')}`,
    );
    const under = latencies(loaded.samples);
    info(`/health under load: ${under.text}, ${loaded.failures} failed`);
    info(
      `/health p99 under load ${Math.round(
        under.p99,
      )} ms against a goal of ${HEALTH_P99_GOAL_MS} ms (${
        under.p99 <= HEALTH_P99_GOAL_MS ? 'met' : 'missed'
      }; printed, not asserted)`,
    );
    check(
      `S4 /health never stalls under load (every poll answered, none slower than ${HEALTH_STALL_MS} ms)`,
      loaded.failures === 0 && under.max < HEALTH_STALL_MS,
      `${under.text}, ${loaded.failures} failed; ${
        hostile.length
      } hostile and ${maximal.length} maximal requests in ${LOAD_MS / 1000} s`,
    );
    const { rows } = await pool.query(
      `SELECT (SELECT count(*)::int FROM sla.sla_incidents WHERE source = $1) AS incidents,
              (SELECT count(*)::int FROM sla.sla_plans WHERE entity_ref = $2) AS plans`,
      [HOSTILE_SOURCE, `component:default/${OTHER}`],
    );
    check(
      'S4 nothing hostile was stored',
      rows[0].incidents === 0 && rows[0].plans === 0,
      `${rows[0].incidents} hostile incidents, ${rows[0].plans} plans on ${OTHER}`,
    );
    await kill9(proc);
  });
}
