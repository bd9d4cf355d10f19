export { slaConditions, createSlaConditionalDecision } from './conditions';
export { slaEntityResourceRef } from './resource';
export type { SlaEntityResource, SlaEntityQuery } from './resource';
export { createSlaEntityResourceLoader } from './resource';
export { isEntityCustomer, isEntityOwner, slaEntityRules } from './rules';
export type { ClaimsParams } from './rules';
