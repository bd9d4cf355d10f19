import { EmptyState, Table, TableColumn } from '@backstage/core-components';
import { useTranslationRef } from '@backstage/frontend-plugin-api';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import SyncProblem from '@material-ui/icons/SyncProblem';
import useAsync from 'react-use/esm/useAsync';
import type { SourceState, SourcesStatus } from '../../api';
import { slaTranslationRef } from '../../translation';
import { CrossCheckPanel } from './CrossCheckPanel';
import {
  AsyncStatus,
  browserTimeZone,
  formatDuration,
  formatInstant,
  STATUS_COLOUR,
  StatusChip,
  useSlaApi,
} from '../common';

type StoredSource = SourcesStatus['stored'][number];

/** Whether a source's last sync failed (a success older than the last attempt). */
export function isFailing(s: SourceState): boolean {
  if (s.lastError) return true;
  return (
    s.lastSyncAt !== undefined &&
    (s.lastSuccessAt === undefined || s.lastSuccessAt < s.lastSyncAt)
  );
}

/**
 * Every source that has incidents in the store (pushed through the API or a webhook,
 * imported from CSV, or pulled by a provider), then each provider account's sync state.
 */
export const SourcesTab = () => {
  const slaApi = useSlaApi();
  const { t } = useTranslationRef(slaTranslationRef);
  const sources = useAsync(() => slaApi.getSources(), [slaApi]);
  const zone = browserTimeZone();
  const now = Date.now();

  if (sources.loading || sources.error) return <AsyncStatus state={sources} />;
  const accounts = sources.value?.sources ?? [];
  const stored = sources.value?.stored ?? [];
  if (accounts.length === 0 && stored.length === 0) {
    return <EmptyState missing="data" title={t('page.noSources')} />;
  }
  const at = (ms?: number) =>
    ms === undefined ? '—' : formatInstant(ms, zone);
  const accountsOf = (source: string) =>
    accounts.filter(a => a.provider === source);

  const storedColumns: TableColumn<StoredSource>[] = [
    { title: t('page.source'), field: 'source' },
    { title: t('page.storedIncidents'), field: 'incidents', type: 'numeric' },
    {
      title: `${t('page.lastIncident')} (${zone})`,
      render: s => at(s.lastIncidentAt),
    },
    {
      title: `${t('page.lastReceived')} (${zone})`,
      render: s => at(s.lastWrittenAt),
    },
    {
      title: t('page.delivery'),
      render: s => {
        const synced = accountsOf(s.source);
        if (synced.length === 0) return t('page.pushed');
        return synced.some(isFailing) ? (
          <StatusChip status="breached" label={t('page.failing')} />
        ) : (
          <StatusChip status="met" label={t('page.healthy')} />
        );
      },
    },
  ];

  const accountColumns: TableColumn<SourceState>[] = [
    { title: t('page.provider'), field: 'provider' },
    { title: t('page.account'), field: 'account' },
    {
      title: t('common.status'),
      render: s =>
        isFailing(s) ? (
          <StatusChip status="breached" label={t('page.failing')} />
        ) : (
          <StatusChip status="met" label={t('page.healthy')} />
        ),
    },
    { title: `${t('page.lastSync')} (${zone})`, render: s => at(s.lastSyncAt) },
    {
      title: `${t('page.lastSuccess')} (${zone})`,
      render: s => at(s.lastSuccessAt),
    },
    {
      title: t('page.lag'),
      render: s =>
        s.lastSuccessAt === undefined
          ? '—'
          : formatDuration(now - s.lastSuccessAt),
    },
    { title: t('page.lastCount'), render: s => s.lastCount ?? '—' },
    { title: t('page.lastError'), render: s => s.lastError ?? '' },
    {
      // SPEC §9: an open gap makes the objectives this account feeds unknown; past ones were re-read.
      title: `${t('page.syncGaps')} (${zone})`,
      render: s => (
        <div data-testid="sla-sync-gaps">
          {s.openGap && (
            // Text that wraps in a narrow column; the icon and colour of the Unknown status.
            <Box display="flex" alignItems="flex-start">
              <SyncProblem
                fontSize="small"
                style={{ color: STATUS_COLOUR.unknown, marginRight: 4 }}
              />
              <Typography variant="body2">
                {t('page.openGap', { start: at(s.openGap.start) })}
              </Typography>
            </Box>
          )}
          {(s.gaps ?? []).map(g => (
            <div key={g.start}>
              {t('page.pastGap', { start: at(g.start), end: at(g.end) })}
            </div>
          ))}
          {!s.openGap && !s.gaps?.length && '—'}
        </div>
      ),
    },
  ];

  return (
    <Grid container spacing={2}>
      <Grid item xs={12} data-testid="sla-stored-sources">
        <Table<StoredSource>
          title={t('page.storedSources')}
          options={{ paging: false, search: false, padding: 'dense' }}
          columns={storedColumns}
          data={stored}
          emptyContent={t('page.noStoredIncidents')}
        />
      </Grid>
      <Grid item xs={12} data-testid="sla-sync-accounts">
        <Table<SourceState>
          title={t('page.syncAccounts')}
          options={{ paging: false, search: false, padding: 'dense' }}
          columns={accountColumns}
          data={accounts}
          emptyContent={t('page.noSources')}
        />
      </Grid>
      {stored.length > 0 && (
        <Grid item xs={12}>
          <CrossCheckPanel sources={stored.map(s => s.source)} />
        </Grid>
      )}
    </Grid>
  );
};
