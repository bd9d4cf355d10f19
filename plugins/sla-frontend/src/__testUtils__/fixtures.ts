import { CompoundEntityRef, Entity } from '@backstage/catalog-model';
import { examplePlan } from '@servicelevel/plugin-sla-common/testUtils';
import type {
  CatalogListing,
  ConfirmationStatus,
  EntityHistory,
  EntityPeriodResult,
  EntityTerms,
  HeatmapCell,
  Overview,
  PlanView,
  ReportSummary,
  SourcesStatus,
  SupplierOverview,
} from '../api';

/*
 * Responses of the SLA API, typed by the types generated from sla-backend's OpenAPI document:
 * a fixture that no longer matches the API fails the type check.
 */

type SlaTerms = EntityPeriodResult['terms'];
type IncidentRow = EntityPeriodResult['result']['incidents'][number];

/** 2026-11-20 10:00 +08:00. */
export const NOW = Date.parse('2026-11-20T02:00:00Z');

export function slaEntity(
  annotations: Record<string, string> = {
    'servicelevel.io/tier': 'gold',
  },
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'cad-core', namespace: 'default', annotations },
    spec: {
      type: 'service',
      owner: 'dispatch-platform',
      lifecycle: 'production',
    },
  };
}

export const terms: SlaTerms = {
  tier: 'gold',
  serviceHours: { kind: '24x7', spec: '24x7' },
  timezone: 'Asia/Shanghai',
  serviceDayMs: 86_400_000,
  availability: 99.95,
  responseTime: { P1: { targetMs: 300_000, percentile: 100 } },
  period: 'monthly',
  report: 'monthly',
  agreement: 'TFDL-SLA-2026-07',
  reviewBy: '2026-10-31',
};

const clock = (
  over: Partial<IncidentRow['response']>,
): IncidentRow['response'] => ({
  elapsedMs: 0,
  status: 'no-target',
  ...over,
});

export const incidents: IncidentRow[] = [
  {
    source: 'pagerduty',
    id: 'Q1CAD-0050',
    title: 'Service unavailable for all dispatchers',
    priority: 'P1',
    url: 'https://example.pagerduty.com/incidents/Q1CAD-0050',
    pauses: [],
    createdAt: Date.parse('2026-11-03T04:51:00Z'),
    acknowledgedAt: Date.parse('2026-11-03T05:09:00Z'),
    response: clock({
      elapsedMs: 18 * 60_000,
      targetMs: 300_000,
      status: 'breached',
    }),
    resolution: clock({
      elapsedMs: 90 * 60_000,
      targetMs: 2 * 3_600_000,
      status: 'running',
      // 2026-11-20 12:30 in Shanghai
      dueAt: Date.parse('2026-11-20T04:30:00Z'),
    }),
    countedForResponse: true,
    countedForResolution: false,
    createdInPeriod: true,
    downtimeMs: 240_000,
  },
  {
    source: 'api',
    id: 'desk-7',
    title: 'Slow search results',
    priority: 'P3',
    // Waiting for the customer overnight, 18:00–09:00 Shanghai time.
    pauses: [
      {
        start: Date.parse('2026-11-03T18:00:00+08:00'),
        end: Date.parse('2026-11-04T09:00:00+08:00'),
      },
    ],
    createdAt: Date.parse('2026-11-05T01:00:00Z'),
    acknowledgedAt: Date.parse('2026-11-05T01:17:00Z'),
    resolvedAt: Date.parse('2026-11-05T10:00:00Z'),
    response: clock({
      elapsedMs: 17 * 60_000,
      targetMs: 3_600_000,
      status: 'met',
    }),
    resolution: clock({
      elapsedMs: 9 * 3_600_000,
      targetMs: 86_400_000,
      status: 'met',
    }),
    countedForResponse: true,
    countedForResolution: true,
    createdInPeriod: true,
    downtimeMs: 0,
  },
];

