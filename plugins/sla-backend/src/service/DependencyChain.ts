import { NotFoundError } from '@backstage/errors';
import {
  attributeDowntime,
  chainWarnings,
  incidentSourceCounts,
  maintenanceCalendarOf,
} from '@servicelevel/plugin-sla-common';
import type {
  ChainDependency,
  ChainDependencyResult,
  DowntimeAttribution,
  EntityChain,
} from '@servicelevel/plugin-sla-common';
import type { EntityStore, IncidentStore } from '../database/types';
import type {
  ComplianceService,
  EntityPeriodResult,
  PeriodQuery,
} from './ComplianceService';

/** How far `dependsOn` relations are followed by default (SPEC §8). */
export const DEFAULT_CHAIN_DEPTH = 2;

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

  async chain(
    entityRef: string,
    query: PeriodQuery,
    now: number,
  ): Promise<EntityChain> {
    const { compliance, entities } = this.deps;
    const service = await compliance.entityCompliance(entityRef, query, now);
    const depth = this.deps.depth ?? DEFAULT_CHAIN_DEPTH;
    // Breadth first, each entity once at its smallest depth.
    const found: Array<{ ref: string; depth: number; via: string }> = [];
    const seen = new Set([entityRef.toLocaleLowerCase('en-US')]);
    let frontier = [entityRef];
    for (let level = 1; level <= depth && frontier.length; level++) {
      const next: string[] = [];
      for (const parent of frontier) {
        const stored = await entities.getEntity(parent);
        for (const ref of stored?.dependsOn ?? []) {
          const key = ref.toLocaleLowerCase('en-US');
          if (seen.has(key)) continue;
          seen.add(key);
          found.push({ ref, depth: level, via: parent });
          next.push(ref);
        }
      }
      frontier = next;
    }

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
