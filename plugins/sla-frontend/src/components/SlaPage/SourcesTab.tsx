import { EmptyState, Table, TableColumn } from '@backstage/core-components';
import { useTranslationRef } from '@backstage/frontend-plugin-api';
import useAsync from 'react-use/esm/useAsync';
import type { SourceState } from '../../api';
import { slaTranslationRef } from '../../translation';
import {
  AsyncStatus,
  browserTimeZone,
  formatDuration,
  formatInstant,
  StatusChip,
  useSlaApi,
} from '../common';

/** Whether a source's last sync failed (a success older than the last attempt). */
export function isFailing(s: SourceState): boolean {
  if (s.lastError) return true;
  return (
    s.lastSyncAt !== undefined &&
    (s.lastSuccessAt === undefined || s.lastSuccessAt < s.lastSyncAt)
  );
}

/** Last sync, lag and errors per incident source account. */
export const SourcesTab = () => {
  const slaApi = useSlaApi();
  const { t } = useTranslationRef(slaTranslationRef);
  const sources = useAsync(() => slaApi.getSources(), [slaApi]);
  const zone = browserTimeZone();
  const now = Date.now();

  if (sources.loading || sources.error) return <AsyncStatus state={sources} />;
  const rows = sources.value?.sources ?? [];
  if (rows.length === 0) {
    return <EmptyState missing="data" title={t('page.noSources')} />;
  }
  const at = (ms?: number) =>
    ms === undefined ? '—' : formatInstant(ms, zone);

  const columns: TableColumn<SourceState>[] = [
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
  ];

  return (
    <Table<SourceState>
      title={t('page.sourcesTab')}
      options={{ paging: false, search: false, padding: 'dense' }}
      columns={columns}
      data={rows}
    />
  );
};
