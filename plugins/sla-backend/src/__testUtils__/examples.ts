/** SLA annotations and incidents of the test services, shared by the suites that need the same ones. */

/** The customer of cad-core (and, in the plans suites, of gis-routing). */
export const DISPATCH_CENTER = 'group:default/dispatch-center';

/** cad-core: 24x7 in UTC, every kind of objective, weekly maintenance, a customer. */
export const CAD_CORE_ANNOTATIONS = {
  'servicelevel.io/service-hours': '24x7',
  'servicelevel.io/timezone': 'UTC',
  'servicelevel.io/availability': '99.9%',
  'servicelevel.io/response-time': 'P1=15m P2=30m',
  'servicelevel.io/resolution-time': 'P1=4h P2=8h',
  'servicelevel.io/maintenance': 'Sun 02:00-04:00',
  'servicelevel.io/customer': DISPATCH_CENTER,
  'servicelevel.io/agreement': 'TFDL-SLA-2026-07',
};

/** gis-routing: Shanghai working days (the `cn-workdays` calendar), P2 clocks only. */
export const GIS_ROUTING_ANNOTATIONS = {
  'servicelevel.io/service-hours': 'calendar:cn-workdays',
  'servicelevel.io/response-time': 'P2=30m',
  'servicelevel.io/resolution-time': 'P2=1d',
};

/** The worked example of ENGINE.md, as a service desk would push it. */
export const WORKED_EXAMPLE = {
  source: 'servicenow',
  id: 'INC0010001',
  entityRef: 'component:default/gis-routing',
  title: 'Route calculation times out',
  priority: 'P2',
  createdAt: '2026-09-18T17:30:00+08:00',
  acknowledgedAt: '2026-09-19T10:00:00+08:00',
  resolvedAt: '2026-09-21T10:00:00+08:00',
};

/** cad-core's improvement plan after its P1 response time was breached in `period`. */
export const fasterP1Plan = (period: string) => ({
  entityRef: 'component:default/cad-core',
  title: 'Faster P1 response',
  description: '',
  origin: { type: 'breach', objective: 'response-time:P1', period } as const,
});

/** A P1 pushed through the webhook, titled by its id: the fields every such test incident shares. */
export const webhookP1 = (entityRef: string, id: string) => ({
  source: 'webhook',
  id,
  entityRef,
  title: id,
  priority: 'P1' as const,
});
