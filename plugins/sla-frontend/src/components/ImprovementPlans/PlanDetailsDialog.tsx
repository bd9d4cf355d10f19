import { useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import Button from '@material-ui/core/Button';
import Checkbox from '@material-ui/core/Checkbox';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemIcon from '@material-ui/core/ListItemIcon';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import {
  PLAN_TRANSITIONS,
  slaPlanDeletePermission,
  slaPlanUpdatePermission,
} from '@servicelevel/plugin-sla-common';
import type { PlanView, PlanWithHistory } from '../../api';
import { PlanDialog } from './PlanDialog';
import { PlanStatusChip } from './PlanStatusChip';
import { usePlanText } from './planText';
import {
  browserTimeZone,
  errorMessage,
  formatInstant,
  GuardedButton,
  usePermissionOn,
  useSlaApi,
} from '../common';

type Change = PlanWithHistory['history'][number]['changes'][number];

const FIELDS = [
  'title',
  'description',
  'origin',
  'owner',
  'targetDate',
  'status',
  'actions',
] as const;

/** One change of the history, in the user's language. */
function useDescribeChange() {
  const text = usePlanText();
  const { t } = text;
  const fieldName = (f: string) =>
    (FIELDS as readonly string[]).includes(f)
      ? t(`plans.details.field.${f as (typeof FIELDS)[number]}`)
      : f;
  const show = (field: string, v: unknown) => {
    if (v === undefined) return '—';
    if (field === 'status' && typeof v === 'string')
      return text.status(v as PlanView['status']);
    return String(v);
  };
  return (c: Change): string => {
    const field = fieldName(c.field);
    if (c.from === undefined)
      return t('plans.details.added', { field, value: show(c.field, c.to) });
    if (c.to === undefined)
      return t('plans.details.removed', {
        field,
        value: show(c.field, c.from),
      });
    if (typeof c.from === 'object' || typeof c.to === 'object')
      return t('plans.details.changed', { field });
    return t('plans.details.set', {
      field,
      from: show(c.field, c.from),
      to: show(c.field, c.to),
    });
  };
}

/** Props of {@link PlanDetailsDialog}. @public */
export interface PlanDetailsDialogProps {
  planId: string;
  onClose: () => void;
  /** Called after any change (status, action, edit, delete) so lists can reload. */
  onChanged: () => void;
  /** Zone of the history's times: the entity's; the browser's without one. */
  timeZone?: string;
}

/** One plan: status steps, actions to tick off, edit, delete and the full history. */
export const PlanDetailsDialog = ({
  planId,
  onClose,
  onChanged,
  timeZone,
}: PlanDetailsDialogProps) => {
  const api = useSlaApi();
  const text = usePlanText();
  const { t } = text;
  const describeChange = useDescribeChange();
  const zone = timeZone ?? browserTimeZone();
  const state = useAsyncRetry(() => api.getPlan(planId), [api, planId]);
  const [editing, setEditing] = useState(false);
  const [error, setError] = useState<string>();

  const run = async (fn: () => Promise<unknown>) => {
    setError(undefined);
    try {
      await fn();
      onChanged();
      state.retry();
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  const plan = state.value;
  // Until the plan has loaded, its entity is unknown: no permission is asked for.
  const planEntity = plan?.entityRef;
  const canUpdate = usePermissionOn(slaPlanUpdatePermission, planEntity);
  const canDelete = usePermissionOn(slaPlanDeletePermission, planEntity);
  const toggle = (p: PlanView, id: string, done: boolean) =>
    run(() =>
      api.updatePlan(p.id, {
        actions: p.actions.map(a => ({
          id: a.id,
          title: a.title,
          assignee: a.assignee,
          dueDate: a.dueDate,
          done: a.id === id ? done : a.done,
        })),
      }),
    );

  return (
    <Dialog open onClose={onClose} maxWidth="md" fullWidth>
      <DialogTitle>
        {plan?.title ?? t('plans.details.fallbackTitle')}
      </DialogTitle>
      <DialogContent>
        {state.loading && !plan && <Progress />}
        {state.error && <ResponseErrorPanel error={state.error} />}
        {error && <Alert severity="error">{error}</Alert>}
        {plan && (
          <>
            <PlanStatusChip plan={plan} />
            <Typography variant="body2" style={{ marginTop: 8 }}>
              <EntityRefLink
                entityRef={plan.entityRef}
                defaultKind="component"
              />{' '}
              · {t('plans.details.owner')}{' '}
              <EntityRefLink entityRef={plan.owner} defaultKind="group" /> ·{' '}
              {t('plans.details.targetDate', { date: plan.targetDate })}
            </Typography>
            <Typography variant="body2">{text.origin(plan.origin)}</Typography>
            {plan.addresses.length > 0 && (
              <Typography variant="body2">
                {t('plans.details.addresses', {
                  list: plan.addresses
                    .map(a =>
                      t('plans.details.addressed', {
                        objective: text.objective(a.objective),
                        period: a.period,
                      }),
                    )
                    .join(', '),
                })}
              </Typography>
            )}
            {plan.description && (
              <Typography variant="body1" style={{ marginTop: 8 }}>
                {plan.description}
              </Typography>
            )}
            <Typography variant="subtitle2" style={{ marginTop: 16 }}>
              {t('plans.details.actions')}
            </Typography>
            {plan.actions.length === 0 && (
              <Typography variant="body2">
                {t('plans.details.noActions')}
              </Typography>
            )}
            <List dense>
              {plan.actions.map(a => (
                <ListItem key={a.id}>
                  <ListItemIcon>
                    <Checkbox
                      edge="start"
                      checked={a.done}
                      disabled={
                        !canUpdate.allowed ||
                        plan.status === 'done' ||
                        plan.status === 'dropped'
                      }
                      onChange={e => toggle(plan, a.id, e.target.checked)}
                      inputProps={{
                        'aria-label': t('plans.details.actionDone', {
                          title: a.title,
                        }),
                      }}
                    />
                  </ListItemIcon>
                  <ListItemText
                    primary={a.title}
                    secondary={[a.assignee, text.actionDue(plan, a)]
                      .filter(Boolean)
                      .join(' · ')}
                  />
                </ListItem>
              ))}
            </List>
            <Typography variant="subtitle2" style={{ marginTop: 16 }}>
              {t('plans.details.history')}
            </Typography>
            <List dense>
              {plan.history.map(h => (
                <ListItem key={h.seq}>
                  <ListItemText
                    primary={t('plans.details.historyLine', {
                      at: `${formatInstant(h.at, zone)} (${zone})`,
                      by: h.by,
                      kind: t(`plans.details.kind.${h.kind}`),
                    })}
                    secondary={
                      h.changes.map(describeChange).join('; ') || undefined
                    }
                  />
                </ListItem>
              ))}
            </List>
          </>
        )}
      </DialogContent>
      <DialogActions>
        {plan &&
          PLAN_TRANSITIONS[plan.status].map(next => (
            <GuardedButton
              key={next}
              color={next === 'dropped' ? 'default' : 'primary'}
              permission={canUpdate}
              deniedText={t('plans.denied.update')}
              onClick={() =>
                run(() => api.updatePlan(plan.id, { status: next }))
              }
              title={t('plans.details.transition', {
                from: text.status(plan.status),
                to: text.status(next),
              })}
            >
              {t(`plans.transition.${next}`)}
            </GuardedButton>
          ))}
        {plan && (
          <GuardedButton
            permission={canUpdate}
            deniedText={t('plans.denied.update')}
            onClick={() => setEditing(true)}
          >
            {t('plans.details.edit')}
          </GuardedButton>
        )}
        {plan && (
          <GuardedButton
            permission={canDelete}
            deniedText={t('plans.denied.delete')}
            onClick={() => {
              if (
                // eslint-disable-next-line no-alert
                window.confirm(
                  t('plans.details.confirmDelete', { title: plan.title }),
                )
              ) {
                run(() => api.deletePlan(plan.id)).then(onClose);
              }
            }}
          >
            {t('plans.details.delete')}
          </GuardedButton>
        )}
        <Button onClick={onClose}>{t('plans.details.close')}</Button>
      </DialogActions>
      {plan && editing && (
        <PlanDialog
          open
          entityRef={plan.entityRef}
          plan={plan}
          onClose={() => setEditing(false)}
          onSaved={() => {
            setEditing(false);
            onChanged();
            state.retry();
          }}
        />
      )}
    </Dialog>
  );
};

/**
 * The details dialog of the plan a list opened: `open(id)` shows it, and `dialog` is the
 * element to render. `onChanged` reloads the list after a change.
 */
export function usePlanDetailsDialog(onChanged: () => void, timeZone?: string) {
  const [openId, setOpenId] = useState<string>();
  const dialog = openId ? (
    <PlanDetailsDialog
      planId={openId}
      onClose={() => setOpenId(undefined)}
      onChanged={onChanged}
      timeZone={timeZone}
    />
  ) : null;
  return { open: setOpenId, dialog };
}
