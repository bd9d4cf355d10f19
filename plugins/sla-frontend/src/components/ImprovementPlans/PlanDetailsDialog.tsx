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
import {
  Plan,
  PlanHistoryEntry,
  PLAN_TRANSITIONS,
  PlanStatus,
} from '../../api/PlansReportsClient';
import { actionDueText, describeOrigin, STATUS_LABEL } from './planForm';
import { PlanDialog } from './PlanDialog';
import { PlanStatusChip } from './PlanStatusChip';
import { errorMessage, usePlansReportsApi } from './usePlansReportsApi';

const ACTION_LABEL: Record<PlanStatus, string> = {
  proposed: 'Propose',
  approved: 'Approve',
  'in-progress': 'Start',
  done: 'Mark done',
  dropped: 'Drop',
};

function describeChange(c: PlanHistoryEntry['changes'][number]): string {
  const show = (v: unknown) => (v === undefined ? '—' : String(v));
  if (c.from === undefined) return `${c.field} added: ${show(c.to)}`;
  if (c.to === undefined) return `${c.field} removed: ${show(c.from)}`;
  if (typeof c.from === 'object' || typeof c.to === 'object') {
    return `${c.field} changed`;
  }
  return `${c.field}: ${show(c.from)} → ${show(c.to)}`;
}

/** Props of {@link PlanDetailsDialog}. @public */
export interface PlanDetailsDialogProps {
  planId: string;
  onClose: () => void;
  /** Called after any change (status, action, edit, delete) so lists can reload. */
  onChanged: () => void;
}

/** One plan: status steps, actions to tick off, edit, delete and the full history. */
export const PlanDetailsDialog = ({
  planId,
  onClose,
  onChanged,
}: PlanDetailsDialogProps) => {
  const api = usePlansReportsApi();
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
  const toggle = (p: Plan, id: string, done: boolean) =>
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
      <DialogTitle>{plan?.title ?? 'Improvement plan'}</DialogTitle>
      <DialogContent>
        {state.loading && !plan && <Progress />}
        {state.error && <ResponseErrorPanel error={state.error} />}
        {error && <Alert severity="error">{error}</Alert>}
        {plan && (
          <>
            <PlanStatusChip plan={plan} />
            <Typography variant="body2" style={{ marginTop: 8 }}>
              {plan.entityRef} · owner {plan.owner} · target {plan.targetDate}
            </Typography>
            <Typography variant="body2">
              {describeOrigin(plan.origin)}
            </Typography>
            {plan.addresses.length > 0 && (
              <Typography variant="body2">
                Addresses:{' '}
                {plan.addresses
                  .map(a => `${a.objective} (${a.period})`)
                  .join(', ')}
              </Typography>
            )}
            {plan.description && (
              <Typography variant="body1" style={{ marginTop: 8 }}>
                {plan.description}
              </Typography>
            )}
            <Typography variant="subtitle2" style={{ marginTop: 16 }}>
              Actions
            </Typography>
            {plan.actions.length === 0 && (
              <Typography variant="body2">No actions yet.</Typography>
            )}
            <List dense>
              {plan.actions.map(a => (
                <ListItem key={a.id}>
                  <ListItemIcon>
                    <Checkbox
                      edge="start"
                      checked={a.done}
                      disabled={
                        plan.status === 'done' || plan.status === 'dropped'
                      }
                      onChange={e => toggle(plan, a.id, e.target.checked)}
                      inputProps={{ 'aria-label': `${a.title} done` }}
                    />
                  </ListItemIcon>
                  <ListItemText
                    primary={a.title}
                    secondary={[a.assignee, actionDueText(plan, a)]
                      .filter(Boolean)
                      .join(' · ')}
                  />
                </ListItem>
              ))}
            </List>
            <Typography variant="subtitle2" style={{ marginTop: 16 }}>
              History
            </Typography>
            <List dense>
              {plan.history.map(h => (
                <ListItem key={h.seq}>
                  <ListItemText
                    primary={`${new Date(h.at).toLocaleString()} — ${h.by} — ${
                      h.kind
                    }`}
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
            <Button
              key={next}
              color={next === 'dropped' ? 'default' : 'primary'}
              onClick={() =>
                run(() => api.updatePlan(plan.id, { status: next }))
              }
              title={`${STATUS_LABEL[plan.status]} → ${STATUS_LABEL[next]}`}
            >
              {ACTION_LABEL[next]}
            </Button>
          ))}
        {plan && <Button onClick={() => setEditing(true)}>Edit</Button>}
        {plan && (
          <Button
            onClick={() => {
              // eslint-disable-next-line no-alert
              if (window.confirm(`Delete the plan "${plan.title}"?`)) {
                run(() => api.deletePlan(plan.id)).then(onClose);
              }
            }}
          >
            Delete
          </Button>
        )}
        <Button onClick={onClose}>Close</Button>
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
