import type { Config } from '@backstage/config';
import {
  Incident,
  PRIORITIES,
  Priority,
} from '@servicelevel/plugin-sla-common';
import type { IncidentPage, LinkedEntity } from '@servicelevel/plugin-sla-node';
import {
  AccountsProvider,
  accountsSpec,
  DAY_MS,
  isRecord,
  readAuthorization,
  skipRecord,
  SyncRun,
  trimBaseUrl,
} from './common';

/** A PromQL expression that is 1 while the service is up and 0 while it is down. */
export const PROMETHEUS_QUERY_ANNOTATION = 'prometheus.io/availability-query';
/** Picks the account when several Prometheus servers are configured. */
export const PROMETHEUS_ACCOUNT_ANNOTATION = 'prometheus.io/account';

/** Prometheus refuses a range query that would return more than 11,000 points per series. */
export const MAX_POINTS_PER_SERIES = 11_000;

export interface PrometheusAccount {
  id: string;
  baseUrl: string;
  authorization?: string;
  /** query_range resolution in ms. */
  stepMs: number;
  /** The priority of every outage incident. */
  priority: Priority;
  /** Metric wrapped around an annotation that is only a label selector: `up` or `probe_success`. */
  labelMetric: string;
  /** How far before the window an outage already running at its start is traced back. */
  maxOutageLookbackMs: number;
}

/** One instant of the combined series: down when any series is 0 there. */
interface Sample {
  t: number;
  down: boolean;
}

function readAccount(id: string, c: Config): PrometheusAccount {
  const priority = c.getOptionalString('defaultPriority') ?? 'P2';
  if (!PRIORITIES.includes(priority as Priority)) {
    throw new Error(
      `sla.providers.prometheus (${id}): defaultPriority must be one of ${PRIORITIES.join(
        ', ',
      )}, not "${priority}"`,
    );
  }
  const stepSeconds = c.getOptionalNumber('stepSeconds') ?? 60;
  if (!Number.isInteger(stepSeconds) || stepSeconds < 1) {
    throw new Error(
      `sla.providers.prometheus (${id}): stepSeconds must be a whole number of seconds ≥ 1`,
    );
  }
  return {
    id,
    baseUrl: trimBaseUrl(c.getString('baseUrl')),
    authorization: readAuthorization(c),
    stepMs: stepSeconds * 1000,
    priority: priority as Priority,
    labelMetric: c.getOptionalString('labelMetric') ?? 'up',
    maxOutageLookbackMs:
      (c.getOptionalNumber('maxOutageLookbackDays') ?? 7) * DAY_MS,
  };
}

/**
 * Prometheus availability: `query_range` over the entity's availability query, in chunks of
 * at most 11,000 points, turning stretches where it is 0 into outage incidents whose id is
 * the entity and the outage start, so a later run that sees the end updates the same one.
 */
export class PrometheusProvider extends AccountsProvider<PrometheusAccount> {
  readonly id = 'prometheus';
  protected readonly link = {
    annotation: PROMETHEUS_QUERY_ANNOTATION,
    accountAnnotation: PROMETHEUS_ACCOUNT_ANNOTATION,
    feeds: 'availability' as const,
  };

  static readonly accountsSpec = accountsSpec(
    'prometheus',
    'baseUrl',
    readAccount,
  );

  protected async *syncAccount(
    run: SyncRun<PrometheusAccount>,
  ): AsyncIterable<IncidentPage> {
    const { account, ctx } = run;
    for (const entity of ctx.entities) {
      const raw = entity.annotations[PROMETHEUS_QUERY_ANNOTATION]?.trim();
      if (!raw) continue;
      if (!this.serves(account, entity, PROMETHEUS_ACCOUNT_ANNOTATION))
        continue;
      yield await this.syncEntity(
        run,
        entity,
        availabilityQuery(raw, account.labelMetric),
      );
    }
  }

  private async syncEntity(
    run: SyncRun<PrometheusAccount>,
    entity: LinkedEntity,
    query: string,
  ): Promise<IncidentPage> {
    const { account, ctx } = run;
    const step = account.stepMs;
    // Aligned to the step, so every run samples the same instants and outage starts (the
    // incident ids) come out the same.
    const first = Math.floor(ctx.since / step) * step;
    const last = Math.floor((ctx.until - 1) / step) * step;
    const page: IncidentPage = { incidents: [], skipped: 0 };
    const outages: Array<{ start: number; end?: number }> = [];
    let open: number | undefined;
    let seenAny = false;
    for (const [from, to] of chunks(first, last, step)) {
      const samples = await this.samples(run, query, from, to, page);
      for (const s of samples) {
        if (!seenAny) {
          seenAny = true;
          // Down from the first sample on: the outage began earlier; find its real start.
          if (s.down) {
            open = await this.outageStart(run, query, first, s.t, page);
          }
          continue;
        }
        if (s.down && open === undefined) open = s.t;
        else if (!s.down && open !== undefined) {
          outages.push({ start: open, end: s.t });
          open = undefined;
        }
      }
    }
    if (open !== undefined) outages.push({ start: open });
    page.incidents = outages.map(o =>
      this.toIncident(entity, account, query, o),
    );
    return page;
  }

