import { useApi } from '@backstage/core-plugin-api';
import { SlaApi, slaApiRef } from '../../api';

/** The SLA API, registered by both the legacy and the new plugin. */
export function useSlaApi(): SlaApi {
  return useApi(slaApiRef);
}

/** The backend's own message (e.g. `targetDate: …`) of a failed request, else the error's. */
export function errorMessage(e: unknown): string {
  const body = (e as { body?: { error?: { message?: unknown } } }).body;
  const message = body?.error?.message;
  return typeof message === 'string'
    ? message
    : String((e as Error).message ?? e);
}
