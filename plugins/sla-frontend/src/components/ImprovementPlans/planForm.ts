import type {
  NewPlan,
  Plan,
  PlanActionInput,
  PlanOrigin,
} from '../../api/PlansReportsClient';
import { isCalendarDate, isPeriodKey } from '@servicelevel/plugin-sla-common';

/** The plan dialog's form state: every field as the user types it. */
export interface PlanForm {
  title: string;
  description: string;
  originType: PlanOrigin['type'];
  objective: string;
  period: string;
  score: string;
  scale: string;
  note: string;
  owner: string;
  targetDate: string;
  actions: Array<{
    id?: string;
    title: string;
    assignee: string;
    dueDate: string;
    done: boolean;
  }>;
}

export type PlanFormErrors = Partial<Record<string, string>>;

const REF = /^([a-z0-9_-]+:)?([a-z0-9_.-]+\/)?[a-z0-9_.-]+$/i;

// The same date and period-key rules as the plans API (sla-common).
const validDate = isCalendarDate;

export function emptyPlanForm(init: Partial<PlanForm> = {}): PlanForm {
  return {
    title: '',
    description: '',
    originType: 'other',
    objective: '',
    period: '',
    score: '',
    scale: '5',
    note: '',
    owner: '',
    targetDate: '',
    actions: [],
    ...init,
  };
}

export function formFromPlan(plan: Plan): PlanForm {
  const o = plan.origin;
  return emptyPlanForm({
    title: plan.title,
    description: plan.description,
    originType: o.type,
    objective: o.type === 'breach' ? o.objective : '',
    period: o.type === 'breach' ? o.period : '',
    score: o.type === 'survey' ? String(o.score) : '',
    scale: o.type === 'survey' ? String(o.scale) : '5',
    note: o.type !== 'breach' ? o.note ?? '' : '',
    owner: plan.owner,
    targetDate: plan.targetDate,
    actions: plan.actions.map(a => ({
      id: a.id,
      title: a.title,
      assignee: a.assignee ?? '',
      dueDate: a.dueDate ?? '',
      done: a.done,
    })),
  });
}

/** Field errors, keyed like the backend names them (`actions[1].dueDate`); {} when valid. */
export function validatePlanForm(f: PlanForm): PlanFormErrors {
  const e: PlanFormErrors = {};
  if (!f.title.trim()) e.title = 'Give the plan a title';
  if (!f.owner.trim())
    e.owner = 'Who owns the plan? e.g. group:default/web-team';
  else if (!REF.test(f.owner.trim()))
    e.owner = 'Expected an entity ref such as group:default/web-team';
  if (!validDate(f.targetDate)) e.targetDate = 'Pick a target date';
  if (f.originType === 'breach') {
    if (!f.objective.trim())
      e.objective = 'Which objective was breached? e.g. availability';
    if (!isPeriodKey(f.period))
      e.period = 'A period such as 2026-09, 2026-Q3 or 2026';
  }
  if (f.originType === 'survey') {
    const scale = Number(f.scale);
    const score = Number(f.score);
    if (!Number.isInteger(scale) || scale < 1) e.scale = 'A whole number ≥ 1';
    else if (f.score.trim() === '' || !(score >= 0 && score <= scale))
      e.score = `The satisfaction score, 0 to ${scale}`;
  }
  f.actions.forEach((a, i) => {
    if (!a.title.trim()) e[`actions[${i}].title`] = 'Describe the action';
    if (a.dueDate && !validDate(a.dueDate))
      e[`actions[${i}].dueDate`] = 'A date YYYY-MM-DD';
    if (a.assignee.trim() && !REF.test(a.assignee.trim()))
      e[`actions[${i}].assignee`] = 'An entity ref such as user:default/jane';
  });
  return e;
}

export function originOf(f: PlanForm): PlanOrigin {
  const note = f.note.trim() ? { note: f.note.trim() } : {};
  switch (f.originType) {
    case 'breach':
      return {
        type: 'breach',
        objective: f.objective.trim(),
        period: f.period.trim(),
      };
    case 'survey':
      return {
        type: 'survey',
        score: Number(f.score),
        scale: Number(f.scale),
        ...note,
      };
    default:
      return { type: f.originType, ...note };
  }
}

export function actionsOf(f: PlanForm): PlanActionInput[] {
  return f.actions.map(a => ({
    ...(a.id ? { id: a.id } : {}),
    title: a.title.trim(),
    ...(a.assignee.trim() ? { assignee: a.assignee.trim() } : {}),
    ...(a.dueDate ? { dueDate: a.dueDate } : {}),
    done: a.done,
  }));
}

export function newPlanOf(entityRef: string, f: PlanForm): NewPlan {
  return {
    entityRef,
    title: f.title.trim(),
    description: f.description.trim(),
    origin: originOf(f),
    owner: f.owner.trim(),
    targetDate: f.targetDate,
    actions: actionsOf(f),
  };
}

/** Human text of an origin. */
export function describeOrigin(o: PlanOrigin): string {
  switch (o.type) {
    case 'breach':
      return `Breach of ${o.objective} in ${o.period}`;
    case 'survey':
      return `Customer survey: ${o.score}/${o.scale}${
        o.note ? ` — ${o.note}` : ''
      }`;
    case 'review':
      return `Agreement review${o.note ? ` — ${o.note}` : ''}`;
    default:
      return o.note ? `Other — ${o.note}` : 'Other';
  }
}

export const STATUS_LABEL: Record<Plan['status'], string> = {
  proposed: 'Proposed',
  approved: 'Approved',
  'in-progress': 'In progress',
  done: 'Done',
  dropped: 'Dropped',
};

/**
 * The due text of an action as the plan dialog shows it (`due 2026-11-25 · OVERDUE`). Overdue
 * is the API's answer (decided in the entity's zone by sla-common), never the browser's clock.
 */
export function actionDueText(
  plan: Pick<Plan, 'overdueActions'>,
  action: { id: string; dueDate?: string },
): string | undefined {
  if (!action.dueDate) return undefined;
  return plan.overdueActions.includes(action.id)
    ? `due ${action.dueDate} · OVERDUE`
    : `due ${action.dueDate}`;
}
