import type { Incident } from '@servicelevel/plugin-sla-common';
import fs from 'fs';
import { Knex } from 'knex';
import { RELEVANT_FOREVER, relevantUntil } from './DatabaseIncidentStore';
import { MIGRATIONS_DIRECTORY } from './migrations';
import { tableIndexes } from './__testUtils__/schema';
import { describeEachDatabase } from './__testUtils__/testDatabases';

const FILE = '20261204170000_incident_relevant_until.js';
const EARLIER = fs
  .readdirSync(MIGRATIONS_DIRECTORY)
  .filter(name => /^\d{14}_.+\.js$/.test(name) && name < FILE)
  .sort();

const HOUR = 3_600_000;
const T = Date.UTC(2026, 2, 1);

jest.setTimeout(60_000);

/** The indexes of sla_incidents with their columns, by name (primary key left out). */
function incidentIndexes(knex: Knex): Promise<Record<string, string[]>> {
  return tableIndexes(knex, 'sla_incidents');
}

/** A raw row of the schema before the migration. */
function row(id: string, fields: Record<string, number | null> = {}) {
  return {
    source: 'api',
    incident_id: id,
    entity_ref: 'component:default/cad-core',
    title: id,
    priority: 'P2',
    created_at: T,
    pauses: '[]',
    updated_at: T,
    ...fields,
  };
}

/** The incident a row of `row` holds, as the store would read it. */
function incidentOf(r: ReturnType<typeof row>): Incident {
  const f = r as Record<string, unknown>;
  const opt = (v: unknown) => (v === null ? undefined : (v as number));
  return {
    source: r.source,
    id: r.incident_id,
    entityRef: r.entity_ref,
    title: r.title,
    priority: 'P2',
    createdAt: r.created_at,
    pauses: [],
    acknowledgedAt: opt(f.acknowledged_at),
    resolvedAt: opt(f.resolved_at),
    outage:
      f.outage_start === undefined || f.outage_start === null
        ? undefined
        : {
            start: f.outage_start as number,
            end: opt(f.outage_end),
          },
  };
}

describeEachDatabase(`migration ${FILE}`, init => {
  async function migratedToTheOneBefore() {
    const knex = await init();
    for (const name of EARLIER) {
      await knex.migrate.up({ directory: MIGRATIONS_DIRECTORY, name });
    }
    return knex;
  }

  it('adds relevant_until and its indexes in place of (entity_ref, created_at); down restores the index and drops the column', async () => {
    const knex = await migratedToTheOneBefore();
    const before = await incidentIndexes(knex);
    expect(before).toEqual({
      sla_incidents_entity_created_idx: ['entity_ref', 'created_at'],
    });
    expect(await knex.schema.hasColumn('sla_incidents', 'relevant_until')).toBe(
      false,
    );

    for (let round = 0; round < 2; round++) {
      await knex.migrate.up({ directory: MIGRATIONS_DIRECTORY, name: FILE });
      const info = await knex('sla_incidents').columnInfo();
      expect(info.relevant_until.nullable).toBe(false);
      expect(info.relevant_until.type).toMatch(/bigint/);
      // (entity_ref, relevant_until) on PostgreSQL only: SQLite's planner never takes it.
      expect(await incidentIndexes(knex)).toEqual({
        sla_incidents_entity_order_idx: [
          'entity_ref',
          'created_at',
          'source',
          'incident_id',
          'relevant_until',
        ],
        ...(knex.client.config.client === 'pg'
          ? {
              sla_incidents_entity_relevant_idx: [
                'entity_ref',
                'relevant_until',
              ],
            }
          : {}),
      });

      await knex.migrate.down({ directory: MIGRATIONS_DIRECTORY, name: FILE });
      expect(
        await knex.schema.hasColumn('sla_incidents', 'relevant_until'),
      ).toBe(false);
      expect(await incidentIndexes(knex)).toEqual(before);
    }
    await knex.destroy();
  });

  it('fills relevant_until of existing rows as the store computes it, and defaults new rows to forever', async () => {
    const knex = await migratedToTheOneBefore();
    const rows = [
      row('open'),
      row('open-acknowledged', { acknowledged_at: T + HOUR }),
      row('resolved', { resolved_at: T + 2 * HOUR }),
      row('acknowledged-first', {
        acknowledged_at: T + HOUR,
        resolved_at: T + 2 * HOUR,
      }),
      row('acknowledged-after-resolution', {
        acknowledged_at: T + 3 * HOUR,
        resolved_at: T + 2 * HOUR,
      }),
      row('outage-open', {
        resolved_at: T + 2 * HOUR,
        outage_start: T,
      }),
      row('outage-open-incident-open', { outage_start: T }),
      row('outage-ended-after', {
        resolved_at: T + 2 * HOUR,
        outage_start: T,
        outage_end: T + 4 * HOUR,
      }),
      row('outage-ended-before', {
        acknowledged_at: T + HOUR,
        resolved_at: T + 2 * HOUR,
        outage_start: T,
        outage_end: T + HOUR / 2,
      }),
      row('outage-ended-incident-open', {
        outage_start: T,
        outage_end: T + HOUR,
      }),
      // An outage end without a start was never read as an outage, and is not now.
      row('outage-end-without-start', {
        resolved_at: T + 2 * HOUR,
        outage_end: T + 5 * HOUR,
      }),
      row('far', { resolved_at: 4_102_444_800_000 }),
    ];
    await knex('sla_incidents').insert(rows);
    await knex.migrate.up({ directory: MIGRATIONS_DIRECTORY, name: FILE });

    const got = Object.fromEntries(
      (
        (await knex('sla_incidents').select(
          'incident_id',
          'relevant_until',
        )) as Array<{ incident_id: string; relevant_until: number | string }>
      ).map(r => [r.incident_id, Number(r.relevant_until)]),
    );
    expect(got).toEqual({
      open: RELEVANT_FOREVER,
      'open-acknowledged': RELEVANT_FOREVER,
      resolved: T + 2 * HOUR,
      'acknowledged-first': T + 2 * HOUR,
      'acknowledged-after-resolution': T + 3 * HOUR,
      'outage-open': RELEVANT_FOREVER,
      'outage-open-incident-open': RELEVANT_FOREVER,
      'outage-ended-after': T + 4 * HOUR,
      'outage-ended-before': T + 2 * HOUR,
      'outage-ended-incident-open': RELEVANT_FOREVER,
      'outage-end-without-start': T + 2 * HOUR,
      far: 4_102_444_800_000,
    });
    // The migration and the store's writes agree on every case.
    for (const r of rows) {
      expect([r.incident_id, got[r.incident_id]]).toEqual([
        r.incident_id,
        relevantUntil(incidentOf(r)),
      ]);
    }

    await knex('sla_incidents').insert(row('written-without-it'));
    const fresh = await knex('sla_incidents')
      .where('incident_id', 'written-without-it')
      .first();
    expect(Number(fresh.relevant_until)).toBe(RELEVANT_FOREVER);
    await knex.destroy();
  });
});
