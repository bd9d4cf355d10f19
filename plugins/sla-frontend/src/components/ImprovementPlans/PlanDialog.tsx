import { useState } from 'react';
import Button from '@material-ui/core/Button';
import Checkbox from '@material-ui/core/Checkbox';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import Grid from '@material-ui/core/Grid';
import IconButton from '@material-ui/core/IconButton';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import DeleteIcon from '@material-ui/icons/Delete';
import Alert from '@material-ui/lab/Alert';
import type { Plan } from '../../api/PlansReportsClient';
import {
  actionsOf,
  emptyPlanForm,
  formFromPlan,
  newPlanOf,
  originOf,
  PlanForm,
  PlanFormErrors,
  validatePlanForm,
} from './planForm';
import { errorMessage, usePlansReportsApi } from './usePlansReportsApi';

/** Props of {@link PlanDialog}. @public */
export interface PlanDialogProps {
  open: boolean;
  /** Entity the plan is for (full ref, e.g. component:default/cad-core). */
  entityRef: string;
  /** Edit this plan; absent = create a new one. */
  plan?: Plan;
  /** Pre-filled fields for a new plan (e.g. the origin of a breached objective). */
  initial?: Partial<PlanForm>;
  onClose: () => void;
  onSaved: (plan: Plan) => void;
}

/**
 * Creates or edits an improvement plan. Every field is checked before anything is sent; the
 * backend's own 400 message is shown if it still refuses.
 */
