import type { LoggerService } from '@backstage/backend-plugin-api';
import { InputError, NotFoundError } from '@backstage/errors';
import { createHash } from 'node:crypto';
import {
  applyCoverage,
  BusinessCalendar,
  createBusinessCalendar,
  evaluatePeriod,
  figuresOf,
  formatSlaTerms,
  granularityOf,
  periodKindOfKey,
  Period,
  PeriodFigures,
  PeriodKind,
  PeriodResult,
  periodContaining,
  periodCoverage,
  periodFromRange,
  periodsOf,
  previousPeriods,
  resolvePeriod,
  SlaConfig,
  SlaTerms,
  ServiceCreditsResult,
  termsInForce,
} from '@servicelevel/plugin-sla-common';
import {
  EntityStore,
  IncidentStore,
  SlaEntity,
  Snapshot,
  SnapshotStore,
  StoredIncident,
  TermsStore,
  TermsVersion,
} from '../database/types';
import { relevantUntil } from '../database/DatabaseIncidentStore';
import { CustomerFees, periodCredits } from './credits';
import type { SlaMetrics } from './metrics';
import type { CoverageView, DataCoverage } from './coverage';
import { SharedFigures } from './sharedFigures';
import { Slices, yieldToRequests } from './slices';

const DEFAULT_CACHE_MAX_AGE_MS = 10_000;
/**
 * Cached views, plans of bulk queries and resolved (entity, query) pairs kept at most: one
 * per entity and query asked, for 20,000 services and a few queries each.
 */
const MAX_CACHE_ENTRIES = 100_000;
/**
 * Per-(entity, period) results kept at most: 20,000 services × 16 periods (the overview's
 * year of months, the period before and the selected one, under slim keys of their own),
 * and as many again for the same periods read with their incidents (entity reads,
 * evaluateMany): at 320,000 a 20,000-service organisation evicted entries the next
 * overview build needed, and computed them again.
 */
const MAX_RESULT_ENTRIES = 640_000;
/**
 * Incident rows that cached results, and a bulk read's kept state, hold at most (issue 14).
 * A result with rows costs about 1 KB a row with its encoded body, against some 2 KB for the
 * rest of it; at 10,000,000 incidents the closed month read with rows for 20,000 services
 * (833,000 rows) was kept for a day and added 961 MB to a heap the collector then spent its
 * time on. Slim results (the overview's) hold no rows, so the bound never evicts them.
 */
const MAX_RESULT_ROWS = 200_000;
/**
 * How long past the maximum age a bulk read (overview, evaluateMany) may still serve a result
 * whose only fault is its age, while it is computed again in the background: at 20,000
 * services, recomputing every open period on the request that finds them expired took longer
 * than the HTTP timeouts. A write that touched the entity is never served stale.
 */
const STALE_WHILE_REFRESH_MS = 60_000;
/**
 * The same for a read that leaves the refresh to a builder of its own (the overview's builds,
 * refreshExpired: false), which serves its last body meanwhile for as long: at 10,000,000
 * incidents the recompute of every open period took 31-53 s, and after a minute the first
 * overview read after a pause of a few minutes waited for it (issue 14, sixth pass).
 */
export const STALE_WHILE_REBUILD_MS = 900_000;
/**
 * (Entity, period) items evaluated together at most: a bulk read of the whole organisation
 * (20,000 services × 13 periods) reads its snapshots and incidents chunk by chunk.
 */
const ITEMS_PER_CHUNK = 4_000;
/**
 * Closed periods published together in the background (publishPending): their results with
 * incident rows (about 42 KB each at 500 incidents per service and year) are in memory
 * one chunk at a time.
 */
const PUBLISH_CHUNK = 1_000;
/**
 * Closed periods without a snapshot that one slim read publishes before it answers; the
 * rest are published in the background (see evaluateChunk).
 */
const PUBLISH_NOW_MAX = 1_000;
/** Stands for every generation: the result of a closed period (see storeResult). */
const ANY_GENERATION = -1;
/** How long a bulk read's plan is kept; see planMaxAgeMs. */
const PLAN_MAX_AGE_MS = 60_000;
/** How long a closed period's result (its snapshot) is kept; see closedMaxAgeOf. */
const CLOSED_MAX_AGE_MS = 300_000;
/**
 * How long a closed period's result read from its snapshot is kept when the snapshot store
 * tells rewrites apart (`changeMark`): only a recompute changes a snapshot, and one made by
 * another replica drops every result within the maximum age (watchRecomputes). At 20,000
 * services the five-minute age made an overview read all 220,000 closed periods again
 * (25–34 s) every time it ran out. The day is a backstop, not a rule.
 */
const SNAPSHOT_MAX_AGE_MS = 86_400_000;
/** Overview and evaluateMany states (one per period query) kept for their identity. */
const MAX_BULK_STATES = 100;

/** A JSON body and its ETag, encoded once per cached result and served as it is. */
export interface EncodedBody {
  json: string;
  /** Strong ETag of `json` (quoted). */
  etag: string;
}

/** JSON.stringify and a hash of it, as an ETag. */
export function encodeBody(value: unknown): EncodedBody {
  const json = JSON.stringify(value);
  return {
    json,
    etag: `"${createHash('sha1').update(json).digest('base64url')}"`,
  };
}

/**
 * One entity's result for one period, shared by entityCompliance, evaluateMany and
 * evaluateOwnKind. Valid while nothing touching the entity was written (its incidents'
 * `entityChanges`, and every terms, entity or snapshot-recompute write), for at most the
 * maximum age, and not past the end of its period.
 */
interface ResultEntry {
  /** resultStamp() when the computation began. */
  stamp: string;
  /** The entity's incident write count when the computation began. */
  generation: number;
  at: number;
  validUntil: number;
  value: Promise<HeldResult>;
  /** `value` once it has resolved (a bulk read of settled entries needs no Promise.all). */
  resolved?: HeldResult;
  /** The result encoded, once, when first served as a body. */
  body?: Promise<EncodedBody>;
  /** True while a background refresh of this expired entry runs (see itemEntries). */
  refreshing?: boolean;
  /** The incident rows it holds, counted in heldRows once resolved while in the cache. */
  rows?: number;
}

/**
 * A bulk read's last result (see bulkResult), with what tells which of its entries a later
 * read may keep without looking them up again.
 */
interface BulkState {
  plan: unknown;
  entries: ResultEntry[];
  value: Promise<unknown>;
  /**
   * The entries' results, once all have resolved: the next read after a write copies it
   * and replaces what changed, instead of collecting some 260,000 results again.
   */
  results?: HeldResult[];
  /** resultStamp() and `now` of the read that made it. */
  stamp: string;
  at: number;
  /** Each entity's entityMark, by its run of items (entityRuns). */
  marks: number[];
  /**
   * Until when every entry is still valid (validResult) and, for a read that serves stale
   * entries without refreshing them, still servable (staleResult): the earliest of their
   * validUntil (plus STALE_WHILE_REBUILD_MS), and of the end of a period still open when
   * computed.
   */
  validUntil: number;
  staleUntil: number;
}

/** An entity's items in a bulk read's list: items[start, end) are all of `entityRef`. */
interface EntityRun {
  entityRef: string;
  start: number;
  end: number;
}

/** The runs of items of one entity, in order, once per item list (plans keep theirs). */
const entityRunsCache = new WeakMap<EvaluationItem[], EntityRun[]>();

function entityRuns(items: EvaluationItem[]): EntityRun[] {
  let runs = entityRunsCache.get(items);
  if (!runs) {
    runs = [];
    for (let i = 0; i < items.length; i++) {
      const ref = items[i].entity.entityRef;
      const last = runs[runs.length - 1];
      if (last && last.entityRef === ref) last.end = i + 1;
      else runs.push({ entityRef: ref, start: i, end: i + 1 });
    }
    entityRunsCache.set(items, runs);
  }
  return runs;
}

/**
 * The results of `entries`, in order: synchronously when every one has resolved, else once
 * the pending ones have. With `base` (the same items' last results), only the entries at
 * `indexes` are read and the rest are base's.
 */
function settledResults(
  entries: ResultEntry[],
  indexes?: number[],
  base?: HeldResult[],
): HeldResult[] | Promise<HeldResult[]> {
  const results = base ? base.slice() : new Array<HeldResult>(entries.length);
  const pending: number[] = [];
  const read = (i: number) => {
    const r = entries[i].resolved;
    if (r === undefined) pending.push(i);
    else results[i] = r;
  };
  if (indexes) indexes.forEach(read);
  else for (let i = 0; i < entries.length; i++) read(i);
  if (pending.length === 0) return results;
  return Promise.all(pending.map(i => entries[i].value)).then(values => {
    pending.forEach((i, j) => {
      results[i] = values[j];
    });
    return results;
  });
}

/** An overview plan's last results and the value shaped from them (see evaluateOwnKind). */
const shapedOwnKind = new WeakMap<
  OwnKindPlan,
  { results: HeldResult[]; own: OwnKindResults[] }
>();

/**
 * What changed since a bulk read's last result: its results then, and the indexes of the
 * items whose results are other objects now (see bulkResult).
 */
interface BulkChange {
  previous: HeldResult[];
  items: number[];
}

/** An overview's items and how to regroup its results (see evaluateOwnKind). */
interface OwnKindPlan {
  items: EvaluationItem[];
  /** For each item, the index of its entity's plan in `plans`. */
  planOf: number[];
  plans: Array<{
    entity: SlaEntity;
    periodKind: PeriodKind;
    period: Period;
    selected: number[];
    year: number[];
    previous: number[];
  }>;
  /** When `now` next changes the plan: a period resolved from `current` ends, or one starts. */
  validUntil: number;
}

/**
 * The periods an overview plan needs of an entity with these terms (see evaluateOwnKind):
 * the requested period, its own-kind periods that have started in its year, in it, and in
 * the period before it; and when `now` next changes them.
 */
interface OwnKindPeriods {
  period: Period;
  year: Period[];
  selected: Period[];
  previous: Period[];
  until: number;
}

