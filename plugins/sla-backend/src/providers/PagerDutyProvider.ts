import type { Config } from '@backstage/config';
import type { Incident } from '@servicelevel/plugin-sla-common';
import type { IncidentPage, LinkedEntity } from '@servicelevel/plugin-sla-node';
import { HttpError } from '@servicelevel/plugin-sla-node';
import {
  AccountsProvider,
  accountsSpec,
  getJsonUnlessDenied,
  getList,
  isRecord,
  linkedBy,
  lookbackStart,
  MalformedRecordError,
  optionalInstant,
  optionalString,
  parseIsoInstant,
  recordLabel,
  requireInstant,
  requireString,
  resolvePriority,
  skipRecord,
  SyncRun,
  trimBaseUrl,
} from './common';

export const PAGERDUTY_SERVICE_ANNOTATION = 'pagerduty.com/service-id';
/** Used by the PagerDuty plugin for multi-account setups; picks the account of an entity. */
export const PAGERDUTY_ACCOUNT_ANNOTATION = 'pagerduty.com/account';

const DEFAULT_BASE_URL = 'https://api.pagerduty.com';
const PAGE_LIMIT = 100;
/** PagerDuty refuses offset + limit above this for classic pagination. */
const MAX_OFFSET_PLUS_LIMIT = 10_000;
/** The analytics API's largest page (cursor-paginated). */
const ANALYTICS_PAGE_LIMIT = 1000;
/** Services per analytics query: their incidents are looked up before the first page. */
const ANALYTICS_SERVICES_PER_QUERY = 100;
/**
 * PagerDuty's analytics lag up to 24 hours behind: incidents created after the newest one it
 * has are read from the account's log entries since then, unless that is longer ago than this.
 */
const RECENT_LOGS_MAX_MS = 3 * 86_400_000;
const ACK_TYPES = new Set([
  'acknowledge_log_entry',
  'acknowledgement_log_entry',
]);

/** Without a priority-map entry: PagerDuty priorities P1–P5 as written, else urgency. */
const DEFAULT_PRIORITIES = { P5: 'P4', high: 'P2', low: 'P4' } as const;

export interface PagerDutyAccount {
  id: string;
  token: string;
  baseUrl: string;
  /**
   * `since`/`until` filter on creation time, so each run also re-reads incidents created in
   * this many days before `until`, to see their later acknowledgement and resolution.
   */
  lookbackDays: number;
}

function readAccount(id: string, c: Config): PagerDutyAccount {
  return {
    id,
    token: c.getString('token'),
    baseUrl: trimBaseUrl(c.getOptionalString('baseUrl') ?? DEFAULT_BASE_URL),
    lookbackDays: c.getOptionalNumber('lookbackDays') ?? 7,
  };
}

/**
 * What the analytics API says of an incident's first acknowledgement: its creation time (to
 * check it is the incident `GET /incidents` lists), the seconds to the first acknowledgement
 * (undefined when none), and whether it was resolved then.
 */
interface AnalyticsAck {
  createdAt: number;
  secondsToFirstAck?: number;
  resolved: boolean;
}

/**
 * The account-wide overview log entries since `since` (`GET /log_entries`): the first
 * acknowledgement of each incident, and the incidents resolved. It covers the incidents
 * created after `since`, which the analytics data does not have yet.
 */
interface RecentLogs {
  since: number;
  firstAck: Map<string, number>;
  resolved: Set<string>;
  /** Incidents with an acknowledgement whose time does not parse (their own log decides). */
  unreadable: Set<string>;
}

/** What a run knows in bulk of the first acknowledgements of a group of services. */
interface BulkAcks {
  /** Analytics records by incident id; undefined when the account cannot read analytics. */
  analytics?: Map<string, AnalyticsAck>;
  /** The latest creation time the analytics data has for these services. */
  horizon?: number;
  /** The run's recent log entries, once read (null: not available in this run). */
  recent: { logs?: RecentLogs | null };
}

