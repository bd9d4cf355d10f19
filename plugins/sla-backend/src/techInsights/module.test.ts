import techInsightsPlugin from '@backstage-community/plugin-tech-insights-backend';
import techInsightsModuleJsonfc from '@backstage-community/plugin-tech-insights-backend-module-jsonfc';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import type {
  SchedulerService,
  ServiceFactory,
} from '@backstage/backend-plugin-api';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { Server } from 'http';
import request from 'supertest';
import { readFileSync } from 'fs';
import { resolve as resolvePath } from 'path';
import { parse as parseYaml } from 'yaml';
import { webhookP1 } from '../__testUtils__/examples';
import { catalogComponent } from '../__testUtils__/testBackend';
import { slaPlugin } from '../plugin';
import { techInsightsModuleSlaFacts } from './module';

/**
 * The retriever run by the Tech Insights backend itself, against the real sla plugin in the
 * same backend: facts stored and read back over the tech-insights API, and the shipped
 * `sla-achievement-95` check run on them.
 */

jest.setTimeout(60_000);

const DAY = 86_400_000;
const CUSTOMER = 'group:default/dispatch-center';
const CARL = 'user:default/carl';

/** The last closed month in UTC (the services' zone), from the real clock the plugin uses. */
const today = new Date();
const monthStart = Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - 1, 1);
const monthEnd = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), 1);
const LAST_MONTH = new Date(monthStart).toISOString().slice(0, 7);
const at = (day: number, hour: number, minutes = 0) =>
  new Date(monthStart + (day - 1) * DAY + hour * 3_600_000 + minutes * 60_000);

const OBJECTIVES = {
  'servicelevel.io/service-hours': '24x7',
  'servicelevel.io/timezone': 'UTC',
  'servicelevel.io/availability': '99.9%',
  'servicelevel.io/response-time': 'P1=15m',
};

const ENTITIES = [
  catalogComponent(
    'steady',
    {
      ...OBJECTIVES,
      'servicelevel.io/customer': CUSTOMER,
      'servicelevel.io/review-by': '2099-12-31',
    },
    'group:default/dispatch-platform',
  ),
  catalogComponent(
    'shaky',
    { ...OBJECTIVES, 'servicelevel.io/review-by': '2020-01-06' },
    'group:default/field-ops',
  ),
];

/** A P1 last month, acknowledged after `ackMinutes`, resolved an hour after it opened. */
const p1 = (name: string, id: string, ackMinutes: number) => ({
  ...webhookP1(`component:default/${name}`, id),
  createdAt: at(10, 10).toISOString(),
  acknowledgedAt: at(10, 10, ackMinutes).toISOString(),
  resolvedAt: at(10, 11).toISOString(),
});

/** The demo's techInsights block, as app-config.yaml ships it. */
const TECH_INSIGHTS = parseYaml(
  readFileSync(resolvePath(__dirname, '../../../../app-config.yaml'), 'utf8'),
).techInsights;

/** The mock scheduler of backend-test-utils, which can also run a task on demand. */
type TriggerableScheduler = SchedulerService & {
  factory(): ServiceFactory<SchedulerService>;
};

async function start(): Promise<{
  server: Server;
  scheduler: TriggerableScheduler;
}> {
  const scheduler = mockServices.scheduler() as TriggerableScheduler;
  const userInfo = mockServices.userInfo.mock({
    getUserInfo: async credentials => {
      const ref = (credentials.principal as { userEntityRef: string })
        .userEntityRef;
      return {
        userEntityRef: ref,
        ownershipEntityRefs: ref === CARL ? [ref, CUSTOMER] : [ref],
      };
    },
  });
  const { server } = await startTestBackend({
    features: [
      slaPlugin,
      techInsightsPlugin,
      techInsightsModuleJsonfc,
      techInsightsModuleSlaFacts,
      mockServices.rootConfig.factory({
        data: { sla: { tiers: {} }, techInsights: TECH_INSIGHTS },
      }),
      mockServices.database.factory(),
      mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
      scheduler.factory(),
      mockServices.httpAuth.factory({
        defaultCredentials: mockCredentials.none(),
      }),
      userInfo.factory,
      catalogServiceMock.factory({ entities: ENTITIES }),
    ],
  });
  for (let i = 0; i < 50; i++) {
    const res = await request(server)
      .get('/api/sla/catalog')
      .set('Authorization', mockCredentials.user.header());
    if (res.status === 200 && res.body.items.length === ENTITIES.length) break;
    await new Promise(r => setTimeout(r, 100));
  }
  return { server, scheduler };
}

