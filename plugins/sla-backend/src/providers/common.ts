import type { Config } from '@backstage/config';
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Incident, Priority } from '@servicelevel/plugin-sla-common';
import {
  createHttpClient,
  HttpClient,
  HttpClientOptions,
  HttpError,
  HttpJsonResponse,
  IncidentPage,
  IncidentProvider,
  IncidentProviderFeeds,
  IncidentProviderSyncContext,
  LinkedEntity,
} from '@servicelevel/plugin-sla-node';

export const DAY_MS = 86_400_000;

/** Options every built-in provider accepts besides its config (tests inject fast retries). */
export interface ProviderOptions {
  http?: Partial<HttpClientOptions>;
}

/**
 * What every account has: its id and, unless the provider builds its own headers, the
 * Authorization header its requests carry (none when absent).
 */
export interface ProviderAccount {
  id: string;
  authorization?: string;
}

/** What a sync run works with: its account, a client that authenticates as it, its context. */
export interface SyncRun<A> {
  account: A;
  http: HttpClient;
  ctx: IncidentProviderSyncContext;
}

/** How a vendor's accounts are read from `sla.providers.<vendor>` (see readAccounts). */
export interface AccountsSpec<A extends { id: string }> {
  vendor: string;
  isAccount: (c: Config) => boolean;
  read: (id: string, c: Config) => A;
}

/**
 * The accounts of `sla.providers.<vendor>`, where a single account block is one holding
 * `accountKey` (see readAccounts), each read by `read`.
 */
export function accountsSpec<A extends ProviderAccount>(
  vendor: string,
  accountKey: string,
  read: (id: string, c: Config) => A,
): AccountsSpec<A> {
  return { vendor, isAccount: c => c.has(accountKey), read };
}

/** How an entity is linked to a provider, for data coverage (SPEC §9). */
export interface ProviderLink {
  /** The annotation that links an entity, e.g. `pagerduty.com/service-id`. */
  annotation: string;
  /** The annotation that picks the account when several are configured. */
  accountAnnotation?: string;
  /** What the records feed; default `all`. */
  feeds?: IncidentProviderFeeds;
}

/**
 * What every built-in provider shares: its configured accounts (several per vendor) and
 * the options tests inject.
 */
export abstract class AccountsProvider<A extends ProviderAccount>
  implements IncidentProvider
{
  /**
   * The provider a subclass (which names its `accountsSpec`) builds from config, or
   * undefined when no account is configured.
   */
  static fromConfig<B extends ProviderAccount, P>(
    this: {
      new (accountList: B[], options?: ProviderOptions): P;
      readonly accountsSpec: AccountsSpec<B>;
    },
    config: Config,
    options: ProviderOptions = {},
  ): P | undefined {
    const spec = this.accountsSpec;
    const list = readAccounts(config, spec.vendor, spec.isAccount).map(
      ({ id, config: c }) => spec.read(id, c),
    );
    return list.length ? new this(list, options) : undefined;
  }

  abstract readonly id: string;

  /** How an entity is linked to this provider (see {@link ProviderLink}). */
  protected abstract readonly link: ProviderLink;

  /**
   * What an account's records feed for an entity (SPEC §9): the entity carries the link
   * annotation and, where the vendor has several accounts, names this one (or none, and this
   * is the first).
   */
  feeds(
    account: string,
    entity: LinkedEntity,
  ): IncidentProviderFeeds | undefined {
    if (!entity.annotations[this.link.annotation]?.trim()) return undefined;
    const configured = this.accountList.find(a => a.id === account);
    if (!configured) return undefined;
    const { accountAnnotation } = this.link;
    if (
      accountAnnotation &&
      !this.serves(configured, entity, accountAnnotation)
    )
      return undefined;
    return this.link.feeds ?? 'all';
  }

  /** The pages of a sync run, read as its account (see syncAccount). */
  async *sync(ctx: IncidentProviderSyncContext): AsyncIterable<IncidentPage> {
    yield* this.syncAccount(this.connect(ctx));
  }

  /** The pages of a sync run, with its account connected. */
  protected abstract syncAccount(run: SyncRun<A>): AsyncIterable<IncidentPage>;

  /** The headers every request for this account carries (authorization, API version). */
  protected headers(account: A): Record<string, string> {
    return account.authorization
      ? { Authorization: account.authorization }
      : {};
  }

  constructor(
    protected readonly accountList: A[],
    protected readonly options: ProviderOptions = {},
  ) {}

  accounts(): string[] {
    return this.accountList.map(a => a.id);
  }

  /** The account a sync run is for; an id that is not configured is a programming error. */
  protected account(id: string): A {
    const account = this.accountList.find(a => a.id === id);
    if (!account) throw new Error(`Unknown ${this.id} account ${id}`);
    return account;
  }

  /** The account of a sync run and an HTTP client that authenticates as it. */
  protected connect(ctx: IncidentProviderSyncContext): SyncRun<A> {
    const account = this.account(ctx.account);
    const http = createHttpClient({
      ...this.options.http,
      headers: this.headers(account),
    });
    return { account, http, ctx };
  }

  /**
   * A page of vendor records mapped by mapRecords; a record that is skipped is named in
   * the log as `what` and the first of its `idKeys` it has.
   */
  protected mapPage<T>(
    run: SyncRun<A>,
    records: readonly T[],
    map: (record: T) => Incident | undefined,
    what: string,
    ...idKeys: string[]
  ): IncidentPage {
    return mapRecords(
      records,
      map,
      run.ctx.logger,
      record => `${what} ${recordLabel(record, ...idKeys)}`,
    );
  }

  /**
   * Whether an account serves an entity: the one the entity names in `annotation`, or
   * without that annotation the first configured account.
   */
  protected serves(
    account: A,
    entity: LinkedEntity,
    annotation: string,
  ): boolean {
    const wanted = entity.annotations[annotation];
    return wanted
      ? wanted === account.id
      : this.accountList[0].id === account.id;
  }
}

