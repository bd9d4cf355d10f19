import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { DatabaseEntityStore } from './DatabaseEntityStore';
import { DatabaseIncidentStore } from './DatabaseIncidentStore';
import { DatabaseSnapshotStore } from './DatabaseSnapshotStore';
import { DatabaseSyncStateStore } from './DatabaseSyncStateStore';
import { DatabaseTermsStore } from './DatabaseTermsStore';

jest.setTimeout(60_000);

/**
 * The message of the error a promise rejects with. better-sqlite3 builds its errors in the
 * realm of the first test file that loaded it, so in later files of the same Jest worker they
 * fail `instanceof Error` and `rejects.toThrow()` wrongly reports "did not throw".
 */
async function rejectionMessage(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return String((error as { message?: unknown }).message);
  }
  throw new Error('Expected the promise to reject');
}

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

describe.each(databases.eachSupportedId())(
  'creating stores on %p',
  databaseId => {
    it('migrates once when every store is created at the same time from the database service', async () => {
      const knex = await databases.init(databaseId);
      const database = mockServices.database({ knex });

      const [incidents, , , , syncState] = await Promise.all([
        DatabaseIncidentStore.create({ database }),
        DatabaseTermsStore.create({ database }),
        DatabaseEntityStore.create({ database }),
        DatabaseSnapshotStore.create({ database }),
        DatabaseSyncStateStore.create({ database }),
      ]);

      await expect(incidents.countByEntity()).resolves.toEqual([]);
      await expect(syncState.list()).resolves.toEqual([]);
    });

    it('leaves the schema alone when migrations are skipped', async () => {
      const knex = await databases.init(databaseId);

      const fromService = await DatabaseSyncStateStore.create({
        database: mockServices.database({ knex, migrations: { skip: true } }),
      });
      const fromKnex = await DatabaseSyncStateStore.create({
        database: knex,
        skipMigrations: true,
      });

      expect(await knex.schema.hasTable('sla_sync_state')).toBe(false);
      expect(await rejectionMessage(fromService.list())).toMatch(
        /sla_sync_state/,
      );
      expect(await rejectionMessage(fromKnex.list())).toMatch(/sla_sync_state/);
    });
  },
);