/** The analytics timestamps carry no zone: they are in the requested `time_zone` (UTC). */
const ANALYTICS_TIME_ZONE = 'Etc/UTC';
const UTC_ZONES = new Set(['Etc/UTC', 'UTC', 'Etc/GMT', 'GMT']);

function parseAnalyticsInstant(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const zoned = parseIsoInstant(value);
  return zoned ?? parseIsoInstant(`${value.trim()}Z`);
}

/**
 * PagerDuty REST API v2: `GET /incidents` per linked service. The first acknowledgement comes
 * in bulk from `POST /analytics/raw/incidents` (creation time + `seconds_to_first_ack`), and
 * from an incident's log entries only where the analytics data cannot tell it (not there yet,
 * out of date, or the account has no analytics).
 */
export class PagerDutyProvider extends AccountsProvider<PagerDutyAccount> {
  readonly id = 'pagerduty';
  protected readonly link = {
    annotation: PAGERDUTY_SERVICE_ANNOTATION,
    accountAnnotation: PAGERDUTY_ACCOUNT_ANNOTATION,
  };

  static readonly accountsSpec = accountsSpec(
    'pagerduty',
    'token',
    readAccount,
  );

  /** Accounts whose analytics were refused (logged once per account). */
  private readonly analyticsRefusalLogged = new Set<string>();

  protected headers(account: PagerDutyAccount): Record<string, string> {
    return {
      Authorization: `Token token=${account.token}`,
      Accept: 'application/vnd.pagerduty+json;version=2',
    };
  }

  protected async *syncAccount(
    run: SyncRun<PagerDutyAccount>,
  ): AsyncIterable<IncidentPage> {
    const { ctx } = run;
    const since = lookbackStart(ctx, run.account.lookbackDays);
    const services = linkedBy(
      ctx.entities,
      PAGERDUTY_SERVICE_ANNOTATION,
    ).filter(({ entity }) =>
      this.serves(run.account, entity, PAGERDUTY_ACCOUNT_ANNOTATION),
    );
    let analyticsRefused = false;
    const recent: BulkAcks['recent'] = {};
    for (let i = 0; i < services.length; ) {
      // The services of one analytics query: ANALYTICS_SERVICES_PER_QUERY distinct ids.
      const ids = new Set<string>();
      let end = i;
      while (end < services.length) {
        const id = services[end].value;
        if (!ids.has(id) && ids.size === ANALYTICS_SERVICES_PER_QUERY) break;
        ids.add(id);
        end++;
      }
      const acks: BulkAcks = { recent };
      if (!analyticsRefused) {
        acks.analytics = await this.analyticsAcks(run, [...ids], since);
        analyticsRefused = acks.analytics === undefined;
        for (const a of acks.analytics?.values() ?? []) {
          acks.horizon = Math.max(acks.horizon ?? a.createdAt, a.createdAt);
        }
      }
      for (const { entity, value: serviceId } of services.slice(i, end)) {
        yield* this.syncService(run, entity, serviceId, since, acks);
      }
      i = end;
    }
  }

