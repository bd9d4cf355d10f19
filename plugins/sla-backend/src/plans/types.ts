/** Service improvement plans (issue 7): the model shared by the store, the service and the routes. */

export const PLAN_STATUSES = [
  'proposed',
  'approved',
  'in-progress',
  'done',
  'dropped',
] as const;
export type PlanStatus = (typeof PLAN_STATUSES)[number];

/**
 * Allowed status changes. `dropped` is reachable until the plan is done; done and dropped
 * are final.
 */
export const PLAN_TRANSITIONS: Record<PlanStatus, readonly PlanStatus[]> = {
  proposed: ['approved', 'dropped'],
  approved: ['in-progress', 'dropped'],
  'in-progress': ['done', 'dropped'],
  done: [],
  dropped: [],
};

/** Where a plan came from. */
export type PlanOrigin =
  | { type: 'breach'; objective: string; period: string }
  | { type: 'survey'; score: number; scale: number; note?: string }
  | { type: 'review'; note?: string }
  | { type: 'other'; note?: string };

/** An objective in a period that the plan addresses, e.g. availability in 2026-09. */
export interface PlanTarget {
  objective: string;
  period: string;
}

export interface PlanAction {
  id: string;
  title: string;
  /** Entity ref of the person or group doing it. */
  assignee?: string;
  /** YYYY-MM-DD */
  dueDate?: string;
  done: boolean;
  createdAt: number;
  /** When it was marked done. */
  doneAt?: number;
}

export interface Plan {
  id: string;
  entityRef: string;
  title: string;
  description: string;
  origin: PlanOrigin;
  addresses: PlanTarget[];
  /** Entity ref of the plan owner. */
  owner: string;
  /** YYYY-MM-DD */
  targetDate: string;
  status: PlanStatus;
  actions: PlanAction[];
  createdAt: number;
  createdBy: string;
  updatedAt: number;
}

/** One field's change; for actions the field is `actions[<id>].<field>`. */
export interface PlanChange {
  field: string;
  from?: unknown;
  to?: unknown;
}

export interface PlanHistoryEntry {
  seq: number;
  at: number;
  by: string;
  kind: 'created' | 'updated' | 'deleted';
  changes: PlanChange[];
}

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