function ownKindPeriods(
  query: PeriodQuery,
  terms: Pick<SlaTerms, 'timezone' | 'period'>,
  now: number,
): OwnKindPeriods {
  const { timezone } = terms;
  const own = granularityOf(terms.period);
  const period = resolvePeriodQuery(query, terms, now, 'month');
  let until = query.kind === 'current' ? period.end : Infinity;
  const ownOverlapping = (p: Period) =>
    periodsOf(own, timezone, p.start, p.end).filter(o => {
      if (o.start <= now) return true;
      // Evaluated from its start on: the plan is rebuilt then.
      until = Math.min(until, o.start);
      return false;
    });
  const { granularity } = period;
  const year = ownOverlapping(periodContaining(period.start, 'year', timezone));
  if (granularity === 'custom') {
    return { period, year, selected: [period], previous: [], until };
  }
  const selected = ownOverlapping(period);
  const previous = ownOverlapping(
    periodContaining(period.start - 1, granularity, timezone),
  );
  return { period, year, selected, previous, until };
}

/** Closed periods published in the background by this process (publishLater), for the bench. */
export interface BackgroundPublications {
  /** Queued, or being published, and not yet done. */
  pending: number;
  published: number;
  failed: number;
}

const publications: BackgroundPublications = {
  pending: 0,
  published: 0,
  failed: 0,
};

/** The background publications of every ComplianceService of this process so far. */
export function backgroundPublications(): BackgroundPublications {
  return { ...publications };
}

/** A closed period served before it had a snapshot, waiting to be published (publishLater). */
interface PendingPublication {
  item: EvaluationItem;
  /** The instant its read computed it at. */
  now: number;
  /** What the read served. */
  served: SlimResult;
}

/** An entity with an SLA: the entity, its terms versions and the latest (see loadEntity). */
interface LoadedEntity {
  entity: SlaEntity;
  versions: TermsVersion[];
  latest: TermsVersion;
}

/** The entities a bulk plan listed, when, and under which stamp (see entityDirectory). */
interface EntityDirectory {
  stamp: string;
  at: number;
  /** Every current entity with terms, by ref, in the entity store's order. */
  entities: Map<string, LoadedEntity>;
}

/** A cached value (see cachedValue). */
interface CacheEntry {
  at: number;
  /** The earlier of its age limit and `hardUntil`. */
  validUntil: number;
  /** When the value itself says it is no longer valid (a period it resolved ends). */
  hardUntil: number;
  stamp: string;
  value: Promise<unknown>;
  settled?: boolean;
  /** True while a background refresh of this entry runs. */
  refreshing?: boolean;
}

const termsAsWrittenCache = new WeakMap<SlaTerms, Record<string, string>>();

/** formatSlaTerms, once per (interned) terms object. */
export function termsAsWrittenOf(terms: SlaTerms): Record<string, string> {
  let written = termsAsWrittenCache.get(terms);
  if (!written) {
    written = formatSlaTerms(terms);
    termsAsWrittenCache.set(terms, written);
  }
  return written;
}

/**
 * Reads one entity the scheduled sync has not seen yet from its source of truth and stores
 * it (implemented by CatalogSync). The compliance read path is router → ComplianceService →
 * stores, and, for an entity the stores do not know, → EntitySource → catalog and stores.
 */
export interface EntitySource {
  /** Reads and stores the entity now; resolves true when it has an SLA. */
  syncEntity(entityRef: string): Promise<boolean>;
  /**
   * Which of `entityRefs` the catalog lists (with an SLA or not), in one catalog query; for
   * `unknownEntities`, so that an entity the sync has not seen yet is not called unknown.
   */
  listedRefs?(entityRefs: string[]): Promise<Set<string>>;
}

/** How a caller names a period: a key (`2026-03`, `2026-Q1`, `2026`) or a range. */
export type PeriodQuery =
  | { kind: 'current' }
  | { kind: 'key'; key: string }
  | { kind: 'range'; from: string; to: string };

/**
 * One entity's result for one period, as the compliance endpoint serves it; with `R`
 * PeriodFigures, as the overview keeps it (SlimResult).
 */
export interface EntityPeriodResult<R extends PeriodFigures = PeriodResult> {
  entityRef: string;
  title?: string;
  period: Period;
  /** live: computed now (open period, custom range); snapshot: read from the stored, immutable result. */
  source: 'live' | 'snapshot';
  termsVersion: number;
  /** True when no terms version was seen before the period ended and the earliest one is applied. */
  termsBackdated: boolean;
  terms: SlaTerms;
  /** The terms in canonical annotation form. */
  termsAsWritten: Record<string, string>;
  result: R;
  /**
   * Service credits of the period (SPEC §7), from `result` and the terms in force; only when
   * they have credit rules and the period is not a custom range. Provisional when open.
   */
  credits?: ServiceCreditsResult;
}

/**
 * A result as the overview keeps it: only the figures its rollups read (PeriodFigures), with
 * equal parts shared (SharedFigures); no incident rows, no objective's target or actual.
 */
export type SlimResult = EntityPeriodResult<PeriodFigures>;

/** A result the cache holds: whole, or slim for an item read for its figures only. */
type HeldResult = EntityPeriodResult | SlimResult;

/** One entity and one period to evaluate. */
interface EvaluationItem {
  entity: SlaEntity;
  versions: TermsVersion[];
  period: Period;
  /** Its key in the result cache, computed once per plan. */
  key?: string;
  /**
   * Held as a SlimResult (slimResult): a period the overview reads only for its figures,
   * open or closed. Such items have keys of their own (slimKey), so no read that shows
   * incidents or objectives finds them.
   */
  slim?: boolean;
}

/** One entity's results for the overview, each period of the entity's own kind (see evaluateOwnKind). */
export interface OwnKindResults {
  entity: SlaEntity;
  /** The entity's own period kind (of its latest terms). */
  periodKind: PeriodKind;
  /** The requested period, resolved in the entity's zone. */
  period: Period;
  /** Periods of the entity's own kind overlapping `period` (or the custom range itself). */
  selected: SlimResult[];
  /** Periods of the entity's own kind in the year containing `period`'s start, oldest first. */
  year: SlimResult[];
  /** Periods of the entity's own kind overlapping the period before `period`. */
  previous: SlimResult[];
}

/**
 * Resolves a period query in an entity's zone; `current` is the period of the entity's own
 * length containing `now`. A malformed key or range is an InputError naming the parameter.
 */
export function resolvePeriodQuery(
  query: PeriodQuery,
  terms: Pick<SlaTerms, 'timezone' | 'period'>,
  now: number,
  granularity: Exclude<Period['granularity'], 'custom'> = granularityOf(
    terms.period,
  ),
): Period {
  try {
    switch (query.kind) {
      case 'current':
        return periodContaining(now, granularity, terms.timezone);
      case 'key':
        return resolvePeriod(query.key, terms.timezone);
      default:
        return periodFromRange(query.from, query.to, terms.timezone);
    }
  } catch (e) {
    throw new InputError(
      `${query.kind === 'range' ? 'from/to' : 'period'}: ${
        (e as Error).message
      }`,
    );
  }
}

/**
 * Turns stored incidents and versioned terms into period results. Closed periods come from
 * immutable snapshots (written on first read or by the snapshot task); open periods and custom
 * ranges are computed live. The arithmetic itself is sla-common's.
 */
export class ComplianceService {
  private readonly cache = new Map<string, CacheEntry>();
  /** Per-(entity, period) results (see ResultEntry). */
  private readonly results = new Map<string, ResultEntry>();
  /** Closed periods served by a slim read before they had a snapshot, by snapshotKey. */
  private readonly toPublish = new Map<string, PendingPublication>();
  /** The run of publishPending working off `toPublish`, while there is one. */
  private publishing?: Promise<void>;
  /** The last result of a bulk query: the same array while its entries are the same. */
  private readonly bulkStates = new Map<string, BulkState>();
  /** The figures slim results share (see slimResult). */
  private readonly sharedFigures = new SharedFigures();
  private directory?: EntityDirectory;
  /** Snapshot rewrites made here (explicit recompute), and those another replica made. */
  private recomputes = 0;
  /** The snapshot store's changeMark as last read, and when (by the callers' `now`). */
  private snapshotsMark?: string;
  private snapshotsCheckedAt = -Infinity;
  private checkingSnapshots?: Promise<void>;
  private readonly cacheMaxAgeMs: number;
  /** Per entity, its results replaced other than by a write (see replaced). */
  private readonly replacements = new Map<string, number>();
  /** Result entries bulk reads have looked up so far (for tests and the bench). */
  entriesLookedUp = 0;
  /** Incident rows the result cache holds (see MAX_RESULT_ROWS). */
  private heldRows = 0;
  /**
   * The results holding incident rows, oldest first from `rowQueueHead`, with entries since
   * replaced or dropped among them: the rows bound evicts only these (see holdRows).
   */
  private rowQueue: Array<{ key: string; entry: ResultEntry }> = [];
  private rowQueueHead = 0;
  /** Results in the cache holding incident rows. */
  private rowEntries = 0;
  private readonly maxResultRows: number;

  constructor(
    private readonly deps: {
      incidents: IncidentStore;
      terms: TermsStore;
      entities: EntityStore;
      snapshots: SnapshotStore;
      slaConfig: SlaConfig;
      /**
       * Where an entity the stores do not know yet is read from (the catalog, through
       * CatalogSync); without it, an unknown entity is not found until the scheduled sync.
       */
      entitySource?: EntitySource;
      /**
       * How long a computed result may be served again (default 10 s; 0 turns caching off).
       * A write through this process's stores drops what it affects at once (an incident
       * write: the results of the entities it touched; any other write: all); the age bounds
       * how stale a running clock, or a write made by another replica, can look.
       */
      cacheMaxAgeMs?: number;
      /**
       * `sla.customers.<customer>.monthlyFee` (read with readCustomerFees): the fee of a
       * service whose terms carry no `servicelevel.io/monthly-fee` of their own.
       */
      customerFees?: CustomerFees;
      /** Where the engine's evaluation time goes (`backstage.plugin.sla.evaluation.duration`). */
      metrics?: SlaMetrics;
      /**
       * Data coverage of the linked incident sources (SPEC §9): objectives fed by a source
       * synced for less than the threshold read `unknown`. Without it, nothing is.
       */
      coverage?: DataCoverage;
      /** Where a failed background publication of snapshots is reported (publishLater). */
      logger?: LoggerService;
      /**
       * Closed periods without a snapshot that one slim read publishes before it answers
       * (default PUBLISH_NOW_MAX); the rest are published in the background.
       */
      publishAtOnceMax?: number;
      /** Incident rows cached results may hold (default MAX_RESULT_ROWS). */
      maxResultRows?: number;
    },
  ) {
    this.cacheMaxAgeMs = deps.cacheMaxAgeMs ?? DEFAULT_CACHE_MAX_AGE_MS;
    this.maxResultRows = deps.maxResultRows ?? MAX_RESULT_ROWS;
  }