  /**
   * The first acknowledgements of the services' incidents created in [since, until), from
   * `POST /analytics/raw/incidents` (cursor pages of 1,000). Undefined when the account may
   * not read analytics (403/404: it needs PagerDuty's Advanced plan and, for scoped OAuth,
   * `analytics.read`); that is logged once per account and the log entries are read instead.
   */
  private async analyticsAcks(
    run: SyncRun<PagerDutyAccount>,
    serviceIds: string[],
    since: number,
  ): Promise<Map<string, AnalyticsAck> | undefined> {
    const { account, ctx } = run;
    const url = `${account.baseUrl}/analytics/raw/incidents`;
    const acks = new Map<string, AnalyticsAck>();
    let cursor: string | undefined;
    for (;;) {
      const request = {
        filters: {
          created_at_start: new Date(since).toISOString(),
          created_at_end: new Date(ctx.until).toISOString(),
          service_ids: serviceIds,
        },
        limit: ANALYTICS_PAGE_LIMIT,
        order: 'asc',
        order_by: 'created_at',
        time_zone: ANALYTICS_TIME_ZONE,
        ...(cursor === undefined ? {} : { starting_after: cursor }),
      };
      let body: unknown;
      try {
        ({ body } = await run.http.getJson(url, {
          method: 'POST',
          headers: {
            'Content-Type': 'application/json',
            // Was required while the endpoint was in early access; ignored since.
            'X-EARLY-ACCESS': 'analytics-v2',
          },
          body: JSON.stringify(request),
          signal: ctx.signal,
        }));
      } catch (e) {
        if (
          cursor === undefined &&
          e instanceof HttpError &&
          (e.status === 403 || e.status === 404)
        ) {
          if (!this.analyticsRefusalLogged.has(account.id)) {
            this.analyticsRefusalLogged.add(account.id);
            ctx.logger.warn(
              `PagerDuty account ${account.id}: ${url} answered ${e.status} ` +
                "(analytics need the Advanced plan); reading each incident's log " +
                'entries for its acknowledgement instead, one request per incident',
            );
          }
          return undefined;
        }
        throw e;
      }
      if (!isRecord(body) || !Array.isArray(body.data)) {
        throw new Error(`Unexpected response from ${url}: no "data" list`);
      }
      // Zone-less times are in the answer's time_zone: only UTC is read; other rows are
      // left out, so their incidents' log entries are read.
      const zone = body.time_zone ?? ANALYTICS_TIME_ZONE;
      if (typeof zone === 'string' && UTC_ZONES.has(zone)) {
        for (const row of body.data) this.addAnalyticsAck(acks, row);
      }
      if (body.more !== true) return acks;
      const last = body.last;
      if (typeof last !== 'string' || last === '' || last === cursor) {
        throw new Error(
          `Unexpected response from ${url}: more pages but no new "last" cursor`,
        );
      }
      cursor = last;
    }
  }

  /** Records an analytics row; a row it cannot read is left out (log entries decide). */
  private addAnalyticsAck(acks: Map<string, AnalyticsAck>, row: unknown) {
    if (!isRecord(row) || typeof row.id !== 'string') return;
    const createdAt = parseAnalyticsInstant(row.created_at);
    if (createdAt === undefined) return;
    const seconds = row.seconds_to_first_ack;
    if (typeof seconds === 'number' && Number.isFinite(seconds)) {
      if (seconds < 0) return;
      acks.set(row.id, {
        createdAt,
        secondsToFirstAck: seconds,
        resolved: row.status === 'resolved',
      });
    } else if (seconds === null || seconds === undefined) {
      // No acknowledgement, which is final only once resolved, and only if none is counted.
      const count = row.acknowledgement_count;
      if (count !== undefined && count !== null && count !== 0) return;
      acks.set(row.id, { createdAt, resolved: row.status === 'resolved' });
    }
  }

  /**
   * The first acknowledgement as the analytics data gives it, `null` when it says there was
   * none, or `undefined` when it cannot tell: the incident is not there yet (analytics lag up
   * to 24 hours), its creation time differs, or it was not yet resolved without an
   * acknowledgement (it may have been acknowledged since).
   */
  private static analyticsAck(
    acks: BulkAcks,
    id: string,
    createdAt: number,
    status: string | undefined,
  ): number | null | undefined {
    const a = acks.analytics?.get(id);
    if (!a || a.createdAt !== createdAt) return undefined;
    if (a.secondsToFirstAck !== undefined) {
      return createdAt + Math.round(a.secondsToFirstAck * 1000);
    }
    return a.resolved && status === 'resolved' ? null : undefined;
  }

