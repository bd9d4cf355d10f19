import type { Config } from '@backstage/config';
import type { Incident, VendorVerdict } from '@servicelevel/plugin-sla-common';
import type { IncidentPage, LinkedEntity } from '@servicelevel/plugin-sla-node';
import {
  AccountsProvider,
  accountsSpec,
  basicAuth,
  getJsonUnlessDenied,
  getList,
  isRecord,
  linkedBy,
  MalformedRecordError,
  optionalInstant,
  optionalString,
  requireInstant,
  requireString,
  readAuthorization,
  resolvePriority,
  sameOriginUrl,
  SyncRun,
  trimBaseUrl,
} from './common';

export const SERVICENOW_ENTITY_ANNOTATION = 'servicenow.com/entity-id';

const PAGE_LIMIT = 100;
const FIELDS = [
  'sys_id',
  'number',
  'short_description',
  'priority',
  'opened_at',
  'resolved_at',
  'closed_at',
  'sys_updated_on',
];
/** task_sla fields read: the response time, and the vendor's own verdict on it. */
const TASK_SLA_FIELDS = [
  'sys_id',
  'stage',
  'start_time',
  'end_time',
  'has_breached',
  'business_duration',
  'business_percentage',
  'business_pause_duration',
  'schedule',
  'sla',
  'sla.name',
  'sla.duration',
];
/** ServiceNow priorities 1 (Critical) … 5 (Planning); 5 has no P5 so it joins P4. */
const DEFAULT_PRIORITIES = {
  '1': 'P1',
  '2': 'P2',
  '3': 'P3',
  '4': 'P4',
  '5': 'P4',
} as const;

/** `yyyy-MM-dd HH:mm:ss`, UTC (the Table API's value format with sysparm_display_value=false). */
export function parseServiceNowTime(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(
    value.trim(),
  );
  if (!m) return undefined;
  return Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
}

function formatServiceNowTime(ms: number): [string, string] {
  const iso = new Date(ms).toISOString();
  return [iso.slice(0, 10), iso.slice(11, 19)];
}

export interface ServiceNowAccount {
  id: string;
  baseUrl: string;
  authorization: string;
  /** Incident reference fields matched against `servicenow.com/entity-id`. */
  entityIdFields: string[];
  /** Read the response time from task_sla; off when the instance does not expose it. */
  responseSla: boolean;
  /** Encoded query picking the response SLA among an incident's task_sla rows. */
  responseSlaQuery: string;
}

function readAccount(id: string, c: Config): ServiceNowAccount {
  return {
    id,
    baseUrl: trimBaseUrl(c.getString('baseUrl')),
    // Without a token or user name, a missing `username` is the config error.
    authorization:
      readAuthorization(c) ??
      basicAuth(c.getString('username'), c.getString('password')),
    entityIdFields: c.getOptionalStringArray('entityIdFields') ?? [
      'business_service',
      'cmdb_ci',
    ],
    responseSla: c.getOptionalBoolean('responseSla') ?? true,
    responseSlaQuery:
      c.getOptionalString('responseSlaQuery') ?? 'sla.target=response',
  };
}

/**
 * ServiceNow Table API: `incident` rows whose business service or CI is the entity's
 * `servicenow.com/entity-id`, changed since the window start, paged by the `Link` header.
 */
export class ServiceNowProvider extends AccountsProvider<ServiceNowAccount> {
  readonly id = 'servicenow';
  protected readonly link = { annotation: SERVICENOW_ENTITY_ANNOTATION };

  static readonly accountsSpec = accountsSpec(
    'servicenow',
    'baseUrl',
    readAccount,
  );

  protected async *syncAccount(
    run: SyncRun<ServiceNowAccount>,
  ): AsyncIterable<IncidentPage> {
    const { ctx } = run;
    const state = { responseSla: run.account.responseSla };
    const linked = linkedBy(ctx.entities, SERVICENOW_ENTITY_ANNOTATION);
    for (const { entity, value: ciId } of linked) {
      yield* this.syncEntity(run, state, entity, ciId);
    }
  }

  private async *syncEntity(
    run: SyncRun<ServiceNowAccount>,
    state: { responseSla: boolean },
    entity: LinkedEntity,
    ciId: string,
  ): AsyncIterable<IncidentPage> {
    const { account, ctx } = run;
    if (!/^[\w.-]+$/.test(ciId)) {
      throw new Error(
        `${entity.entityRef}: ${SERVICENOW_ENTITY_ANNOTATION} "${ciId}" is not a sys_id`,
      );
    }
    const [sinceDate, sinceTime] = formatServiceNowTime(ctx.since);
    // ^OR binds tighter than ^: (service OR ci) AND updated since AND opened before until.
    const query = [
      account.entityIdFields.map(f => `${f}=${ciId}`).join('^OR'),
      `sys_updated_on>=javascript:gs.dateGenerate('${sinceDate}','${sinceTime}')`,
      'ORDERBYsys_updated_on',
    ].join('^');
    const params = new URLSearchParams({
      sysparm_query: query,
      sysparm_fields: FIELDS.join(','),
      sysparm_display_value: 'false',
      sysparm_exclude_reference_link: 'true',
      sysparm_limit: String(PAGE_LIMIT),
    });
    let url:
      | string
      | undefined = `${account.baseUrl}/api/now/table/incident?${params}`;
    while (url) {
      const { list, headers } = await getList(run, url, 'result');
      const page = this.mapPage(
        run,
        list,
        row => this.toIncident(row, entity),
        'ServiceNow incident',
        'number',
        'sys_id',
      );
      if (state.responseSla) {
        const vendorVerdicts: VendorVerdict[] = [];
        for (const incident of page.incidents) {
          const sla = await this.responseSla(run, state, incident.id);
          if (sla.ack !== undefined) incident.acknowledgedAt = sla.ack;
          if (sla.verdict) vendorVerdicts.push(sla.verdict);
          if (!state.responseSla) break;
        }
        if (state.responseSla) page.vendorVerdicts = vendorVerdicts;
      }
      yield page;
      // Only the Link header ends the listing: pages may be short (ACLs filter rows).
      url = nextLink(headers.get('link'), account.baseUrl);
    }
  }

