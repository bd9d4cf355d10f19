import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { parseEntityRef } from '@backstage/catalog-model';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import Button from '@material-ui/core/Button';
import ButtonGroup from '@material-ui/core/ButtonGroup';
import Grid from '@material-ui/core/Grid';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import type { ReportFormat } from '../../api/PlansReportsClient';
import {
  errorMessage,
  usePlansReportsApi,
} from '../ImprovementPlans/usePlansReportsApi';
import {
  currentPeriodKey,
  isPeriodKey,
  previousPeriodKey,
} from '@servicelevel/plugin-sla-common';
import { browserTimeZone, formatInstant } from '../common';
import { deliverReport } from './download';

const FORMATS: Array<{ format: ReportFormat; label: string }> = [
  { format: 'csv', label: 'CSV' },
  { format: 'md', label: 'Markdown' },
  { format: 'html', label: 'Print / PDF' },
];

/** Props of {@link ReportsSection}. @public */
export interface ReportsSectionProps {
  /** entity: one service's reports; customer: every service naming this customer. */
  subject: 'entity' | 'customer';
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
  const api = usePlansReportsApi();
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

  const download = async (key: string, format: ReportFormat) => {
    setError(undefined);
    setBusy(true);
    try {
      deliverReport(await api.getReport(subject, ref, key, format), format);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  const buttons = (key: string) => (
    <ButtonGroup size="small" disabled={busy}>
      {FORMATS.map(f => (
        <Button
          key={f.format}
          onClick={() => download(key, f.format)}
          aria-label={`${f.label} ${key}`}
        >
          {f.label}
        </Button>
      ))}
    </ButtonGroup>
  );

  return (
    <InfoCard
      title={
        subject === 'customer'
          ? `Service reports for ${subjectRef}`
          : 'Service reports'
      }
    >
      {error && <Alert severity="error">{error}</Alert>}
      <Grid container spacing={2} alignItems="center">
        <Grid item>
          <TextField
            label="Period"
            value={period}
            onChange={e => {
              setPeriod(e.target.value);
              setPeriodError(undefined);
            }}
            error={Boolean(periodError)}
            helperText={periodError ?? '2026-09, 2026-Q3 or 2026'}
            inputProps={{ 'aria-label': 'Period' }}
          />
        </Grid>
        <Grid item>
          <ButtonGroup size="small" disabled={busy}>
            {FORMATS.map(f => (
              <Button
                key={f.format}
                onClick={() => {
                  if (!isPeriodKey(period)) {
                    setPeriodError('A period such as 2026-09, 2026-Q3 or 2026');
                    return;
                  }
                  download(period.trim(), f.format);
                }}
              >
                {f.label}
              </Button>
            ))}
          </ButtonGroup>
        </Grid>
      </Grid>
      <Typography variant="subtitle2" style={{ marginTop: 16 }}>
        Published reports
      </Typography>
      {list.loading && <Progress />}
      {list.error && <ResponseErrorPanel error={list.error} />}
      {list.value && list.value.items.length === 0 && (
        <Typography variant="body2">
          No reports published yet: each is generated when its period closes.
        </Typography>
      )}
      {list.value && list.value.items.length > 0 && (
        <Table size="small" aria-label="Published reports">
          <TableHead>
            <TableRow>
              <TableCell>Period</TableCell>
              <TableCell>Generated</TableCell>
              <TableCell>By</TableCell>
              <TableCell>Revision</TableCell>
              <TableCell>Download</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {list.value.items.map(r => (
              <TableRow key={r.periodKey}>
                <TableCell>{r.periodKey}</TableCell>
                <TableCell>
                  {formatInstant(r.generatedAt, timeZone ?? browserTimeZone())}
                </TableCell>
                <TableCell>{r.generatedBy}</TableCell>
                <TableCell>{r.revision}</TableCell>
                <TableCell>{buttons(r.periodKey)}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </InfoCard>
  );
};