  /** Incident rows the cached results hold now (at most `maxResultRows`, see MAX_RESULT_ROWS). */
  get cachedResultRows(): number {
    return this.heldRows;
  }

  /** Changes whenever incidents, terms, entities or snapshots are written in this process. */
  private stamp(): string {
    return this.stampWith(String(this.deps.incidents.changes?.() ?? 0));
  }

  /**
   * What a cached view built from this service's results depends on, as a value: it changes
   * with every write in this process (incidents, terms, entities, recomputes) and with the
   * result cache's maximum age, which views built on top follow (see overview.ts).
   */
  viewState(): { stamp: string; maxAgeMs: number } {
    return { stamp: this.stamp(), maxAgeMs: this.cacheMaxAgeMs };
  }

  /**
   * The part of a result's validity shared by all entities: terms, entities and snapshot
   * recomputes, and incident writes only when the store cannot tell which entities they
   * touched (then any incident write drops every result, as before).
   */
  private resultStamp(): string {
    const { incidents } = this.deps;
    return this.stampWith(
      incidents.entityChanges !== undefined
        ? 'e'
        : String(incidents.changes?.() ?? 0),
    );
  }

  /** `incidentPart`, then the terms, entity and recompute write counts. */
  private stampWith(incidentPart: string): string {
    const { terms, entities } = this.deps;
    return `${incidentPart}:${terms.changes?.() ?? 0}:${
      entities.changes?.() ?? 0
    }:${this.recomputes}`;
  }

  /** The entity's incident write count (0 when the store does not count per entity). */
  private generationOf(entityRef: string): number {
    return this.deps.incidents.entityChanges?.(entityRef) ?? 0;
  }

  /**
   * Counts a result of the entity replaced or dropped in the cache by other means than a
   * write (a refresh, a snapshot another writer published first), which a bulk read must
   * look up again (bulkResult).
   */
  private replaced(entityRef: string): void {
    this.replacements.set(
      entityRef,
      (this.replacements.get(entityRef) ?? 0) + 1,
    );
  }

  /**
   * Changes whenever the entity's cached results may have: its incident writes, and the
   * replacements of its entries (both only grow).
   */
  private entityMark(entityRef: string): number {
    return (
      this.generationOf(entityRef) + (this.replacements.get(entityRef) ?? 0)
    );
  }

  /**
   * Open periods' results depend on `now` on every read: `evaluatedAt`, the service time
   * elapsed so far (availability, error budget) and the share of the period elapsed
   * (at-risk incident counts) grow with it, so no result of an open period stays the same
   * past its computation. They are served for at most the maximum age, as are closed ones
   * (a snapshot another replica recomputed), and never past the end of their period.
   */
  private storeResult(
    entityRef: string,
    key: string,
    period: Period,
    stamp: string,
    generation: number,
    now: number,
    value: Promise<HeldResult>,
  ): ResultEntry {
    const entry: ResultEntry = {
      stamp,
      // A closed period is its snapshot: incident writes never change it (late arrivals
      // included), so the entity's later writes do not drop it; an explicit recompute does.
      generation:
        period.granularity !== 'custom' && period.end <= now
          ? ANY_GENERATION
          : generation,
      at: now,
      validUntil:
        period.end > now
          ? Math.min(period.end, now + this.cacheMaxAgeMs)
          : now + this.closedMaxAgeOf(period),
      value,
    };
    if (this.results.size >= MAX_RESULT_ENTRIES) this.evictOldestResult();
    if (this.dropResult(key)) this.replaced(entityRef);
    this.results.set(key, entry);
    // Kept past the age only when a mark known before its snapshot was read will show a
    // later rewrite (watchRecomputes).
    const keepSnapshot =
      entry.generation === ANY_GENERATION && this.snapshotsMark !== undefined;
    value.then(
      r => {
        entry.resolved = r;
        const rows = rowsOf(r);
        if (this.results.get(key) === entry && rows > 0) {
          this.holdRows(key, entry, rows);
        }
        if (keepSnapshot && r.source === 'snapshot') {
          entry.validUntil = Math.max(
            entry.validUntil,
            entry.at + SNAPSHOT_MAX_AGE_MS,
          );
        }
      },
      () => {},
    );
    value.catch(() => {
      if (this.results.get(key) === entry) this.dropResult(key);
    });
    return entry;
  }

  /** Removes `key`'s result from the cache, and its rows from the count; the entry, if any. */
  private dropResult(key: string): ResultEntry | undefined {
    const entry = this.results.get(key);
    if (!entry) return undefined;
    this.results.delete(key);
    if (entry.rows) {
      this.heldRows -= entry.rows;
      this.rowEntries--;
    }
    return entry;
  }

  /**
   * Counts the `rows` of a cached result and, past `maxResultRows`, evicts the oldest results
   * holding rows, never the one just counted (one larger than the bound is kept alone until
   * the next one is counted). Results without rows, the overview's, are never evicted for
   * rows: when this evicted the oldest results of any kind, reads of a closed month with
   * rows at 10,000,000 incidents evicted the overview's results and held the event loop
   * for 11.6 s. A queue, not the Map's first key: removing a Map's first entries
   * leaves holes that every later look at its first key walks past again.
   */
  private holdRows(key: string, entry: ResultEntry, rows: number): void {
    entry.rows = rows;
    this.heldRows += rows;
    this.rowEntries++;
    this.rowQueue.push({ key, entry });
    while (
      this.heldRows > this.maxResultRows &&
      this.rowQueueHead < this.rowQueue.length - 1
    ) {
      const oldest = this.rowQueue[this.rowQueueHead++];
      if (this.results.get(oldest.key) === oldest.entry) {
        this.dropResult(oldest.key);
      }
    }
    // Entries replaced or dropped meanwhile stay in the queue until passed. It is compacted
    // when more than half of it was passed or is no longer cached, so that it costs O(1)
    // per result counted.
    const queued = this.rowQueue.length - this.rowQueueHead;
    if (
      (this.rowQueueHead > 1024 &&
        2 * this.rowQueueHead > this.rowQueue.length) ||
      queued > 2 * this.rowEntries + 1024
    ) {
      this.rowQueue = this.rowQueue
        .slice(this.rowQueueHead)
        .filter(q => this.results.get(q.key) === q.entry);
      this.rowQueueHead = 0;
    }
  }

  /**
   * Removes the result stored first (a Map iterates in insertion order). A bulk state that
   * holds the entry keeps it; the next read of it alone computes it again.
   */
  private evictOldestResult(): void {
    this.dropResult(this.results.keys().next().value!);
  }

  /**
   * How long the result of a period that had ended when it was computed is kept: a closed
   * period is its immutable snapshot, which only an explicit recompute changes (this
   * process's drops every result; another replica's shows within CLOSED_MAX_AGE_MS, or
   * within the maximum age once the result is known to come from its snapshot and the store
   * has a change mark: see storeResult and watchRecomputes). A custom range is computed live
   * and keeps the maximum age.
   */
  private closedMaxAgeOf(period: Period): number {
    return period.granularity === 'custom'
      ? this.cacheMaxAgeMs
      : Math.max(this.cacheMaxAgeMs, CLOSED_MAX_AGE_MS);
  }

  /**
   * How long a bulk read's plan (which entity needs which periods) is kept: it depends on
   * entities and terms only, whose writes in this process drop it at once; rebuilding it
   * lists every entity and terms version (about a second at 2,000 services), so a catalog
   * change made by another replica shows within PLAN_MAX_AGE_MS rather than the 10 s age.
   */
  private planMaxAgeMs(): number {
    return this.cacheMaxAgeMs <= 0
      ? 0
      : Math.max(this.cacheMaxAgeMs, PLAN_MAX_AGE_MS);
  }

  /**
   * Reads the snapshot store's change mark when the last read is older than the maximum
   * age, in the background; a change (another replica's recompute, or this one's) counts
   * as a recompute, which drops every cached result at the next read. Until a first mark
   * is known, reads wait for it: a result read from a snapshot is kept past the maximum age
   * only when a mark read before it will show a later rewrite (storeResult).
   */
  private async watchRecomputes(now: number): Promise<void> {
    const { snapshots } = this.deps;
    if (
      snapshots.changeMark &&
      this.cacheMaxAgeMs > 0 &&
      !this.checkingSnapshots &&
      now - this.snapshotsCheckedAt >= this.cacheMaxAgeMs
    ) {
      this.checkSnapshots(snapshots.changeMark.bind(snapshots), now);
    }
    if (this.snapshotsMark === undefined && this.checkingSnapshots) {
      await this.checkingSnapshots;
    }
  }

  private checkSnapshots(changeMark: () => Promise<string>, now: number) {
    this.snapshotsCheckedAt = now;
    this.checkingSnapshots = changeMark()
      .then(mark => {
        if (this.snapshotsMark !== undefined && mark !== this.snapshotsMark) {
          this.recomputes++;
        }
        this.snapshotsMark = mark;
      })
      .catch(() => {
        // Unknown until the next check; snapshot results keep their age meanwhile.
      })
      .finally(() => {
        this.checkingSnapshots = undefined;
      });
  }

  /** The cached result of `key` when still valid for `stamp`, `generation` and `now`. */
  private validResult(
    key: string,
    stamp: string,
    generation: number,
    now: number,
  ): ResultEntry | undefined {
    const hit = this.results.get(key);
    return hit &&
      hit.stamp === stamp &&
      (hit.generation === generation || hit.generation === ANY_GENERATION) &&
      now >= hit.at &&
      now < hit.validUntil
      ? hit
      : undefined;
  }

  /**
   * A view derived from stored data only (no running clock), e.g. the serialized service
   * catalog, cached like results: dropped on any write in this process, at most
   * `cacheMaxAgeMs` old.
   */
  cachedView<T>(key: string, now: number, build: () => Promise<T>): Promise<T> {
    return this.cachedValue(`view\u0000${key}`, now, build, () => Infinity);
  }