export function periodResult(
  key = '2026-11',
  over: Partial<EntityPeriodResult['result']> = {},
): EntityPeriodResult {
  return {
    entityRef: 'component:default/cad-core',
    title: 'CAD core',
    period: {
      key,
      start: Date.parse('2026-10-31T16:00:00Z'),
      end: Date.parse('2026-11-30T16:00:00Z'),
      granularity: 'month',
    },
    source: 'live',
    termsVersion: 2,
    termsBackdated: false,
    terms,
    termsAsWritten: {
      'servicelevel.io/tier': 'gold',
      'servicelevel.io/availability': '99.95%',
      'servicelevel.io/response-time': 'P1=5m',
    },
    result: {
      period: { key, start: 0, end: 1 },
      complete: false,
      evaluatedAt: NOW,
      availability: {
        astMs: 30 * 86_400_000,
        elapsedAstMs: 20 * 86_400_000,
        downtimeMs: 240_000,
        availability: 99.986,
        target: 99.95,
        budgetMs: 1_296_000,
        budgetRemainingMs: 1_056_000,
        provisional: false,
        status: 'running',
      },
      objectives: [
        {
          objective: 'availability',
          target: { display: '99.95%', value: 99.95 },
          actual: { display: '99.986%', value: 99.986 },
          status: 'running',
          hasTarget: true,
        },
        {
          objective: 'response-time:P1',
          target: { display: '5m', value: 300_000 },
          actual: { display: '0/1 met (0%), worst 18m', value: 0 },
          status: 'breached',
          hasTarget: true,
        },
        {
          objective: 'max-incidents:all',
          target: { display: '≤ 10', value: 10 },
          actual: { display: '2', value: 2 },
          status: 'met',
          hasTarget: true,
        },
      ],
      incidents,
      faults: { P1: 1, P2: 0, P3: 1, P4: 0, all: 2 },
      outages: {
        count: 1,
        longestMs: 240_000,
        mttrMs: 240_000,
        mtbfMs: 1_727_760_000,
      },
      met: 1,
      committed: 3,
      achievementRate: 33.333,
      ...over,
    },
  };
}

export const history: EntityHistory = {
  entityRef: 'component:default/cad-core',
  periods: ['2026-09', '2026-10', '2026-11'].map((k, i) =>
    periodResult(k, {
      met: i + 1,
      committed: 3,
      achievementRate: ((i + 1) / 3) * 100,
    }),
  ),
};

export const termsHistory: EntityTerms = {
  entityRef: 'component:default/cad-core',
  annotations: { 'servicelevel.io/tier': 'gold' },
  versions: [
    {
      entityRef: 'component:default/cad-core',
      version: 1,
      terms,
      problems: [],
      seenAt: Date.parse('2026-01-05T02:00:00Z'),
      fingerprint: 'a',
    },
    {
      entityRef: 'component:default/cad-core',
      version: 2,
      terms,
      problems: [],
      seenAt: Date.parse('2026-07-01T02:00:00Z'),
      fingerprint: 'b',
    },
  ],
};

const MONTHS = Array.from(
  { length: 11 },
  (_, i) => `2026-${String(i + 1).padStart(2, '0')}`,
);
const cell = (
  key: string,
  span: number,
  met: number,
  committed: number,
  complete = true,
): HeatmapCell => ({
  key,
  span,
  complete,
  status: met < committed ? 'breached' : 'met',
  met,
  committed,
  ...(committed > 0 ? { rate: (met * 100) / committed } : {}),
  breached: committed - met,
  atRisk: 0,
});

/**
 * `GET /overview?period=2026-10`: two monthly services and a quarterly one, which
 * contributes its (open) fourth quarter to October.
 */
