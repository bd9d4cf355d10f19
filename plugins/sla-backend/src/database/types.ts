import type {
  AnnotationProblem,
  Incident,
  PeriodResult,
  Plan,
  PlanChange,
  PlanHistoryEntry,
  PlanStatus,
  SlaTerms,
  VendorVerdict,
} from '@servicelevel/plugin-sla-common';
import type { ReportModel } from '../reports/model';

/**
 * The stores of the SLA backend. SQL lives only in the Database*Store classes that
 * implement these; services and the router see plain objects with epoch-ms instants.
 */

/** An incident as stored, with bookkeeping. */
export interface StoredIncident extends Incident {
  /** When the row was last written (epoch ms). */
  updatedAt: number;
}

/** What the store holds of one incident source. */
export interface StoredSourceCount {
  source: string;
  incidents: number;
  /** Creation time of its newest incident, epoch ms. */
  lastIncidentAt: number;
  /** When one of its incidents was last written (received or updated), epoch ms. */
  lastWrittenAt: number;
}

export interface IncidentStore {
  /**
   * Inserts or updates every incident by (source, id) in ONE transaction: all or nothing.
   * Returns how many rows were new and how many updated.
   */
  upsertIncidents(
    incidents: Incident[],
    options?: {
      now?: number;
      /**
       * The vendor's SLA verdicts for these incidents, written in the same transaction. When
       * given (even empty), they replace every stored verdict of these incidents; verdicts of
       * incidents not in `incidents` are dropped.
       */
      vendorVerdicts?: VendorVerdict[];
    },
  ): Promise<{ inserted: number; updated: number }>;

  /**
   * The vendor verdicts of one source whose incidents can matter for [from, to) (the filter
   * of listForEntity), each with its incident's entity, by entity, incident id and clock.
   */
  listVendorVerdicts(
    source: string,
    from: number,
    to: number,
  ): Promise<Array<VendorVerdict & { entityRef: string }>>;

  /**
   * The same upsert for batches that arrive one after another (a streamed import), all in
   * ONE transaction: if any batch fails, none is stored. Batches must not repeat an identity.
   */
  upsertIncidentBatches(
    batches: AsyncIterable<Incident[]>,
    options?: { now?: number },
  ): Promise<{ inserted: number; updated: number }>;

  /**
   * Incidents of one entity that can matter for [from, to): created before `to`, and not
   * finished before `from` (resolved_at null or ≥ from, or acknowledged_at ≥ from, or outage
   * open or ending ≥ from). Sorted by createdAt.
   */
  listForEntity(
    entityRef: string,
    from: number,
    to: number,
  ): Promise<StoredIncident[]>;

  /** Same filter as listForEntity, for many entities at once, grouped by entityRef. */
  listForEntities(
    entityRefs: string[],
    from: number,
    to: number,
  ): Promise<Map<string, StoredIncident[]>>;

  /**
   * The rows of listForEntities as one stream, for a whole organisation in bounded memory:
   * the incidents of `entityRefs` that can matter for [from, to), ordered by (entityRef,
   * createdAt, source, id), each entity's rows in listForEntity's order and the entities in
   * the order of EntityStore.listEntities. Rows come a page (of at most `pageSize`, never
   * empty) at a time; an entity's rows may go on over the next page.
   */
  streamForEntities(
    entityRefs: string[],
    from: number,
    to: number,
    options?: { pageSize?: number },
  ): AsyncIterable<StoredIncident[]>;

  /** One incident, or undefined. */
  get(source: string, id: string): Promise<StoredIncident | undefined>;

  /** Distinct entity refs that have incidents, with counts (for "incidents of unknown entities"). */
  countByEntity(): Promise<Array<{ entityRef: string; count: number }>>;

  /**
   * Every source that has incidents in the store (webhook, CSV, API, each provider), with
   * its count, its newest incident's creation and its last write, sorted by source.
   */
  countBySource(): Promise<StoredSourceCount[]>;

  /**
   * How many writes went through this store instance in this process so far. Callers use it
   * to drop cached results; writes by other processes are not seen here.
   */
  changes?(): number;

