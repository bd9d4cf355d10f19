import fs from 'fs';
import { Knex } from 'knex';
import { MIGRATIONS_DIRECTORY } from './migrations';
import { describeEachDatabase } from './__testUtils__/testDatabases';

const migrationFiles = fs
  .readdirSync(MIGRATIONS_DIRECTORY)
  .filter(name => /^\d{14}_.+\.js$/.test(name))
  .sort();

async function migrateUpTo(knex: Knex, file: string) {
  await knex.migrate.up({ directory: MIGRATIONS_DIRECTORY, name: file });
}

async function migrateDownFrom(knex: Knex, file: string) {
  await knex.migrate.down({ directory: MIGRATIONS_DIRECTORY, name: file });
}

jest.setTimeout(60_000);

describe('migrations', () => {
  it('names every migration with a 14-digit timestamp', () => {
    const all = fs
      .readdirSync(MIGRATIONS_DIRECTORY)
      .filter(n => n.endsWith('.js'));
    expect(all).toEqual(migrationFiles);
    expect(migrationFiles.length).toBeGreaterThan(0);
  });
});

describeEachDatabase('migrations', init => {
  it.each(migrationFiles)('%s goes up, down and up again', async file => {
    const knex = await init();
    for (const earlier of migrationFiles.slice(
      0,
      migrationFiles.indexOf(file),
    )) {
      await migrateUpTo(knex, earlier);
    }
    await migrateUpTo(knex, file);
    const tablesAfterUp = await listTables(knex);

    await migrateDownFrom(knex, file);
    const tablesAfterDown = await listTables(knex);

    await migrateUpTo(knex, file);
    expect(await listTables(knex)).toEqual(tablesAfterUp);
    expect(tablesAfterDown.length).toBeLessThanOrEqual(tablesAfterUp.length);
    await knex.destroy();
  });

  it('stores and reads back an incident in the init schema', async () => {
    const knex = await init();
    await knex.migrate.latest({ directory: MIGRATIONS_DIRECTORY });
    await knex('sla_incidents').insert({
      source: 'api',
      incident_id: 'INC-1',
      entity_ref: 'component:default/cad-core',
      title: 'Dispatch consoles frozen',
      priority: 'P1',
      created_at: 1790000000000,
      pauses: '[]',
      updated_at: 1790000000000,
    });
    const rows = await knex('sla_incidents').select(
      'incident_id',
      'created_at',
    );
    expect(rows.map(r => [r.incident_id, Number(r.created_at)])).toEqual([
      ['INC-1', 1790000000000],
    ]);
    await knex.destroy();
  });
});

async function listTables(knex: Knex): Promise<string[]> {
  const client = knex.client.config.client;
  if (client === 'pg') {
    const rows = await knex('pg_tables')
      .where({ schemaname: 'public' })
      .select('tablename');
    return rows
      .map((r: { tablename: string }) => r.tablename)
      .filter(n => !n.startsWith('knex_'))
      .sort();
  }
  const rows = await knex('sqlite_master')
    .where({ type: 'table' })
    .select('name');
  return rows
    .map((r: { name: string }) => r.name)
    .filter(n => !n.startsWith('knex_') && !n.startsWith('sqlite_'))
    .sort();
}
