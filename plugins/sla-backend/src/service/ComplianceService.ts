import { InputError, NotFoundError } from '@backstage/errors';
import {
  applyCoverage,
  BusinessCalendar,
  createBusinessCalendar,
  evaluatePeriod,
  formatSlaTerms,
  granularityOf,
  periodKindOfKey,
  Period,
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
import { CustomerFees, periodCredits } from './credits';
import type { SlaMetrics } from './metrics';
import type { CoverageView, DataCoverage } from './coverage';

const DEFAULT_CACHE_MAX_AGE_MS = 10_000;
/** Cached results kept at most (one per entity and query, one per overview query). */
const MAX_CACHE_ENTRIES = 10_000;

/** Distinct terms kept shared; an organisation has far fewer distinct terms than services. */
const MAX_INTERNED_TERMS = 5_000;

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

/** One entity's result for one period, as the compliance endpoint serves it. */
export interface EntityPeriodResult {
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
  result: PeriodResult;
  /**
   * Service credits of the period (SPEC §7), from `result` and the terms in force; only when
   * they have credit rules and the period is not a custom range. Provisional when open.
   */
  credits?: ServiceCreditsResult;
}

/** One entity and one period to evaluate. */
interface EvaluationItem {
  entity: SlaEntity;
  versions: TermsVersion[];
  period: Period;
}

/** One entity's results for the overview, each period of the entity's own kind (see evaluateOwnKind). */
export interface OwnKindResults {
  entity: SlaEntity;
  /** The entity's own period kind (of its latest terms). */
  periodKind: PeriodKind;
  /** The requested period, resolved in the entity's zone. */
  period: Period;
  /** Periods of the entity's own kind overlapping `period` (or the custom range itself). */
  selected: EntityPeriodResult[];
  /** Periods of the entity's own kind in the year containing `period`'s start, oldest first. */
  year: EntityPeriodResult[];
  /** Periods of the entity's own kind overlapping the period before `period`. */
  previous: EntityPeriodResult[];
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
  private readonly cache = new Map<
    string,
    { at: number; validUntil: number; stamp: string; value: Promise<unknown> }
  >();
  private readonly internedTerms = new Map<string, SlaTerms>();
  /** Snapshot rewrites made here (explicit recompute). */
  private recomputes = 0;
  private readonly cacheMaxAgeMs: number;

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
       * Any write through this process's stores drops the cache at once; the age bounds how
       * stale a running clock, or a write made by another replica, can look.
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
    },
  ) {
    this.cacheMaxAgeMs = deps.cacheMaxAgeMs ?? DEFAULT_CACHE_MAX_AGE_MS;
  }

  /** Versions of one entity, their terms interned. */
  private async listVersions(entityRef: string): Promise<TermsVersion[]> {
    return (await this.deps.terms.listVersions(entityRef)).map(v =>
      this.intern(v),
    );
  }

  /**
   * Equal terms share one object. The engine keys its per-terms caches (maintenance
   * calendars and their computed days) on object identity, and every read parses terms
   * afresh, so without this each entity and request would rebuild them (measured: 70 % of a
   * full recompute went to luxon zone offsets of rebuilt maintenance calendars).
   */
  private intern(version: TermsVersion): TermsVersion {
    const key = JSON.stringify(version.terms);
    const known = this.internedTerms.get(key);
    if (known) {
      return known === version.terms ? version : { ...version, terms: known };
    }
    if (this.internedTerms.size >= MAX_INTERNED_TERMS) {
      this.internedTerms.delete(this.internedTerms.keys().next().value!);
    }
    this.internedTerms.set(key, version.terms);
    return version;
  }

  /** Changes whenever incidents, terms, entities or snapshots are written in this process. */
  private stamp(): string {
    const { incidents, terms, entities } = this.deps;
    return `${incidents.changes?.() ?? 0}:${terms.changes?.() ?? 0}:${
      entities.changes?.() ?? 0
    }:${this.recomputes}`;
  }

  /**
   * Serves `compute()` from the cache while nothing was written, it is younger than the
   * maximum age, and no period it covers has ended since (an open period that closes is
   * read from its snapshot instead). Concurrent callers share one computation.
   */
  private cached<T extends EntityPeriodResult | EntityPeriodResult[]>(
    key: string,
    now: number,
    compute: () => Promise<T>,
  ): Promise<T> {
    return this.cachedValue(key, now, compute, value => {
      let until = Infinity;
      for (const r of Array.isArray(value) ? value : [value]) {
        if (r.period.end > now) until = Math.min(until, r.period.end);
      }
      return until;
    });
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
  ): Promise<T> {
    if (this.cacheMaxAgeMs <= 0) return compute();
    const stamp = this.stamp();
    const hit = this.cache.get(key);
    if (hit && hit.stamp === stamp && now >= hit.at && now < hit.validUntil) {
      return hit.value as Promise<T>;
    }
    const entry = {
      at: now,
      validUntil: now + this.cacheMaxAgeMs,
      stamp,
      value: compute() as Promise<unknown>,
    };
    if (this.cache.size >= MAX_CACHE_ENTRIES) {
      // Oldest first: a Map iterates in insertion order.
      this.cache.delete(this.cache.keys().next().value!);
    }
    this.cache.delete(key);
    this.cache.set(key, entry);
    entry.value.then(
      value => {
        entry.validUntil = Math.min(entry.validUntil, validUntilOf(value as T));
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
  async loadEntity(entityRef: string): Promise<{
    entity: SlaEntity;
    versions: TermsVersion[];
    latest: TermsVersion;
  }> {
    let entity = await this.deps.entities.getEntity(entityRef);
    if (!entity && (await this.deps.entitySource?.syncEntity(entityRef))) {
      entity = await this.deps.entities.getEntity(entityRef);
    }
    const versions = entity ? await this.listVersions(entityRef) : [];
    if (!entity || entity.removedAt !== undefined || versions.length === 0) {
      throw new NotFoundError(
        `No SLA is known for ${entityRef}: it is not in the catalog or carries no servicelevel.io/ annotations`,
      );
    }
    return { entity, versions, latest: versions[versions.length - 1] };
  }

  async entityCompliance(
    entityRef: string,
    query: PeriodQuery,
    now: number,
  ): Promise<EntityPeriodResult> {
    return this.cached(
      `entity\u0000${entityRef}\u0000${JSON.stringify(query)}`,
      now,
      async () => {
        const { entity, versions, latest } = await this.loadEntity(entityRef);
        const period = resolvePeriodQuery(query, latest.terms, now);
        return this.evaluate(entity, versions, period, now);
      },
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
    return this.cached(
      `many\u0000${JSON.stringify(query)}\u0000${granularity ?? ''}`,
      now,
      () => this.evaluateManyUncached(query, now, granularity),
    );
  }

  private async evaluateManyUncached(
    query: PeriodQuery,
    now: number,
    granularity?: Exclude<Period['granularity'], 'custom'>,
  ): Promise<EntityPeriodResult[]> {
    const entities = await this.deps.entities.listEntities();
    const latestByRef = await this.listLatestTerms();
    const items: EvaluationItem[] = [];
    for (const entity of entities) {
      const latest = latestByRef.get(entity.entityRef);
      if (!latest) continue;
      const period = resolvePeriodQuery(query, latest.terms, now, granularity);
      const versions =
        latest.version === 1
          ? [latest]
          : await this.listVersions(entity.entityRef);
      items.push({ entity, versions, period });
    }
    return this.evaluateItems(items, now);
  }

  /**
   * What the organisation page needs, each entity in its own period kind: the requested
   * period resolved in the entity's zone (`current` is the current month), and the periods
   * of the entity's own kind that overlap it, the year containing it and the period before
   * it (the `/overview` description in openapi.yaml). A month of a quarterly service is its quarter; a year is its
   * quarters. Only periods that have started are evaluated; closed ones come from snapshots.
   * A custom range is evaluated as it is and has no previous period.
   */
  async evaluateOwnKind(
    query: PeriodQuery,
    now: number,
  ): Promise<OwnKindResults[]> {
    return this.cachedValue(
      `own\u0000${JSON.stringify(query)}`,
      now,
      () => this.evaluateOwnKindUncached(query, now),
      value => {
        let until = Infinity;
        for (const o of value) {
          for (const r of [...o.selected, ...o.year, ...o.previous]) {
            if (r.period.end > now) until = Math.min(until, r.period.end);
          }
        }
        return until;
      },
    );
  }

  private async evaluateOwnKindUncached(
    query: PeriodQuery,
    now: number,
  ): Promise<OwnKindResults[]> {
    const entities = await this.deps.entities.listEntities();
    const latestByRef = await this.listLatestTerms();
    const items: EvaluationItem[] = [];
    const plans: Array<{
      entity: SlaEntity;
      periodKind: PeriodKind;
      period: Period;
      selected: number[];
      year: number[];
      previous: number[];
    }> = [];
    for (const entity of entities) {
      const latest = latestByRef.get(entity.entityRef);
      if (!latest) continue;
      const { timezone } = latest.terms;
      const own = granularityOf(latest.terms.period);
      const period = resolvePeriodQuery(query, latest.terms, now, 'month');
      const versions =
        latest.version === 1
          ? [latest]
          : await this.listVersions(entity.entityRef);
      // One item per distinct period of this entity; the year holds the selected ones.
      const indexByKey = new Map<string, number>();
      const itemsOf = (periods: Period[]) =>
        periods.map(p => {
          let i = indexByKey.get(p.key);
          if (i === undefined) {
            i = items.push({ entity, versions, period: p }) - 1;
            indexByKey.set(p.key, i);
          }
          return i;
        });
      const ownOverlapping = (p: Period) =>
        periodsOf(own, timezone, p.start, p.end).filter(o => o.start <= now);
      const { granularity } = period;
      const year = itemsOf(
        ownOverlapping(periodContaining(period.start, 'year', timezone)),
      );
      plans.push(
        granularity === 'custom'
          ? {
              entity,
              periodKind: latest.terms.period,
              period,
              year,
              selected: itemsOf([period]),
              previous: [],
            }
          : {
              entity,
              periodKind: latest.terms.period,
              period,
              year,
              selected: itemsOf(ownOverlapping(period)),
              previous: itemsOf(
                ownOverlapping(
                  periodContaining(period.start - 1, granularity, timezone),
                ),
              ),
            },
      );
    }
    const results = await this.evaluateItems(items, now);
    return plans.map(p => ({
      entity: p.entity,
      periodKind: p.periodKind,
      period: p.period,
      selected: p.selected.map(i => results[i]),
      year: p.year.map(i => results[i]),
      previous: p.previous.map(i => results[i]),
    }));
  }

  /**
   * Results of (entity, period) items, in order. Snapshots and incidents are read in bulk:
   * one snapshot query for all closed periods and one incident query per distinct period
   * (entities in the same zone share one), instead of queries per item.
   */
  private async evaluateItems(
    items: EvaluationItem[],
    now: number,
  ): Promise<EntityPeriodResult[]> {
    const isClosed = (i: EvaluationItem) =>
      i.period.granularity !== 'custom' && i.period.end <= now;
    const closedItems = items.filter(isClosed);
    const snapshots = new Map<string, Snapshot>();
    if (closedItems.length > 0) {
      for (const s of await this.deps.snapshots.list({
        entityRefs: [...new Set(closedItems.map(i => i.entity.entityRef))],
        periodKeys: [...new Set(closedItems.map(i => i.period.key))],
      })) {
        snapshots.set(snapshotKey(s.entityRef, s.periodKey), s);
      }
    }
    const hasSnapshot = (i: EvaluationItem) =>
      snapshots.has(snapshotKey(i.entity.entityRef, i.period.key));

    // Incidents of everything without a snapshot, one bulk query per distinct period.
    const toCompute = items.filter(i => !isClosed(i) || !hasSnapshot(i));
    const byPeriod = new Map<string, EvaluationItem[]>();
    for (const item of toCompute) {
      const k = `${item.period.start}:${item.period.end}`;
      const group = byPeriod.get(k);
      if (group) group.push(item);
      else byPeriod.set(k, [item]);
    }
    const computed = new Map<EvaluationItem, EntityPeriodResult>();
    const coverage =
      toCompute.length > 0 ? await this.coverageAt(now) : undefined;
    for (const group of byPeriod.values()) {
      const { start, end } = group[0].period;
      const incidents = await this.deps.incidents.listForEntities(
        [...new Set(group.map(i => i.entity.entityRef))],
        start,
        end,
      );
      for (const item of group) {
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

    // Closed periods read for the first time are published, all in one transaction, and
    // then read back: a snapshot another writer stored first wins, as in `publish`.
    const unpublished = closedItems.filter(i => !hasSnapshot(i));
    if (unpublished.length > 0) {
      await this.deps.snapshots.insertAllIfAbsent(
        unpublished.map(i => toSnapshot(computed.get(i)!, now)),
      );
      for (const s of await this.deps.snapshots.list({
        entityRefs: [...new Set(unpublished.map(i => i.entity.entityRef))],
        periodKeys: [...new Set(unpublished.map(i => i.period.key))],
      })) {
        snapshots.set(snapshotKey(s.entityRef, s.periodKey), s);
      }
    }

    return items.map(item => {
      const snapshot = snapshots.get(
        snapshotKey(item.entity.entityRef, item.period.key),
      );
      return isClosed(item) && snapshot
        ? this.fromSnapshot(item.entity, item.versions, snapshot)
        : computed.get(item)!;
    });
  }

  /**
   * Evaluates every entity over every period of its own length that overlaps [from, to),
   * live (snapshots are neither read nor written), and hands each result to `onResult` as it
   * is computed. Entities are read in batches of `batchSize` with one incident query per batch
   * covering all their periods, the next batch read while the current one is evaluated, so
   * memory holds two batches of incidents and no results.
   * Returns how many (entity, period) results were produced.
   */
  async evaluateAll(options: {
    from: number;
    to: number;
    now: number;
    batchSize?: number;
    onResult: (result: EntityPeriodResult) => void | Promise<void>;
  }): Promise<number> {
    const { from, to, now, onResult } = options;
    const batchSize = options.batchSize ?? 50;
    const entities = await this.deps.entities.listEntities();
    const latestByRef = await this.listLatestTerms();
    const withTerms = entities.filter(e => latestByRef.has(e.entityRef));

    /** Starts reading one batch; the next batch is read while this one is evaluated. */
    const read = async (offset: number) => {
      const batch = [];
      for (const entity of withTerms.slice(offset, offset + batchSize)) {
        const latest = latestByRef.get(entity.entityRef)!;
        const versions =
          latest.version === 1
            ? [latest]
            : await this.listVersions(entity.entityRef);
        const periods = periodsOf(
          granularityOf(latest.terms.period),
          latest.terms.timezone,
          from,
          to,
        );
        if (periods.length > 0) batch.push({ entity, versions, periods });
      }
      if (batch.length === 0) {
        return { batch, incidents: new Map<string, StoredIncident[]>() };
      }
      const start = Math.min(...batch.map(i => i.periods[0].start));
      const end = Math.max(
        ...batch.map(i => i.periods[i.periods.length - 1].end),
      );
      const incidents = await this.deps.incidents.listForEntities(
        batch.map(i => i.entity.entityRef),
        start,
        end,
      );
      return { batch, incidents };
    };

    let count = 0;
    const coverage = await this.coverageAt(now);
    let next = withTerms.length > 0 ? read(0) : undefined;
    for (let offset = 0; next; offset += batchSize) {
      const { batch, incidents } = await next;
      next =
        offset + batchSize < withTerms.length
          ? read(offset + batchSize)
          : undefined;
      // Rejections of the read ahead surface when it is awaited; keep Node from calling it unhandled meanwhile.
      next?.catch(() => {});
      for (const { entity, versions, periods } of batch) {
        const all = incidents.get(entity.entityRef) ?? [];
        for (const period of periods) {
          // The same rows listForEntity(ref, period.start, period.end) returns, in the same order.
          const relevant = all.filter(i =>
            relevantTo(i, period.start, period.end),
          );
          await onResult(
            this.computeWith(entity, versions, period, now, relevant, coverage),
          );
          count++;
        }
      }
    }
    return count;
  }

  /** The latest terms version of every entity that has one, by entity ref (one query). */
  async listLatestTerms(): Promise<Map<string, TermsVersion>> {
    return new Map(
      (await this.deps.terms.listLatest()).map(v => [
        v.entityRef,
        this.intern(v),
      ]),
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
      const versions = await this.listVersions(entity.entityRef);
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

function snapshotKey(entityRef: string, periodKey: string): string {
  return `${entityRef}\u0000${periodKey}`;
}

/**
 * The filter of IncidentStore.listForEntity, in memory: created before `to` and not finished
 * before `from`.
 */
function relevantTo(i: StoredIncident, from: number, to: number): boolean {
  return (
    i.createdAt < to &&
    (i.resolvedAt === undefined ||
      i.resolvedAt >= from ||
      (i.acknowledgedAt !== undefined && i.acknowledgedAt >= from) ||
      (i.outage !== undefined &&
        (i.outage.end === undefined || i.outage.end >= from)))
  );
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
