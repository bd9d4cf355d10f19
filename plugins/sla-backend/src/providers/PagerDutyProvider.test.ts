import { ConfigReader } from '@backstage/config';
import { http, HttpResponse } from 'msw';
import incidentsFixture from './__fixtures__/pagerduty-incidents.json';
import ackResolveFixture from './__fixtures__/pagerduty-incident-log-entries-ack-resolve.json';
import triggerOnlyFixture from './__fixtures__/pagerduty-incident-log-entries.json';
import analyticsFixture from './__fixtures__/pagerduty-analytics-raw-incidents.json';
import { PagerDutyProvider } from './PagerDutyProvider';
import {
  collect,
  FAST_HTTP,
  malformedJson,
  syncContext,
  useVendorHarness,
} from './__testUtils__';
import {
  generatePagerDutySpecs,
  pagerDutyVolumeHandlers,
  VOLUME_FROM,
  VOLUME_TO,
} from './__testUtils__/pagerDutyVolume';

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

/** Analytics with no rows (the fixture's envelope): every incident's log entries are read. */
function emptyAnalytics() {
  return http.post(`${EU}/analytics/raw/incidents`, () =>
    HttpResponse.json({
      ...structuredClone(analyticsFixture),
      data: [],
      first: null,
      last: null,
      more: false,
    }),
  );
}

