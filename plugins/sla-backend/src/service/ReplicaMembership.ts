import { createHash, randomUUID } from 'crypto';
import type { ReplicaStore } from '../database';

/** A replica silent this long (killed, never restarted) is removed from the table. */
const FORGET_AFTER_MS = 24 * 60 * 60_000;

/**
 * The replica, of `replicaIds`, that handles `key` (an entity ref): rendezvous hashing, the
 * highest sha-256 of `replicaId + '\n' + key` wins. Every replica that sees the same live set
 * picks the same owner, so each key has exactly one; when a replica leaves, only its keys move.
 */
export function ownerOf(key: string, replicaIds: readonly string[]): string {
  let best: string | undefined;
  let bestScore = '';
  for (const id of replicaIds) {
    const score = createHash('sha256').update(`${id}\n${key}`).digest('hex');
    if (best === undefined || score > bestScore) {
      best = id;
      bestScore = score;
    }
  }
  if (best === undefined) throw new Error('ownerOf needs at least one replica');
  return best;
}

/** This replica's share of one run of a scheduled task. */
export interface ReplicaShare {
  /** The live replicas the share was taken among, this one included, sorted. */
  replicas: string[];
  /** Whether this replica handles `key` in this run. */
  owns(key: string): boolean;
}

/**
 * Membership of this backend replica among the replicas on one database (issue 14.6). Each
 * beats every `heartbeat`; a replica whose last beat is older than the TTL (three beats) is
 * gone, and its share moves to the others at their next run. With a single replica (SQLite,
 * the demo) the share is everything.
 */
export class ReplicaMembership {
  readonly replicaId: string;
  readonly ttlMs: number;

  constructor(
    private readonly deps: {
      store: ReplicaStore;
      /** Milliseconds between heartbeats; the TTL is three of them. */
      heartbeatMs: number;
      replicaId?: string;
    },
  ) {
    this.replicaId = deps.replicaId ?? randomUUID();
    this.ttlMs = 3 * deps.heartbeatMs;
  }

  /** Live replicas seen at the last heartbeat(), to tell which left since. */
  private lastSeen: string[] = [];

  /** One heartbeat at `now`. */
  async beat(now: number): Promise<void> {
    await this.deps.store.heartbeat(this.replicaId, now);
  }

  /**
   * The heartbeat task's run at `now`: a beat, then the ids of the replicas that were live at
   * the previous heartbeat() and are gone now (killed, or shut down). Their share is to be
   * taken over at once, not at the next scheduled run.
   */
  async heartbeat(now: number): Promise<string[]> {
    await this.beat(now);
    const live = await this.live(now);
    const gone = this.lastSeen.filter(id => !live.includes(id));
    this.lastSeen = live;
    return gone;
  }

  /** Leaves the membership (shutdown): the others take the share over at their next run. */
  async leave(): Promise<void> {
    await this.deps.store.leave(this.replicaId);
  }

  /** Ids of the live replicas at `now`. */
  async live(now: number): Promise<string[]> {
    return this.deps.store.live(now - this.ttlMs);
  }

  /**
   * This replica's share at `now`: it beats first, so it is always among the live replicas
   * it divides the work with.
   */
  async share(now: number): Promise<ReplicaShare> {
    await this.beat(now);
    await this.deps.store.forget(now - FORGET_AFTER_MS);
    const replicas = await this.live(now);
    if (!replicas.includes(this.replicaId)) {
      replicas.push(this.replicaId);
      replicas.sort();
    }
    const self = this.replicaId;
    return {
      replicas,
      owns: key => replicas.length === 1 || ownerOf(key, replicas) === self,
    };
  }
}