  private cachedValue<T>(
    key: string,
    now: number,
    compute: () => Promise<T>,
    validUntilOf: (value: T) => number,
    stamp: string = this.stamp(),
    maxAgeMs: number = this.cacheMaxAgeMs,
    /**
     * How long past its age a value may still be served while it is computed again in the
     * background; never past what the value itself says (`validUntilOf`), never after a
     * write (`stamp`).
     */
    graceMs = 0,
  ): Promise<T> {
    if (this.cacheMaxAgeMs <= 0) return compute();
    const hit = this.cache.get(key);
    if (hit && hit.stamp === stamp && now >= hit.at) {
      if (now < hit.validUntil) return hit.value as Promise<T>;
      if (
        graceMs > 0 &&
        hit.settled &&
        now < hit.hardUntil &&
        now < hit.validUntil + graceMs
      ) {
        if (!hit.refreshing) {
          hit.refreshing = true;
          this.storeValue(
            key,
            now,
            compute,
            validUntilOf,
            stamp,
            maxAgeMs,
            false,
          ).catch(() => {
            // Served as it is until its grace ends; the next read past it computes again.
            hit.refreshing = false;
          });
        }
        return hit.value as Promise<T>;
      }
    }
    return this.storeValue(key, now, compute, validUntilOf, stamp, maxAgeMs);
  }

  /**
   * Computes a value and caches it; `replace` false keeps the current entry until the
   * value is ready (a background refresh), then puts the new one in its place.
   */
  private storeValue<T>(
    key: string,
    now: number,
    compute: () => Promise<T>,
    validUntilOf: (value: T) => number,
    stamp: string,
    maxAgeMs: number,
    replace = true,
  ): Promise<T> {
    const entry: CacheEntry = {
      at: now,
      validUntil: now + maxAgeMs,
      hardUntil: Infinity,
      stamp,
      value: compute() as Promise<unknown>,
    };
    const put = () => {
      if (this.cache.size >= MAX_CACHE_ENTRIES) {
        // Oldest first: a Map iterates in insertion order.
        this.cache.delete(this.cache.keys().next().value!);
      }
      this.cache.delete(key);
      this.cache.set(key, entry);
    };
    if (replace) put();
    entry.value.then(
      value => {
        entry.hardUntil = validUntilOf(value as T);
        entry.validUntil = Math.min(entry.validUntil, entry.hardUntil);
        entry.settled = true;
        // A refresh replaces the served entry unless a write dropped it meanwhile.
        const served = this.cache.get(key);
        if (!replace && served?.refreshing && served.stamp === stamp) put();
      },
      () => {
        if (this.cache.get(key) === entry) this.cache.delete(key);
      },
    );
    return entry.value as Promise<T>;
  }

  calendarFor(terms: SlaTerms): BusinessCalendar {
    return createBusinessCalendar(terms, this.deps.slaConfig);
  }

  /** The entity, its term versions, and the latest version; NotFoundError when it has no SLA. */
  async loadEntity(entityRef: string): Promise<LoadedEntity> {
    let entity = await this.deps.entities.getEntity(entityRef);
    if (!entity && (await this.deps.entitySource?.syncEntity(entityRef))) {
      entity = await this.deps.entities.getEntity(entityRef);
    }
    const versions = entity
      ? await this.deps.terms.listVersions(entityRef)
      : [];
    if (!entity || entity.removedAt !== undefined || versions.length === 0) {
      throw new NotFoundError(
        `No SLA is known for ${entityRef}: it is not in the catalog or carries no servicelevel.io/ annotations`,
      );
    }
    return { entity, versions, latest: versions[versions.length - 1] };
  }

  /**
   * Every current entity with terms, listed anew for each bulk plan built (manyPlan,
   * ownKindPlan) and kept for entity reads (knownEntity) as long as a plan would be.
   */
  private async entityDirectory(
    now: number,
  ): Promise<Map<string, LoadedEntity>> {
    const stamp = this.resultStamp();
    const entities = await this.deps.entities.listEntities();
    const latestByRef = await this.listLatestTerms();
    const listed = new Map<string, LoadedEntity>();
    for (const entity of entities) {
      const latest = latestByRef.get(entity.entityRef);
      if (!latest) continue;
      const versions =
        latest.version === 1
          ? [latest]
          : await this.deps.terms.listVersions(entity.entityRef);
      listed.set(entity.entityRef, { entity, versions, latest });
    }
    if (this.cacheMaxAgeMs > 0 && stamp === this.resultStamp()) {
      this.directory = { stamp, at: now, entities: listed };
    }
    return listed;
  }

  /**
   * An entity and its versions as the last bulk plan listed them, and until when that list
   * may be used (as long as a plan is kept: planMaxAgeMs, and no write to terms or entities
   * in this process since). Undefined when there is no such list or the entity is not in
   * it: then loadEntity reads it, and says why it has no SLA. At 20,000 services this spares
   * a service's first read after the organisation page two of its three queries.
   */
  private knownEntity(
    entityRef: string,
    now: number,
  ): { loaded: LoadedEntity; until: number } | undefined {
    const d = this.directory;
    if (!d || d.stamp !== this.resultStamp() || now < d.at) return undefined;
    const until = d.at + this.planMaxAgeMs();
    const loaded = now < until ? d.entities.get(entityRef) : undefined;
    return loaded && { loaded, until };
  }

  async entityCompliance(
    entityRef: string,
    query: PeriodQuery,
    now: number,
  ): Promise<EntityPeriodResult> {
    // An entity's own read is never slim (entityEntry's items have no slim flag).
    return (await this.entityEntry(entityRef, query, now))
      .value as Promise<EntityPeriodResult>;
  }

  /**
   * entityCompliance encoded as the compliance route serves it: the JSON and its ETag are
   * computed once per cached result, not per request.
   */
  async entityComplianceBody(
    entityRef: string,
    query: PeriodQuery,
    now: number,
  ): Promise<EncodedBody> {
    const entry = await this.entityEntry(entityRef, query, now);
    entry.body ??= entry.value.then(encodeBody);
    return entry.body;
  }

  /** The result entry of one entity and query: the query resolved (cached), then its period. */
  private async entityEntry(
    entityRef: string,
    query: PeriodQuery,
    now: number,
  ): Promise<ResultEntry> {
    await this.watchRecomputes(now);
    const stamp = this.resultStamp();
    const { entity, versions, period } = await this.cachedValue(
      `entity\u0000${entityRef}\u0000${JSON.stringify(query)}`,
      now,
      async () => {
        const known = this.knownEntity(entityRef, now);
        const loaded = known?.loaded ?? (await this.loadEntity(entityRef));
        return {
          ...loaded,
          period: resolvePeriodQuery(query, loaded.latest.terms, now),
          listedUntil: known?.until ?? Infinity,
        };
      },
      // A `current` period is resolved anew once it ends; what a plan listed is kept no
      // longer than the plan would have been.
      r =>
        Math.min(
          query.kind === 'current' ? r.period.end : Infinity,
          r.listedUntil,
        ),
      stamp,
      // Like a bulk plan, it depends on the entity and its terms only, whose writes in this
      // process drop it at once; kept longer than results so that a read whose result is
      // still cached does not wait for the entity and its versions to be read again.
      this.planMaxAgeMs(),
    );
    const generation = this.generationOf(entityRef);
    if (this.cacheMaxAgeMs <= 0) {
      const value = this.evaluate(entity, versions, period, now);
      return { stamp, generation, at: now, validUntil: now, value };
    }
    const key = resultKey(entityRef, period);
    const hit = this.validResult(key, stamp, generation, now);
    if (hit) return hit;
    // Expired by age only: served while it is computed again, for at most one more maximum
    // age (a card's figures at most twice the age old), so that a read rarely waits for an
    // evaluation; a write touching the entity is never served stale.
    const item: EvaluationItem = { entity, versions, period, key };
    const old = this.staleResult(
      item,
      stamp,
      generation,
      now,
      this.cacheMaxAgeMs,
    );
    if (old) {
      if (!old.refreshing) {
        this.refreshInBackground(
          [item],
          [{ index: 0, generation }],
          stamp,
          now,
        );
      }
      return old;
    }
    return this.storeResult(
      entity.entityRef,
      key,
      period,
      stamp,
      generation,
      now,
      this.evaluate(entity, versions, period, now),
    );
  }

  /** The last `count` periods of the entity's own period length, oldest first (the last is open). */
  async entityHistory(
    entityRef: string,
    count: number,
    now: number,
  ): Promise<EntityPeriodResult[]> {
    const { entity, versions, latest } = await this.loadEntity(entityRef);
    const periods = previousPeriods(
      count,
      granularityOf(latest.terms.period),
      latest.terms.timezone,
      now,
    );
    const results: EntityPeriodResult[] = [];
    for (const period of periods) {
      results.push(await this.evaluate(entity, versions, period, now));
    }
    return results;
  }

  /**
   * Results of many entities for one period query, each period resolved in the entity's own zone.
   * Snapshots and incidents are read in bulk: one snapshot query per 500 entities and one
   * incident query per distinct period (entities in the same zone share one), instead of
   * queries per entity. The results are those `entityCompliance` gives for each entity.
   */
  async evaluateMany(
    query: PeriodQuery,
    now: number,
    granularity?: Exclude<Period['granularity'], 'custom'>,
  ): Promise<EntityPeriodResult[]> {
    await this.watchRecomputes(now);
    const key = `many\u0000${JSON.stringify(query)}\u0000${granularity ?? ''}`;
    const plan = await this.cachedValue(
      key,
      now,
      () => this.manyPlan(query, now, granularity),
      p => p.validUntil,
      this.resultStamp(),
      this.planMaxAgeMs(),
      this.planMaxAgeMs(),
    );
    // Every item of this plan is held whole (none is slim).
    return this.bulkResult(
      key,
      plan,
      plan.items,
      now,
      results => results as EntityPeriodResult[],
    );
  }

