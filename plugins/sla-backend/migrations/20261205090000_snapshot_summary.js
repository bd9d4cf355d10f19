// @ts-check

/**
 * A snapshot's figures apart from its incident rows (issue 14.5). `result` holds the whole
 * PeriodResult, incident rows included: about 42 KB for a month of 500 incidents a year,
 * which the overview's year of 20,000 services (220,000 closed periods, some 9 GB) read and
 * parsed only to drop the rows. `summary` is the same JSON with only the incident rows that
 * per-breach service credits count (a breached clock counted in the period), so reads that
 * need the figures alone (the overview, its year-to-date and heatmap) select it and leave
 * `result` unread.
 *
 * Rows stored before this migration have no summary; readers fall back to `result` for
 * them. They are not backfilled here: rewriting every snapshot in the upgrade's one
 * transaction would hold the table for as long as it takes to parse and write all of it.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('sla_snapshots', table => {
    table
      .text('summary')
      .nullable()
      .comment(
        'JSON of the result with only the incident rows its credits count; null in rows stored before it existed',
      );
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('sla_snapshots', table => {
    table.dropColumn('summary');
  });
};
