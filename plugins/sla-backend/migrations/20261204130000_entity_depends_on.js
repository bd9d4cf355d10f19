// @ts-check

/**
 * The catalog's dependsOn relations of each SLA entity (issue 17): the dependency chain, the
 * consistency warnings and the attribution of downtime to a dependency's outages follow them.
 * A JSON array of entity refs; null for entities synced before this migration (read as none
 * until the next catalog sync fills it in).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('sla_entities', table => {
    table
      .text('depends_on')
      .nullable()
      .comment(
        'JSON array of the entity refs its dependsOn relations target (components and resources); null until synced',
      );
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('sla_entities', table => {
    table.dropColumn('depends_on');
  });
};
