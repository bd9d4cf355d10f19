import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import {
  Incident,
  Priority,
  readSlaConfig,
} from '@servicelevel/plugin-sla-common';
import {
  CN_WORKDAYS_2026,
  countCalendarsBuilt,
  seededRandom,
} from '@servicelevel/plugin-sla-common/testUtils';
import {
  componentEntity,
  recordAnnotatedTerms,
  useTestStores,
} from '../__testUtils__/stores';
import { SlaNotifier } from '../notifications/SlaNotifier';
import { ReportService } from '../reports/ReportService';
import { ComplianceService } from './ComplianceService';
import { DependencyChain } from './DependencyChain';
import { TermsPreview } from './TermsPreview';

// Two databases, migrations and 600 incidents per run: slower than jest's default.
jest.setTimeout(60_000);

const { config: slaConfig } = readSlaConfig({
  defaultTimezone: 'UTC',
  calendars: { 'cn-workdays': CN_WORKDAYS_2026 },
});

const DESK = 'component:default/service-desk';
const CAD = 'component:default/cad-core';
/** October 2026, Shanghai time, is the current period. */
const NOW = Date.UTC(2026, 9, 20, 4);
const H = 3_600_000;

// Named calendar with holidays, and maintenance windows: two calendars per terms version.
const V1 = {
  'servicelevel.io/service-hours': 'calendar:cn-workdays',
  'servicelevel.io/availability': '99.5%',
  'servicelevel.io/response-time': 'P1=30m P2=1h P3=4h P4=1d',
  'servicelevel.io/resolution-time': 'P1=4h P2=8h P3=2d P4=5d',
  'servicelevel.io/maintenance': 'Sun 02:00-04:00',
};
/** The second version, seen from September: a tighter P1 response. */
const V2 = {
  ...V1,
  'servicelevel.io/response-time': 'P1=15m P2=1h P3=4h P4=1d',
};
const CAD_TERMS = {
  'servicelevel.io/service-hours': 'Mon-Fri 08:00-20:00',
  'servicelevel.io/timezone': 'America/New_York',
  'servicelevel.io/availability': '99.9%',
  'servicelevel.io/maintenance': 'Sat 22:00-23:00',
};
/** Distinct terms versions across both services, and calendars each may need. */
const VERSIONS = 3;
const CALENDARS_PER_VERSION = 2;

/** 600 incidents over August–October, a third with pauses, some with outages. */
function incidents(entityRef: string): Incident[] {
  const rand = seededRandom(14);
  const from = Date.UTC(2026, 7, 1);
  const span = NOW - from - 2 * 24 * H;
  const out: Incident[] = [];
  for (let i = 0; i < 600; i++) {
    const createdAt = from + Math.floor(rand() * span);
    const inc: Incident = {
      source: 'api',
      id: `${entityRef.split('/')[1]}-${i}`,
      entityRef,
      title: `incident ${i}`,
      priority: (['P1', 'P2', 'P3', 'P4'] as Priority[])[i % 4],
      createdAt,
      acknowledgedAt: createdAt + Math.floor(rand() * 2 * H),
      resolvedAt: i % 10 ? createdAt + Math.floor(rand() * 48 * H) : undefined,
      pauses:
        i % 3 === 0
          ? [
              {
                start: createdAt + H,
                end: createdAt + H + Math.floor(rand() * 8 * H),
              },
            ]
          : [],
    };
    if (i % 5 === 0)
      inc.outage = {
        start: createdAt,
        end: createdAt + Math.floor(rand() * H),
      };
    out.push(inc);
  }
  return out;
}

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

/**
 * Issue 14: every request path takes its calendars from the engine's shared cache, so the
 * number built is bounded by the terms versions (a calendar costs about a millisecond to
 * build; one per incident or per request was the slowest part of a read).
 */
