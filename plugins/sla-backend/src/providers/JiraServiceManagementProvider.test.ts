import { ConfigReader } from '@backstage/config';
import { http, HttpResponse, JsonBodyType } from 'msw';
import searchFixture from './__fixtures__/jira-search-jql.json';
import slaFixture from './__fixtures__/jsm-request-sla.json';
import {
  formatJqlTime,
  JiraServiceManagementProvider,
} from './JiraServiceManagementProvider';
import {
  collect,
  malformedJson,
  syncContext,
  useVendorHarness,
} from './__testUtils__';

const JIRA = 'https://acme.atlassian.net';
const SEARCH = `${JIRA}/rest/api/3/search/jql`;
const ENTITY = {
  entityRef: 'component:default/orders',
  annotations: { 'jira/project-key': 'ED' },
};
const [ED1, ED2] = searchFixture.issues;

const { server, provider, expectRetriedSync } = useVendorHarness(
  JiraServiceManagementProvider,
  'jira',
  {
    baseUrl: `${JIRA}/`,
    email: 'sla@acme.com',
    token: 'api-token',
  },
);

/** An issue derived from the fixture's first one. */
function issue(id: string, fields: Record<string, unknown> = {}) {
  const base = structuredClone(ED1);
  return {
    ...base,
    id,
    key: `ED-${id}`,
    fields: { ...base.fields, ...fields },
  };
}

/** The fixture's SLA metrics with the resolution cycle finished (no ongoing cycle). */
function resolvedSla() {
  const body = structuredClone(slaFixture) as any;
  delete body.values[1].ongoingCycle;
  return body;
}

const LAST_SLA_PAGE = { values: [], isLastPage: true, size: 0, start: 3 };

/** SLA responses per issue key; keys not listed answer 404 (not a service request). */
function slaHandler(
  byKey: Record<string, JsonBodyType>,
  calls: string[] = [],
): ReturnType<typeof http.get> {
  return http.get(
    `${JIRA}/rest/servicedeskapi/request/:key/sla`,
    ({ params, request }) => {
      const key = String(params.key);
      const start = new URL(request.url).searchParams.get('start');
      calls.push(`${key}@${start}`);
      if (!(key in byKey)) {
        return HttpResponse.json(
          { errorMessage: 'Request does not exist' },
          { status: 404 },
        );
      }
      return HttpResponse.json(start === '0' ? byKey[key] : LAST_SLA_PAGE);
    },
  );
}