describe('PagerDutyProvider', () => {
  beforeEach(() => server.use(emptyAnalytics()));

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

describe('PagerDutyProvider bulk acknowledgements (analytics)', () => {
  /** The REST incidents of the analytics fixture's two rows (same ids and creation). */
  function fixtureIncidents() {
    return analyticsFixture.data.map(row => ({
      ...structuredClone(incidentsFixture.incidents[0]),
      id: row.id,
      created_at: `${row.created_at}Z`,
    }));
  }

  it('reads first acknowledgements from /analytics/raw/incidents, following its cursor, with no log entries', async () => {
    const bodies: Array<Record<string, unknown>> = [];
    server.use(
      http.get(`${EU}/incidents`, () =>
        HttpResponse.json({ incidents: fixtureIncidents(), more: false }),
      ),
      http.post(`${EU}/analytics/raw/incidents`, async ({ request }) => {
        const body = (await request.json()) as Record<string, unknown>;
        bodies.push(body);
        return body.starting_after === undefined
          ? HttpResponse.json(structuredClone(analyticsFixture))
          : HttpResponse.json({
              ...structuredClone(analyticsFixture),
              data: [],
              first: null,
              last: null,
              more: false,
              starting_after: body.starting_after,
            });
      }),
    );

    const [page] = await collect(provider(), syncContext([ENTITY]));

    expect(bodies).toEqual([
      {
        filters: {
          created_at_start: '2015-01-01T00:00:00.000Z',
          created_at_end: '2026-01-01T00:00:00.000Z',
          service_ids: ['PIJ90N7'],
        },
        limit: 1000,
        order: 'asc',
        order_by: 'created_at',
        time_zone: 'Etc/UTC',
      },
      expect.objectContaining({ starting_after: 'PCOOHCY', limit: 1000 }),
    ]);
    // seconds_to_first_ack after the zone-less created_at (UTC): 5 s and 48 s.
    expect(
      page.incidents.map(i => [i.id, i.createdAt, i.acknowledgedAt]),
    ).toEqual([
      [
        'PYC0H08',
        Date.UTC(2023, 4, 31, 10, 5, 0),
        Date.UTC(2023, 4, 31, 10, 5, 5),
      ],
      ['PCOOHCY', Date.UTC(2023, 4, 31, 10), Date.UTC(2023, 4, 31, 10, 0, 48)],
    ]);
  });

  it('reads the log entries of an incident whose analytics creation time differs', async () => {
    server.use(
      http.get(`${EU}/incidents`, () =>
        HttpResponse.json({
          incidents: [
            { ...fixtureIncidents()[0], created_at: '2023-05-31T10:05:01Z' },
          ],
          more: false,
        }),
      ),
      http.post(`${EU}/analytics/raw/incidents`, () =>
        HttpResponse.json({
          ...structuredClone(analyticsFixture),
          more: false,
        }),
      ),
      http.get(`${EU}/incidents/PYC0H08/log_entries`, () =>
        HttpResponse.json(logEntries()),
      ),
    );

    const [page] = await collect(provider(), syncContext([ENTITY]));

    expect(page.incidents[0].acknowledgedAt).toBe(
      Date.parse('2017-09-26T15:15:17Z'),
    );
  });

  it('stores the same incidents with and without analytics, in at most N/50 requests for 5,000', async () => {
    const specs = generatePagerDutySpecs(5000, 5);
    const entities = Array.from({ length: 5 }, (_, i) => ({
      entityRef: `component:default/svc-${i}`,
      annotations: {
        'pagerduty.com/service-id': `PSVC${String(i).padStart(4, '0')}`,
      },
    }));
    const ctx = () =>
      syncContext(entities, { since: VOLUME_FROM, until: VOLUME_TO });

    const bulk = pagerDutyVolumeHandlers(EU, specs);
    server.use(...bulk.handlers);
    const withBulk = (await collect(provider(), ctx())).flatMap(
      p => p.incidents,
    );
    server.resetHandlers();
    const fallback = pagerDutyVolumeHandlers(EU, specs, {
      analytics: 'forbidden',
    });
    server.use(...fallback.handlers);
    const withLogs = (await collect(provider(), ctx())).flatMap(
      p => p.incidents,
    );

    expect(withBulk).toHaveLength(5000);
    expect(withBulk).toEqual(withLogs);
    // The generator's mix: 10 % untouched and 10 % resolved unacknowledged have no ack.
    expect(withBulk.filter(i => i.acknowledgedAt === undefined)).toHaveLength(
      1000,
    );
    const firstAck = new Map(
      specs.map(s => [s.id, s.acks.length ? Math.min(...s.acks) : undefined]),
    );
    expect(withBulk.every(i => i.acknowledgedAt === firstAck.get(i.id))).toBe(
      true,
    );
    // 1,000 incidents per service: 10 pages each; one analytics query (5 cursor pages);
    // log entries only for the 13 missing from analytics and the 13 stale there.
    const notInBulk = specs
      .filter(s => s.analytics !== 'fresh')
      .map(s => s.id)
      .sort();
    expect(notInBulk).toHaveLength(26);
    expect([...bulk.counts.logEntryIds].sort()).toEqual(notInBulk);
    expect({ ...bulk.counts, logEntryIds: undefined }).toEqual({
      incidents: 50,
      analytics: 5,
      accountLogEntries: 0,
      logEntries: 26,
      logEntryIds: undefined,
    });
    const total =
      bulk.counts.incidents + bulk.counts.analytics + bulk.counts.logEntries;
    expect(total).toBe(81);
    expect(total).toBeLessThanOrEqual(5000 / 50);
    // Without analytics: one log-entries request per incident ever changed (90 %).
    expect(fallback.counts.logEntries).toBe(4500);
    expect(fallback.counts.analytics).toBe(1);
  });

  it('reads the incidents of the last 24 hours, not yet in analytics, from the account log entries', async () => {
    const specs = generatePagerDutySpecs(5000, 5, { lagMs: 86_400_000 });
    const entities = Array.from({ length: 5 }, (_, i) => ({
      entityRef: `component:default/svc-${i}`,
      annotations: {
        'pagerduty.com/service-id': `PSVC${String(i).padStart(4, '0')}`,
      },
    }));
    const ctx = () =>
      syncContext(entities, { since: VOLUME_FROM, until: VOLUME_TO });
    const lagging = specs.filter(s => s.createdAt >= VOLUME_TO - 86_400_000);
    const accountLogRequests: URL[] = [];
    server.events.on('request:start', ({ request }) => {
      const url = new URL(request.url);
      if (url.pathname === '/log_entries') accountLogRequests.push(url);
    });

    const bulk = pagerDutyVolumeHandlers(EU, specs);
    server.use(...bulk.handlers);
    const withBulk = (await collect(provider(), ctx())).flatMap(
      p => p.incidents,
    );
    server.resetHandlers();
    const fallback = pagerDutyVolumeHandlers(EU, specs, {
      analytics: 'forbidden',
    });
    server.use(...fallback.handlers);
    const withLogs = (await collect(provider(), ctx())).flatMap(
      p => p.incidents,
    );
    server.events.removeAllListeners();

    expect(lagging).toHaveLength(55);
    expect(withBulk).toEqual(withLogs);
    // The account's log entries since the newest incident analytics has: 2 pages of 100.
    expect(bulk.counts.accountLogEntries).toBe(2);
    expect(accountLogRequests[0].searchParams.get('is_overview')).toBe('true');
    const newestInAnalytics = Math.max(
      ...specs.filter(s => s.analytics !== 'missing').map(s => s.createdAt),
    );
    expect(accountLogRequests[0].searchParams.get('since')).toBe(
      new Date(newestInAnalytics).toISOString(),
    );
    // Only the older incidents missing from (or stale in) analytics have their own request.
    const older = specs.filter(
      s => s.analytics !== 'fresh' && s.createdAt < VOLUME_TO - 86_400_000,
    );
    expect(bulk.counts.logEntries).toBe(older.length);
    expect(fallback.counts.accountLogEntries).toBe(0);
  });

  it('reads recent incidents one by one when the account log entries are refused', async () => {
    const specs = generatePagerDutySpecs(1000, 1, { lagMs: 86_400_000 });
    const entity = {
      entityRef: 'component:default/svc-0',
      annotations: { 'pagerduty.com/service-id': 'PSVC0000' },
    };
    const ctx = () =>
      syncContext([entity], { since: VOLUME_FROM, until: VOLUME_TO });
    const denied = pagerDutyVolumeHandlers(EU, specs);
    server.use(
      http.get(`${EU}/log_entries`, () =>
        HttpResponse.json(
          { error: { message: 'Access Denied', code: 2010 } },
          { status: 403 },
        ),
      ),
      ...denied.handlers,
    );
    const withDenied = (await collect(provider(), ctx())).flatMap(
      p => p.incidents,
    );
    server.resetHandlers();
    const fallback = pagerDutyVolumeHandlers(EU, specs, {
      analytics: 'forbidden',
    });
    server.use(...fallback.handlers);
    const withLogs = (await collect(provider(), ctx())).flatMap(
      p => p.incidents,
    );

    expect(withDenied).toEqual(withLogs);
    // Every incident missing from analytics (the last day's and one in 400) or stale in it,
    // except the untouched ones, has its own request.
    const changedNotInBulk = specs.filter(
      s => s.analytics !== 'fresh' && !s.untouched,
    );
    expect(denied.counts.logEntries).toBe(changedNotInBulk.length);
    expect(denied.counts.logEntries).toBeGreaterThan(10);
    expect(denied.counts.accountLogEntries).toBe(0);
  });

  it('falls back to log entries on 403 and 404, logging it once per account', async () => {
    const specs = generatePagerDutySpecs(40, 2);
    const entities = ['PSVC0000', 'PSVC0001'].map(id => ({
      entityRef: `component:default/${id}`,
      annotations: { 'pagerduty.com/service-id': id },
    }));
    const p = provider();
    const logger = syncContext([]).logger;
    const ctx = () =>
      syncContext(entities, { since: VOLUME_FROM, until: VOLUME_TO, logger });
    const forbidden = pagerDutyVolumeHandlers(EU, specs, {
      analytics: 'forbidden',
    });
    server.use(...forbidden.handlers);

    const first = (await collect(p, ctx())).flatMap(x => x.incidents);
    const second = (await collect(p, ctx())).flatMap(x => x.incidents);
    server.use(
      http.post(`${EU}/analytics/raw/incidents`, () =>
        HttpResponse.json(
          { error: { message: 'Not Found', code: 2100 } },
          { status: 404 },
        ),
      ),
    );
    const third = (await collect(p, ctx())).flatMap(x => x.incidents);

    expect(first).toHaveLength(40);
    expect(second).toEqual(first);
    expect(third).toEqual(first);
    // One analytics attempt per run (both services in one query), then log entries.
    expect(forbidden.counts.analytics).toBe(2);
    expect(forbidden.counts.logEntries).toBe(3 * 36);
    const warnings = (logger.warn as jest.Mock).mock.calls.map(c => c[0]);
    expect(warnings).toEqual([
      expect.stringMatching(
        /^PagerDuty account default: .*\/analytics\/raw\/incidents answered 403/,
      ),
    ]);
  });

  it('retries a 429 from analytics after its Retry-After, then fails the run on a 500', async () => {
    let calls = 0;
    server.use(
      http.get(`${EU}/incidents`, () =>
        HttpResponse.json({ incidents: fixtureIncidents(), more: false }),
      ),
      http.post(`${EU}/analytics/raw/incidents`, () => {
        calls++;
        if (calls === 1) {
          return HttpResponse.json(
            { error: { message: 'Rate Limit Exceeded', code: 2020 } },
            { status: 429, headers: { 'retry-after': '4' } },
          );
        }
        return HttpResponse.json({
          ...structuredClone(analyticsFixture),
          more: false,
        });
      }),
    );
    const sleeps: number[] = [];
    const p = PagerDutyProvider.fromConfig(
      new ConfigReader({
        sla: { providers: { pagerduty: { token: 't', baseUrl: EU } } },
      }),
      { http: { ...FAST_HTTP.http, sleep: async ms => void sleeps.push(ms) } },
    )!;

    const [page] = await collect(p, syncContext([ENTITY]));

    expect(calls).toBe(2);
    expect(sleeps).toEqual([4000]);
    expect(page.incidents.map(i => i.acknowledgedAt)).toEqual([
      Date.UTC(2023, 4, 31, 10, 5, 5),
      Date.UTC(2023, 4, 31, 10, 0, 48),
    ]);

    server.use(
      http.post(
        `${EU}/analytics/raw/incidents`,
        () => new HttpResponse('err', { status: 500 }),
      ),
    );
    await expect(collect(provider(), syncContext([ENTITY]))).rejects.toThrow(
      /HTTP 500 .*analytics\/raw\/incidents/,
    );
  });
});
