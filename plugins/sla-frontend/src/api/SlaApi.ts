import { createApiRef } from '@backstage/core-plugin-api';
import { CompoundEntityRef } from '@backstage/catalog-model';
import {
  CatalogListing,
  EntityHistory,
  EntityPeriodResult,
  EntityTerms,
  Overview,
  OverviewGroupBy,
  PeriodSelector,
  SourcesStatus,
} from './types';

/** The sla-backend HTTP API (docs/api.md). @public */
export interface SlaApi {
  /** One entity's result for a period (`2026-03`, `2026-Q1`, `2026`, or from/to); default the current one. */
  getEntityCompliance(
    entity: CompoundEntityRef,
    options?: PeriodSelector,
  ): Promise<EntityPeriodResult>;
  /** The last `periods` periods of the entity's own length, oldest first. */
  getEntityHistory(
    entity: CompoundEntityRef,
    options?: { periods?: number },
  ): Promise<EntityHistory>;
  /** The entity's annotations and every version of its effective terms. */
  getEntityTerms(entity: CompoundEntityRef): Promise<EntityTerms>;
  /** Organisation-wide rollup; without a period, the current month. */
  getOverview(options?: {
    period?: string;
    groupBy?: OverviewGroupBy;
  }): Promise<Overview>;
  /** The published service catalog. */
  getCatalog(): Promise<CatalogListing>;
  /** Sync state of every incident source. */
  getSources(): Promise<SourcesStatus>;
}

/** @public */
export const slaApiRef = createApiRef<SlaApi>({ id: 'plugin.sla.service' });
