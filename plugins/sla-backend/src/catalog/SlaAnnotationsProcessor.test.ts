import { Entity } from '@backstage/catalog-model';
import { CatalogProcessorResult } from '@backstage/plugin-catalog-node';
import { JsonValue } from '@backstage/types';
import { readSlaConfig } from '@servicelevel/plugin-sla-common';
import { SlaAnnotationsProcessor } from './SlaAnnotationsProcessor';

const { config } = readSlaConfig({
  tiers: { gold: { availability: '99.95%' } },
});
const location = {
  type: 'url',
  target: 'https://example.com/catalog-info.yaml',
};

function entity(annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'notification-service', annotations },
  };
}

function memoryCache() {
  const data = new Map<string, JsonValue>();
  return {
    get: async <T extends JsonValue>(key: string) =>
      data.get(key) as T | undefined,
    set: async <T extends JsonValue>(key: string, value: T) => {
      data.set(key, value);
    },
  };
}

async function run(
  processor: SlaAnnotationsProcessor,
  e: Entity,
  cache: ReturnType<typeof memoryCache>,
) {
  const emitted: CatalogProcessorResult[] = [];
  const out = await processor.postProcessEntity(
    e,
    location,
    r => emitted.push(r),
    cache,
  );
  return { out, emitted };
}

describe('SlaAnnotationsProcessor', () => {
  const processor = new SlaAnnotationsProcessor(config);

  it('turns a malformed annotation into a processing error naming key, value and expected form', async () => {
    const cache = memoryCache();
    const bad = entity({
      'servicelevel.io/tier': 'gold',
      'servicelevel.io/response-time': 'P1=15 minutes',
    });

    // First sight: let the entity into the catalog, which never publishes an entity whose
    // first processing failed.
    expect((await run(processor, bad, cache)).emitted).toEqual([]);

    const { out, emitted } = await run(processor, bad, cache);
    expect(out).toBe(bad);
    expect(emitted).toHaveLength(1);
    expect(emitted[0]).toMatchObject({ type: 'error', location });
    const message = (emitted[0] as { error: Error }).error.message;
    expect(message).toContain('servicelevel.io/response-time');
    expect(message).toContain('"P1=15 minutes"');
    expect(message).toContain('expected');
  });

  it('reports an unknown tier and an unknown key with a suggestion', async () => {
    const cache = memoryCache();
    const bad = entity({
      'servicelevel.io/tier': 'platinum',
      'servicelevel.io/availabilty': '99%',
    });
    await run(processor, bad, cache);
    const { emitted } = await run(processor, bad, cache);
    const messages = emitted.map(r => (r as { error: Error }).error.message);
    expect(messages.some(m => m.includes('platinum'))).toBe(true);
    expect(messages.some(m => m.includes('availability'))).toBe(true);
  });

  it('emits nothing for valid annotations or entities without an SLA', async () => {
    const cache = memoryCache();
    for (const e of [entity({ 'servicelevel.io/tier': 'gold' }), entity({})]) {
      await run(processor, e, cache);
      expect((await run(processor, e, cache)).emitted).toEqual([]);
    }
  });
});
