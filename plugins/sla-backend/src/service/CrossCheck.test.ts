import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import type { Incident, VendorVerdict } from '@servicelevel/plugin-sla-common';
import { readSlaConfig } from '@servicelevel/plugin-sla-common';
import { http, HttpResponse } from 'msw';
import {
  componentEntity,
  recordAnnotatedTerms,
  useTestStores,
} from '../__testUtils__/stores';
import searchFixture from '../providers/__fixtures__/jira-search-jql.json';
import jsmSlaFixture from '../providers/__fixtures__/jsm-request-sla.json';
import snIncidentsFixture from '../providers/__fixtures__/servicenow-incidents.json';
import snTaskSlaFixture from '../providers/__fixtures__/servicenow-task-sla.json';
import { JiraServiceManagementProvider } from '../providers/JiraServiceManagementProvider';
import { ProviderSync } from '../providers/ProviderSync';
import { ServiceNowProvider } from '../providers/ServiceNowProvider';
import {
  defaultAccountProvider,
  useMockServer,
} from '../providers/__testUtils__';
import { ComplianceService } from './ComplianceService';
import { CrossCheck } from './CrossCheck';

jest.setTimeout(60_000);

const H = 3_600_000;
const JIRA = 'https://acme.atlassian.net';
const SN = 'https://instance.servicenow.com';
const SN_CI = 'a9c0c8d2c6112276018f7705562f9cb0';
const slaConfig = readSlaConfig({}).config;

/** 24x7 targets the vendor fixtures' own SLAs agree with. */
const FIXTURE_TERMS = {
  'servicelevel.io/timezone': 'UTC',
  'servicelevel.io/response-time': 'P2=4h P3=1h',
  'servicelevel.io/resolution-time': 'P2=20h',
};
/** Office hours, two priorities: the hand-made disagreements. */
const OFFICE_TERMS = {
  'servicelevel.io/service-hours': 'Mon-Fri 09:00-17:00',
  'servicelevel.io/timezone': 'UTC',
  'servicelevel.io/resolution-time': 'P1=4h P2=8h',
};
const JSM_REF = 'component:default/orders';
const SN_REF = 'component:default/sfa';
const OFFICE_REF = 'component:default/desk';
const SEEN = Date.UTC(2015, 0, 1);
/** After every period read here: they are closed. */
const NOW = Date.UTC(2026, 5, 1);

const server = useMockServer();
const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

/** The fixture's first Jira issue, created when its SLA cycles start (the fixtures differ). */
function jiraIssue() {
  const issue = structuredClone(searchFixture.issues[0]);
  issue.fields.created = '2015-10-09T03:45:23.000+0000';
  return issue;
}

/** The fixture's request SLAs with the resolution finished (no ongoing cycle). */
function resolvedJsmSla() {
  const body = structuredClone(jsmSlaFixture) as {
    values: Array<Record<string, unknown>>;
  };
  delete body.values[1].ongoingCycle;
  return { ...body, isLastPage: true };
}

