import { NotFoundError } from '@backstage/errors';
import {
  achievementRate,
  attributeDowntime,
  chainWarnings,
  incidentSourceCounts,
  maintenanceCalendarOf,
} from '@servicelevel/plugin-sla-common';
import type {
  CatalogChainWarning,
  ChainDependency,
  ChainDependencyResult,
  DowntimeAttribution,
  EntityChain,
  SlaTerms,
  SupplierContract,
  SupplierOverview,
} from '@servicelevel/plugin-sla-common';
import type { EntityStore, IncidentStore, SlaEntity } from '../database/types';
import type {
  ComplianceService,
  EntityPeriodResult,
  PeriodQuery,
} from './ComplianceService';

/** How far `dependsOn` relations are followed by default (SPEC §8). */
export const DEFAULT_CHAIN_DEPTH = 2;

/** An entity a service's `dependsOn` relations reach. */
export interface Reached {
  ref: string;
  /** 1: a direct dependency; 2: a dependency of one. */
  depth: number;
  /** The entity it was reached through. */
  via: string;
}

/**
 * The entities `dependsOn` relations reach from `entityRef`, breadth first up to `depth`
 * levels, each once at its smallest depth (refs compared case-insensitively).
 */
export async function reachOf(
  entityRef: string,
  dependsOnOf: (
    ref: string,
  ) => Promise<string[] | undefined> | string[] | undefined,
  depth: number,
): Promise<Reached[]> {
  const found: Reached[] = [];
  const seen = new Set([entityRef.toLowerCase()]);
  let frontier = [entityRef];
  for (let level = 1; level <= depth && frontier.length; level++) {
    const next: string[] = [];
    for (const parent of frontier) {
      for (const ref of (await dependsOnOf(parent)) ?? []) {
        const key = ref.toLowerCase();
        if (seen.has(key)) continue;
        seen.add(key);
        found.push({ ref, depth: level, via: parent });
        next.push(ref);
      }
    }
    frontier = next;
  }
  return found;
}

/** Every stored entity by lower-case ref, and a `dependsOnOf` reading that map. */
function byRefOf(all: SlaEntity[]) {
  const byRef = new Map(all.map(e => [e.entityRef.toLowerCase(), e]));
  return {
    byRef,
    dependsOnOf: (ref: string) => byRef.get(ref.toLowerCase())?.dependsOn,
  };
}

/**
 * The chain behind a service (SPEC §8, issue 17): the entities its `dependsOn` relations
 * reach, each with its agreement type and its result for the same period; the consistency
 * warnings of the terms; and the service's downtime split by the dependencies that were down
 * at the time. Every figure comes from the engine: results from {@link ComplianceService},
 * attribution and warnings from sla-common.
 */
export class DependencyChain {
  constructor(
    private readonly deps: {
      compliance: ComplianceService;
      entities: EntityStore;
      incidents: IncidentStore;
      /** `sla.dependencies.depth` (default 2). */
      depth?: number;
    },
  ) {}

  /** How far `dependsOn` relations are followed (`sla.dependencies.depth`, default 2). */
  get depth(): number {
    return this.deps.depth ?? DEFAULT_CHAIN_DEPTH;
  }

  async chain(
    entityRef: string,
    query: PeriodQuery,
    now: number,
  ): Promise<EntityChain> {
    const { compliance, entities } = this.deps;
    const service = await compliance.entityCompliance(entityRef, query, now);
    const depth = this.depth;
    const found = await reachOf(
      entityRef,
      async ref => (await entities.getEntity(ref))?.dependsOn,
      depth,
    );

    // Each dependency over the same period in its own zone (a custom range stays one).
    const same: PeriodQuery =
      query.kind === 'range' ? query : { kind: 'key', key: service.period.key };
    const results = await Promise.all(
      found.map(d => this.resultOf(d.ref, same, now)),
    );
    const dependencies: ChainDependencyResult[] = found.map((d, i) => {
      const r = results[i];
      const availability = r?.result.objectives.find(
        o => o.objective === 'availability',
      );
      return dropUndefined({
        entityRef: d.ref,
        title: r?.title,
        depth: d.depth,
        via: d.depth > 1 ? d.via : undefined,
        hasSla: r !== undefined,
        agreementType: r ? r.terms.agreementType ?? 'sla' : undefined,
        availabilityTarget: r?.terms.availability,
        availability: r?.result.availability?.availability,
        availabilityStatus: availability?.status,
        complete: r?.result.complete,
        met: r?.result.met,
        committed: r?.result.committed,
        achievementRate: r?.result.achievementRate,
      });
    });

    const withTerms: ChainDependency[] = found.flatMap((d, i) => {
      const r = results[i];
      return r ? [{ ref: d.ref, depth: d.depth, terms: r.terms }] : [];
    });
    return dropUndefined({
      entityRef: service.entityRef,
      period: service.period,
      agreementType: service.terms.agreementType ?? 'sla',
      depth,
      dependencies,
      warnings: chainWarnings(service.terms, withTerms),
      attribution: await this.attribution(
        service,
        found.map(d => d.ref),
        now,
      ),
    }) as EntityChain;
  }

  /**
   * The consistency warnings of every service in `all` with terms (SPEC §8), as `chain` gives
   * them, for the catalog listing: from the stored relations and latest terms only, no
   * evaluation.
   */
  async catalogWarnings(
    all: SlaEntity[],
    latestTerms: Map<string, { terms: SlaTerms }>,
  ): Promise<CatalogChainWarning[]> {
    const { dependsOnOf } = byRefOf(all);
    const termsOf = (ref: string) => latestTerms.get(ref.toLowerCase())?.terms;
    const out: CatalogChainWarning[] = [];
    for (const e of all) {
      const terms = termsOf(e.entityRef);
      if (!terms) continue;
      const withTerms: ChainDependency[] = [];
      for (const d of await reachOf(e.entityRef, dependsOnOf, this.depth)) {
        const t = termsOf(d.ref);
        if (t) withTerms.push({ ref: d.ref, depth: d.depth, terms: t });
      }
      for (const w of chainWarnings(terms, withTerms)) {
        out.push({ entityRef: e.entityRef, ...w });
      }
    }
    return out;
  }

