import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import {
  Incident,
  parseSlaAnnotations,
  readSlaConfig,
  serializeTerms,
} from '@servicelevel/plugin-sla-common';
import express from 'express';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  brotliCompressSync,
  brotliDecompressSync,
  gunzipSync,
  gzipSync,
} from 'node:zlib';
import { TermsStore } from '../database';
import {
  componentEntity,
  createStores,
  TestStores,
  useTestStores,
} from '../__testUtils__/stores';
import {
  buildCatalog,
  CatalogBody,
  catalogCustomers,
  encodeCatalog,
  MaintainedCatalog,
} from './catalogListing';
import { ComplianceService, encodeBody } from './ComplianceService';
import { sendEncoded } from './router';

/**
 * Issue 14 item 5: GET /catalog is served from a body maintained across requests, rebuilt
 * when what it shows changes (entities, terms, the 15-minute bucket) and never by incident
 * writes; other replicas' writes show after the check interval.
 */

const { config: slaConfig } = readSlaConfig({});
/** reviewBy in India: overdue from midnight IST, 18:30 UTC the day before. */
const ANNOTATIONS = {
  'servicelevel.io/availability': '99.9%',
  'servicelevel.io/response-time': 'P1=15m P2=30m P3=4h P4=1d',
  'servicelevel.io/timezone': 'Asia/Kolkata',
  'servicelevel.io/review-by': '2026-11-10',
};
const A = 'component:default/catalog-a';
const B = 'component:default/catalog-b';
const C = 'component:default/catalog-c';
const FROM = Date.UTC(2026, 0, 1);
const NOW = Date.UTC(2026, 10, 10, 12);
/** 2026-11-11T00:00 in Asia/Kolkata: the review falls overdue, on a 15-minute boundary. */
const OVERDUE_AT = Date.UTC(2026, 10, 10, 18, 30);
const CHECK_MS = 10_000;

const incident = (entityRef: string, id: string): Incident => ({
  source: 'catalog-test',
  id,
  entityRef,
  title: id,
  priority: 'P1',
  createdAt: NOW - 3_600_000,
  pauses: [],
});

async function recordTerms(
  terms: TermsStore,
  entityRef: string,
  annotations: Record<string, string>,
  seenAt: number,
) {
  const { terms: parsed, problems } = parseSlaAnnotations(
    annotations,
    slaConfig,
  );
  await terms.recordTerms({
    entityRef,
    terms: parsed!,
    problems,
    fingerprint: serializeTerms(parsed!),
    seenAt,
  });
}

type Listing = Awaited<ReturnType<typeof buildCatalog>>;
const parse = (body: CatalogBody): Listing =>
  JSON.parse(body.json.toString('utf8'));
const itemOf = (body: CatalogBody, ref: string) =>
  parse(body).items.find(i => i.entityRef === ref);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

