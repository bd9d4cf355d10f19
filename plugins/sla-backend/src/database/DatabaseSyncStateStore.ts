import {
  connectStore,
  DatabaseStoreOptions,
  toOptionalNumber,
  withOptionalFields,
} from './client';
import { DatabaseStore } from './DatabaseStore';
import type { SyncState, SyncStateStore } from './types';

/** A row of sla_sync_state as the drivers return it. */
export type RawSyncStateRow = {
  provider: string;
  account: string;
  cursor: string | null;
  last_sync_at: number | string | null;
  last_success_at: number | string | null;
  last_error: string | null;
  last_count: number | string | null;
};

const TABLE = 'sla_sync_state';

function toRow(state: SyncState): RawSyncStateRow {
  return {
    provider: state.provider,
    account: state.account,
    cursor: state.cursor ?? null,
    last_sync_at: state.lastSyncAt ?? null,
    last_success_at: state.lastSuccessAt ?? null,
    last_error: state.lastError ?? null,
    last_count: state.lastCount ?? null,
  };
}

function fromRow(row: RawSyncStateRow): SyncState {
  return withOptionalFields<SyncState>(
    { provider: row.provider, account: row.account },
    {
      cursor: row.cursor,
      lastSyncAt: toOptionalNumber(row.last_sync_at),
      lastSuccessAt: toOptionalNumber(row.last_success_at),
      lastError: row.last_error,
      lastCount: toOptionalNumber(row.last_count),
    },
  );
}

/** Progress of each incident provider account, one row per (provider, account). */
export class DatabaseSyncStateStore
  extends DatabaseStore
  implements SyncStateStore
{
  static async create(options: DatabaseStoreOptions) {
    return new DatabaseSyncStateStore(await connectStore(options));
  }

  async get(provider: string, account: string): Promise<SyncState | undefined> {
    const row = await this.db<RawSyncStateRow>(TABLE)
      .where({ provider, account })
      .first();
    return row ? fromRow(row) : undefined;
  }

  /** Replaces the whole state: fields absent from `state` are cleared. */
  async put(state: SyncState): Promise<void> {
    await this.db<RawSyncStateRow>(TABLE)
      .insert(toRow(state))
      .onConflict(['provider', 'account'])
      .merge();
  }

  /** Sorted by provider, then account. */
  async list(): Promise<SyncState[]> {
    const rows = await this.db<RawSyncStateRow>(TABLE).orderBy([
      { column: 'provider' },
      { column: 'account' },
    ]);
    return rows.map(fromRow);
  }
}
