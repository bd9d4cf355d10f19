/* eslint jest/expect-expect: ["error", { "assertFunctionNames": ["expect", "expectMatchesDocument"] }] */
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { Server } from 'http';
import {
  parseSlaAnnotations,
  readOpenSlo,
  readSlaConfig,
} from '@servicelevel/plugin-sla-common';
import request from 'supertest';
import { parseAllDocuments } from 'yaml';
import {
  GIS_ROUTING_ANNOTATIONS,
  WORKED_EXAMPLE,
} from '../__testUtils__/examples';
import { EXAMPLE_SLA_CONFIG } from '../__testUtils__/slaConfig';
import {
  catalogComponent,
  itEnforcesAuth,
  startSlaBackend,
} from '../__testUtils__/testBackend';
import { expectMatchesDocument } from '../schema/__testUtils__/expectMatchesDocument';
import { slaPlugin } from '../plugin';

const CONFIG = { sla: EXAMPLE_SLA_CONFIG };
/** A database the cross-check test writes vendor verdicts into, as a provider would. */
const crossCheckDatabases = TestDatabases.create({ ids: ['SQLITE_3'] });

const component = (
  name: string,
  annotations: Record<string, string>,
  owner: string,
) => catalogComponent(name, annotations, owner, { system: 'dispatch' });

const ENTITIES: Entity[] = [
  component(
    'cad-core',
    { 'servicelevel.io/tier': 'gold' },
    'group:default/dispatch-platform',
  ),
  component('gis-routing', GIS_ROUTING_ANNOTATIONS, 'group:default/field-ops'),
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

/** For suites that write rows the API only reads (the sync state). */
const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

const startBackend = (
  permission:
    | AuthorizeResult.ALLOW
    | AuthorizeResult.DENY = AuthorizeResult.ALLOW,
) =>
  startSlaBackend({
    config: CONFIG,
    entities: ENTITIES,
    permissions: permission,
  });

const user = () => mockCredentials.user.header();

/** The worked example as incident `id` of `entityRef`. */
const workedExampleOf = (entityRef: string, id: string) => ({
  ...WORKED_EXAMPLE,
  id,
  entityRef,
});

/** `n` copies of the worked example, `INC0` onwards. */
const workedExamples = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ ...WORKED_EXAMPLE, id: `INC${i}` }));

/** Requests with the signed-in user's credentials. */
const asUser = (server: Server) => {
  const post = (path: string) =>
    request(server).post(path).set('Authorization', user());
  const get = (path: string) =>
    request(server).get(path).set('Authorization', user());
  return {
    get,
    post,
    /** gis-routing's compliance in September 2026, the worked example's period. */
    gisRoutingSeptember: () =>
      get(
        '/api/sla/entities/component/default/gis-routing/compliance?period=2026-09',
      ),
    /** `POST /incidents` of a batch. */
    ingest: (incidents: unknown) =>
      post('/api/sla/incidents').send({ incidents }),
    /** `POST /incidents/import` of a CSV text. */
    importCsv: (csv: string) =>
      post('/api/sla/incidents/import')
        .set('Content-Type', 'text/csv')
        .send(csv),
  };
};

/** A fresh backend's 200 to the user's GET of `path`, which the API document describes. */
async function documentedGet(path: string) {
  const res = await asUser(await startBackend()).get(path);
  expect(res.status).toBe(200);
  expectMatchesDocument(res);
  return res;
}

/** The message of the 400 that a fresh backend answers to the user's GET of `path`. */
async function refusalOfGet(path: string) {
  const res = await asUser(await startBackend()).get(path);
  expect(res.status).toBe(400);
  return res.body.error.message;
}

