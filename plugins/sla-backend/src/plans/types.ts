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
import type {
  Plan,
  PlanChange,
  PlanHistoryEntry,
  PlanStatus,
} from '@servicelevel/plugin-sla-common';

export interface PlanFilter {
  entityRef?: string;
  owner?: string;
  status?: PlanStatus[];
}

export interface PlanStore {
  /** Stores a new plan and its `created` history entry in one transaction. */
  create(plan: Plan, by: string): Promise<Plan>;
  /** A plan that is not deleted. */
  get(id: string): Promise<Plan | undefined>;
  /** Plans that are not deleted, newest first. */
  list(filter: PlanFilter): Promise<Plan[]>;
  /**
   * Reads the plan, lets `apply` compute the next state and the changes, and writes both in one
   * transaction. Nothing is written when `apply` returns no changes. Undefined when the plan
   * does not exist.
   */
  update(
    id: string,
    apply: (current: Plan) => { next: Plan; changes: PlanChange[] },
    meta: { by: string; at: number },
  ): Promise<Plan | undefined>;
  /** Marks the plan deleted and records it; false when it did not exist. */
  delete(id: string, meta: { by: string; at: number }): Promise<boolean>;
  /** The plan's history, oldest first (also for deleted plans). */
  history(id: string): Promise<PlanHistoryEntry[]>;
}
