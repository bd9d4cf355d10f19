/** Prefix of every SLA annotation (the annotation reference in ENGINE.md). */
export const SLA_ANNOTATION_PREFIX = 'servicelevel.io/';

/** camelCase key → full annotation name, for every key in the annotation reference in ENGINE.md. */
export const SLA_ANNOTATIONS = {
  tier: 'servicelevel.io/tier',
  serviceHours: 'servicelevel.io/service-hours',
  timezone: 'servicelevel.io/timezone',
  availability: 'servicelevel.io/availability',
  responseTime: 'servicelevel.io/response-time',
  resolutionTime: 'servicelevel.io/resolution-time',
  maxIncidents: 'servicelevel.io/max-incidents',
  maxOutage: 'servicelevel.io/max-outage',
  minMtbf: 'servicelevel.io/min-mtbf',
  period: 'servicelevel.io/period',
  report: 'servicelevel.io/report',
  maintenance: 'servicelevel.io/maintenance',
  customer: 'servicelevel.io/customer',
  agreement: 'servicelevel.io/agreement',
  agreementType: 'servicelevel.io/agreement-type',
  reviewBy: 'servicelevel.io/review-by',
  sources: 'servicelevel.io/sources',
  priorityMap: 'servicelevel.io/priority-map',
  serviceCredits: 'servicelevel.io/service-credits',
  monthlyFee: 'servicelevel.io/monthly-fee',
  openslo: 'servicelevel.io/openslo',
} as const;

/** A camelCase SLA annotation key. */
export type SlaAnnotationKey = keyof typeof SLA_ANNOTATIONS;

/** Annotations of existing Backstage plugins that link an entity to incident sources. */
export const INCIDENT_SOURCE_ANNOTATIONS = {
  pagerduty: 'pagerduty.com/service-id',
  opsgenie: 'opsgenie.com/component-selector',
  servicenow: 'servicenow.com/entity-id',
  jiraProjectKey: 'jira/project-key',
  jiraComponent: 'jira/component',
  prometheus: 'prometheus.io/availability-query',
} as const;

/** Keys (without prefix) whose presence makes an entity "have an SLA", with `tier`. */
export const SLA_OBJECTIVE_KEYS = [
  'availability',
  'response-time',
  'resolution-time',
  'max-incidents',
  'max-outage',
  'min-mtbf',
] as const;

/** True when the entity carries `servicelevel.io/tier` or at least one objective key. */
export function hasSlaAnnotations(
  annotations: Record<string, string> | undefined,
): boolean {
  if (!annotations) return false;
  if (annotations[SLA_ANNOTATIONS.tier] !== undefined) return true;
  return SLA_OBJECTIVE_KEYS.some(
    k => annotations[SLA_ANNOTATION_PREFIX + k] !== undefined,
  );
}

/** One row of the annotation reference: drives parser messages and ENGINE.md. */
export interface AnnotationReference {
  /** Key without prefix, e.g. `response-time`. */
  key: string;
  /** Full annotation name. */
  annotation: string;
  /** Grammar shown in problem messages. */
  expected: string;
  /** Examples that must parse without problems (tested). */
  examples: string[];
  /** Default when absent. */
  default: string;
  meaning: string;
}

const P = SLA_ANNOTATION_PREFIX;

