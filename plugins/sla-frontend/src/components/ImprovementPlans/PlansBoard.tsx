import { useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import Card from '@material-ui/core/Card';
import CardActionArea from '@material-ui/core/CardActionArea';
import CardContent from '@material-ui/core/CardContent';
import Checkbox from '@material-ui/core/Checkbox';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import Grid from '@material-ui/core/Grid';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { PLAN_STATUSES } from '@servicelevel/plugin-sla-common';
import type { PlanStatus, PlanView } from '../../api';
import { usePlanDetailsDialog } from './PlanDetailsDialog';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { PlanStatusChip } from './PlanStatusChip';
import { usePlanText } from './planText';
import { useSlaApi } from '../common';

/**
 * The organisation-wide plans board for the /sla page: one column per status, filterable by
 * status, owner and overdue. @public
 */
export const PlansBoard = () => {
  const api = useSlaApi();
  const text = usePlanText();
  const { t } = text;
  const [status, setStatus] = useState<PlanStatus | 'all'>('all');
  const [owner, setOwner] = useState('');
  const [ownerFilter, setOwnerFilter] = useState('');
  const [overdueOnly, setOverdueOnly] = useState(false);
  const state = useAsyncRetry(
    () =>
      api.listPlans({
        ...(status !== 'all' ? { status: [status] } : {}),
        ...(ownerFilter ? { owner: ownerFilter } : {}),
        ...(overdueOnly ? { overdue: true } : {}),
      }),
    [api, status, ownerFilter, overdueOnly],
  );
  const details = usePlanDetailsDialog(state.retry);
  const columns = status === 'all' ? PLAN_STATUSES : [status];
  const byStatus = (s: PlanStatus): PlanView[] =>
    (state.value?.items ?? []).filter(p => p.status === s);

  return (
    <InfoCard title={t('plans.title')}>
      <Grid container spacing={2} alignItems="center">
        <Grid item>
          <TextField
            select
            label={t('plans.filter.status')}
            value={status}
            onChange={e => setStatus(e.target.value as PlanStatus | 'all')}
            style={{ minWidth: 160 }}
          >
            <MenuItem value="all">{t('plans.filter.all')}</MenuItem>
            {PLAN_STATUSES.map(s => (
              <MenuItem key={s} value={s}>
                {text.status(s)}
              </MenuItem>
            ))}
          </TextField>
        </Grid>
        <Grid item>
          <TextField
            label={t('plans.filter.owner')}
            placeholder="group:default/web-team"
            value={owner}
            onChange={e => setOwner(e.target.value)}
            onBlur={() => setOwnerFilter(owner.trim())}
            onKeyDown={e => {
              if (e.key === 'Enter') setOwnerFilter(owner.trim());
            }}
            inputProps={{ 'aria-label': t('plans.filter.owner') }}
          />
        </Grid>
        <Grid item>
          <FormControlLabel
            control={
              <Checkbox
                checked={overdueOnly}
                onChange={e => setOverdueOnly(e.target.checked)}
              />
            }
            label={t('plans.filter.overdueOnly')}
          />
        </Grid>
      </Grid>
      {state.loading && !state.value && <Progress />}
      {state.error && <ResponseErrorPanel error={state.error} />}
      {state.value && (
        <Grid container spacing={2} style={{ marginTop: 8 }}>
          {columns.map(s => (
            <Grid
              item
              xs={12}
              md={status === 'all' ? 'auto' : 12}
              key={s}
              style={{ flex: 1, minWidth: 200 }}
            >
              <Typography variant="subtitle2" component="h3">
                {t('plans.column', {
                  status: text.status(s),
                  count: byStatus(s).length,
                })}
              </Typography>
              {byStatus(s).map(p => (
                <Card key={p.id} variant="outlined" style={{ marginTop: 8 }}>
                  <CardActionArea onClick={() => details.open(p.id)}>
                    <CardContent>
                      <Typography variant="body2" style={{ fontWeight: 600 }}>
                        {p.title}
                      </Typography>
                      <Typography variant="caption" display="block">
                        <EntityRefLink
                          entityRef={p.entityRef}
                          defaultKind="component"
                        />
                      </Typography>
                      <Typography variant="caption" display="block">
                        <EntityRefLink
                          entityRef={p.owner}
                          defaultKind="group"
                        />{' '}
                        · {t('plans.targetOn', { date: p.targetDate })}
                      </Typography>
                      <PlanStatusChip plan={p} />
                    </CardContent>
                  </CardActionArea>
                </Card>
              ))}
            </Grid>
          ))}
        </Grid>
      )}
      {details.dialog}
    </InfoCard>
  );
};
