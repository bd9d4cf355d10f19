// @ts-check

/**
 * An incident's region (issue 18): on a `calendar:by-region` service it chooses the calendar
 * of the incident's response and resolution clocks (`sla.regions`). Null for incidents without
 * one; existing rows keep null, which clocks them on the service's own calendar as before.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('sla_incidents', table => {
    table
      .string('region', 32)
      .nullable()
      .comment(
        'Region code, lower case (e.g. cn, us), choosing the clock calendar under calendar:by-region; null when none',
      );
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('sla_incidents', table => {
    table.dropColumn('region');
  });
};
