import { Entity } from '@backstage/catalog-model';
import { createExtensionTester } from '@backstage/frontend-test-utils';
import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import slaPlugin, { slaEntityCard } from './plugin';

describe('sla plugin (new frontend system)', () => {
  it('is the sla plugin', () => {
    expect(slaPlugin.pluginId).toBe('sla');
  });

  it('only shows the entity card on entities that have an SLA', () => {
    const tester = createExtensionTester(slaEntityCard);
    const filter = tester.get(EntityCardBlueprint.dataRefs.filterFunction)!;
    const base: Entity = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: { name: 'cad-core' },
    };
    expect(filter(base)).toBe(false);
    expect(
      filter({
        ...base,
        metadata: {
          name: 'cad-core',
          annotations: { 'servicelevel.io/tier': 'gold' },
        },
      }),
    ).toBe(true);
  });
});
