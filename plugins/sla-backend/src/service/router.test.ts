/* eslint jest/expect-expect: ["error", { "assertFunctionNames": ["expect", "expectAuthEnforced", "expectMatchesDocument"] }] */
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import { EXAMPLE_SLA_CONFIG } from '../__testUtils__/slaConfig';
import { expectMatchesDocument } from '../schema/__testUtils__/expectMatchesDocument';
import { slaPlugin } from '../plugin';

const CONFIG = { sla: EXAMPLE_SLA_CONFIG };

function component(
  name: string,
  annotations: Record<string, string>,
  owner: string,
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default', annotations },
    spec: {
      type: 'service',
      owner,
      lifecycle: 'production',
      system: 'dispatch',
    },
    relations: [
      { type: 'ownedBy', targetRef: owner },
      { type: 'partOf', targetRef: 'system:default/dispatch' },
    ],
  };
}

const ENTITIES: Entity[] = [
  component(
    'cad-core',
    { 'servicelevel.io/tier': 'gold' },
    'group:default/dispatch-platform',
  ),
  component(
    'gis-routing',
    {
      'servicelevel.io/service-hours': 'calendar:cn-workdays',
      'servicelevel.io/response-time': 'P2=30m',
      'servicelevel.io/resolution-time': 'P2=1d',
    },
    'group:default/field-ops',
  ),
  component(
    'broken',
    {
      'servicelevel.io/tier': 'gold',
      'servicelevel.io/response-time': 'P1=15 minutes',
    },
    'group:default/field-ops',
  ),
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'System',
    metadata: { name: 'dispatch', namespace: 'default' },
    spec: { owner: 'group:default/dispatch-platform', domain: 'public-safety' },
    relations: [{ type: 'partOf', targetRef: 'domain:default/public-safety' }],
  },
];

/** The worked example of ENGINE.md, as a service desk would push it. */
const WORKED_EXAMPLE = {
  source: 'servicenow',
  id: 'INC0010001',
  entityRef: 'component:default/gis-routing',
  title: 'Route calculation times out',
  priority: 'P2',
  createdAt: '2026-09-18T17:30:00+08:00',
  acknowledgedAt: '2026-09-19T10:00:00+08:00',
  resolvedAt: '2026-09-21T10:00:00+08:00',
};

async function startBackend(
  permission:
    | AuthorizeResult.ALLOW
    | AuthorizeResult.DENY = AuthorizeResult.ALLOW,
) {
  const { server } = await startTestBackend({
    features: [
      slaPlugin,
      mockServices.rootConfig.factory({ data: CONFIG }),
      mockServices.database.factory(),
      mockServices.permissions.factory({ result: permission }),
      // The catalog sync runs on startup; the snapshot task (initial delay) does not.
      mockServices.scheduler.factory(),
      mockServices.httpAuth.factory({
        defaultCredentials: mockCredentials.none(),
      }),
      catalogServiceMock.factory({ entities: ENTITIES }),
    ],
  });
  // The first catalog sync runs on startup; wait until it has seen the entities.
  for (let i = 0; i < 50; i++) {
    const res = await request(server)
      .get('/api/sla/catalog')
      .set('Authorization', mockCredentials.user.header());
    if (
      res.status === 403 ||
      (res.status === 200 && res.body.items.length === 3)
    )
      break;
    await new Promise(r => setTimeout(r, 100));
  }
  return server;
}

const user = () => mockCredentials.user.header();

/** 401 without credentials, and 403 for a signed-in user the policy denies. */
async function expectAuthEnforced(
  method: 'get' | 'post',
  path: string,
  body?: { contentType?: string; data: string | object },
) {
  const server = await startBackend(AuthorizeResult.DENY);
  const send = (req: request.Test) => {
    if (!body) return req;
    const typed = body.contentType
      ? req.set('Content-Type', body.contentType)
      : req;
    return typed.send(body.data);
  };
  expect((await send(request(server)[method](path))).status).toBe(401);
  expect(
    (await send(request(server)[method](path).set('Authorization', user())))
      .status,
  ).toBe(403);
}