  /** evaluateMany's items: every entity with terms, its period resolved in its zone. */
  private async manyPlan(
    query: PeriodQuery,
    now: number,
    granularity?: Exclude<Period['granularity'], 'custom'>,
  ): Promise<{ items: EvaluationItem[]; validUntil: number }> {
    const directory = await this.entityDirectory(now);
    const items: EvaluationItem[] = [];
    let validUntil = Infinity;
    // Resolved once per zone and period kind (see ownKindPlan).
    const periodByTerms = new Map<string, Period>();
    for (const { entity, versions, latest } of directory.values()) {
      const termsKey = `${latest.terms.timezone}\u0000${latest.terms.period}`;
      let period = periodByTerms.get(termsKey);
      if (!period) {
        period = resolvePeriodQuery(query, latest.terms, now, granularity);
        periodByTerms.set(termsKey, period);
      }
      if (query.kind === 'current')
        validUntil = Math.min(validUntil, period.end);
      items.push({
        entity,
        versions,
        period,
        key: resultKey(entity.entityRef, period),
      });
    }
    return { items, validUntil };
  }

  /**
   * What the organisation page needs, each entity in its own period kind: the requested
   * period resolved in the entity's zone (`current` is the current month), and the periods
   * of the entity's own kind that overlap it, the year containing it and the period before
   * it (the `/overview` description in openapi.yaml). A month of a quarterly service is its quarter; a year is its
   * quarters. Only periods that have started are evaluated; closed ones come from snapshots.
   * A custom range is evaluated as it is and has no previous period.
   *
   * The plan (which entity needs which periods) is cached per query; the results come from
   * the per-(entity, period) cache, so after a write only the entities it touched are
   * evaluated again. The same array is returned while every result is the same, so that
   * its serialized body (views.overviewJson) is built once per state.
   */
  async evaluateOwnKind(
    query: PeriodQuery,
    now: number,
    options: {
      /**
       * Compute results expired by age now instead of serving them while they are
       * refreshed in the background (for a caller that is itself a background refresh).
       */
      computeExpired?: boolean;
      /**
       * False: serve results expired by age (within the grace) without starting their
       * refresh, for a caller that refreshes them itself on its own schedule.
       */
      refreshExpired?: boolean;
    } = {},
  ): Promise<OwnKindResults[]> {
    await this.watchRecomputes(now);
    const key = `own\u0000${JSON.stringify(query)}`;
    const plan = await this.cachedValue(
      key,
      now,
      () => this.ownKindPlan(query, now),
      p => p.validUntil,
      this.resultStamp(),
      this.planMaxAgeMs(),
      // Rebuilding the plan lists every entity and terms version (seconds at 20,000
      // services): past its age it is served while it is rebuilt, for one more age.
      this.planMaxAgeMs(),
    );
    // An entity whose results are the same objects as in the last shape keeps its object,
    // so that the overview finds its piece unchanged by identity. After a write, only the
    // entities whose results changed are shaped again.
    const shape = (held: HeldResult[], change?: BulkChange) => {
      // Every item of this plan is slim (ownKindPlan).
      const results = held as SlimResult[];
      const last = shapedOwnKind.get(plan);
      const same = (list: number[]) =>
        list.every(i => results[i] === last!.results[i]);
      const shapeOne = (k: number): OwnKindResults => {
        const p = plan.plans[k];
        return last && same(p.year) && same(p.selected) && same(p.previous)
          ? last.own[k]
          : {
              entity: p.entity,
              periodKind: p.periodKind,
              period: p.period,
              selected: p.selected.map(i => results[i]),
              year: p.year.map(i => results[i]),
              previous: p.previous.map(i => results[i]),
            };
      };
      let own: OwnKindResults[];
      if (last && change && last.results === change.previous) {
        own = last.own.slice();
        for (const k of new Set(change.items.map(i => plan.planOf[i]))) {
          own[k] = shapeOne(k);
        }
      } else {
        own = plan.plans.map((_, k) => shapeOne(k));
      }
      shapedOwnKind.set(plan, { results, own });
      return own;
    };
    return this.bulkResult(
      key,
      plan,
      plan.items,
      now,
      shape,
      !options.computeExpired,
      options.refreshExpired ?? true,
    );
  }

  /**
   * `shape(results of items)`, the same value as last time for `key` when the plan and every
   * result entry are the same.
   *
   * After a write, only the entities it touched are looked up again (issue 14: at 20,000
   * services, looking up all 260,000 entries of the overview took 200–380 ms of every read
   * after a write). The last state's entries of the other entities are kept as they are,
   * while the state's stamp, plan and `now` show they are what a full walk would find
   * valid: nothing but incident writes happened since (resultStamp), nothing changed their
   * entity's results (entityMark: its incident writes, refreshes), and none has expired (the state's
   * validUntil, or staleUntil for a read that serves stale entries without refreshing).
   */
  private bulkResult<T>(
    key: string,
    plan: unknown,
    items: EvaluationItem[],
    now: number,
    shape: (results: HeldResult[], change?: BulkChange) => T,
    serveStale = true,
    refreshStale = true,
  ): Promise<T> {
    const stamp = this.resultStamp();
    const runs = entityRuns(items);
    const last = this.bulkStates.get(key);
    let entries: ResultEntry[];
    let marks: number[];
    /** The items whose entries differ from the last state's, when it was kept. */
    let changed: number[] | undefined;
    if (
      last &&
      last.plan === plan &&
      last.stamp === stamp &&
      now >= last.at &&
      now < (serveStale && !refreshStale ? last.staleUntil : last.validUntil)
    ) {
      marks = last.marks.slice();
      const touched: number[] = [];
      runs.forEach((r, i) => {
        if (this.entityMark(r.entityRef) !== marks[i]) touched.push(i);
      });
      if (touched.length === 0) return last.value as Promise<T>;
      const again: EvaluationItem[] = [];
      for (const t of touched) {
        for (let i = runs[t].start; i < runs[t].end; i++) again.push(items[i]);
      }
      const fresh = this.itemEntries(again, now, serveStale, refreshStale);
      entries = last.entries.slice();
      changed = [];
      let j = 0;
      for (const t of touched) {
        const r = runs[t];
        for (let i = r.start; i < r.end; i++) {
          entries[i] = fresh[j++];
          if (entries[i] !== last.entries[i]) changed.push(i);
        }
        // After the lookup: storing a result replaces the entity's old one.
        marks[t] = this.entityMark(r.entityRef);
      }
      if (changed.length === 0) {
        last.marks = marks;
        return last.value as Promise<T>;
      }
    } else {
      entries = this.itemEntries(items, now, serveStale, refreshStale);
      marks = runs.map(r => this.entityMark(r.entityRef));
      if (
        last &&
        last.plan === plan &&
        last.entries.length === entries.length &&
        last.entries.every((e, i) => e === entries[i])
      ) {
        return last.value as Promise<T>;
      }
    }
    // At 20,000 services a bulk read has some 260,000 entries, nearly all settled: after a
    // write only the changed ones are collected (and waited for), into a copy of the last
    // results, and `shape` is told which.
    const previous = changed && last?.results;
    const results = settledResults(
      entries,
      previous ? changed : undefined,
      previous,
    );
    const change = previous ? { previous, items: changed! } : undefined;
    // A plan's items are all slim (ownKindPlan: the overview, no rows to count) or none
    // (manyPlan).
    const holdsRows = items.length > 0 && !items[0].slim;
    let state: BulkState | undefined;
    const shaped = (r: HeldResult[]) => {
      if (state) {
        state.results = r;
        if (
          holdsRows &&
          this.bulkStates.get(key) === state &&
          this.tooManyRows(r)
        ) {
          this.bulkStates.delete(key);
        }
      }
      return shape(r, change);
    };
    const value = Array.isArray(results)
      ? Promise.resolve(shaped(results))
      : results.then(shaped);
    if (this.cacheMaxAgeMs > 0) {
      // After a write, the changed entries only: the bound of the entries they replace
      // stays in, which at worst ends the state early (the next read walks them all).
      let validUntil = changed ? last!.validUntil : Infinity;
      let staleUntil = changed ? last!.staleUntil : Infinity;
      const bound = (i: number) => {
        const e = entries[i];
        const { end } = items[i].period;
        const open = end > e.at ? end : Infinity;
        validUntil = Math.min(validUntil, e.validUntil, open);
        staleUntil = Math.min(
          staleUntil,
          e.validUntil + STALE_WHILE_REBUILD_MS,
          open,
        );
      };
      if (changed) changed.forEach(bound);
      else for (let i = 0; i < entries.length; i++) bound(i);
      state = {
        plan,
        entries,
        value: value as Promise<unknown>,
        ...(Array.isArray(results) ? { results } : {}),
        stamp,
        at: now,
        marks,
        validUntil,
        staleUntil,
      };
      if (holdsRows && Array.isArray(results) && this.tooManyRows(results)) {
        // Answered, not kept: the next read looks its entries up again.
        this.bulkStates.delete(key);
      } else {
        if (this.bulkStates.size >= MAX_BULK_STATES && !last) {
          this.bulkStates.delete(this.bulkStates.keys().next().value!);
        }
        this.bulkStates.set(key, state);
        const made = state;
        value.catch(() => {
          if (this.bulkStates.get(key) === made) this.bulkStates.delete(key);
        });
      }
    }
    return value;
  }

  /**
   * Whether `results` hold more incident rows than the result cache may (MAX_RESULT_ROWS): a
   * bulk read's state keeping them would hold them past the cache's bound, so it is not kept
   * (the 961 MB of issue 14's seventh pass were the cache's entries and such a state).
   */
  private tooManyRows(results: HeldResult[]): boolean {
    let rows = 0;
    for (const r of results) {
      rows += rowsOf(r);
      if (rows > this.maxResultRows) return true;
    }
    return false;
  }

