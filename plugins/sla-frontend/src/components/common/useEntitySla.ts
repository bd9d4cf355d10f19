import { Entity, getCompoundEntityRef } from '@backstage/catalog-model';
import { hasSlaAnnotations } from '@servicelevel/plugin-sla-common';
import useAsync from 'react-use/esm/useAsync';
import { useSlaApi } from './useSlaApi';

/**
 * What the entity card and tab load for an entity: one period's compliance (the current
 * one unless `period` names another), the last `historyPeriods` periods and the terms.
 * Nothing is requested for an entity without SLA annotations (`available` is false).
 */
export function useEntitySla(
  entity: Entity,
  options: { period?: string; historyPeriods: number },
) {
  const slaApi = useSlaApi();
  const { period, historyPeriods } = options;
  const available = hasSlaAnnotations(entity.metadata.annotations);
  const ref = getCompoundEntityRef(entity);
  const refKey = `${ref.kind}:${ref.namespace}/${ref.name}`;

  const compliance = useAsync(
    async () =>
      available ? slaApi.getEntityCompliance(ref, { period }) : undefined,
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [slaApi, refKey, available, period],
  );
  const history = useAsync(
    async () =>
      available
        ? slaApi.getEntityHistory(ref, { periods: historyPeriods })
        : undefined,
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [slaApi, refKey, available, historyPeriods],
  );
  const terms = useAsync(
    async () => (available ? slaApi.getEntityTerms(ref) : undefined),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [slaApi, refKey, available],
  );
  return { available, ref, compliance, history, terms };
}
