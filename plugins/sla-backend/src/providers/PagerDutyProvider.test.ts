import { ConfigReader } from '@backstage/config';
import { http, HttpResponse } from 'msw';
import incidentsFixture from './__fixtures__/pagerduty-incidents.json';
import ackResolveFixture from './__fixtures__/pagerduty-incident-log-entries-ack-resolve.json';
import triggerOnlyFixture from './__fixtures__/pagerduty-incident-log-entries.json';
import { PagerDutyProvider } from './PagerDutyProvider';
import {
  collect,
  FAST_HTTP,
  malformedJson,
  syncContext,
  useVendorHarness,
} from './__testUtils__';

const EU = 'https://api.eu.pagerduty.com';
const ENTITY = {
  entityRef: 'component:default/mail',
  annotations: { 'pagerduty.com/service-id': 'PIJ90N7' },
};

const { server, provider, expectRetriedSync } = useVendorHarness(
  PagerDutyProvider,
  'pagerduty',
  {
    token: 'secret',
    baseUrl: EU,
  },
);

/** The fixture incident, and a second one derived from it with only required fields. */
function secondIncident() {
  return {
    id: 'PBARE01',
    type: 'incident',
    created_at: '2015-10-07T08:00:00+00:00',
    status: 'triggered',
    urgency: 'low',
  };
}

function logEntries(spelling = 'acknowledge_log_entry') {
  const body = structuredClone(ackResolveFixture);
  for (const e of body.log_entries)
    if (e.type === 'acknowledge_log_entry') e.type = spelling;
  return body;
}

function twoPages() {
  const requests: URL[] = [];
  server.use(
    http.get(`${EU}/incidents`, ({ request }) => {
      const url = new URL(request.url);
      requests.push(url);
      if (url.searchParams.get('offset') === '0') {
        return HttpResponse.json({
          ...structuredClone(incidentsFixture),
          limit: 100,
        });
      }
      return HttpResponse.json({
        incidents: [secondIncident()],
        limit: 100,
        offset: 100,
        more: false,
      });
    }),
    http.get(`${EU}/incidents/PT4KHLK/log_entries`, () =>
      HttpResponse.json(logEntries()),
    ),
  );
  return requests;
}

