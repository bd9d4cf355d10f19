import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import type { Incident, VendorVerdict } from '@servicelevel/plugin-sla-common';
import type { IncidentProvider } from '@servicelevel/plugin-sla-node';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { componentEntity, createStores } from '../__testUtils__/stores';
import incidentsFixture from './__fixtures__/pagerduty-incidents.json';
import ackResolveFixture from './__fixtures__/pagerduty-incident-log-entries-ack-resolve.json';
import { PagerDutyProvider } from './PagerDutyProvider';
import { ProviderSync } from './ProviderSync';
import { FAST_HTTP, withoutPagerDutyAnalytics } from './__testUtils__';

jest.setTimeout(60_000);

const PD = 'https://api.pagerduty.com';
const NOW = Date.UTC(2015, 10, 1);
const HOUR = 3_600_000;

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

// No analytics (not an Advanced plan): the path these tests were written for.
withoutPagerDutyAnalytics(server, PD);

/** Three pages of one incident each, derived from the fixture; page 2 can fail. */
function pagerDutyPages(options: { failPage2: () => boolean }) {
  const served: string[] = [];
  server.use(
    http.get(`${PD}/incidents`, ({ request }) => {
      const offset = Number(new URL(request.url).searchParams.get('offset'));
      const page = offset / 100 + 1;
      if (page === 2 && options.failPage2()) {
        return new HttpResponse('gone', { status: 404 });
      }
      const incident = {
        ...structuredClone(incidentsFixture.incidents[0]),
        id: `PT${page}`,
        title: `Incident ${page}`,
      };
      served.push(incident.id);
      return HttpResponse.json({
        incidents: [incident],
        limit: 100,
        offset,
        more: page < 3,
      });
    }),
    http.get(`${PD}/incidents/:id/log_entries`, () =>
      HttpResponse.json(ackResolveFixture),
    ),
  );
  return served;
}

class StaticProvider implements IncidentProvider {
  constructor(
    readonly id: string,
    private readonly incidents: Incident[],
    private readonly vendorVerdicts?: VendorVerdict[],
  ) {}
  accounts() {
    return ['default'];
  }
  async *sync() {
    yield {
      incidents: this.incidents,
      skipped: 0,
      ...(this.vendorVerdicts && { vendorVerdicts: this.vendorVerdicts }),
    };
  }
}

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