describe.each(databases.eachSupportedId())('calendar reuse on %p', id => {
  const db = useTestStores(databases, id);
  let compliance: ComplianceService;

  beforeAll(async () => {
    const { stores } = db;
    const jan = Date.UTC(2026, 0, 1);
    await stores.entities.upsertEntity({
      ...componentEntity(DESK, V2, jan, { ownerRef: 'group:default/desk' }),
      dependsOn: [CAD],
    });
    await stores.entities.upsertEntity(componentEntity(CAD, CAD_TERMS, jan));
    await recordAnnotatedTerms(
      stores.terms,
      [
        [DESK, V1],
        [CAD, CAD_TERMS],
      ],
      slaConfig,
      jan,
    );
    await recordAnnotatedTerms(
      stores.terms,
      [[DESK, V2]],
      slaConfig,
      Date.UTC(2026, 8, 1),
    );
    await stores.incidents.upsertIncidents([
      ...incidents(DESK),
      ...incidents(CAD),
    ]);
    // No result cache: every call below evaluates its periods again.
    compliance = new ComplianceService({
      ...stores,
      slaConfig,
      cacheMaxAgeMs: 0,
    });
  });

  /** Calendars built while `run` runs. */
  async function built(run: () => Promise<unknown>): Promise<number> {
    const before = countCalendarsBuilt();
    await run();
    return countCalendarsBuilt() - before;
  }

  const bound = VERSIONS * CALENDARS_PER_VERSION;

  it('compliance and history: calendars per terms version, none on the next request', async () => {
    const read = () =>
      Promise.all([
        compliance.entityCompliance(DESK, { kind: 'current' }, NOW),
        compliance.entityCompliance(DESK, { kind: 'key', key: '2026-08' }, NOW),
        compliance.entityHistory(DESK, 3, NOW),
        compliance.evaluateMany({ kind: 'current' }, NOW),
      ]);
    const first = await built(read);
    expect(first).toBeLessThanOrEqual(bound);
    expect(await built(read)).toBe(0);
    // The evaluation did see the incidents (the count is not zero for lack of work).
    const open = await compliance.entityCompliance(
      DESK,
      { kind: 'current' },
      NOW,
    );
    expect(open.result.incidents.length).toBeGreaterThan(100);
  });

  it('report, preview, dependency chain and notifications build no calendar of their own', async () => {
    const { stores } = db;
    const chain = new DependencyChain({
      compliance,
      entities: stores.entities,
      incidents: stores.incidents,
    });
    const reports = new ReportService({ ...stores, compliance, chain });
    const preview = new TermsPreview({
      compliance,
      incidents: stores.incidents,
      slaConfig,
    });
    const notifier = new SlaNotifier({
      compliance,
      entities: stores.entities,
      terms: stores.terms,
      plans: stores.plans,
      events: stores.events,
      notifications: { send: jest.fn() } as unknown as NotificationService,
      logger: mockServices.logger.mock(),
      defaultTimezone: 'UTC',
    });
    // Warm: the versions' calendars exist (the test above, or this line on its own).
    await compliance.entityCompliance(DESK, { kind: 'current' }, NOW);
    const proposal = { ...V2, 'servicelevel.io/response-time': 'P1=10m' };
    const paths: Array<[string, () => Promise<unknown>]> = [
      [
        'report (open period, rendered live)',
        () =>
          reports.report(
            { subjectKind: 'entity', subjectRef: DESK },
            '2026-10',
            NOW,
          ),
      ],
      [
        'preview of a terms change',
        () => preview.preview(DESK, proposal, 2, NOW),
      ],
      ['dependency chain', () => chain.chain(DESK, { kind: 'current' }, NOW)],
      ['notifications', () => notifier.collect(NOW)],
    ];
    const counts: Record<string, number> = {};
    for (const [name, run] of paths) {
      counts[name] = await built(run);
      // Again: a second request reuses what the first one built.
      counts[`${name}, again`] = await built(run);
    }
    expect(counts).toEqual({
      'report (open period, rendered live)': 0,
      'report (open period, rendered live), again': 0,
      // The proposal is new terms, with the same calendars as the version in force.
      'preview of a terms change': 0,
      'preview of a terms change, again': 0,
      'dependency chain': 0,
      'dependency chain, again': 0,
      notifications: 0,
      'notifications, again': 0,
    });
  });
});
