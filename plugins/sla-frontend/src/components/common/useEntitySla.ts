import { Entity, getCompoundEntityRef } from '@backstage/catalog-model';
import { useSignal } from '@backstage/plugin-signals-react';
import {
  hasSlaAnnotations,
  SLA_SIGNAL_CHANNEL,
  type SlaIncidentsSignal,
} from '@servicelevel/plugin-sla-common';
import { useEffect, useRef, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { useSlaApi } from './useSlaApi';

/**
 * What the entity card and tab load for an entity: one period's compliance (the current
 * one unless `period` names another), the last `historyPeriods` periods and the terms.
 * Nothing is requested for an entity without SLA annotations (`available` is false).
 * Compliance and history are read again when the backend signals new incidents of the
 * entity (plugin-signals; without the signals plugin nothing changes).
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

  // Live: when the backend signals new incidents of this entity, the figures are read again
  // in the background; what is shown stays until the new answer replaces it.
  const { lastSignal } = useSignal<SlaIncidentsSignal>(SLA_SIGNAL_CHANNEL);
  const [version, setVersion] = useState(0);
  const background = useRef(false);
  useEffect(() => {
    const mine = refKey.toLowerCase();
    if (lastSignal?.entityRefs?.some(r => r.toLowerCase() === mine)) {
      background.current = true;
      setVersion(v => v + 1);
    }
  }, [lastSignal, refKey]);

  const complianceState = useAsync(
    async () =>
      available ? slaApi.getEntityCompliance(ref, { period }) : undefined,
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [slaApi, refKey, available, period, version],
  );
  const historyState = useAsync(
    async () =>
      available
        ? slaApi.getEntityHistory(ref, { periods: historyPeriods })
        : undefined,
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [slaApi, refKey, available, historyPeriods, version],
  );
  const settled = !complianceState.loading && !historyState.loading;
  useEffect(() => {
    if (settled) background.current = false;
  }, [settled]);
  const quiet = <T extends { loading: boolean }>(state: T): T =>
    background.current && state.loading ? { ...state, loading: false } : state;
  const compliance = quiet(complianceState);
  const history = quiet(historyState);
  const terms = useAsync(
    async () => (available ? slaApi.getEntityTerms(ref) : undefined),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [slaApi, refKey, available],
  );
  return { available, ref, compliance, history, terms };
}
