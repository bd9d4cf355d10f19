import { useMemo } from 'react';
import {
  discoveryApiRef,
  fetchApiRef,
  useApiHolder,
} from '@backstage/core-plugin-api';
import {
  PlansReportsApi,
  plansReportsApiRef,
  PlansReportsClient,
} from '../../api/PlansReportsClient';

/**
 * The plans/reports API: the registered `plansReportsApiRef` when the app provides one (tests,
 * custom apps), otherwise a client built from the discovery and fetch APIs, so the components
 * work before the plugin registers a factory for it.
 */
export function usePlansReportsApi(): PlansReportsApi {
  const holder = useApiHolder();
  return useMemo(() => {
    const registered = holder.get(plansReportsApiRef);
    if (registered) return registered;
    const discoveryApi = holder.get(discoveryApiRef);
    const fetchApi = holder.get(fetchApiRef);
    if (!discoveryApi || !fetchApi) {
      throw new Error(
        'The SLA plans and reports need the discovery and fetch APIs, or plansReportsApiRef',
      );
    }
    return new PlansReportsClient({ discoveryApi, fetchApi });
  }, [holder]);
}

/** The backend's own message (e.g. `targetDate: …`) of a failed request, else the error's. */
export function errorMessage(e: unknown): string {
  const body = (e as { body?: { error?: { message?: unknown } } }).body;
  const message = body?.error?.message;
  return typeof message === 'string'
    ? message
    : String((e as Error).message ?? e);
}
