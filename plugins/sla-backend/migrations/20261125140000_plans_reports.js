// @ts-check

/**
 * Service improvement plans with their change history, stored period service reports and
 * agreement confirmations. Instants are UTC epoch milliseconds in bigint columns.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('sla_plans', table => {
    table.comment(
      'Service improvement plans; deleting one only sets deleted_at, so its history stays readable',
    );
    table.string('id', 64).notNullable().primary().comment('Plan id (uuid)');
    table
      .string('entity_ref', 255)
      .notNullable()
      .comment('Stringified ref of the catalog entity the plan improves');
    table.text('title').notNullable().comment('Short title of the plan');
    table
      .text('description')
      .notNullable()
      .comment('What the plan is about (may be empty)');
    table
      .text('origin')
      .notNullable()
      .comment(
        'JSON of where the plan came from: breach, survey, review or other',
      );
    table
      .text('addresses')
      .notNullable()
      .comment('JSON array of {objective, period} the plan addresses');
    table
      .string('owner_ref', 255)
      .notNullable()
      .comment('Entity ref of the plan owner (user or group)');
    table
      .string('target_date', 10)
      .notNullable()
      .comment('YYYY-MM-DD by which the plan should be done');
    table
      .string('status', 16)
      .notNullable()
      .comment('proposed, approved, in-progress, done or dropped');
    table
      .text('actions')
      .notNullable()
      .comment(
        'JSON array of actions {id, title, assignee, dueDate, done, createdAt, doneAt}',
      );
    table
      .bigInteger('created_at')
      .notNullable()
      .comment('When the plan was created, epoch ms UTC');
    table
      .string('created_by', 255)
      .notNullable()
      .comment('User or service that created the plan');
    table
      .bigInteger('updated_at')
      .notNullable()
      .comment('When the plan last changed, epoch ms UTC');
    table
      .bigInteger('deleted_at')
      .nullable()
      .comment('When the plan was deleted; null while it exists');
    table.index(['entity_ref'], 'sla_plans_entity_idx');
    table.index(['owner_ref'], 'sla_plans_owner_idx');
    table.index(['status'], 'sla_plans_status_idx');
  });

  await knex.schema.createTable('sla_plan_history', table => {
    table.comment('Every change of every improvement plan: who, when, what');
    table
      .string('plan_id', 64)
      .notNullable()
      .comment('Id of the plan in sla_plans');
    table
      .integer('seq')
      .notNullable()
      .comment('1, 2, 3… per plan, in the order of the changes');
    table
      .bigInteger('at')
      .notNullable()
      .comment('When the change was made, epoch ms UTC');
    table
      .string('by', 255)
      .notNullable()
      .comment('User or service that made the change');
    table
      .string('kind', 16)
      .notNullable()
      .comment('created, updated or deleted');
    table
      .text('changes')
      .notNullable()
      .comment('JSON array of {field, from, to}');
    table.primary(['plan_id', 'seq']);
  });

  await knex.schema.createTable('sla_reports', table => {
    table.comment(
      'Generated period service reports; immutable, replaced only by an audited regeneration',
    );
    table
      .string('subject_kind', 16)
      .notNullable()
      .comment('entity (one service) or customer (all services of a customer)');
    table
      .string('subject_ref', 255)
      .notNullable()
      .comment('Ref of the service entity or of the customer');
    table
      .string('period_key', 32)
      .notNullable()
      .comment('The period, e.g. 2026-03, 2026-Q1 or 2026');
    table
      .text('model')
      .notNullable()
      .comment('JSON of the report model the documents were rendered from');
    table.text('csv').notNullable().comment('The report as CSV');
    table.text('markdown').notNullable().comment('The report as Markdown');
    table
      .text('html')
      .notNullable()
      .comment('The report as a printable HTML page');
    table
      .bigInteger('generated_at')
      .notNullable()
      .comment('When the report was generated, epoch ms UTC');
    table
      .string('generated_by', 255)
      .notNullable()
      .comment('scheduler, or the user or service that (re)generated it');
    table
      .integer('revision')
      .notNullable()
      .comment('1 when first generated, +1 for every deliberate regeneration');
    table.primary(['subject_kind', 'subject_ref', 'period_key']);
  });

  await knex.schema.createTable('sla_confirmations', table => {
    table.comment(
      'Confirmations (sign-offs) of a version of the SLA terms of an entity',
    );
    table.increments('id').comment('Confirmation id');
    table
      .string('entity_ref', 255)
      .notNullable()
      .comment('Stringified ref of the catalog entity');
    table
      .integer('terms_version')
      .notNullable()
      .comment('The version of the terms (sla_terms_versions) confirmed');
    table
      .string('confirmed_by', 255)
      .notNullable()
      .comment('User who confirmed');
    table
      .string('role', 16)
      .notNullable()
      .comment('owner or customer: in which capacity the user confirmed');
    table
      .bigInteger('confirmed_at')
      .notNullable()
      .comment('When the terms were confirmed, epoch ms UTC');
    table.text('comment').nullable().comment('Optional comment');
    table.index(['entity_ref'], 'sla_confirmations_entity_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('sla_confirmations');
  await knex.schema.dropTable('sla_reports');
  await knex.schema.dropTable('sla_plan_history');
  await knex.schema.dropTable('sla_plans');
};