/** The annotation reference — single source for docs and messages. */
export const ANNOTATION_REFERENCE: readonly AnnotationReference[] = [
  {
    key: 'tier',
    annotation: `${P}tier`,
    expected: 'a tier name configured under sla.tiers',
    examples: ['gold'],
    default: 'none',
    meaning:
      'Tier template from `sla.tiers`; keys on the entity override the tier’s. A malformed override does not drop the commitment: the tier’s value applies and the problem says so (`fallback`).',
  },
  {
    key: 'service-hours',
    annotation: `${P}service-hours`,
    expected:
      '24x7 | calendar:<name> | calendar:by-region | <days> <HH:MM-HH:MM>[,<HH:MM-HH:MM>…][;…]',
    examples: [
      '24x7',
      'calendar:cn-workdays',
      'Mon-Fri 09:00-18:00',
      'Mon-Fri 09:00-12:00,13:30-18:00;Sat 10:00-14:00',
      'calendar:by-region',
    ],
    default: '24x7',
    meaning:
      'When SLA clocks run and the service is agreed to be available. End may be 24:00. `calendar:by-region` clocks each incident on the calendar `sla.regions` gives its `region`; availability, periods and incidents without a listed region use the first region’s calendar.',
  },
  {
    key: 'timezone',
    annotation: `${P}timezone`,
    expected: 'an IANA time zone',
    examples: ['Asia/Shanghai', 'America/New_York', 'UTC'],
    default: 'the calendar’s, else sla.defaultTimezone, else UTC',
    meaning:
      'Zone for inline hours, maintenance windows and period boundaries.',
  },
  {
    key: 'availability',
    annotation: `${P}availability`,
    expected: '<percent>, e.g. 99.9%',
    examples: ['99.9%', '99.95%'],
    default: 'no target',
    meaning: 'Availability target over agreed service time per period.',
  },
  {
    key: 'response-time',
    annotation: `${P}response-time`,
    expected: '<priority>=<duration>[@<percent>] …, e.g. P1=15m@95%',
    examples: ['P1=15m P2=30m P3=4h P4=1d', 'P1=15m@95%'],
    default: 'no target',
    meaning:
      'Time to acknowledge, in service time, per priority; `@95%` = share that must meet it (default 100%).',
  },
  {
    key: 'resolution-time',
    annotation: `${P}resolution-time`,
    expected: '<priority>=<duration>[@<percent>] …, e.g. P1=4h P2=1d@90%',
    examples: ['P1=4h P2=8h P3=3d', 'P1=2h P2=1d4h@90%'],
    default: 'no target',
    meaning: 'Time to resolve (turnaround), same grammar as response-time.',
  },
  {
    key: 'max-incidents',
    annotation: `${P}max-incidents`,
    expected: '<priority|all>=<count> …, e.g. P1=0 P2=2 all=10',
    examples: ['P1=0 P2=2 all=10'],
    default: 'no target',
    meaning:
      'Fault count ceiling per period (incidents created in the period).',
  },
  {
    key: 'max-outage',
    annotation: `${P}max-outage`,
    expected: '<duration>, e.g. 2h',
    examples: ['2h', '1h30m'],
    default: 'no target',
    meaning: 'Longest single outage allowed in the period (downtime measure).',
  },
  {
    key: 'min-mtbf',
    annotation: `${P}min-mtbf`,
    expected: '<duration>, e.g. 15d',
    examples: ['15d'],
    default: 'no target',
    meaning: 'Mean time between failures floor over the period.',
  },
  {
    key: 'period',
    annotation: `${P}period`,
    expected: 'monthly | quarterly | yearly',
    examples: ['monthly', 'quarterly', 'yearly'],
    default: 'monthly',
    meaning: 'Measurement period.',
  },
  {
    key: 'report',
    annotation: `${P}report`,
    expected: 'monthly | quarterly | yearly',
    examples: ['monthly', 'quarterly'],
    default: 'the period',
    meaning: 'Report cadence agreed with the customer.',
  },
  {
    key: 'maintenance',
    annotation: `${P}maintenance`,
    expected:
      '<days> <HH:MM-HH:MM>[,…][;…], e.g. Sun 02:00-04:00;Sat 22:00-24:00',
    examples: ['Sun 02:00-04:00', 'Sun 02:00-04:00;Sat 22:00-24:00'],
    default: 'none',
    meaning:
      'Recurring planned maintenance windows (entity zone), excluded from downtime.',
  },
  {
    key: 'customer',
    annotation: `${P}customer`,
    expected: 'an entity ref, e.g. group:default/dispatch-center',
    examples: ['group:default/dispatch-center'],
    default: 'none',
    meaning: 'The customer of the agreement.',
  },
  {
    key: 'agreement',
    annotation: `${P}agreement`,
    expected: 'an agreement id, e.g. TFDL-SLA-2026-07',
    examples: ['TFDL-SLA-2026-07'],
    default: 'none',
    meaning: 'Agreement id/version shown on reports.',
  },
  {
    key: 'agreement-type',
    annotation: `${P}agreement-type`,
    expected: 'sla | ola | uc',
    examples: ['uc', 'ola'],
    default: 'sla',
    meaning:
      'What kind of agreement this is: with a customer (`sla`), an internal team agreement (`ola`), or a supplier’s underpinning contract (`uc`). Shown on the catalog page and in reports; the dependency chain names it.',
  },
  {
    key: 'review-by',
    annotation: `${P}review-by`,
    expected: 'a date YYYY-MM-DD',
    examples: ['2027-01-06'],
    default: 'none',
    meaning: 'Date by which the agreement must be reviewed.',
  },
  {
    key: 'sources',
    annotation: `${P}sources`,
    expected: '<source>[, <source>…], e.g. pagerduty, servicenow',
    examples: ['pagerduty, servicenow'],
    default: 'every linked source',
    meaning:
      'Restrict which incident sources count (the built-in store always counts).',
  },
  {
    key: 'priority-map',
    annotation: `${P}priority-map`,
    expected: '<source priority>=<P1..P4> …, e.g. SEV1=P1 high=P2',
    examples: ['SEV1=P1 SEV2=P2 high=P2 low=P4'],
    default: 'P1..P4 as is',
    meaning: 'Map source priorities to P1–P4.',
  },
  {
    key: 'service-credits',
    annotation: `${P}service-credits`,
    expected:
      '<objective><<percent>=<share> | <objective>=<share>/breach | <objective>=<share> | cap=<share>, space-separated',
    examples: [
      'availability<99.9%=10% availability<99%=25% response-time:P1=5%/breach cap=30%',
      'max-outage=5%',
    ],
    default: 'no credits',
    meaning:
      'Service credits as a share of the period’s fee: a band by achieved value (the lowest threshold the value is below applies), a share per breached incident, or a share when the objective is breached; the total is capped (default 100%). Objectives must have a target.',
  },
  {
    key: 'monthly-fee',
    annotation: `${P}monthly-fee`,
    expected: '<amount> <ISO 4217 currency code>, e.g. 12000 CNY',
    examples: ['12000 CNY', '2500.50 EUR', '1500000 JPY'],
    default: 'none (credits are shown as shares only)',
    meaning:
      'Fee per month that credits are a share of; a quarter is 3 months’ fee, a year 12. Decimals up to the currency’s minor unit.',
  },
  {
    key: 'openslo',
    annotation: `${P}openslo`,
    expected:
      'a relative path (or URL) of an OpenSLO v1 YAML file, e.g. ./slo.yaml',
    examples: ['./slo.yaml'],
    default: 'none',
    meaning:
      'Terms from OpenSLO documents, read relative to the entity’s file by the catalog module: availability and response/resolution SLOs become targets, the Service’s `servicelevel.io/` annotations the rest. Keys written on the entity win. What the grammar cannot express is a processing error naming the field.',
  },
];

/** Markdown table of {@link ANNOTATION_REFERENCE}; ENGINE.md embeds it verbatim (tested). */
export function annotationReferenceMarkdown(): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  const lines = [
    '| Annotation | Expected form | Examples | Default | Meaning |',
    '|---|---|---|---|---|',
    ...ANNOTATION_REFERENCE.map(
      r =>
        `| \`${r.annotation}\` | ${esc(r.expected)} | ${r.examples
          .map(e => `\`${esc(e)}\``)
          .join('<br>')} | ${esc(r.default)} | ${esc(r.meaning)} |`,
    ),
  ];
  return lines.join('\n');
}
