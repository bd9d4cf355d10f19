/*
 * Types of the sla-backend HTTP API (docs/api.md). Every response and request body is the type
 * sla-common generates from sla-backend's OpenAPI document, re-exported here under the names
 * this package has always exported, so the frontend and the backend cannot drift apart.
 * Only client-side option objects that the API does not describe are declared here.
 * Instants are epoch milliseconds.
 */
import type {
  components,
  operations,
  Overview,
  PlanStatus,
} from '@servicelevel/plugin-sla-common';

export type {
  AchievementTally,
  AnnotationProblem,
  AvailabilityResult,
  CatalogChainWarning,
  CatalogItem,
  CatalogListing,
  ChainDependencyResult,
  CrossCheck,
  ClockResult,
  ClockStatus,
  Confirmation,
  ConfirmationRequest,
  ConfirmationStatus,
  CustomerList,
  CustomerReportList,
  EntityChain,
  EntityHistory,
  EntityPeriodResult,
  EntityTerms,
  HeatmapCell,
  HeatmapRow,
  IncidentRow,
  NewPlan,
  ObjectiveId,
  ObjectiveResult,
  ObjectiveStatus,
  Overview,
  OverviewGroup,
  Period,
  PeriodResult,
  PlanActionInput,
  PlanList,
  PlanPatch,
  PlanStatus,
  PlanView,
  PlanWithHistory,
  Priority,
  ReportList,
  ReportSummary,
  ReviewDetail,
  ServiceSummary,
  SlaTerms,
  SourcesStatus,
  SourceState,
  SupplierContract,
  SupplierOverview,
  TermsPreview,
  TermsPreviewPeriod,
  TermsPreviewRequest,
  TermsVersion,
} from '@servicelevel/plugin-sla-common';

/** Grouping dimension of the overview (`GET /overview?groupBy=`). @public */
export type OverviewGroupBy = Overview['groupBy'];

/**
 * How a caller names a period: a key (`2026-03`, `2026-Q1`, `2026`) or a from/to range
 * (the `period` or `from` and `to` query parameters). @public
 */
export type PeriodSelector = { period?: string } | { from: string; to: string };

/**
 * Query of `GET /overview` that the pages use: the period, the grouping and, for a page of
 * the services, `group`, `q`, `limit` and `offset`. @public
 */
export type OverviewQuery = Pick<
  NonNullable<operations['getOverview']['parameters']['query']>,
  'period' | 'groupBy' | 'group' | 'q' | 'limit' | 'offset'
>;

/**
 * Query of `GET /catalog` for one page of it: the group of a grouping, the text, reviews due,
 * `limit` and `offset`. @public
 */
export type CatalogQuery = NonNullable<
  operations['getCatalog']['parameters']['query']
>;

/** Query of `GET /entities/{kind}/{namespace}/{name}/history`. @public */
export type HistoryQuery = NonNullable<
  operations['getEntityHistory']['parameters']['query']
>;

/**
 * Query of `GET /plans`: its parameters `entity`, `owner` and `overdue`, and `status` as a
 * list (sent comma-separated). @public
 */
export type PlanFilter = Omit<
  NonNullable<operations['listPlans']['parameters']['query']>,
  'status'
> & { status?: PlanStatus[] };

/** The report documents the browser downloads (`format=json` is the report's data). @public */
export type ReportDocumentFormat = Exclude<
  components['parameters']['reportFormat'],
  'json'
>;

/** A downloaded report document, with the file name the server gave it. @public */
export interface ReportDocument {
  fileName: string;
  contentType: string;
  text: string;
}
