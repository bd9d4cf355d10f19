/**
 * Opsgenie adapter, self-contained on purpose: Atlassian ends Opsgenie's APIs in April 2027
 * (Opsgenie moves into Jira Service Management / Compass). To retire it, delete this file and
 * its test, its line in ./index.ts, the `opsgenie` block of config.d.ts and its docs section;
 * nothing else imports it.
 */
import type { Config } from '@backstage/config';
import type { Incident } from '@servicelevel/plugin-sla-common';
import type { IncidentPage, LinkedEntity } from '@servicelevel/plugin-sla-node';
import {
  AccountsProvider,
  accountsSpec,
  getList,
  isRecord,
  lookbackStart,
  MalformedRecordError,
  optionalInstant,
  optionalString,
  requireInstant,
  requireString,
  resolvePriority,
  sameOriginUrl,
  SyncRun,
  trimBaseUrl,
} from './common';

/** The annotation of the Backstage Opsgenie plugin: an Opsgenie search query. */
export const OPSGENIE_SELECTOR_ANNOTATION = 'opsgenie.com/component-selector';

const DEFAULT_BASE_URL = 'https://api.opsgenie.com';
const PAGE_LIMIT = 100;
/** Opsgenie priorities are P1–P5; P5 has no SLA priority of its own. */
const DEFAULT_PRIORITIES = { P5: 'P4' } as const;
const CLOSED_STATUSES = new Set(['closed', 'resolved']);

export type OpsgenieRecordType = 'incidents' | 'alerts';

export interface OpsgenieAccount {
  id: string;
  token: string;
  /** https://api.opsgenie.com, or https://api.eu.opsgenie.com for the EU instance. */
  baseUrl: string;
  /** What becomes an SLA incident: Opsgenie incidents (default) or alerts. */
  records: OpsgenieRecordType;
  /**
   * Opsgenie searches by creation time only, so each run re-reads records created this many
   * days before `until`, to see their later acknowledgement and closing.
   */
  lookbackDays: number;
}

/** Milliseconds after `createdAt` (`report.ackTime` / `closeTime`); absent is allowed. */
function afterCreation(
  createdAt: number,
  value: unknown,
  field: string,
): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new MalformedRecordError(
      `${field} is ${JSON.stringify(value)}, expected milliseconds`,
    );
  }
  return createdAt + value;
}

function readAccount(id: string, c: Config): OpsgenieAccount {
  const records = c.getOptionalString('records') ?? 'incidents';
  if (records !== 'incidents' && records !== 'alerts') {
    throw new Error(
      `sla.providers.opsgenie (${id}): records must be "incidents" or "alerts", not "${records}"`,
    );
  }
  return {
    id,
    token: c.getString('token'),
    baseUrl: trimBaseUrl(c.getOptionalString('baseUrl') ?? DEFAULT_BASE_URL),
    records,
    lookbackDays: c.getOptionalNumber('lookbackDays') ?? 7,
  };
}

/**
 * Opsgenie: incidents (`GET /v1/incidents`) or alerts (`GET /v2/alerts`) matching the
 * entity's `opsgenie.com/component-selector` query, following `paging.next`.
 */
export class OpsgenieProvider extends AccountsProvider<OpsgenieAccount> {
  readonly id = 'opsgenie';
  protected readonly link = { annotation: OPSGENIE_SELECTOR_ANNOTATION };

  static readonly accountsSpec = accountsSpec('opsgenie', 'token', readAccount);

  protected headers(account: OpsgenieAccount): Record<string, string> {
    return { Authorization: `GenieKey ${account.token}` };
  }

  protected async *syncAccount(
    run: SyncRun<OpsgenieAccount>,
  ): AsyncIterable<IncidentPage> {
    const { ctx } = run;
    const since = lookbackStart(ctx, run.account.lookbackDays);
    for (const entity of ctx.entities) {
      // The whole value is one query (it may contain commas), unlike the id lists elsewhere.
      const selector = entity.annotations[OPSGENIE_SELECTOR_ANNOTATION]?.trim();
      if (!selector) continue;
      yield* this.syncEntity(run, entity, selector, since);
    }
  }

  private async *syncEntity(
    run: SyncRun<OpsgenieAccount>,
    entity: LinkedEntity,
    selector: string,
    since: number,
  ): AsyncIterable<IncidentPage> {
    const { account, ctx } = run;
    const path = account.records === 'alerts' ? '/v2/alerts' : '/v1/incidents';
    const params = new URLSearchParams({
      // createdAt takes epoch ms; the selector is parenthesised because it may hold OR.
      query: `(${selector}) AND createdAt >= ${since} AND createdAt < ${ctx.until}`,
      offset: '0',
      limit: String(PAGE_LIMIT),
      sort: 'createdAt',
      order: 'asc',
    });
    let url: string | undefined = `${account.baseUrl}${path}?${params}`;
    const seen = new Set<string>();
    while (url) {
      seen.add(url);
      const { body, list } = await getList(run, url, 'data');
      const kind = account.records === 'alerts' ? 'alert' : 'incident';
      yield this.mapPage(
        run,
        list,
        record => this.toIncident(record, entity),
        `Opsgenie ${kind}`,
        'tinyId',
        'id',
      );
      const next: unknown = isRecord(body.paging)
        ? body.paging.next
        : undefined;
      url =
        typeof next === 'string' && next
          ? sameOriginUrl(
              next,
              account.baseUrl,
              'Opsgenie sent a next page on another host',
            )
          : undefined;
      if (url && seen.has(url)) {
        throw new Error(`Opsgenie repeated the next page ${url}`);
      }
    }
  }

  private toIncident(record: unknown, entity: LinkedEntity): Incident {
    if (!isRecord(record)) throw new MalformedRecordError('not an object');
    const id = requireString(record.id, 'id');
    const createdAt = requireInstant(record.createdAt, 'createdAt');
    const report = isRecord(record.report) ? record.report : {};
    const incident: Incident = {
      source: this.id,
      id,
      entityRef: entity.entityRef,
      title: optionalString(record.message, 'message') ?? id,
      priority: resolvePriority(
        [optionalString(record.priority, 'priority')],
        entity.priorityMap,
        DEFAULT_PRIORITIES,
      ),
      createdAt,
      pauses: [],
    };
    const ack = afterCreation(createdAt, report.ackTime, 'report.ackTime');
    if (ack !== undefined) incident.acknowledgedAt = ack;
    let resolvedAt = afterCreation(
      createdAt,
      report.closeTime,
      'report.closeTime',
    );
    const status = optionalString(record.status, 'status');
    if (resolvedAt === undefined && status && CLOSED_STATUSES.has(status)) {
      // No close time in the record (incidents carry no report): the last update is the
      // closest time the list API gives.
      resolvedAt = optionalInstant(record.updatedAt, 'updatedAt');
    }
    if (resolvedAt !== undefined) incident.resolvedAt = resolvedAt;
    const impactStart = optionalInstant(
      record.impactStartDate,
      'impactStartDate',
    );
    if (impactStart !== undefined) {
      const end = optionalInstant(record.impactEndDate, 'impactEndDate');
      incident.outage =
        end === undefined
          ? { start: impactStart }
          : { start: impactStart, end };
    }
    const web =
      isRecord(record.links) && optionalString(record.links.web, 'links.web');
    if (web) incident.url = web;
    return incident;
  }
}