  /**
   * A count that changes once a write through this store instance that touched `entityRef` is
   * over: the entity of every written incident, and the entity an updated incident had before
   * (a move changes both). Callers use it to drop cached results of that entity only; writes
   * by other processes are not seen here.
   */
  entityChanges?(entityRef: string): number;
}

/** One version of an entity's effective terms (ENGINE.md R8). */
export interface TermsVersion {
  entityRef: string;
  /** 1, 2, 3… per entity. */
  version: number;
  terms: SlaTerms;
  /** The annotation problems seen with these terms. */
  problems: AnnotationProblem[];
  /** When these terms were first seen (epoch ms). */
  seenAt: number;
  /** Canonical serialisation (serializeTerms) used to detect changes. */
  fingerprint: string;
}

export interface TermsStore {
  /**
   * Records the terms currently seen for an entity. Stores a new version only when the
   * fingerprint differs from the latest version's (problems alone changing update the
   * latest version's problems in place). Returns the latest version after the call.
   */
  recordTerms(input: {
    entityRef: string;
    terms: SlaTerms;
    problems: AnnotationProblem[];
    fingerprint: string;
    seenAt: number;
  }): Promise<TermsVersion>;

  /** All versions of one entity, oldest first. */
  listVersions(entityRef: string): Promise<TermsVersion[]>;

  /** Latest version of every entity (one query). */
  listLatest(): Promise<TermsVersion[]>;

  /**
   * How many writes went through this store instance in this process so far. Callers use it
   * to drop cached results; writes by other processes are not seen here.
   */
  changes?(): number;

  /**
   * A value that changes when versions are added (by any process on the same database) or,
   * almost always, when the problems of one change in place: one aggregate query, for
   * callers that poll it to see other replicas' writes without reading every version.
   */
  changeMark?(): Promise<string>;
}

/** A catalog entity that carries SLA annotations, as last read from the catalog. */
export interface SlaEntity {
  entityRef: string;
  kind: string;
  namespace: string;
  name: string;
  title?: string;
  /** Owner entity ref (spec.owner relation target), e.g. group:default/web-team. */
  ownerRef?: string;
  systemRef?: string;
  domainRef?: string;
  /** Raw annotations (all keys), for the terms-as-written view. */
  annotations: Record<string, string>;
  /** Targets of its `dependsOn` relations (components and resources), sorted. */
  dependsOn?: string[];
  /** When the catalog last listed it. */
  lastSeenAt: number;
  /** Set when the entity disappeared from the catalog (kept, never deleted). */
  removedAt?: number;
}

export interface EntityStore {
  /** Records one entity as present (clears removedAt), leaving every other entity as it is. */
  upsertEntity(entity: Omit<SlaEntity, 'removedAt'>): Promise<void>;
  /**
   * Replaces the set of known SLA entities with `entities` in one transaction: upserts each,
   * and marks entities not in the list as removed (removedAt = now). Never deletes.
   */
  syncEntities(
    entities: Omit<SlaEntity, 'removedAt'>[],
    now: number,
  ): Promise<void>;
  /** Entities currently in the catalog (removedAt unset), sorted by entityRef. */
  listEntities(): Promise<SlaEntity[]>;
  /**
   * Which of `entityRefs` are current entities (removedAt unset): one indexed query per few
   * hundred refs, so that a batch of incidents is checked without listing the catalog.
   */
  currentRefs(entityRefs: string[]): Promise<Set<string>>;
  getEntity(entityRef: string): Promise<SlaEntity | undefined>;

  /**
   * How many writes went through this store instance in this process so far. Callers use it
   * to drop cached results; writes by other processes are not seen here.
   */
  changes?(): number;

  /**
   * A value that changes when entities are written by any process on the same database (every
   * write sets last seen to its time; a removal sets removed): one aggregate query, for
   * callers that poll it to see other replicas' writes without listing the catalog.
   */
  changeMark?(): Promise<string>;
}