  /**
   * The first acknowledgement of an incident created after the analytics horizon, from the
   * account's log entries since then (read once per run): `null` when they show it resolved
   * unacknowledged, `undefined` when they cannot tell (not read, or acknowledged since).
   */
  private async recentAck(
    run: SyncRun<PagerDutyAccount>,
    acks: BulkAcks,
    id: string,
    createdAt: number,
    status: string | undefined,
  ): Promise<number | null | undefined> {
    const { horizon, recent } = acks;
    if (
      horizon === undefined ||
      createdAt <= horizon ||
      run.ctx.until - horizon > RECENT_LOGS_MAX_MS
    ) {
      return undefined;
    }
    if (recent.logs === undefined) {
      recent.logs = await this.recentLogs(run, horizon);
    }
    const logs = recent.logs;
    if (!logs || createdAt <= logs.since || logs.unreadable.has(id)) {
      return undefined;
    }
    const ack = logs.firstAck.get(id);
    if (ack !== undefined) return ack;
    return status === 'resolved' && logs.resolved.has(id) ? null : undefined;
  }

  /**
   * `GET /log_entries?is_overview=true` since `since`, all pages; null when the account may
   * not read them (403/404) or they pass the offset ceiling (each incident's own log entries
   * are read instead).
   */
  private async recentLogs(
    run: SyncRun<PagerDutyAccount>,
    since: number,
  ): Promise<RecentLogs | null> {
    const logs: RecentLogs = {
      since,
      firstAck: new Map(),
      resolved: new Set(),
      unreadable: new Set(),
    };
    for (let offset = 0; ; offset += PAGE_LIMIT) {
      const params = new URLSearchParams({
        since: new Date(since).toISOString(),
        time_zone: 'UTC',
        is_overview: 'true',
        limit: String(PAGE_LIMIT),
        offset: String(offset),
      });
      const url = `${run.account.baseUrl}/log_entries?${params}`;
      const res = await getJsonUnlessDenied(run, url, () => {});
      if (!res) return null;
      const body = res.body;
      if (!isRecord(body) || !Array.isArray(body.log_entries)) {
        throw new Error(
          `Unexpected response from ${url}: no "log_entries" list`,
        );
      }
      for (const entry of body.log_entries) {
        if (!isRecord(entry) || !isRecord(entry.incident)) continue;
        const incidentId = entry.incident.id;
        if (typeof incidentId !== 'string') continue;
        if (entry.type === 'resolve_log_entry') logs.resolved.add(incidentId);
        if (!ACK_TYPES.has(String(entry.type))) continue;
        const at = parseIsoInstant(entry.created_at);
        const first = logs.firstAck.get(incidentId);
        if (at === undefined) logs.unreadable.add(incidentId);
        else if (first === undefined || at < first) {
          logs.firstAck.set(incidentId, at);
        }
      }
      if (body.more !== true) return logs;
      if (offset + 2 * PAGE_LIMIT > MAX_OFFSET_PLUS_LIMIT) {
        const from = new Date(since).toISOString();
        run.ctx.logger.info(
          `PagerDuty account ${run.account.id}: more than ${MAX_OFFSET_PLUS_LIMIT} ` +
            `log entries since ${from}; reading recent incidents' log entries one by one`,
        );
        return null;
      }
    }
  }

  private async *syncService(
    run: SyncRun<PagerDutyAccount>,
    entity: LinkedEntity,
    serviceId: string,
    since: number,
    acks: BulkAcks,
  ): AsyncIterable<IncidentPage> {
    const { account, ctx } = run;
    let windowStart = since;
    let offset = 0;
    for (;;) {
      const params = new URLSearchParams({
        since: new Date(windowStart).toISOString(),
        until: new Date(ctx.until).toISOString(),
        time_zone: 'UTC',
        sort_by: 'created_at:asc',
        limit: String(PAGE_LIMIT),
        offset: String(offset),
      });
      params.append('service_ids[]', serviceId);
      const url = `${account.baseUrl}/incidents?${params}`;
      const { body, list } = await getList(run, url, 'incidents');
      const page: IncidentPage = { incidents: [], skipped: 0 };
      let lastCreated: number | undefined;
      for (const raw of list) {
        try {
          const incident = await this.toIncident(run, entity, raw, acks);
          page.incidents.push(incident);
          lastCreated = incident.createdAt;
        } catch (e) {
          if (!(e instanceof MalformedRecordError)) throw e;
          const label = `PagerDuty incident ${recordLabel(raw, 'id')}`;
          skipRecord(page, label, e, ctx.logger);
        }
      }
      yield page;
      if (body.more !== true) return;
      if (offset + 2 * PAGE_LIMIT <= MAX_OFFSET_PLUS_LIMIT) {
        offset += PAGE_LIMIT;
        continue;
      }
      // The next page would pass PagerDuty's offset ceiling: results are sorted by creation,
      // so restart a narrower window at the last creation time seen (repeats are deduped).
      if (lastCreated === undefined || lastCreated <= windowStart) {
        throw new Error(
          `PagerDuty service ${serviceId} has more than ${MAX_OFFSET_PLUS_LIMIT} incidents created at ${new Date(
            windowStart,
          ).toISOString()}; cannot page further`,
        );
      }
      windowStart = lastCreated;
      offset = 0;
    }
  }

