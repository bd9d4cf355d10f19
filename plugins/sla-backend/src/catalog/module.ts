import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { readSlaConfig } from '@servicelevel/plugin-sla-common';
import { createOpenSloFileReader } from './openSloFile';
import { SlaAnnotationsProcessor } from './SlaAnnotationsProcessor';

/**
 * Catalog module that reports malformed `servicelevel.io/` annotations as processing
 * errors on the entity, and merges the terms of a `servicelevel.io/openslo` file into the
 * entity's annotations. Install it beside the sla plugin.
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
        urlReader: coreServices.urlReader,
      },
      async init({ catalog, config, urlReader }) {
        const { config: slaConfig } = readSlaConfig(
          config.getOptional('sla') ?? {},
        );
        catalog.addProcessor(
          new SlaAnnotationsProcessor(
            slaConfig,
            createOpenSloFileReader(urlReader),
          ),
        );
      },
    });
  },
});
