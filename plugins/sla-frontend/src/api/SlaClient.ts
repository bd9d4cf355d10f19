import { CompoundEntityRef } from '@backstage/catalog-model';
import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import { SlaApi } from './SlaApi';
import { EntityCompliance } from './types';

/** Talks to the sla-backend plugin at `/api/sla`. */
export class SlaClient implements SlaApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  async getEntityCompliance(
    entity: CompoundEntityRef,
    options?: { period?: string },
  ): Promise<EntityCompliance> {
    const query = new URLSearchParams();
    if (options?.period) {
      query.set('period', options.period);
    }
    return this.request<EntityCompliance>(
      `${entityPath(entity)}/compliance`,
      query,
    );
  }

  private async request<T>(path: string, query?: URLSearchParams): Promise<T> {
    const baseUrl = await this.discoveryApi.getBaseUrl('sla');
    const qs = query && query.toString() ? `?${query}` : '';
    const response = await this.fetchApi.fetch(`${baseUrl}${path}${qs}`);
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }
}

function entityPath(entity: CompoundEntityRef): string {
  return `/entities/${encodeURIComponent(entity.kind)}/${encodeURIComponent(
    entity.namespace,
  )}/${encodeURIComponent(entity.name)}`;
}
