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
