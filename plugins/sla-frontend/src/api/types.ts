/*
 * Response envelopes of the sla-backend HTTP API (docs/api.md). The result shapes inside them
 * are sla-common's, so the frontend and the backend cannot drift apart silently.
 * Instants are epoch milliseconds.
 */
import type {
  AnnotationProblem,
  Period,
  PeriodKind,
  PeriodResult,
  SlaTerms,
} from '@servicelevel/plugin-sla-common';

export type {
  AnnotationProblem,
  AvailabilityResult,
  ClockResult,
  ClockStatus,
  IncidentRow,
  ObjectiveId,
  ObjectiveResult,
  ObjectiveStatus,
  Period,
  PeriodResult,
  Priority,
  SlaTerms,
} from '@servicelevel/plugin-sla-common';

/** `GET /entities/{kind}/{namespace}/{name}/compliance` — one entity, one period. */
export interface EntityPeriodResult {
  entityRef: string;
  title?: string;
  period: Period;
  /** live: computed now (open period, custom range); snapshot: the stored, immutable result. */
  source: 'live' | 'snapshot';
  termsVersion: number;
  /** No terms version was seen before the period ended; the earliest one is applied. */
  termsBackdated: boolean;
  terms: SlaTerms;
  /** The terms in canonical annotation form (key without prefix → value). */
  termsAsWritten: Record<string, string>;
  result: PeriodResult;
}

/** `GET /entities/{kind}/{namespace}/{name}/history?periods=N`, oldest first, last one open. */
export interface EntityHistory {
  entityRef: string;
  periods: EntityPeriodResult[];
}

/** One stored version of an entity's effective terms (ENGINE.md R8). */
export interface TermsVersion {
  entityRef: string;
  version: number;
  terms: SlaTerms;
  problems: AnnotationProblem[];
  /** When these terms were first seen (epoch ms). */
  seenAt: number;
  fingerprint: string;
}

/** `GET /entities/{kind}/{namespace}/{name}/terms` */
export interface EntityTerms {
  entityRef: string;
  /** The entity's annotations as last read from the catalog. */
  annotations: Record<string, string>;
  /** Oldest first. */
  versions: TermsVersion[];
}

/** Grouping dimension of the overview. */
export type OverviewGroupBy = 'owner' | 'system' | 'domain';

/** An achievement tally: a sum over sums (ENGINE.md R7). */
export interface AchievementTally {
  met: number;
  committed: number;
  /** Percent; absent when nothing is committed ("n/a"). */
  rate?: number;
}

/**
 * One service's line in the overview: its results over the periods of its own kind that
 * overlap the requested period, summed (a month of a quarterly service is its quarter).
 */
export interface ServiceSummary extends AchievementTally {
  entityRef: string;
  title?: string;
  ownerRef?: string;
  systemRef?: string;
  domainRef?: string;
  /** The requested period, in the service's zone. */
  period: string;
  /** The service's own period kind. */
  periodKind: PeriodKind;
  /** Keys of the periods of its own kind summed, e.g. `2026-Q1` for `2026-02`. */
  periods: string[];
  /** Every period summed has ended. */
  complete: boolean;
  /** Objectives breached in any of the periods, each once. */
  breached: string[];
  atRisk: string[];
  /** Breached objective results over all periods. */
  breaches: number;
  availability?: number;
  provisional: boolean;
}

/** One group of the overview. */
export interface OverviewGroup extends AchievementTally {
  /** The owner / system / domain entity ref, or `(none)`. */
  key: string;
  /** Entity refs of the group's services. */
  services: string[];
  /** Breached objective results in the group. */
  breached: number;
}

/** One heatmap cell: one period of the service's own kind. */
export interface HeatmapCell extends AchievementTally {
  key: string;
  /** Month columns the period spans (3 for a quarter, fewer while it runs). */
  span: number;
  complete: boolean;
  /** The worst objective status of the period. */
  status: 'breached' | 'at-risk' | 'running' | 'met' | 'no-data';
  breached: number;
  atRisk: number;
}

/** One service's row of the heatmap. */
export interface HeatmapRow {
  entityRef: string;
  title?: string;
  periodKind: PeriodKind;
  /** The service's year to date: the sum over its cells. */
  yearToDate: AchievementTally;
  cells: HeatmapCell[];
}

/** `GET /overview?period=&groupBy=`: every service in its own period kind. */
export interface Overview {
  groupBy: OverviewGroupBy;
  total: AchievementTally & { services: number };
  groups: OverviewGroup[];
  /** Up to ten services below 100 %, lowest rate first. */
  worst: ServiceSummary[];
  services: ServiceSummary[];
  /** The period before the requested one; absent for a custom range. */
  previous?: AchievementTally & {
    /** rate − previous rate, in points. */
    change?: number;
  };
  /** The year containing the requested period, so far. */
  yearToDate: {
    year: string;
    total: AchievementTally & { services: number };
    groups: Array<AchievementTally & { key: string }>;
    /** Per started month, every service's period covering it. */
    months: Array<AchievementTally & { key: string; complete: boolean }>;
  };
  /** One cell per service and period of its own kind in the year. */
  heatmap: { year: string; months: string[]; rows: HeatmapRow[] };
}

/** One line of the published service catalog. */
export interface CatalogItem {
  entityRef: string;
  title?: string;
  ownerRef?: string;
  systemRef?: string;
  domainRef?: string;
  tier?: string;
  customer?: string;
  agreement?: string;
  /** `YYYY-MM-DD` */
  reviewBy?: string;
  reviewOverdue: boolean;
  serviceHours: string;
  timezone: string;
  period: PeriodKind;
  /** Commitments in annotation form (key without prefix → value). */
  commitments: Record<string, string>;
  termsVersion: number;
  problems: AnnotationProblem[];
}

/** `GET /catalog` */
export interface CatalogListing {
  items: CatalogItem[];
}

/** Sync state of one incident source account. Instants are epoch ms. */
export interface SourceState {
  provider: string;
  account: string;
  cursor?: string;
  lastSyncAt?: number;
  lastSuccessAt?: number;
  lastError?: string;
  lastCount?: number;
}

/** `GET /sources` */
export interface SourcesStatus {
  sources: SourceState[];
}

/** How a caller names a period: a key (`2026-03`, `2026-Q1`, `2026`) or a from/to range. */
export type PeriodSelector = { period?: string } | { from: string; to: string };
