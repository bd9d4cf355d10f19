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
import type { ConfirmationStatus } from '../../api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { slaTermsConfirmPermission } from '@servicelevel/plugin-sla-common';
import {
  browserTimeZone,
  errorMessage,
  formatDate,
  GuardedButton,
  usePermissionOn,
  useSlaApi,
  useSlaFormat,
} from '../common';

type Translate = ReturnType<typeof useSlaFormat>['t'];

function stateText(s: ConfirmationStatus, t: Translate, zone: string): string {
  const c = s.lastConfirmation;
  const by = c
    ? t('agreement.confirmedBy', {
        version: String(c.termsVersion),
        by: c.by,
        role: t(`agreement.role.${c.role}`),
        date: formatDate(c.at, zone),
      })
    : '';
  switch (s.state) {
    case 'confirmed':
      return t('agreement.confirmed', { by });
    case 'changed-since-confirmation':
      return t('agreement.changed', { by, version: String(s.termsVersion) });
    default:
      return t('agreement.unconfirmed', { version: String(s.termsVersion) });
  }
}

/** Review flag: shown when review-by has passed or falls within 30 days. @public */
export const ReviewDueNotice = ({ status }: { status: ConfirmationStatus }) => {
  const { t } = useSlaFormat();
  const r = status.review;
  if (r.state === 'overdue') {
    return (
      <Alert severity="error">
        {t('agreement.reviewOverdue', { date: r.reviewBy ?? '' })}
      </Alert>
    );
  }
  if (r.state === 'due-soon') {
    return (
      <Alert severity="warning">
        {t('agreement.reviewSoon', {
          date: r.reviewBy ?? '',
          days: String(r.daysLeft),
        })}
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
  timeZone,
}: {
  entityRef: string;
  /** Zone of the confirmation dates: the entity's (its terms' timezone). */
  timeZone?: string;
}) => {
  const api = useSlaApi();
  const { t } = useSlaFormat();
  const zone = timeZone ?? browserTimeZone();
  const canConfirm = usePermissionOn(slaTermsConfirmPermission, entityRef);
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
    <InfoCard title={t('agreement.title')}>
      {state.loading && !state.value && <Progress />}
      {state.error && <ResponseErrorPanel error={state.error} />}
      {state.value && (
        <>
          <ReviewDueNotice status={state.value} />
          <Typography variant="body2" style={{ margin: '8px 0' }}>
            {stateText(state.value, t, zone)}
          </Typography>
          {state.value.state !== 'confirmed' && (
            <GuardedButton
              color="primary"
              variant="outlined"
              permission={canConfirm}
              deniedText={t('agreement.denied')}
              onClick={() => setOpen(true)}
            >
              {t('agreement.confirmButton', {
                version: String(state.value.termsVersion),
              })}
            </GuardedButton>
          )}
          <Dialog open={open} onClose={() => setOpen(false)}>
            <DialogTitle>{t('agreement.dialogTitle')}</DialogTitle>
            <DialogContent>
              {error && <Alert severity="error">{error}</Alert>}
              <Typography variant="body2">
                {t('agreement.youConfirm', {
                  version: String(state.value.termsVersion),
                })}{' '}
                <EntityRefLink entityRef={entityRef} defaultKind="component" />
              </Typography>
              <TextField
                fullWidth
                margin="dense"
                label={t('agreement.comment')}
                value={comment}
                onChange={e => setComment(e.target.value)}
                inputProps={{ maxLength: 2000 }}
              />
            </DialogContent>
            <DialogActions>
              <Button onClick={() => setOpen(false)}>
                {t('agreement.cancel')}
              </Button>
              <Button
                color="primary"
                variant="contained"
                onClick={() => confirm(state.value!.termsVersion)}
              >
                {t('agreement.confirm')}
              </Button>
            </DialogActions>
          </Dialog>
        </>
      )}
    </InfoCard>
  );
};
