// @ts-check

/**
 * Incidents as the incident model in ENGINE.md describes them. Instants are UTC epoch milliseconds in bigint
 * columns, so SQLite and PostgreSQL share one representation and one code path.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('sla_incidents', table => {
    table.comment(
      'Incidents from every source; (source, incident_id) is the identity',
    );
    table
      .string('source', 64)
      .notNullable()
      .comment('Where the incident came from, e.g. pagerduty, api, csv');
    table
      .string('incident_id', 255)
      .notNullable()
      .comment('The id of the incident within its source');
    table
      .string('entity_ref', 255)
      .notNullable()
      .comment('Stringified ref of the catalog entity the incident belongs to');
    table
      .text('title')
      .notNullable()
      .comment('Short description shown in lists and reports');
    table.string('priority', 2).notNullable().comment('P1 (most urgent) to P4');
    table
      .bigInteger('created_at')
      .notNullable()
      .comment('When the incident was opened, epoch ms UTC');
    table
      .bigInteger('acknowledged_at')
      .nullable()
      .comment('First response, epoch ms UTC');
    table
      .bigInteger('resolved_at')
      .nullable()
      .comment('Resolution, epoch ms UTC');
    table
      .text('pauses')
      .notNullable()
      .comment(
        'JSON array of {start, end?} intervals when the SLA clock was stopped',
      );
    table
      .bigInteger('outage_start')
      .nullable()
      .comment(
        'Start of the service outage this incident caused, epoch ms UTC',
      );
    table
      .bigInteger('outage_end')
      .nullable()
      .comment('End of the outage; null while it is still down');
    table
      .boolean('outage_planned')
      .notNullable()
      .defaultTo(false)
      .comment('Planned outages never count as downtime');
    table
      .string('outage_impact', 16)
      .nullable()
      .comment('down or degraded; degraded is recorded but is not downtime');
    table
      .text('url')
      .nullable()
      .comment('Link to the incident in its source system');
    table
      .bigInteger('updated_at')
      .notNullable()
      .comment('When this row was last written, epoch ms UTC');
    table.primary(['source', 'incident_id']);
    table.index(
      ['entity_ref', 'created_at'],
      'sla_incidents_entity_created_idx',
    );
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('sla_incidents');
};
