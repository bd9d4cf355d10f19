import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { CatalogProcessorResult } from '@backstage/plugin-catalog-node';
import {
  parseSlaAnnotations,
  readSlaConfig,
  toOpenSlo,
} from '@servicelevel/plugin-sla-common';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { EXAMPLE_SLA_CONFIG } from '../__testUtils__/slaConfig';
import { createOpenSloFileReader } from './openSloFile';
import { SlaAnnotationsProcessor } from './SlaAnnotationsProcessor';

const { config } = readSlaConfig(EXAMPLE_SLA_CONFIG);

const A = {
  'servicelevel.io/service-hours': 'calendar:cn-workdays',
  'servicelevel.io/availability': '99.95%',
  'servicelevel.io/response-time': 'P1=15m@95% P2=30m',
  'servicelevel.io/resolution-time': 'P1=4h P2=1d',
  'servicelevel.io/max-outage': '2h',
  'servicelevel.io/maintenance': 'Sun 02:00-04:00',
  'servicelevel.io/customer': 'group:default/dispatch-center',
  'servicelevel.io/agreement': 'TFDL-SLA-2026-07',
};

function component(name: string, annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, annotations },
  };
}

/** The processor's second run (the first lets a new entity in whatever it says). */
async function process(
  processor: SlaAnnotationsProcessor,
  entity: Entity,
  location: { type: string; target: string },
) {
  const emitted: CatalogProcessorResult[] = [];
  const cache = { get: async () => true as any, set: async () => {} };
  const out = await processor.postProcessEntity(
    entity,
    location,
    r => emitted.push(r),
    cache,
  );
  const errors = emitted.map(r => (r as { error: Error }).error.message);
  return { out, errors };
}

describe('servicelevel.io/openslo', () => {
  let dir: string;
  const urlReader = mockServices.urlReader.mock();
  const processor = new SlaAnnotationsProcessor(
    config,
    createOpenSloFileReader(urlReader),
  );

  beforeAll(async () => {
    dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'sla-openslo-'));
    await fs.promises.mkdir(path.join(dir, 'second'));
  });
  afterAll(async () => {
    await fs.promises.rm(dir, { recursive: true, force: true });
  });

  it('round-trips: an entity pointing at the export of another has equal evaluated terms', async () => {
    // Export the first entity's terms (what GET /entities/…/openslo serves)…
    const first = parseSlaAnnotations(A, config).terms!;
    await fs.promises.writeFile(
      path.join(dir, 'second', 'slo.yaml'),
      toOpenSlo('component:default/first', first),
    );
    // …and point a second entity, in another file, at it.
    const second = component('second', {
      'servicelevel.io/openslo': './slo.yaml',
    });
    const { out, errors } = await process(processor, second, {
      type: 'file',
      target: path.join(dir, 'second', 'catalog-info.yaml'),
    });
    expect(errors).toEqual([]);
    const read = parseSlaAnnotations(out.metadata.annotations, config);
    expect(read.problems).toEqual([]);
    expect(read.terms).toEqual(first);
    // The annotation stays, so the entity says where its terms came from.
    expect(out.metadata.annotations!['servicelevel.io/openslo']).toBe(
      './slo.yaml',
    );
  });

  it('lets keys written on the entity win, and reads URL locations through the URL reader', async () => {
    const first = parseSlaAnnotations(A, config).terms!;
    urlReader.readUrl.mockResolvedValueOnce({
      buffer: async () => Buffer.from(toOpenSlo('component:default/a', first)),
    } as any);
    const { out, errors } = await process(
      processor,
      component('b', {
        'servicelevel.io/openslo': 'slo/terms.yaml',
        'servicelevel.io/availability': '99.9%',
      }),
      {
        type: 'url',
        target: 'https://github.com/acme/b/blob/main/catalog-info.yaml',
      },
    );
    expect(errors).toEqual([]);
    expect(urlReader.readUrl).toHaveBeenCalledWith(
      'https://github.com/acme/b/blob/main/slo/terms.yaml',
    );
    const terms = parseSlaAnnotations(out.metadata.annotations, config).terms!;
    expect(terms.availability).toBe(99.9);
    expect(terms.responseTime).toEqual(first.responseTime);
  });

  it('names the field of what the grammar cannot express, and files it cannot read', async () => {
    await fs.promises.writeFile(
      path.join(dir, 'latency.yaml'),
      [
        'apiVersion: openslo/v1',
        'kind: SLO',
        'metadata: { name: checkout-latency }',
        'spec:',
        '  timeWindow: [{ duration: 28d, isRolling: true }]',
        '  objectives: [{ op: lte, value: 300, target: 0.99 }]',
        '  indicator:',
        '    spec:',
        '      thresholdMetric:',
        '        metricSource: { type: prometheus, spec: { query: p99_latency } }',
      ].join('\n'),
    );
    const location = { type: 'file', target: path.join(dir, 'c.yaml') };
    const latency = await process(
      processor,
      component('c', { 'servicelevel.io/openslo': './latency.yaml' }),
      location,
    );
    expect(latency.errors).toEqual([
      'servicelevel.io/openslo: ./latency.yaml: SLO "checkout-latency": spec.timeWindow[0] — a rolling window — SLA periods are calendar months, quarters or years: duration 1M, 1Q or 1Y with isRolling: false',
    ]);
    const outside = await process(
      processor,
      component('d', { 'servicelevel.io/openslo': '../../etc/passwd' }),
      location,
    );
    expect(outside.errors).toHaveLength(1);
    expect(outside.errors[0]).toMatch(
      /^servicelevel\.io\/openslo: \.\.\/\.\.\/etc\/passwd: cannot be read — /,
    );
    const missing = await process(
      processor,
      component('e', { 'servicelevel.io/openslo': './nope.yaml' }),
      location,
    );
    expect(missing.errors[0]).toContain('cannot be read');
  });
});
