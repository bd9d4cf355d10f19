import { CompoundEntityRef } from '@backstage/catalog-model';
import {
  createApiRef,
  DiscoveryApi,
  FetchApi,
} from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import type {
  Plan as SlaPlan,
  PlanHistoryEntry,
  PlanOrigin,
  PlanStatus,
} from '@servicelevel/plugin-sla-common';

/** Types of the plans, reports and confirmation routes of sla-backend (issue 7). */

export {
  PLAN_STATUSES,
  PLAN_TRANSITIONS,
} from '@servicelevel/plugin-sla-common';
export type {
  PlanAction,
  PlanHistoryEntry,
  PlanOrigin,
  PlanStatus,
} from '@servicelevel/plugin-sla-common';

/** A plan as the API returns it, with whether it or its actions are overdue. @public */
export type Plan = SlaPlan & {
  overdue: boolean;
  overdueActions: string[];
};

/** An action as sent: existing actions keep their id. @public */
export interface PlanActionInput {
  id?: string;
  title: string;
  assignee?: string;
  dueDate?: string;
  done?: boolean;
}

/** @public */
export interface NewPlan {
  entityRef: string;
  title: string;
  description?: string;
  origin: PlanOrigin;
  addresses?: Array<{ objective: string; period: string }>;
  owner: string;
  targetDate: string;
  actions?: PlanActionInput[];
}

/** @public */
export type PlanPatch = Partial<
  Omit<NewPlan, 'entityRef' | 'actions'> & {
    status: PlanStatus;
    actions: PlanActionInput[];
  }
>;

/** @public */
export interface PlanFilter {
  entity?: string;
  owner?: string;
  status?: PlanStatus[];
  overdue?: boolean;
}

/** @public */
export type ReportFormat = 'csv' | 'md' | 'html';

/** @public */
export interface ReportSummary {
  subjectKind: 'entity' | 'customer';
  subjectRef: string;
  periodKey: string;
  generatedAt: number;
  generatedBy: string;
  revision: number;
}

/** @public */
export interface ReportDocument {
  fileName: string;
  contentType: string;
  text: string;
}

/** @public */
export interface AgreementConfirmation {
  id: number;
  entityRef: string;
  termsVersion: number;
  by: string;
  role: 'owner' | 'customer';
  at: number;
  comment?: string;
}

/** @public */
export interface ConfirmationStatus {
  entityRef: string;
  termsVersion: number;
  state: 'confirmed' | 'changed-since-confirmation' | 'unconfirmed';
  lastConfirmation?: AgreementConfirmation;
  confirmations: AgreementConfirmation[];
  review: {
    state: 'none' | 'ok' | 'due-soon' | 'overdue';
    reviewBy?: string;
    daysLeft?: number;
  };
}

/** @public */
export interface PlansReportsApi {
  listPlans(filter?: PlanFilter): Promise<{ items: Plan[] }>;
  getPlan(id: string): Promise<Plan & { history: PlanHistoryEntry[] }>;
  createPlan(plan: NewPlan): Promise<Plan>;
  updatePlan(id: string, patch: PlanPatch): Promise<Plan>;
  deletePlan(id: string): Promise<void>;
  listReports(
    subject: 'entity' | 'customer',
    ref: CompoundEntityRef,
  ): Promise<{ items: ReportSummary[] }>;
  getReport(
    subject: 'entity' | 'customer',
    ref: CompoundEntityRef,
    period: string,
    format: ReportFormat,
  ): Promise<ReportDocument>;
  getConfirmation(entity: CompoundEntityRef): Promise<ConfirmationStatus>;
  confirmAgreement(
    entity: CompoundEntityRef,
    termsVersion: number,
    comment?: string,
  ): Promise<AgreementConfirmation>;
}

/** @public */
export const plansReportsApiRef = createApiRef<PlansReportsApi>({
  id: 'plugin.sla.plans-reports',
});

const SUBJECT_PATH = { entity: '/entities', customer: '/customers' } as const;

function refPath(ref: CompoundEntityRef): string {
  return [ref.kind, ref.namespace, ref.name]
    .map(p => encodeURIComponent(p))
    .join('/');
}

/** Talks to the plans, reports and confirmation routes of `/api/sla`. @public */
export class PlansReportsClient implements PlansReportsApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  listPlans(filter: PlanFilter = {}): Promise<{ items: Plan[] }> {
    const query = new URLSearchParams();
    if (filter.entity) query.set('entity', filter.entity);
    if (filter.owner) query.set('owner', filter.owner);
    if (filter.status?.length) query.set('status', filter.status.join(','));
    if (filter.overdue !== undefined) {
      query.set('overdue', String(filter.overdue));
    }
    return this.request('/plans', { query });
  }

  getPlan(id: string): Promise<Plan & { history: PlanHistoryEntry[] }> {
    return this.request(`/plans/${encodeURIComponent(id)}`);
  }

  createPlan(plan: NewPlan): Promise<Plan> {
    return this.request('/plans', { method: 'POST', body: plan });
  }

  updatePlan(id: string, patch: PlanPatch): Promise<Plan> {
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
    subject: 'entity' | 'customer',
    ref: CompoundEntityRef,
  ): Promise<{ items: ReportSummary[] }> {
    return this.request(`${SUBJECT_PATH[subject]}/${refPath(ref)}/reports`);
  }

  async getReport(
    subject: 'entity' | 'customer',
    ref: CompoundEntityRef,
    period: string,
    format: ReportFormat,
  ): Promise<ReportDocument> {
    const query = new URLSearchParams({ period, format });
    const response = await this.request<Response>(
      `${SUBJECT_PATH[subject]}/${refPath(ref)}/report`,
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

  getConfirmation(entity: CompoundEntityRef): Promise<ConfirmationStatus> {
    return this.request(`/entities/${refPath(entity)}/confirmation`);
  }

  confirmAgreement(
    entity: CompoundEntityRef,
    termsVersion: number,
    comment?: string,
  ): Promise<AgreementConfirmation> {
    return this.request(`/entities/${refPath(entity)}/confirmation`, {
      method: 'POST',
      body: comment ? { termsVersion, comment } : { termsVersion },
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