describe.each(databases.eachSupportedId())('ProviderSync on %p', databaseId => {
  async function setup(providers: IncidentProvider[], now = () => NOW) {
    const knex = await databases.init(databaseId);
    const { incidents, syncStates, entities, terms } = await createStores(knex);
    await entities.syncEntities(
      [
        componentEntity(
          'component:default/mail',
          {
            'servicelevel.io/availability': '99.9%',
            'pagerduty.com/service-id': 'PIJ90N7',
          },
          NOW,
        ),
      ],
      NOW,
    );
    const observed: string[] = [];
    const sync = new ProviderSync({
      providers,
      incidents,
      syncStates,
      entities,
      terms,
      logger: mockServices.logger.mock(),
      overlapMs: HOUR,
      now,
      // What the live cards and the metrics are told, in order.
      incidentsWritten: async refs => {
        observed.push(`signal ${refs.join(',')}`);
      },
      metrics: {
        ingested: (n, source) => observed.push(`ingested ${n} ${source}`),
        syncError: (provider, account) =>
          observed.push(`error ${provider}/${account}`),
      },
    });
    return { sync, incidents, syncStates, observed };
  }

  function pagerDuty() {
    return PagerDutyProvider.fromConfig(
      new ConfigReader({ sla: { providers: { pagerduty: { token: 't' } } } }),
      FAST_HTTP,
    )!;
  }

  it('keeps the cursor when a run fails halfway, and the retry stores every incident once', async () => {
    let failing = true;
    const served = pagerDutyPages({ failPage2: () => failing });
    let now = NOW;
    const { sync, incidents, syncStates } = await setup(
      [pagerDuty()],
      () => now,
    );
    await syncStates.put({
      provider: 'pagerduty',
      account: 'default',
      cursor: JSON.stringify({ checkpoint: NOW - 5 * HOUR }),
      lastSuccessAt: NOW - 5 * HOUR,
    });

    const [failed] = await sync.run();

    expect(failed).toMatchObject({ provider: 'pagerduty', written: 1 });
    expect(failed.error).toMatch(/HTTP 404/);
    expect(await syncStates.get('pagerduty', 'default')).toEqual({
      provider: 'pagerduty',
      account: 'default',
      cursor: JSON.stringify({ checkpoint: NOW - 5 * HOUR }),
      // A state written before first attempts were recorded counts from this run.
      firstAttemptAt: NOW,
      lastSyncAt: NOW,
      lastSuccessAt: NOW - 5 * HOUR,
      lastCount: 1,
      lastError: expect.stringMatching(/HTTP 404/),
    });
    expect(await incidents.get('pagerduty', 'PT1')).toBeDefined();

    failing = false;
    now = NOW + 60_000;
    const [retried] = await sync.run();

    expect(retried).toEqual({
      provider: 'pagerduty',
      account: 'default',
      written: 3,
      skipped: 0,
    });
    expect(served).toEqual(['PT1', 'PT1', 'PT2', 'PT3']);
    expect(await incidents.countByEntity()).toEqual([
      { entityRef: 'component:default/mail', count: 3 },
    ]);
    expect(await incidents.get('pagerduty', 'PT2')).toMatchObject({
      title: 'Incident 2',
      acknowledgedAt: Date.parse('2017-09-26T15:15:17Z'),
    });
    expect(await syncStates.get('pagerduty', 'default')).toEqual({
      provider: 'pagerduty',
      account: 'default',
      cursor: JSON.stringify({ checkpoint: NOW + 60_000 }),
      firstAttemptAt: NOW,
      lastSyncAt: NOW + 60_000,
      lastSuccessAt: NOW + 60_000,
      lastCount: 3,
    });
  });

  it('re-reads an overlap before the checkpoint on the next run', async () => {
    const sinceSeen: string[] = [];
    server.use(
      http.get(`${PD}/incidents`, ({ request }) => {
        sinceSeen.push(new URL(request.url).searchParams.get('since')!);
        return HttpResponse.json({ incidents: [], more: false });
      }),
    );
    const p = PagerDutyProvider.fromConfig(
      new ConfigReader({
        sla: { providers: { pagerduty: { token: 't', lookbackDays: 0 } } },
      }),
      FAST_HTTP,
    )!;
    const { sync } = await setup([p]);
    await sync.run();
    await sync.run();

    expect(sinceSeen[1]).toBe(new Date(NOW - HOUR).toISOString());
  });

  it("stores a page's vendor verdicts with its incidents, not those of skipped incidents", async () => {
    const incident = (id: string, priority = 'P3'): Incident => ({
      source: 'servicenow',
      id,
      entityRef: 'component:default/mail',
      title: id,
      priority: priority as Incident['priority'],
      createdAt: NOW - HOUR,
      pauses: [],
    });
    const verdict = (incidentId: string): VendorVerdict => ({
      source: 'servicenow',
      incidentId,
      clock: 'response',
      slaName: 'P3 response',
      breached: true,
    });
    const { sync, incidents } = await setup([
      new StaticProvider(
        'servicenow',
        [incident('INC1'), incident('INC2', 'P9')],
        [verdict('INC1'), verdict('INC2')],
      ),
    ]);
    await sync.run();
    expect(
      await incidents.listVendorVerdicts('servicenow', NOW - 2 * HOUR, NOW),
    ).toEqual([{ ...verdict('INC1'), entityRef: 'component:default/mail' }]);
  });

  it('keeps syncing other sources when one fails', async () => {
    server.use(
      http.get(
        `${PD}/incidents`,
        () => new HttpResponse('down', { status: 503 }),
      ),
    );
    const other = new StaticProvider('servicenow', [
      {
        source: 'servicenow',
        id: 'INC1',
        entityRef: 'component:default/mail',
        title: 'Mail slow',
        priority: 'P3',
        createdAt: NOW - HOUR,
        pauses: [],
      },
      // malformed: skipped and counted, the rest of its page is stored
      {
        source: 'servicenow',
        id: 'INC2',
        entityRef: 'component:default/mail',
        title: 'Bad',
        priority: 'P9' as Incident['priority'],
        createdAt: NOW,
        pauses: [],
      },
    ]);
    const { sync, incidents, syncStates, observed } = await setup([
      pagerDuty(),
      other,
    ]);

    const results = await sync.run();
    expect(observed).toEqual([
      'error pagerduty/default',
      'signal component:default/mail',
      'ingested 1 servicenow',
    ]);

    expect(results).toEqual([
      expect.objectContaining({
        provider: 'pagerduty',
        written: 0,
        error: expect.stringMatching(/HTTP 503/),
      }),
      { provider: 'servicenow', account: 'default', written: 1, skipped: 1 },
    ]);
    expect(await incidents.get('servicenow', 'INC1')).toMatchObject({
      title: 'Mail slow',
    });
    expect(await incidents.get('servicenow', 'INC2')).toBeUndefined();
    const states = await syncStates.list();
    expect(states.map(s => [s.provider, s.lastSuccessAt, s.lastError])).toEqual(
      [
        ['pagerduty', undefined, expect.stringMatching(/HTTP 503/)],
        [
          'servicenow',
          NOW,
          expect.stringMatching(
            /Skipped 1 malformed.*INC2: priority: "P9" — expected P1, P2, P3 or P4/,
          ),
        ],
      ],
    );
  });

  it('records a stretch with no successful sync longer than maxGap as a gap (SPEC §9)', async () => {
    const MIN = 60_000;
    let clock = NOW;
    let down = false;
    const flaky: IncidentProvider = {
      id: 'flaky',
      accounts: () => ['default'],
      async *sync() {
        if (down) throw new Error('HTTP 503 Service Unavailable');
        yield { incidents: [], skipped: 0 };
      },
    };
    const { sync, syncStates } = await setup([flaky], () => clock);
    const state = () => syncStates.get('flaky', 'default');

    await sync.run();
    expect(await state()).toMatchObject({
      firstAttemptAt: NOW,
      lastSuccessAt: NOW,
    });

    // 10 minutes without a success (≤ maxGap, 15 minutes by default): no gap.
    down = true;
    clock = NOW + 5 * MIN;
    await sync.run();
    down = false;
    clock = NOW + 10 * MIN;
    await sync.run();
    expect(await syncStates.listGaps()).toEqual([]);

    // 50 minutes without one: the run that ends it records the gap and re-reads it.
    down = true;
    for (const m of [20, 35, 50]) {
      clock = NOW + m * MIN;
      await sync.run();
    }
    expect(await state()).toMatchObject({
      firstAttemptAt: NOW,
      lastSuccessAt: NOW + 10 * MIN,
      lastError: 'HTTP 503 Service Unavailable',
    });
    down = false;
    clock = NOW + 60 * MIN;
    await sync.run();
    expect(await syncStates.listGaps()).toEqual([
      {
        provider: 'flaky',
        account: 'default',
        start: NOW + 10 * MIN,
        end: NOW + 60 * MIN,
        // From the checkpoint minus the overlap: the whole gap was read again.
        backfilledFrom: NOW + 10 * MIN - HOUR,
      },
    ]);
  });
});
