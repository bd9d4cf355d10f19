import type { PlanView } from '../../api';

/**
 * Whether the UI shows an action as overdue: the API's answer (`overdueActions`, decided in
 * the entity's zone by sla-common), never the browser's clock.
 */
export function isActionShownOverdue(
  plan: Pick<PlanView, 'overdueActions'>,
  action: { id: string },
): boolean {
  return plan.overdueActions.includes(action.id);
}
