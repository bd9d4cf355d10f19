import { useState } from 'react';
import Button from '@material-ui/core/Button';
import Checkbox from '@material-ui/core/Checkbox';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import Grid, { GridSize } from '@material-ui/core/Grid';
import IconButton from '@material-ui/core/IconButton';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import DeleteIcon from '@material-ui/icons/Delete';
import Alert from '@material-ui/lab/Alert';
import type { PlanView } from '../../api';
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
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { errorMessage, useSlaApi } from '../common';
import { OwnerPicker, useOwnerOptions } from './OwnerPicker';
import { usePlanText } from './planText';

const ORIGIN_TYPES: PlanForm['originType'][] = [
  'breach',
  'survey',
  'review',
  'other',
];

/** The fields of each origin type, with their widths in the dialog's grid. */
const ORIGIN_FIELDS: Record<
  PlanForm['originType'],
  Array<{
    name: 'objective' | 'period' | 'score' | 'scale' | 'note';
    xs: GridSize;
    sm: GridSize;
  }>
> = {
  breach: [
    { name: 'objective', xs: 12, sm: 4 },
    { name: 'period', xs: 12, sm: 4 },
  ],
  survey: [
    { name: 'score', xs: 6, sm: 2 },
    { name: 'scale', xs: 6, sm: 2 },
    { name: 'note', xs: 12, sm: 4 },
  ],
  review: [{ name: 'note', xs: 12, sm: 8 }],
  other: [{ name: 'note', xs: 12, sm: 8 }],
};

/** Props of {@link PlanDialog}. @public */
export interface PlanDialogProps {
  open: boolean;
  /** Entity the plan is for (full ref, e.g. component:default/cad-core). */
  entityRef: string;
  /** Edit this plan; absent = create a new one. */
  plan?: PlanView;
  /** Pre-filled fields for a new plan (e.g. the origin of a breached objective). */
  initial?: Partial<PlanForm>;
  onClose: () => void;
  onSaved: (plan: PlanView) => void;
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
  const api = useSlaApi();
  const text = usePlanText();
  const { t } = text;
  const people = useOwnerOptions();
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
      helperText={text.error(errors[name], form)}
      inputProps={{ 'aria-label': label }}
      {...extra}
    />
  );

  return (
    <Dialog open={open} onClose={onClose} maxWidth="md" fullWidth>
      <DialogTitle>
        {plan ? t('plans.dialog.editTitle') : t('plans.dialog.newTitle')}
      </DialogTitle>
      <DialogContent>
        <Typography variant="body2" color="textSecondary">
          {t('plans.dialog.forEntity')}{' '}
          <EntityRefLink entityRef={entityRef} defaultKind="component" />
        </Typography>
        {serverError && <Alert severity="error">{serverError}</Alert>}
        {field('title', t('plans.dialog.title'), { required: true })}
        {field('description', t('plans.dialog.description'), {
          multiline: true,
          minRows: 2,
        })}
        <Grid container spacing={2}>
          <Grid item xs={12} sm={4}>
            <TextField
              select
              fullWidth
              margin="dense"
              label={t('plans.dialog.origin')}
              value={form.originType}
              onChange={e =>
                set({ originType: e.target.value as PlanForm['originType'] })
              }
            >
              {ORIGIN_TYPES.map(o => (
                <MenuItem key={o} value={o}>
                  {t(`plans.originType.${o}`)}
                </MenuItem>
              ))}
            </TextField>
          </Grid>
          {ORIGIN_FIELDS[form.originType].map(f => (
            <Grid item xs={f.xs} sm={f.sm} key={f.name}>
              {field(f.name, t(`plans.dialog.${f.name}`))}
            </Grid>
          ))}
          <Grid item xs={12} sm={8}>
            <OwnerPicker
              label={t('plans.dialog.owner')}
              required
              value={form.owner}
              options={people}
              onChange={owner => set({ owner })}
              error={text.error(errors.owner, form)}
            />
          </Grid>
          <Grid item xs={12} sm={4}>
            {field('targetDate', t('plans.dialog.targetDate'), {
              type: 'date',
              required: true,
              InputLabelProps: { shrink: true },
            })}
          </Grid>
        </Grid>
        <Typography variant="subtitle2" style={{ marginTop: 16 }}>
          {t('plans.dialog.actions')}
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
                inputProps={{
                  'aria-label': t('plans.dialog.actionDone', {
                    n: String(i + 1),
                  }),
                }}
              />
            </Grid>
            <Grid item xs={5}>
              <TextField
                fullWidth
                margin="dense"
                label={t('plans.dialog.action', { n: String(i + 1) })}
                value={a.title}
                onChange={e => setAction(i, { title: e.target.value })}
                error={Boolean(errors[`actions[${i}].title`])}
                helperText={text.error(errors[`actions[${i}].title`], form)}
                inputProps={{
                  'aria-label': t('plans.dialog.action', { n: String(i + 1) }),
                }}
              />
            </Grid>
            <Grid item xs={3}>
              <OwnerPicker
                label={t('plans.dialog.assignee')}
                value={a.assignee}
                options={people}
                onChange={assignee => setAction(i, { assignee })}
                error={text.error(errors[`actions[${i}].assignee`], form)}
              />
            </Grid>
            <Grid item xs={2}>
              <TextField
                fullWidth
                margin="dense"
                type="date"
                label={t('plans.dialog.due')}
                InputLabelProps={{ shrink: true }}
                value={a.dueDate}
                onChange={e => setAction(i, { dueDate: e.target.value })}
                error={Boolean(errors[`actions[${i}].dueDate`])}
                helperText={text.error(errors[`actions[${i}].dueDate`], form)}
              />
            </Grid>
            <Grid item xs={1}>
              <IconButton
                aria-label={t('plans.dialog.removeAction', {
                  n: String(i + 1),
                })}
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
          {t('plans.dialog.addAction')}
        </Button>
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>{t('plans.dialog.cancel')}</Button>
        <Button
          color="primary"
          variant="contained"
          onClick={submit}
          disabled={saving}
        >
          {plan ? t('plans.dialog.save') : t('plans.dialog.create')}
        </Button>
      </DialogActions>
    </Dialog>
  );
};