export const overview: Overview = {
  groupBy: 'owner',
  total: {
    met: 7,
    committed: 10,
    rate: 70,
    services: 3,
    credits: {
      owed: [
        { currency: 'CNY', minorUnits: 2, minor: 720000, decimal: '7200.00' },
      ],
      services: 1,
      provisional: [
        { currency: 'CNY', minorUnits: 2, minor: 300000, decimal: '3000.00' },
      ],
      provisionalServices: 1,
    },
  },
  groups: [
    {
      key: 'group:default/dispatch-platform',
      met: 4,
      committed: 6,
      rate: 66.666,
      services: ['component:default/cad-core', 'component:default/call-intake'],
      breached: 2,
      credits: {
        owed: [
          {
            currency: 'CNY',
            minorUnits: 2,
            minor: 720000,
            decimal: '7200.00',
          },
        ],
        services: 1,
        provisional: [],
        provisionalServices: 0,
      },
    },
    {
      key: 'group:default/web-team',
      met: 3,
      committed: 4,
      rate: 75,
      services: ['component:default/citizen-portal'],
      breached: 1,
    },
  ],
  worst: [],
  services: [
    {
      entityRef: 'component:default/cad-core',
      ownerRef: 'group:default/dispatch-platform',
      period: '2026-10',
      periodKind: 'monthly',
      periods: ['2026-10'],
      complete: true,
      met: 1,
      committed: 3,
      rate: 33.333,
      breached: ['response-time:P1', 'resolution-time:P1'],
      atRisk: [],
      breaches: 2,
      availability: 99.9,
      provisional: false,
    },
    {
      entityRef: 'component:default/call-intake',
      ownerRef: 'group:default/dispatch-platform',
      period: '2026-10',
      periodKind: 'monthly',
      periods: ['2026-10'],
      complete: true,
      met: 3,
      committed: 3,
      rate: 100,
      breached: [],
      atRisk: [],
      breaches: 0,
      availability: 100,
      provisional: false,
    },
    {
      entityRef: 'component:default/citizen-portal',
      ownerRef: 'group:default/web-team',
      period: '2026-10',
      periodKind: 'quarterly',
      periods: ['2026-Q4'],
      complete: false,
      met: 3,
      committed: 4,
      rate: 75,
      breached: ['max-outage'],
      atRisk: [],
      breaches: 1,
      availability: 99.5,
      provisional: false,
    },
  ],
  previous: { met: 5, committed: 10, rate: 50, change: 20 },
  yearToDate: {
    year: '2026',
    total: { met: 70, committed: 100, rate: 70, services: 3 },
    groups: [
      {
        key: 'group:default/dispatch-platform',
        met: 52,
        committed: 80,
        rate: 65,
      },
      { key: 'group:default/web-team', met: 18, committed: 20, rate: 90 },
    ],
    months: MONTHS.map((key, i) => ({
      key,
      met: 7,
      committed: 10,
      rate: 70,
      complete: i < 9,
    })),
  },
  heatmap: {
    year: '2026',
    months: MONTHS,
    rows: [
      {
        entityRef: 'component:default/cad-core',
        periodKind: 'monthly',
        yearToDate: { met: 11, committed: 33, rate: 33.333 },
        cells: MONTHS.map((m, i) => cell(m, 1, 1, 3, i < 10)),
      },
      {
        entityRef: 'component:default/call-intake',
        periodKind: 'monthly',
        yearToDate: { met: 33, committed: 33, rate: 100 },
        cells: MONTHS.map((m, i) => cell(m, 1, 3, 3, i < 10)),
      },
      {
        entityRef: 'component:default/citizen-portal',
        periodKind: 'quarterly',
        yearToDate: { met: 15, committed: 17, rate: 88.235 },
        cells: [
          cell('2026-Q1', 3, 4, 5),
          cell('2026-Q2', 3, 5, 5),
          cell('2026-Q3', 3, 3, 4),
          cell('2026-Q4', 2, 3, 3, false),
        ],
      },
    ],
  },
};
overview.worst = [overview.services[0], overview.services[2]];

/** `GET /overview?period=2026`: the year to date of the same services. */
export const overviewYear: Overview = {
  ...overview,
  total: overview.yearToDate.total,
  groups: overview.groups.map(g => ({
    ...g,
    ...overview.yearToDate.groups.find(y => y.key === g.key)!,
  })),
  services: overview.services.map(s => ({
    ...s,
    period: '2026',
    complete: false,
  })),
  previous: { met: 80, committed: 100, rate: 80, change: -10 },
};

