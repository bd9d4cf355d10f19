export type {
  EntityStore,
  IncidentStore,
  SlaEntity,
  Snapshot,
  SnapshotStore,
  StoredIncident,
  SyncState,
  SyncStateStore,
  TermsStore,
  TermsVersion,
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
