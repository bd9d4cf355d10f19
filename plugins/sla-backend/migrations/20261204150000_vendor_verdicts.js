// @ts-check

/**
 * The vendors' own SLA verdicts (issue 17 §3): what Jira Service Management's request SLAs
 * and ServiceNow's task_sla decided for an incident's response or resolution, stored beside
 * our incidents for the source's cross-check. Written with the incidents of the same page.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('sla_vendor_verdicts', table => {
    table.comment(
      'Own SLA verdict of an ITSM tool for one clock of one incident',
    );
    table
      .string('source', 64)
      .notNullable()
      .comment('Incident source (provider id), as in sla_incidents');
    table
      .string('incident_id', 255)
      .notNullable()
      .comment('Incident id within the source, as in sla_incidents');
    table
      .string('clock', 16)
      .notNullable()
      .comment('Which clock the vendor SLA times: response or resolution');
    table
      .string('sla_name', 255)
      .notNullable()
      .comment('SLA name or id at the vendor');
    table
      .boolean('breached')
      .notNullable()
      .comment('The vendor says the SLA was breached');
    table
      .bigInteger('elapsed_ms')
      .nullable()
      .comment('Elapsed time the vendor counted (business when given), ms');
    table
      .bigInteger('goal_ms')
      .nullable()
      .comment('Goal of the vendor for the incident, ms');
    table
      .double('percentage')
      .nullable()
      .comment('Elapsed share of the goal as the vendor wrote it (percent)');
    table
      .string('schedule', 255)
      .nullable()
      .comment('Schedule (calendar) name or id at the vendor; null when none');
    table
      .bigInteger('paused_ms')
      .nullable()
      .comment('Time the vendor paused the clock, ms, when given');
    table
      .bigInteger('updated_at')
      .notNullable()
      .comment('When the verdict was last written (epoch ms)');
    table.primary(['source', 'incident_id', 'clock']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('sla_vendor_verdicts');
};