/**
 * The start of a run's window for vendors that search by creation time only: at least
 * `days` before `until`, so records created earlier show their later changes.
 */
export function lookbackStart(
  ctx: IncidentProviderSyncContext,
  days: number,
): number {
  return Math.min(ctx.since, ctx.until - days * DAY_MS);
}

/** HTTP Basic authorization for a user name and password (or API token). */
export function basicAuth(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

/**
 * The Authorization of an account block: `token` as a bearer token, else `username` and
 * `password` as Basic auth, else none.
 */
export function readAuthorization(c: Config): string | undefined {
  const token = c.getOptionalString('token');
  const username = c.getOptionalString('username');
  if (token) return `Bearer ${token}`;
  return username ? basicAuth(username, c.getString('password')) : undefined;
}

/**
 * A JSON page whose `key` must be a list (anything else fails the run), with the list and
 * the response headers.
 */
export async function getList(
  run: SyncRun<unknown>,
  url: string,
  key: string,
): Promise<{
  body: Record<string, unknown>;
  list: unknown[];
  headers: Headers;
}> {
  const { body, headers } = await run.http.getJson(url, {
    signal: run.ctx.signal,
  });
  if (!isRecord(body) || !Array.isArray(body[key])) {
    throw new Error(`Unexpected response from ${url}: no "${key}" list`);
  }
  return { body, list: body[key] as unknown[], headers };
}

/**
 * GET JSON that an account may not be allowed to read: on 403 or 404, `denied` is told the
 * status and the result is undefined; any other failure fails the run.
 */
export async function getJsonUnlessDenied(
  run: SyncRun<unknown>,
  url: string,
  denied: (status: number) => void,
): Promise<HttpJsonResponse | undefined> {
  try {
    return await run.http.getJson(url, { signal: run.ctx.signal });
  } catch (e) {
    if (e instanceof HttpError && (e.status === 403 || e.status === 404)) {
      denied(e.status);
      return undefined;
    }
    throw e;
  }
}

/**
 * A next-page address a vendor sent (relative to `baseUrl`), only on the configured host
 * so credentials are never sent elsewhere.
 */
export function sameOriginUrl(
  next: string,
  baseUrl: string,
  refusal: string,
): string {
  const url = new URL(next, baseUrl);
  if (url.origin !== new URL(baseUrl).origin) {
    throw new Error(`${refusal}: ${url.origin}`);
  }
  return url.toString();
}

/** A record that cannot become an incident; it is logged, counted and skipped. */
export class MalformedRecordError extends Error {}

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})$/;

/**
 * ISO 8601 instant with a zone, as vendors write it: `Z`, `+00:00` (PagerDuty, Opsgenie) or
 * `+0000` without a colon (Jira). Epoch ms, or undefined when not such a string.
 */
export function parseIsoInstant(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const m = ISO.exec(value.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const ms = frac ? Math.floor(Number(`0.${frac}`) * 1000) : 0;
  let t = Date.UTC(+y, +mo - 1, +d, +h, +mi, s ? +s : 0, ms);
  if (zone !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    t -= sign * (+digits.slice(0, 2) * 60 + +digits.slice(2)) * 60_000;
  }
  return Number.isNaN(t) ? undefined : t;
}

/** Like parseIsoInstant, but a present, unparseable value is a malformed record. */
export function requireInstant(
  value: unknown,
  field: string,
  parse: (v: unknown) => number | undefined = parseIsoInstant,
): number {
  const t = parse(value);
  if (t === undefined) {
    throw new MalformedRecordError(
      `${field} is ${JSON.stringify(value)}, expected a timestamp`,
    );
  }
  return t;
}

/** Optional timestamp: absent/empty/null → undefined; present but unparseable → malformed. */
export function optionalInstant(
  value: unknown,
  field: string,
  parse: (v: unknown) => number | undefined = parseIsoInstant,
): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  return requireInstant(value, field, parse);
}

