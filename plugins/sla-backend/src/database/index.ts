export type {
  EntityStore,
  IncidentStore,
  SlaEntity,
  Snapshot,
  SnapshotStore,
  StoredIncident,
  SyncState,
  SyncStateStore,
  ReplicaStore,
  TermsStore,
  TermsVersion,
  PlanStoreFilter,
  PlanStore,
  StoredReport,
  ReportSummary,
  ReportStore,
  Confirmation,
  ConfirmationStore,
  SlaEventKind,
  NotificationEventRecord,
  NotificationEventStore,
} from './types';
export type { DatabaseStoreOptions } from './client';
export { applyDatabaseMigrations, MIGRATIONS_DIRECTORY } from './migrations';
export { DatabaseIncidentStore } from './DatabaseIncidentStore';
export type { RawIncidentRow } from './DatabaseIncidentStore';
export { DatabaseTermsStore } from './DatabaseTermsStore';
export type { RawTermsVersionRow } from './DatabaseTermsStore';
export { DatabaseEntityStore } from './DatabaseEntityStore';
export type { RawEntityRow } from './DatabaseEntityStore';
export { DatabaseSnapshotStore } from './DatabaseSnapshotStore';
export type { RawSnapshotRow } from './DatabaseSnapshotStore';
export { DatabaseSyncStateStore } from './DatabaseSyncStateStore';
export type { RawSyncStateRow } from './DatabaseSyncStateStore';
export { DatabaseReplicaStore } from './DatabaseReplicaStore';
export { DatabasePlanStore } from './DatabasePlanStore';
export type { RawPlanRow, RawPlanHistoryRow } from './DatabasePlanStore';
export { DatabaseReportStore } from './DatabaseReportStore';
export type { RawReportRow } from './DatabaseReportStore';
export { DatabaseConfirmationStore } from './DatabaseConfirmationStore';
export type { RawConfirmationRow } from './DatabaseConfirmationStore';
export { DatabaseNotificationEventStore } from './DatabaseNotificationEventStore';
export type { RawNotificationEventRow } from './DatabaseNotificationEventStore';