describe.each(databases.eachSupportedId())('CrossCheck on %p', databaseId => {
  const db = useTestStores(databases, databaseId);
  let crossCheck: CrossCheck;

  beforeAll(async () => {
    const { stores } = db;
    await stores.entities.syncEntities(
      [
        componentEntity(
          JSM_REF,
          { ...FIXTURE_TERMS, 'jira/project-key': 'ED' },
          SEEN,
        ),
        componentEntity(
          SN_REF,
          { ...FIXTURE_TERMS, 'servicenow.com/entity-id': SN_CI },
          SEEN,
        ),
        componentEntity(OFFICE_REF, OFFICE_TERMS, SEEN),
      ],
      SEEN,
    );
    await recordAnnotatedTerms(
      stores.terms,
      [
        [JSM_REF, FIXTURE_TERMS],
        [SN_REF, FIXTURE_TERMS],
        [OFFICE_REF, OFFICE_TERMS],
      ],
      slaConfig,
      SEEN,
    );
    crossCheck = new CrossCheck({
      compliance: new ComplianceService({ ...stores, slaConfig }),
      incidents: stores.incidents,
    });
  });

  it('lists nothing for the vendor fixtures, whose own verdicts agree with ours', async () => {
    server.use(
      http.get(`${JIRA}/rest/api/3/search/jql`, () =>
        HttpResponse.json({ issues: [jiraIssue()], isLast: true }),
      ),
      http.get(`${JIRA}/rest/servicedeskapi/request/:key/sla`, () =>
        HttpResponse.json(resolvedJsmSla()),
      ),
      http.get(`${SN}/api/now/table/incident`, () =>
        HttpResponse.json(snIncidentsFixture),
      ),
      http.get(`${SN}/api/now/table/task_sla`, () =>
        HttpResponse.json(snTaskSlaFixture),
      ),
    );
    const sync = new ProviderSync({
      ...db.stores,
      providers: [
        defaultAccountProvider(JiraServiceManagementProvider, 'jira', {
          baseUrl: JIRA,
          email: 'sla@acme.com',
          token: 't',
        }),
        defaultAccountProvider(ServiceNowProvider, 'servicenow', {
          baseUrl: SN,
          username: 'u',
          password: 'p',
        }),
      ],
      logger: mockServices.logger.mock(),
      now: () => Date.UTC(2015, 11, 1),
      initialLookbackMs: 365 * 24 * H,
    });
    const runs = await sync.run();
    expect(runs.map(r => [r.provider, r.written, r.error])).toEqual([
      ['jira', 1, undefined],
      ['servicenow', 1, undefined],
    ]);

    // Jira: first response in 7 minutes (met, 4 h), resolution after 39.5 h (breached, 20 h).
    await expect(crossCheck.forSource('jira', '2015-10', NOW)).resolves.toEqual(
      {
        source: 'jira',
        period: '2015-10',
        verdicts: 2,
        compared: 2,
        disagreements: [],
        withoutSla: [],
      },
    );
    // ServiceNow: response in 36 min 48 s, 61.33 % of the hour: met on both sides.
    await expect(
      crossCheck.forSource('servicenow', '2015-11', NOW),
    ).resolves.toEqual({
      source: 'servicenow',
      period: '2015-11',
      verdicts: 1,
      compared: 1,
      disagreements: [],
      withoutSla: [],
    });
  });

  it('lists each hand-made disagreement with its reason, and not the agreeing one', async () => {
    /** Monday 2 March 2026 at `hour` UTC (hour 24 + n is Tuesday). */
    const mon = (hour: number) => Date.UTC(2026, 2, 2) + hour * H;
    const incident = (
      id: string,
      over: Partial<Incident> & Pick<Incident, 'createdAt'>,
    ): Incident => ({
      source: 'handmade',
      id,
      entityRef: OFFICE_REF,
      title: id,
      priority: 'P1',
      pauses: [],
      ...over,
    });
    const verdict = (
      incidentId: string,
      over: Partial<VendorVerdict> & Pick<VendorVerdict, 'breached'>,
    ): VendorVerdict => ({
      source: 'handmade',
      incidentId,
      clock: 'resolution',
      slaName: 'Resolution',
      ...over,
    });
    await db.stores.incidents.upsertIncidents(
      [
        incident('agree', { createdAt: mon(9), resolvedAt: mon(12) }),
        incident('mapping', {
          priority: 'P2',
          createdAt: mon(9),
          resolvedAt: mon(14),
        }),
        incident('rounding', { createdAt: mon(9), resolvedAt: mon(13) + 200 }),
        incident('pause', {
          createdAt: mon(9),
          resolvedAt: mon(14),
          pauses: [{ start: mon(10), end: mon(12) }],
        }),
        incident('calendar', { createdAt: mon(16), resolvedAt: mon(34) }),
        incident('odd', { createdAt: mon(9), resolvedAt: mon(11) }),
        // Of an entity without an SLA: listed as such, not compared.
        incident('stray', {
          entityRef: 'component:default/unknown',
          createdAt: mon(9),
          resolvedAt: mon(10),
        }),
      ],
      {
        vendorVerdicts: [
          verdict('agree', { breached: false, elapsedMs: 3 * H }),
          verdict('mapping', {
            breached: true,
            elapsedMs: 5 * H,
            goalMs: 4 * H,
          }),
          verdict('rounding', {
            breached: false,
            goalMs: 4 * H,
            percentage: 100,
          }),
          verdict('pause', { breached: true, elapsedMs: 5 * H }),
          verdict('calendar', { breached: true, elapsedMs: 18 * H }),
          verdict('odd', { breached: true, elapsedMs: 7 * H }),
          verdict('stray', { breached: true }),
        ],
      },
    );

    const view = await crossCheck.forSource('handmade', '2026-03', NOW);

    expect(view).toMatchObject({ verdicts: 6, compared: 6 });
    expect(view.withoutSla).toEqual(['component:default/unknown']);
    expect(
      view.disagreements.map(d => [
        d.entityRef,
        d.incidentId,
        d.ours.status,
        d.ours.elapsedMs,
        d.vendor.breached,
        d.reason,
      ]),
    ).toEqual([
      // By entity, then as the period lists incidents: by creation, then id.
      [OFFICE_REF, 'mapping', 'met', 5 * H, true, 'priority-mapping'],
      [OFFICE_REF, 'odd', 'met', 2 * H, true, 'unexplained'],
      [OFFICE_REF, 'pause', 'met', 3 * H, true, 'pause'],
      [OFFICE_REF, 'rounding', 'breached', 4 * H + 200, false, 'rounding'],
      [OFFICE_REF, 'calendar', 'met', 2 * H, true, 'calendar'],
    ]);
    // Another period has none of them.
    await expect(
      crossCheck.forSource('handmade', '2026-05', NOW),
    ).resolves.toMatchObject({ verdicts: 0, disagreements: [] });
  });

  it('refuses a period that is not a period key', async () => {
    await expect(
      crossCheck.forSource('handmade', '2026-13', NOW),
    ).rejects.toThrow('period: "2026-13" — expected 2026-03, 2026-Q1 or 2026');
  });
});