describe.each(databases.eachSupportedId())(
  'the maintained catalog, %p',
  databaseId => {
    const db = useTestStores(databases, databaseId);

    beforeAll(async () => {
      await db.stores.entities.syncEntities(
        [A, B].map(ref => componentEntity(ref, ANNOTATIONS, FROM)),
        FROM,
      );
      for (const ref of [A, B]) {
        await recordTerms(db.stores.terms, ref, ANNOTATIONS, FROM);
      }
    }, 60_000);

    /** One replica: its own stores on the shared database, its compliance service, its catalog. */
    const replica = (stores: TestStores) => {
      let builds = 0;
      let encodes = 0;
      const compliance = new ComplianceService({ ...stores, slaConfig });
      const catalog = new MaintainedCatalog({
        entities: stores.entities,
        terms: stores.terms,
        compliance,
        checkIntervalMs: CHECK_MS,
        onBuild: () => builds++,
        onEncode: () => encodes++,
      });
      return {
        catalog,
        compliance,
        builds: () => builds,
        encodes: () => encodes,
        /** What a build from scratch shows at `now`. */
        fresh: async (now: number) =>
          JSON.parse(
            JSON.stringify(
              await buildCatalog(stores.entities, compliance, now),
            ),
          ),
      };
    };

    it('is built once, kept through incident writes, rebuilt by entity and terms writes', async () => {
      const r = replica(db.stores);
      const first = await r.catalog.body(NOW);
      expect(parse(first)).toEqual(await r.fresh(NOW));
      expect(parse(first).items.map(i => i.entityRef)).toEqual([A, B]);
      // Concurrent first requests share one build; later ones are served the same body.
      const again = await Promise.all([
        r.catalog.body(NOW + 1),
        r.catalog.body(NOW + 2),
      ]);
      expect(again).toEqual([first, first]);
      expect(r.builds()).toBe(1);

      // Incident writes: the catalog shows none of their data and is not rebuilt.
      await db.stores.incidents.upsertIncidents(
        [incident(A, 'i1'), incident(B, 'i2')],
        { now: NOW + 3 },
      );
      expect(await r.catalog.body(NOW + 4)).toBe(first);
      expect(r.builds()).toBe(1);

      // An entity write in this process shows on the next read.
      await db.stores.entities.upsertEntity(
        componentEntity(A, ANNOTATIONS, NOW + 5, { title: 'Renamed A' }),
      );
      const renamed = await r.catalog.body(NOW + 6);
      expect(itemOf(renamed, A)?.title).toBe('Renamed A');
      expect(renamed.etag).not.toBe(first.etag);
      expect(r.builds()).toBe(2);

      // So does a terms write (a new version).
      await recordTerms(
        db.stores.terms,
        B,
        { ...ANNOTATIONS, 'servicelevel.io/availability': '99.5%' },
        NOW + 7,
      );
      const newTerms = await r.catalog.body(NOW + 8);
      expect(itemOf(newTerms, B)).toMatchObject({
        termsVersion: 2,
        commitments: { 'servicelevel.io/availability': '99.5%' },
      });
      expect(parse(newTerms)).toEqual(await r.fresh(NOW + 8));
      expect(r.builds()).toBe(3);

      // The compressed copies hold the same JSON.
      expect(gunzipSync(newTerms.gzip)).toEqual(newTerms.json);
      expect(brotliDecompressSync(newTerms.br)).toEqual(newTerms.json);
    });

    it("shows another replica's writes after the check interval, served the previous body meanwhile", async () => {
      const here = replica(db.stores);
      // A second replica: other store instances (other write counts) on the same database.
      const other = await createStores(db.knex);
      const t0 = NOW + 60_000;
      const first = await here.catalog.body(t0);
      expect(itemOf(first, C)).toBeUndefined();

      await other.entities.upsertEntity(componentEntity(C, ANNOTATIONS, t0));
      await recordTerms(other.terms, C, ANNOTATIONS, t0);

      // Within the interval the database is not asked again.
      expect(await here.catalog.body(t0 + CHECK_MS - 1)).toBe(first);
      await here.catalog.settled();
      expect(await here.catalog.body(t0 + CHECK_MS - 1)).toBe(first);
      expect(here.builds()).toBe(1);

      // Past it, the check finds the change: the previous body is served while it is rebuilt.
      expect(await here.catalog.body(t0 + CHECK_MS)).toBe(first);
      await here.catalog.settled();
      const rebuilt = await here.catalog.body(t0 + CHECK_MS + 1);
      expect(itemOf(rebuilt, C)).toMatchObject({ termsVersion: 1 });
      expect(parse(rebuilt)).toEqual(await here.fresh(t0 + CHECK_MS + 1));
      expect(here.builds()).toBe(2);

      // A problems-only change by the other replica (same terms, new problems) shows too.
      await other.terms.recordTerms({
        ...(await other.terms.listVersions(C)).slice(-1)[0],
        problems: [
          {
            key: 'servicelevel.io/response-time',
            value: 'P1=15 minutes',
            expected: 'P1=<duration> …',
            message: 'servicelevel.io/response-time: "P1=15 minutes"',
          },
        ],
      });
      const t1 = t0 + 3 * CHECK_MS;
      expect(await here.catalog.body(t1)).toBe(rebuilt);
      await here.catalog.settled();
      expect(itemOf(await here.catalog.body(t1), C)?.problems).toHaveLength(1);
      expect(here.builds()).toBe(3);

      // Nothing changed since: later checks rebuild nothing.
      await here.catalog.body(t1 + 2 * CHECK_MS);
      await here.catalog.settled();
      await here.catalog.body(t1 + 2 * CHECK_MS + 1);
      expect(here.builds()).toBe(3);
    });

    it('turns reviewOverdue at the 15-minute bucket boundary (midnight in the zone)', async () => {
      const r = replica(db.stores);
      const before = await r.catalog.body(OVERDUE_AT - 1);
      expect(itemOf(before, A)?.reviewOverdue).toBe(false);
      // The new bucket's first request is served the previous body while it is rebuilt.
      expect(await r.catalog.body(OVERDUE_AT)).toBe(before);
      await r.catalog.settled();
      const after = await r.catalog.body(OVERDUE_AT + 1);
      expect(itemOf(after, A)?.reviewOverdue).toBe(true);
      expect(parse(after)).toEqual(await r.fresh(OVERDUE_AT + 1));
      expect(r.builds()).toBe(2);
    });

    it('cuts pages from the same body: by group, text and review due, ordered by ref', async () => {
      // Two more services of another team: one reviewed next year, one never.
      const t0 = NOW + 86_400_000;
      const D = 'component:default/catalog-d';
      const E = 'component:default/catalog-e';
      const { 'servicelevel.io/review-by': _, ...noReview } = ANNOTATIONS;
      for (const [ref, annotations] of [
        [D, { ...ANNOTATIONS, 'servicelevel.io/review-by': '2027-06-30' }],
        [E, noReview],
      ] as const) {
        await db.stores.entities.upsertEntity(
          componentEntity(ref, annotations, t0, {
            ownerRef: 'group:default/dispatch',
          }),
        );
        await recordTerms(db.stores.terms, ref, annotations, t0);
      }
      const r = replica(db.stores);
      const whole = parse(await r.catalog.body(t0));
      const listed = async (query: Parameters<typeof r.catalog.page>[1]) =>
        JSON.parse((await r.catalog.page(t0, query)).json.toString('utf8'));

      const all = await listed({ offset: 0 });
      expect(all.items).toEqual(whole.items);
      expect(all.page).toEqual({ offset: 0, total: whole.items.length });

      // The dispatch team's services, one at a time, by ref.
      const first = await listed({
        group: 'group:default/dispatch',
        limit: 1,
        offset: 0,
      });
      expect(
        first.items.map((i: { entityRef: string }) => i.entityRef),
      ).toEqual([D]);
      expect(first.page).toEqual({ offset: 0, limit: 1, total: 2 });
      const second = await listed({
        group: 'group:default/dispatch',
        limit: 1,
        offset: 1,
      });
      expect(second.items[0]).toEqual(whole.items.find(i => i.entityRef === E));
      // The services without an owner are the group `(none)`.
      expect(
        (await listed({ group: '(none)', offset: 0 })).items.map(
          (i: { entityRef: string }) => i.entityRef,
        ),
      ).toEqual([A, B, C]);

      // Reviews due: A, B and C were due on 2026-11-10 (overdue now); D is next year's, E has none.
      const due = await listed({ review: 'due', offset: 0 });
      expect(due.items.map((i: { entityRef: string }) => i.entityRef)).toEqual([
        A,
        B,
        C,
      ]);
      // Text, in any case, with the overview's rule; by system nothing is grouped here.
      expect(
        (await listed({ q: 'CATALOG-D', offset: 0 })).items.map(
          (i: { entityRef: string }) => i.entityRef,
        ),
      ).toEqual([D]);
      expect(
        (await listed({ groupBy: 'system', group: '(none)', offset: 0 })).page
          .total,
      ).toBe(5);
      expect(all.calendarWarnings).toEqual(whole.calendarWarnings);

      // The same page object while the body stays; a write makes new pages.
      const page = await r.catalog.page(t0, { review: 'due', offset: 0 });
      expect(await r.catalog.page(t0 + 1, { review: 'due', offset: 0 })).toBe(
        page,
      );
      await db.stores.entities.upsertEntity(
        componentEntity(A, ANNOTATIONS, t0 + 2, { title: 'Renamed again' }),
      );
      const after = await r.catalog.page(t0 + 3, { review: 'due', offset: 0 });
      expect(JSON.parse(after.json.toString('utf8')).items[0].title).toBe(
        'Renamed again',
      );
      expect(after.etag).not.toBe(page.etag);
    });

    it('encodes the whole body only when it is read, once per content', async () => {
      const r = replica(db.stores);
      const t0 = NOW + 2 * 86_400_000;
      await r.catalog.page(t0, { offset: 0, limit: 2 });
      await r.catalog.page(t0, { review: 'due', offset: 0 });
      await r.catalog.customers(t0);
      expect(r.builds()).toBe(1);
      expect(r.encodes()).toBe(0);

      const body = await r.catalog.body(t0);
      expect(parse(body)).toEqual(await r.fresh(t0));
      expect(await r.catalog.body(t0 + 1)).toBe(body);
      expect(r.encodes()).toBe(1);

      // A new bucket rebuilds it; the same content keeps the same body (its ETag and copies).
      const nextBucket = t0 + 900_000;
      await r.catalog.body(nextBucket);
      await r.catalog.settled();
      expect(await r.catalog.body(nextBucket + 1)).toBe(body);
      expect(r.builds()).toBe(2);
      expect(r.encodes()).toBe(2);
    });
  },
);

