import type { Config } from '@backstage/config';
import type { Incident } from '@servicelevel/plugin-sla-common';
import type { IncidentPage, LinkedEntity } from '@servicelevel/plugin-sla-node';
import {
  AccountsProvider,
  accountsSpec,
  getList,
  isRecord,
  linkedBy,
  lookbackStart,
  MalformedRecordError,
  optionalInstant,
  optionalString,
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
 * PagerDuty REST API v2: `GET /incidents` per linked service, and the first acknowledgement
 * from each incident's log entries.
 */
export class PagerDutyProvider extends AccountsProvider<PagerDutyAccount> {
  readonly id = 'pagerduty';

  static readonly accountsSpec = accountsSpec(
    'pagerduty',
    'token',
    readAccount,
  );

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
    const services = linkedBy(ctx.entities, PAGERDUTY_SERVICE_ANNOTATION);
    for (const { entity, value: serviceId } of services) {
      if (!this.serves(run.account, entity, PAGERDUTY_ACCOUNT_ANNOTATION)) {
        continue;
      }
      yield* this.syncService(run, entity, serviceId, since);
    }
  }

  private async *syncService(
    run: SyncRun<PagerDutyAccount>,
    entity: LinkedEntity,
    serviceId: string,
    since: number,
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
          const incident = await this.toIncident(run, entity, raw);
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
      const ack = await this.firstAcknowledgement(run, id);
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
