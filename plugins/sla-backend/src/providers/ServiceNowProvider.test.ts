import { http, HttpResponse } from 'msw';
import incidentsFixture from './__fixtures__/servicenow-incidents.json';
import headersFixture from './__fixtures__/servicenow-incidents.headers.json';
import taskSlaFixture from './__fixtures__/servicenow-task-sla.json';
import { parseServiceNowTime, ServiceNowProvider } from './ServiceNowProvider';
import { collect, syncContext, useVendorHarness } from './__testUtils__';

const SN = 'https://instance.servicenow.com';
const CI = 'a9c0c8d2c6112276018f7705562f9cb0';
const ENTITY = {
  entityRef: 'component:default/sfa',
  annotations: { 'servicenow.com/entity-id': CI },
};
const FIXTURE_ROW = incidentsFixture.result[0];

const { server, provider, expectRetriedSync } = useVendorHarness(
  ServiceNowProvider,
  'servicenow',
  {
    baseUrl: SN,
    username: 'u',
    password: 'p',
  },
);

function row(overrides: Record<string, string>) {
  return { ...structuredClone(FIXTURE_ROW), ...overrides };
}

function taskSla(handler?: () => Response) {
  server.use(
    http.get(`${SN}/api/now/table/task_sla`, ({ request }) => {
      const query = new URL(request.url).searchParams.get('sysparm_query')!;
      if (handler) return handler();
      return HttpResponse.json(
        query.startsWith(`task=${FIXTURE_ROW.sys_id}^`)
          ? taskSlaFixture
          : { result: [] },
      );
    }),
  );
}