  private async ownKindPlan(
    query: PeriodQuery,
    now: number,
  ): Promise<OwnKindPlan> {
    const directory = await this.entityDirectory(now);
    const items: EvaluationItem[] = [];
    const planOf: number[] = [];
    const plans: OwnKindPlan['plans'] = [];
    /** When `now` next changes the plan (an object: the closures below update it). */
    const until = { at: Infinity };
    // Entities with the same zone and period kind have the same periods: at 20,000 services,
    // resolving them per entity took 2.4 s of luxon zone offsets per plan.
    const periodsByTerms = new Map<string, OwnKindPeriods>();
    for (const { entity, versions, latest } of directory.values()) {
      const termsKey = `${latest.terms.timezone}\u0000${latest.terms.period}`;
      let periods = periodsByTerms.get(termsKey);
      if (!periods) {
        periods = ownKindPeriods(query, latest.terms, now);
        periodsByTerms.set(termsKey, periods);
      }
      until.at = Math.min(until.at, periods.until);
      // One item per distinct period of this entity; the year holds the selected ones.
      const indexByKey = new Map<string, number>();
      const itemsOf = (list: Period[]) =>
        list.map(p => {
          let i = indexByKey.get(p.key);
          if (i === undefined) {
            // Every period is read for its figures only: at 20,000 services and 10,000,000
            // incidents a year of closed results with their incident rows is ~10 GB, and the
            // open ones' rows (a yearly service's open year holds all its incidents) held
            // the 466 MB of clocks live after a first overview (issue 14, seventh pass).
            i =
              items.push({
                entity,
                versions,
                period: p,
                key: slimKey(entity.entityRef, p),
                slim: true,
              }) - 1;
            indexByKey.set(p.key, i);
          }
          return i;
        });
      const year = itemsOf(periods.year);
      const k =
        plans.push({
          entity,
          periodKind: latest.terms.period,
          period: periods.period,
          year,
          selected: itemsOf(periods.selected),
          previous: itemsOf(periods.previous),
        }) - 1;
      while (planOf.length < items.length) planOf.push(k);
    }
    return { items, planOf, plans, validUntil: until.at };
  }