export const catalog: CatalogListing = {
  items: [
    {
      entityRef: 'component:default/cad-core',
      ownerRef: 'group:default/dispatch-platform',
      tier: 'gold',
      customer: 'group:default/dispatch-center',
      agreement: 'TFDL-SLA-2026-07',
      agreementType: 'sla',
      reviewBy: '2020-01-06',
      reviewOverdue: true,
      serviceHours: '24x7',
      timezone: 'Asia/Shanghai',
      period: 'monthly',
      commitments: {
        'servicelevel.io/tier': 'gold',
        'servicelevel.io/availability': '99.95%',
        'servicelevel.io/response-time': 'P1=5m P2=15m',
      },
      objectives: [
        {
          objective: 'availability',
          target: { display: '99.95%', value: 99.95 },
        },
        {
          objective: 'response-time:P1',
          target: { display: '5m', value: 300_000, percentile: 100 },
        },
        {
          objective: 'response-time:P2',
          target: { display: '15m@95%', value: 900_000, percentile: 95 },
        },
      ],
      termsVersion: 1,
      problems: [],
    },
    {
      entityRef: 'component:default/gis-routing',
      ownerRef: 'group:default/field-ops',
      tier: 'silver',
      serviceHours: 'calendar:cn-workdays',
      timezone: 'Asia/Shanghai',
      period: 'monthly',
      reviewOverdue: false,
      commitments: { 'servicelevel.io/availability': '99.9%' },
      objectives: [
        {
          objective: 'availability',
          target: { display: '99.9%', value: 99.9 },
        },
      ],
      termsVersion: 1,
      problems: [],
    },
  ],
  calendarWarnings: [
    {
      calendar: 'cn-workdays',
      year: 2027,
      message: 'Calendar cn-workdays: cn-official has no data for 2027 …',
    },
  ],
  dependencyWarnings: [
    {
      entityRef: 'component:default/cad-core',
      code: 'dependency-availability-below',
      dependency: 'resource:default/db-cluster',
      depth: 1,
      target: 99.95,
      dependencyTarget: 99.9,
      message: 'You promise 99.95%, but you depend on db-cluster at 99.9%.',
    },
    {
      entityRef: 'component:default/gis-routing',
      code: 'resolution-target-shorter',
      dependency: 'component:default/sms-gateway',
      depth: 1,
      priority: 'P1',
      targetMs: 7_200_000,
      dependencyTargetMs: 14_400_000,
      message:
        'You promise resolution of P1 within 2h, but sms-gateway promises 4h.',
    },
  ],
};

/** GET /overview/suppliers: one supplier with one contract and one breached dependent. */
export const supplierOverview: SupplierOverview = {
  depth: 2,
  suppliers: [
    {
      key: 'group:default/smsco',
      met: 0,
      committed: 1,
      achievementRate: 0,
      contracts: [
        {
          entityRef: 'component:default/sms-gateway',
          title: 'SMS Gateway',
          period: {
            key: '2026-10',
            start: Date.parse('2026-09-30T16:00:00Z'),
            end: Date.parse('2026-10-31T16:00:00Z'),
            granularity: 'month',
          },
          complete: true,
          met: 0,
          committed: 1,
          achievementRate: 0,
          availabilityTarget: 99.9,
          availability: 99.84,
          availabilityStatus: 'breached',
          outages: 1,
          downtimeMs: 4_200_000,
          dependents: [
            {
              entityRef: 'component:default/notification-service',
              title: 'Notification service',
              depth: 1,
              agreementType: 'sla',
              breached: ['availability'],
              attributedMs: 4_200_000,
              downtimeMs: 4_200_000,
            },
          ],
        },
      ],
    },
  ],
};

