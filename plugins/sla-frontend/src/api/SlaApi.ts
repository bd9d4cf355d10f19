import { createApiRef } from '@backstage/core-plugin-api';
import { CompoundEntityRef } from '@backstage/catalog-model';
import { EntityCompliance } from './types';

/** @public */
export interface SlaApi {
  /** One entity's SLA result for a period (`2026-03`, `2026-Q1`, `2026`); default the current one. */
  getEntityCompliance(
    entity: CompoundEntityRef,
    options?: { period?: string },
  ): Promise<EntityCompliance>;
}

/** @public */
export const slaApiRef = createApiRef<SlaApi>({ id: 'plugin.sla.service' });