describe('encodeCatalog', () => {
  const item = (n: number) => ({
    entityRef: `component:default/svc-${n}`,
    title: n % 3 === 0 ? `调度系统 ${n} "quoted" \\ \u2028` : undefined,
    objectives: [{ key: 'availability', target: 99.9 }],
  });

  it.each([
    ['no items', []],
    ['one item', [item(0)]],
    [
      '5,000 items, some with CJK, quotes and undefined fields',
      Array.from({ length: 5_000 }, (_, n) => item(n)),
    ],
  ])(
    "gives encodeBody's JSON and ETag byte for byte: %s",
    async (_name, items) => {
      const value = {
        items,
        calendarWarnings: [{ calendar: 'cn-grid', message: '缺少 2027 年' }],
        dependencyWarnings: [],
      } as unknown as Parameters<typeof encodeCatalog>[0];
      expect(await encodeCatalog(value)).toEqual(encodeBody(value));
    },
  );
});

describe('catalogCustomers', () => {
  it('counts the services naming each customer, by ref, and leaves out those naming none', () => {
    expect(
      catalogCustomers([
        { customer: 'group:default/state-grid' },
        {},
        { customer: 'group:default/city' },
        { customer: 'group:default/state-grid' },
      ]),
    ).toEqual({
      customers: [
        { customer: 'group:default/city', services: 1 },
        { customer: 'group:default/state-grid', services: 2 },
      ],
    });
    expect(catalogCustomers([])).toEqual({ customers: [] });
  });
});

