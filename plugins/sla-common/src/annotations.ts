/** Every SLA annotation key starts with this prefix (SPEC §2). @public */
export const SLA_ANNOTATION_PREFIX = 'servicelevel.io/';

/**
 * The SLA annotations of SPEC §2, by their camel-case name.
 * @public
 */
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
  reviewBy: 'servicelevel.io/review-by',
  sources: 'servicelevel.io/sources',
  priorityMap: 'servicelevel.io/priority-map',
} as const;

/** Keys that state an objective: any of them (or a tier) gives an entity an SLA. */
const OBJECTIVE_ANNOTATIONS: readonly string[] = [
  SLA_ANNOTATIONS.availability,
  SLA_ANNOTATIONS.responseTime,
  SLA_ANNOTATIONS.resolutionTime,
  SLA_ANNOTATIONS.maxIncidents,
  SLA_ANNOTATIONS.maxOutage,
  SLA_ANNOTATIONS.minMtbf,
];

/**
 * Annotations that existing Backstage plugins read, reused to link an entity to its
 * incident sources (SPEC §2).
 * @public
 */
export const INCIDENT_SOURCE_ANNOTATIONS = {
  pagerduty: 'pagerduty.com/service-id',
  opsgenie: 'opsgenie.com/component-selector',
  servicenow: 'servicenow.com/entity-id',
  jiraProjectKey: 'jira/project-key',
  jiraComponent: 'jira/component',
  prometheus: 'prometheus.io/availability-query',
} as const;

/**
 * An entity has an SLA when it carries a tier or at least one objective key.
 * @public
 */
export function hasSlaAnnotations(
  annotations: Record<string, string> | undefined,
): boolean {
  if (!annotations) {
    return false;
  }
  return (
    SLA_ANNOTATIONS.tier in annotations ||
    OBJECTIVE_ANNOTATIONS.some(key => key in annotations)
  );
}
