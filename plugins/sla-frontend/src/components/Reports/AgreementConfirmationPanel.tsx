import { useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { parseEntityRef } from '@backstage/catalog-model';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import type { ConfirmationStatus } from '../../api/PlansReportsClient';
import {
  errorMessage,
  usePlansReportsApi,
} from '../ImprovementPlans/usePlansReportsApi';

function stateText(s: ConfirmationStatus): string {
  const c = s.lastConfirmation;
  const by = c
    ? `version ${c.termsVersion} confirmed by ${c.by} (${c.role}) on ${new Date(
        c.at,
      ).toLocaleDateString()}`
    : '';
  switch (s.state) {
    case 'confirmed':
      return `Confirmed: ${by}`;
    case 'changed-since-confirmation':
      return `Changed since last confirmation (${by}); the terms are now version ${s.termsVersion}`;
    default:
      return `Terms version ${s.termsVersion} has not been confirmed`;
  }
}

/** Review flag: shown when review-by has passed or falls within 30 days. @public */
export const ReviewDueNotice = ({ status }: { status: ConfirmationStatus }) => {
  const r = status.review;
  if (r.state === 'overdue') {
    return (
      <Alert severity="error">
        Agreement review overdue since {r.reviewBy}
      </Alert>
    );
  }
  if (r.state === 'due-soon') {
    return (
      <Alert severity="warning">
        Agreement review due by {r.reviewBy} ({r.daysLeft} days left)
      </Alert>
    );
  }
  return null;
};

/**
 * "Sign or confirm the SLA": who confirmed which terms version, the review flag, and a confirm
 * button (the backend lets only the owners and the customer's members confirm). @public
 */
export const AgreementConfirmationPanel = ({
  entityRef,
}: {
  entityRef: string;
}) => {
  const api = usePlansReportsApi();
  const ref = parseEntityRef(entityRef);
  const state = useAsyncRetry(() => api.getConfirmation(ref), [api, entityRef]);
  const [open, setOpen] = useState(false);
  const [comment, setComment] = useState('');
  const [error, setError] = useState<string>();

  const confirm = async (version: number) => {
    setError(undefined);
    try {
      await api.confirmAgreement(ref, version, comment.trim() || undefined);
      setOpen(false);
      setComment('');
      state.retry();
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  return (
    <InfoCard title="Agreement">
      {state.loading && !state.value && <Progress />}
      {state.error && <ResponseErrorPanel error={state.error} />}
      {state.value && (
        <>
          <ReviewDueNotice status={state.value} />
          <Typography variant="body2" style={{ margin: '8px 0' }}>
            {stateText(state.value)}
          </Typography>
          {state.value.state !== 'confirmed' && (
            <Button
              color="primary"
              variant="outlined"
              onClick={() => setOpen(true)}
            >
              Confirm terms version {state.value.termsVersion}
            </Button>
          )}
          <Dialog open={open} onClose={() => setOpen(false)}>
            <DialogTitle>Confirm the SLA terms</DialogTitle>
            <DialogContent>
              {error && <Alert severity="error">{error}</Alert>}
              <Typography variant="body2">
                You confirm version {state.value.termsVersion} of the terms of{' '}
                {entityRef}.
              </Typography>
              <TextField
                fullWidth
                margin="dense"
                label="Comment (optional)"
                value={comment}
                onChange={e => setComment(e.target.value)}
                inputProps={{ maxLength: 2000 }}
              />
            </DialogContent>
            <DialogActions>
              <Button onClick={() => setOpen(false)}>Cancel</Button>
              <Button
                color="primary"
                variant="contained"
                onClick={() => confirm(state.value!.termsVersion)}
              >
                Confirm
              </Button>
            </DialogActions>
          </Dialog>
        </>
      )}
    </InfoCard>
  );
};
