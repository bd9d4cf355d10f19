import { InfoCard, Link, Table, TableColumn } from '@backstage/core-components';
import { useTranslationRef } from '@backstage/frontend-plugin-api';
import Typography from '@material-ui/core/Typography';
import { recentPeriodKeys } from '@servicelevel/plugin-sla-common';
import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import type { CrossCheck } from '../../api';
import { slaTranslationRef } from '../../translation';
import {
  AsyncStatus,
  browserTimeZone,
  formatDuration,
  PickerSelect,
  StatusChip,
  ToolbarRow,
  useSlaApi,
} from '../common';

type Disagreement = CrossCheck['disagreements'][number];

const REASON_KEYS = {
  'priority-mapping': 'page.reasonPriorityMapping',
  rounding: 'page.reasonRounding',
  pause: 'page.reasonPause',
  calendar: 'page.reasonCalendar',
  unexplained: 'page.reasonUnexplained',
} as const;

/**
 * One source's cross-check (docs/cross-check.md): the clocks where our met/breached differs
 * from the verdict its ITSM tool computed, with both elapsed times and the reason the backend
 * names. Months only: the last twelve, the last closed one first chosen.
 */
export const CrossCheckPanel = ({ sources }: { sources: string[] }) => {
  const slaApi = useSlaApi();
  const { t } = useTranslationRef(slaTranslationRef);
  const [periods] = useState(() =>
    recentPeriodKeys('monthly', browserTimeZone(), 12, Date.now()),
  );
  const [source, setSource] = useState('');
  const [period, setPeriod] = useState(periods[1]);
  const check = useAsync(
    async () =>
      source ? slaApi.getSourceCrossCheck(source, period) : undefined,
    [slaApi, source, period],
  );
  const verdict = (breached: boolean) =>
    breached ? (
      <StatusChip status="breached" label={t('page.verdictBreached')} />
    ) : (
      <StatusChip status="met" label={t('page.verdictMet')} />
    );

  const columns: TableColumn<Disagreement>[] = [
    {
      title: t('page.crossCheckIncident'),
      render: d => (d.url ? <Link to={d.url}>{d.title}</Link> : d.title),
    },
    { title: t('tab.priority'), field: 'priority' },
    {
      title: t('page.crossCheckClock'),
      render: d =>
        d.clock === 'response' ? t('tab.response') : t('tab.resolution'),
    },
    {
      title: t('page.crossCheckOurs'),
      render: d => (
        <>
          {verdict(d.ours.status === 'breached')}{' '}
          {formatDuration(d.ours.elapsedMs)}
        </>
      ),
    },
    {
      title: t('page.crossCheckOursElapsed'),
      render: d => formatDuration(d.ours.wallElapsedMs),
    },
    {
      title: t('page.crossCheckVendor'),
      render: d => verdict(d.vendor.breached),
    },
    {
      title: t('page.crossCheckVendorElapsed'),
      render: d => formatDuration(d.vendor.elapsedMs),
    },
    {
      title: t('page.crossCheckReason'),
      render: d => t(REASON_KEYS[d.reason]),
    },
  ];

  return (
    <InfoCard title={t('page.crossCheck')}>
      <ToolbarRow>
        <PickerSelect
          id="sla-cross-check-source"
          label={t('page.crossCheckSource')}
          value={source}
          options={sources.map(s => ({ value: s }))}
          onChange={v => setSource(String(v))}
          minWidth={160}
        />
        <PickerSelect
          id="sla-cross-check-period"
          label={t('page.crossCheckPeriod')}
          value={period}
          options={periods.map(p => ({ value: p }))}
          onChange={v => setPeriod(String(v))}
          minWidth={120}
        />
      </ToolbarRow>
      {!source && <Typography>{t('page.crossCheckPick')}</Typography>}
      {source && (check.loading || check.error) && (
        <AsyncStatus state={check} />
      )}
      {check.value && (
        <div data-testid="sla-cross-check">
          <Typography>
            {t('page.crossCheckSummary', {
              compared: String(check.value.compared),
              verdicts: String(check.value.verdicts),
              disagreements: String(check.value.disagreements.length),
            })}
          </Typography>
          {check.value.withoutSla.length > 0 && (
            <Typography>
              {t('page.crossCheckWithoutSla', {
                refs: check.value.withoutSla.join(', '),
              })}
            </Typography>
          )}
          <Table<Disagreement>
            options={{ paging: false, search: false, padding: 'dense' }}
            columns={columns}
            data={check.value.disagreements}
            emptyContent={t('page.crossCheckNone')}
          />
        </div>
      )}
    </InfoCard>
  );
};
