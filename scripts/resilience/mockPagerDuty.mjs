// A local PagerDuty REST API v2 stand-in (node:http) for the resilience suite: GET /incidents
// (service_ids[], since/until on created_at, sort_by=created_at:asc, limit/offset/more, the
// 10,000 offset + limit ceiling) and GET /incidents/{id}/log_entries. Records are derived from
// the fixture shapes in plugins/sla-backend/src/providers/__fixtures__ (ids and dates changed).
import { createServer } from 'node:http';
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
 * Starts the mock on a free loopback port. Options:
 *  - token: the expected API token
 *  - pageDelayMs: delay before each /incidents page (a slow vendor)
 *  - onIncidentsPage({ since, until, offset, serviceId }): called before a page is answered;
 *    may return a promise (e.g. to kill the backend at a chosen point)
 * Returns { url, add(specs), specs(), requests, close() }.
 */
export async function startMockPagerDuty(options = {}) {
  const token = options.token ?? 'resilience-pd-token';
  const bySpecId = new Map();
  let sorted = [];
  const requests = [];
  let number = 1000;

  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    const send = (status, body) => {
      const text = JSON.stringify(body);
      res.writeHead(status, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(text),
      });
      res.end(text);
    };
    try {
      if (req.headers.authorization !== `Token token=${token}`) {
        send(401, { error: { message: 'Unauthorized', code: 2006 } });
        return;
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
        requests.push({ at: Date.now(), kind: 'log_entries', id: spec.id });
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
      requests.push(info);
      if (options.onIncidentsPage) await options.onIncidentsPage(info);
      if (options.pageDelayMs) await sleep(options.pageDelayMs);
      const matching = sorted.filter(
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
  await new Promise(r => server.listen(0, '127.0.0.1', r));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    token,
    requests,
    add(specs) {
      for (const s of specs) bySpecId.set(s.id, { ...s, number: number++ });
      sorted = [...bySpecId.values()].sort(
        (a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1),
      );
    },
    specs: () => [...bySpecId.values()],
    close: () =>
      new Promise(r => {
        server.closeAllConnections?.();
        server.close(() => r());
      }),
  };
}
