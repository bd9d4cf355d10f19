import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { readSlaConfig } from '@servicelevel/plugin-sla-common';
import { SlaAnnotationsProcessor } from './SlaAnnotationsProcessor';

/**
 * Catalog module that reports malformed `servicelevel.io/` annotations as processing
 * errors on the entity. Install it beside the sla plugin.
 * @public
 */
export const catalogModuleSlaAnnotations = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'sla-annotations',
  register(reg) {
    reg.registerInit({
      deps: {
        catalog: catalogProcessingExtensionPoint,
        config: coreServices.rootConfig,
      },
      async init({ catalog, config }) {
        const { config: slaConfig } = readSlaConfig(
          config.getOptional('sla') ?? {},
        );
        catalog.addProcessor(new SlaAnnotationsProcessor(slaConfig));
      },
    });
  },
});