describe('sla router', () => {
  describe('POST /incidents', () => {
    it('stores a batch and reports what it wrote', async () => {
      const server = await startBackend();
      const res = await asUser(server).ingest([WORKED_EXAMPLE]);

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
        asUser(server).ingest([
          WORKED_EXAMPLE,
          { ...WORKED_EXAMPLE, id: 'INC0010002' },
        ]);
      expect((await send()).body).toMatchObject({ inserted: 2, updated: 0 });
      expect((await send()).body).toMatchObject({ inserted: 0, updated: 2 });

      const compliance = await asUser(server).gisRoutingSeptember();
      expect(compliance.body.result.incidents).toHaveLength(2);
    });

    it('rejects the whole batch, naming index and field, when one of 1,000 incidents is bad', async () => {
      const server = await startBackend();
      const batch = workedExamples(1000);
      batch[737] = { ...batch[737], priority: 'urgent' };

      const res = await asUser(server).ingest(batch);

      // Refused by the document before the handler runs, naming index, field and value.
      expect(res.status).toBe(400);
      expectMatchesDocument(res);
      expect(res.body.error.name).toBe('InputError');
      expect(res.body.error.message).toBe(
        'incidents[737].priority: must match pattern "^[Pp][1-4]$" (got "urgent")',
      );

      const compliance = await asUser(server).gisRoutingSeptember();
      expect(compliance.body.result.incidents).toHaveLength(0);
    });

    it('rejects a batch over the maximum size with a clear message', async () => {
      const server = await startBackend();
      const batch = workedExamples(5001);
      const res = await asUser(server).ingest(batch);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(
        /^incidents: must NOT have more than 5000 items/,
      );
    });

    it('names the field of a rule the document cannot express, and stores nothing', async () => {
      const server = await startBackend();
      const res = await asUser(server).ingest([
        { ...WORKED_EXAMPLE, resolvedAt: '2026-09-01T00:00:00Z' },
      ]);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain('nothing was stored');
      expect(res.body.error.message).toContain('incidents[0].resolvedAt');
    });

    it('answers 413 to a body over 20 MB', async () => {
      const server = await startBackend();
      const res = await asUser(server)
        .post('/api/sla/incidents')
        .set('Content-Type', 'application/json')
        .send(`{"incidents": ["${'x'.repeat(21 * 1024 * 1024)}"]}`);
      expect(res.status).toBe(413);
      expectMatchesDocument(res);
    });

    it('accepts incidents of entities the catalog does not know, and flags them', async () => {
      const server = await startBackend();
      const res = await asUser(server).ingest([
        workedExampleOf('component:default/ghost', 'INC0010666'),
        WORKED_EXAMPLE,
      ]);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        inserted: 2,
        updated: 0,
        unknownEntities: ['component:default/ghost'],
      });

      const unknown = await asUser(server).get(
        '/api/sla/incidents/unknown-entities',
      );
      expectMatchesDocument(unknown);
      expect(unknown.body).toEqual({
        items: [{ entityRef: 'component:default/ghost', count: 1 }],
      });
    });

    it('asks the catalog before it calls an entity unknown', async () => {
      const server = await startBackend();
      // The catalog lists the system, but the sync keeps only entities with an SLA.
      const res = await asUser(server).ingest([
        workedExampleOf('system:default/dispatch', 'S-1'),
        workedExampleOf('component:default/ghost', 'G-1'),
      ]);
      expect(res.status).toBe(200);
      expect(res.body.unknownEntities).toEqual(['component:default/ghost']);
    });
  });

  describe('POST /incidents/import', () => {
    const header =
      'source,id,entityRef,title,priority,createdAt,acknowledgedAt,resolvedAt,pauses';
    it('imports CSV rows through the same upsert', async () => {
      const server = await startBackend();
      const csv = `${header}\ncsv,C-1,component:default/cad-core,Console freeze,P1,2026-09-02T01:00:00Z,2026-09-02T01:04:00Z,2026-09-02T02:00:00Z,2026-09-02T01:10:00Z/2026-09-02T01:20:00Z\n`;
      const res = await asUser(server).importCsv(csv);
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
      const res = await asUser(server).importCsv(
        `${header}\n${good}\n${bad}\n`,
      );
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain('row[2].createdAt');

      const compliance = await asUser(server).get(
        '/api/sla/entities/component/default/cad-core/compliance?period=2026-09',
      );
      expect(compliance.body.result.incidents).toHaveLength(0);
    });

    it('names missing columns', async () => {
      const server = await startBackend();
      const res = await asUser(server).importCsv('source,id\napi,1\n');
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain(
        'missing column(s) entityRef, title, priority, createdAt',
      );
    });
  });

  describe('GET /entities/{kind}/{namespace}/{name}/compliance', () => {
    it('evaluates the worked example of ENGINE.md: response met, resolution breached', async () => {
      const server = await startBackend();
      await asUser(server).ingest([WORKED_EXAMPLE]);

      const res = await asUser(server).gisRoutingSeptember();

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

    it('answers 304 to an If-None-Match naming the body it would send', async () => {
      const server = await startBackend();
      await asUser(server).ingest([WORKED_EXAMPLE]);
      const first = await asUser(server).gisRoutingSeptember();
      expect(first.status).toBe(200);
      const etag = first.headers.etag;
      expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);

      const again = await asUser(server)
        .gisRoutingSeptember()
        .set('If-None-Match', etag);
      expect(again.status).toBe(304);
      expect(again.text).toBe('');
      expect(again.headers.etag).toBe(etag);

      const stale = await asUser(server)
        .gisRoutingSeptember()
        .set('If-None-Match', '"another"');
      expect(stale.status).toBe(200);
      expect(stale.body).toEqual(first.body);

      // A past year: every period closed and read from its snapshot, so the body is stable.
      const overview = await asUser(server).get(
        '/api/sla/overview?groupBy=owner&period=2025-09',
      );
      expect(overview.status).toBe(200);
      const cachedOverview = await asUser(server)
        .get('/api/sla/overview?groupBy=owner&period=2025-09')
        .set('If-None-Match', overview.headers.etag);
      expect(cachedOverview.status).toBe(304);
    });

    it('keeps a closed period immutable until an explicit, permission-checked recompute', async () => {
      const server = await startBackend();
      const push = (incident: object) => asUser(server).ingest([incident]);
      const read = () => asUser(server).gisRoutingSeptember();

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

      const recompute = await asUser(server)
        .post('/api/sla/snapshots/recompute')
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

    it('serves the service credits of a period, as the document describes them', async () => {
      const credited = (fee: string) =>
        startSlaBackend({
          config: {
            sla: {
              ...EXAMPLE_SLA_CONFIG,
              customers: { 'dispatch-center': { monthlyFee: fee } },
            },
          },
          entities: [
            component(
              'gis-routing',
              {
                ...GIS_ROUTING_ANNOTATIONS,
                'servicelevel.io/customer': 'group:default/dispatch-center',
                'servicelevel.io/service-credits':
                  'resolution-time:P2=10%/breach cap=30%',
              },
              'group:default/field-ops',
            ),
          ],
        });
      const read = (server: Server, period: string) =>
        asUser(server).get(
          `/api/sla/entities/component/default/gis-routing/compliance?period=${period}`,
        );

      const server = await credited('12000 CNY');
      await asUser(server).ingest([WORKED_EXAMPLE]);
      const res = await read(server, '2026-09');
      expect(res.status).toBe(200);
      expectMatchesDocument(res);
      // The worked example breaches resolution P2 once: 10 % of the customer's 12 000 CNY.
      expect(res.body.credits).toMatchObject({
        lines: [
          {
            objective: 'resolution-time:P2',
            kind: 'per-breach',
            breaches: 1,
            shareBp: 1000,
          },
        ],
        shareBp: 1000,
        capBp: 3000,
        provisional: false,
        amount: { currency: 'CNY', decimal: '1200.00' },
      });
      const range = await asUser(server).get(
        '/api/sla/entities/component/default/gis-routing/compliance?from=2026-09-01&to=2026-10-01',
      );
      expectMatchesDocument(range);
      expect(range.body.credits).toBeUndefined();

      // A malformed fee in config is ignored at startup: the credit is a share, no amount.
      const badFee = await credited('12000 RMB');
      await asUser(badFee).ingest([WORKED_EXAMPLE]);
      const shareOnly = await read(badFee, '2026-09');
      expect(shareOnly.status).toBe(200);
      expectMatchesDocument(shareOnly);
      expect(shareOnly.body.credits.shareBp).toBe(1000);
      expect(shareOnly.body.credits.amount).toBeUndefined();
    });

    it('shows annotation problems and still evaluates the rest', async () => {
      const res = await documentedGet(
        '/api/sla/entities/component/default/broken/terms',
      );
      const problems = res.body.versions[0].problems;
      expect(problems[0].key).toBe('servicelevel.io/response-time');
      expect(problems[0].message).toContain('P1=15 minutes');
      expect(res.body.versions[0].terms.availability).toBe(99.95);
    });

    it('answers 400 naming the parameter for a malformed period', async () => {
      expect(
        await refusalOfGet(
          '/api/sla/entities/component/default/cad-core/compliance?period=March',
        ),
      ).toMatch(/^period: must match pattern .* \(got "March"\)$/);
    });

    it('answers 400 naming a parameter the document does not know', async () => {
      expect(
        await refusalOfGet(
          '/api/sla/entities/component/default/cad-core/compliance?perod=2026-09',
        ),
      ).toBe("Unknown query parameter 'perod'");
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
      const catalogBefore = await asUser(server).get('/api/sla/catalog');
      expect(catalogBefore.body.items).toEqual([]);

      const res = await asUser(server).get(
        '/api/sla/entities/component/default/cad-core/compliance',
      );
      expect(res.status).toBe(200);
      expect(res.body.terms.tier).toBe('gold');
    });

    it('answers 404 for an entity without an SLA', async () => {
      const server = await startBackend();
      const res = await asUser(server).get(
        '/api/sla/entities/component/default/nope/compliance',
      );
      expect(res.status).toBe(404);
    });
  });

  describe('GET /entities/{…}/openslo', () => {
    it('serves the terms in force as OpenSLO documents that read back into equal terms', async () => {
      const server = await startBackend();
      const res = await asUser(server).get(
        '/api/sla/entities/component/default/cad-core/openslo',
      );
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/yaml/);
      expect(res.headers['content-disposition']).toBe(
        'attachment; filename="component-default-cad-core.openslo.yaml"',
      );
      const terms = await asUser(server).get(
        '/api/sla/entities/component/default/cad-core/terms',
      );
      const latest = terms.body.versions[terms.body.versions.length - 1];
      const read = readOpenSlo(parseAllDocuments(res.text).map(d => d.toJS()));
      expect(read.problems).toEqual([]);
      const { config } = readSlaConfig(EXAMPLE_SLA_CONFIG);
      expect(parseSlaAnnotations(read.annotations, config).terms).toEqual(
        latest.terms,
      );
    });

    it('answers 400 naming a parameter it does not take, and 404 for an entity without an SLA', async () => {
      expect(
        await refusalOfGet(
          '/api/sla/entities/component/default/cad-core/openslo?format=json',
        ),
      ).toBe("Unknown query parameter 'format'");
      const res = await asUser(await startBackend()).get(
        '/api/sla/entities/component/default/nope/openslo',
      );
      expect(res.status).toBe(404);
      expect(res.body.error.message).toContain('component:default/nope');
    });
  });

  describe('GET /entities/{…}/history', () => {
    it('returns one result per period, oldest first, the last one open', async () => {
      const res = await documentedGet(
        '/api/sla/entities/component/default/cad-core/history?periods=3',
      );
      expect(res.body.periods).toHaveLength(3);
      const keys = res.body.periods.map(
        (p: { period: { key: string } }) => p.period.key,
      );
      expect([...keys].sort()).toEqual(keys);
      expect(res.body.periods[2].source).toBe('live');
    });

    it('answers 400 for a bad periods count', async () => {
      expect(
        await refusalOfGet(
          '/api/sla/entities/component/default/cad-core/history?periods=0',
        ),
      ).toBe('periods: must be >= 1 (got 0)');
    });

    it('answers 400 for a periods count not written in decimal digits', async () => {
      const server = await startBackend();
      for (const v of ['0x10', '1e1', '%2016', '12.0']) {
        const res = await asUser(server).get(
          `/api/sla/entities/component/default/cad-core/history?periods=${v}`,
        );
        expect([v, res.status]).toEqual([v, 400]);
        expect(res.body.error.message).toContain('periods: "');
      }
    });
  });

  describe('GET /overview', () => {
    it('rolls up achievement per owner as a sum over sums', async () => {
      const server = await startBackend();
      await asUser(server).ingest([WORKED_EXAMPLE]);
      const res = await asUser(server).get(
        '/api/sla/overview?period=2026-09&groupBy=owner',
      );
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

    it('serves the body gzipped once per build to a client that accepts it, and as it is to one that does not', async () => {
      const server = await startBackend();
      await asUser(server).ingest([WORKED_EXAMPLE]);
      const path = '/api/sla/overview?period=2026-09&groupBy=owner';
      const plain = await asUser(server)
        .get(path)
        .set('Accept-Encoding', 'identity');
      expect(plain.status).toBe(200);
      expect(plain.headers['content-encoding']).toBeUndefined();
      const gzipped = await asUser(server)
        .get(path)
        .set('Accept-Encoding', 'gzip, deflate, br');
      expect(gzipped.status).toBe(200);
      expect(gzipped.headers['content-encoding']).toBe('gzip');
      expect(gzipped.headers.vary).toMatch(/Accept-Encoding/);
      // supertest decodes it: the same document, and the same ETag for both encodings.
      expect(gzipped.body).toEqual(plain.body);
      expect(gzipped.headers.etag).toBe(plain.headers.etag);
      expect(Number(gzipped.headers['content-length'])).toBeLessThan(
        Buffer.byteLength(plain.text),
      );
    });

    it('groups by domain through the system', async () => {
      const server = await startBackend();
      const res = await asUser(server).get(
        '/api/sla/overview?period=2026-09&groupBy=domain',
      );
      expect(res.body.groups.map((g: { key: string }) => g.key)).toEqual([
        'domain:default/public-safety',
      ]);
    });

    it('answers 400 for an unknown groupBy, 401 and 403', async () => {
      expect(await refusalOfGet('/api/sla/overview?groupBy=team')).toBe(
        'groupBy: must be equal to one of the allowed values: owner, system, domain (got "team")',
      );
    });

    it('serves one page of the services of a group, with the whole organisation above it', async () => {
      const server = await startBackend();
      await asUser(server).ingest([WORKED_EXAMPLE]);
      const whole = await asUser(server).get(
        '/api/sla/overview?period=2026-09&groupBy=owner',
      );
      const res = await asUser(server).get(
        '/api/sla/overview?period=2026-09&groupBy=owner&group=group:default/field-ops&limit=1&offset=1',
      );
      expect(res.status).toBe(200);
      expectMatchesDocument(res);
      expect(res.body.page).toEqual({ offset: 1, limit: 1, total: 2 });
      expect(
        res.body.services.map((s: { entityRef: string }) => s.entityRef),
      ).toEqual(['component:default/gis-routing']);
      expect(
        res.body.heatmap.rows.map((r: { entityRef: string }) => r.entityRef),
      ).toEqual(['component:default/gis-routing']);
      expect(res.body.total).toEqual(whole.body.total);
      expect(res.body.groups).toEqual(whole.body.groups);
      expect(res.headers.etag).not.toBe(whole.headers.etag);
      const byText = await asUser(server).get(
        '/api/sla/overview?period=2026-09&q=BROKEN',
      );
      expect(
        byText.body.services.map((s: { entityRef: string }) => s.entityRef),
      ).toEqual(['component:default/broken']);
      expect(byText.body.page).toEqual({ offset: 0, total: 1 });
    });

    it('answers 400 naming a page parameter out of range', async () => {
      expect(await refusalOfGet('/api/sla/overview?limit=0')).toBe(
        'limit: must be >= 1 (got 0)',
      );
      expect(await refusalOfGet('/api/sla/overview?limit=1001')).toBe(
        'limit: must be <= 1000 (got 1001)',
      );
      expect(await refusalOfGet('/api/sla/overview?offset=-1')).toBe(
        'offset: must be >= 0 (got -1)',
      );
      expect(await refusalOfGet('/api/sla/overview?limit=ten')).toBe(
        'limit: must be integer (got "ten")',
      );
    });
  });

  describe('POST /entities/{kind}/{namespace}/{name}/preview', () => {
    const path = '/api/sla/entities/component/default/gis-routing/preview';
    afterEach(() => jest.restoreAllMocks());
    // The worked example breaches resolution P2=1d; a looser target would have met it.
    const looser = {
      ...GIS_ROUTING_ANNOTATIONS,
      'servicelevel.io/resolution-time': 'P2=10d',
    };

    it('compares closed periods under the terms in force and the proposal', async () => {
      // The last 12 closed periods must hold the worked example's 2026-09, whatever today is.
      jest
        .spyOn(Date, 'now')
        .mockReturnValue(Date.parse('2026-12-04T12:00:00Z'));
      const server = await startBackend();
      await asUser(server)
        .post('/api/sla/incidents')
        .send({ incidents: [WORKED_EXAMPLE] })
        .expect(200);
      const res = await asUser(server)
        .post(path)
        .send({ annotations: looser, periods: 12 });
      expect(res.status).toBe(200);
      expectMatchesDocument(res);
      expect(res.body.periods).toHaveLength(12);
      expect(res.body.proposedTermsAsWritten).toMatchObject({
        'servicelevel.io/resolution-time': 'P2=10d',
      });
      const september = res.body.periods.find(
        (p: { period: string }) => p.period === '2026-09',
      );
      const status = (side: {
        objectives: Array<{ objective: string; status: string }>;
      }) =>
        side.objectives.find(o => o.objective === 'resolution-time:P2')?.status;
      expect(status(september.current)).toBe('breached');
      expect(status(september.proposed)).toBe('met');
      expect(september.incidents).toEqual([
        expect.objectContaining({
          id: 'INC0010001',
          clock: 'resolution',
          current: 'breached',
          proposed: 'met',
        }),
      ]);
    });

    it('answers 400 naming what is wrong with the proposal, and 404 for an unknown entity', async () => {
      const server = await startBackend();
      const tooMany = await asUser(server)
        .post(path)
        .send({ annotations: looser, periods: 37 });
      expect(tooMany.status).toBe(400);
      expectMatchesDocument(tooMany);
      expect(tooMany.body.error.message).toMatch(/^periods: must be <= 36/);
      const misspelt = await asUser(server)
        .post(path)
        .send({ annotation: looser });
      expect(misspelt.status).toBe(400);
      expect(misspelt.body.error.message).toMatch(/annotation/);
      const empty = await asUser(server)
        .post(path)
        .send({ annotations: { 'servicelevel.io/agreement': 'X-1' } });
      expect(empty.status).toBe(400);
      expect(empty.body.error.message).toBe(
        'annotations: the proposal has no servicelevel.io/ objective or tier, so there is nothing to evaluate',
      );
      const unknown = await asUser(server)
        .post('/api/sla/entities/component/default/nope/preview')
        .send({ annotations: looser });
      expect(unknown.status).toBe(404);
    });
  });

  describe('GET /catalog', () => {
    it('lists every service with an SLA and its commitments', async () => {
      const res = await documentedGet('/api/sla/catalog');
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
      // The same objectives and targets a period result shows, ready to name and format.
      expect(cad.objectives[0]).toEqual({
        objective: 'availability',
        target: { display: '99.95%', value: 99.95 },
      });
    });

    it("serves one page of a group's services, by ref, with the page's warnings", async () => {
      const whole = await documentedGet('/api/sla/catalog');
      const fieldOps = whole.body.items
        .filter(
          (i: { ownerRef?: string }) =>
            i.ownerRef === 'group:default/field-ops',
        )
        .map((i: { entityRef: string }) => i.entityRef)
        .sort();
      expect(fieldOps.length).toBeGreaterThan(1);
      const res = await documentedGet(
        '/api/sla/catalog?groupBy=owner&group=group:default/field-ops&limit=1&offset=1',
      );
      expect(res.body.page).toEqual({
        offset: 1,
        limit: 1,
        total: fieldOps.length,
      });
      expect(
        res.body.items.map((i: { entityRef: string }) => i.entityRef),
      ).toEqual([fieldOps[1]]);
      expect(res.body.calendarWarnings).toEqual(whole.body.calendarWarnings);
      expect(res.body.dependencyWarnings).toEqual(
        whole.body.dependencyWarnings.filter(
          (w: { entityRef: string }) => w.entityRef === fieldOps[1],
        ),
      );
      const byText = await documentedGet('/api/sla/catalog?q=CAD-CORE');
      expect(
        byText.body.items.map((i: { entityRef: string }) => i.entityRef),
      ).toEqual(['component:default/cad-core']);
    });

    it('lists the customers the catalog names, with their services', async () => {
      const named = (name: string, customer: string) =>
        component(
          name,
          {
            ...GIS_ROUTING_ANNOTATIONS,
            'servicelevel.io/customer': `group:default/${customer}`,
          },
          'group:default/field-ops',
        );
      const server = await startSlaBackend({
        config: CONFIG,
        entities: [
          ...ENTITIES,
          named('a', 'state-grid'),
          named('b', 'city'),
          named('c', 'state-grid'),
        ],
      });
      const res = await asUser(server).get('/api/sla/customers');
      expect(res.status).toBe(200);
      expectMatchesDocument(res);
      expect(res.body).toEqual({
        customers: [
          { customer: 'group:default/city', services: 1 },
          { customer: 'group:default/state-grid', services: 2 },
        ],
      });
    });

    it('answers 400 naming a page parameter it cannot use', async () => {
      expect(await refusalOfGet('/api/sla/catalog?review=soon')).toMatch(
        /^review: /,
      );
      expect(await refusalOfGet('/api/sla/catalog?groupBy=team')).toMatch(
        /^groupBy: /,
      );
      expect(await refusalOfGet('/api/sla/catalog?limit=0')).toBe(
        'limit: must be >= 1 (got 0)',
      );
      expect(await refusalOfGet('/api/sla/catalog?offset=-1')).toBe(
        'offset: must be >= 0 (got -1)',
      );
    });
  });

  describe('GET /sources and GET /health', () => {
    it('lists the incident sources, and answers health without credentials', async () => {
      const server = await startBackend();
      const empty = await asUser(server).get('/api/sla/sources');
      expect(empty.status).toBe(200);
      expectMatchesDocument(empty);
      expect(empty.body).toEqual({ sources: [], stored: [] });
      // A pushed source has no sync state, but its incidents are listed.
      await asUser(server)
        .ingest([WORKED_EXAMPLE, { ...WORKED_EXAMPLE, id: 'INC0010002' }])
        .expect(200);
      const sources = await asUser(server).get('/api/sla/sources');
      expectMatchesDocument(sources);
      expect(sources.body.stored).toEqual([
        {
          source: 'servicenow',
          incidents: 2,
          lastIncidentAt: Date.parse(WORKED_EXAMPLE.createdAt),
          lastWrittenAt: expect.any(Number),
        },
      ]);
      const health = await request(server).get('/api/sla/health');
      expect(health.status).toBe(200);
      expectMatchesDocument(health);
    });

    it("names each account's open gap and its past gaps, newest first (SPEC §9)", async () => {
      const knex = await databases.init('SQLITE_3');
      const server = await startSlaBackend({
        config: CONFIG,
        entities: ENTITIES,
        knex,
      });
      const HOUR = 3_600_000;
      const now = Date.now();
      // PagerDuty's data is complete up to 2 hours ago (more than the default 15 minutes);
      // two earlier gaps were re-read by the syncs that ended them.
      await knex('sla_sync_state').insert({
        provider: 'pagerduty',
        account: 'default',
        cursor: JSON.stringify({ checkpoint: now - 2 * HOUR }),
        last_sync_at: now - 60_000,
        last_success_at: now - 2 * HOUR,
        last_error: 'HTTP 503 Service Unavailable',
        first_attempt_at: now - 30 * 24 * HOUR,
      });
      const gap = (daysAgo: number) => ({
        provider: 'pagerduty',
        account: 'default',
        started_at: now - daysAgo * 24 * HOUR,
        ended_at: now - daysAgo * 24 * HOUR + HOUR,
        backfilled_from: now - daysAgo * 24 * HOUR - HOUR,
      });
      // The one of 100 days ago is older than the 90 days listed.
      await knex('sla_sync_gaps').insert([gap(100), gap(10), gap(3)]);

      const res = await asUser(server).get('/api/sla/sources');
      expect(res.status).toBe(200);
      expectMatchesDocument(res);
      const [source] = res.body.sources;
      expect(source).toMatchObject({
        provider: 'pagerduty',
        firstAttemptAt: now - 30 * 24 * HOUR,
        openGap: { start: now - 2 * HOUR },
      });
      expect(source.openGap.end).toBeGreaterThanOrEqual(now);
      expect(source.gaps).toEqual(
        [gap(3), gap(10)].map(g => ({
          start: g.started_at,
          end: g.ended_at,
          backfilledFrom: g.backfilled_from,
        })),
      );
      await knex.destroy();
    });

    it('answers 400 naming a query parameter neither route takes', async () => {
      const server = await startBackend();
      for (const route of ['/api/sla/sources', '/api/sla/catalog']) {
        const res = await asUser(server).get(`${route}?page=2`);
        expect(res.status).toBe(400);
        expect(res.body.error.message).toBe("Unknown query parameter 'page'");
      }
    });
  });

  describe('GET /sources/{source}/cross-check', () => {
    const path = '/api/sla/sources/servicenow/cross-check';

    it("lists where the vendor's own verdict differs from ours, with both elapsed times", async () => {
      const knex = await crossCheckDatabases.init('SQLITE_3');
      const server = await startSlaBackend({
        config: CONFIG,
        entities: ENTITIES,
        knex,
      });
      const none = await asUser(server).get(`${path}?period=2026-09`);
      expect(none.status).toBe(200);
      expectMatchesDocument(none);
      expect(none.body).toEqual({
        source: 'servicenow',
        period: '2026-09',
        verdicts: 0,
        compared: 0,
        disagreements: [],
        withoutSla: [],
      });

      await asUser(server).ingest([WORKED_EXAMPLE]).expect(200);
      // ServiceNow's task_sla said met, on its 24x7 count (the provider writes this row).
      await knex('sla_vendor_verdicts').insert({
        source: 'servicenow',
        incident_id: WORKED_EXAMPLE.id,
        clock: 'resolution',
        sla_name: 'P2 resolution (3 days)',
        breached: false,
        elapsed_ms: 64.5 * 3_600_000,
        goal_ms: 72 * 3_600_000,
        percentage: 89.58,
        updated_at: 0,
      });
      const res = await asUser(server).get(`${path}?period=2026-09`);
      expect(res.status).toBe(200);
      expectMatchesDocument(res);
      expect(res.body).toMatchObject({ verdicts: 1, compared: 1 });
      expect(res.body.disagreements).toEqual([
        expect.objectContaining({
          entityRef: 'component:default/gis-routing',
          incidentId: WORKED_EXAMPLE.id,
          clock: 'resolution',
          ours: expect.objectContaining({ status: 'breached' }),
          vendor: expect.objectContaining({
            breached: false,
            elapsedMs: 64.5 * 3_600_000,
          }),
          reason: expect.any(String),
        }),
      ]);
      await knex.destroy();
    });

    it('answers 400 for a missing or malformed period, 401 and 403', async () => {
      expect(
        await refusalOfGet('/api/sla/sources/servicenow/cross-check'),
      ).toBe('period: required');
      expect(await refusalOfGet(`${path}?period=2026-13`)).toMatch(
        /^period: must match pattern/,
      );
    });
  });

  describe('POST /snapshots/recompute', () => {
    it('answers 400 without a period, 401 and 403', async () => {
      const server = await startBackend();
      const res = await asUser(server)
        .post('/api/sla/snapshots/recompute')
        .send({});
      expect(res.status).toBe(400);
      expect(res.body.error.message).toBe('period: required');
      const bad = await asUser(server)
        .post('/api/sla/snapshots/recompute')
        .send({ period: '2026-13' });
      expect(bad.status).toBe(400);
      expectMatchesDocument(bad);
      expect(bad.body.error.message).toMatch(/^period: must match pattern/);
    });
  });

  describe('credentials', () => {
    const header =
      'source,id,entityRef,title,priority,createdAt,acknowledgedAt,resolvedAt,pauses';
    itEnforcesAuth(
      [
        {
          method: 'post',
          path: '/incidents',
          body: { incidents: [WORKED_EXAMPLE] },
        },
        {
          method: 'post',
          path: '/incidents/import',
          contentType: 'text/csv',
          body: `${header}\n`,
        },
        {
          method: 'get',
          path: '/entities/component/default/cad-core/compliance',
        },
        {
          method: 'post',
          path: '/entities/component/default/cad-core/preview',
          body: { annotations: { 'servicelevel.io/availability': '99%' } },
        },
        { method: 'get', path: '/overview' },
        { method: 'get', path: '/overview/suppliers?period=2026-10' },
        {
          method: 'get',
          path: '/sources/servicenow/cross-check?period=2026-09',
        },
        { method: 'get', path: '/catalog' },
        { method: 'get', path: '/catalog?review=due&limit=10' },
        { method: 'get', path: '/customers' },
        {
          method: 'post',
          path: '/snapshots/recompute',
          body: { period: '2026-09' },
        },
      ],
      () => startBackend(AuthorizeResult.DENY),
      user(),
    );
  });
});
