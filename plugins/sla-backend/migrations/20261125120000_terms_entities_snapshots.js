// @ts-check

/**
 * Versioned SLA terms (ENGINE.md R8), the catalog entities that carry SLA annotations,
 * immutable period snapshots and the progress of incident provider accounts.
 * Instants are UTC epoch milliseconds in bigint columns, as in the init migration.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('sla_terms_versions', table => {
    table.comment(
      'Every distinct version of the effective SLA terms of an entity; never deleted',
    );
    table
      .string('entity_ref', 255)
      .notNullable()
      .comment('Stringified ref of the catalog entity');
    table
      .integer('version')
      .notNullable()
      .comment('1, 2, 3… per entity, in the order the terms were first seen');
    table.text('terms').notNullable().comment('JSON of the effective SlaTerms');
    table
      .text('problems')
      .notNullable()
      .comment('JSON array of the annotation problems seen with these terms');
    table
      .text('fingerprint')
      .notNullable()
      .comment('Canonical serialisation of the terms, used to detect changes');
    table
      .bigInteger('seen_at')
      .notNullable()
      .comment('When these terms were first seen, epoch ms UTC');
    // The primary key also serves "latest version per entity" (max(version) by entity_ref).
    table.primary(['entity_ref', 'version']);
  });

  await knex.schema.createTable('sla_entities', table => {
    table.comment(
      'Catalog entities with SLA annotations, as last read from the catalog; never deleted',
    );
    table
      .string('entity_ref', 255)
      .notNullable()
      .primary()
      .comment('Stringified ref of the catalog entity');
    table
      .string('kind', 64)
      .notNullable()
      .comment('Entity kind, e.g. component');
    table.string('namespace', 255).notNullable().comment('Entity namespace');
    table.string('name', 255).notNullable().comment('Entity name');
    table.text('title').nullable().comment('metadata.title, if any');
    table
      .string('owner_ref', 255)
      .nullable()
      .comment('Ref of the owning group or user');
    table
      .string('system_ref', 255)
      .nullable()
      .comment('Ref of the system the entity is part of');
    table
      .string('domain_ref', 255)
      .nullable()
      .comment('Ref of the domain of that system');
    table
      .text('annotations')
      .notNullable()
      .comment('JSON object of all annotations of the entity');
    table
      .bigInteger('last_seen_at')
      .notNullable()
      .comment('When the catalog last listed the entity, epoch ms UTC');
    table
      .bigInteger('removed_at')
      .nullable()
      .comment(
        'When the entity disappeared from the catalog; null while present',
      );
    table.index(['removed_at'], 'sla_entities_removed_idx');
  });

  await knex.schema.createTable('sla_snapshots', table => {
    table.comment(
      'Immutable results of closed periods; replaced only by an explicit, audited recompute',
    );
    table
      .string('entity_ref', 255)
      .notNullable()
      .comment('Stringified ref of the catalog entity');
    table
      .string('period_key', 32)
      .notNullable()
      .comment('The period, e.g. 2026-03, 2026-Q1 or 2026');
    table
      .bigInteger('period_start')
      .notNullable()
      .comment('Start of the period (inclusive), epoch ms UTC');
    table
      .bigInteger('period_end')
      .notNullable()
      .comment('End of the period (exclusive), epoch ms UTC');
    table
      .integer('terms_version')
      .notNullable()
      .comment('Version of the terms the period was evaluated with');
    table.text('result').notNullable().comment('JSON of the PeriodResult');
    table
      .bigInteger('computed_at')
      .notNullable()
      .comment('When the result was computed, epoch ms UTC');
    table
      .string('recomputed_by', 255)
      .nullable()
      .comment('User or service ref that explicitly recomputed it, if any');
    table.primary(['entity_ref', 'period_key']);
    table.index(['period_key'], 'sla_snapshots_period_key_idx');
  });

  await knex.schema.createTable('sla_sync_state', table => {
    table.comment('Progress of each incident provider account');
    table
      .string('provider', 64)
      .notNullable()
      .comment('Provider id, e.g. pagerduty');
    table
      .string('account', 255)
      .notNullable()
      .comment('Account (or instance) of the provider');
    table
      .text('cursor')
      .nullable()
      .comment('Opaque resume cursor chosen by the provider (JSON text)');
    table
      .bigInteger('last_sync_at')
      .nullable()
      .comment('When the last run finished, epoch ms UTC');
    table
      .bigInteger('last_success_at')
      .nullable()
      .comment('When the last successful run finished, epoch ms UTC');
    table
      .text('last_error')
      .nullable()
      .comment('Error message of the last run, if it failed');
    table
      .integer('last_count')
      .nullable()
      .comment('Incidents written by the last run');
    table.primary(['provider', 'account']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('sla_sync_state');
  await knex.schema.dropTable('sla_snapshots');
  await knex.schema.dropTable('sla_entities');
  await knex.schema.dropTable('sla_terms_versions');
};
