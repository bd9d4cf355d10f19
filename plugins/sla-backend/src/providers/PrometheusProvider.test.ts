import { http, HttpResponse } from 'msw';
import queryRangeFixture from './__fixtures__/prometheus-query-range.json';
import {
  availabilityQuery,
  chunks,
  MAX_POINTS_PER_SERIES,
  PrometheusProvider,
} from './PrometheusProvider';
import {
  collect,
  malformedJson,
  syncContext,
  useVendorHarness,
} from './__testUtils__';

const PROM = 'https://prometheus.acme.com';
const QUERY_RANGE = `${PROM}/api/v1/query_range`;
const REF = 'component:default/checkout';
const ENTITY = {
  entityRef: REF,
  annotations: { 'prometheus.io/availability-query': 'up{job="node"}' },
};

const { server, provider, expectRetriedSync } = useVendorHarness(
  PrometheusProvider,
  'prometheus',
  {
    baseUrl: PROM,
  },
);

interface RangeRequest {
  query: string;
  start: number;
  end: number;
  step: number;
}

/**
 * Answers query_range from a function of the sample time (ms), for every step in the
 * requested range, in the fixture's matrix shape; records each request in ms.
 */
function serveSeries(value: (t: number) => string | undefined) {
  const requests: RangeRequest[] = [];
  server.use(
    http.get(QUERY_RANGE, ({ request }) => {
      const p = new URL(request.url).searchParams;
      const req = {
        query: p.get('query')!,
        start: Number(p.get('start')) * 1000,
        end: Number(p.get('end')) * 1000,
        step: Number(p.get('step')) * 1000,
      };
      requests.push(req);
      const values: Array<[number, string]> = [];
      for (let t = req.start; t <= req.end; t += req.step) {
        const v = value(t);
        if (v !== undefined) values.push([t / 1000, v]);
      }
      const body = structuredClone(queryRangeFixture);
      body.data.result = [{ ...body.data.result[0], values }];
      return HttpResponse.json(body);
    }),
  );
  return requests;
}

const MIN = 60_000;

