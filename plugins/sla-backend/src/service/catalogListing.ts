import {
  committedObjectives,
  groupKeyOf,
  reviewState,
  RollupDimension,
  serviceMatchesText,
} from '@servicelevel/plugin-sla-common';
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { brotliCompress, constants as zlibConstants, gzip } from 'node:zlib';
import type { CalendarWarning } from '../calendars';
import type {
  EntityStore,
  SlaEntity,
  TermsStore,
  TermsVersion,
} from '../database/types';
import {
  ComplianceService,
  EncodedBody,
  encodeBody,
  termsAsWrittenOf,
} from './ComplianceService';
import type { DependencyChain } from './DependencyChain';
import { Slices } from './slices';

const gzipAsync = promisify(gzip);
const brotliAsync = promisify(brotliCompress);

/**
 * reviewOverdue turns at midnight in each entity's zone; every zone offset is a multiple of
 * 15 minutes, so a body built in a 15-minute bucket never shows yesterday's flag.
 */
const BUCKET_MS = 900_000;
/** How often, at most, the database is asked whether another replica wrote entities or terms. */
const DEFAULT_CHECK_INTERVAL_MS = 10_000;
/**
 * Brotli quality of the stored copy: 4, the one the backend's compression middleware uses;
 * on 18 MB of catalog-like JSON it took 34 ms, less than gzip's default level (45 ms).
 */
const BROTLI_QUALITY = 4;

/**
 * The published service catalog: every service with an SLA and its commitments. Made in
 * slices: at 20,000 services, made in one go, it was about a fifth of a 292 ms stretch in
 * which a build held the event loop (the collector took two fifths).
 */
export async function catalogItems(
  all: SlaEntity[],
  latestByRef: Map<string, TermsVersion>,
  now: number,
) {
  const items = [];
  const slices = new Slices();
  // An entity without effective terms is left out.
  for (const entity of all) {
    const pause = slices.pause();
    if (pause) await pause;
    const latest = latestByRef.get(entity.entityRef);
    if (!latest) continue;
    const terms = latest.terms;
    items.push({
      entityRef: entity.entityRef,
      title: entity.title,
      ownerRef: entity.ownerRef,
      systemRef: entity.systemRef,
      domainRef: entity.domainRef,
      tier: terms.tier,
      customer: terms.customer,
      agreement: terms.agreement,
      agreementType: terms.agreementType ?? 'sla',
      reviewBy: terms.reviewBy,
      reviewOverdue:
        reviewState(terms.reviewBy, now, terms.timezone) === 'overdue',
      serviceHours: terms.serviceHours.spec,
      timezone: terms.timezone,
      period: terms.period,
      commitments: termsAsWrittenOf(terms),
      objectives: committedObjectives(terms),
      termsVersion: latest.version,
      problems: latest.problems,
    });
  }
  return items;
}

/**
 * The whole GET /catalog body: the listing, the named calendars' and the chain's warnings,
 * from two queries (every entity, every latest terms version) shared by both.
 */
export async function buildCatalog(
  entities: EntityStore,
  compliance: ComplianceService,
  now: number,
  calendarWarnings: CalendarWarning[] = [],
  chain?: DependencyChain,
) {
  const [all, latestByRef] = await Promise.all([
    entities.listEntities(),
    compliance.listLatestTerms(),
  ]);
  return {
    items: await catalogItems(all, latestByRef, now),
    calendarWarnings,
    dependencyWarnings: chain
      ? await chain.catalogWarnings(all, latestByRef)
      : [],
  };
}

/**
 * The catalog encoded once: the JSON as bytes, its strong ETag (of the JSON, whatever the
 * encoding sent) and compressed copies made once per build.
 */
export interface CatalogBody extends Pick<EncodedBody, 'etag'> {
  json: Buffer;
  gzip: Buffer;
  br: Buffer;
}

/**
 * What a body shows, apart from other replicas' writes: this process's entity and terms
 * writes, the time bucket and the named calendars' warnings. Incidents are not in it: the
 * catalog shows none of their data.
 */
type LocalMark = string;

