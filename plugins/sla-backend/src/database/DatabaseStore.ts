import { Knex } from 'knex';

/**
 * What every Database*Store holds: the Knex client it was created with. Stores are made by
 * their static `create`, which connects (and migrates) first; the constructor stays protected.
 */
export abstract class DatabaseStore {
  protected constructor(protected readonly db: Knex) {}
}

/**
 * A store whose readers cache what they read: it counts the writes that went through it, so
 * that `changes()` tells them when to drop their cache.
 */
export abstract class CountingDatabaseStore extends DatabaseStore {
  /** Raised before a write starts and again once it is over. */
  protected changeCount = 0;

  /**
   * How many writes went through this store instance in this process so far. Writes by
   * other processes are not seen here.
   */
  changes(): number {
    return this.changeCount;
  }

  /**
   * Runs a write, counted before it starts and again once it is over (committed or not): a
   * read that overlaps the write is never cached as current.
   */
  protected async countedWrite<T>(write: () => PromiseLike<T>): Promise<T> {
    this.changeCount++;
    try {
      return await write();
    } finally {
      this.changeCount++;
    }
  }
}

/** Distinct entities counted one by one before the counts restart (see EntityWriteCounter). */
const MAX_COUNTED_ENTITIES = 200_000;

/**
 * Per-entity write counts of one store in this process, for readers that cache results per
 * entity: `of(ref)` changes once a write that touched `ref` is over. Bounded: past
 * MAX_COUNTED_ENTITIES distinct refs the counts restart under a new epoch, which changes
 * every entity's value at once (as a write touching everything would).
 */
export class EntityWriteCounter {
  private counts = new Map<string, number>();
  private epoch = 0;

  of(entityRef: string): number {
    return this.epoch * 2 ** 32 + (this.counts.get(entityRef) ?? 0);
  }

  touch(entityRefs: Iterable<string>): void {
    for (const ref of entityRefs) {
      if (this.counts.size >= MAX_COUNTED_ENTITIES) {
        this.counts = new Map();
        this.epoch++;
      }
      this.counts.set(ref, (this.counts.get(ref) ?? 0) + 1);
    }
  }
}
