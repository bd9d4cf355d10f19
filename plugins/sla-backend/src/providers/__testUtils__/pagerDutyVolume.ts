import { http, HttpResponse } from 'msw';
import incidentsFixture from '../__fixtures__/pagerduty-incidents.json';
import ackResolveFixture from '../__fixtures__/pagerduty-incident-log-entries-ack-resolve.json';
import analyticsFixture from '../__fixtures__/pagerduty-analytics-raw-incidents.json';

/**
 * A generated PagerDuty account for request-volume tests (PagerDutyProvider.test.ts and
 * scripts/pagerduty-sync-volume.ts): incidents, log entries and analytics rows built from the
 * fixture shapes with ids and times changed, and msw handlers that serve them and count
 * requests.
 */
export interface PagerDutySpec {
  id: string;
  serviceId: string;
  /** Epoch ms, whole seconds (PagerDuty's times have none). */
  createdAt: number;
  /** Each acknowledgement, in the order the log lists them; the earliest is the first. */
  acks: number[];
  resolvedAt?: number;
  /** Still triggered and never changed: the provider needs no acknowledgement for it. */
  untouched: boolean;
  /**
   * How the analytics API has it: `fresh`, `missing` (created in its last 24 hours, not
   * there yet) or `stale` (seen before it was acknowledged: triggered, no acknowledgement).
   */
  analytics: 'fresh' | 'missing' | 'stale';
}

export const VOLUME_FROM = Date.UTC(2025, 9, 1);
export const VOLUME_TO = Date.UTC(2025, 11, 30);

/**
 * `count` deterministic incidents over `services` services (PSVC0000…), created in
 * [VOLUME_FROM, VOLUME_TO): in each ten, one still triggered and untouched, one acknowledged,
 * one resolved without acknowledgement, one acknowledged twice (and resolved), the rest
 * acknowledged and resolved. One in 400 is missing from the analytics data and one in 400
 * (among the acknowledged) is stale there; with `lagMs`, so is every incident created in the
 * last `lagMs` before VOLUME_TO (PagerDuty: up to 24 hours before analytics has it).
 */
