import { mockServices } from '@backstage/backend-test-utils';
import { DatabaseEntityStore } from './DatabaseEntityStore';
import { DatabaseIncidentStore } from './DatabaseIncidentStore';
import { DatabaseSnapshotStore } from './DatabaseSnapshotStore';
import { DatabaseSyncStateStore } from './DatabaseSyncStateStore';
import { DatabaseTermsStore } from './DatabaseTermsStore';
import {
  describeEachDatabase,
  rejectionMessage,
} from './__testUtils__/testDatabases';

jest.setTimeout(60_000);

describeEachDatabase('creating stores', init => {
  it('migrates once when every store is created at the same time from the database service', async () => {
    const knex = await init();
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
    const knex = await init();

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
});
