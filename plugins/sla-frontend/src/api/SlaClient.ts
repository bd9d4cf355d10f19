import { CompoundEntityRef } from '@backstage/catalog-model';
import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import { SlaApi } from './SlaApi';
import type * as Api from './types';

const SUBJECT_PATH = { entity: '/entities', customer: '/customers' } as const;

/** `/entities/<kind>/<namespace>/<name>` (or `/customers/…`), each part encoded. */
function refPath(
  ref: CompoundEntityRef,
  subject: Api.ReportSummary['subjectKind'] = 'entity',
) {
  const parts = [ref.kind, ref.namespace, ref.name].map(p =>
    encodeURIComponent(p),
  );
  return `${SUBJECT_PATH[subject]}/${parts.join('/')}`;
}

/** Talks to the sla-backend plugin at `/api/sla`. @public */
export class SlaClient implements SlaApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  getEntityCompliance(
    entity: CompoundEntityRef,
    options?: Api.PeriodSelector,
  ): Promise<Api.EntityPeriodResult> {
    const query = new URLSearchParams();
    if (options && 'from' in options) {
      query.set('from', options.from);
      query.set('to', options.to);
    } else if (options?.period) {
      query.set('period', options.period);
    }
    return this.request(`${refPath(entity)}/compliance`, { query });
  }

  getEntityChain(
    entity: CompoundEntityRef,
    period?: string,
  ): Promise<Api.EntityChain> {
    const query = new URLSearchParams();
    if (period) query.set('period', period);
    return this.request(`${refPath(entity)}/chain`, { query });
  }

  getEntityHistory(
    entity: CompoundEntityRef,
    options?: Api.HistoryQuery,
  ): Promise<Api.EntityHistory> {
    const query = new URLSearchParams();
    if (options?.periods !== undefined) {
      query.set('periods', String(options.periods));
    }
    return this.request(`${refPath(entity)}/history`, { query });
  }

  getEntityTerms(entity: CompoundEntityRef): Promise<Api.EntityTerms> {
    return this.request(`${refPath(entity)}/terms`);
  }

  previewEntityTerms(
    entity: CompoundEntityRef,
    proposal: Api.TermsPreviewRequest,
  ): Promise<Api.TermsPreview> {
    return this.request(`${refPath(entity)}/preview`, {
      method: 'POST',
      body: proposal,
    });
  }

  getOverview(options?: Api.OverviewQuery): Promise<Api.Overview> {
    const query = new URLSearchParams();
    if (options?.period) query.set('period', options.period);
    if (options?.groupBy) query.set('groupBy', options.groupBy);
    if (options?.group !== undefined) query.set('group', options.group);
    if (options?.q) query.set('q', options.q);
    if (options?.limit !== undefined) query.set('limit', String(options.limit));
    if (options?.offset !== undefined)
      query.set('offset', String(options.offset));
    return this.request('/overview', { query });
  }

  getSupplierOverview(options?: {
    period?: string;
  }): Promise<Api.SupplierOverview> {
    const query = new URLSearchParams();
    if (options?.period) query.set('period', options.period);
    return this.request('/overview/suppliers', { query });
  }

  getCatalog(options?: Api.CatalogQuery): Promise<Api.CatalogListing> {
    const query = new URLSearchParams();
    for (const [name, value] of Object.entries(options ?? {})) {
      if (value !== undefined && value !== '') query.set(name, String(value));
    }
    return this.request('/catalog', { query });
  }

  listCustomers(): Promise<Api.CustomerList> {
    return this.request('/customers');
  }

  getSources(): Promise<Api.SourcesStatus> {
    return this.request('/sources');
  }

  getSourceCrossCheck(source: string, period: string): Promise<Api.CrossCheck> {
    return this.request(`/sources/${encodeURIComponent(source)}/cross-check`, {
      query: new URLSearchParams({ period }),
    });
  }

  listPlans(filter: Api.PlanFilter = {}): Promise<Api.PlanList> {
    const query = new URLSearchParams();
    if (filter.entity) query.set('entity', filter.entity);
    if (filter.owner) query.set('owner', filter.owner);
    if (filter.status?.length) query.set('status', filter.status.join(','));
    if (filter.overdue !== undefined) {
      query.set('overdue', String(filter.overdue));
    }
    return this.request('/plans', { query });
  }

  getPlan(id: string): Promise<Api.PlanWithHistory> {
    return this.request(`/plans/${encodeURIComponent(id)}`);
  }

  createPlan(plan: Api.NewPlan): Promise<Api.PlanView> {
    return this.request('/plans', { method: 'POST', body: plan });
  }

  updatePlan(id: string, patch: Api.PlanPatch): Promise<Api.PlanView> {
    return this.request(`/plans/${encodeURIComponent(id)}`, {
      method: 'PATCH',
      body: patch,
    });
  }

  async deletePlan(id: string): Promise<void> {
    await this.request(`/plans/${encodeURIComponent(id)}`, {
      method: 'DELETE',
    });
  }

  listReports(
    subject: Api.ReportSummary['subjectKind'],
    ref: CompoundEntityRef,
  ): Promise<Api.ReportList | Api.CustomerReportList> {
    return this.request(`${refPath(ref, subject)}/reports`);
  }

  async getReport(
    subject: Api.ReportSummary['subjectKind'],
    ref: CompoundEntityRef,
    period: string,
    format: Api.ReportDocumentFormat,
    options?: { internal?: boolean },
  ): Promise<Api.ReportDocument> {
    const query = new URLSearchParams({ period, format });
    if (options?.internal) query.set('internal', 'true');
    const response = await this.request<Response>(
      `${refPath(ref, subject)}/report`,
      { query, raw: true },
    );
    const disposition = response.headers.get('content-disposition') ?? '';
    const name = /filename="([^"]+)"/.exec(disposition)?.[1];
    return {
      fileName: name ?? `sla-report-${ref.name}-${period}.${format}`,
      contentType: response.headers.get('content-type') ?? 'text/plain',
      text: await response.text(),
    };
  }

  async getCalendarIcs(name: string): Promise<Api.ReportDocument> {
    const response = await this.request<Response>(
      `/calendars/${encodeURIComponent(name)}.ics`,
      { raw: true },
    );
    return {
      fileName: `${name}.ics`,
      contentType: response.headers.get('content-type') ?? 'text/calendar',
      text: await response.text(),
    };
  }

  async getEntityOpenSlo(
    entity: CompoundEntityRef,
  ): Promise<Api.ReportDocument> {
    const response = await this.request<Response>(
      `${refPath(entity)}/openslo`,
      { raw: true },
    );
    const disposition = response.headers.get('content-disposition') ?? '';
    return {
      fileName:
        /filename="([^"]+)"/.exec(disposition)?.[1] ??
        `${entity.name}.openslo.yaml`,
      contentType: response.headers.get('content-type') ?? 'application/yaml',
      text: await response.text(),
    };
  }

  getConfirmation(entity: CompoundEntityRef): Promise<Api.ConfirmationStatus> {
    return this.request(`${refPath(entity)}/confirmation`);
  }

  confirmAgreement(
    entity: CompoundEntityRef,
    termsVersion: number,
    comment?: string,
  ): Promise<Api.Confirmation> {
    const body: Api.ConfirmationRequest = comment
      ? { termsVersion, comment }
      : { termsVersion };
    return this.request(`${refPath(entity)}/confirmation`, {
      method: 'POST',
      body,
    });
  }

  /** JSON by default; `raw` returns the Response (documents); 204 gives undefined. */
  private async request<T>(
    path: string,
    options: {
      method?: string;
      body?: unknown;
      query?: URLSearchParams;
      raw?: boolean;
    } = {},
  ): Promise<T> {
    const baseUrl = await this.discoveryApi.getBaseUrl('sla');
    const qs =
      options.query && options.query.toString() ? `?${options.query}` : '';
    const response = await this.fetchApi.fetch(`${baseUrl}${path}${qs}`, {
      method: options.method ?? 'GET',
      ...(options.body !== undefined
        ? {
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify(options.body),
          }
        : {}),
    });
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    if (options.raw) return response as unknown as T;
    if (response.status === 204) return undefined as T;
    return (await response.json()) as T;
  }
}
