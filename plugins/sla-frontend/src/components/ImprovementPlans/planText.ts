import type { PlanView } from '../../api';
import { SlaFormat, useSlaFormat } from '../common';
import { isActionShownOverdue } from './actionOverdue';
import type { PlanForm, PlanFormError } from './planForm';

type PlanOrigin = PlanView['origin'];

/**
 * A plan's texts in the user's language: status names, its origin, an action's due date and
 * the form's error messages, all through the translation ref.
 */
/** A plan's texts (declared: see {@link SlaFormat}). */
export interface PlanText extends SlaFormat {
  status(s: PlanView['status']): string;
  origin(o: PlanOrigin): string;
  actionDue(
    plan: Pick<PlanView, 'overdueActions'>,
    action: { id: string; dueDate?: string },
  ): string | undefined;
  error(code: PlanFormError | undefined, form: PlanForm): string | undefined;
}

export function usePlanText(): PlanText {
  const fmt = useSlaFormat();
  const { t } = fmt;

  const status = (s: PlanView['status']) => t(`plans.status.${s}`);

  const origin = (o: PlanOrigin): string => {
    let text: string;
    switch (o.type) {
      case 'breach':
        text = t('plans.origin.breach', {
          objective: o.objective ? fmt.objective(o.objective) : '—',
          period: o.period ?? '—',
        });
        break;
      case 'survey':
        text = t('plans.origin.survey', {
          score: String(o.score ?? '—'),
          scale: String(o.scale ?? 5),
        });
        break;
      case 'review':
        text = t('plans.origin.review');
        break;
      default:
        text = t('plans.origin.other');
    }
    const note = o.type === 'breach' ? undefined : o.note;
    return note ? t('plans.origin.withNote', { origin: text, note }) : text;
  };

  /**
   * The due text of an action (`due 2026-11-25 · overdue`). Overdue is the API's answer
   * (decided in the entity's zone by sla-common), never the browser's clock.
   */
  const actionDue = (
    plan: Pick<PlanView, 'overdueActions'>,
    action: { id: string; dueDate?: string },
  ): string | undefined => {
    if (!action.dueDate) return undefined;
    return isActionShownOverdue(plan, action)
      ? t('plans.details.dueOverdue', { date: action.dueDate })
      : t('plans.details.due', { date: action.dueDate });
  };

  const error = (code: PlanFormError | undefined, form: PlanForm) =>
    code === undefined
      ? undefined
      : t(`plans.error.${code}`, { scale: form.scale });

  return { ...fmt, status, origin, actionDue, error };
}