describe('sla router', () => {
  describe('POST /incidents', () => {
    it('stores a batch and reports what it wrote', async () => {
      const server = await startBackend();
      const res = await request(server)
        .post('/api/sla/incidents')
        .set('Authorization', user())
        .send({ incidents: [WORKED_EXAMPLE] });

      expect(res.status).toBe(200);
      expectMatchesDocument(res);
      expect(res.body).toEqual({
        inserted: 1,
        updated: 0,
        unknownEntities: [],
      });
    });

    it('is idempotent by (source, id): the same batch twice stores each incident once', async () => {
      const server = await startBackend();
      const send = () =>
        request(server)
          .post('/api/sla/incidents')
          .set('Authorization', user())
          .send({
            incidents: [
              WORKED_EXAMPLE,
              { ...WORKED_EXAMPLE, id: 'INC0010002' },
            ],
          });
      expect((await send()).body).toMatchObject({ inserted: 2, updated: 0 });
      expect((await send()).body).toMatchObject({ inserted: 0, updated: 2 });

      const compliance = await request(server)
        .get(
          '/api/sla/entities/component/default/gis-routing/compliance?period=2026-09',
        )
        .set('Authorization', user());
      expect(compliance.body.result.incidents).toHaveLength(2);
    });

    it('rejects the whole batch, naming index and field, when one of 1,000 incidents is bad', async () => {
      const server = await startBackend();
      const batch = Array.from({ length: 1000 }, (_, i) => ({
        ...WORKED_EXAMPLE,
        id: `INC${i}`,
      }));
      batch[737] = { ...batch[737], priority: 'urgent' };

      const res = await request(server)
        .post('/api/sla/incidents')
        .set('Authorization', user())
        .send({ incidents: batch });

      // Refused by the document before the handler runs, naming index, field and value.
      expect(res.status).toBe(400);
      expectMatchesDocument(res);
      expect(res.body.error.name).toBe('InputError');
      expect(res.body.error.message).toBe(
        'incidents[737].priority: must match pattern "^[Pp][1-4]$" (got "urgent")',
      );

      const compliance = await request(server)
        .get(
          '/api/sla/entities/component/default/gis-routing/compliance?period=2026-09',
        )
        .set('Authorization', user());
      expect(compliance.body.result.incidents).toHaveLength(0);
    });

    it('rejects a batch over the maximum size with a clear message', async () => {
      const server = await startBackend();
      const batch = Array.from({ length: 5001 }, (_, i) => ({
        ...WORKED_EXAMPLE,
        id: `INC${i}`,
      }));
      const res = await request(server)
        .post('/api/sla/incidents')
        .set('Authorization', user())
        .send({ incidents: batch });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(
        /^incidents: must NOT have more than 5000 items/,
      );
    });

    it('names the field of a rule the document cannot express, and stores nothing', async () => {
      const server = await startBackend();
      const res = await request(server)
        .post('/api/sla/incidents')
        .set('Authorization', user())
        .send({
          incidents: [
            { ...WORKED_EXAMPLE, resolvedAt: '2026-09-01T00:00:00Z' },
          ],
        });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain('nothing was stored');
      expect(res.body.error.message).toContain('incidents[0].resolvedAt');
    });

    it('answers 413 to a body over 20 MB', async () => {
      const server = await startBackend();
      const res = await request(server)
        .post('/api/sla/incidents')
        .set('Authorization', user())
        .set('Content-Type', 'application/json')
        .send(`{"incidents": ["${'x'.repeat(21 * 1024 * 1024)}"]}`);
      expect(res.status).toBe(413);
      expectMatchesDocument(res);
    });

    it('accepts incidents of entities the catalog does not know, and flags them', async () => {
      const server = await startBackend();
      const res = await request(server)
        .post('/api/sla/incidents')
        .set('Authorization', user())
        .send({
          incidents: [
            {
              ...WORKED_EXAMPLE,
              id: 'INC0010666',
              entityRef: 'component:default/ghost',
            },
            WORKED_EXAMPLE,
          ],
        });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        inserted: 2,
        updated: 0,
        unknownEntities: ['component:default/ghost'],
      });

      const unknown = await request(server)
        .get('/api/sla/incidents/unknown-entities')
        .set('Authorization', user());
      expectMatchesDocument(unknown);
      expect(unknown.body).toEqual({
        items: [{ entityRef: 'component:default/ghost', count: 1 }],
      });
    });

    it('answers 401 without credentials and 403 when the policy denies', async () => {
      await expectAuthEnforced('post', '/api/sla/incidents', {
        data: { incidents: [WORKED_EXAMPLE] },
      });
    });
  });

  describe('POST /incidents/import', () => {
    const header =
      'source,id,entityRef,title,priority,createdAt,acknowledgedAt,resolvedAt,pauses';
    it('imports CSV rows through the same upsert', async () => {
      const server = await startBackend();
      const csv = `${header}\ncsv,C-1,component:default/cad-core,Console freeze,P1,2026-09-02T01:00:00Z,2026-09-02T01:04:00Z,2026-09-02T02:00:00Z,2026-09-02T01:10:00Z/2026-09-02T01:20:00Z\n`;
      const res = await request(server)
        .post('/api/sla/incidents/import')
        .set('Authorization', user())
        .set('Content-Type', 'text/csv')
        .send(csv);
      expect(res.status).toBe(200);
      expectMatchesDocument(res);
      expect(res.body).toEqual({
        rows: 1,
        inserted: 1,
        updated: 0,
        unknownEntities: [],
      });
    });

    it('names the row number of a bad row and stores nothing', async () => {
      const server = await startBackend();
      const good =
        'csv,C-1,component:default/cad-core,Console freeze,P1,2026-09-02T01:00:00Z,,,';
      const bad =
        'csv,C-2,component:default/cad-core,Console freeze,P1,2 Sept 2026,,,';
      const res = await request(server)
        .post('/api/sla/incidents/import')
        .set('Authorization', user())
        .set('Content-Type', 'text/csv')
        .send(`${header}\n${good}\n${bad}\n`);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain('row[2].createdAt');

      const compliance = await request(server)
        .get(
          '/api/sla/entities/component/default/cad-core/compliance?period=2026-09',
        )
        .set('Authorization', user());
      expect(compliance.body.result.incidents).toHaveLength(0);
    });

    it('names missing columns', async () => {
      const server = await startBackend();
      const res = await request(server)
        .post('/api/sla/incidents/import')
        .set('Authorization', user())
        .set('Content-Type', 'text/csv')
        .send('source,id\napi,1\n');
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain(
        'missing column(s) entityRef, title, priority, createdAt',
      );
    });

    it('answers 401 without credentials and 403 when denied', async () => {
      await expectAuthEnforced('post', '/api/sla/incidents/import', {
        contentType: 'text/csv',
        data: `${header}\n`,
      });
    });
  });

  describe('GET /entities/{kind}/{namespace}/{name}/compliance', () => {
    it('evaluates the worked example of ENGINE.md: response met, resolution breached', async () => {
      const server = await startBackend();
      await request(server)
        .post('/api/sla/incidents')
        .set('Authorization', user())
        .send({ incidents: [WORKED_EXAMPLE] });

      const res = await request(server)
        .get(
          '/api/sla/entities/component/default/gis-routing/compliance?period=2026-09',
        )
        .set('Authorization', user());

      expect(res.status).toBe(200);
      expectMatchesDocument(res);
      expect(res.body.period.key).toBe('2026-09');
      expect(res.body.termsVersion).toBe(1);
      const incident = res.body.result.incidents[0];
      expect(incident.response).toMatchObject({
        elapsedMs: 30 * 60_000,
        status: 'met',
      });
      expect(incident.resolution).toMatchObject({
        elapsedMs: 9 * 3_600_000,
        status: 'breached',
      });
      const objectives = Object.fromEntries(
        res.body.result.objectives.map(
          (o: { objective: string; status: string }) => [o.objective, o.status],
        ),
      );
      expect(objectives['response-time:P2']).toBe('met');
      expect(objectives['resolution-time:P2']).toBe('breached');
      expect(res.body.result).toMatchObject({ met: 1, committed: 2 });
    });

    it('keeps a closed period immutable until an explicit, permission-checked recompute', async () => {
      const server = await startBackend();
      const push = (incident: object) =>
        request(server)
          .post('/api/sla/incidents')
          .set('Authorization', user())
          .send({ incidents: [incident] });
      const read = () =>
        request(server)
          .get(
            '/api/sla/entities/component/default/gis-routing/compliance?period=2026-09',
          )
          .set('Authorization', user());

      await push({
        ...WORKED_EXAMPLE,
        resolvedAt: '2026-09-18T17:45:00+08:00',
        acknowledgedAt: '2026-09-18T17:35:00+08:00',
      });
      const first = await read();
      expect(first.body.source).toBe('snapshot');
      expect(first.body.result).toMatchObject({ met: 2, committed: 2 });

      await push(WORKED_EXAMPLE); // the service desk edits the incident afterwards
      const second = await read();
      expect(second.body.result).toMatchObject({ met: 2, committed: 2 });

      const recompute = await request(server)
        .post('/api/sla/snapshots/recompute')
        .set('Authorization', user())
        .send({
          period: '2026-09',
          entityRef: 'component:default/gis-routing',
        });
      expect(recompute.status).toBe(200);
      expectMatchesDocument(recompute);
      expect(recompute.body.recomputed).toEqual([
        {
          entityRef: 'component:default/gis-routing',
          period: '2026-09',
          met: 1,
          committed: 2,
        },
      ]);
      expect((await read()).body.result).toMatchObject({
        met: 1,
        committed: 2,
      });
    });

    it('shows annotation problems and still evaluates the rest', async () => {
      const server = await startBackend();
      const res = await request(server)
        .get('/api/sla/entities/component/default/broken/terms')
        .set('Authorization', user());
      expect(res.status).toBe(200);
      expectMatchesDocument(res);
      const problems = res.body.versions[0].problems;
      expect(problems[0].key).toBe('servicelevel.io/response-time');
      expect(problems[0].message).toContain('P1=15 minutes');
      expect(res.body.versions[0].terms.availability).toBe(99.95);
    });

    it('answers 400 naming the parameter for a malformed period', async () => {
      const server = await startBackend();
      const res = await request(server)
        .get(
          '/api/sla/entities/component/default/cad-core/compliance?period=March',
        )
        .set('Authorization', user());
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(
        /^period: must match pattern .* \(got "March"\)$/,
      );
    });

    it('answers 400 naming a parameter the document does not know', async () => {
      const server = await startBackend();
      const res = await request(server)
        .get(
          '/api/sla/entities/component/default/cad-core/compliance?perod=2026-09',
        )
        .set('Authorization', user());
      expect(res.status).toBe(400);
      expect(res.body.error.message).toBe("Unknown query parameter 'perod'");
    });

    it('reads an entity the scheduled catalog sync has not seen yet straight from the catalog', async () => {
      const { server } = await startTestBackend({
        features: [
          slaPlugin,
          mockServices.rootConfig.factory({ data: CONFIG }),
          mockServices.database.factory(),
          mockServices.scheduler.factory({ skipTaskRunOnStartup: true }),
          catalogServiceMock.factory({ entities: ENTITIES }),
        ],
      });
      const catalogBefore = await request(server)
        .get('/api/sla/catalog')
        .set('Authorization', user());
      expect(catalogBefore.body.items).toEqual([]);

      const res = await request(server)
        .get('/api/sla/entities/component/default/cad-core/compliance')
        .set('Authorization', user());
      expect(res.status).toBe(200);
      expect(res.body.terms.tier).toBe('gold');
    });

    it('answers 404 for an entity without an SLA', async () => {
      const server = await startBackend();
      const res = await request(server)
        .get('/api/sla/entities/component/default/nope/compliance')
        .set('Authorization', user());
      expect(res.status).toBe(404);
    });

    it('answers 401 without credentials and 403 when denied', async () => {
      await expectAuthEnforced(
        'get',
        '/api/sla/entities/component/default/cad-core/compliance',
      );
    });
  });

  describe('GET /entities/{…}/history', () => {
    it('returns one result per period, oldest first, the last one open', async () => {
      const server = await startBackend();
      const res = await request(server)
        .get('/api/sla/entities/component/default/cad-core/history?periods=3')
        .set('Authorization', user());
      expect(res.status).toBe(200);
      expectMatchesDocument(res);
      expect(res.body.periods).toHaveLength(3);
      const keys = res.body.periods.map(
        (p: { period: { key: string } }) => p.period.key,
      );
      expect([...keys].sort()).toEqual(keys);
      expect(res.body.periods[2].source).toBe('live');
    });

    it('answers 400 for a bad periods count', async () => {
      const server = await startBackend();
      const res = await request(server)
        .get('/api/sla/entities/component/default/cad-core/history?periods=0')
        .set('Authorization', user());
      expect(res.status).toBe(400);
      expect(res.body.error.message).toBe('periods: must be >= 1 (got 0)');
    });
  });

  describe('GET /overview', () => {
    it('rolls up achievement per owner as a sum over sums', async () => {
      const server = await startBackend();
      await request(server)
        .post('/api/sla/incidents')
        .set('Authorization', user())
        .send({ incidents: [WORKED_EXAMPLE] });
      const res = await request(server)
        .get('/api/sla/overview?period=2026-09&groupBy=owner')
        .set('Authorization', user());
      expect(res.status).toBe(200);
      expectMatchesDocument(res);
      const fieldOps = res.body.groups.find(
        (g: { key: string }) => g.key === 'group:default/field-ops',
      );
      expect(fieldOps.services).toEqual([
        'component:default/broken',
        'component:default/gis-routing',
      ]);
      const sumMet = res.body.services.reduce(
        (n: number, s: { met: number }) => n + s.met,
        0,
      );
      const sumCommitted = res.body.services.reduce(
        (n: number, s: { committed: number }) => n + s.committed,
        0,
      );
      expect(res.body.total).toMatchObject({
        met: sumMet,
        committed: sumCommitted,
        services: 3,
      });
      expect(res.body.worst[0].entityRef).toBe('component:default/gis-routing');
    });

    it('groups by domain through the system', async () => {
      const server = await startBackend();
      const res = await request(server)
        .get('/api/sla/overview?period=2026-09&groupBy=domain')
        .set('Authorization', user());
      expect(res.body.groups.map((g: { key: string }) => g.key)).toEqual([
        'domain:default/public-safety',
      ]);
    });

    it('answers 400 for an unknown groupBy, 401 and 403', async () => {
      const server = await startBackend();
      const res = await request(server)
        .get('/api/sla/overview?groupBy=team')
        .set('Authorization', user());
      expect(res.status).toBe(400);
      expect(res.body.error.message).toBe(
        'groupBy: must be equal to one of the allowed values: owner, system, domain (got "team")',
      );
      await expectAuthEnforced('get', '/api/sla/overview');
    });
  });

  describe('GET /catalog', () => {
    it('lists every service with an SLA and its commitments', async () => {
      const server = await startBackend();
      const res = await request(server)
        .get('/api/sla/catalog')
        .set('Authorization', user());
      expect(res.status).toBe(200);
      expectMatchesDocument(res);
      const cad = res.body.items.find(
        (i: { entityRef: string }) =>
          i.entityRef === 'component:default/cad-core',
      );
      expect(cad).toMatchObject({
        tier: 'gold',
        serviceHours: '24x7',
        ownerRef: 'group:default/dispatch-platform',
      });
      expect(cad.commitments['servicelevel.io/availability']).toBe('99.95%');
    });

    it('answers 401 and 403', async () => {
      await expectAuthEnforced('get', '/api/sla/catalog');
    });
  });

  describe('GET /sources and GET /health', () => {
    it('lists the incident sources, and answers health without credentials', async () => {
      const server = await startBackend();
      const sources = await request(server)
        .get('/api/sla/sources')
        .set('Authorization', user());
      expect(sources.status).toBe(200);
      expectMatchesDocument(sources);
      expect(sources.body).toEqual({ sources: [] });
      const health = await request(server).get('/api/sla/health');
      expect(health.status).toBe(200);
      expectMatchesDocument(health);
    });

    it('answers 400 naming a query parameter neither route takes', async () => {
      const server = await startBackend();
      for (const route of ['/api/sla/sources', '/api/sla/catalog']) {
        const res = await request(server)
          .get(`${route}?page=2`)
          .set('Authorization', user());
        expect(res.status).toBe(400);
        expect(res.body.error.message).toBe("Unknown query parameter 'page'");
      }
    });
  });

  describe('POST /snapshots/recompute', () => {
    it('answers 400 without a period, 401 and 403', async () => {
      const server = await startBackend();
      const res = await request(server)
        .post('/api/sla/snapshots/recompute')
        .set('Authorization', user())
        .send({});
      expect(res.status).toBe(400);
      expect(res.body.error.message).toBe('period: required');
      const bad = await request(server)
        .post('/api/sla/snapshots/recompute')
        .set('Authorization', user())
        .send({ period: '2026-13' });
      expect(bad.status).toBe(400);
      expectMatchesDocument(bad);
      expect(bad.body.error.message).toMatch(/^period: must match pattern/);
      await expectAuthEnforced('post', '/api/sla/snapshots/recompute', {
        data: { period: '2026-09' },
      });
    });
  });
});
