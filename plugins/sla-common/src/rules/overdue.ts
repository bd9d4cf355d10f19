import type { Plan } from '../plans';
import { daysUntil } from './dates';

/**
 * "Overdue" for improvement plans and their actions, decided by the civil date of the
 * entity's zone: a date's own day is still in time; it is overdue once the next day has begun
 * there. The plans API, the notifier and the frontend all ask these functions.
 */

/** True once the day after `dueDate` has begun in `zone`. */
export function isDateOverdue(
  dueDate: string | undefined,
  now: number,
  zone: string,
): boolean {
  if (!dueDate) return false;
  const days = daysUntil(dueDate, now, zone);
  return days !== undefined && days < 0;
}

function isOpen(plan: Pick<Plan, 'status'>): boolean {
  return plan.status !== 'done' && plan.status !== 'dropped';
}

/** Ids of a plan's open actions that are overdue; none for a plan that is done or dropped. */
export function overdueActionIds(
  plan: Pick<Plan, 'status' | 'actions'>,
  now: number,
  zone: string,
): string[] {
  if (!isOpen(plan)) return [];
  return plan.actions
    .filter(a => !a.done && isDateOverdue(a.dueDate, now, zone))
    .map(a => a.id);
}

/** A plan is overdue while open and its target date or an open action's due date is overdue. */
export function isPlanOverdue(
  plan: Pick<Plan, 'status' | 'actions' | 'targetDate'>,
  now: number,
  zone: string,
): boolean {
  if (!isOpen(plan)) return false;
  return (
    isDateOverdue(plan.targetDate, now, zone) ||
    overdueActionIds(plan, now, zone).length > 0
  );
}
