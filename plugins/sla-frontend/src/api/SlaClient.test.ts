import { http, HttpResponse, JsonBodyType } from 'msw';
import { setupServer } from 'msw/node';
import {
  catalog,
  history,
  overview,
  periodResult,
  planView,
  reportSummary,
  sources,
  supplierOverview,
  termsHistory,
  unconfirmed,
} from '../__testUtils__/fixtures';
import { SlaClient } from './SlaClient';
import type {
  Confirmation,
  CustomerReportList,
  PlanWithHistory,
} from './types';

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

/** Handlers that answer a body and record each request as `METHOD /path?query [json body]`. */
function recorder() {
  const hits: string[] = [];
  const reply =
    (body: JsonBodyType) =>
    async ({ request }: { request: Request }) => {
      const u = new URL(request.url);
      const sent = request.body
        ? ` ${JSON.stringify(await request.json())}`
        : '';
      hits.push(`${request.method} ${u.pathname}${u.search}${sent}`);
      return HttpResponse.json(body);
    };
  return { hits, reply };
}

describe('SlaClient', () => {
  it('asks for one period of an entity, encoding each path part', async () => {
    const { hits, reply } = recorder();
    server.use(
      http.get(
        `${base}/entities/:kind/:ns/:name/compliance`,
        reply(periodResult('2026-Q1')),
      ),
    );
    const r = await client.getEntityCompliance(cad, { period: '2026-Q1' });
    expect(hits).toEqual([
      'GET /api/sla/entities/Component/default/cad%20core%2F1/compliance?period=2026-Q1',
    ]);
    expect(r.period.key).toBe('2026-Q1');
  });

  it('sends from/to for a custom range and nothing for the current period', async () => {
    const { hits, reply } = recorder();
    server.use(
      http.get(
        `${base}/entities/:kind/:ns/:name/compliance`,
        reply(periodResult()),
      ),
    );
    await client.getEntityCompliance(cad, {
      from: '2026-01-01',
      to: '2026-02-15',
    });
    await client.getEntityCompliance(cad);
    expect(hits.map(h => h.replace(/^.*compliance/, ''))).toEqual([
      '?from=2026-01-01&to=2026-02-15',
      '',
    ]);
  });

  it("reads a source's cross-check, encoding the source", async () => {
    const { hits, reply } = recorder();
    const view = {
      source: 'jira/x',
      period: '2026-03',
      verdicts: 0,
      compared: 0,
      disagreements: [],
      withoutSla: [],
    };
    server.use(http.get(`${base}/sources/:source/cross-check`, reply(view)));
    expect(await client.getSourceCrossCheck('jira/x', '2026-03')).toEqual(view);
    expect(hits).toEqual([
      'GET /api/sla/sources/jira%2Fx/cross-check?period=2026-03',
    ]);
  });

  it('reads history, terms, overview, catalog and sources from their routes', async () => {
    const { hits, reply } = recorder();
    server.use(
      http.get(`${base}/entities/:kind/:ns/:name/history`, reply(history)),
      http.get(`${base}/entities/:kind/:ns/:name/terms`, reply(termsHistory)),
      http.get(`${base}/overview`, reply(overview)),
      http.get(`${base}/overview/suppliers`, reply(supplierOverview)),
      http.get(`${base}/catalog`, reply(catalog)),
      http.get(`${base}/sources`, reply(sources)),
    );
    const c = { kind: 'Component', namespace: 'default', name: 'cad-core' };
    expect(await client.getEntityHistory(c, { periods: 6 })).toEqual(history);
    expect(await client.getEntityTerms(c)).toEqual(termsHistory);
    expect(
      await client.getOverview({ period: '2026', groupBy: 'system' }),
    ).toEqual(overview);
    expect(await client.getSupplierOverview({ period: '2026-10' })).toEqual(
      supplierOverview,
    );
    expect(await client.getCatalog()).toEqual(catalog);
    expect(await client.getSources()).toEqual(sources);
    expect(hits).toEqual([
      'GET /api/sla/entities/Component/default/cad-core/history?periods=6',
      'GET /api/sla/entities/Component/default/cad-core/terms',
      'GET /api/sla/overview?period=2026&groupBy=system',
      'GET /api/sla/overview/suppliers?period=2026-10',
      'GET /api/sla/catalog',
      'GET /api/sla/sources',
    ]);
  });

  it('sends plan filters as the API’s query parameters', async () => {
    const { hits, reply } = recorder();
    server.use(http.get(`${base}/plans`, reply({ items: [planView()] })));
    const list = await client.listPlans({
      entity: 'component:default/a',
      owner: 'group:default/web-team',
      status: ['proposed', 'done'],
      overdue: true,
    });
    await client.listPlans({ overdue: false });
    await client.listPlans();
    expect(list.items).toEqual([planView()]);
    expect(hits).toEqual([
      'GET /api/sla/plans?entity=component%3Adefault%2Fa&owner=group%3Adefault%2Fweb-team&status=proposed%2Cdone&overdue=true',
      'GET /api/sla/plans?overdue=false',
      'GET /api/sla/plans',
    ]);
  });

  it('reads, creates, updates and deletes a plan, encoding its id', async () => {
    const withHistory: PlanWithHistory = { ...planView(), history: [] };
    const { hits, reply } = recorder();
    server.use(
      http.get(`${base}/plans/:id`, reply(withHistory)),
      http.post(`${base}/plans`, reply(planView())),
      http.patch(`${base}/plans/:id`, reply(planView({ status: 'approved' }))),
      http.delete(`${base}/plans/:id`, ({ request }) => {
        hits.push(`${request.method} ${new URL(request.url).pathname}`);
        return new HttpResponse(null, { status: 204 });
      }),
    );
    expect(await client.getPlan('a/b')).toEqual(withHistory);
    expect(
      await client.createPlan({
        entityRef: 'component:default/cad-core',
        title: 'Faster P1 response',
        origin: { type: 'other' },
        owner: 'group:default/dispatch-platform',
        targetDate: '2026-10-01',
      }),
    ).toEqual(planView());
    expect(
      (await client.updatePlan('a/b', { status: 'approved' })).status,
    ).toBe('approved');
    await expect(client.deletePlan('a/b')).resolves.toBeUndefined();
    expect(hits).toEqual([
      'GET /api/sla/plans/a%2Fb',
      'POST /api/sla/plans {"entityRef":"component:default/cad-core","title":"Faster P1 response","origin":{"type":"other"},"owner":"group:default/dispatch-platform","targetDate":"2026-10-01"}',
      'PATCH /api/sla/plans/a%2Fb {"status":"approved"}',
      'DELETE /api/sla/plans/a%2Fb',
    ]);
  });

  it('posts a terms proposal to preview and reads a calendar as iCalendar', async () => {
    const { hits, reply } = recorder();
    const preview = {
      entityRef: 'component:default/cad core/1',
      problems: [],
      proposedTermsAsWritten: {},
      periods: [],
    };
    server.use(
      http.post(`${base}/entities/:kind/:ns/:name/preview`, reply(preview)),
      http.get(`${base}/calendars/:name`, ({ request }) => {
        hits.push(`GET ${new URL(request.url).pathname}`);
        return new HttpResponse('BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n', {
          headers: { 'content-type': 'text/calendar; charset=utf-8' },
        });
      }),
      http.get(`${base}/entities/:kind/:ns/:name/openslo`, ({ request }) => {
        hits.push(`GET ${new URL(request.url).pathname}`);
        return new HttpResponse('apiVersion: openslo/v1\n', {
          headers: {
            'content-type': 'application/yaml; charset=utf-8',
            'content-disposition':
              'attachment; filename="component-default-cad-core-1.openslo.yaml"',
          },
        });
      }),
    );
    expect(
      await client.previewEntityTerms(cad, {
        annotations: { 'servicelevel.io/availability': '99.9%' },
        periods: 6,
      }),
    ).toEqual(preview);
    expect(await client.getCalendarIcs('cn workdays')).toEqual({
      fileName: 'cn workdays.ics',
      contentType: 'text/calendar; charset=utf-8',
      text: 'BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n',
    });
    expect(await client.getEntityOpenSlo(cad)).toEqual({
      fileName: 'component-default-cad-core-1.openslo.yaml',
      contentType: 'application/yaml; charset=utf-8',
      text: 'apiVersion: openslo/v1\n',
    });
    expect(hits).toEqual([
      'POST /api/sla/entities/Component/default/cad%20core%2F1/preview {"annotations":{"servicelevel.io/availability":"99.9%"},"periods":6}',
      'GET /api/sla/calendars/cn%20workdays.ics',
      'GET /api/sla/entities/Component/default/cad%20core%2F1/openslo',
    ]);
  });

  it('lists the reports of an entity and of a customer', async () => {
    const customerList: CustomerReportList = {
      services: ['component:default/cad-core'],
      items: [{ ...reportSummary, subjectKind: 'customer' }],
    };
    const { hits, reply } = recorder();
    server.use(
      http.get(
        `${base}/entities/:kind/:ns/:name/reports`,
        reply({ items: [reportSummary] }),
      ),
      http.get(
        `${base}/customers/:kind/:ns/:name/reports`,
        reply(customerList),
      ),
    );
    expect(
      await client.listReports('entity', {
        kind: 'component',
        namespace: 'default',
        name: 'cad-core',
      }),
    ).toEqual({ items: [reportSummary] });
    expect(
      await client.listReports('customer', {
        kind: 'group',
        namespace: 'default',
        name: 'dispatch center',
      }),
    ).toEqual(customerList);
    expect(hits).toEqual([
      'GET /api/sla/entities/component/default/cad-core/reports',
      'GET /api/sla/customers/group/default/dispatch%20center/reports',
    ]);
  });

  it('returns a report document with the server’s file name, or a default one', async () => {
    const seen: string[] = [];
    // The entity's report names its file; the customer's leaves the client's default.
    server.use(
      http.get(
        `${base}/:subject/:kind/:ns/:name/report`,
        ({ request, params }) => {
          seen.push(request.url);
          const md = params.subject === 'entities';
          return new HttpResponse(md ? '# Report\n' : 'a,b\r\n', {
            headers: {
              'Content-Type': md ? 'text/markdown; charset=utf-8' : 'text/csv',
              ...(md
                ? {
                    'Content-Disposition':
                      'attachment; filename="sla-report-x-2026-09.md"',
                  }
                : {}),
            },
          });
        },
      ),
    );
    const documents = await Promise.all([
      client.getReport(
        'entity',
        { kind: 'component', namespace: 'default', name: 'cad-core' },
        '2026-09',
        'md',
      ),
      client.getReport(
        'customer',
        { kind: 'group', namespace: 'default', name: 'dispatch-center' },
        '2026-Q3',
        'csv',
        { internal: true },
      ),
    ]);
    expect(documents).toEqual([
      {
        fileName: 'sla-report-x-2026-09.md',
        contentType: 'text/markdown; charset=utf-8',
        text: '# Report\n',
      },
      {
        fileName: 'sla-report-dispatch-center-2026-Q3.csv',
        contentType: 'text/csv',
        text: 'a,b\r\n',
      },
    ]);
    expect(seen).toEqual([
      `${base}/entities/component/default/cad-core/report?period=2026-09&format=md`,
      `${base}/customers/group/default/dispatch-center/report?period=2026-Q3&format=csv&internal=true`,
    ]);
  });

  it('reads the confirmation state and confirms the latest terms, with or without a comment', async () => {
    const ref = { kind: 'component', namespace: 'default', name: 'cad-core' };
    const confirmation: Confirmation = {
      id: 1,
      entityRef: 'component:default/cad-core',
      termsVersion: 1,
      by: 'user:default/olivia',
      role: 'owner',
      at: 1,
    };
    const { hits, reply } = recorder();
    const path = `${base}/entities/:kind/:ns/:name/confirmation`;
    server.use(
      http.get(path, reply(unconfirmed(ref))),
      http.post(path, reply(confirmation)),
    );
    expect(await client.getConfirmation(ref)).toEqual(unconfirmed(ref));
    expect(await client.confirmAgreement(ref, 1)).toEqual(confirmation);
    await client.confirmAgreement(ref, 1, 'agreed in the review');
    expect(hits).toEqual([
      'GET /api/sla/entities/component/default/cad-core/confirmation',
      'POST /api/sla/entities/component/default/cad-core/confirmation {"termsVersion":1}',
      'POST /api/sla/entities/component/default/cad-core/confirmation {"termsVersion":1,"comment":"agreed in the review"}',
    ]);
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

  it('throws the backend’s error from every method', async () => {
    const error = (status: number, message: string) => () =>
      HttpResponse.json(
        {
          error: { name: 'InputError', message },
          response: { statusCode: status },
        },
        { status },
      );
    server.use(
      http.all(`${base}/entities/*`, error(404, 'no SLA')),
      http.all(`${base}/customers/*`, error(403, 'denied')),
      http.all(`${base}/catalog`, error(403, 'denied')),
      http.all(`${base}/sources`, error(403, 'denied')),
      http.all(`${base}/plans`, error(400, 'targetDate: required')),
      http.all(`${base}/plans/*`, error(404, 'no such plan')),
    );
    const ref = { kind: 'component', namespace: 'default', name: 'cad-core' };
    const calls: Array<[() => Promise<unknown>, number, string]> = [
      [() => client.getEntityCompliance(ref), 404, 'no SLA'],
      [() => client.getEntityHistory(ref), 404, 'no SLA'],
      [() => client.getEntityTerms(ref), 404, 'no SLA'],
      [() => client.getCatalog(), 403, 'denied'],
      [() => client.getSources(), 403, 'denied'],
      [() => client.listPlans(), 400, 'targetDate: required'],
      [
        () =>
          client.createPlan({
            entityRef: 'component:default/a',
            title: 't',
            origin: { type: 'other' },
            owner: 'group:default/x',
            targetDate: '',
          }),
        400,
        'targetDate: required',
      ],
      [() => client.getPlan('p1'), 404, 'no such plan'],
      [() => client.updatePlan('p1', { title: 'x' }), 404, 'no such plan'],
      [() => client.deletePlan('p1'), 404, 'no such plan'],
      [() => client.listReports('entity', ref), 404, 'no SLA'],
      [() => client.listReports('customer', ref), 403, 'denied'],
      [() => client.getReport('entity', ref, '2026-09', 'html'), 404, 'no SLA'],
      [() => client.getConfirmation(ref), 404, 'no SLA'],
      [() => client.confirmAgreement(ref, 2), 404, 'no SLA'],
    ];
    for (const [call, statusCode, message] of calls) {
      await expect(call()).rejects.toMatchObject({
        name: 'ResponseError',
        statusCode,
        body: { error: { message } },
      });
    }
  });
});
