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
  parseIsoInstant,
  requireInstant,
  requireString,
  resolvePriority,
  SyncRun,
  trimBaseUrl,
} from './common';

/** The annotations the Backstage Jira plugins read. */
export const JIRA_PROJECT_ANNOTATION = 'jira/project-key';
export const JIRA_COMPONENT_ANNOTATION = 'jira/component';

const PAGE_LIMIT = 100;
const SLA_PAGE_LIMIT = 50;
const FIELDS = ['summary', 'created', 'resolutiondate', 'priority'];
/** Jira's default priority schemes (current and legacy names), without a priority-map entry. */
const DEFAULT_PRIORITIES = {
  highest: 'P1',
  blocker: 'P1',
  critical: 'P1',
  high: 'P2',
  major: 'P2',
  medium: 'P3',
  minor: 'P3',
  low: 'P4',
  lowest: 'P4',
  trivial: 'P4',
} as const;

export interface JiraServiceManagementAccount {
  id: string;
  /** e.g. https://acme.atlassian.net */
  baseUrl: string;
  authorization: string;
  /** Read first response and resolution from the request's SLA cycles. */
  requestSla: boolean;
  /** SLA metric name (case-insensitive) whose cycles give the first response. */
  firstResponseSla: string;
  /** SLA metric name (case-insensitive) whose cycles give the resolution. */
  resolutionSla: string;
}

/** A project key as Jira allows it; anything else would break out of the JQL. */
const PROJECT_KEY = /^[A-Za-z][A-Za-z0-9_]*$/;

function jqlString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * JQL date literal `yyyy-MM-dd HH:mm` (UTC, rounded down to the minute). JQL reads it in
 * the API user's time zone: set that user's zone to UTC; the sync overlap covers the rest.
 */
export function formatJqlTime(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
}

/** `startTime`/`stopTime` of an SLA cycle: `epochMillis`, else its `iso8601` text. */
function cycleTime(value: unknown, field: string): number | undefined {
  if (!isRecord(value)) return undefined;
  if (typeof value.epochMillis === 'number') {
    if (!Number.isFinite(value.epochMillis)) {
      throw new MalformedRecordError(`${field}.epochMillis is not a number`);
    }
    return value.epochMillis;
  }
  return optionalInstant(value.iso8601, `${field}.iso8601`, parseIsoInstant);
}

interface SlaTimes {
  /** Stop of the first completed cycle of the first-response SLA. */
  firstResponse?: number;
  /**
   * Stop of the last completed cycle of the resolution SLA, or null when a cycle is ongoing
   * (the request was reopened, so it is not resolved now); undefined when there is no such SLA.
   */
  resolution?: number | null;
  /** Jira's own verdict on the cycles read (incidentId still to be set). */
  verdicts: VendorVerdict[];
}

function readAccount(id: string, c: Config): JiraServiceManagementAccount {
  const email = c.getOptionalString('email');
  const token = c.getString('token');
  return {
    id,
    baseUrl: trimBaseUrl(c.getString('baseUrl')),
    // Atlassian API tokens go with the account's email as Basic auth; without an
    // email the token is sent as an OAuth 2.0 bearer token.
    authorization: email ? basicAuth(email, token) : `Bearer ${token}`,
    requestSla: c.getOptionalBoolean('requestSla') ?? true,
    firstResponseSla:
      c.getOptionalString('firstResponseSla') ?? 'Time to first response',
    resolutionSla: c.getOptionalString('resolutionSla') ?? 'Time to resolution',
  };
}

/**
 * Jira Service Management (Cloud): issues of the entity's project (and component) found
 * with `GET /rest/api/3/search/jql`, with first response and resolution read from the
 * request's SLA cycles (`/rest/servicedeskapi/request/{key}/sla`).
 */
export class JiraServiceManagementProvider extends AccountsProvider<JiraServiceManagementAccount> {
  readonly id = 'jira';
  protected readonly link = { annotation: JIRA_PROJECT_ANNOTATION };

  static readonly accountsSpec = accountsSpec('jira', 'baseUrl', readAccount);