describe('techInsightsModuleSlaFacts', () => {
  it('stores the facts the SLA API gives, and the check passes for steady and fails for shaky', async () => {
    const { server, scheduler } = await start();
    const user = mockCredentials.user.header();

    const ingest = await request(server)
      .post('/api/sla/incidents')
      .set('Authorization', user)
      .send({
        incidents: [p1('steady', 'S1', 5), p1('shaky', 'K1', 40)],
      });
    expect(ingest.status).toBe(200);
    const confirm = await request(server)
      .post('/api/sla/entities/component/default/steady/confirmation')
      .set('Authorization', mockCredentials.user.header(CARL))
      .send({ termsVersion: 1 });
    expect(confirm.status).toBe(201);
    expect(confirm.body.role).toBe('customer');

    await scheduler.triggerTask('sla-facts');

    const factsOf = async (name: string) => {
      const res = await request(server)
        .get('/api/tech-insights/facts/latest')
        .query({ entity: `component:default/${name}`, ids: 'sla-facts' })
        .set('Authorization', user);
      expect(res.status).toBe(200);
      return res.body['sla-facts'].facts;
    };
    // 99.9 % of the month's agreed service time (24x7), in ms: 86.4 s a day.
    const budgetMs = ((monthEnd - monthStart) / DAY) * 86_400;
    expect(await factsOf('steady')).toEqual({
      period: LAST_MONTH,
      achievementRate: 100,
      breachedObjectives: 0,
      breachedObjectiveIds: [],
      availability: 100,
      errorBudgetRemainingMs: budgetMs,
      reviewOverdue: false,
      termsConfirmed: true,
    });
    expect(await factsOf('shaky')).toEqual({
      period: LAST_MONTH,
      achievementRate: 50,
      breachedObjectives: 1,
      breachedObjectiveIds: ['response-time:P1'],
      availability: 100,
      errorBudgetRemainingMs: budgetMs,
      reviewOverdue: true,
      termsConfirmed: false,
    });

    // The same figures as the SLA API's own for that month.
    const compliance = await request(server)
      .get('/api/sla/entities/component/default/shaky/compliance')
      .query({ period: LAST_MONTH })
      .set('Authorization', user);
    expect(compliance.body.result).toMatchObject({
      achievementRate: 50,
      availability: { budgetRemainingMs: budgetMs },
    });

    const run = async (name: string) => {
      const res = await request(server)
        .post(`/api/tech-insights/checks/run/default/component/${name}`)
        .set('Authorization', user)
        .send({ checks: ['sla-achievement-95'] });
      expect(res.status).toBe(200);
      return res.body.map((r: { check: { id: string }; result: boolean }) => [
        r.check.id,
        r.result,
      ]);
    };
    expect(await run('steady')).toEqual([['sla-achievement-95', true]]);
    expect(await run('shaky')).toEqual([['sla-achievement-95', false]]);
  });
});

describe('techInsightsModuleSlaFacts without its config entry', () => {
  it('warns that the retriever is not scheduled', async () => {
    const logger = mockServices.logger.mock();
    const scheduler = mockServices.scheduler() as TriggerableScheduler;
    await startTestBackend({
      features: [
        techInsightsPlugin,
        techInsightsModuleSlaFacts,
        mockServices.rootConfig.factory({ data: {} }),
        scheduler.factory(),
        logger.factory,
      ],
    });
    expect(logger.warn).toHaveBeenCalledWith(
      'The sla-facts fact retriever is not scheduled: set techInsights.factRetrievers.sla-facts.cadence',
    );
    expect(await scheduler.getScheduledTasks()).toEqual([]);
  });
});
