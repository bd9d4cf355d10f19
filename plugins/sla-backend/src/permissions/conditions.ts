import { createConditionExports } from '@backstage/plugin-permission-node';
import { slaEntityResourceRef } from './resource';
import { slaEntityRules } from './rules';

const conditionExports = createConditionExports({
  resourceRef: slaEntityResourceRef,
  rules: slaEntityRules,
});

/**
 * Conditions on an `sla-entity` for permission policies:
 * `slaConditions.isEntityOwner({ claims })`, `slaConditions.isEntityCustomer({ claims })`.
 * @public
 */
export const slaConditions = conditionExports.conditions;

/**
 * Wraps `sla-entity` conditions into a conditional decision for a permission policy, e.g.
 * `createSlaConditionalDecision(permission, slaConditions.isEntityOwner({ claims }))`.
 * @public
 */
export const createSlaConditionalDecision =
  conditionExports.createConditionalDecision;