  protected async *syncAccount(
    run: SyncRun<JiraServiceManagementAccount>,
  ): AsyncIterable<IncidentPage> {
    const { ctx } = run;
    const projects = linkedBy(ctx.entities, JIRA_PROJECT_ANNOTATION);
    for (const { entity, value: projectKey } of projects) {
      yield* this.syncProject(run, entity, projectKey);
    }
  }

  private async *syncProject(
    run: SyncRun<JiraServiceManagementAccount>,
    entity: LinkedEntity,
    projectKey: string,
  ): AsyncIterable<IncidentPage> {
    const { account, ctx } = run;
    if (!PROJECT_KEY.test(projectKey)) {
      throw new Error(
        `${entity.entityRef}: ${JIRA_PROJECT_ANNOTATION} "${projectKey}" is not a project key`,
      );
    }
    const component = entity.annotations[JIRA_COMPONENT_ANNOTATION]?.trim();
    const jql = [
      `project = ${jqlString(projectKey)}`,
      ...(component ? [`component = ${jqlString(component)}`] : []),
      `updated >= ${jqlString(formatJqlTime(ctx.since))}`,
    ].join(' AND ');
    let token: string | undefined;
    const seenTokens = new Set<string>();
    for (;;) {
      const params = new URLSearchParams({
        jql: `${jql} ORDER BY updated ASC`,
        fields: FIELDS.join(','),
        maxResults: String(PAGE_LIMIT),
      });
      if (token) params.set('nextPageToken', token);
      const url = `${account.baseUrl}/rest/api/3/search/jql?${params}`;
      const { body, list: issues } = await getList(run, url, 'issues');
      const page = this.mapPage(
        run,
        issues,
        issue => this.toIncident(issue, entity, account),
        'Jira issue',
        'key',
        'id',
      );
      if (account.requestSla) {
        page.vendorVerdicts = [];
        for (const incident of page.incidents) {
          const key = issueKeyOf(issues, incident.id);
          const sla = await this.slaTimes(run, key);
          for (const verdict of sla.verdicts) {
            page.vendorVerdicts.push({ ...verdict, incidentId: incident.id });
          }
          if (sla.firstResponse !== undefined) {
            incident.acknowledgedAt = sla.firstResponse;
          }
          if (sla.resolution === null) delete incident.resolvedAt;
          else if (sla.resolution !== undefined) {
            incident.resolvedAt = sla.resolution;
          }
        }
      }
      yield page;
      const next =
        typeof body.nextPageToken === 'string' && body.nextPageToken !== ''
          ? body.nextPageToken
          : undefined;
      if (!next || body.isLast === true) return;
      if (seenTokens.has(next)) {
        throw new Error(`Jira repeated the page token ${next} for ${url}`);
      }
      seenTokens.add(next);
      token = next;
    }
  }

  private toIncident(
    issue: unknown,
    entity: LinkedEntity,
    account: JiraServiceManagementAccount,
  ): Incident {
    if (!isRecord(issue)) throw new MalformedRecordError('not an object');
    const id = requireString(issue.id, 'id');
    const key = optionalString(issue.key, 'key');
    const fields = isRecord(issue.fields) ? issue.fields : {};
    const summary = optionalString(fields.summary, 'fields.summary');
    const incident: Incident = {
      source: this.id,
      id,
      entityRef: entity.entityRef,
      title: [key, summary].filter(Boolean).join(': ') || id,
      priority: resolvePriority(
        [
          isRecord(fields.priority)
            ? optionalString(fields.priority.name, 'fields.priority.name')
            : undefined,
        ],
        entity.priorityMap,
        DEFAULT_PRIORITIES,
      ),
      createdAt: requireInstant(fields.created, 'fields.created'),
      pauses: [],
    };
    const resolvedAt = optionalInstant(
      fields.resolutiondate,
      'fields.resolutiondate',
    );
    if (resolvedAt !== undefined) incident.resolvedAt = resolvedAt;
    if (key) incident.url = `${account.baseUrl}/browse/${key}`;
    return incident;
  }