/**
 * The HTTP side: the ETag and 304, and the stored compressed copies behind Backstage's own
 * compression middleware (the root HTTP router installs it in front of every plugin), which
 * must leave them as they are rather than compress them again.
 */
describe('sendEncoded', () => {
  const body: CatalogBody = (() => {
    const json = Buffer.from(
      JSON.stringify({ items: [{ entityRef: A, title: 'x'.repeat(5_000) }] }),
    );
    return {
      json,
      etag: '"catalog-etag"',
      gzip: gzipSync(json),
      br: brotliCompressSync(json),
    };
  })();
  let server: http.Server;
  let port: number;

  beforeAll(async () => {
    const app = express();
    app.use(
      MiddlewareFactory.create({
        config: mockServices.rootConfig(),
        logger: mockServices.logger.mock(),
      }).compression(),
    );
    app.get('/catalog', (req, res) => sendEncoded(req, res, body));
    server = app.listen(0);
    await new Promise(resolve => server.once('listening', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise(resolve => server.close(resolve)));

  /** The raw response, undecoded. */
  const get = (headers: Record<string, string>) =>
    new Promise<{
      status: number;
      headers: http.IncomingHttpHeaders;
      raw: Buffer;
    }>((resolve, reject) => {
      http
        .get({ port, path: '/catalog', headers }, res => {
          const chunks: Buffer[] = [];
          res.on('data', c => chunks.push(c));
          res.on('end', () =>
            resolve({
              status: res.statusCode!,
              headers: res.headers,
              raw: Buffer.concat(chunks),
            }),
          );
        })
        .on('error', reject);
    });

  it('sends the gzip copy once compressed, to a client that accepts only gzip', async () => {
    const res = await get({ 'accept-encoding': 'gzip' });
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(res.headers.vary).toMatch(/Accept-Encoding/i);
    expect(res.headers.etag).toBe('"catalog-etag"');
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(gunzipSync(res.raw).toString('utf8'))).toEqual(
      JSON.parse(body.json.toString('utf8')),
    );
  });

  it('prefers brotli when the client accepts it, whatever its order', async () => {
    const res = await get({ 'accept-encoding': 'gzip, deflate, br, zstd' });
    expect(res.headers['content-encoding']).toBe('br');
    expect(brotliDecompressSync(res.raw)).toEqual(body.json);
  });

  it('sends the JSON as it is to a client that accepts no compression', async () => {
    const res = await get({ 'accept-encoding': 'identity' });
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.raw).toEqual(body.json);
  });

  it('answers 304 without a body when If-None-Match names the ETag', async () => {
    const res = await get({
      'accept-encoding': 'gzip',
      'if-none-match': '"catalog-etag"',
    });
    expect(res.status).toBe(304);
    expect(res.raw).toHaveLength(0);
    expect(res.headers.etag).toBe('"catalog-etag"');
  });
});
