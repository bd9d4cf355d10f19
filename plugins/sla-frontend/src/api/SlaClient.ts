import { CompoundEntityRef } from '@backstage/catalog-model';
import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import { SlaApi } from './SlaApi';
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

/** Talks to the sla-backend plugin at `/api/sla`. @public */
export class SlaClient implements SlaApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  async getEntityCompliance(
    entity: CompoundEntityRef,
    options?: PeriodSelector,
  ): Promise<EntityPeriodResult> {
    const query = new URLSearchParams();
    if (options && 'from' in options) {
      query.set('from', options.from);
      query.set('to', options.to);
    } else if (options?.period) {
      query.set('period', options.period);
    }
    return this.request(`${entityPath(entity)}/compliance`, query);
  }

  async getEntityHistory(
    entity: CompoundEntityRef,
    options?: { periods?: number },
  ): Promise<EntityHistory> {
    const query = new URLSearchParams();
    if (options?.periods !== undefined) {
      query.set('periods', String(options.periods));
    }
    return this.request(`${entityPath(entity)}/history`, query);
  }

  async getEntityTerms(entity: CompoundEntityRef): Promise<EntityTerms> {
    return this.request(`${entityPath(entity)}/terms`);
  }

  async getOverview(options?: {
    period?: string;
    groupBy?: OverviewGroupBy;
  }): Promise<Overview> {
    const query = new URLSearchParams();
    if (options?.period) query.set('period', options.period);
    if (options?.groupBy) query.set('groupBy', options.groupBy);
    return this.request('/overview', query);
  }

  async getCatalog(): Promise<CatalogListing> {
    return this.request('/catalog');
  }

  async getSources(): Promise<SourcesStatus> {
    return this.request('/sources');
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
