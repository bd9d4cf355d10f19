/**
 * Service improvement plans (README.md "Improve"): the model the backend stores and the
 * frontend shows, with the status transitions both enforce.
 */

/** @public */
export const PLAN_STATUSES = [
  'proposed',
  'approved',
  'in-progress',
  'done',
  'dropped',
] as const;
/** @public */
export type PlanStatus = (typeof PLAN_STATUSES)[number];

/**
 * Allowed status changes. `dropped` is reachable until the plan is done; done and dropped
 * are final.
 * @public
 */
export const PLAN_TRANSITIONS: Record<PlanStatus, readonly PlanStatus[]> = {
  proposed: ['approved', 'dropped'],
  approved: ['in-progress', 'dropped'],
  'in-progress': ['done', 'dropped'],
  done: [],
  dropped: [],
};

/** Where a plan came from. @public */
export type PlanOrigin =
  | { type: 'breach'; objective: string; period: string }
  | { type: 'survey'; score: number; scale: number; note?: string }
  | { type: 'review'; note?: string }
  | { type: 'other'; note?: string };

/** An objective in a period that the plan addresses, e.g. availability in 2026-09. @public */
export interface PlanTarget {
  objective: string;
  period: string;
}

/** @public */
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

/** @public */
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

/** One field's change; for actions the field is `actions[<id>].<field>`. @public */
export interface PlanChange {
  field: string;
  from?: unknown;
  to?: unknown;
}

/** @public */
export interface PlanHistoryEntry {
  seq: number;
  at: number;
  by: string;
  kind: 'created' | 'updated' | 'deleted';
  changes: PlanChange[];
}
