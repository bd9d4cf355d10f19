// The checker is the jsonfc module the demo backend installs; sla-backend only tests with it.
import { JsonRulesEngineFactCheckerFactory } from '@backstage-community/plugin-tech-insights-backend-module-jsonfc';
import type { FactRetrieverContext } from '@backstage-community/plugin-tech-insights-node';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import type {
  CatalogListing,
  ConfirmationStatus,
  EntityHistory,
  EntityPeriodResult,
  ObjectiveResult,
} from '@servicelevel/plugin-sla-common';
import { readFileSync } from 'fs';
import { http, HttpResponse, PathParams } from 'msw';
import { setupServer } from 'msw/node';
import { resolve as resolvePath } from 'path';
import { parse as parseYaml } from 'yaml';
import { MemoryTechInsightsStore } from './__testUtils__/memoryStore';
import { slaFactRetriever } from './slaFactRetriever';

const SLA = 'http://sla.test/api/sla';
const CAD = 'component:default/cad-core';
const GIS = 'component:default/gis-routing';
const NEW = 'component:default/new-service';
const BROKEN = 'component:default/broken';

const objective = (
  name: ObjectiveResult['objective'],
  status: ObjectiveResult['status'],
): ObjectiveResult => ({
  objective: name,
  target: { display: '', value: 0 },
  actual: { display: '' },
  status,
  hasTarget: true,
});

/** An EntityPeriodResult with the fields the retriever reads; the rest as the API sends it. */
function periodResult(
  entityRef: string,
  key: string,
  result: {
    complete: boolean;
    objectives: ObjectiveResult[];
    met: number;
    committed: number;
    achievementRate?: number;
    availability: EntityPeriodResult['result']['availability'];
  },
): EntityPeriodResult {
  return {
    entityRef,
    period: { key, start: 0, end: 1, granularity: 'month' },
    source: result.complete ? 'snapshot' : 'live',
    termsVersion: 2,
    termsBackdated: false,
    terms: {} as EntityPeriodResult['terms'],
    termsAsWritten: {},
    result: {
      period: { key, start: 0, end: 1 },
      evaluatedAt: 1,
      incidents: [],
      faults: { P1: 0, P2: 0, P3: 0, P4: 0, all: 0 },
      outages: { count: 0, longestMs: 0 },
      ...result,
    },
  };
}

const OCTOBER_AST = 31 * 86_400_000;

/** cad-core: every objective met in October, a customer confirmed the terms in force. */
const CAD_HISTORY: EntityHistory = {
  entityRef: CAD,
  periods: [
    periodResult(CAD, '2026-10', {
      complete: true,
      objectives: [
        objective('availability', 'met'),
        objective('response-time:P1', 'met'),
        objective('response-time:P2', 'met'),
        objective('resolution-time:P1', 'met'),
        objective('resolution-time:P2', 'met'),
      ],
      met: 5,
      committed: 5,
      achievementRate: 100,
      availability: {
        astMs: OCTOBER_AST,
        elapsedAstMs: OCTOBER_AST,
        downtimeMs: 535_680,
        availability: 99.98,
        target: 99.9,
        budgetMs: 2_678_400,
        budgetRemainingMs: 2_142_720,
        provisional: false,
        status: 'met',
      },
    }),
    // The open period: a breach so far, which the facts must not show.
    periodResult(CAD, '2026-11', {
      complete: false,
      objectives: [objective('response-time:P1', 'breached')],
      met: 0,
      committed: 1,
      achievementRate: 0,
      availability: {
        astMs: 1,
        elapsedAstMs: 1,
        downtimeMs: 0,
        provisional: false,
        status: 'running',
      },
    }),
  ],
};

/** gis-routing: P2 resolution breached in October, no availability target. */
const GIS_HISTORY: EntityHistory = {
  entityRef: GIS,
  periods: [
    periodResult(GIS, '2026-10', {
      complete: true,
      objectives: [
        objective('response-time:P2', 'met'),
        objective('resolution-time:P2', 'breached'),
      ],
      met: 1,
      committed: 2,
      achievementRate: 50,
      availability: {
        astMs: 81_000_000,
        elapsedAstMs: 81_000_000,
        downtimeMs: 0,
        availability: 100,
        provisional: false,
        status: 'no-target',
      },
    }),
    periodResult(GIS, '2026-11', {
      complete: false,
      objectives: [],
      met: 0,
      committed: 0,
      availability: {
        astMs: 1,
        elapsedAstMs: 1,
        downtimeMs: 0,
        provisional: false,
        status: 'no-target',
      },
    }),
  ],
};

/** No agreed service time and no availability target. */
const NO_SERVICE_TIME = {
  astMs: 0,
  elapsedAstMs: 0,
  downtimeMs: 0,
  provisional: false,
  status: 'no-target',
} as const;