describe('ServiceNowProvider', () => {
  it('follows Link rel="next" past short pages and maps the Table API record', async () => {
    const queries: Array<string | null> = [];
    const authorizations: Array<string | null> = [];
    server.use(
      http.get(`${SN}/api/now/table/incident`, ({ request }) => {
        const url = new URL(request.url);
        queries.push(url.searchParams.get('sysparm_query'));
        authorizations.push(request.headers.get('authorization'));
        const offset = url.searchParams.get('sysparm_offset');
        if (offset === null) {
          return HttpResponse.json(incidentsFixture, {
            headers: { Link: headersFixture.Link, 'X-Total-Count': '3' },
          });
        }
        if (offset === '1000') {
          return HttpResponse.json(
            { result: [row({ sys_id: 'b2', number: 'INC0000047' })] },
            {
              headers: {
                Link: `<${SN}/api/now/table/incident?sysparm_offset=2000&sysparm_limit=1000>;rel="next"`,
              },
            },
          );
        }
        return HttpResponse.json({
          result: [
            // only required fields
            { sys_id: 'c3', opened_at: '2015-11-03 01:02:03', priority: '5' },
          ],
        });
      }),
    );
    taskSla();

    const pages = await collect(
      provider(),
      syncContext([ENTITY], { since: Date.UTC(2015, 10, 1, 12) }),
    );

    expect(queries[0]).toBe(
      `business_service=${CI}^ORcmdb_ci=${CI}^sys_updated_on>=javascript:gs.dateGenerate('2015-11-01','12:00:00')^ORDERBYsys_updated_on`,
    );
    expect(queries).toHaveLength(3);
    expect(authorizations[0]).toBe(
      `Basic ${Buffer.from('u:p').toString('base64')}`,
    );
    expect(pages.flatMap(p => p.incidents)).toEqual([
      {
        source: 'servicenow',
        id: 'a9e30c7dc61122760116894de7bcc7bd',
        entityRef: 'component:default/sfa',
        title: "INC0000046: Can't access SFA software",
        priority: 'P3',
        createdAt: Date.UTC(2015, 10, 2, 22, 4, 15),
        // end_time of the completed response SLA in task_sla
        acknowledgedAt: Date.UTC(2015, 10, 2, 22, 41, 3),
        pauses: [],
      },
      {
        source: 'servicenow',
        id: 'b2',
        entityRef: 'component:default/sfa',
        title: "INC0000047: Can't access SFA software",
        priority: 'P3',
        createdAt: Date.UTC(2015, 10, 2, 22, 4, 15),
        pauses: [],
      },
      {
        source: 'servicenow',
        id: 'c3',
        entityRef: 'component:default/sfa',
        title: 'c3',
        priority: 'P4',
        createdAt: Date.UTC(2015, 10, 3, 1, 2, 3),
        pauses: [],
      },
    ]);
  });

  it("keeps task_sla's own verdict on the response beside the response time", async () => {
    const handMade = {
      ...structuredClone(taskSlaFixture.result[0]),
      has_breached: 'true',
      end_time: '2015-11-03 10:00:00',
      business_duration: '1970-01-01 01:00:01',
      business_percentage: '100',
      business_pause_duration: '1970-01-01 00:20:00',
      schedule: '08fcd0830a0a0b2600079f56b1adb9ae',
      'sla.name': 'Priority 1 response (1 hour)',
      'sla.duration': '1970-01-01 01:00:00',
    };
    server.use(
      http.get(`${SN}/api/now/table/incident`, () =>
        HttpResponse.json({
          result: [FIXTURE_ROW, row({ sys_id: 'b2', number: 'INC0000047' })],
        }),
      ),
      http.get(`${SN}/api/now/table/task_sla`, ({ request }) => {
        const url = new URL(request.url);
        expect(url.searchParams.get('sysparm_fields')).toContain(
          'has_breached,business_duration,business_percentage',
        );
        const query = url.searchParams.get('sysparm_query')!;
        return HttpResponse.json(
          query.startsWith(`task=${FIXTURE_ROW.sys_id}^`)
            ? taskSlaFixture
            : { result: [handMade] },
        );
      }),
    );

    const [page] = await collect(provider(), syncContext([ENTITY]));

    expect(page.vendorVerdicts).toEqual([
      {
        source: 'servicenow',
        incidentId: FIXTURE_ROW.sys_id,
        clock: 'response',
        // No readable sla.name: the definition's sys_id.
        slaName: '3d1e6a5a0a0a0b2a00e0f0f0f0f0f0a1',
        breached: false,
        elapsedMs: (36 * 60 + 48) * 1000,
        percentage: 61.33,
      },
      {
        source: 'servicenow',
        incidentId: 'b2',
        clock: 'response',
        slaName: 'Priority 1 response (1 hour)',
        breached: true,
        elapsedMs: 3_601_000,
        goalMs: 3_600_000,
        percentage: 100,
        schedule: '08fcd0830a0a0b2600079f56b1adb9ae',
        pausedMs: 20 * 60_000,
      },
    ]);
  });

  it('parses UTC yyyy-MM-dd HH:mm:ss and rejects other forms', () => {
    expect(parseServiceNowTime('2015-11-02 22:04:15')).toBe(
      Date.UTC(2015, 10, 2, 22, 4, 15),
    );
    expect(parseServiceNowTime('2015-11-02T22:04:15Z')).toBeUndefined();
    expect(parseServiceNowTime('')).toBeUndefined();
  });

  it('maps priorities 1–5 to P1–P4, with the priority-map first', async () => {
    server.use(
      http.get(`${SN}/api/now/table/incident`, () =>
        HttpResponse.json({
          result: ['1', '2', '3', '4', '5'].map(p =>
            row({
              sys_id: `s${p}`,
              priority: p,
              resolved_at: '2015-11-03 00:00:00',
            }),
          ),
        }),
      ),
    );
    const entity = { ...ENTITY, priorityMap: { '4': 'P3' } as const };

    const [page] = await collect(
      provider({ responseSla: false }),
      syncContext([entity]),
    );

    expect(page.incidents.map(i => i.priority)).toEqual([
      'P1',
      'P2',
      'P3',
      'P3',
      'P4',
    ]);
    expect(page.incidents[0].resolvedAt).toBe(Date.UTC(2015, 10, 3));
  });

  it('skips a malformed record and keeps its page', async () => {
    server.use(
      http.get(`${SN}/api/now/table/incident`, () =>
        HttpResponse.json({
          result: [
            row({ number: 'INC9', opened_at: '02/11/2015 22:04' }),
            row({}),
          ],
        }),
      ),
    );

    const [page] = await collect(
      provider({ responseSla: false }),
      syncContext([ENTITY]),
    );

    expect(page.incidents.map(i => i.id)).toEqual([FIXTURE_ROW.sys_id]);
    expect(page.skipped).toBe(1);
    expect(page.skipReason).toMatch(/INC9: opened_at is "02\/11\/2015 22:04"/);
  });

  it('leaves response times empty when task_sla is not readable', async () => {
    let slaCalls = 0;
    server.use(
      http.get(`${SN}/api/now/table/incident`, () =>
        HttpResponse.json({ result: [row({}), row({ sys_id: 'x' })] }),
      ),
    );
    taskSla(() => {
      slaCalls++;
      return new HttpResponse('ACL', { status: 403 });
    });

    const [page] = await collect(provider(), syncContext([ENTITY]));

    expect(page.incidents.map(i => i.acknowledgedAt)).toEqual([
      undefined,
      undefined,
    ]);
    expect(slaCalls).toBe(1);
  });

  it('retries 429 (X-RateLimit-Reset), 500 and a timeout', async () => {
    const [page] = await expectRetriedSync({
      url: `${SN}/api/now/table/incident`,
      rateLimited: { body: 'Too many', headers: { 'X-RateLimit-Reset': '2' } },
      success: () => HttpResponse.json(incidentsFixture),
      retryAccount: {
        baseUrl: SN,
        username: 'u',
        password: 'p',
        responseSla: false,
      },
      ctx: syncContext([ENTITY]),
    });

    expect(page.incidents).toHaveLength(1);
  });

  it('fails on a malformed JSON body', async () => {
    server.use(
      http.get(
        `${SN}/api/now/table/incident`,
        () =>
          new HttpResponse('<html>Instance hibernating</html>', {
            status: 200,
          }),
      ),
    );

    await expect(collect(provider(), syncContext([ENTITY]))).rejects.toThrow(
      /Malformed JSON from https:\/\/instance\.service-?now\.com\/api\/now\/table\/incident/,
    );
  });

  it('refuses a next link to another host, so credentials stay on the instance', async () => {
    server.use(
      http.get(`${SN}/api/now/table/incident`, () =>
        HttpResponse.json(
          { result: [] },
          { headers: { Link: '<https://evil.example/steal>;rel="next"' } },
        ),
      ),
    );

    await expect(collect(provider(), syncContext([ENTITY]))).rejects.toThrow(
      'ServiceNow sent a next link to another host: https://evil.example',
    );
  });
});