  /**
   * The result entries of `items`, in order: valid cached ones as they are, the others
   * computed together (evaluateItemsUncached: bulk queries) and cached.
   */
  private itemEntries(
    items: EvaluationItem[],
    now: number,
    serveStale = true,
    refreshStale = true,
  ): ResultEntry[] {
    const stamp = this.resultStamp();
    if (this.cacheMaxAgeMs <= 0) {
      const all = this.evaluateItemsUncached(items, now);
      return items.map((_, i) => ({
        stamp,
        generation: 0,
        at: now,
        validUntil: now,
        value: all.then(r => r[i]),
      }));
    }
    this.entriesLookedUp += items.length;
    const grace = refreshStale
      ? STALE_WHILE_REFRESH_MS
      : STALE_WHILE_REBUILD_MS;
    const entries = new Array<ResultEntry>(items.length);
    const missing: Array<{ index: number; generation: number }> = [];
    const stale: Array<{ index: number; generation: number }> = [];
    let lastRef: string | undefined;
    let generation = 0;
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      const ref = item.entity.entityRef;
      // Items of one entity are consecutive: its count is read once.
      if (ref !== lastRef) {
        lastRef = ref;
        generation = this.generationOf(ref);
      }
      item.key ??= resultKey(ref, item.period);
      const hit = this.validResult(item.key, stamp, generation, now);
      if (hit) {
        entries[i] = hit;
        continue;
      }
      const old = serveStale
        ? this.staleResult(item, stamp, generation, now, grace)
        : undefined;
      if (old) {
        entries[i] = old;
        if (!old.refreshing) stale.push({ index: i, generation });
      } else {
        missing.push({ index: i, generation });
      }
    }
    if (stale.length > 0 && refreshStale) {
      this.refreshInBackground(items, stale, stamp, now);
    }
    if (missing.length > 0) {
      const computed = this.evaluateItemsUncached(
        missing.map(m => items[m.index]),
        now,
      );
      missing.forEach(({ index, generation: g }, j) => {
        const item = items[index];
        entries[index] = this.storeResult(
          item.entity.entityRef,
          item.key!,
          item.period,
          stamp,
          g,
          now,
          computed.then(r => r[j]),
        );
      });
    }
    return entries;
  }

  /**
   * The cached result of `item` when its only fault is its age: nothing touching the entity
   * was written since, it is less than `graceMs` (bulk reads: STALE_WHILE_REFRESH_MS) past its validity, and its
   * period has not ended since it was computed (an ended period is read from its snapshot).
   */
  private staleResult(
    item: EvaluationItem,
    stamp: string,
    generation: number,
    now: number,
    graceMs: number = STALE_WHILE_REFRESH_MS,
  ): ResultEntry | undefined {
    const hit = this.results.get(item.key!);
    if (
      !hit ||
      hit.stamp !== stamp ||
      (hit.generation !== generation && hit.generation !== ANY_GENERATION)
    ) {
      return undefined;
    }
    if (now < hit.at || now >= hit.validUntil + graceMs) {
      return undefined;
    }
    // A period that ended since the entry was computed is read from its snapshot.
    if (item.period.end > hit.at && item.period.end <= now) return undefined;
    return hit;
  }

  /**
   * Computes the stale items again, together, and replaces their entries once done, unless a
   * newer entry took their place meanwhile. Reads go on being served the stale entries until
   * then; a failure leaves them to expire (the next read past the grace computes them).
   */
  private refreshInBackground(
    items: EvaluationItem[],
    stale: Array<{ index: number; generation: number }>,
    stamp: string,
    now: number,
  ): void {
    const old = stale.map(({ index }) => this.results.get(items[index].key!)!);
    for (const entry of old) entry.refreshing = true;
    const done = () => {
      for (const entry of old) entry.refreshing = false;
    };
    this.evaluateItemsUncached(
      stale.map(({ index }) => items[index]),
      now,
    ).then(results => {
      stale.forEach(({ index, generation }, j) => {
        const item = items[index];
        if (this.results.get(item.key!) !== old[j]) return;
        this.storeResult(
          item.entity.entityRef,
          item.key!,
          item.period,
          stamp,
          generation,
          now,
          Promise.resolve(results[j]),
        );
      });
      done();
    }, done);
  }

  /**
   * Results of (entity, period) items, in order. Snapshots and incidents are read in bulk:
   * one snapshot query for all closed periods and one incident query per distinct period
   * (entities in the same zone share one), instead of queries per item.
   */
  private async evaluateItemsUncached(
    items: EvaluationItem[],
    now: number,
  ): Promise<HeldResult[]> {
    // In chunks, so that the snapshots and incidents of a whole organisation are never all
    // in memory at once; slim items drop their incident rows within each chunk.
    const results: HeldResult[] = [];
    const budget = {
      publishNow: this.deps.publishAtOnceMax ?? PUBLISH_NOW_MAX,
    };
    try {
      for (let i = 0; i < items.length; i += ITEMS_PER_CHUNK) {
        results.push(
          ...(await this.evaluateChunk(
            items.slice(i, i + ITEMS_PER_CHUNK),
            now,
            budget,
          )),
        );
      }
    } finally {
      // Published once the read is computed, so as not to compete with it.
      if (this.toPublish.size > 0) this.publishing ??= this.publishPending();
    }
    return results;
  }

  /**
   * evaluateItemsUncached of one chunk. A closed period read for the first time is
   * published: at once, and then read back, when the item wants its incident rows, and for
   * the first PUBLISH_NOW_MAX slim items of a read (`budget`); past those (a first overview
   * after a large backfill), a slim item is served the figures just computed and its
   * period is published in the background (publishLater), so that the read does not wait
   * for every closed period's rows to be written.
   */
  private async evaluateChunk(
    items: EvaluationItem[],
    now: number,
    budget: { publishNow: number },
  ): Promise<HeldResult[]> {
    const isClosed = (i: EvaluationItem) =>
      i.period.granularity !== 'custom' && i.period.end <= now;
    const closedItems = items.filter(isClosed);
    const full = closedItems.filter(i => !i.slim);
    const slim = closedItems.filter(i => i.slim);
    // Slim items read the snapshots' figures only, not their incident rows.
    const [fullSnapshots, slimSnapshots] = await Promise.all([
      this.readSnapshots(full, true),
      this.readSnapshots(slim, false),
    ]);
    const snapshotOf = (i: EvaluationItem) =>
      (i.slim ? slimSnapshots : fullSnapshots).get(
        snapshotKey(i.entity.entityRef, i.period.key),
      );

    // Incidents of everything without a snapshot, one bulk query per distinct period.
    const computed = await this.computeItems(
      items.filter(i => !isClosed(i) || !snapshotOf(i)),
      now,
    );

    // Published now, all in one transaction, and then read back: a snapshot another writer
    // stored first wins, as in `publish`.
    const unpublishedFull = full.filter(i => !snapshotOf(i));
    const unpublishedSlim = slim.filter(i => !snapshotOf(i));
    const slimNow = unpublishedSlim.slice(0, budget.publishNow);
    budget.publishNow -= slimNow.length;
    const later = new Set(unpublishedSlim.slice(slimNow.length));
    if (unpublishedFull.length + slimNow.length > 0) {
      const toStore = new Map<string, Snapshot>();
      for (const i of [...unpublishedFull, ...slimNow]) {
        toStore.set(
          snapshotKey(i.entity.entityRef, i.period.key),
          toSnapshot(computed.get(i)!, now),
        );
      }
      await this.deps.snapshots.insertAllIfAbsent([...toStore.values()]);
      const [fullStored, slimStored] = await Promise.all([
        this.readSnapshots(unpublishedFull, true),
        this.readSnapshots(slimNow, false),
      ]);
      for (const [k, v] of fullStored) fullSnapshots.set(k, v);
      for (const [k, v] of slimStored) slimSnapshots.set(k, v);
    }

    return items.map(item => {
      const snapshot = isClosed(item) ? snapshotOf(item) : undefined;
      if (snapshot) {
        const r = this.fromSnapshot(item.entity, item.versions, snapshot);
        // A summary keeps the rows its credits count; the overview needs none of them.
        return item.slim ? this.slimResult(r) : r;
      }
      const result = computed.get(item)!;
      if (!later.has(item)) {
        return item.slim ? this.slimResult(result) : result;
      }
      const served = this.slimResult(result);
      this.publishLater(item, now, served);
      return served;
    });
  }

  /**
   * A result as the overview keeps it, for a read of its figures only (EvaluationItem.slim):
   * the figures its rollups read, their equal parts shared (SharedFigures).
   */
  private slimResult(r: EntityPeriodResult): SlimResult {
    return { ...r, result: this.sharedFigures.figures(r.result) };
  }

  /**
   * The snapshots of closed `items`, by snapshotKey, with their incident rows or without
   * them (then only the figures are read). One query per 500 entities.
   */
  private async readSnapshots(
    items: EvaluationItem[],
    incidentRows: boolean,
  ): Promise<Map<string, Snapshot>> {
    const snapshots = new Map<string, Snapshot>();
    if (items.length === 0) return snapshots;
    for (const s of await this.deps.snapshots.list(
      {
        entityRefs: [...new Set(items.map(i => i.entity.entityRef))],
        periodKeys: [...new Set(items.map(i => i.period.key))],
      },
      { incidentRows },
    )) {
      snapshots.set(snapshotKey(s.entityRef, s.periodKey), s);
    }
    return snapshots;
  }

  /**
   * Computes `items` live (incident rows included): one incident query per distinct period,
   * the next one read ahead.
   */
  private async computeItems(
    items: EvaluationItem[],
    now: number,
  ): Promise<Map<EvaluationItem, EntityPeriodResult>> {
    const byPeriod = new Map<string, EvaluationItem[]>();
    for (const item of items) {
      const k = `${item.period.start}:${item.period.end}`;
      const group = byPeriod.get(k);
      if (group) group.push(item);
      else byPeriod.set(k, [item]);
    }
    const computed = new Map<EvaluationItem, EntityPeriodResult>();
    const coverage = items.length > 0 ? await this.coverageAt(now) : undefined;
    const groups = [...byPeriod.values()];
    const read = (group: EvaluationItem[]) => {
      const rows = this.deps.incidents.listForEntities(
        [...new Set(group.map(i => i.entity.entityRef))],
        group[0].period.start,
        group[0].period.end,
      );
      // Awaited below; this only keeps a read left behind by a failure from going unhandled.
      rows.catch(() => {});
      return rows;
    };
    // The next period's incidents are read while this one's are evaluated (on PostgreSQL the
    // query's wait then overlaps the evaluation; it was a third of a first overview's time).
    let next = groups.length > 0 ? read(groups[0]) : undefined;
    // Other requests get the event loop between slices of a large evaluation.
    const slices = new Slices();
    for (const [g, group] of groups.entries()) {
      const incidents = await next!;
      next = g + 1 < groups.length ? read(groups[g + 1]) : undefined;
      for (const item of group) {
        await slices.pause();
        computed.set(
          item,
          this.computeWith(
            item.entity,
            item.versions,
            item.period,
            now,
            incidents.get(item.entity.entityRef) ?? [],
            coverage,
          ),
        );
      }
    }
    return computed;
  }

  /**
   * Queues the publication of a closed period that a slim read computed and served
   * (`served`) before any snapshot of it existed. The queue is worked off in the
   * background, PUBLISH_CHUNK items at a time (publishPending), from the end of the read
   * that queued them (evaluateItemsUncached).
   */
  private publishLater(
    item: EvaluationItem,
    now: number,
    served: SlimResult,
  ): void {
    const key = snapshotKey(item.entity.entityRef, item.period.key);
    if (!this.toPublish.has(key)) publications.pending++;
    this.toPublish.set(key, { item, now, served });
  }

  /** Resolves once the closed periods queued by publishLater are published (or failed). */
  async snapshotsPublished(): Promise<void> {
    while (this.publishing) await this.publishing;
  }

  /**
   * Publishes the queued closed periods, PUBLISH_CHUNK at a time: each is computed again at
   * the instant its read used (so with the same incidents it gives the same figures), with
   * its incident rows, and stored unless a snapshot exists by then (an entity read or
   * another replica published it first; that one wins). Where the stored figures differ
   * from the ones served (a late incident arrived in between, or the other writer's), the
   * served result is dropped from the cache, so the next read serves the snapshot. Only one
   * chunk's full results are in memory at a time.
   */
  private async publishPending(): Promise<void> {
    try {
      await yieldToRequests();
      while (this.toPublish.size > 0) {
        const batch: PendingPublication[] = [];
        for (const [k, pending] of this.toPublish) {
          this.toPublish.delete(k);
          batch.push(pending);
          if (batch.length >= PUBLISH_CHUNK) break;
        }
        try {
          await this.publishBatch(batch);
          publications.published += batch.length;
        } catch (error) {
          publications.failed += batch.length;
          // Left unpublished: the next read of these periods computes and queues them again.
          this.deps.logger?.warn(
            `Publishing ${batch.length} closed periods' snapshots failed: ${error}`,
          );
        }
        publications.pending -= batch.length;
        await yieldToRequests();
      }
    } finally {
      this.publishing = undefined;
    }
  }

  private async publishBatch(batch: PendingPublication[]): Promise<void> {
    const byNow = new Map<number, PendingPublication[]>();
    for (const pending of batch) {
      const group = byNow.get(pending.now);
      if (group) group.push(pending);
      else byNow.set(pending.now, [pending]);
    }
    for (const [now, group] of byNow) {
      const items = group.map(p => p.item);
      const existing = await this.readSnapshots(items, false);
      const missing = items.filter(
        i => !existing.has(snapshotKey(i.entity.entityRef, i.period.key)),
      );
      if (missing.length > 0) {
        const computed = await this.computeItems(missing, now);
        await this.deps.snapshots.insertAllIfAbsent(
          missing.map(i => toSnapshot(computed.get(i)!, now)),
        );
      }
      const stored =
        missing.length > 0 ? await this.readSnapshots(items, false) : existing;
      for (const { item, served } of group) {
        const snapshot = stored.get(
          snapshotKey(item.entity.entityRef, item.period.key),
        );
        if (snapshot && sameFigures(snapshot, served, this.deps.customerFees)) {
          // The served figures are the published snapshot's: kept as long as a result read
          // from it (storeResult). At 10,000,000 incidents the publication took 474 s, longer
          // than the 300 s a live closed result is kept, and the first overview build after
          // it computed 13,900 services' pieces again, parsing snapshots for 7.3 s of its
          // 58.5 (issue 14, tenth pass).
          const entry = this.results.get(item.key!);
          if (entry?.resolved === served && this.snapshotsMark !== undefined) {
            entry.validUntil = Math.max(
              entry.validUntil,
              entry.at + SNAPSHOT_MAX_AGE_MS,
            );
          }
          continue;
        }
        const entry = this.results.get(item.key!);
        if (entry?.resolved === served) {
          this.dropResult(item.key!);
          this.replaced(item.entity.entityRef);
        }
      }
    }
  }

  /**
   * Evaluates every entity over every period of its own length that overlaps [from, to),
   * live (snapshots are neither read nor written), and hands each result to `onResult` as it
   * is computed: entity by entity in the order of listEntities, each entity's periods in
   * order. The incidents come as one stream over all entities (streamForEntities, a page of
   * `pageSize` rows per query), each entity's periods evaluated when its rows end, so memory
   * holds one entity's incidents, the stream's page and the next, and no results: bounded
   * by the largest service, not by the organisation (issue 14).
   * Returns how many (entity, period) results were produced.
   */
  async evaluateAll(options: {
    from: number;
    to: number;
    now: number;
    /** Incident rows read per query (default: the store's, a few hundred). */
    pageSize?: number;
    onResult: (result: EntityPeriodResult) => void | Promise<void>;
  }): Promise<number> {
    const { from, to, now, pageSize, onResult } = options;
    const entities = await this.deps.entities.listEntities();
    const latestByRef = await this.listLatestTerms();
    const withTerms = entities.filter(e => latestByRef.has(e.entityRef));
    const window = streamWindow(withTerms, latestByRef, from, to);
    if (!window) return 0;

    const coverage = await this.coverageAt(now);
    let count = 0;
    const evaluateEntity = async (
      entity: SlaEntity,
      incidents: StoredIncident[],
    ) => {
      const latest = latestByRef.get(entity.entityRef)!;
      const periods = periodsOf(
        granularityOf(latest.terms.period),
        latest.terms.timezone,
        from,
        to,
      );
      if (periods.length === 0) return;
      const versions =
        latest.version === 1
          ? [latest]
          : await this.deps.terms.listVersions(entity.entityRef);
      for (const period of periods) {
        // The same rows listForEntity(ref, period.start, period.end) returns, in the same order.
        const relevant = incidents.filter(i =>
          relevantTo(i, period.start, period.end),
        );
        await onResult(
          this.computeWith(entity, versions, period, now, relevant, coverage),
        );
        count++;
      }
    };

    // Entities are evaluated in listEntities' order: those without incidents as the stream
    // passes them, the others when their last row has come.
    const position = new Map(withTerms.map((e, i) => [e.entityRef, i]));
    let next = 0;
    const evaluateUpTo = async (
      entityRef: string,
      incidents: StoredIncident[],
    ) => {
      const at = position.get(entityRef);
      // Rows come by entity in listEntities' order (both sort the ref column in the
      // database); one of an entity already passed would have been evaluated without it.
      if (at === undefined || at < next) {
        throw new Error(
          `Incidents of ${entityRef} arrived out of the entities' order`,
        );
      }
      for (; next < at; next++) await evaluateEntity(withTerms[next], []);
      await evaluateEntity(withTerms[at], incidents);
      next = at + 1;
    };

    let current: StoredIncident[] = [];
    for await (const page of this.deps.incidents.streamForEntities(
      withTerms.map(e => e.entityRef),
      window.start,
      window.end,
      { pageSize },
    )) {
      for (const incident of page) {
        if (current.length > 0 && incident.entityRef !== current[0].entityRef) {
          await evaluateUpTo(current[0].entityRef, current);
          current = [];
        }
        current.push(incident);
      }
    }
    if (current.length > 0) await evaluateUpTo(current[0].entityRef, current);
    for (; next < withTerms.length; next++) {
      await evaluateEntity(withTerms[next], []);
    }
    return count;
  }

  /** The latest terms version of every entity that has one, by entity ref (one query). */
  async listLatestTerms(): Promise<Map<string, TermsVersion>> {
    return new Map(
      (await this.deps.terms.listLatest()).map(v => [v.entityRef, v]),
    );
  }

  /**
   * Writes the snapshot of every closed period (of each entity's own length) that ended before
   * `now` within the last `lookbackPeriods`, when none exists yet, for the entities `owns`
   * accepts (this replica's share, see ReplicaMembership; default all). Returns how many
   * snapshots were written and how many entities were handled.
   */
  async snapshotClosedPeriods(
    now: number,
    options: {
      lookbackPeriods?: number;
      owns?: (entityRef: string) => boolean;
    } = {},
  ): Promise<{ written: number; entities: number }> {
    const { lookbackPeriods = 2, owns = () => true } = options;
    let written = 0;
    const entities = (await this.deps.entities.listEntities()).filter(e =>
      owns(e.entityRef),
    );
    for (const entity of entities) {
      const versions = await this.deps.terms.listVersions(entity.entityRef);
      if (versions.length === 0) continue;
      const latest = versions[versions.length - 1];
      const periods = previousPeriods(
        lookbackPeriods + 1,
        granularityOf(latest.terms.period),
        latest.terms.timezone,
        now,
      ).filter(p => p.end <= now);
      for (const period of periods) {
        const existing = await this.deps.snapshots.get(
          entity.entityRef,
          period.key,
        );
        if (existing) continue;
        const computed = await this.compute(entity, versions, period, now);
        if (
          await this.deps.snapshots.insertIfAbsent(toSnapshot(computed, now))
        ) {
          written++;
        }
      }
    }
    return { written, entities: entities.length };
  }

  /** Rebuilds one period's snapshot on purpose (audited by the caller). */
  async recompute(
    entityRef: string,
    query: PeriodQuery,
    now: number,
    recomputedBy: string,
  ): Promise<EntityPeriodResult> {
    const { entity, versions, latest } = await this.loadEntity(entityRef);
    const period = resolvePeriodQuery(query, latest.terms, now);
    const computed = await this.compute(entity, versions, period, now);
    if (period.granularity !== 'custom' && period.end <= now) {
      this.recomputes++;
      await this.deps.snapshots.replace({
        ...toSnapshot(computed, now),
        recomputedBy,
      });
      this.recomputes++;
      return { ...computed, source: 'snapshot' };
    }
    return computed;
  }

  /**
   * Of `entityRefs` (normalised refs, e.g. of an ingested batch), those that neither the
   * stores nor the catalog list, sorted: the stores first, then one catalog query
   * ({@link EntitySource.listedRefs}) for the rest, however large the batch.
   */
  async unknownEntityRefs(entityRefs: string[]): Promise<string[]> {
    const unique = [...new Set(entityRefs)];
    // Only the batch's refs are looked up: listing 20,000 entities per batch halved ingestion.
    const known = await this.deps.entities.currentRefs(unique);
    const rest = unique.filter(r => !known.has(r)).sort();
    const source = this.deps.entitySource;
    if (rest.length === 0 || !source?.listedRefs) return rest;
    const listed = await source.listedRefs(rest);
    return rest.filter(r => !listed.has(r));
  }

  /** All entities currently known, for recompute of a whole period. */
  async listEntityRefs(): Promise<string[]> {
    return (await this.deps.entities.listEntities()).map(e => e.entityRef);
  }

  private async evaluate(
    entity: SlaEntity,
    versions: TermsVersion[],
    period: Period,
    now: number,
  ): Promise<EntityPeriodResult> {
    const closed = period.granularity !== 'custom' && period.end <= now;
    if (closed) {
      const snapshot = await this.deps.snapshots.get(
        entity.entityRef,
        period.key,
      );
      if (snapshot) {
        return this.fromSnapshot(entity, versions, snapshot);
      }
    }
    const computed = await this.compute(entity, versions, period, now);
    if (closed) {
      return this.publish(entity, versions, computed, now);
    }
    return computed;
  }

  /** The first read of a closed period publishes it; later reads never change it. */
  private async publish(
    entity: SlaEntity,
    versions: TermsVersion[],
    computed: EntityPeriodResult,
    now: number,
  ): Promise<EntityPeriodResult> {
    await this.deps.snapshots.insertIfAbsent(toSnapshot(computed, now));
    const stored = await this.deps.snapshots.get(
      entity.entityRef,
      computed.period.key,
    );
    return stored ? this.fromSnapshot(entity, versions, stored) : computed;
  }

  private async compute(
    entity: SlaEntity,
    versions: TermsVersion[],
    period: Period,
    now: number,
  ): Promise<EntityPeriodResult> {
    const [incidents, coverage] = await Promise.all([
      this.deps.incidents.listForEntity(
        entity.entityRef,
        period.start,
        period.end,
      ),
      this.coverageAt(now),
    ]);
    return this.computeWith(entity, versions, period, now, incidents, coverage);
  }

  /** The linked sources' coverage at `now` (one read of the sync state), when tracked. */
  private async coverageAt(now: number): Promise<CoverageView | undefined> {
    return this.deps.coverage?.read(now);
  }

  private computeWith(
    entity: SlaEntity,
    versions: TermsVersion[],
    period: Period,
    now: number,
    incidents: StoredIncident[],
    coverage?: CoverageView,
  ): EntityPeriodResult {
    const inForce = termsInForce(versions, period.end);
    const version = inForce ?? versions[0];
    const started = performance.now();
    const evaluated = evaluatePeriod({
      terms: version.terms,
      calendar: this.calendarFor(version.terms),
      incidents,
      period,
      now,
    });
    // SPEC §9: objectives fed by a source synced for too little of the period read `unknown`.
    const result = coverage
      ? applyCoverage(
          evaluated,
          periodCoverage(
            coverage.sourcesOf(entity, version.terms),
            period,
            now,
            coverage.threshold,
          ),
        )
      : evaluated;
    this.deps.metrics?.evaluated(
      performance.now() - started,
      period.granularity,
    );
    return this.withCredits({
      entityRef: entity.entityRef,
      title: entity.title,
      period,
      source: 'live',
      termsVersion: version.version,
      termsBackdated: inForce === undefined,
      terms: version.terms,
      termsAsWritten: termsAsWrittenOf(version.terms),
      result,
    });
  }

  /**
   * A closed period's stored result with the terms it was computed under. Credits are derived
   * from the stored result on every read (not stored), so they are exactly those of the
   * published figures.
   */
  private fromSnapshot(
    entity: SlaEntity,
    versions: TermsVersion[],
    s: Snapshot,
  ): EntityPeriodResult {
    return this.withCredits(fromSnapshot(entity, versions, s));
  }

  /** The result with its service credits, when the terms have credit rules. */
  private withCredits(r: EntityPeriodResult): EntityPeriodResult {
    const credits = periodCredits(r, this.deps.customerFees);
    return credits ? { ...r, credits } : r;
  }
}

