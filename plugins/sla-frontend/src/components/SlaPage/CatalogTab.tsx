import { useState } from 'react';
import { EmptyState, Table, TableColumn } from '@backstage/core-components';
import { useTranslationRef } from '@backstage/frontend-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { SLA_ANNOTATION_PREFIX } from '@servicelevel/plugin-sla-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import type { CatalogItem } from '../../api';
import { slaTranslationRef } from '../../translation';
import {
  AsyncStatus,
  downloadCsv,
  reviewState,
  SearchField,
  useSlaApi,
} from '../common';

/** Keys shown as columns of their own; the rest are commitments. */
const OWN_COLUMNS = new Set([
  'tier',
  'customer',
  'agreement',
  'review-by',
  'service-hours',
  'timezone',
]);

function commitmentLines(item: CatalogItem): string[] {
  return Object.entries(item.commitments)
    .map(([k, v]) => [k.replace(SLA_ANNOTATION_PREFIX, ''), v] as const)
    .filter(([k]) => !OWN_COLUMNS.has(k))
    .map(([k, v]) => `${k}: ${v}`);
}

function matches(item: CatalogItem, text: string): boolean {
  if (!text) return true;
  const q = text.toLocaleLowerCase();
  return [
    item.entityRef,
    item.title,
    item.tier,
    item.customer,
    item.agreement,
    item.ownerRef,
    item.serviceHours,
    ...commitmentLines(item),
  ].some(v => v?.toLocaleLowerCase().includes(q));
}

/** The published service catalog: every service with an SLA and what it commits to. */
export const CatalogTab = () => {
  const slaApi = useSlaApi();
  const { t } = useTranslationRef(slaTranslationRef);
  const [text, setText] = useState('');
  const catalog = useAsync(() => slaApi.getCatalog(), [slaApi]);

  if (catalog.loading || catalog.error) return <AsyncStatus state={catalog} />;
  const items = catalog.value?.items ?? [];
  if (items.length === 0) {
    return <EmptyState missing="data" title={t('page.noServices')} />;
  }
  const shown = items.filter(i => matches(i, text));

  const exportCsv = () =>
    downloadCsv('sla-service-catalog.csv', [
      [
        t('common.service'),
        t('page.tier'),
        t('page.customer'),
        t('page.serviceHours'),
        t('page.timezone'),
        t('page.commitments'),
        t('page.agreement'),
        t('page.reviewBy'),
        t('common.owner'),
      ],
      ...shown.map(i => [
        i.entityRef,
        i.tier,
        i.customer,
        i.serviceHours,
        i.timezone,
        commitmentLines(i).join('; '),
        i.agreement,
        i.reviewBy,
        i.ownerRef,
      ]),
    ]);

  const columns: TableColumn<CatalogItem>[] = [
    {
      title: t('common.service'),
      render: i => (
        <>
          <EntityRefLink entityRef={i.entityRef} />
          {i.problems.length > 0 && (
            <Typography variant="caption" color="error" component="div">
              {i.problems.map(p => p.key).join(', ')}
            </Typography>
          )}
        </>
      ),
    },
    { title: t('page.tier'), render: i => i.tier ?? '—' },
    {
      title: t('page.customer'),
      render: i =>
        i.customer ? <EntityRefLink entityRef={i.customer} /> : '—',
    },
    {
      title: t('page.serviceHours'),
      render: i => `${i.serviceHours} (${i.timezone})`,
    },
    {
      title: t('page.commitments'),
      render: i => (
        <Box component="ul" m={0} pl={2}>
          {commitmentLines(i).map(l => (
            <li key={l}>
              <Typography variant="caption">{l}</Typography>
            </li>
          ))}
        </Box>
      ),
    },
    { title: t('page.agreement'), render: i => i.agreement ?? '—' },
    {
      title: t('page.reviewBy'),
      render: i => {
        const state = reviewState(i.reviewBy, Date.now(), i.timezone);
        if (!i.reviewBy) return '—';
        if (state === 'overdue')
          return (
            <Typography variant="body2" color="error">
              {t('card.reviewOverdue', { date: i.reviewBy })}
            </Typography>
          );
        if (state === 'due-soon')
          return t('card.reviewSoon', { date: i.reviewBy });
        return i.reviewBy;
      },
    },
  ];

  return (
    <>
      <Box display="flex" alignItems="center" mb={2} style={{ gap: 16 }}>
        <SearchField
          label={t('common.search')}
          value={text}
          onChange={setText}
        />
        <Box flexGrow={1} />
        <Button variant="outlined" onClick={exportCsv}>
          {t('common.exportCsv')}
        </Button>
      </Box>
      <Table<CatalogItem>
        title={t('page.catalogTab')}
        subtitle={`${shown.length} / ${items.length}`}
        options={{ paging: false, search: false, padding: 'dense' }}
        columns={columns}
        data={shown}
      />
    </>
  );
};