describe('PrometheusProvider', () => {
  it('turns the fixture series into one outage from the first 0 to the return to 1', async () => {
    // 15 s steps, aligned with the fixture's samples at …430.781, …445.781, …460.781
    const since = 1435781430_000;
    const requests: URL[] = [];
    server.use(
      http.get(QUERY_RANGE, ({ request }) => {
        const url = new URL(request.url);
        requests.push(url);
        if (Number(url.searchParams.get('end')) < 1435781430) {
          // the look-back before the window: up
          return HttpResponse.json({
            status: 'success',
            data: {
              resultType: 'matrix',
              result: [{ metric: {}, values: [[1435781415.781, '1']] }],
            },
          });
        }
        return HttpResponse.json(queryRangeFixture);
      }),
    );

    const pages = await collect(
      provider({ stepSeconds: 15, maxOutageLookbackDays: 1 }),
      syncContext([ENTITY], { since, until: since + 45_000 }),
    );

    expect(requests[0].searchParams.get('query')).toBe('up{job="node"}');
    expect(requests[0].searchParams.get('start')).toBe('1435781430');
    expect(requests[0].searchParams.get('end')).toBe('1435781460');
    expect(requests[0].searchParams.get('step')).toBe('15');
    // the second series starts at 0, so the provider looked back for the real start
    expect(requests[1].searchParams.get('end')).toBe('1435781415');
    expect(pages).toEqual([
      {
        skipped: 0,
        incidents: [
          {
            source: 'prometheus',
            id: `${REF}@2015-07-01T20:10:30.781Z`,
            entityRef: REF,
            title: 'Unavailable: up{job="node"}',
            priority: 'P2',
            createdAt: 1435781430781,
            resolvedAt: 1435781460781,
            pauses: [],
            outage: { start: 1435781430781, end: 1435781460781 },
          },
        ],
      },
    ]);
  });

  it('chunks long ranges to at most 11,000 points and joins an outage across chunks', async () => {
    const since = Date.UTC(2026, 0, 1);
    const down = {
      from: since + 11_000 * MIN - 5 * MIN,
      to: since + 11_010 * MIN,
    };
    const requests = serveSeries(t =>
      t >= down.from && t < down.to ? '0' : '1',
    );
    const until = since + 25_000 * MIN;

    const [page] = await collect(
      provider({ defaultPriority: 'P1' }),
      syncContext([ENTITY], { since, until }),
    );

    expect(requests.map(r => [r.start, r.end])).toEqual([
      [since, since + 10_999 * MIN],
      [since + 11_000 * MIN, since + 21_999 * MIN],
      [since + 22_000 * MIN, until - MIN],
    ]);
    for (const r of requests) {
      expect((r.end - r.start) / r.step + 1).toBeLessThanOrEqual(
        MAX_POINTS_PER_SERIES,
      );
    }
    expect(page.incidents).toEqual([
      expect.objectContaining({
        id: `${REF}@${new Date(down.from).toISOString()}`,
        priority: 'P1',
        createdAt: down.from,
        resolvedAt: down.to,
        outage: { start: down.from, end: down.to },
      }),
    ]);
  });

  it('keeps an outage open at the end of a run and closes the same incident on the next run', async () => {
    const start = Date.UTC(2026, 1, 1, 10, 0);
    const end = start + 90 * MIN;
    serveSeries(t => (t >= start && t < end ? '0' : '1'));
    const p = provider({ maxOutageLookbackDays: 1 });

    const [first] = await collect(
      p,
      syncContext([ENTITY], {
        since: start - 30 * MIN,
        until: start + 30 * MIN,
      }),
    );
    // the next run starts inside the outage (checkpoint minus overlap)
    const [second] = await collect(
      p,
      syncContext([ENTITY], {
        since: start + 20 * MIN,
        until: start + 3 * 60 * MIN,
      }),
    );

    expect(first.incidents).toEqual([
      expect.objectContaining({
        id: `${REF}@2026-02-01T10:00:00.000Z`,
        outage: { start },
      }),
    ]);
    expect(first.incidents[0].resolvedAt).toBeUndefined();
    expect(second.incidents).toEqual([
      expect.objectContaining({
        id: `${REF}@2026-02-01T10:00:00.000Z`,
        createdAt: start,
        resolvedAt: end,
        outage: { start, end },
      }),
    ]);
  });

  it('wraps a label selector in up or probe_success and sends the bearer token', async () => {
    const queries: Array<string | null> = [];
    const authorizations: Array<string | null> = [];
    server.use(
      http.get(QUERY_RANGE, ({ request }) => {
        queries.push(new URL(request.url).searchParams.get('query'));
        authorizations.push(request.headers.get('authorization'));
        return HttpResponse.json({
          status: 'success',
          data: { resultType: 'matrix', result: [] },
        });
      }),
    );
    const entity = {
      entityRef: REF,
      annotations: {
        'prometheus.io/availability-query': '{instance="shop:443"}',
      },
    };

    const pages = await collect(
      provider({ labelMetric: 'probe_success', token: 'tok' }),
      syncContext([entity], { since: 0, until: MIN }),
    );

    expect(queries).toEqual(['min(probe_success{instance="shop:443"})']);
    expect(authorizations).toEqual(['Bearer tok']);
    expect(pages).toEqual([{ incidents: [], skipped: 0 }]);
    expect(availabilityQuery('{job="x"}', 'up')).toBe('min(up{job="x"})');
  });

  it('skips malformed samples, ignores NaN and series without labels, and still finds the outage', async () => {
    const t0 = 1_700_000_000;
    server.use(
      http.get(QUERY_RANGE, () =>
        HttpResponse.json({
          status: 'success',
          data: {
            resultType: 'matrix',
            result: [
              {
                // no "metric" labels at all
                values: [
                  [t0, '1'],
                  [t0 + 60, 'down'],
                  [t0 + 120, '0'],
                  [t0 + 180, 'NaN'],
                  ['t0+240', '1'],
                  [t0 + 300, '1'],
                ],
              },
            ],
          },
        }),
      ),
    );
    const ctx = syncContext([ENTITY], {
      since: t0 * 1000,
      until: (t0 + 360) * 1000,
    });

    const [page] = await collect(provider(), ctx);

    expect(page.skipped).toBe(2);
    expect(page.skipReason).toBe(
      `Prometheus sample [${
        t0 + 60
      },"down"] of up{job="node"}: value "down" is not a number`,
    );
    expect(page.incidents.map(i => i.outage)).toEqual([
      { start: (t0 + 120) * 1000, end: (t0 + 300) * 1000 },
    ]);
  });

  it('retries a 429 honouring Retry-After, then a 500 and a timeout', async () => {
    const [page] = await expectRetriedSync({
      url: QUERY_RANGE,
      rateLimited: { body: 'too many', headers: { 'Retry-After': '7' } },
      success: () =>
        HttpResponse.json({
          status: 'success',
          data: {
            resultType: 'matrix',
            result: [
              {
                metric: {},
                values: [
                  [60, '1'],
                  [120, '0'],
                ],
              },
            ],
          },
        }),
      retryAccount: { baseUrl: PROM },
      ctx: syncContext([ENTITY], { since: 60_000, until: 180_000 }),
      expectedSleepMs: 7000,
    });

    expect(page.incidents.map(i => i.outage)).toEqual([{ start: 120_000 }]);
  });

  it('fails the run on a malformed JSON body or a query error', async () => {
    server.use(
      http.get(QUERY_RANGE, malformedJson('{"status":"success","data":')),
    );
    await expect(collect(provider(), syncContext([ENTITY]))).rejects.toThrow(
      /Malformed JSON from https:\/\/prometheus\.acme\.com\/api\/v1\/query_range/,
    );

    server.use(
      http.get(QUERY_RANGE, () =>
        HttpResponse.json(
          {
            status: 'error',
            errorType: 'bad_data',
            error: 'parse error at char 3',
          },
          { status: 400 },
        ),
      ),
    );
    await expect(collect(provider(), syncContext([ENTITY]))).rejects.toThrow(
      /HTTP 400 .*parse error at char 3/,
    );
  });

  it('rejects a default priority outside P1–P4', () => {
    expect(() => provider({ defaultPriority: 'SEV1' })).toThrow(
      'defaultPriority must be one of P1, P2, P3, P4, not "SEV1"',
    );
  });

  it('splits ranges into aligned, non-overlapping chunks', () => {
    expect(chunks(0, 25_000, 1)).toEqual([
      [0, 10_999],
      [11_000, 21_999],
      [22_000, 25_000],
    ]);
    expect(chunks(0, 0, 1)).toEqual([[0, 0]]);
  });
});