describe('PagerDutyProvider', () => {
  it('pages /incidents per service on the EU API, in UTC, and maps both records', async () => {
    const requests = twoPages();

    const pages = await collect(provider(), syncContext([ENTITY]));

    expect(requests.map(u => u.searchParams.get('offset'))).toEqual([
      '0',
      '100',
    ]);
    expect(requests[0].searchParams.get('time_zone')).toBe('UTC');
    expect(requests[0].searchParams.getAll('service_ids[]')).toEqual([
      'PIJ90N7',
    ]);
    expect(requests[0].searchParams.get('since')).toBe(
      '2015-01-01T00:00:00.000Z',
    );
    expect(pages.flatMap(p => p.incidents)).toEqual([
      {
        source: 'pagerduty',
        id: 'PT4KHLK',
        entityRef: 'component:default/mail',
        title: 'The server is on fire.',
        priority: 'P2',
        createdAt: Date.parse('2015-10-06T21:30:42Z'),
        acknowledgedAt: Date.parse('2017-09-26T15:15:17Z'),
        resolvedAt: Date.parse('2015-10-06T21:38:23Z'),
        pauses: [],
        url: 'https://subdomain.pagerduty.com/incidents/PT4KHLK',
      },
      // only required fields: no title, priority, resolution, url; +00:00 offset
      {
        source: 'pagerduty',
        id: 'PBARE01',
        entityRef: 'component:default/mail',
        title: 'PBARE01',
        priority: 'P4',
        createdAt: Date.UTC(2015, 9, 7, 8),
        pauses: [],
      },
    ]);
  });

  it('accepts the acknowledgement_log_entry spelling and skips trigger-only logs', async () => {
    server.use(
      http.get(`${EU}/incidents`, () =>
        HttpResponse.json({
          incidents: [
            { ...structuredClone(incidentsFixture.incidents[0]), id: 'PA' },
            { ...structuredClone(incidentsFixture.incidents[0]), id: 'PB' },
          ],
          more: false,
        }),
      ),
      http.get(`${EU}/incidents/PA/log_entries`, () =>
        HttpResponse.json(logEntries('acknowledgement_log_entry')),
      ),
      http.get(`${EU}/incidents/PB/log_entries`, () =>
        HttpResponse.json(triggerOnlyFixture),
      ),
    );

    const [page] = await collect(provider(), syncContext([ENTITY]));

    expect(page.incidents[0].acknowledgedAt).toBe(
      Date.parse('2017-09-26T15:15:17Z'),
    );
    expect(page.incidents[1].acknowledgedAt).toBeUndefined();
  });

  it('maps priority and urgency through the entity priority-map', async () => {
    server.use(
      http.get(`${EU}/incidents`, () =>
        HttpResponse.json({
          incidents: [
            structuredClone(incidentsFixture.incidents[0]),
            secondIncident(),
            { ...secondIncident(), id: 'PSEV', priority: { summary: 'SEV-1' } },
          ],
          more: false,
        }),
      ),
      http.get(`${EU}/incidents/:id/log_entries`, () =>
        HttpResponse.json(triggerOnlyFixture),
      ),
    );
    const entity = {
      ...ENTITY,
      priorityMap: { p2: 'P1', LOW: 'P3', 'SEV-1': 'P1' } as const,
    };

    const [page] = await collect(provider(), syncContext([entity]));

    expect(page.incidents.map(i => [i.id, i.priority])).toEqual([
      ['PT4KHLK', 'P1'],
      ['PBARE01', 'P3'],
      ['PSEV', 'P1'],
    ]);
  });

  it('skips a malformed record, counts it, and keeps the rest of its page', async () => {
    server.use(
      http.get(`${EU}/incidents`, () =>
        HttpResponse.json({
          incidents: [
            { ...secondIncident(), id: 'PBAD', created_at: 'yesterday' },
            secondIncident(),
          ],
          more: false,
        }),
      ),
    );
    const ctx = syncContext([ENTITY]);

    const [page] = await collect(provider(), ctx);

    expect(page.incidents.map(i => i.id)).toEqual(['PBARE01']);
    expect(page.skipped).toBe(1);
    expect(page.skipReason).toMatch(/PBAD: created_at is "yesterday"/);
    expect(ctx.logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('PBAD'),
    );
  });

  it('retries a 429 honouring ratelimit-reset, then a 500 and a timeout', async () => {
    const [page] = await expectRetriedSync({
      url: `${EU}/incidents`,
      rateLimited: {
        body: 'rate limited',
        headers: { 'ratelimit-reset': '3' },
      },
      success: () =>
        HttpResponse.json({ incidents: [secondIncident()], more: false }),
      retryAccount: { token: 't', baseUrl: EU },
      ctx: syncContext([ENTITY]),
      expectedSleepMs: 3000,
    });

    expect(page.incidents.map(i => i.id)).toEqual(['PBARE01']);
  });

  it('fails the run on a malformed JSON body', async () => {
    server.use(
      http.get(`${EU}/incidents`, malformedJson('{"incidents": [{"id": "P')),
    );

    await expect(collect(provider(), syncContext([ENTITY]))).rejects.toThrow(
      /Malformed JSON from https:\/\/api\.eu\.pagerduty\.com\/incidents/,
    );
  });

  it('keeps offset + limit within 10,000 by restarting the window at the last creation time', async () => {
    const requests: Array<{ since: string; offset: number }> = [];
    const start = Date.UTC(2020, 0, 1);
    server.use(
      http.get(`${EU}/incidents`, ({ request }) => {
        const url = new URL(request.url);
        const since = url.searchParams.get('since')!;
        const offset = Number(url.searchParams.get('offset'));
        requests.push({ since, offset });
        const index = requests.length; // one incident per page, a minute apart
        return HttpResponse.json({
          incidents: [
            {
              ...secondIncident(),
              id: `P${index}`,
              created_at: new Date(start + index * 60_000).toISOString(),
            },
          ],
          more: requests.length < 102,
          offset,
          limit: 100,
        });
      }),
    );

    const pages = await collect(
      provider(),
      syncContext([ENTITY], { since: start }),
    );

    expect(requests.every(r => r.offset + 100 <= 10_000)).toBe(true);
    expect(requests[99]).toEqual({
      since: new Date(start).toISOString(),
      offset: 9900,
    });
    expect(requests[100]).toEqual({
      since: new Date(start + 100 * 60_000).toISOString(),
      offset: 0,
    });
    expect(pages.flatMap(p => p.incidents)).toHaveLength(102);
  });

  it('syncs only entities of its account when several accounts are configured', async () => {
    const requests = twoPages();
    const p = PagerDutyProvider.fromConfig(
      new ConfigReader({
        sla: {
          providers: {
            pagerduty: {
              us: { token: 'a' },
              eu: { token: 'b', baseUrl: EU },
            },
          },
        },
      }),
      FAST_HTTP,
    )!;
    const euEntity = {
      ...ENTITY,
      annotations: { ...ENTITY.annotations, 'pagerduty.com/account': 'eu' },
    };

    expect(p.accounts()).toEqual(['us', 'eu']);
    expect(
      await collect(p, syncContext([euEntity], { account: 'us' })),
    ).toEqual([]);
    const pages = await collect(p, syncContext([euEntity], { account: 'eu' }));
    expect(pages.flatMap(x => x.incidents)).toHaveLength(2);
    expect(requests).toHaveLength(2);
  });
});