export const sources: SourcesStatus = {
  sources: [
    {
      provider: 'pagerduty',
      account: 'default',
      lastSyncAt: Date.parse('2026-11-20T01:55:00Z'),
      lastSuccessAt: Date.parse('2026-11-20T01:55:00Z'),
      lastCount: 12,
    },
    {
      provider: 'servicenow',
      account: 'prod',
      lastSyncAt: Date.parse('2026-11-20T01:55:00Z'),
      lastSuccessAt: Date.parse('2026-11-19T01:55:00Z'),
      lastError: '401 Unauthorized from https://example.service-now.com',
      lastCount: 0,
      // Not synced for a day: the objectives it feeds read unknown (SPEC §9).
      openGap: {
        start: Date.parse('2026-11-19T01:55:00Z'),
        end: Date.parse('2026-11-20T02:00:00Z'),
      },
      gaps: [
        {
          start: Date.parse('2026-11-10T08:00:00Z'),
          end: Date.parse('2026-11-10T09:30:00Z'),
          backfilledFrom: Date.parse('2026-11-10T07:00:00Z'),
        },
      ],
    },
  ],
  stored: [
    {
      source: 'csv',
      incidents: 40,
      lastIncidentAt: Date.parse('2026-10-30T08:00:00Z'),
      lastWrittenAt: Date.parse('2026-11-02T01:00:00Z'),
    },
    {
      source: 'pagerduty',
      incidents: 312,
      lastIncidentAt: Date.parse('2026-11-19T23:10:00Z'),
      lastWrittenAt: Date.parse('2026-11-20T01:55:00Z'),
    },
    {
      source: 'servicenow',
      incidents: 7,
      lastIncidentAt: Date.parse('2026-11-18T03:00:00Z'),
      lastWrittenAt: Date.parse('2026-11-19T01:55:00Z'),
    },
  ],
};

/** Date.now is NOW in every test of the calling describe block. */
export function freezeNowInTests(): void {
  beforeEach(() => {
    jest.spyOn(Date, 'now').mockReturnValue(NOW);
  });
  afterEach(() => jest.restoreAllMocks());
}

/**
 * The entity calls of the SLA API answered from these fixtures: compliance of the period
 * asked for, the current one (2026-11) by default.
 */
export function entitySlaApi() {
  return {
    getEntityCompliance: jest.fn(async (_e: unknown, o?: { period?: string }) =>
      periodResult(o?.period ? o.period : '2026-11'),
    ),
    getEntityHistory: jest.fn(async () => history),
    getEntityTerms: jest.fn(async () => termsHistory),
  };
}

/** `GET /entities/{…}/confirmation` of an entity whose terms nobody has confirmed. */
export function unconfirmed(entity: CompoundEntityRef): ConfirmationStatus {
  return {
    entityRef:
      `${entity.kind}:${entity.namespace}/${entity.name}`.toLowerCase(),
    termsVersion: 1,
    state: 'unconfirmed',
    confirmations: [],
    review: { state: 'none' },
  };
}

/**
 * cad-core's agreement, confirmed by the customer at version 2 and changed since (now
 * version 3), with the periodic review in the given state.
 */
export function changedSinceConfirmation(
  review: ConfirmationStatus['review'],
): ConfirmationStatus {
  return {
    entityRef: 'component:default/cad-core',
    termsVersion: 3,
    state: 'changed-since-confirmation',
    lastConfirmation: {
      id: 1,
      entityRef: 'component:default/cad-core',
      termsVersion: 2,
      by: 'user:default/carl',
      role: 'customer',
      at: Date.UTC(2026, 7, 2),
    },
    confirmations: [],
    review,
  };
}

/** A plan as `GET /plans` returns it. */
export function planView(over: Partial<PlanView> = {}): PlanView {
  return {
    ...examplePlan({
      targetDate: '2026-10-01',
      status: 'proposed',
      createdAt: 1,
      updatedAt: 1,
    }),
    overdue: false,
    overdueActions: [],
    ...over,
  };
}

/** A stored report as `GET /entities/{…}/reports` lists it. */
export const reportSummary: ReportSummary = {
  subjectKind: 'entity',
  subjectRef: 'component:default/cad-core',
  periodKey: '2026-09',
  generatedAt: Date.UTC(2026, 9, 1),
  generatedBy: 'scheduler',
  revision: 1,
};
