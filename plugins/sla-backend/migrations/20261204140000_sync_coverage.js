// @ts-check

/**
 * Data coverage (issue 17 §2, SPEC §9). `first_attempt_at` is when an account's first sync
 * run started: before any success, everything since then is uncovered. `sla_sync_gaps` keeps
 * the history of stretches longer than `sla.coverage.maxGap` with no successful sync, each
 * written when the sync that ended it succeeded (a gap still open is read from the state).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('sla_sync_state', table => {
    table
      .bigInteger('first_attempt_at')
      .nullable()
      .comment(
        'When the first sync run of this account started (epoch ms); null for accounts synced before this migration',
      );
  });
  await knex.schema.createTable('sla_sync_gaps', table => {
    table.comment(
      'Stretches with no successful sync of a provider account longer than sla.coverage.maxGap',
    );
    table
      .string('provider', 64)
      .notNullable()
      .comment('Provider id, e.g. pagerduty');
    table
      .string('account', 255)
      .notNullable()
      .comment('Account of the provider');
    table
      .bigInteger('started_at')
      .notNullable()
      .comment(
        'The last success before the gap (epoch ms): data was complete up to here',
      );
    table
      .bigInteger('ended_at')
      .notNullable()
      .comment('The successful sync that ended the gap (epoch ms)');
    table
      .bigInteger('backfilled_from')
      .notNullable()
      .comment(
        'Where that sync started reading (epoch ms): at or before started_at, the gap was re-read',
      );
    table.primary(['provider', 'account', 'started_at']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('sla_sync_gaps');
  await knex.schema.alterTable('sla_sync_state', table => {
    table.dropColumn('first_attempt_at');
  });
};