describe('JiraServiceManagementProvider', () => {
  it('pages /search/jql by nextPageToken and reads first response and resolution from SLA cycles', async () => {
    const requests: URL[] = [];
    const authorizations: Array<string | null> = [];
    const slaCalls: string[] = [];
    server.use(
      http.get(SEARCH, ({ request }) => {
        const url = new URL(request.url);
        requests.push(url);
        authorizations.push(request.headers.get('authorization'));
        const token = url.searchParams.get('nextPageToken');
        if (token === null) return HttpResponse.json(searchFixture);
        if (token === 'EgQIlMIC') {
          return HttpResponse.json({
            issues: [issue('10010', { summary: 'Second page' })],
            nextPageToken: 'CgYIlMIC',
          });
        }
        // the last page: a record with only the required fields, offset +0530
        return HttpResponse.json({
          issues: [
            {
              id: '10020',
              fields: {
                created: '2023-08-30T01:00:00.000+0530',
                priority: { name: 'High' },
              },
            },
          ],
          isLast: true,
        });
      }),
      slaHandler({ 'ED-1': resolvedSla() }, slaCalls),
    );

    const pages = await collect(
      provider(),
      syncContext([ENTITY], { since: Date.UTC(2023, 7, 1, 6, 30, 45) }),
    );

    expect(requests.map(u => u.searchParams.get('nextPageToken'))).toEqual([
      null,
      'EgQIlMIC',
      'CgYIlMIC',
    ]);
    expect(requests[0].searchParams.get('jql')).toBe(
      'project = "ED" AND updated >= "2023-08-01 06:30" ORDER BY updated ASC',
    );
    expect(requests[0].searchParams.get('fields')).toBe(
      'summary,created,resolutiondate,priority',
    );
    expect(authorizations[0]).toBe(
      `Basic ${Buffer.from('sla@acme.com:api-token').toString('base64')}`,
    );
    // ED-1's SLA list is paged too (the fixture says isLastPage: false)
    expect(slaCalls).toEqual([
      'ED-1@0',
      'ED-1@3',
      'ED-2@0',
      'ED-10010@0',
      '10020@0',
    ]);
    expect(pages).toHaveLength(3);
    expect(pages.flatMap(p => p.incidents)).toEqual([
      {
        source: 'jira',
        id: '10002',
        entityRef: 'component:default/orders',
        title: 'ED-1: Main order flow broken',
        priority: 'P2', // "Major"
        createdAt: Date.UTC(2023, 7, 28, 7, 19, 9, 854),
        // epochMillis of the first completed "Time To First Response" cycle's stop
        acknowledgedAt: 1444362743000,
        // epochMillis of the last completed "Time To Resolution" cycle's stop
        resolvedAt: 1444504523000,
        pauses: [],
        url: `${JIRA}/browse/ED-1`,
      },
      {
        source: 'jira',
        id: '10003',
        entityRef: 'component:default/orders',
        title: 'ED-2: Checkout latency above SLO',
        priority: 'P2',
        createdAt: Date.UTC(2023, 7, 29, 10, 2, 44),
        pauses: [],
        url: `${JIRA}/browse/ED-2`,
      },
      {
        source: 'jira',
        id: '10010',
        entityRef: 'component:default/orders',
        title: 'ED-10010: Second page',
        priority: 'P2',
        createdAt: Date.UTC(2023, 7, 28, 7, 19, 9, 854),
        resolvedAt: Date.UTC(2023, 7, 28, 9, 41, 2, 112),
        pauses: [],
        url: `${JIRA}/browse/ED-10010`,
      },
      {
        source: 'jira',
        id: '10020',
        entityRef: 'component:default/orders',
        title: '10020',
        priority: 'P2',
        createdAt: Date.UTC(2023, 7, 29, 19, 30),
        pauses: [],
      },
    ]);
  });

  it('treats an ongoing resolution cycle as reopened, and can skip SLAs entirely', async () => {
    const slaCalls: string[] = [];
    server.use(
      http.get(SEARCH, () =>
        HttpResponse.json({ issues: [structuredClone(ED1)], isLast: true }),
      ),
      slaHandler({ 'ED-1': slaFixture }, slaCalls),
    );

    const [withSla] = await collect(provider(), syncContext([ENTITY]));
    const [withoutSla] = await collect(
      provider({ requestSla: false }),
      syncContext([ENTITY]),
    );

    // the fixture's "Time To Resolution" has an ongoingCycle: not resolved now
    expect(withSla.incidents[0].resolvedAt).toBeUndefined();
    expect(withSla.incidents[0].acknowledgedAt).toBe(1444362743000);
    expect(withoutSla.incidents[0].resolvedAt).toBe(
      Date.parse('2023-08-28T09:41:02.112Z'),
    );
    expect(withoutSla.incidents[0].acknowledgedAt).toBeUndefined();
    expect(slaCalls).toEqual(['ED-1@0', 'ED-1@3']);
    // Jira's own verdicts, for the cross-check: the cycles the times came from.
    expect(withSla.vendorVerdicts).toEqual([
      {
        source: 'jira',
        incidentId: '10002',
        clock: 'response',
        slaName: 'Time To First Response',
        breached: false,
        elapsedMs: 420000,
        goalMs: 14400000,
      },
      {
        source: 'jira',
        incidentId: '10002',
        clock: 'resolution',
        slaName: 'Time To Resolution',
        breached: false,
        elapsedMs: 5640000,
        goalMs: 72000000,
      },
    ]);
    expect(withoutSla.vendorVerdicts).toBeUndefined();
  });

  it("reads the last completed resolution cycle's verdict when none is ongoing", async () => {
    server.use(
      http.get(SEARCH, () =>
        HttpResponse.json({ issues: [structuredClone(ED1)], isLast: true }),
      ),
      slaHandler({ 'ED-1': resolvedSla() }),
    );
    const [page] = await collect(provider(), syncContext([ENTITY]));
    expect(page.vendorVerdicts?.find(v => v.clock === 'resolution')).toEqual({
      source: 'jira',
      incidentId: '10002',
      clock: 'resolution',
      slaName: 'Time To Resolution',
      breached: true,
      elapsedMs: 19380000,
      goalMs: 72000000,
    });
  });

  it('matches SLA names from config and falls back to iso8601 without epochMillis', async () => {
    const body = resolvedSla();
    body.values[0].name = 'Erste Antwort';
    delete body.values[0].completedCycles[0].stopTime.epochMillis;
    server.use(
      http.get(SEARCH, () =>
        HttpResponse.json({ issues: [structuredClone(ED1)], isLast: true }),
      ),
      slaHandler({ 'ED-1': body }),
    );

    const [page] = await collect(
      provider({ firstResponseSla: 'erste antwort' }),
      syncContext([ENTITY]),
    );

    // "2015-10-09T10:52:23+0700", an offset without a colon
    expect(page.incidents[0].acknowledgedAt).toBe(
      Date.UTC(2015, 9, 9, 3, 52, 23),
    );
  });

  it('maps priority names through the priority-map, then Jira defaults', async () => {
    server.use(
      http.get(SEARCH, () =>
        HttpResponse.json({
          issues: [
            issue('1', { priority: { name: 'Highest' } }),
            issue('2', { priority: { name: 'Lowest' } }),
            issue('3', { priority: { name: 'SEV-1' } }),
            issue('4', { priority: { name: 'major' } }),
            issue('5', { priority: { name: 'Whenever' } }),
            issue('6', { priority: null }),
          ],
          isLast: true,
        }),
      ),
    );
    const entity = {
      ...ENTITY,
      priorityMap: { 'sev-1': 'P1', MAJOR: 'P1' } as const,
    };

    const [page] = await collect(
      provider({ requestSla: false }),
      syncContext([entity]),
    );

    const mapped = page.incidents.map(i => `${i.id}→${i.priority}`);
    expect(mapped).toEqual(['1→P1', '2→P4', '3→P1', '4→P1']);
    expect(page.skipped).toBe(2);
    expect(page.skipReason).toBe(
      'Jira issue ED-5: priority "Whenever" is not mapped; add it to servicelevel.io/priority-map',
    );
  });

  it('skips a malformed record and keeps the rest of its page', async () => {
    server.use(
      http.get(SEARCH, () =>
        HttpResponse.json({
          issues: [
            issue('7', { created: '28/Aug/23 7:19 AM' }),
            structuredClone(ED2),
          ],
          isLast: true,
        }),
      ),
    );
    const ctx = syncContext([ENTITY]);

    const [page] = await collect(provider({ requestSla: false }), ctx);

    expect(page.incidents.map(i => i.id)).toEqual(['10003']);
    expect(page.skipped).toBe(1);
    expect(page.skipReason).toMatch(
      /ED-7: fields.created is "28\/Aug\/23 7:19 AM"/,
    );
    expect(ctx.logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('ED-7'),
    );
  });

  it('retries a 429 honouring Retry-After, then a 500 and a timeout', async () => {
    const [page] = await expectRetriedSync({
      url: SEARCH,
      rateLimited: { body: 'slow down', headers: { 'Retry-After': '5' } },
      success: () =>
        HttpResponse.json({ issues: [structuredClone(ED2)], isLast: true }),
      retryAccount: { baseUrl: JIRA, token: 'oauth', requestSla: false },
      ctx: syncContext([ENTITY]),
      expectedSleepMs: 5000,
    });

    expect(page.incidents.map(i => i.id)).toEqual(['10003']);
  });

  it('sends a token without email as a bearer token', async () => {
    const authorizations: Array<string | null> = [];
    server.use(
      http.get(SEARCH, ({ request }) => {
        authorizations.push(request.headers.get('authorization'));
        return HttpResponse.json({ issues: [], isLast: true });
      }),
    );
    const p = JiraServiceManagementProvider.fromConfig(
      new ConfigReader({
        sla: { providers: { jira: { baseUrl: JIRA, token: 'oauth' } } },
      }),
    )!;

    await collect(p, syncContext([ENTITY]));

    expect(authorizations).toEqual(['Bearer oauth']);
  });

  it('fails the run on a malformed JSON body', async () => {
    server.use(http.get(SEARCH, malformedJson('{"issues": [{"id": "1')));

    await expect(collect(provider(), syncContext([ENTITY]))).rejects.toThrow(
      /Malformed JSON from https:\/\/acme\.atlassian\.net\/rest\/api\/3\/search\/jql/,
    );
  });

  it('narrows the JQL by jira/component, quoting it, and refuses a bad project key', async () => {
    const jqls: Array<string | null> = [];
    server.use(
      http.get(SEARCH, ({ request }) => {
        jqls.push(new URL(request.url).searchParams.get('jql'));
        return HttpResponse.json({ issues: [], isLast: true });
      }),
    );
    const withComponent = {
      ...ENTITY,
      annotations: { ...ENTITY.annotations, 'jira/component': 'Web "shop"' },
    };

    await collect(
      provider(),
      syncContext([withComponent], { since: Date.UTC(2024, 0, 2, 3, 4) }),
    );

    expect(jqls).toEqual([
      'project = "ED" AND component = "Web \\"shop\\"" AND updated >= "2024-01-02 03:04" ORDER BY updated ASC',
    ]);
    await expect(
      collect(
        provider(),
        syncContext([
          {
            ...ENTITY,
            annotations: { 'jira/project-key': 'ED" OR project = "X' },
          },
        ]),
      ),
    ).rejects.toThrow('is not a project key');
  });

  it('stops instead of looping when Jira repeats a page token', async () => {
    server.use(
      http.get(SEARCH, () =>
        HttpResponse.json({ issues: [], nextPageToken: 'same' }),
      ),
    );

    await expect(collect(provider(), syncContext([ENTITY]))).rejects.toThrow(
      'Jira repeated the page token same',
    );
  });

  it('formats JQL times in UTC to the minute', () => {
    expect(formatJqlTime(Date.UTC(2023, 7, 28, 23, 59, 59, 999))).toBe(
      '2023-08-28 23:59',
    );
  });
});
