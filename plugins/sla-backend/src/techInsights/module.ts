import { techInsightsFactRetrieversExtensionPoint } from '@backstage-community/plugin-tech-insights-node';
import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { SLA_FACT_RETRIEVER_ID, slaFactRetriever } from './slaFactRetriever';

/**
 * Tech Insights module that adds the `sla-facts` fact retriever: per entity with an SLA, the
 * last closed period's achievement rate, breached objectives, availability and error budget,
 * and whether the review is overdue and the terms are confirmed, read from the sla plugin's
 * API. Install it beside `@backstage-community/plugin-tech-insights-backend`; the retriever
 * runs on the cadence of `techInsights.factRetrievers.sla-facts` (docs/configuration.md).
 * @public
 */
export const techInsightsModuleSlaFacts = createBackendModule({
  pluginId: 'tech-insights',
  moduleId: 'sla-facts',
  register(reg) {
    reg.registerInit({
      deps: {
        retrievers: techInsightsFactRetrieversExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
      },
      async init({ retrievers, config, logger }) {
        retrievers.addFactRetrievers({
          [SLA_FACT_RETRIEVER_ID]: slaFactRetriever,
        });
        // Tech Insights schedules only the retrievers with a config entry, and says nothing.
        if (
          !config.has(`techInsights.factRetrievers.${SLA_FACT_RETRIEVER_ID}`)
        ) {
          logger.warn(
            `The ${SLA_FACT_RETRIEVER_ID} fact retriever is not scheduled: set techInsights.factRetrievers.${SLA_FACT_RETRIEVER_ID}.cadence`,
          );
        }
      },
    });
  },
});
