// A local PagerDuty REST API v2 stand-in (node:http) for the resilience suite: GET /incidents
// (service_ids[], since/until on created_at, sort_by=created_at:asc, limit/offset/more, the
// 10,000 offset + limit ceiling) and GET /incidents/{id}/log_entries. Records are derived from
// the fixture shapes in plugins/sla-backend/src/providers/__fixtures__ (ids and dates changed).
// Also used by plugins/sla-backend/bench/sync.ts: `rate` adds a PagerDuty-like rate limit,
// generateSpecs() builds a large deterministic incident set, and run as a forked child
// process (IPC) it serves such a set out of the parent's event loop.
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './lib.mjs';

const FIXTURES = join(ROOT, 'plugins/sla-backend/src/providers/__fixtures__');
const incidentTemplate = JSON.parse(
  readFileSync(join(FIXTURES, 'pagerduty-incidents.json'), 'utf8'),
).incidents[0];
const logTemplate = JSON.parse(
  readFileSync(
    join(FIXTURES, 'pagerduty-incident-log-entries-ack-resolve.json'),
    'utf8',
  ),
).log_entries;
const ackTemplate = logTemplate.find(e => e.type === 'acknowledge_log_entry');
const triggerTemplate = logTemplate.find(e => e.type === 'trigger_log_entry');

const iso = ms => new Date(ms).toISOString().replace('.000Z', 'Z');
const clone = v => JSON.parse(JSON.stringify(v));

/**
 * `count` still-triggered incident specs (see pagerDutyIncident) of one service: ids `prefix`
 * and the index zero-padded to `digits`, created a second apart from `from`, P1–P4 in turn.
 */
export function triggeredSpecs({ count, prefix, digits, serviceId, from }) {
  return Array.from({ length: count }, (_, i) => ({
    id: `${prefix}${String(i).padStart(digits, '0')}`,
    serviceId,
    createdAt: from + i * 1000,
    priority: `P${1 + (i % 4)}`,
  }));
}

/**
 * A vendor incident in PagerDuty's shape. `spec`: { id, serviceId, createdAt (ms), priority
 * ('P1'..'P4'), ackAt?, resolvedAt? }. Without ackAt/resolvedAt it is a still-triggered
 * incident whose status never changed (the provider then skips its log entries).
 */
export function pagerDutyIncident(spec, number) {
  const inc = clone(incidentTemplate);
  inc.id = spec.id;
  inc.incident_number = number;
  inc.summary = `[#${number}] Resilience incident ${spec.id}`;
  inc.title = `Resilience incident ${spec.id}`;
  inc.self = `https://api.pagerduty.com/incidents/${spec.id}`;
  inc.html_url = `https://subdomain.pagerduty.com/incidents/${spec.id}`;
  inc.incident_key = `key-${spec.id}`;
  inc.created_at = iso(spec.createdAt);
  inc.service = { ...inc.service, id: spec.serviceId };
  inc.priority = { ...inc.priority, summary: spec.priority };
  inc.urgency = spec.priority === 'P1' ? 'high' : 'low';
  if (spec.resolvedAt !== undefined) {
    inc.status = 'resolved';
    inc.resolved_at = iso(spec.resolvedAt);
    inc.last_status_change_at = iso(spec.resolvedAt);
    inc.updated_at = iso(spec.resolvedAt);
  } else if (spec.ackAt !== undefined) {
    inc.status = 'acknowledged';
    inc.resolved_at = null;
    inc.last_status_change_at = iso(spec.ackAt);
    inc.updated_at = iso(spec.ackAt);
  } else {
    inc.status = 'triggered';
    inc.resolved_at = null;
    inc.last_status_change_at = iso(spec.createdAt);
    inc.updated_at = iso(spec.createdAt);
  }
  return inc;
}

function logEntries(spec) {
  const entries = [];
  if (spec.ackAt !== undefined) {
    const e = clone(ackTemplate);
    e.id = `ACK${spec.id}`;
    e.created_at = iso(spec.ackAt);
    e.incident = { ...e.incident, id: spec.id };
    entries.push(e);
  }
  const t = clone(triggerTemplate);
  t.id = `TRG${spec.id}`;
  t.created_at = iso(spec.createdAt);
  t.incident = { ...t.incident, id: spec.id };
  entries.push(t);
  return entries;
}