  private toIncident(row: unknown, entity: LinkedEntity): Incident {
    if (!isRecord(row)) throw new MalformedRecordError('not an object');
    const sysId = requireString(row.sys_id, 'sys_id');
    const number = optionalString(row.number, 'number');
    const description = optionalString(
      row.short_description,
      'short_description',
    );
    const incident: Incident = {
      source: this.id,
      id: sysId,
      entityRef: entity.entityRef,
      title: [number, description].filter(Boolean).join(': ') || sysId,
      priority: resolvePriority(
        [optionalString(row.priority, 'priority')],
        entity.priorityMap,
        DEFAULT_PRIORITIES,
      ),
      createdAt: requireInstant(
        row.opened_at,
        'opened_at',
        parseServiceNowTime,
      ),
      pauses: [],
    };
    const resolvedAt =
      optionalInstant(row.resolved_at, 'resolved_at', parseServiceNowTime) ??
      optionalInstant(row.closed_at, 'closed_at', parseServiceNowTime);
    if (resolvedAt !== undefined) incident.resolvedAt = resolvedAt;
    return incident;
  }

  /**
   * End of the first completed response SLA of an incident in task_sla, and that row's own
   * verdict (else the first running row's). When the instance refuses the table (403/404),
   * response times are skipped for the rest of the run.
   */
  private async responseSla(
    run: SyncRun<ServiceNowAccount>,
    state: { responseSla: boolean },
    sysId: string,
  ): Promise<{ ack?: number; verdict?: VendorVerdict }> {
    const { account, ctx } = run;
    const params = new URLSearchParams({
      sysparm_query: `task=${sysId}^${account.responseSlaQuery}^ORDERBYstart_time`,
      sysparm_fields: TASK_SLA_FIELDS.join(','),
      sysparm_display_value: 'false',
      sysparm_exclude_reference_link: 'true',
    });
    const url = `${account.baseUrl}/api/now/table/task_sla?${params}`;
    const res = await getJsonUnlessDenied(run, url, status => {
      ctx.logger.warn(
        `ServiceNow task_sla is not readable (HTTP ${status}); response times are left empty`,
      );
      state.responseSla = false;
    });
    const body = res?.body;
    if (!isRecord(body) || !Array.isArray(body.result)) return {};
    let running: Record<string, unknown> | undefined;
    for (const row of body.result as unknown[]) {
      if (!isRecord(row) || row.stage === 'cancelled') continue;
      const end = parseServiceNowTime(row.end_time);
      if (end !== undefined) {
        return { ack: end, ...verdictOf(this.id, sysId, row) };
      }
      running ??= row;
    }
    return running ? verdictOf(this.id, sysId, running) : {};
  }
}

/**
 * A task_sla row as a vendor verdict: `has_breached`, the business duration and percentage
 * (the row's schedule applied; ServiceNow rounds the percentage to two decimals), the
 * schedule, the paused business time, and the definition's name and duration when the
 * dot-walked `sla.*` fields are readable. A row without `has_breached` gives none.
 */
function verdictOf(
  source: string,
  incidentId: string,
  row: Record<string, unknown>,
): { verdict?: VendorVerdict } {
  if (row.has_breached !== 'true' && row.has_breached !== 'false') return {};
  // A reference is its sys_id, or `{ link, value }` when the instance adds the link anyway.
  const text = (v: unknown): string | undefined => {
    if (isRecord(v)) return text(v.value);
    return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
  };
  const percentage = Number(text(row.business_percentage) ?? NaN);
  const name = text(row['sla.name']) ?? text(row.sla) ?? 'task_sla';
  return {
    verdict: withDefined<VendorVerdict>(
      {
        source,
        incidentId,
        clock: 'response',
        slaName: name,
        breached: row.has_breached === 'true',
      },
      {
        elapsedMs: parseServiceNowTime(row.business_duration),
        goalMs: parseServiceNowTime(row['sla.duration']),
        percentage: Number.isFinite(percentage) ? percentage : undefined,
        schedule: text(row.schedule),
        pausedMs: parseServiceNowTime(row.business_pause_duration),
      },
    ),
  };
}

/** `base` with the entries of `optional` that are defined. */
function withDefined<T>(base: Partial<T>, optional: Partial<T>): T {
  const out: Partial<T> = { ...base };
  for (const [k, v] of Object.entries(optional) as Array<
    [keyof T, T[keyof T]]
  >) {
    if (v !== undefined) out[k] = v;
  }
  return out as T;
}

/** The `rel="next"` target of a Link header, only on the configured instance. */
function nextLink(header: string | null, baseUrl: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(/,(?=\s*<)/)) {
    const m = /<([^>]+)>\s*;(.*)/.exec(part.trim());
    if (m && /rel="?next"?/.test(m[2])) {
      return sameOriginUrl(
        m[1],
        baseUrl,
        'ServiceNow sent a next link to another host',
      );
    }
  }
  return undefined;
}