  private async toIncident(
    run: SyncRun<PagerDutyAccount>,
    entity: LinkedEntity,
    raw: unknown,
    acks: BulkAcks,
  ): Promise<Incident> {
    if (!isRecord(raw)) throw new MalformedRecordError('not an object');
    const id = requireString(raw.id, 'id');
    const createdAt = requireInstant(raw.created_at, 'created_at');
    const status = optionalString(raw.status, 'status');
    const priority = resolvePriority(
      [
        isRecord(raw.priority)
          ? optionalString(
              raw.priority.summary ?? raw.priority.name,
              'priority.summary',
            )
          : undefined,
        optionalString(raw.urgency, 'urgency'),
      ],
      entity.priorityMap,
      DEFAULT_PRIORITIES,
    );
    let resolvedAt = optionalInstant(raw.resolved_at, 'resolved_at');
    if (resolvedAt === undefined && status === 'resolved') {
      resolvedAt = optionalInstant(
        raw.last_status_change_at,
        'last_status_change_at',
      );
    }
    const incident: Incident = {
      source: this.id,
      id,
      entityRef: entity.entityRef,
      title:
        optionalString(raw.title, 'title') ??
        optionalString(raw.summary, 'summary') ??
        id,
      priority,
      createdAt,
      pauses: [],
    };
    const url = optionalString(raw.html_url, 'html_url');
    if (url) incident.url = url;
    if (resolvedAt !== undefined) incident.resolvedAt = resolvedAt;
    // A still-triggered incident whose status never changed cannot have been acknowledged.
    const neverChanged =
      status === 'triggered' &&
      (raw.last_status_change_at === undefined ||
        raw.last_status_change_at === raw.created_at);
    if (!neverChanged) {
      let bulk = PagerDutyProvider.analyticsAck(acks, id, createdAt, status);
      if (bulk === undefined) {
        bulk = await this.recentAck(run, acks, id, createdAt, status);
      }
      const ack =
        bulk === undefined
          ? await this.firstAcknowledgement(run, id)
          : bulk ?? undefined;
      if (ack !== undefined) incident.acknowledgedAt = ack;
    }
    return incident;
  }

  /** Earliest acknowledge log entry (either spelling of its type), paging through all. */
  private async firstAcknowledgement(
    run: SyncRun<PagerDutyAccount>,
    incidentId: string,
  ): Promise<number | undefined> {
    let first: number | undefined;
    for (let offset = 0; ; offset += PAGE_LIMIT) {
      const params = new URLSearchParams({
        time_zone: 'UTC',
        is_overview: 'true',
        limit: String(PAGE_LIMIT),
        offset: String(offset),
      });
      const url = `${run.account.baseUrl}/incidents/${encodeURIComponent(
        incidentId,
      )}/log_entries?${params}`;
      const { body, list } = await getList(run, url, 'log_entries');
      for (const entry of list) {
        if (!isRecord(entry) || !ACK_TYPES.has(String(entry.type))) continue;
        const at = optionalInstant(entry.created_at, 'log_entries.created_at');
        if (at !== undefined && (first === undefined || at < first)) first = at;
      }
      if (
        body.more !== true ||
        offset + 2 * PAGE_LIMIT > MAX_OFFSET_PLUS_LIMIT
      ) {
        return first;
      }
    }
  }
}
