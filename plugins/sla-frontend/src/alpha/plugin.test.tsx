import { Entity } from '@backstage/catalog-model';
import { coreExtensionData } from '@backstage/frontend-plugin-api';
import {
  createExtensionTester,
  mockApis,
} from '@backstage/frontend-test-utils';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import slaPlugin, { slaEntityCard, slaEntityContent } from './plugin';

const translationApis = [mockApis.translation()] as const;

const base: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'cad-core' },
};
const withSla: Entity = {
  ...base,
  metadata: {
    name: 'cad-core',
    annotations: { 'servicelevel.io/tier': 'gold' },
  },
};

describe('sla plugin (new frontend system)', () => {
  it('is the sla plugin', () => {
    expect(slaPlugin.pluginId).toBe('sla');
  });

  it('only shows the entity card on entities that have an SLA', () => {
    const tester = createExtensionTester(slaEntityCard);
    const filter = tester.get(EntityCardBlueprint.dataRefs.filterFunction)!;
    expect(filter(base)).toBe(false);
    expect(filter(withSla)).toBe(true);
  });

  it('adds an SLA tab at <entity>/sla on entities that have an SLA', () => {
    const tester = createExtensionTester(slaEntityContent, {
      apis: translationApis,
    });
    expect(tester.get(coreExtensionData.routePath)).toBe('sla');
    const filter = tester.get(EntityContentBlueprint.dataRefs.filterFunction)!;
    expect(filter(base)).toBe(false);
    expect(filter(withSla)).toBe(true);
  });

  it('mounts the organisation page at /sla with its tabs', () => {
    const page = slaPlugin.getExtension('page:sla');
    const catalogTab = slaPlugin.getExtension('sub-page:sla/catalog');
    const tester = createExtensionTester(page, { apis: translationApis }).add(
      catalogTab,
    );
    expect(tester.get(coreExtensionData.routePath)).toBe('/sla');
    expect(tester.get(coreExtensionData.title)).toBe('Service levels');
    expect(tester.get(coreExtensionData.icon)).toBeTruthy();
    expect(tester.query(catalogTab).get(coreExtensionData.routePath)).toBe(
      'catalog',
    );
    expect(tester.query(catalogTab).get(coreExtensionData.title)).toBe(
      'Service catalog',
    );
  });
});
