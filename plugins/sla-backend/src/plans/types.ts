/** Service improvement plans (issue 7): the model shared by the store, the service and the routes. */

export {
  PLAN_STATUSES,
  PLAN_TRANSITIONS,
} from '@servicelevel/plugin-sla-common';
export type {
  Plan,
  PlanAction,
  PlanChange,
  PlanHistoryEntry,
  PlanOrigin,
  PlanStatus,
  PlanTarget,
} from '@servicelevel/plugin-sla-common';
