import {
  connectStore,
  DatabaseStoreOptions,
  toOptionalNumber,
  withOptionalFields,
} from './client';
import { DatabaseStore } from './DatabaseStore';
import type { SyncGap, SyncState, SyncStateStore } from './types';

/** A row of sla_sync_state as the drivers return it. */
export type RawSyncStateRow = {
  provider: string;
  account: string;
  cursor: string | null;
  last_sync_at: number | string | null;
  last_success_at: number | string | null;
  last_error: string | null;
  last_count: number | string | null;
  first_attempt_at: number | string | null;
};

/** A row of sla_sync_gaps as the drivers return it. */
type RawSyncGapRow = {
  provider: string;
  account: string;
  started_at: number | string;
  ended_at: number | string;
  backfilled_from: number | string;
};

const TABLE = 'sla_sync_state';
const GAPS = 'sla_sync_gaps';

function toRow(state: SyncState): RawSyncStateRow {
  return {
    provider: state.provider,
    account: state.account,
    cursor: state.cursor ?? null,
    last_sync_at: state.lastSyncAt ?? null,
    last_success_at: state.lastSuccessAt ?? null,
    last_error: state.lastError ?? null,
    last_count: state.lastCount ?? null,
    first_attempt_at: state.firstAttemptAt ?? null,
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
      firstAttemptAt: toOptionalNumber(row.first_attempt_at),
    },
  );
}

function gapFromRow(row: RawSyncGapRow): SyncGap {
  return {
    provider: row.provider,
    account: row.account,
    start: Number(row.started_at),
    end: Number(row.ended_at),
    backfilledFrom: Number(row.backfilled_from),
  };
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

  async recordGap(gap: SyncGap): Promise<void> {
    await this.db<RawSyncGapRow>(GAPS)
      .insert({
        provider: gap.provider,
        account: gap.account,
        started_at: gap.start,
        ended_at: gap.end,
        backfilled_from: gap.backfilledFrom,
      })
      .onConflict(['provider', 'account', 'started_at'])
      .ignore();
  }

  async listGaps(since?: number): Promise<SyncGap[]> {
    const query = this.db<RawSyncGapRow>(GAPS).orderBy([
      { column: 'started_at' },
      { column: 'provider' },
      { column: 'account' },
    ]);
    if (since !== undefined) query.where('ended_at', '>', since);
    return (await query).map(gapFromRow);
  }
}
