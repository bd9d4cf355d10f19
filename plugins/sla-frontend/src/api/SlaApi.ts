import { createApiRef } from '@backstage/core-plugin-api';
import { CompoundEntityRef } from '@backstage/catalog-model';
import type {
  CatalogListing,
  Confirmation,
  ConfirmationStatus,
  CrossCheck,
  CustomerReportList,
  EntityHistory,
  EntityChain,
  EntityPeriodResult,
  EntityTerms,
  CatalogQuery,
  CustomerList,
  HistoryQuery,
  NewPlan,
  Overview,
  OverviewQuery,
  PeriodSelector,
  PlanFilter,
  PlanList,
  PlanPatch,
  PlanView,
  PlanWithHistory,
  ReportDocument,
  ReportDocumentFormat,
  ReportList,
  ReportSummary,
  SourcesStatus,
  SupplierOverview,
  TermsPreview,
  TermsPreviewRequest,
} from './types';

/** The sla-backend HTTP API (docs/api.md), typed by its OpenAPI document. @public */
export interface SlaApi {
  /** One entity's result for a period (`2026-03`, `2026-Q1`, `2026`, or from/to); default the current one. */
  getEntityCompliance(
    entity: CompoundEntityRef,
    options?: PeriodSelector,
  ): Promise<EntityPeriodResult>;
  /** The last `periods` periods of the entity's own length, oldest first. */
  getEntityHistory(
    entity: CompoundEntityRef,
    options?: HistoryQuery,
  ): Promise<EntityHistory>;
  /** The entity's annotations and every version of its effective terms. */
  getEntityTerms(entity: CompoundEntityRef): Promise<EntityTerms>;
  /**
   * "What if": the last closed periods under the terms in force and under proposed
   * annotations, side by side. Nothing is stored.
   */
  previewEntityTerms(
    entity: CompoundEntityRef,
    proposal: TermsPreviewRequest,
  ): Promise<TermsPreview>;
  /** Organisation-wide rollup; without a period, the current month. */
  getOverview(options?: OverviewQuery): Promise<Overview>;
  /**
   * The organisation grouped by supplier: every underpinning contract (agreement type uc), its
   * achievement, and the services whose breaches overlapped its outages.
   */
  getSupplierOverview(options?: { period?: string }): Promise<SupplierOverview>;
  /** The published service catalog; with a query, one page of it. */
  getCatalog(query?: CatalogQuery): Promise<CatalogListing>;
  /** Every customer a service of the catalog names, with how many services name it. */
  listCustomers(): Promise<CustomerList>;
  /** Sync state of every incident source. */
  getSources(): Promise<SourcesStatus>;
  /** Where a source's own SLA verdicts differ from ours in `period`, with the likely reason. */
  getSourceCrossCheck(source: string, period: string): Promise<CrossCheck>;
  /** Improvement plans, filtered like `GET /plans`. */
  listPlans(filter?: PlanFilter): Promise<PlanList>;
  /** One plan with its change history. */
  getPlan(id: string): Promise<PlanWithHistory>;
  createPlan(plan: NewPlan): Promise<PlanView>;
  updatePlan(id: string, patch: PlanPatch): Promise<PlanView>;
  deletePlan(id: string): Promise<void>;
  /** The stored reports of a service, or of a customer and the services naming it. */
  listReports(
    subject: ReportSummary['subjectKind'],
    ref: CompoundEntityRef,
  ): Promise<ReportList | CustomerReportList>;
  /**
   * One period's report document, with the file name the server gave it; with `internal`,
   * its internal section too (dependencies and downtime attribution, not for customers).
   */
  getReport(
    subject: ReportSummary['subjectKind'],
    ref: CompoundEntityRef,
    period: string,
    format: ReportDocumentFormat,
    options?: { internal?: boolean },
  ): Promise<ReportDocument>;
  /**
   * A named calendar as iCalendar (holidays, make-up workdays, closures, working hours), to
   * save or subscribe to; fetched with the user's token.
   */
  getCalendarIcs(name: string): Promise<ReportDocument>;
  /**
   * The chain behind the entity for a period (default the current one): its dependencies with
   * their results, consistency warnings and its downtime attributed to their outages.
   */
  getEntityChain(
    entity: CompoundEntityRef,
    period?: string,
  ): Promise<EntityChain>;
  /** The entity's terms in force as OpenSLO v1 YAML, to save. */
  getEntityOpenSlo(entity: CompoundEntityRef): Promise<ReportDocument>;
  /** Confirmation and review state of the entity's agreement. */
  getConfirmation(entity: CompoundEntityRef): Promise<ConfirmationStatus>;
  /** Confirms the latest terms version. */
  confirmAgreement(
    entity: CompoundEntityRef,
    termsVersion: number,
    comment?: string,
  ): Promise<Confirmation>;
}

/** @public */
export const slaApiRef = createApiRef<SlaApi>({ id: 'plugin.sla.service' });