interface Built {
  local: LocalMark;
  /** The database's change mark read when the build began. */
  remote: string;
  /**
   * The whole body, encoded by its first read: pages do not need it, and at 20,000 services
   * encoding its 35 MB held the event loop of the build that every first page read waited for.
   */
  body?: Promise<CatalogBody>;
  /** What the body holds, and the `now` it was built at (pages are cut from it). */
  value: Catalog;
  at: number;
  /** Its items by entity ref, made by the first page read. */
  byRef?: CatalogItemOf[];
  /** Pages made so far, by their query. */
  pages: Map<string, CatalogPage>;
  /** GET /customers' body, made by its first read. */
  customers?: CatalogPage;
}

/** Every customer the items name, by ref, with how many services name it (GET /customers). */
export function catalogCustomers(items: ReadonlyArray<{ customer?: string }>) {
  const counts = new Map<string, number>();
  for (const { customer } of items) {
    if (customer) counts.set(customer, (counts.get(customer) ?? 0) + 1);
  }
  return {
    customers: [...counts]
      .sort(([a], [b]) => (a < b ? -1 : Number(a > b)))
      .map(([customer, services]) => ({ customer, services })),
  };
}

type Catalog = Awaited<ReturnType<typeof buildCatalog>>;
type CatalogItemOf = Catalog['items'][number];

/**
 * Which services a page of GET /catalog lists: those in the group of `groupBy` that match the
 * text (serviceMatchesText, as GET /overview's `q`), and, with `review: 'due'`, whose review
 * is overdue or due soon (reviewState), by entity ref from `offset`.
 */
export interface CatalogPageQuery {
  groupBy?: RollupDimension;
  group?: string;
  q?: string;
  review?: 'due';
  limit?: number;
  offset: number;
}

/** One page of the catalog: its JSON and strong ETag (not stored compressed: it is small). */
export interface CatalogPage {
  json: Buffer;
  etag: string;
}

/** Pages kept per body; more are encoded again when asked. */
const MAX_PAGES = 200;

/**
 * One page of `value` at `now` (CatalogPageQuery): the page's items, the dependency warnings
 * of those services, every calendar warning, and `page`.
 */
export function catalogPage(
  byRef: CatalogItemOf[],
  value: Catalog,
  page: CatalogPageQuery,
  now: number,
) {
  const { groupBy = 'owner', group, q = '', review, limit, offset } = page;
  const matching = byRef.filter(
    i =>
      (group === undefined || groupKeyOf(i, groupBy) === group) &&
      serviceMatchesText(i, q) &&
      (review === undefined ||
        ['overdue', 'due-soon'].includes(
          reviewState(i.reviewBy, now, i.timezone),
        )),
  );
  const items = matching.slice(
    offset,
    limit === undefined ? undefined : offset + limit,
  );
  const listed = new Set(items.map(i => i.entityRef));
  return {
    items,
    calendarWarnings: value.calendarWarnings,
    dependencyWarnings: value.dependencyWarnings.filter(w =>
      listed.has(w.entityRef),
    ),
    page: {
      offset,
      ...(limit === undefined ? {} : { limit }),
      total: matching.length,
    },
  };
}

const byEntityRef = (a: CatalogItemOf, b: CatalogItemOf) =>
  a.entityRef < b.entityRef ? -1 : Number(a.entityRef > b.entityRef);

/**
 * GET /catalog's body, maintained: built once and kept until what it shows changes, not
 * recomputed per request (at 20,000 services a build lists every entity and terms version,
 * formats them, walks the dependency chain and serializes 35 MB).
 *
 * - A write through this process's entity or terms store is shown by the next read, which
 *   waits for the build (read-your-writes); incident writes never rebuild it.
 * - Another replica's writes on the same database show within the check interval: at most
 *   that often, one aggregate query per store (`changeMark`) is compared with the one read
 *   when the body was built; a difference rebuilds the body in the background while the
 *   previous one is served. So does a new 15-minute bucket (reviewOverdue) and a change of
 *   the named calendars' warnings. Anything the change marks miss (a problems change of
 *   exactly the same length) shows at the next bucket.
 * - Builds run one at a time; every request that needs one while one runs shares the next.
 */