const sleep = ms => new Promise(r => setTimeout(r, ms));

/**
 * `count` deterministic incident specs spread over [from, to) across `services` services
 * (ids P0000000…, services PSVC0000…): about 10 % still triggered (no log entries), 20 %
 * acknowledged, 70 % acknowledged and resolved.
 */
export function generateSpecs({ count, services, from, to, seed = 42 }) {
  let state = seed;
  const rand = () => {
    // mulberry32
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const prios = ['P1', 'P2', 'P2', 'P3', 'P3', 'P3', 'P4', 'P4', 'P4', 'P4'];
  const specs = [];
  const span = to - from;
  for (let k = 0; k < count; k++) {
    // Whole seconds, as PagerDuty's created_at has no milliseconds.
    const createdAt =
      Math.floor((from + ((k + rand()) / count) * span) / 1000) * 1000;
    const spec = {
      id: `P${String(k).padStart(7, '0')}`,
      serviceId: `PSVC${String(k % services).padStart(4, '0')}`,
      createdAt,
      priority: prios[Math.floor(rand() * prios.length)],
    };
    const r = rand();
    if (r >= 0.1) {
      spec.ackAt = createdAt + 1000 * (1 + Math.floor(rand() * 7200));
      if (r >= 0.3)
        spec.resolvedAt = spec.ackAt + 1000 * Math.floor(rand() * 86_400);
    }
    specs.push(spec);
  }
  return specs;
}

/**
 * Starts the mock on a free loopback port. Options:
 *  - token: the expected API token
 *  - pageDelayMs: delay before each /incidents page (a slow vendor)
 *  - onIncidentsPage({ since, until, offset, serviceId }): called before a page is answered;
 *    may return a promise (e.g. to kill the backend at a chosen point)
 *  - rate: at most this many requests per wall-clock second (off by default); beyond it the
 *    mock answers 429 with `Retry-After` and `ratelimit-reset` (whole seconds, rounded up, as
 *    PagerDuty sends them) and `ratelimit-limit`/`ratelimit-remaining`; 2xx answers carry
 *    the ratelimit-* headers too (`quotaOnSuccess: false`: without ratelimit-remaining, so
 *    a client only learns of the limit from a 429).
 *  - port: listen there instead of a free port
 * Returns { url, add(specs), specs(), requests, stats, close() }; `stats` counts answers
 * per kind (incidents, log_entries, throttled) and `requests` lists every non-429 request
 * (`recordRequests: false` keeps only the counts).
 */
export async function startMockPagerDuty(options = {}) {
  const token = options.token ?? 'resilience-pd-token';
  const bySpecId = new Map();
  let sorted = [];
  const requests = [];
  const record =
    options.recordRequests === false ? () => {} : r => requests.push(r);
  const stats = { incidents: 0, log_entries: 0, throttled: 0 };
  /** Per service, sorted like `sorted`; filled by add(). */
  let byService = new Map();
  let number = 1000;
  const rate = options.rate;
  /** Set by setDown(): every request gets a 503, as in a vendor outage. */
  let down = false;
  let window = -1;
  let used = 0;

  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    let limitHeaders = {};
    const send = (status, body, extra = {}) => {
      const text = JSON.stringify(body);
      res.writeHead(status, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(text),
        ...limitHeaders,
        ...extra,
      });
      res.end(text);
    };
    try {
      if (down) {
        stats.unavailable = (stats.unavailable ?? 0) + 1;
        send(503, { error: { message: 'Service Unavailable', code: 5003 } });
        return;
      }
      if (req.headers.authorization !== `Token token=${token}`) {
        send(401, { error: { message: 'Unauthorized', code: 2006 } });
        return;
      }
      if (rate) {
        const now = Date.now();
        const w = Math.floor(now / 1000);
        if (w !== window) {
          window = w;
          used = 0;
        }
        const reset = String(Math.ceil(((w + 1) * 1000 - now) / 1000));
        limitHeaders = {
          'ratelimit-limit': String(rate),
          'ratelimit-reset': reset,
        };
        if (used >= rate) {
          stats.throttled++;
          send(
            429,
            {
              error: {
                message: 'Rate Limit Exceeded',
                code: 2020,
              },
            },
            { 'ratelimit-remaining': '0', 'retry-after': reset },
          );
          return;
        }
        used++;
        if (options.quotaOnSuccess !== false)
          limitHeaders['ratelimit-remaining'] = String(rate - used);
      }
      const limit = Math.min(Number(url.searchParams.get('limit') ?? 25), 100);
      const offset = Number(url.searchParams.get('offset') ?? 0);
      if (offset + limit > 10_000) {
        send(400, {
          error: { message: 'Offset + limit must be ≤ 10000', code: 2001 },
        });
        return;
      }
      const log = url.pathname.match(/^\/incidents\/([^/]+)\/log_entries$/);
      if (log) {
        const spec = bySpecId.get(decodeURIComponent(log[1]));
        if (!spec) {
          send(404, { error: { message: 'Not Found', code: 2100 } });
          return;
        }
        const all = logEntries(spec);
        stats.log_entries++;
        record({ at: Date.now(), kind: 'log_entries', id: spec.id });
        send(200, {
          log_entries: all.slice(offset, offset + limit),
          limit,
          offset,
          more: offset + limit < all.length,
          total: null,
        });
        return;
      }
      if (url.pathname !== '/incidents') {
        send(404, { error: { message: 'Not Found', code: 2100 } });
        return;
      }
      const since = Date.parse(url.searchParams.get('since'));
      const until = Date.parse(url.searchParams.get('until'));
      const services = url.searchParams.getAll('service_ids[]');
      const info = {
        at: Date.now(),
        kind: 'incidents',
        since,
        until,
        offset,
        serviceId: services.join(','),
      };
      stats.incidents++;
      record(info);
      if (options.onIncidentsPage) await options.onIncidentsPage(info);
      if (options.pageDelayMs) await sleep(options.pageDelayMs);
      const pool =
        services.length === 1 ? byService.get(services[0]) ?? [] : sorted;
      const matching = pool.filter(
        s =>
          (services.length === 0 || services.includes(s.serviceId)) &&
          (Number.isNaN(since) || s.createdAt >= since) &&
          (Number.isNaN(until) || s.createdAt < until),
      );
      const page = matching.slice(offset, offset + limit);
      send(200, {
        incidents: page.map(s => pagerDutyIncident(s, s.number)),
        limit,
        offset,
        total: null,
        more: offset + limit < matching.length,
      });
    } catch (e) {
      if (!res.headersSent) send(500, { error: { message: String(e) } });
      else res.destroy();
    }
  });
  await new Promise(r => server.listen(options.port ?? 0, '127.0.0.1', r));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    token,
    requests,
    stats,
    add(specs) {
      for (const s of specs) bySpecId.set(s.id, { ...s, number: number++ });
      sorted = [...bySpecId.values()].sort(
        (a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1),
      );
      byService = new Map();
      for (const s of sorted) {
        const list = byService.get(s.serviceId);
        if (list) list.push(s);
        else byService.set(s.serviceId, [s]);
      }
    },
    specs: () => [...bySpecId.values()],
    /** A vendor outage: every request answers 503 until setDown(false). */
    setDown(value) {
      down = value;
    },
    close: () =>
      new Promise(r => {
        server.closeAllConnections?.();
        server.close(() => r());
      }),
  };
}

// Forked with an IPC channel (bench/sync.ts): the parent sends { options, generate } and
// gets { url, token }; then { stats: true } answers the counters and { close: true } exits.
if (process.argv[1] === fileURLToPath(import.meta.url) && process.send) {
  process.once('message', async ({ options, generate }) => {
    const mock = await startMockPagerDuty({
      ...options,
      recordRequests: false,
    });
    if (generate) mock.add(generateSpecs(generate));
    process.on('message', async m => {
      if (m.stats) process.send({ stats: mock.stats });
      if (m.close) {
        await mock.close();
        process.exit(0);
      }
    });
    process.send({ url: mock.url, token: mock.token });
  });
}