export function generatePagerDutySpecs(
  count: number,
  services: number,
  options: { lagMs?: number } = {},
): PagerDutySpec[] {
  let state = 7;
  const rand = () => {
    // mulberry32
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const span = VOLUME_TO - VOLUME_FROM;
  const specs: PagerDutySpec[] = [];
  for (let k = 0; k < count; k++) {
    const createdAt =
      Math.floor((VOLUME_FROM + ((k + rand()) / count) * span) / 1000) * 1000;
    const kind = k % 10;
    const ackAt = createdAt + 1000 * (1 + Math.floor(rand() * 7200));
    const spec: PagerDutySpec = {
      id: `P${String(k).padStart(7, '0')}`,
      serviceId: `PSVC${String(k % services).padStart(4, '0')}`,
      createdAt,
      acks: [],
      untouched: kind === 0,
      analytics: 'fresh',
    };
    if (kind === 1) spec.acks = [ackAt];
    else if (kind === 2) spec.resolvedAt = ackAt;
    else if (kind === 4) spec.acks = [ackAt + 600_000, ackAt];
    else if (kind > 2) spec.acks = [ackAt];
    if (kind > 2) spec.resolvedAt = ackAt + 1000 * Math.floor(rand() * 86_400);
    if (k % 400 === 7) spec.analytics = 'missing';
    if (k % 400 === 13) spec.analytics = 'stale';
    if (options.lagMs !== undefined && createdAt >= VOLUME_TO - options.lagMs) {
      spec.analytics = 'missing';
    }
    specs.push(spec);
  }
  return specs;
}

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
/** Analytics times: no zone, in the answer's `time_zone` (Etc/UTC). */
const naive = (ms: number) => new Date(ms).toISOString().slice(0, 19);

function status(s: PagerDutySpec): string {
  if (s.resolvedAt !== undefined) return 'resolved';
  return s.acks.length ? 'acknowledged' : 'triggered';
}

/** The incident as `GET /incidents` lists it. */
export function pagerDutyIncident(s: PagerDutySpec, number: number) {
  const inc = structuredClone(incidentsFixture.incidents[0]) as Record<
    string,
    unknown
  >;
  const last =
    s.resolvedAt ?? (s.acks.length ? Math.max(...s.acks) : s.createdAt);
  Object.assign(inc, {
    id: s.id,
    incident_number: number,
    title: `Volume incident ${s.id}`,
    summary: `[#${number}] Volume incident ${s.id}`,
    self: `https://api.pagerduty.com/incidents/${s.id}`,
    html_url: `https://subdomain.pagerduty.com/incidents/${s.id}`,
    created_at: iso(s.createdAt),
    updated_at: iso(last),
    last_status_change_at: iso(last),
    status: status(s),
    resolved_at: s.resolvedAt === undefined ? null : iso(s.resolvedAt),
    service: { ...incidentsFixture.incidents[0].service, id: s.serviceId },
  });
  return inc;
}

/** The incident's log entries, newest first as PagerDuty lists them by default. */
export function pagerDutyLogEntries(
  s: PagerDutySpec,
): Array<Record<string, unknown>> {
  const [resolve, ack, trigger] = ackResolveFixture.log_entries;
  const entries: Array<Record<string, unknown>> = [];
  if (s.resolvedAt !== undefined) {
    entries.push({ ...resolve, id: `R${s.id}`, created_at: iso(s.resolvedAt) });
  }
  s.acks.forEach((at, i) =>
    entries.push({ ...ack, id: `A${i}${s.id}`, created_at: iso(at) }),
  );
  entries.push({ ...trigger, id: `T${s.id}`, created_at: iso(s.createdAt) });
  return entries.map(e => ({
    ...e,
    incident: { ...(e.incident as object), id: s.id },
  }));
}

/** The incident as `POST /analytics/raw/incidents` has it. */
export function pagerDutyAnalyticsRow(s: PagerDutySpec, number: number) {
  const row = structuredClone(analyticsFixture.data[0]) as Record<
    string,
    unknown
  >;
  const stale = s.analytics === 'stale';
  const firstAck = stale || !s.acks.length ? undefined : Math.min(...s.acks);
  const resolvedAt = stale ? undefined : s.resolvedAt;
  Object.assign(row, {
    id: s.id,
    incident_number: number,
    description: `Volume incident ${s.id}`,
    created_at: naive(s.createdAt),
    updated_at: naive(resolvedAt ?? firstAck ?? s.createdAt),
    service_id: s.serviceId,
    status: stale ? 'triggered' : status(s),
    acknowledgement_count: stale ? 0 : s.acks.length,
    seconds_to_first_ack:
      firstAck === undefined ? null : (firstAck - s.createdAt) / 1000,
    resolved_at: resolvedAt === undefined ? null : naive(resolvedAt),
    seconds_to_resolve:
      resolvedAt === undefined ? null : (resolvedAt - s.createdAt) / 1000,
  });
  return row;
}

/** Requests answered, per endpoint (the 403s of analytics included). */
export interface VolumeCounts {
  incidents: number;
  logEntries: number;
  analytics: number;
  /** Pages of the account-wide `GET /log_entries`. */
  accountLogEntries: number;
  /** Incident ids whose log entries were read. */
  logEntryIds: string[];
}

/**
 * msw handlers serving `specs` on `baseUrl`: `GET /incidents` (service_ids[], since/until
 * on creation, offset/limit/more), `GET /incidents/{id}/log_entries` and
 * `GET /log_entries` (the account's, since/until on their creation, newest first) and
 * `POST /analytics/raw/incidents` (filters, cursor `starting_after`, up to 1,000 a page), or
 * a 403 for analytics when `analytics` is `'forbidden'`.
 */
export function pagerDutyVolumeHandlers(
  baseUrl: string,
  specs: PagerDutySpec[],
  options: { analytics?: 'ok' | 'forbidden' } = {},
) {
  const counts: VolumeCounts = {
    incidents: 0,
    logEntries: 0,
    analytics: 0,
    accountLogEntries: 0,
    logEntryIds: [],
  };
  const sorted = specs
    .map((s, i) => ({ s, number: 1000 + i }))
    .sort(
      (a, b) => a.s.createdAt - b.s.createdAt || (a.s.id < b.s.id ? -1 : 1),
    );
  const byService = new Map<string, typeof sorted>();
  for (const e of sorted) {
    const list = byService.get(e.s.serviceId) ?? [];
    list.push(e);
    byService.set(e.s.serviceId, list);
  }
  const byId = new Map(sorted.map(e => [e.s.id, e.s]));
  let accountLog: Array<Record<string, unknown>> | undefined;

  const handlers = [
    http.get(`${baseUrl}/incidents`, ({ request }) => {
      counts.incidents++;
      const url = new URL(request.url);
      const since = Date.parse(url.searchParams.get('since') ?? '');
      const until = Date.parse(url.searchParams.get('until') ?? '');
      const limit = Number(url.searchParams.get('limit') ?? 25);
      const offset = Number(url.searchParams.get('offset') ?? 0);
      const ids = url.searchParams.getAll('service_ids[]');
      const pool = ids.flatMap(id => byService.get(id) ?? []);
      const matching = pool.filter(
        ({ s }) => s.createdAt >= since && s.createdAt < until,
      );
      return HttpResponse.json({
        incidents: matching
          .slice(offset, offset + limit)
          .map(({ s, number }) => pagerDutyIncident(s, number)),
        limit,
        offset,
        total: null,
        more: offset + limit < matching.length,
      });
    }),
    http.get(`${baseUrl}/incidents/:id/log_entries`, ({ params, request }) => {
      counts.logEntries++;
      const spec = byId.get(String(params.id));
      if (!spec) {
        return HttpResponse.json(
          { error: { message: 'Not Found', code: 2100 } },
          { status: 404 },
        );
      }
      counts.logEntryIds.push(spec.id);
      const url = new URL(request.url);
      const limit = Number(url.searchParams.get('limit') ?? 25);
      const offset = Number(url.searchParams.get('offset') ?? 0);
      const all = pagerDutyLogEntries(spec);
      return HttpResponse.json({
        ...ackResolveFixture,
        log_entries: all.slice(offset, offset + limit),
        limit,
        offset,
        more: offset + limit < all.length,
      });
    }),
    http.get(`${baseUrl}/log_entries`, ({ request }) => {
      counts.accountLogEntries++;
      accountLog ??= sorted
        .flatMap(({ s }) => pagerDutyLogEntries(s))
        .sort((a, b) =>
          String(b.created_at).localeCompare(String(a.created_at)),
        );
      const url = new URL(request.url);
      const since = Date.parse(url.searchParams.get('since') ?? '');
      const until = Date.parse(url.searchParams.get('until') ?? '');
      const limit = Number(url.searchParams.get('limit') ?? 25);
      const offset = Number(url.searchParams.get('offset') ?? 0);
      const matching = accountLog.filter(e => {
        const at = Date.parse(String(e.created_at));
        return at >= since && (Number.isNaN(until) || at < until);
      });
      return HttpResponse.json({
        ...ackResolveFixture,
        log_entries: matching.slice(offset, offset + limit),
        limit,
        offset,
        more: offset + limit < matching.length,
      });
    }),
    http.post(`${baseUrl}/analytics/raw/incidents`, async ({ request }) => {
      counts.analytics++;
      if (options.analytics === 'forbidden') {
        return HttpResponse.json(
          {
            error: {
              message: 'Access Denied',
              code: 2010,
              errors: ['Your account does not have access to this feature'],
            },
          },
          { status: 403 },
        );
      }
      const body = (await request.json()) as {
        filters: {
          created_at_start: string;
          created_at_end: string;
          service_ids: string[];
        };
        limit: number;
        starting_after?: string;
        time_zone: string;
      };
      const start = Date.parse(body.filters.created_at_start);
      const end = Date.parse(body.filters.created_at_end);
      const services = new Set(body.filters.service_ids);
      const matching = sorted.filter(
        ({ s }) =>
          s.analytics !== 'missing' &&
          services.has(s.serviceId) &&
          s.createdAt >= start &&
          s.createdAt < end,
      );
      const from =
        body.starting_after === undefined
          ? 0
          : matching.findIndex(e => e.s.id === body.starting_after) + 1;
      const limit = Math.min(body.limit, 1000);
      const page = matching.slice(from, from + limit);
      return HttpResponse.json({
        ...analyticsFixture,
        data: page.map(({ s, number }) => pagerDutyAnalyticsRow(s, number)),
        filters: body.filters,
        first: page[0]?.s.id ?? null,
        last: page[page.length - 1]?.s.id ?? null,
        limit,
        more: from + limit < matching.length,
        order: 'asc',
        starting_after: body.starting_after ?? null,
        time_zone: body.time_zone,
      });
    }),
  ];
  return { handlers, counts };
}
