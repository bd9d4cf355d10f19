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
import { Plan, PLAN_STATUSES, PlanStatus } from '../../api/PlansReportsClient';
import { PlanDetailsDialog } from './PlanDetailsDialog';
import { STATUS_LABEL } from './planForm';
import { PlanStatusChip } from './PlanStatusChip';
import { usePlansReportsApi } from './usePlansReportsApi';

/**
 * The organisation-wide plans board for the /sla page: one column per status, filterable by
 * status, owner and overdue. @public
 */
export const PlansBoard = () => {
  const api = usePlansReportsApi();
  const [status, setStatus] = useState<PlanStatus | 'all'>('all');
  const [owner, setOwner] = useState('');
  const [ownerFilter, setOwnerFilter] = useState('');
  const [overdueOnly, setOverdueOnly] = useState(false);
  const [openId, setOpenId] = useState<string>();
  const state = useAsyncRetry(
    () =>
      api.listPlans({
        ...(status !== 'all' ? { status: [status] } : {}),
        ...(ownerFilter ? { owner: ownerFilter } : {}),
        ...(overdueOnly ? { overdue: true } : {}),
      }),
    [api, status, ownerFilter, overdueOnly],
  );
  const columns = status === 'all' ? PLAN_STATUSES : [status];
  const byStatus = (s: PlanStatus): Plan[] =>
    (state.value?.items ?? []).filter(p => p.status === s);

  return (
    <InfoCard title="Improvement plans">
      <Grid container spacing={2} alignItems="center">
        <Grid item>
          <TextField
            select
            label="Status"
            value={status}
            onChange={e => setStatus(e.target.value as PlanStatus | 'all')}
            style={{ minWidth: 160 }}
          >
            <MenuItem value="all">All</MenuItem>
            {PLAN_STATUSES.map(s => (
              <MenuItem key={s} value={s}>
                {STATUS_LABEL[s]}
              </MenuItem>
            ))}
          </TextField>
        </Grid>
        <Grid item>
          <TextField
            label="Owner"
            placeholder="group:default/web-team"
            value={owner}
            onChange={e => setOwner(e.target.value)}
            onBlur={() => setOwnerFilter(owner.trim())}
            onKeyDown={e => {
              if (e.key === 'Enter') setOwnerFilter(owner.trim());
            }}
            inputProps={{ 'aria-label': 'Owner' }}
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
            label="Overdue only"
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
                {STATUS_LABEL[s]} ({byStatus(s).length})
              </Typography>
              {byStatus(s).map(p => (
                <Card key={p.id} variant="outlined" style={{ marginTop: 8 }}>
                  <CardActionArea onClick={() => setOpenId(p.id)}>
                    <CardContent>
                      <Typography variant="body2" style={{ fontWeight: 600 }}>
                        {p.title}
                      </Typography>
                      <Typography variant="caption" display="block">
                        {p.entityRef}
                      </Typography>
                      <Typography variant="caption" display="block">
                        {p.owner} · target {p.targetDate}
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
      {openId && (
        <PlanDetailsDialog
          planId={openId}
          onClose={() => setOpenId(undefined)}
          onChanged={state.retry}
        />
      )}
    </InfoCard>
  );
};
