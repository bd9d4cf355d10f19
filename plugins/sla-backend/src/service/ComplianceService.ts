import { InputError, NotFoundError } from '@backstage/errors';
import {
  achievementRate,
  BusinessCalendar,
  createBusinessCalendar,
  evaluatePeriod,
  formatSlaTerms,
  granularityOf,
  Period,
  PeriodResult,
  periodContaining,
  periodFromRange,
  previousPeriods,
  resolvePeriod,
  SlaConfig,
  SlaTerms,
  termsInForce,
} from '@servicelevel/plugin-sla-common';
import {
  EntityStore,
  IncidentStore,
  SlaEntity,
  Snapshot,
  SnapshotStore,
  TermsStore,
  TermsVersion,
} from '../database/types';

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
  constructor(
    private readonly deps: {
      incidents: IncidentStore;
      terms: TermsStore;
      entities: EntityStore;
      snapshots: SnapshotStore;
      slaConfig: SlaConfig;
    },
  ) {}

  calendarFor(terms: SlaTerms): BusinessCalendar {
    return createBusinessCalendar(terms, this.deps.slaConfig);
  }

  /** The entity, its term versions, and the latest version; NotFoundError when it has no SLA. */
  async loadEntity(entityRef: string): Promise<{
    entity: SlaEntity;
    versions: TermsVersion[];
    latest: TermsVersion;
  }> {
    const entity = await this.deps.entities.getEntity(entityRef);
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

  async entityCompliance(
    entityRef: string,
    query: PeriodQuery,
    now: number,
  ): Promise<EntityPeriodResult> {
    const { entity, versions, latest } = await this.loadEntity(entityRef);
    const period = resolvePeriodQuery(query, latest.terms, now);
    return this.evaluate(entity, versions, period, now);
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
   * Snapshots and incidents are read in bulk.
   */
  async evaluateMany(
    query: PeriodQuery,
    now: number,
    granularity?: Exclude<Period['granularity'], 'custom'>,
  ): Promise<EntityPeriodResult[]> {
    const entities = await this.deps.entities.listEntities();
    const latestByRef = new Map(
      (await this.deps.terms.listLatest()).map(v => [v.entityRef, v]),
    );
    const withTerms = entities.filter(e => latestByRef.has(e.entityRef));
    const results: EntityPeriodResult[] = [];
    for (const entity of withTerms) {
      const latest = latestByRef.get(entity.entityRef)!;
      const period = resolvePeriodQuery(query, latest.terms, now, granularity);
      const versions =
        latest.version === 1
          ? [latest]
          : await this.deps.terms.listVersions(entity.entityRef);
      results.push(await this.evaluate(entity, versions, period, now));
    }
    return results;
  }

  /**
   * Writes the snapshot of every closed period (of each entity's own length) that ended before
   * `now` within the last `lookbackPeriods`, when none exists yet. Returns how many were written.
   */
  async snapshotClosedPeriods(
    now: number,
    lookbackPeriods = 2,
  ): Promise<number> {
    let written = 0;
    const entities = await this.deps.entities.listEntities();
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
    return written;
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
      await this.deps.snapshots.replace({
        ...toSnapshot(computed, now),
        recomputedBy,
      });
      return { ...computed, source: 'snapshot' };
    }
    return computed;
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
        return fromSnapshot(entity, versions, snapshot);
      }
    }
    const computed = await this.compute(entity, versions, period, now);
    if (closed) {
      // The first read of a closed period publishes it; later reads never change it.
      await this.deps.snapshots.insertIfAbsent(toSnapshot(computed, now));
      const stored = await this.deps.snapshots.get(
        entity.entityRef,
        period.key,
      );
      return stored ? fromSnapshot(entity, versions, stored) : computed;
    }
    return computed;
  }

  private async compute(
    entity: SlaEntity,
    versions: TermsVersion[],
    period: Period,
    now: number,
  ): Promise<EntityPeriodResult> {
    const inForce = termsInForce(versions, period.end);
    const version = inForce ?? versions[0];
    const incidents = await this.deps.incidents.listForEntity(
      entity.entityRef,
      period.start,
      period.end,
    );
    const result = evaluatePeriod({
      terms: version.terms,
      calendar: this.calendarFor(version.terms),
      incidents,
      period,
      now,
    });
    return {
      entityRef: entity.entityRef,
      title: entity.title,
      period,
      source: 'live',
      termsVersion: version.version,
      termsBackdated: inForce === undefined,
      terms: version.terms,
      termsAsWritten: formatSlaTerms(version.terms),
      result,
    };
  }
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
    termsAsWritten: formatSlaTerms(version.terms),
    result: s.result,
  };
}

function periodGranularityOfKey(key: string): Period['granularity'] {
  if (/^\d{4}-\d{2}$/.test(key)) return 'month';
  if (/^\d{4}-Q\d$/i.test(key)) return 'quarter';
  if (/^\d{4}$/.test(key)) return 'year';
  return 'custom';
}

/** Sum over sums (SPEC §5.7) of a set of results. */
export function rollup(results: EntityPeriodResult[]) {
  return achievementRate(results.map(r => r.result));
}
