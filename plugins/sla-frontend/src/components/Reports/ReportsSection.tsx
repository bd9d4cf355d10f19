import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { parseEntityRef } from '@backstage/catalog-model';
import { InfoCard } from '@backstage/core-components';
import Button from '@material-ui/core/Button';
import ButtonGroup from '@material-ui/core/ButtonGroup';
import Checkbox from '@material-ui/core/Checkbox';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import Grid from '@material-ui/core/Grid';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import type { ReportDocumentFormat, ReportSummary } from '../../api';
import {
  currentPeriodKey,
  isPeriodKey,
  previousPeriodKey,
} from '@servicelevel/plugin-sla-common';
import {
  AsyncStatus,
  browserTimeZone,
  errorMessage,
  formatInstant,
  useSlaApi,
  useSlaFormat,
} from '../common';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { deliverReport } from './download';

const FORMATS: Array<{
  format: ReportDocumentFormat;
  label: 'reports.csv' | 'reports.markdown' | 'reports.print';
}> = [
  { format: 'csv', label: 'reports.csv' },
  { format: 'md', label: 'reports.markdown' },
  { format: 'html', label: 'reports.print' },
];

/** Props of {@link ReportsSection}. @public */
export interface ReportsSectionProps {
  /** entity: one service's reports; customer: every service naming this customer. */
  subject: ReportSummary['subjectKind'];
  /** Full ref of the service or customer, e.g. component:default/cad-core or group:default/dispatch-center. */
  subjectRef: string;
  /** Pre-filled period of the "any period" download, e.g. last month (YYYY-MM). */
  defaultPeriod?: string;
  /**
   * Zone whose calendar decides "last month": the entity's (its terms' timezone). Without
   * one, e.g. for a customer's services in several zones, the browser's zone.
   */
  timeZone?: string;
}

/** The month before the one containing `now` in `timeZone`, as YYYY-MM. */
export function previousMonth(
  timeZone: string = browserTimeZone(),
  now: number = Date.now(),
): string {
  return previousPeriodKey(currentPeriodKey('monthly', timeZone, now));
}

/**
 * Period service reports: the stored ones (generated when each period closed) and a download
 * of any period in CSV, Markdown or a printable page. @public
 */
export const ReportsSection = ({
  subject,
  subjectRef,
  defaultPeriod,
  timeZone,
}: ReportsSectionProps) => {
  const api = useSlaApi();
  const { t } = useSlaFormat();
  const ref = parseEntityRef(subjectRef);
  const list = useAsync(
    () => api.listReports(subject, ref),
    [api, subjectRef, subject],
  );
  // Until the user types, the default follows the zone (it may arrive after the first render).
  const [typed, setPeriod] = useState<string>();
  const period = typed ?? defaultPeriod ?? previousMonth(timeZone);
  const [periodError, setPeriodError] = useState<string>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  // Off by default: a report as sent to a customer has no internal section.
  const [internal, setInternal] = useState(false);
  const listZone = timeZone ?? browserTimeZone();

  const download = async (key: string, format: ReportDocumentFormat) => {
    setError(undefined);
    setBusy(true);
    try {
      deliverReport(
        await api.getReport(
          subject,
          ref,
          key,
          format,
          internal ? { internal: true } : undefined,
        ),
        format,
      );
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  const buttons = (key: string) => (
    <ButtonGroup size="small" disabled={busy} style={{ whiteSpace: 'nowrap' }}>
      {FORMATS.map(f => (
        <Button
          key={f.format}
          onClick={() => download(key, f.format)}
          aria-label={t('reports.downloadLabel', {
            format: t(f.label),
            period: key,
          })}
        >
          {t(f.label)}
        </Button>
      ))}
    </ButtonGroup>
  );

  /** The backend's own generators by name; a user or service ref as it is. */
  const generatedByText = (by: string) => {
    if (by === 'scheduler') return t('reports.byScheduler');
    if (by === 'on-demand') return t('reports.byOnDemand');
    return by;
  };

  return (
    <InfoCard
      title={
        subject === 'customer' ? (
          <>
            {t('reports.customerTitle')}{' '}
            <EntityRefLink entityRef={subjectRef} defaultKind="group" />
          </>
        ) : (
          t('reports.title')
        )
      }
    >
      {error && <Alert severity="error">{error}</Alert>}
      <Grid container spacing={2} alignItems="center">
        <Grid item>
          <TextField
            label={t('reports.period')}
            value={period}
            onChange={e => {
              setPeriod(e.target.value);
              setPeriodError(undefined);
            }}
            error={Boolean(periodError)}
            helperText={periodError ?? t('reports.periodHint')}
            inputProps={{ 'aria-label': t('reports.period') }}
          />
        </Grid>
        <Grid item>
          <ButtonGroup size="small" disabled={busy}>
            {FORMATS.map(f => (
              <Button
                key={f.format}
                onClick={() => {
                  if (!isPeriodKey(period)) {
                    setPeriodError(t('reports.periodError'));
                    return;
                  }
                  download(period.trim(), f.format);
                }}
              >
                {t(f.label)}
              </Button>
            ))}
          </ButtonGroup>
        </Grid>
        <Grid item>
          <FormControlLabel
            control={
              <Checkbox
                size="small"
                checked={internal}
                onChange={e => setInternal(e.target.checked)}
              />
            }
            label={t('reports.internal')}
          />
        </Grid>
      </Grid>
      <Typography variant="subtitle2" style={{ marginTop: 16 }}>
        {t('reports.published')}
      </Typography>
      <AsyncStatus state={list} />
      {list.value && list.value.items.length === 0 && (
        <Typography variant="body2">{t('reports.none')}</Typography>
      )}
      {list.value && list.value.items.length > 0 && (
        <Table size="small" aria-label={t('reports.published')}>
          <TableHead>
            <TableRow>
              <TableCell>{t('reports.period')}</TableCell>
              <TableCell>
                {t('reports.generated', { zone: listZone })}
              </TableCell>
              <TableCell>{t('reports.by')}</TableCell>
              <TableCell>{t('reports.revision')}</TableCell>
              <TableCell>{t('reports.download')}</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {list.value.items.map(r => (
              <TableRow key={r.periodKey}>
                <TableCell style={{ whiteSpace: 'nowrap' }}>
                  {r.periodKey}
                </TableCell>
                <TableCell style={{ whiteSpace: 'nowrap' }}>
                  {formatInstant(r.generatedAt, listZone)}
                </TableCell>
                <TableCell style={{ whiteSpace: 'nowrap' }}>
                  {generatedByText(r.generatedBy)}
                </TableCell>
                <TableCell>{r.revision}</TableCell>
                <TableCell style={{ whiteSpace: 'nowrap' }}>
                  {buttons(r.periodKey)}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </InfoCard>
  );
};