/** new-service: quarterly, nothing decided in its last quarter (no incidents, no data). */
const NEW_HISTORY: EntityHistory = {
  entityRef: NEW,
  periods: [
    periodResult(NEW, '2026-Q3', {
      complete: true,
      objectives: [objective('max-incidents:all', 'no-data')],
      met: 0,
      committed: 0,
      availability: NO_SERVICE_TIME,
    }),
    periodResult(NEW, '2026-Q4', {
      complete: false,
      objectives: [],
      met: 0,
      committed: 0,
      availability: NO_SERVICE_TIME,
    }),
  ],
};

const catalogItem = (
  entityRef: string,
  extra: { customer?: string; reviewOverdue: boolean },
): CatalogListing['items'][number] => ({
  entityRef,
  serviceHours: '24x7',
  timezone: 'UTC',
  period: 'monthly',
  commitments: {},
  objectives: [],
  termsVersion: 2,
  problems: [],
  ...extra,
});

const CATALOG: CatalogListing = {
  items: [
    catalogItem(CAD, {
      customer: 'group:default/dispatch-center',
      reviewOverdue: false,
    }),
    catalogItem(GIS, { reviewOverdue: true }),
    catalogItem(NEW, { reviewOverdue: false }),
    catalogItem(BROKEN, { reviewOverdue: false }),
  ],
};

const confirmation = (
  entityRef: string,
  confirmations: Array<{ termsVersion: number; role: 'owner' | 'customer' }>,
): ConfirmationStatus => ({
  entityRef,
  termsVersion: 2,
  state: confirmations.some(c => c.termsVersion === 2)
    ? 'confirmed'
    : 'unconfirmed',
  confirmations: confirmations.map((c, i) => ({
    id: i + 1,
    entityRef,
    by: 'user:default/someone',
    at: 1,
    ...c,
  })),
  review: { state: 'none' },
});

const CONFIRMATIONS: Record<string, ConfirmationStatus> = {
  // The provider's owner confirmed first, then the customer: confirmed by the customer.
  [CAD]: confirmation(CAD, [
    { termsVersion: 2, role: 'owner' },
    { termsVersion: 2, role: 'customer' },
  ]),
  // No customer: the owner's confirmation counts, but it is of an earlier version.
  [GIS]: confirmation(GIS, [{ termsVersion: 1, role: 'owner' }]),
  [NEW]: confirmation(NEW, [{ termsVersion: 2, role: 'owner' }]),
  [BROKEN]: confirmation(BROKEN, []),
};

const HISTORIES: Record<string, EntityHistory> = {
  [CAD]: CAD_HISTORY,
  [GIS]: GIS_HISTORY,
  [NEW]: NEW_HISTORY,
};

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const refOf = (params: PathParams) =>
  `${params.kind}:${params.namespace}/${params.name}`;

/** The SLA API as msw serves it, recording each request's path and Authorization. */
function serveSlaApi() {
  const requests: Array<{ path: string; authorization: string | null }> = [];
  const record = (request: Request) => {
    const url = new URL(request.url);
    requests.push({
      path: `${url.pathname}${url.search}`,
      authorization: request.headers.get('authorization'),
    });
  };
  server.use(
    http.get(`${SLA}/catalog`, ({ request }) => {
      record(request);
      return HttpResponse.json(CATALOG);
    }),
    http.get(
      `${SLA}/entities/:kind/:namespace/:name/history`,
      ({ request, params }) => {
        record(request);
        const history = HISTORIES[refOf(params)];
        return history
          ? HttpResponse.json(history)
          : HttpResponse.json(
              { error: { name: 'Error', message: 'database gone' } },
              { status: 500 },
            );
      },
    ),
    http.get(
      `${SLA}/entities/:kind/:namespace/:name/confirmation`,
      ({ request, params }) => {
        record(request);
        return HttpResponse.json(CONFIRMATIONS[refOf(params)]);
      },
    ),
  );
  return requests;
}

function retrieverContext() {
  const logger = mockServices.logger.mock();
  const ctx: FactRetrieverContext = {
    config: new ConfigReader({}),
    discovery: mockServices.discovery.mock({
      getBaseUrl: async pluginId => `http://sla.test/api/${pluginId}`,
    }),
    logger,
    auth: mockServices.auth({ pluginId: 'tech-insights' }),
    urlReader: mockServices.urlReader.mock(),
  };
  return { ctx, logger };
}

/** The example check as the demo's app-config.yaml (and docs/configuration.md) ship it. */
function shippedCheckConfig() {
  const appConfig = parseYaml(
    readFileSync(resolvePath(__dirname, '../../../../app-config.yaml'), 'utf8'),
  );
  return { techInsights: { factChecker: appConfig.techInsights.factChecker } };
}

