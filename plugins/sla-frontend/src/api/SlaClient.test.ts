import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { SlaClient } from './SlaClient';

const base = 'http://localhost:7007/api/sla';
const server = setupServer();

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const client = new SlaClient({
  discoveryApi: { getBaseUrl: async () => base },
  fetchApi: { fetch: (input, init) => fetch(input, init) },
});
const cad = { kind: 'Component', namespace: 'default', name: 'cad core/1' };

describe('SlaClient', () => {
  it('asks for one period of an entity, encoding each path part', async () => {
    let seen: URL | undefined;
    server.use(
      http.get(
        `${base}/entities/:kind/:ns/:name/compliance`,
        ({ request, params }) => {
          seen = new URL(request.url);
          return HttpResponse.json({
            entityRef: params.name,
            period: { key: '2026-Q1' },
          });
        },
      ),
    );
    const r = await client.getEntityCompliance(cad, { period: '2026-Q1' });
    expect(seen?.pathname).toBe(
      '/api/sla/entities/Component/default/cad%20core%2F1/compliance',
    );
    expect(seen?.searchParams.get('period')).toBe('2026-Q1');
    expect(r.period.key).toBe('2026-Q1');
  });

  it('sends from/to for a custom range and nothing for the current period', async () => {
    const queries: string[] = [];
    server.use(
      http.get(`${base}/entities/:kind/:ns/:name/compliance`, ({ request }) => {
        queries.push(new URL(request.url).search);
        return HttpResponse.json({});
      }),
    );
    await client.getEntityCompliance(cad, {
      from: '2026-01-01',
      to: '2026-02-15',
    });
    await client.getEntityCompliance(cad);
    expect(queries).toEqual(['?from=2026-01-01&to=2026-02-15', '']);
  });

  it('reads history, terms, overview, catalog and sources from their routes', async () => {
    const hits: string[] = [];
    const ok =
      (body: object) =>
      ({ request }: { request: Request }) => {
        const u = new URL(request.url);
        hits.push(`${u.pathname}${u.search}`);
        return HttpResponse.json(body);
      };
    server.use(
      http.get(`${base}/entities/:kind/:ns/:name/history`, ok({ periods: [] })),
      http.get(`${base}/entities/:kind/:ns/:name/terms`, ok({ versions: [] })),
      http.get(`${base}/overview`, ok({ groups: [] })),
      http.get(`${base}/catalog`, ok({ items: [{ entityRef: 'x' }] })),
      http.get(`${base}/sources`, ok({ sources: [] })),
    );
    const c = { kind: 'Component', namespace: 'default', name: 'cad-core' };
    await client.getEntityHistory(c, { periods: 6 });
    await client.getEntityTerms(c);
    await client.getOverview({ period: '2026', groupBy: 'system' });
    const catalog = await client.getCatalog();
    await client.getSources();
    expect(hits).toEqual([
      '/api/sla/entities/Component/default/cad-core/history?periods=6',
      '/api/sla/entities/Component/default/cad-core/terms',
      '/api/sla/overview?period=2026&groupBy=system',
      '/api/sla/catalog',
      '/api/sla/sources',
    ]);
    expect(catalog.items[0].entityRef).toBe('x');
  });

  it('turns a Backstage error response into a ResponseError with its message', async () => {
    server.use(
      http.get(`${base}/overview`, () =>
        HttpResponse.json(
          {
            error: {
              name: 'InputError',
              message:
                'groupBy: "team" — expected one of owner, system, domain',
            },
            request: { method: 'GET', url: '/overview' },
            response: { statusCode: 400 },
          },
          { status: 400 },
        ),
      ),
    );
    await expect(
      client.getOverview({ groupBy: 'owner' }),
    ).rejects.toMatchObject({
      name: 'ResponseError',
      statusCode: 400,
      body: {
        error: {
          name: 'InputError',
          message: expect.stringContaining(
            'expected one of owner, system, domain',
          ),
        },
      },
    });
  });
});