/** An (entity, period) result's key in the cache. */
function resultKey(entityRef: string, period: Period): string {
  return `${entityRef}\u0000${period.key}\u0000${period.start}\u0000${period.end}`;
}

/** The cache key of an item held as its figures only (EvaluationItem.slim). */
function slimKey(entityRef: string, period: Period): string {
  return `slim\u0000${resultKey(entityRef, period)}`;
}

/**
 * The snapshot holds the figures a slim read served: the same figures (figuresOf, all that a
 * slim result holds and the overview reads) under the same terms version. Credits follow
 * from the whole result, so they are compared too.
 */
function sameFigures(
  snapshot: Snapshot,
  served: SlimResult,
  customerFees: CustomerFees | undefined,
): boolean {
  if (snapshot.termsVersion !== served.termsVersion) return false;
  if (
    JSON.stringify(figuresOf(snapshot.result)) !== JSON.stringify(served.result)
  ) {
    return false;
  }
  // The same terms version: the served result's terms are the snapshot's.
  const credits = periodCredits(
    { terms: served.terms, period: served.period, result: snapshot.result },
    customerFees,
  );
  return JSON.stringify(credits) === JSON.stringify(served.credits);
}

/** The incident rows a held result keeps: none for a slim one. */
function rowsOf(r: HeldResult): number {
  return 'incidents' in r.result ? r.result.incidents.length : 0;
}

function snapshotKey(entityRef: string, periodKey: string): string {
  return `${entityRef}\u0000${periodKey}`;
}

/**
 * The filter of IncidentStore.listForEntity, in memory: created before `to` and still
 * mattering at `from` (relevantUntil, the rule the store's relevant_until column holds).
 */
function relevantTo(i: StoredIncident, from: number, to: number): boolean {
  return i.createdAt < to && relevantUntil(i) >= from;
}

/**
 * The window evaluateAll streams incidents for: from the earliest start to the latest end of
 * the periods of [from, to) in every (period length, zone) the entities' latest terms use,
 * each pair's periods listed once. Undefined when no entity has a period there. Each period
 * lies within it, so filtering an entity's rows of the window by a period (relevantTo) gives
 * exactly the rows of that period.
 */
function streamWindow(
  entities: SlaEntity[],
  latestByRef: Map<string, TermsVersion>,
  from: number,
  to: number,
): { start: number; end: number } | undefined {
  const seen = new Set<string>();
  let start = Infinity;
  let end = -Infinity;
  for (const entity of entities) {
    const { terms } = latestByRef.get(entity.entityRef)!;
    const key = `${terms.period}\u0000${terms.timezone}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const periods = periodsOf(
      granularityOf(terms.period),
      terms.timezone,
      from,
      to,
    );
    if (periods.length === 0) continue;
    start = Math.min(start, periods[0].start);
    end = Math.max(end, periods[periods.length - 1].end);
  }
  return start < end ? { start, end } : undefined;
}

function toSnapshot(r: EntityPeriodResult, now: number): Snapshot {
  return {
    entityRef: r.entityRef,
    periodKey: r.period.key,
    periodStart: r.period.start,
    periodEnd: r.period.end,
    termsVersion: r.termsVersion,
    result: r.result,
    computedAt: now,
  };
}

function fromSnapshot(
  entity: SlaEntity,
  versions: TermsVersion[],
  s: Snapshot,
): EntityPeriodResult {
  const version =
    versions.find(v => v.version === s.termsVersion) ?? versions[0];
  return {
    entityRef: entity.entityRef,
    title: entity.title,
    period: {
      key: s.periodKey,
      start: s.periodStart,
      end: s.periodEnd,
      granularity: periodGranularityOfKey(s.periodKey),
    },
    source: 'snapshot',
    termsVersion: s.termsVersion,
    termsBackdated: version.seenAt >= s.periodEnd,
    terms: version.terms,
    termsAsWritten: termsAsWrittenOf(version.terms),
    result: s.result,
  };
}

function periodGranularityOfKey(key: string): Period['granularity'] {
  const kind = periodKindOfKey(key);
  return kind ? granularityOf(kind) : 'custom';
}
