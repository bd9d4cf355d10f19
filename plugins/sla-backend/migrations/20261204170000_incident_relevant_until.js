// @ts-check

/** The largest instant a JavaScript Date can hold (epoch ms): "still matters to every period". */
const FOREVER = 8_640_000_000_000_000;

/**
 * Until when an incident matters to a period (issue 14.2). The window [from, to) needs the
 * incidents created before `to` of which something (the resolution, the first response or
 * the outage's end) reaches `from` or later. `relevant_until` is the latest of those
 * instants, so the read of a period becomes `created_at < to AND relevant_until >= from`,
 * and an open period finds its incidents through an index instead of reading the entity's
 * whole history and discarding most of it. Incidents still open, and those whose outage is
 * still running, matter to every later period and hold FOREVER. The column defaults to it:
 * a row written without it is read too often, never too rarely.
 *
 * Two indexes, each the one an engine's planner takes (measured with 500 incidents per
 * entity over two years, 1,000 entities, a query for 400 of them and an open month):
 * - (entity_ref, relevant_until), on PostgreSQL only, touches only the rows the period
 *   needs. PostgreSQL reads it and sorts those rows (12,590 rows read, none discarded); with
 *   (entity_ref, created_at) it read the whole table and discarded 97% of it. SQLite's
 *   planner never chose it beside the next one, and a second index cost SQLite's ingestion
 *   about a third (21,070 → 11,040 incidents/s in the bench at 1,000,000 incidents), so
 *   SQLite does without it.
 * - (entity_ref, created_at, source, incident_id, relevant_until) yields the rows in the
 *   store's order and tests relevant_until in the index before it reads a row. SQLite always
 *   prefers an index that spares it the sort, so this is the one it reads. It replaces
 *   (entity_ref, created_at), its prefix: whatever that index served, this one serves.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('sla_incidents', table => {
    table
      .bigInteger('relevant_until')
      .notNullable()
      .defaultTo(FOREVER)
      .comment(
        `Latest of resolved_at, acknowledged_at and outage_end, epoch ms UTC: periods starting later do not need the incident; ${FOREVER} while it or its outage is open`,
      );
  });
  // SQLite's max() of several arguments is PostgreSQL's greatest(), but returns null when
  // one argument is null: each term falls back to resolved_at, which this branch has.
  const isPg = knex.client.config.client === 'pg';
  const greatest = isPg ? 'greatest' : 'max';
  await knex('sla_incidents').update({
    relevant_until: knex.raw(
      `case
        when resolved_at is null or (outage_start is not null and outage_end is null) then ?
        else ${greatest}(
          resolved_at,
          coalesce(acknowledged_at, resolved_at),
          case when outage_start is not null then outage_end else resolved_at end
        )
      end`,
      [FOREVER],
    ),
  });
  await knex.schema.alterTable('sla_incidents', table => {
    table.dropIndex(
      ['entity_ref', 'created_at'],
      'sla_incidents_entity_created_idx',
    );
    if (isPg) {
      table.index(
        ['entity_ref', 'relevant_until'],
        'sla_incidents_entity_relevant_idx',
      );
    }
    table.index(
      ['entity_ref', 'created_at', 'source', 'incident_id', 'relevant_until'],
      'sla_incidents_entity_order_idx',
    );
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('sla_incidents', table => {
    table.dropIndex(
      ['entity_ref', 'created_at', 'source', 'incident_id', 'relevant_until'],
      'sla_incidents_entity_order_idx',
    );
    if (knex.client.config.client === 'pg') {
      table.dropIndex(
        ['entity_ref', 'relevant_until'],
        'sla_incidents_entity_relevant_idx',
      );
    }
    table.index(
      ['entity_ref', 'created_at'],
      'sla_incidents_entity_created_idx',
    );
  });
  await knex.schema.alterTable('sla_incidents', table => {
    table.dropColumn('relevant_until');
  });
};