  /**
   * First response and resolution from the request's SLA metrics, paging through them.
   * An issue that is not a service request (404) or not visible (403) has none; a cycle
   * time that cannot be read leaves that time empty rather than dropping the incident.
   */
  private async slaTimes(
    run: SyncRun<JiraServiceManagementAccount>,
    issueKey: string,
  ): Promise<SlaTimes> {
    const { account, ctx } = run;
    const times: SlaTimes = { verdicts: [] };
    const firstResponse = account.firstResponseSla.toLowerCase();
    const resolution = account.resolutionSla.toLowerCase();
    for (let start = 0; ; ) {
      const url = `${
        account.baseUrl
      }/rest/servicedeskapi/request/${encodeURIComponent(
        issueKey,
      )}/sla?start=${start}&limit=${SLA_PAGE_LIMIT}`;
      const res = await getJsonUnlessDenied(run, url, status =>
        ctx.logger.debug(
          `Jira ${issueKey} has no readable request SLAs (HTTP ${status})`,
        ),
      );
      const body = res?.body;
      if (!isRecord(body) || !Array.isArray(body.values)) return times;
      for (const metric of body.values as unknown[]) {
        if (!isRecord(metric) || typeof metric.name !== 'string') continue;
        const name = metric.name.toLowerCase();
        try {
          if (name === firstResponse) {
            const first = completedCycle(metric, Math.min);
            times.firstResponse = first?.stop;
            const verdict = cycleVerdict(metric.name, 'response', first?.cycle);
            if (verdict) times.verdicts.push(verdict);
          } else if (name === resolution) {
            const ongoing = isRecord(metric.ongoingCycle)
              ? metric.ongoingCycle
              : undefined;
            const last = ongoing ? undefined : completedCycle(metric, Math.max);
            times.resolution = ongoing ? null : last?.stop;
            const verdict = cycleVerdict(
              metric.name,
              'resolution',
              ongoing ?? last?.cycle,
            );
            if (verdict) times.verdicts.push(verdict);
          }
        } catch (e) {
          if (!(e instanceof MalformedRecordError)) throw e;
          ctx.logger.warn(
            `Jira ${issueKey}: ignoring SLA "${metric.name}": ${e.message}`,
          );
        }
      }
      const size = body.values.length;
      if (body.isLastPage !== false || size === 0) return times;
      start += size;
    }
  }
}

/** The completed cycle with the earliest (`Math.min`) or latest (`Math.max`) stop. */
function completedCycle(
  metric: Record<string, unknown>,
  pick: (...times: number[]) => number,
): { stop: number; cycle: Record<string, unknown> } | undefined {
  const key = 'completedCycles';
  const cycles = Array.isArray(metric[key]) ? (metric[key] as unknown[]) : [];
  const all = cycles.flatMap((c, i) => {
    if (!isRecord(c)) return [];
    const stop = cycleTime(c.stopTime, `${key}[${i}].stopTime`);
    return stop === undefined ? [] : [{ stop, cycle: c }];
  });
  if (all.length === 0) return undefined;
  const stop = pick(...all.map(c => c.stop));
  return all.find(c => c.stop === stop);
}

/** `{ millis }` of a cycle's duration field, when it is a number. */
function millisOf(value: unknown): number | undefined {
  return isRecord(value) && typeof value.millis === 'number'
    ? value.millis
    : undefined;
}

/**
 * Jira's own verdict on a cycle: `breached`, and the elapsed time and goal (both in the SLA's
 * calendar, paused time excluded). Jira does not name the calendar or the paused time.
 */
function cycleVerdict(
  slaName: string,
  clock: VendorVerdict['clock'],
  cycle: Record<string, unknown> | undefined,
): VendorVerdict | undefined {
  if (!cycle || typeof cycle.breached !== 'boolean') return undefined;
  const verdict: VendorVerdict = {
    source: 'jira',
    incidentId: '',
    clock,
    slaName,
    breached: cycle.breached,
  };
  const elapsed = millisOf(cycle.elapsedTime);
  if (elapsed !== undefined) verdict.elapsedMs = elapsed;
  const goal = millisOf(cycle.goalDuration);
  if (goal !== undefined) verdict.goalMs = goal;
  return verdict;
}

/** The key of the issue with this id (the SLA path takes either; the key reads better in logs). */
function issueKeyOf(issues: unknown[], id: string): string {
  const issue = issues.find(i => isRecord(i) && String(i.id) === id);
  return (isRecord(issue) && typeof issue.key === 'string' && issue.key) || id;
}
