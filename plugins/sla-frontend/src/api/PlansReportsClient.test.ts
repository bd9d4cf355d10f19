import { MockFetchApi, registerMswTestHooks } from '@backstage/test-utils';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { PlansReportsClient } from './PlansReportsClient';

const BASE = 'http://localhost:7007/api/sla';

describe('PlansReportsClient', () => {
  const server = setupServer();
  registerMswTestHooks(server);
  const client = new PlansReportsClient({
    discoveryApi: { getBaseUrl: async () => BASE },
    fetchApi: new MockFetchApi(),
  });

  it('sends filters as query parameters and encodes path parts', async () => {
    const seen: string[] = [];
    server.use(
      http.get(`${BASE}/plans`, ({ request }) => {
        seen.push(new URL(request.url).search);
        return HttpResponse.json({ items: [] });
      }),
      http.patch(`${BASE}/plans/:id`, async ({ request, params }) => {
        seen.push(`${params.id} ${JSON.stringify(await request.json())}`);
        return HttpResponse.json({ id: params.id });
      }),
    );
    await client.listPlans({
      entity: 'component:default/a',
      status: ['proposed', 'done'],
      overdue: true,
    });
    await client.updatePlan('a/b', { status: 'approved' });
    expect(seen).toEqual([
      '?entity=component%3Adefault%2Fa&status=proposed%2Cdone&overdue=true',
      'a/b {"status":"approved"}',
    ]);
  });

  it('returns a report document with the server’s file name', async () => {
    const seen: string[] = [];
    server.use(
      http.get(
        `${BASE}/customers/:kind/:namespace/:name/reports`,
        ({ request }) => {
          seen.push(request.url);
          return HttpResponse.json({ items: [] });
        },
      ),
      http.get(
        `${BASE}/entities/:kind/:namespace/:name/report`,
        ({ request }) => {
          seen.push(request.url);
          return new HttpResponse('# Report\n', {
            headers: {
              'Content-Type': 'text/markdown; charset=utf-8',
              'Content-Disposition':
                'attachment; filename="sla-report-x-2026-09.md"',
            },
          });
        },
      ),
    );
    expect(
      await client.getReport(
        'entity',
        { kind: 'component', namespace: 'default', name: 'cad-core' },
        '2026-09',
        'md',
      ),
    ).toEqual({
      fileName: 'sla-report-x-2026-09.md',
      contentType: 'text/markdown; charset=utf-8',
      text: '# Report\n',
    });
    await client.listReports('customer', {
      kind: 'group',
      namespace: 'default',
      name: 'dispatch center',
    });
    expect(seen).toEqual([
      `${BASE}/entities/component/default/cad-core/report?period=2026-09&format=md`,
      `${BASE}/customers/group/default/dispatch%20center/reports`,
    ]);
  });

  it('throws the backend’s error, and resolves a 204 delete', async () => {
    server.use(
      http.post(`${BASE}/plans`, () =>
        HttpResponse.json(
          {
            error: {
              name: 'InputError',
              message: 'targetDate: required (YYYY-MM-DD)',
            },
            response: { statusCode: 400 },
          },
          { status: 400 },
        ),
      ),
      http.delete(
        `${BASE}/plans/p1`,
        () => new HttpResponse(null, { status: 204 }),
      ),
    );
    await expect(
      client.createPlan({
        entityRef: 'component:default/a',
        title: 't',
        origin: { type: 'other' },
        owner: 'group:default/x',
        targetDate: '',
      }),
    ).rejects.toMatchObject({
      name: 'ResponseError',
      body: { error: { message: 'targetDate: required (YYYY-MM-DD)' } },
    });
    await expect(client.deletePlan('p1')).resolves.toBeUndefined();
  });
});
