/**
 * The SLA backend plugin: incident store, ingestion, catalog integration and the
 * compliance API described in docs/api.md.
 *
 * @packageDocumentation
 */

export { slaPlugin as default } from './plugin';
export { catalogModuleSlaAnnotations } from './catalog/module';
export { SlaAnnotationsProcessor } from './catalog/SlaAnnotationsProcessor';
export { techInsightsModuleSlaFacts } from './techInsights/module';
export {
  createSlaConditionalDecision,
  isEntityCustomer,
  isEntityOwner,
  slaConditions,
  slaEntityResourceRef,
} from './permissions';
export type {
  ClaimsParams,
  SlaEntityQuery,
  SlaEntityResource,
} from './permissions';