/** An immutable result of a closed period. */
export interface Snapshot {
  entityRef: string;
  /** e.g. 2026-03, 2026-Q1, 2026 */
  periodKey: string;
  periodStart: number;
  periodEnd: number;
  termsVersion: number;
  result: PeriodResult;
  computedAt: number;
  /** Who recomputed it on purpose, if anyone (user or service ref). */
  recomputedBy?: string;
}

export interface SnapshotStore {
  /** Stores a snapshot only when none exists for (entityRef, periodKey). Returns true if stored. */
  insertIfAbsent(snapshot: Snapshot): Promise<boolean>;
  /**
   * insertIfAbsent for many snapshots in one transaction (each stored only when none exists
   * for its entityRef and periodKey). Returns how many were stored.
   */
  insertAllIfAbsent(snapshots: Snapshot[]): Promise<number>;
  /** Overwrites (explicit, audited recompute). */
  replace(snapshot: Snapshot): Promise<void>;
  get(entityRef: string, periodKey: string): Promise<Snapshot | undefined>;
  /**
   * Snapshots for many entities and period keys in one query. With `incidentRows: false`,
   * their results hold only the incident rows their credits count (isCountedBreach), and
   * the other rows are not read.
   */
  list(
    filter: {
      entityRefs?: string[];
      periodKeys?: string[];
    },
    options?: { incidentRows?: boolean },
  ): Promise<Snapshot[]>;
  /**
   * A value that changes whenever a snapshot is rewritten by `replace` (an explicit
   * recompute), by this process or another one on the same database; storing new
   * snapshots leaves it as it is. Absent: rewrites by others are not seen.
   */
  changeMark?(): Promise<string>;
}

/** Progress of one incident provider account (used by the providers issue). */
export interface SyncState {
  provider: string;
  account: string;
  /** Opaque resume cursor (JSON text chosen by the provider). */
  cursor?: string;
  lastSyncAt?: number;
  lastSuccessAt?: number;
  lastError?: string;
  /** Incidents written by the last run. */
  lastCount?: number;
  /** When the account's first run started; before any success, the data is complete up to here. */
  firstAttemptAt?: number;
}

/**
 * A past stretch with no successful sync longer than `sla.coverage.maxGap` (SPEC §9), written
 * when the sync that ended it succeeded.
 */
export interface SyncGap {
  provider: string;
  account: string;
  /** The data was complete up to here (the last success's checkpoint). */
  start: number;
  /** The successful run that ended the gap. */
  end: number;
  /** Where that run started reading: at or before `start`, the gap's records were re-read. */
  backfilledFrom: number;
}

export interface SyncStateStore {
  get(provider: string, account: string): Promise<SyncState | undefined>;
  put(state: SyncState): Promise<void>;
  list(): Promise<SyncState[]>;
  /** Records a past gap; recording the same (provider, account, start) again changes nothing. */
  recordGap(gap: SyncGap): Promise<void>;
  /** Past gaps that end after `since` (all when absent), oldest first. */
  listGaps(since?: number): Promise<SyncGap[]>;
}

/** Backend replicas sharing the scheduled work (issue 14.6), by their heartbeats. */
export interface ReplicaStore {
  /** Records a heartbeat of `replicaId` at `now` (epoch ms); the first one also joins it. */
  heartbeat(replicaId: string, now: number): Promise<void>;
  /** Ids of the replicas whose last heartbeat is at or after `since` (epoch ms), sorted. */
  live(since: number): Promise<string[]>;
  /** Removes a replica (its shutdown). */
  leave(replicaId: string): Promise<void>;
  /** Removes the replicas whose last heartbeat is before `before`; returns how many. */
  forget(before: number): Promise<number>;
}

/** Service improvement plans (issue 7). */
export interface PlanStoreFilter {
  entityRef?: string;
  owner?: string;
  status?: PlanStatus[];
}

