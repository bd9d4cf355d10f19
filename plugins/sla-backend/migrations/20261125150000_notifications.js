// @ts-check

/**
 * Notifications already sent to owners (breach, at risk, review due, action overdue), one row
 * per event, so that each event is sent once whatever the number of scheduler runs or
 * replicas. Instants are UTC epoch milliseconds in bigint columns.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('sla_notification_events', table => {
    table.comment(
      'Owner notifications claimed or sent; a row per event key, inserted if absent so one replica sends it',
    );
    table
      .string('event_key', 768)
      .notNullable()
      .primary()
      .comment(
        'Stable key of the event, e.g. breach|<entityRef>|<objective>|<periodKey>',
      );
    table
      .string('kind', 32)
      .notNullable()
      .comment('breach, at-risk, review-due, review-overdue or action-overdue');
    table
      .string('entity_ref', 255)
      .notNullable()
      .comment('Stringified ref of the catalog entity the event is about');
    table
      .text('recipients')
      .notNullable()
      .comment('JSON array of the entity refs the notification is sent to');
    table
      .bigInteger('claimed_at')
      .notNullable()
      .comment(
        'When a scheduler run claimed the event for sending, epoch ms UTC',
      );
    table
      .bigInteger('sent_at')
      .nullable()
      .comment(
        'When the notification was handed to the notifications service; null while only claimed',
      );
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('sla_notification_events');
};