/**
 * A source priority label to P1–P4: the entity's `priority-map` first (each candidate in
 * order, case-insensitive), then the provider's defaults, then `P1`…`P4` as written.
 */
export function resolvePriority(
  candidates: Array<string | undefined>,
  priorityMap: Record<string, Priority> | undefined,
  defaults: Record<string, Priority>,
): Priority {
  const labels = candidates.filter(
    (c): c is string => typeof c === 'string' && c !== '',
  );
  const lookup = (map: Record<string, Priority>, label: string) => {
    const lower = label.toLowerCase();
    const key = Object.keys(map).find(k => k.toLowerCase() === lower);
    return key === undefined ? undefined : map[key];
  };
  for (const label of labels) {
    const p = priorityMap && lookup(priorityMap, label);
    if (p) return p;
  }
  for (const label of labels) {
    const p = lookup(defaults, label);
    if (p) return p;
    const m = /^p([1-4])$/i.exec(label.trim());
    if (m) return `P${m[1]}` as Priority;
  }
  throw new MalformedRecordError(
    `priority ${labels.map(l => JSON.stringify(l)).join(' / ') || '(none)'} ` +
      'is not mapped; add it to servicelevel.io/priority-map',
  );
}

/**
 * Maps vendor records one by one: a record that throws is logged with its reason, counted
 * and left out, and the rest of the page still goes through.
 */
export function mapRecords<T>(
  records: readonly T[],
  map: (record: T) => Incident | undefined,
  logger: LoggerService,
  describe: (record: T) => string,
): IncidentPage {
  const page: IncidentPage = { incidents: [], skipped: 0 };
  for (const record of records) {
    try {
      const incident = map(record);
      if (incident) page.incidents.push(incident);
    } catch (e) {
      skipRecord(page, describe(record), e as Error, logger);
    }
  }
  return page;
}

/** Records a malformed record on a page: logged with its reason, counted, first reason kept. */
export function skipRecord(
  page: IncidentPage,
  label: string,
  error: Error,
  logger: LoggerService,
): void {
  const reason = `${label}: ${error.message}`;
  logger.warn(`Skipping malformed record ${reason}`);
  page.skipped++;
  page.skipReason ??= reason;
}

/** A label for a record in logs, from whatever id it has. */
export function recordLabel(record: unknown, ...keys: string[]): string {
  if (typeof record === 'object' && record !== null) {
    for (const key of keys) {
      const v = (record as Record<string, unknown>)[key];
      if (typeof v === 'string' || typeof v === 'number') return String(v);
    }
  }
  return '(no id)';
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Text of a field that may be absent; non-strings are malformed. */
export function optionalString(v: unknown, field: string): string | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  throw new MalformedRecordError(
    `${field} is ${JSON.stringify(v)}, expected text`,
  );
}

export function requireString(v: unknown, field: string): string {
  const s = optionalString(v, field);
  if (s === undefined) throw new MalformedRecordError(`${field} is missing`);
  return s;
}

/** Each value of `annotation` (a comma-separated list) on each entity, in order. */
export function linkedBy(
  entities: LinkedEntity[],
  annotation: string,
): Array<{ entity: LinkedEntity; value: string }> {
  return entities.flatMap(entity =>
    (entity.annotations[annotation] ?? '')
      .split(',')
      .map(v => v.trim())
      .filter(Boolean)
      .map(value => ({ entity, value })),
  );
}

/** An account: its id and its config block. */
export interface AccountConfig {
  id: string;
  config: Config;
}

/**
 * `sla.providers.<vendor>` as a list of accounts (`[{ id: main, … }]`), a single account
 * (`{ token: … }`, id `default`), or a map of id → account (`{ main: { token: … } }`).
 */
export function readAccounts(
  config: Config,
  vendor: string,
  isAccount: (c: Config) => boolean,
): AccountConfig[] {
  const key = `sla.providers.${vendor}`;
  if (!config.has(key)) return [];
  let accounts: AccountConfig[];
  if (Array.isArray(config.getOptional(key))) {
    accounts = config.getConfigArray(key).map((c, i) => ({
      id: c.getOptionalString('id') ?? (i === 0 ? 'default' : String(i)),
      config: c,
    }));
  } else {
    const block = config.getConfig(key);
    accounts = isAccount(block)
      ? [{ id: block.getOptionalString('id') ?? 'default', config: block }]
      : block.keys().map(id => ({ id, config: block.getConfig(id) }));
  }
  const seen = new Set<string>();
  for (const a of accounts) {
    if (seen.has(a.id)) {
      throw new Error(`${key}: account id "${a.id}" is used twice`);
    }
    seen.add(a.id);
  }
  return accounts;
}

/** Removes a trailing slash so paths can be appended. */
export function trimBaseUrl(url: string): string {
  return url.replace(/\/+$/, '');
}
