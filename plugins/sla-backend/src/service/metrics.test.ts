import { createServiceFactory } from '@backstage/backend-plugin-api';
import { metricsServiceRef } from '@backstage/backend-plugin-api/alpha';
import { mockCredentials } from '@backstage/backend-test-utils';
import { CAD_CORE_ANNOTATIONS } from '../__testUtils__/examples';
import {
  api,
  catalogComponent,
  startSlaBackend,
} from '../__testUtils__/testBackend';

jest.setTimeout(60_000);

/** A metrics service that keeps what was recorded, by metric name. */
function recordingMetrics() {
  const recorded: Record<string, Array<[number, unknown]>> = {};
  const instrument = (name: string) => {
    recorded[name] = [];
    const keep = (value: number, attributes?: unknown) =>
      recorded[name].push([value, attributes]);
    return { add: keep, record: keep };
  };
  const service = {
    createCounter: instrument,
    createUpDownCounter: instrument,
    createHistogram: instrument,
    createGauge: instrument,
  } as any;
  return { recorded, service };
}

describe('metrics (backstage.plugin.sla.*)', () => {
  it('counts ingested incidents by source and times every evaluation', async () => {
    const { recorded, service } = recordingMetrics();
    const server = await startSlaBackend({
      config: { sla: {} },
      entities: [
        catalogComponent('cad-core', CAD_CORE_ANNOTATIONS, 'group:default/ops'),
      ],
      features: [
        createServiceFactory({
          service: metricsServiceRef,
          deps: {},
          factory: () => service,
        }),
      ],
    });
    const user = api(server, mockCredentials.user.header());
    const incident = (id: string) => ({
      source: 'api',
      id,
      entityRef: 'component:default/cad-core',
      title: id,
      priority: 'P2',
      createdAt: '2026-11-02T10:00:00+08:00',
    });
    await user.post('/incidents').send({ incidents: [incident('A')] });
    await user
      .post('/incidents')
      .send({ incidents: [incident('A'), incident('B')] });
    const csv = await user
      .post('/incidents/import')
      .set('Content-Type', 'text/csv')
      .send(
        'source,id,entityRef,title,priority,createdAt\ncsv,C,cad-core,c,P3,2026-11-03T10:00:00Z\n',
      );
    expect(csv.status).toBe(200);
    expect(recorded['backstage.plugin.sla.incidents.ingested']).toEqual([
      [1, { source: 'api' }],
      [2, { source: 'api' }],
      [1, { source: 'csv' }],
    ]);

    const res = await user.get(
      '/entities/component/default/cad-core/compliance?from=2026-11-01&to=2026-11-05',
    );
    expect(res.status).toBe(200);
    const timings = recorded['backstage.plugin.sla.evaluation.duration'];
    expect(timings.length).toBeGreaterThan(0);
    expect(timings.every(([ms]) => ms >= 0)).toBe(true);
    expect(timings.at(-1)![1]).toEqual({ granularity: 'custom' });
    expect(recorded['backstage.plugin.sla.sync.errors']).toEqual([]);
  });
});
