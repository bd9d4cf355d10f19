// @ts-check

/**
 * A partial index on the snapshots an explicit recompute rewrote (issue 14.5). A closed
 * period's result is its snapshot, which nothing but a recompute changes, so a backend
 * keeps it until a recompute, by itself or by another replica, shows in
 * `SnapshotStore.changeMark()`: the count and sum of the recomputed rows' `computed_at`.
 * That mark is read every few seconds by each replica; through this index it reads only the
 * recomputed rows (a handful), not the table (220,000 rows at 20,000 services).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('sla_snapshots', table => {
    table.index(['computed_at'], 'sla_snapshots_recomputed_idx', {
      predicate: knex.whereNotNull('recomputed_by'),
    });
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('sla_snapshots', table => {
    table.dropIndex(['computed_at'], 'sla_snapshots_recomputed_idx');
  });
};
