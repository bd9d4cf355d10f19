import { TestDatabases } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import type { DatabaseStoreOptions } from '../client';

/**
 * Declares `tests` once for each test database this machine offers: SQLite always, and
 * PostgreSQL 15 when BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING is set. Each
 * describe block is titled "<subject> on <database id>"; `init` gives a fresh, empty database.
 */
export function describeEachDatabase(
  subject: string,
  tests: (init: () => Promise<Knex>) => void,
): void {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
  describe.each(databases.eachSupportedId())(`${subject} on %p`, databaseId => {
    tests(() => databases.init(databaseId));
  });
}

/**
 * describeEachDatabase for the tests of one store class, with the class name as subject:
 * `setup` gives a fresh database with the store created on it (which migrates it).
 */
export function describeStoreOnEachDatabase<Store>(
  storeClass: {
    name: string;
    create(options: DatabaseStoreOptions): Promise<Store>;
  },
  tests: (setup: () => Promise<{ knex: Knex; store: Store }>) => void,
): void {
  describeEachDatabase(storeClass.name, init => {
    tests(async () => {
      const knex = await init();
      return { knex, store: await storeClass.create({ database: knex }) };
    });
  });
}

/**
 * The message of the error a promise rejects with. better-sqlite3 builds its errors in the
 * realm of the first test file that loaded it, so in later files of the same Jest worker they
 * fail `instanceof Error` and `rejects.toThrow()` wrongly reports "did not throw".
 */
export async function rejectionMessage(
  promise: Promise<unknown>,
): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return String((error as { message?: unknown }).message);
  }
  throw new Error('Expected the promise to reject');
}
