import { connectStore, DatabaseStoreOptions } from './client';
import { DatabaseStore } from './DatabaseStore';
import type { ReplicaStore } from './types';

/** A row of sla_replicas as the drivers return it. */
type RawReplicaRow = {
  replica_id: string;
  heartbeat_at: number | string;
  joined_at: number | string;
};

const TABLE = 'sla_replicas';

/**
 * The replicas of the backend on one database and their last heartbeats (issue 14.6). The
 * times come from the caller (its clock), never from the database server.
 */
export class DatabaseReplicaStore
  extends DatabaseStore
  implements ReplicaStore
{
  static async create(options: DatabaseStoreOptions) {
    return new DatabaseReplicaStore(await connectStore(options));
  }

  async heartbeat(replicaId: string, now: number): Promise<void> {
    await this.db<RawReplicaRow>(TABLE)
      .insert({ replica_id: replicaId, heartbeat_at: now, joined_at: now })
      .onConflict('replica_id')
      .merge(['heartbeat_at']);
  }

  async live(since: number): Promise<string[]> {
    const rows = await this.db<RawReplicaRow>(TABLE)
      .where('heartbeat_at', '>=', since)
      .orderBy('replica_id')
      .select('replica_id');
    return rows.map(r => r.replica_id);
  }

  async leave(replicaId: string): Promise<void> {
    await this.db<RawReplicaRow>(TABLE).where('replica_id', replicaId).delete();
  }

  async forget(before: number): Promise<number> {
    return this.db<RawReplicaRow>(TABLE)
      .where('heartbeat_at', '<', before)
      .delete();
  }
}