export interface PlanStore {
  /** Stores a new plan and its `created` history entry in one transaction. */
  create(plan: Plan, by: string): Promise<Plan>;
  /** A plan that is not deleted. */
  get(id: string): Promise<Plan | undefined>;
  /** Plans that are not deleted, newest first. */
  list(filter: PlanStoreFilter): Promise<Plan[]>;
  /**
   * Reads the plan, lets `apply` compute the next state and the changes, and writes both in one
   * transaction. Nothing is written when `apply` returns no changes. Undefined when the plan
   * does not exist.
   */
  update(
    id: string,
    apply: (current: Plan) => { next: Plan; changes: PlanChange[] },
    meta: { by: string; at: number },
  ): Promise<Plan | undefined>;
  /** Marks the plan deleted and records it; false when it did not exist. */
  delete(id: string, meta: { by: string; at: number }): Promise<boolean>;
  /** The plan's history, oldest first (also for deleted plans). */
  history(id: string): Promise<PlanHistoryEntry[]>;
}

/** A generated report with its three renderings. */
export interface StoredReport {
  subjectKind: 'entity' | 'customer';
  subjectRef: string;
  periodKey: string;
  model: ReportModel;
  csv: string;
  markdown: string;
  html: string;
  generatedAt: number;
  /** `scheduler`, or the user or service that generated or regenerated it. */
  generatedBy: string;
  /** 1 when first generated; +1 per deliberate regeneration. */
  revision: number;
}

/** What report lists show: everything but the documents. */
export type ReportSummary = Omit<
  StoredReport,
  'model' | 'csv' | 'markdown' | 'html'
>;

export interface ReportStore {
  /** Stores the report when none exists for its subject and period; true if stored. */
  insertIfAbsent(report: Omit<StoredReport, 'revision'>): Promise<boolean>;
  /** Overwrites (deliberate, audited regeneration); the revision goes up by one. */
  replace(report: Omit<StoredReport, 'revision'>): Promise<StoredReport>;
  get(
    subjectKind: StoredReport['subjectKind'],
    subjectRef: string,
    periodKey: string,
  ): Promise<StoredReport | undefined>;
  /** Reports of one subject, newest period first. */
  list(
    subjectKind: StoredReport['subjectKind'],
    subjectRef: string,
  ): Promise<ReportSummary[]>;
}

/** A confirmation (sign-off) of one version of an entity's SLA terms. */
export interface Confirmation {
  id: number;
  entityRef: string;
  termsVersion: number;
  /** The confirming user's entity ref. */
  by: string;
  role: 'owner' | 'customer';
  at: number;
  comment?: string;
}

export interface ConfirmationStore {
  add(c: Omit<Confirmation, 'id'>): Promise<Confirmation>;
  /** Confirmations of one entity, newest first. */
  list(entityRef: string): Promise<Confirmation[]>;
}

/** What an owner is notified of. */
export type SlaEventKind =
  | 'breach'
  | 'at-risk'
  | 'review-due'
  | 'review-overdue'
  | 'action-overdue'
  | 'clock-threshold';

/** One event as recorded: claimed by a scheduler run, then sent. */
export interface NotificationEventRecord {
  key: string;
  kind: SlaEventKind;
  entityRef: string;
  recipients: string[];
  claimedAt: number;
  /** Unset while the event is only claimed (being sent, or the sender died). */
  sentAt?: number;
}

export interface NotificationEventStore {
  /**
   * Claims an event for sending. True only for the one caller that inserted the row, or that
   * took over a claim left unsent since before `staleBefore` (a sender that died mid-send).
   * Every other caller, on any replica, gets false and must not send.
   */
  claim(
    event: Pick<
      NotificationEventRecord,
      'key' | 'kind' | 'entityRef' | 'recipients'
    >,
    now: number,
    staleBefore: number,
  ): Promise<boolean>;
  /** Records that the claimed event was sent. */
  markSent(key: string, at: number): Promise<void>;
  /** Gives up an unsent claim so that the event is tried again. A sent event stays sent. */
  release(key: string): Promise<void>;
  /** The keys among `keys` already sent. */
  sentKeys(keys: string[]): Promise<Set<string>>;
  get(key: string): Promise<NotificationEventRecord | undefined>;
}
