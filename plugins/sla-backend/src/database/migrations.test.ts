import fs from 'fs';
import { Knex } from 'knex';
import { MIGRATIONS_DIRECTORY } from './migrations';
import { tableIndexes } from './__testUtils__/schema';
import {
  describeEachDatabase,
  rejectionMessage,
} from './__testUtils__/testDatabases';

const migrationFiles = fs
  .readdirSync(MIGRATIONS_DIRECTORY)
  .filter(name => /^\d{14}_.+\.js$/.test(name))
  .sort();

async function migrateUpTo(knex: Knex, file: string) {
  await knex.migrate.up({ directory: MIGRATIONS_DIRECTORY, name: file });
}

/** Runs every migration before `file`, in order. */
async function migrateUpToJustBefore(knex: Knex, file: string) {
  for (const earlier of migrationFiles.slice(0, migrationFiles.indexOf(file))) {
    await migrateUpTo(knex, earlier);
  }
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
    await migrateUpToJustBefore(knex, file);
    const before = await describeSchema(knex);
    await migrateUpTo(knex, file);
    const afterUp = await describeSchema(knex);

    await migrateDownFrom(knex, file);
    // Down restores exactly the columns and indexes of every table the migration found.
    expect(await describeSchema(knex)).toEqual(before);

    await migrateUpTo(knex, file);
    expect(await describeSchema(knex)).toEqual(afterUp);
    // Every migration changes some table, column or index.
    expect(afterUp).not.toEqual(before);
    await knex.destroy();
  });

  it('adds the nullable region column to sla_incidents, and down removes it', async () => {
    const knex = await init();
    const file = '20261204120000_incident_region.js';
    await migrateUpToJustBefore(knex, file);
    expect(await knex.schema.hasColumn('sla_incidents', 'region')).toBe(false);
    await migrateUpTo(knex, file);
    const info = await knex('sla_incidents').columnInfo();
    expect(info.region.nullable).toBe(true);
    expect(Number(info.region.maxLength)).toBe(32);
    await migrateDownFrom(knex, file);
    expect(await knex.schema.hasColumn('sla_incidents', 'region')).toBe(false);
    await knex.destroy();
  });

  it('creates sla_vendor_verdicts keyed by incident and clock, and down drops it', async () => {
    const knex = await init();
    const file = '20261204150000_vendor_verdicts.js';
    await migrateUpToJustBefore(knex, file);
    expect(await knex.schema.hasTable('sla_vendor_verdicts')).toBe(false);
    await migrateUpTo(knex, file);
    const info = await knex('sla_vendor_verdicts').columnInfo();
    expect(info.breached.nullable).toBe(false);
    expect(info.elapsed_ms.nullable).toBe(true);
    expect(info.percentage.nullable).toBe(true);
    const row = {
      source: 'servicenow',
      incident_id: 'a1',
      clock: 'resolution',
      sla_name: 'P1 resolution',
      breached: false,
      updated_at: 1,
    };
    await knex('sla_vendor_verdicts').insert(row);
    expect(
      await rejectionMessage(knex('sla_vendor_verdicts').insert(row)),
    ).toMatch(/unique|duplicate/i);
    await knex('sla_vendor_verdicts').insert({ ...row, clock: 'response' });
    await migrateDownFrom(knex, file);
    expect(await knex.schema.hasTable('sla_vendor_verdicts')).toBe(false);
    await knex.destroy();
  });

  it('creates sla_replicas keyed by replica id, and down drops it', async () => {
    const knex = await init();
    const file = '20261204160000_replicas.js';
    await migrateUpToJustBefore(knex, file);
    expect(await knex.schema.hasTable('sla_replicas')).toBe(false);
    await migrateUpTo(knex, file);
    const info = await knex('sla_replicas').columnInfo();
    expect(Object.keys(info).sort()).toEqual([
      'heartbeat_at',
      'joined_at',
      'replica_id',
    ]);
    expect(Number(info.replica_id.maxLength)).toBe(64);
    expect(Object.values(info).every(c => !c.nullable)).toBe(true);
    await knex('sla_replicas').insert({
      replica_id: 'r1',
      heartbeat_at: 1,
      joined_at: 1,
    });
    await expect(
      knex('sla_replicas').insert({
        replica_id: 'r1',
        heartbeat_at: 2,
        joined_at: 2,
      }),
    ).rejects.toBeTruthy();
    await migrateDownFrom(knex, file);
    expect(await knex.schema.hasTable('sla_replicas')).toBe(false);
    await knex.destroy();
  });

  it('indexes computed_at of the recomputed snapshots only, and down drops the index', async () => {
    const knex = await init();
    const file = '20261205120000_snapshot_recomputed_index.js';
    await migrateUpToJustBefore(knex, file);
    const before = await tableIndexes(knex, 'sla_snapshots');
    expect(before.sla_snapshots_recomputed_idx).toBeUndefined();
    await migrateUpTo(knex, file);
    const [column, predicate] = (await tableIndexes(knex, 'sla_snapshots'))
      .sla_snapshots_recomputed_idx;
    expect(column).toBe('computed_at');
    expect(predicate).toBe('where recomputed_by is not null');
    await migrateDownFrom(knex, file);
    expect(await tableIndexes(knex, 'sla_snapshots')).toEqual(before);
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

/**
 * Every table of the plugin with its columns' names, types and nullability, sorted, and its
 * indexes with their columns (tableIndexes).
 */
async function describeSchema(
  knex: Knex,
): Promise<Record<string, Record<string, string>>> {
  const schema: Record<string, Record<string, string>> = {};
  for (const table of await listTables(knex)) {
    const info = await knex(table).columnInfo();
    const columns: Record<string, string> = {};
    for (const name of Object.keys(info).sort()) {
      const c = info[name];
      columns[name] = `${c.type}${c.maxLength ? `(${c.maxLength})` : ''}${
        c.nullable ? ' null' : ' not null'
      }`;
    }
    for (const [name, indexed] of Object.entries(
      await tableIndexes(knex, table),
    )) {
      columns[`index ${name}`] = indexed.join(', ');
    }
    schema[table] = columns;
  }
  return schema;
}

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