export class MaintainedCatalog {
  private current?: Built;
  /** The body encoded last (see encode). */
  private lastBody?: CatalogBody;
  private building?: { local: LocalMark; promise: Promise<Built> };
  private next?: Promise<Built>;
  /** The database's change mark as last read, and when (by the injected clock). */
  private remote?: string;
  private checkedAt = -Infinity;
  private checking?: Promise<void>;
  /** Reads of the change mark started, to drop a slower, older one that ends last. */
  private checksStarted = 0;
  private checkApplied = 0;
  /** The latest `now` a request passed: a build that starts later uses it. */
  private latestNow = -Infinity;
  private readonly checkIntervalMs: number;

  constructor(
    private readonly deps: {
      entities: EntityStore;
      /** The terms store whose writes the compliance service reads (its `changes`, `changeMark`). */
      terms?: TermsStore;
      compliance: ComplianceService;
      chain?: DependencyChain;
      calendars?: { getWarnings(): CalendarWarning[] };
      /** How often, at most, other replicas' writes are looked for (default 10 s). */
      checkIntervalMs?: number;
      /** Called when a build starts (tests count them). */
      onBuild?: () => void;
      /** Called when a whole body is encoded (tests count them). */
      onEncode?: () => void;
    },
  ) {
    this.checkIntervalMs = deps.checkIntervalMs ?? DEFAULT_CHECK_INTERVAL_MS;
  }

  /** One page of the body to serve at `now` (catalogPage), made once per body and page. */
  async page(now: number, query: CatalogPageQuery): Promise<CatalogPage> {
    const built = await this.builtFor(now);
    const key = JSON.stringify([
      query.groupBy,
      query.group,
      query.q,
      query.review,
      query.limit,
      query.offset,
    ]);
    let page = built.pages.get(key);
    if (!page) {
      built.byRef ??= [...built.value.items].sort(byEntityRef);
      const json = encodeBody(
        catalogPage(built.byRef, built.value, query, built.at),
      );
      page = { json: Buffer.from(json.json), etag: json.etag };
      if (built.pages.size >= MAX_PAGES) built.pages.clear();
      built.pages.set(key, page);
    }
    return page;
  }

  /** GET /customers' body at `now`, made once per catalog body. */
  async customers(now: number): Promise<CatalogPage> {
    const built = await this.builtFor(now);
    if (!built.customers) {
      const { json, etag } = encodeBody(catalogCustomers(built.value.items));
      built.customers = { json: Buffer.from(json), etag };
    }
    return built.customers;
  }

  /** The body to serve at `now`. */
  async body(now: number): Promise<CatalogBody> {
    const built = await this.builtFor(now);
    built.body ??= this.encode(built.value);
    return built.body;
  }