  /**
   * Start of an outage already running at the first sample of the window: steps back chunk
   * by chunk to the last up sample, at most `maxOutageLookbackMs` before the window.
   */
  private async outageStart(
    run: SyncRun<PrometheusAccount>,
    query: string,
    windowStart: number,
    firstDown: number,
    page: IncidentPage,
  ): Promise<number> {
    const { account } = run;
    const step = account.stepMs;
    const limit =
      Math.floor((windowStart - account.maxOutageLookbackMs) / step) * step;
    let earliest = firstDown;
    let before = windowStart;
    while (before > limit) {
      const from = Math.max(limit, before - MAX_POINTS_PER_SERIES * step);
      const samples = await this.samples(run, query, from, before - step, page);
      for (let i = samples.length - 1; i >= 0; i--) {
        if (!samples[i].down) return earliest;
        earliest = samples[i].t;
      }
      before = from;
    }
    return earliest;
  }

  /** One query_range call, its series combined per instant; bad samples are counted. */
  private async samples(
    run: SyncRun<PrometheusAccount>,
    query: string,
    from: number,
    to: number,
    page: IncidentPage,
  ): Promise<Sample[]> {
    const { account, http, ctx } = run;
    const params = new URLSearchParams({
      query,
      start: String(from / 1000),
      end: String(to / 1000),
      step: String(account.stepMs / 1000),
    });
    const url = `${account.baseUrl}/api/v1/query_range?${params}`;
    const { body } = await http.getJson(url, { signal: ctx.signal });
    if (!isRecord(body) || body.status !== 'success' || !isRecord(body.data)) {
      const error = isRecord(body) ? body.error : undefined;
      throw new Error(
        `Prometheus query failed at ${url}: ${
          typeof error === 'string' ? error : 'no "data" in the response'
        }`,
      );
    }
    if (body.data.resultType !== 'matrix' || !Array.isArray(body.data.result)) {
      throw new Error(
        `Unexpected response from ${url}: resultType ${JSON.stringify(
          body.data.resultType,
        )}, expected "matrix"`,
      );
    }
    const byTime = new Map<number, boolean>();
    for (const series of body.data.result as unknown[]) {
      const values =
        isRecord(series) && Array.isArray(series.values) ? series.values : [];
      for (const pair of values as unknown[]) {
        const sample = parseSample(pair);
        if (typeof sample === 'string') {
          const label = `Prometheus sample ${JSON.stringify(pair)} of ${query}`;
          skipRecord(page, label, new Error(sample), ctx.logger);
          continue;
        }
        if (sample === undefined) continue;
        byTime.set(sample.t, (byTime.get(sample.t) ?? false) || sample.down);
      }
    }
    return [...byTime.entries()]
      .map(([t, down]) => ({ t, down }))
      .sort((a, b) => a.t - b.t);
  }

  private toIncident(
    entity: LinkedEntity,
    account: PrometheusAccount,
    query: string,
    outage: { start: number; end?: number },
  ): Incident {
    const incident: Incident = {
      source: this.id,
      id: `${entity.entityRef}@${new Date(outage.start).toISOString()}`,
      entityRef: entity.entityRef,
      title: `Unavailable: ${query}`,
      priority: account.priority,
      createdAt: outage.start,
      pauses: [],
      outage: { ...outage },
    };
    if (outage.end !== undefined) incident.resolvedAt = outage.end;
    return incident;
  }
}

/**
 * The annotation as PromQL: a bare label selector (`{job="checkout"}`) becomes the minimum
 * of `labelMetric` (`up` or `probe_success`) over it; anything else is used as written.
 */
export function availabilityQuery(value: string, labelMetric: string): string {
  return value.startsWith('{') ? `min(${labelMetric}${value})` : value;
}

/** [from, to] sample ranges (inclusive, ms) of at most MAX_POINTS_PER_SERIES points each. */
export function chunks(
  first: number,
  last: number,
  step: number,
): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let from = first; from <= last; from += MAX_POINTS_PER_SERIES * step) {
    out.push([from, Math.min(last, from + (MAX_POINTS_PER_SERIES - 1) * step)]);
  }
  return out;
}

/** `[seconds, "value"]` → sample; undefined for NaN/no value; a reason string when malformed. */
function parseSample(pair: unknown): Sample | undefined | string {
  if (!Array.isArray(pair) || pair.length !== 2)
    return 'not a [time, value] pair';
  const [seconds, text] = pair;
  if (typeof seconds !== 'number' || !Number.isFinite(seconds)) {
    return 'time is not a number';
  }
  if (typeof text !== 'string' || text.trim() === '')
    return 'value is not text';
  if (text === 'NaN') return undefined;
  const value = Number(text);
  if (Number.isNaN(value))
    return `value ${JSON.stringify(text)} is not a number`;
  return { t: Math.round(seconds * 1000), down: value <= 0 };
}