  /**
   * The organisation grouped by supplier (SPEC §8): every entity whose terms say `uc`, by its
   * owner, with its result for the period and the services whose `dependsOn` relations reach
   * it (up to the depth) that breached an objective in the period while their downtime
   * overlapped its outages, with the minutes attributed to it.
   */
  async suppliers(query: PeriodQuery, now: number): Promise<SupplierOverview> {
    const { compliance, entities } = this.deps;
    const all = await entities.listEntities();
    const latest = await compliance.listLatestTerms();
    const { dependsOnOf } = byRefOf(all);
    const contracts = all.filter(
      e => latest.get(e.entityRef)?.terms.agreementType === 'uc',
    );
    const isContract = new Set(contracts.map(e => e.entityRef.toLowerCase()));
    // Who depends on each contract, at the smallest depth.
    const dependents = new Map<string, Array<{ ref: string; depth: number }>>();
    for (const e of all) {
      if (!latest.has(e.entityRef)) continue;
      for (const d of await reachOf(e.entityRef, dependsOnOf, this.depth)) {
        const key = d.ref.toLowerCase();
        if (!isContract.has(key)) continue;
        const list = dependents.get(key) ?? [];
        list.push({ ref: e.entityRef, depth: d.depth });
        dependents.set(key, list);
      }
    }

    const bySupplier = new Map<string, SupplierContract[]>();
    for (const c of contracts) {
      const r = await compliance.entityCompliance(c.entityRef, query, now);
      const same: PeriodQuery =
        query.kind === 'range' ? query : { kind: 'key', key: r.period.key };
      const availability = r.result.objectives.find(
        o => o.objective === 'availability',
      );
      const affected: SupplierContract['dependents'] = [];
      for (const d of dependents.get(c.entityRef.toLowerCase()) ?? []) {
        const service = await compliance.entityCompliance(d.ref, same, now);
        const breached = service.result.objectives
          .filter(o => o.status === 'breached')
          .map(o => o.objective);
        if (breached.length === 0) continue;
        const split = await this.attribution(service, [c.entityRef], now);
        const attributedMs = split.dependencies[0]?.attributedMs ?? 0;
        if (attributedMs === 0) continue;
        affected.push(
          dropUndefined({
            entityRef: service.entityRef,
            title: service.title,
            depth: d.depth,
            agreementType: service.terms.agreementType ?? 'sla',
            breached,
            attributedMs,
            downtimeMs: split.downtimeMs,
          }),
        );
      }
      affected.sort(
        (a, b) =>
          b.attributedMs - a.attributedMs ||
          a.entityRef.localeCompare(b.entityRef),
      );
      const contract: SupplierContract = dropUndefined({
        entityRef: c.entityRef,
        title: r.title,
        period: r.period,
        complete: r.result.complete,
        met: r.result.met,
        committed: r.result.committed,
        achievementRate: r.result.achievementRate,
        availabilityTarget: r.terms.availability,
        availability: r.result.availability?.availability,
        availabilityStatus: availability?.status,
        outages: r.result.outages.count,
        downtimeMs: r.result.availability.downtimeMs,
        dependents: affected,
      });
      const key = c.ownerRef ?? '(none)';
      bySupplier.set(key, [...(bySupplier.get(key) ?? []), contract]);
    }
    return {
      depth: this.depth,
      suppliers: [...bySupplier.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([key, list]) => {
          const total = achievementRate(list);
          return dropUndefined({
            key,
            met: total.met,
            committed: total.committed,
            achievementRate: total.rate,
            contracts: list.sort((a, b) =>
              a.entityRef.localeCompare(b.entityRef),
            ),
          });
        }),
    };
  }

  /** A dependency's result for the period; undefined when it has no SLA. */
  private async resultOf(
    ref: string,
    query: PeriodQuery,
    now: number,
  ): Promise<EntityPeriodResult | undefined> {
    try {
      return await this.deps.compliance.entityCompliance(ref, query, now);
    } catch (e) {
      if (e instanceof NotFoundError) return undefined;
      throw e;
    }
  }

  /** The service's downtime in the period, split by the dependencies down at the time. */
  private async attribution(
    service: EntityPeriodResult,
    refs: string[],
    now: number,
  ): Promise<DowntimeAttribution> {
    const { incidents, compliance } = this.deps;
    const { start, end } = service.period;
    const until = Math.min(now, end);
    // One query for the service and its dependencies.
    const byRef = await incidents.listForEntities(
      [service.entityRef, ...refs],
      start,
      end,
    );
    return attributeDowntime({
      incidents: (byRef.get(service.entityRef) ?? []).filter(i =>
        incidentSourceCounts(i, service.terms),
      ),
      dependencies: refs.map(ref => ({
        ref,
        incidents: byRef.get(ref) ?? [],
      })),
      calendar: compliance.calendarFor(service.terms),
      maintenance: maintenanceCalendarOf(service.terms),
      period: { start, end },
      now: until,
    });
  }
}

/** The object without its undefined fields (the API document has no nulls). */
function dropUndefined<T extends object>(o: T): T {
  return Object.fromEntries(
    Object.entries(o).filter(([, v]) => v !== undefined),
  ) as T;
}
