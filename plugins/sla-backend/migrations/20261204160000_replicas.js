// @ts-check

/**
 * Live backend replicas (issue 14.6): each replica beats here every `sla.replicas.heartbeat`;
 * the scheduled evaluation of closed periods is split between the replicas whose beat is
 * recent (src/service/ReplicaMembership.ts).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('sla_replicas', table => {
    table.comment('Backend replicas sharing the scheduled work, one row each');
    table
      .string('replica_id', 64)
      .primary()
      .notNullable()
      .comment('Random id a replica takes at startup');
    table
      .bigInteger('heartbeat_at')
      .notNullable()
      .comment('Epoch ms of its last heartbeat');
    table
      .bigInteger('joined_at')
      .notNullable()
      .comment('Epoch ms of its first heartbeat');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('sla_replicas');
};