describe('slaFactRetriever', () => {
  it('reads every SLA entity with the tech-insights service token and returns its last closed period', async () => {
    const requests = serveSlaApi();
    const { ctx, logger } = retrieverContext();

    const facts = await slaFactRetriever.handler(ctx);

    expect(facts).toEqual([
      {
        entity: { kind: 'component', namespace: 'default', name: 'cad-core' },
        facts: {
          period: '2026-10',
          achievementRate: 100,
          breachedObjectives: 0,
          breachedObjectiveIds: [],
          availability: 99.98,
          errorBudgetRemainingMs: 2_142_720,
          reviewOverdue: false,
          termsConfirmed: true,
        },
      },
      {
        entity: {
          kind: 'component',
          namespace: 'default',
          name: 'gis-routing',
        },
        facts: {
          period: '2026-10',
          achievementRate: 50,
          breachedObjectives: 1,
          breachedObjectiveIds: ['resolution-time:P2'],
          availability: 100,
          reviewOverdue: true,
          termsConfirmed: false,
        },
      },
      {
        entity: {
          kind: 'component',
          namespace: 'default',
          name: 'new-service',
        },
        facts: {
          period: '2026-Q3',
          breachedObjectives: 0,
          breachedObjectiveIds: [],
          reviewOverdue: false,
          termsConfirmed: true,
        },
      },
    ]);
    // broken's history failed: it is left out and named, the others are kept.
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringMatching(
        /^No SLA facts for component:default\/broken: .*500/,
      ),
    );

    const token = mockCredentials.service.header({
      onBehalfOf: mockCredentials.service('plugin:tech-insights'),
      targetPluginId: 'sla',
    });
    expect(new Set(requests.map(r => r.authorization))).toEqual(
      new Set([token]),
    );
    expect(requests.map(r => r.path).sort()).toEqual(
      [
        '/api/sla/catalog',
        ...[CAD, GIS, NEW, BROKEN].flatMap(ref => {
          const path = `/api/sla/entities/${ref.replace(':', '/')}`;
          return [`${path}/history?periods=2`, `${path}/confirmation`];
        }),
      ].sort(),
    );
  });

  it('fails the run when the SLA backend does not list its entities', async () => {
    server.use(
      http.get(`${SLA}/catalog`, () =>
        HttpResponse.json(
          {
            error: {
              name: 'NotAllowedError',
              message: 'Not allowed: sla.read',
            },
          },
          { status: 403 },
        ),
      ),
    );
    await expect(
      slaFactRetriever.handler(retrieverContext().ctx),
    ).rejects.toThrow(/403/);
  });

  it('describes every fact it returns in its schema', async () => {
    serveSlaApi();
    const facts = await slaFactRetriever.handler(retrieverContext().ctx);
    const names = new Set(facts.flatMap(f => Object.keys(f.facts)));
    expect([...names].sort()).toEqual(
      Object.keys(slaFactRetriever.schema).sort(),
    );
    for (const entry of Object.values(slaFactRetriever.schema)) {
      expect(entry.description.length).toBeGreaterThan(20);
    }
  });
});

describe('the sla-achievement-95 check', () => {
  it('passes on cad-core (100 %), fails on gis-routing (50 %) and does not apply without commitments', async () => {
    serveSlaApi();
    const store = new MemoryTechInsightsStore();
    await store.insertFactSchema(slaFactRetriever);
    await store.insertFacts({
      id: slaFactRetriever.id,
      facts: await slaFactRetriever.handler(retrieverContext().ctx),
    });
    const checker = JsonRulesEngineFactCheckerFactory.fromConfig(
      new ConfigReader(shippedCheckConfig()),
      { logger: mockServices.logger.mock() },
    ).construct(store);

    const [check] = await checker.getChecks();
    expect(check).toMatchObject({
      id: 'sla-achievement-95',
      type: 'json-rules-engine',
      name: 'SLA achievement ≥ 95 % last month',
      factIds: ['sla-facts'],
    });
    expect(await checker.validate(check)).toEqual({ valid: true });

    const cad = await checker.runChecks(CAD);
    expect(cad.map(r => [r.check.id, r.result])).toEqual([
      ['sla-achievement-95', true],
    ]);
    expect(cad[0].facts.achievementRate).toMatchObject({
      value: 100,
      type: 'float',
    });

    const gis = await checker.runChecks(GIS);
    expect(gis.map(r => [r.check.id, r.result])).toEqual([
      ['sla-achievement-95', false],
    ]);
    expect(gis[0].facts.achievementRate).toMatchObject({ value: 50 });

    // Nothing committed: the rate is absent, so the check is skipped, not failed.
    expect(await checker.runChecks(NEW)).toEqual([]);
  });

  it('is the same check in docs/configuration.md as in app-config.yaml', () => {
    const docs = readFileSync(
      resolvePath(__dirname, '../../../../docs/configuration.md'),
      'utf8',
    );
    const block = [...docs.matchAll(/```yaml\n([\s\S]*?)```/g)]
      .map(m => m[1])
      .find(yaml => yaml.includes('sla-achievement-95:'));
    expect(block).toBeDefined();
    const documented = parseYaml(block!);
    expect(documented.techInsights.factChecker).toEqual(
      shippedCheckConfig().techInsights.factChecker,
    );
    expect(Object.keys(documented.techInsights.factRetrievers)).toEqual([
      'sla-facts',
    ]);
  });
});
