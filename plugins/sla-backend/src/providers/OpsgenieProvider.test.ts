import { http, HttpResponse } from 'msw';
import incidentsFixture from './__fixtures__/opsgenie-incidents.json';
import alertsFixture from './__fixtures__/opsgenie-alerts.json';
import { OpsgenieProvider } from './OpsgenieProvider';
import {
  collect,
  malformedJson,
  syncContext,
  useVendorHarness,
} from './__testUtils__';

const OG = 'https://api.opsgenie.com';
const SELECTOR = 'tag:"service:orders" OR tag:"service:cart"';
const ENTITY = {
  entityRef: 'component:default/orders',
  annotations: { 'opsgenie.com/component-selector': SELECTOR },
};
const [INC1, INC2] = incidentsFixture.data;

const { server, provider, expectRetriedSync } = useVendorHarness(
  OpsgenieProvider,
  'opsgenie',
  {
    token: 'genie',
  },
);

function incident(id: string, overrides: Record<string, unknown> = {}) {
  return { ...structuredClone(INC1), id, tinyId: id, ...overrides };
}

describe('OpsgenieProvider', () => {
  it('follows paging.next over incidents and maps the impact window as the outage', async () => {
    const requests: URL[] = [];
    const authorizations: Array<string | null> = [];
    server.use(
      http.get(`${OG}/v1/incidents`, ({ request }) => {
        const url = new URL(request.url);
        requests.push(url);
        authorizations.push(request.headers.get('authorization'));
        const offset = url.searchParams.get('offset');
        if (offset === '0') {
          return HttpResponse.json({
            ...structuredClone(incidentsFixture),
            paging: {
              ...incidentsFixture.paging,
              next: `${OG}/v1/incidents?query=x&offset=100&limit=100`,
            },
          });
        }
        if (offset === '100') {
          return HttpResponse.json({
            data: [incident('i3', { message: 'Page two' })],
            paging: { next: `${OG}/v1/incidents?query=x&offset=200&limit=100` },
          });
        }
        // the last page, with only the required fields
        return HttpResponse.json({
          data: [
            { id: 'i4', createdAt: '2023-09-27T08:00:00Z', priority: 'P1' },
          ],
          paging: { first: `${OG}/v1/incidents?offset=0` },
        });
      }),
    );
    const since = Date.UTC(2023, 8, 1);
    const until = Date.UTC(2023, 9, 1);

    const pages = await collect(
      provider({ lookbackDays: 1 }),
      syncContext([ENTITY], { since, until }),
    );

    expect(requests.map(u => u.searchParams.get('offset'))).toEqual([
      '0',
      '100',
      '200',
    ]);
    expect(requests[0].searchParams.get('query')).toBe(
      `(${SELECTOR}) AND createdAt >= ${since} AND createdAt < ${until}`,
    );
    expect(requests[0].searchParams.get('sort')).toBe('createdAt');
    expect(requests[0].searchParams.get('order')).toBe('asc');
    expect(authorizations[0]).toBe('GenieKey genie');
    expect(pages.flatMap(p => p.incidents)).toEqual([
      {
        source: 'opsgenie',
        id: '652f14b3-019a-4d4c-8b83-e4da527a416c',
        entityRef: 'component:default/orders',
        title: 'OpenAI Incident',
        priority: 'P3',
        createdAt: Date.UTC(2023, 8, 26, 17, 6, 16, 824),
        pauses: [],
        outage: {
          start: Date.UTC(2023, 8, 26, 17, 6, 16, 824),
          end: Date.UTC(2023, 8, 26, 17, 45, 25, 719),
        },
        url: 'https://mytestaccount.app.opsgenie.com/incident/detail/652f14b3-019a-4d4c-8b83-e4da527a416c',
      },
      {
        source: 'opsgenie',
        id: '4a0c5e6d-b239-4cd9-a7e8-a5f880e99473',
        entityRef: 'component:default/orders',
        title: 'My Incident',
        priority: 'P3',
        createdAt: Date.UTC(2023, 8, 20, 13, 33, 0, 941),
        pauses: [],
        // no impactEndDate: the outage is still open
        outage: { start: Date.UTC(2023, 8, 20, 13, 33, 0, 941) },
        url: 'https://mytestaccount.app.opsgenie.com/incident/detail/4a0c5e6d-b239-4cd9-a7e8-a5f880e99473',
      },
      expect.objectContaining({ id: 'i3', title: 'Page two' }),
      {
        source: 'opsgenie',
        id: 'i4',
        entityRef: 'component:default/orders',
        title: 'i4',
        priority: 'P1',
        createdAt: Date.UTC(2023, 8, 27, 8),
        pauses: [],
      },
    ]);
  });

  it('reads alerts with report.ackTime and closeTime as ms after createdAt', async () => {
    const offsets: Array<string | null> = [];
    server.use(
      http.get(`${OG}/v2/alerts`, ({ request }) => {
        const offset = new URL(request.url).searchParams.get('offset');
        offsets.push(offset);
        // the fixture's paging.next asks for offset 20
        if (offset === '20') return HttpResponse.json({ data: [], paging: {} });
        return HttpResponse.json(alertsFixture);
      }),
    );

    const pages = await collect(
      provider({ records: 'alerts' }),
      syncContext([ENTITY]),
    );

    const created = Date.UTC(2017, 2, 21, 20, 32, 52, 353);
    expect(offsets).toEqual(['0', '20']);
    expect(pages.flatMap(p => p.incidents)).toEqual([
      {
        source: 'opsgenie',
        id: '70413a06-38d6-4c85-92b8-5ebc900d42e2',
        entityRef: 'component:default/orders',
        title: 'Our servers are in danger',
        priority: 'P4',
        createdAt: created,
        acknowledgedAt: created + 15702,
        resolvedAt: created + 60503,
        pauses: [],
      },
      // the docs sample repeats the id; the store keeps the later copy
      {
        source: 'opsgenie',
        id: '70413a06-38d6-4c85-92b8-5ebc900d42e2',
        entityRef: 'component:default/orders',
        title: 'Sample Message',
        priority: 'P4', // P5
        createdAt: created,
        pauses: [],
      },
    ]);
  });

  it('takes the last update as the close time of a closed record without a report', async () => {
    server.use(
      http.get(`${OG}/v1/incidents`, () =>
        HttpResponse.json({
          data: [
            incident('closed', { status: 'closed' }),
            incident('resolved', { status: 'resolved' }),
          ],
          paging: {},
        }),
      ),
    );

    const [page] = await collect(provider(), syncContext([ENTITY]));

    // "2023-09-26T17:49:10.17Z": two fraction digits are 170 ms
    expect(page.incidents.map(i => i.resolvedAt)).toEqual([
      Date.UTC(2023, 8, 26, 17, 49, 10, 170),
      Date.UTC(2023, 8, 26, 17, 49, 10, 170),
    ]);
  });

  it('maps P1–P5 through the priority-map first, P5 to P4 by default', async () => {
    server.use(
      http.get(`${OG}/v1/incidents`, () =>
        HttpResponse.json({
          data: ['P1', 'P2', 'P3', 'P4', 'P5', 'urgent'].map(p =>
            incident(p, { priority: p }),
          ),
          paging: {},
        }),
      ),
    );
    const entity = { ...ENTITY, priorityMap: { p3: 'P2' } as const };

    const [page] = await collect(provider(), syncContext([entity]));

    const mapped = page.incidents.map(i => `${i.id}→${i.priority}`);
    expect(mapped).toEqual(['P1→P1', 'P2→P2', 'P3→P2', 'P4→P4', 'P5→P4']);
    expect(page.skipped).toBe(1);
    expect(page.skipReason).toMatch(
      /incident urgent: priority "urgent" is not mapped/,
    );
  });

  it('skips malformed records and keeps the rest of the page', async () => {
    server.use(
      http.get(`${OG}/v2/alerts`, () =>
        HttpResponse.json({
          data: [
            {
              ...structuredClone(alertsFixture.data[0]),
              tinyId: '1',
              createdAt: '',
            },
            {
              ...structuredClone(alertsFixture.data[0]),
              tinyId: '2',
              report: { ackTime: '15s' },
            },
            structuredClone(alertsFixture.data[1]),
          ],
          paging: {},
        }),
      ),
    );
    const ctx = syncContext([ENTITY]);

    const [page] = await collect(provider({ records: 'alerts' }), ctx);

    expect(page.incidents.map(i => i.title)).toEqual(['Sample Message']);
    expect(page.skipped).toBe(2);
    expect(page.skipReason).toBe(
      'Opsgenie alert 1: createdAt is "", expected a timestamp',
    );
    expect(ctx.logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('report.ackTime is "15s", expected milliseconds'),
    );
  });

  it('retries a 429 honouring X-RateLimit-Reset, then a 500 and a timeout', async () => {
    const [page] = await expectRetriedSync({
      url: `${OG}/v1/incidents`,
      rateLimited: {
        body: { message: 'You are making too many requests!' },
        headers: { 'X-RateLimit-Reset': '4' },
      },
      serverErrorStatus: 503,
      success: () =>
        HttpResponse.json({ data: [structuredClone(INC2)], paging: {} }),
      retryAccount: { token: 't' },
      ctx: syncContext([ENTITY]),
      expectedSleepMs: 4000,
    });

    expect(page.incidents.map(i => i.title)).toEqual(['My Incident']);
  });

  it('fails the run on a malformed JSON body', async () => {
    server.use(http.get(`${OG}/v1/incidents`, malformedJson('{"data": [')));

    await expect(collect(provider(), syncContext([ENTITY]))).rejects.toThrow(
      /Malformed JSON from https:\/\/api\.opsgenie\.com\/v1\/incidents/,
    );
  });

  it('uses the EU host and refuses a next page on another host', async () => {
    const EU = 'https://api.eu.opsgenie.com';
    server.use(
      http.get(`${EU}/v1/incidents`, () =>
        HttpResponse.json({
          data: [],
          paging: { next: 'https://evil.example/v1/incidents?offset=100' },
        }),
      ),
    );

    await expect(
      collect(provider({ baseUrl: EU }), syncContext([ENTITY])),
    ).rejects.toThrow(
      'Opsgenie sent a next page on another host: https://evil.example',
    );
  });

  it('rejects an unknown record type in config', () => {
    expect(() => provider({ records: 'schedules' })).toThrow(
      'records must be "incidents" or "alerts", not "schedules"',
    );
  });
});
