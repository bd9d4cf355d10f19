import { isCalendarDate, isPeriodKey } from '@servicelevel/plugin-sla-common';
import type { NewPlan, PlanActionInput, PlanView } from '../../api';

/** A plan's origin as the API sends it: the fields of its type are set. */
type PlanOrigin = PlanView['origin'];

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

/**
 * Field errors, keyed like the backend names them (`actions[1].dueDate`); each value is the
 * key of its message under `plans.error` in the translation ref (the dialog shows it).
 */
export type PlanFormErrors = Partial<Record<string, PlanFormError>>;

/** The messages of the plan form, under `plans.error` in the translation ref. */
export type PlanFormError =
  | 'title'
  | 'owner'
  | 'ownerRef'
  | 'targetDate'
  | 'objective'
  | 'period'
  | 'scale'
  | 'score'
  | 'actionTitle'
  | 'actionDue'
  | 'assignee';

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

export function formFromPlan(plan: PlanView): PlanForm {
  const o = plan.origin;
  return emptyPlanForm({
    title: plan.title,
    description: plan.description,
    originType: o.type,
    objective: o.type === 'breach' ? o.objective ?? '' : '',
    period: o.type === 'breach' ? o.period ?? '' : '',
    score: o.type === 'survey' ? String(o.score ?? '') : '',
    scale: o.type === 'survey' ? String(o.scale ?? 5) : '5',
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

/** Field errors as message keys (see {@link PlanFormErrors}); {} when valid. */
export function validatePlanForm(f: PlanForm): PlanFormErrors {
  const e: PlanFormErrors = {};
  if (!f.title.trim()) e.title = 'title';
  if (!f.owner.trim()) e.owner = 'owner';
  else if (!REF.test(f.owner.trim())) e.owner = 'ownerRef';
  if (!validDate(f.targetDate)) e.targetDate = 'targetDate';
  if (f.originType === 'breach') {
    if (!f.objective.trim()) e.objective = 'objective';
    if (!isPeriodKey(f.period)) e.period = 'period';
  }
  if (f.originType === 'survey') {
    const scale = Number(f.scale);
    const score = Number(f.score);
    if (!Number.isInteger(scale) || scale < 1) e.scale = 'scale';
    else if (f.score.trim() === '' || !(score >= 0 && score <= scale))
      e.score = 'score';
  }
  f.actions.forEach((a, i) => {
    if (!a.title.trim()) e[`actions[${i}].title`] = 'actionTitle';
    if (a.dueDate && !validDate(a.dueDate))
      e[`actions[${i}].dueDate`] = 'actionDue';
    if (a.assignee.trim() && !REF.test(a.assignee.trim()))
      e[`actions[${i}].assignee`] = 'assignee';
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