  /**
   * `value` encoded, in slices, and compressed off the event loop. The same content as the
   * body last encoded keeps that body: its ETag, so clients keep their 304s, and its copies.
   */
  private async encode(value: Catalog): Promise<CatalogBody> {
    this.deps.onEncode?.();
    const { json, etag } = await encodeCatalog(value);
    if (this.lastBody?.etag === etag) return this.lastBody;
    const bytes = Buffer.from(json);
    // Off the event loop (zlib's thread pool), once per body rather than once per request.
    const [gzipped, br] = await Promise.all([
      gzipAsync(bytes),
      brotliAsync(bytes, {
        params: {
          [zlibConstants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY,
          [zlibConstants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
        },
      }),
    ]);
    this.lastBody = { json: bytes, etag, gzip: gzipped, br };
    return this.lastBody;
  }

  private async builtFor(now: number): Promise<Built> {
    this.latestNow = Math.max(this.latestNow, now);
    this.checkRemote(now);
    const local = this.localMark(now);
    const current = this.current;
    if (current && current.local === local && current.remote === this.remote) {
      return current;
    }
    const build = this.buildFor(local);
    // This process's own writes show at once; the bucket, the calendars' warnings and other
    // replicas' writes are served stale while the build runs.
    if (!current || this.writesOf(current.local) !== this.writesOf(local)) {
      return build;
    }
    build.catch(() => {
      // Served stale meanwhile; the next request that finds the body stale tries again.
    });
    return current;
  }

  /** Resolves once no build and no change-mark read runs (tests). */
  async settled(): Promise<void> {
    while (this.building || this.next || this.checking) {
      await Promise.allSettled([
        this.building?.promise,
        this.next,
        this.checking,
      ]);
    }
  }

  private localMark(now: number): LocalMark {
    const warnings = this.deps.calendars?.getWarnings() ?? [];
    return `${this.writes()}|${Math.floor(now / BUCKET_MS)}|${JSON.stringify(
      warnings,
    )}`;
  }

  /** This process's entity and terms writes (each store counts its own). */
  private writes(): string {
    const { entities, terms } = this.deps;
    return `${entities.changes?.() ?? 0}:${terms?.changes?.() ?? 0}`;
  }

  private writesOf(local: LocalMark): string {
    return local.slice(0, local.indexOf('|'));
  }

  /** Reads the database's change mark when the last read is older than the interval. */
  private checkRemote(now: number): void {
    if (this.checking || now - this.checkedAt < this.checkIntervalMs) return;
    this.checkedAt = now;
    this.checking = this.readRemote()
      .then(() => {
        // Rebuilt at once, rather than by the next request, while the body is served as it is.
        const current = this.current;
        if (current && current.remote !== this.remote) {
          this.buildFor(this.localMark(this.latestNow)).catch(() => undefined);
        }
      })
      .catch(() => {
        // Unknown until the next check; the body stays as it is.
      })
      .finally(() => {
        this.checking = undefined;
      });
  }

  private async readRemote(): Promise<string> {
    const seq = ++this.checksStarted;
    const { entities, terms } = this.deps;
    const marks = await Promise.all([
      entities.changeMark?.() ?? '',
      terms?.changeMark?.() ?? '',
    ]);
    const mark = marks.join('|');
    if (seq > this.checkApplied) {
      this.checkApplied = seq;
      this.remote = mark;
    }
    return mark;
  }

  /**
   * The running build when it began with `local`, else the build after it (shared by every
   * request that arrives meanwhile; it reads the marks when it starts).
   */
  private buildFor(local: LocalMark): Promise<Built> {
    if (!this.building) return this.startBuild();
    if (this.building.local === local) return this.building.promise;
    this.next ??= this.building.promise
      .catch(() => undefined)
      .then(() => {
        this.next = undefined;
        return this.startBuild();
      });
    return this.next;
  }

  private startBuild(): Promise<Built> {
    const now = this.latestNow;
    // Read before the data: a write that lands during the build changes the marks again.
    const local = this.localMark(now);
    const promise = this.build(local, now);
    const building = { local, promise };
    this.building = building;
    promise
      .then(
        built => {
          this.current = built;
        },
        () => undefined,
      )
      .finally(() => {
        if (this.building === building) this.building = undefined;
      });
    return promise;
  }

  private async build(local: LocalMark, now: number): Promise<Built> {
    this.deps.onBuild?.();
    const { entities, compliance, chain, calendars } = this.deps;
    this.checkedAt = Math.max(this.checkedAt, now);
    const remote = await this.readRemote();
    const value = await buildCatalog(
      entities,
      compliance,
      now,
      calendars?.getWarnings(),
      chain,
    );
    // Pages are cut again at the new `now`: a review comes due with the day.
    return { local, remote, value, at: now, pages: new Map() };
  }
}

/**
 * encodeBody of the catalog, byte for byte, with its items stringified in slices: at 20,000
 * services one JSON.stringify of the 35 MB body held the event loop for the whole of it.
 */
export async function encodeCatalog(value: Catalog): Promise<EncodedBody> {
  const { items, ...rest } = value;
  // `items` is the body's first key (buildCatalog), so the rest follows its closing bracket.
  const tail = JSON.stringify(rest);
  const hash = createHash('sha1');
  const parts: string[] = [];
  const add = (part: string) => {
    parts.push(part);
    hash.update(part);
  };
  add('{"items":[');
  const slices = new Slices();
  for (let i = 0; i < items.length; i++) {
    add(`${i > 0 ? ',' : ''}${JSON.stringify(items[i])}`);
    const pause = slices.pause();
    if (pause) await pause;
  }
  add(tail === '{}' ? ']}' : `],${tail.slice(1)}`);
  return {
    json: parts.join(''),
    etag: `"${hash.digest('base64url')}"`,
  };
}