export const PlanDialog = ({
  open,
  entityRef,
  plan,
  initial,
  onClose,
  onSaved,
}: PlanDialogProps) => {
  const api = usePlansReportsApi();
  const [form, setForm] = useState<PlanForm>(() =>
    plan ? formFromPlan(plan) : emptyPlanForm(initial),
  );
  const [errors, setErrors] = useState<PlanFormErrors>({});
  const [serverError, setServerError] = useState<string>();
  const [saving, setSaving] = useState(false);

  const set = (patch: Partial<PlanForm>) => setForm(f => ({ ...f, ...patch }));
  const setAction = (i: number, patch: Partial<PlanForm['actions'][number]>) =>
    setForm(f => ({
      ...f,
      actions: f.actions.map((a, j) => (j === i ? { ...a, ...patch } : a)),
    }));

  const submit = async () => {
    const found = validatePlanForm(form);
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    setSaving(true);
    setServerError(undefined);
    try {
      const saved = plan
        ? await api.updatePlan(plan.id, {
            title: form.title.trim(),
            description: form.description.trim(),
            origin: originOf(form),
            owner: form.owner.trim(),
            targetDate: form.targetDate,
            actions: actionsOf(form),
          })
        : await api.createPlan(newPlanOf(entityRef, form));
      onSaved(saved);
    } catch (e) {
      setServerError(errorMessage(e));
    } finally {
      setSaving(false);
    }
  };

  const field = (
    name: keyof PlanForm & string,
    label: string,
    extra: Record<string, unknown> = {},
  ) => (
    <TextField
      fullWidth
      margin="dense"
      label={label}
      value={form[name] as string}
      onChange={e => set({ [name]: e.target.value } as Partial<PlanForm>)}
      error={Boolean(errors[name])}
      helperText={errors[name]}
      inputProps={{ 'aria-label': label }}
      {...extra}
    />
  );

  return (
    <Dialog open={open} onClose={onClose} maxWidth="md" fullWidth>
      <DialogTitle>
        {plan ? 'Edit improvement plan' : 'New improvement plan'}
      </DialogTitle>
      <DialogContent>
        <Typography variant="body2" color="textSecondary">
          For {entityRef}
        </Typography>
        {serverError && <Alert severity="error">{serverError}</Alert>}
        {field('title', 'Title', { required: true })}
        {field('description', 'Description', { multiline: true, minRows: 2 })}
        <Grid container spacing={2}>
          <Grid item xs={12} sm={4}>
            <TextField
              select
              fullWidth
              margin="dense"
              label="Origin"
              value={form.originType}
              onChange={e =>
                set({ originType: e.target.value as PlanForm['originType'] })
              }
            >
              <MenuItem value="breach">Breach of an objective</MenuItem>
              <MenuItem value="survey">Customer survey</MenuItem>
              <MenuItem value="review">Agreement review</MenuItem>
              <MenuItem value="other">Other</MenuItem>
            </TextField>
          </Grid>
          {form.originType === 'breach' && (
            <>
              <Grid item xs={12} sm={4}>
                {field('objective', 'Breached objective')}
              </Grid>
              <Grid item xs={12} sm={4}>
                {field('period', 'Period')}
              </Grid>
            </>
          )}
          {form.originType === 'survey' && (
            <>
              <Grid item xs={6} sm={2}>
                {field('score', 'Score')}
              </Grid>
              <Grid item xs={6} sm={2}>
                {field('scale', 'Out of')}
              </Grid>
            </>
          )}
          {form.originType !== 'breach' && (
            <Grid item xs={12} sm={form.originType === 'survey' ? 4 : 8}>
              {field('note', 'Note')}
            </Grid>
          )}
          <Grid item xs={12} sm={8}>
            {field('owner', 'Owner (entity ref)', { required: true })}
          </Grid>
          <Grid item xs={12} sm={4}>
            {field('targetDate', 'Target date', {
              type: 'date',
              required: true,
              InputLabelProps: { shrink: true },
            })}
          </Grid>
        </Grid>
        <Typography variant="subtitle2" style={{ marginTop: 16 }}>
          Actions
        </Typography>
        {form.actions.map((a, i) => (
          <Grid
            container
            spacing={1}
            alignItems="center"
            key={a.id ?? `new-${i}`}
          >
            <Grid item xs={1}>
              <Checkbox
                checked={a.done}
                onChange={e => setAction(i, { done: e.target.checked })}
                inputProps={{ 'aria-label': `Action ${i + 1} done` }}
              />
            </Grid>
            <Grid item xs={5}>
              <TextField
                fullWidth
                margin="dense"
                label={`Action ${i + 1}`}
                value={a.title}
                onChange={e => setAction(i, { title: e.target.value })}
                error={Boolean(errors[`actions[${i}].title`])}
                helperText={errors[`actions[${i}].title`]}
                inputProps={{ 'aria-label': `Action ${i + 1}` }}
              />
            </Grid>
            <Grid item xs={3}>
              <TextField
                fullWidth
                margin="dense"
                label="Assignee"
                value={a.assignee}
                onChange={e => setAction(i, { assignee: e.target.value })}
                error={Boolean(errors[`actions[${i}].assignee`])}
                helperText={errors[`actions[${i}].assignee`]}
              />
            </Grid>
            <Grid item xs={2}>
              <TextField
                fullWidth
                margin="dense"
                type="date"
                label="Due"
                InputLabelProps={{ shrink: true }}
                value={a.dueDate}
                onChange={e => setAction(i, { dueDate: e.target.value })}
                error={Boolean(errors[`actions[${i}].dueDate`])}
                helperText={errors[`actions[${i}].dueDate`]}
              />
            </Grid>
            <Grid item xs={1}>
              <IconButton
                aria-label={`Remove action ${i + 1}`}
                onClick={() =>
                  set({ actions: form.actions.filter((_, j) => j !== i) })
                }
              >
                <DeleteIcon />
              </IconButton>
            </Grid>
          </Grid>
        ))}
        <Button
          size="small"
          onClick={() =>
            set({
              actions: [
                ...form.actions,
                { title: '', assignee: '', dueDate: '', done: false },
              ],
            })
          }
        >
          Add action
        </Button>
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Cancel</Button>
        <Button
          color="primary"
          variant="contained"
          onClick={submit}
          disabled={saving}
        >
          {plan ? 'Save' : 'Create plan'}
        </Button>
      </DialogActions>
    </Dialog>
  );
};
