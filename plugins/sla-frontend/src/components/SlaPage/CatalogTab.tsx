import { useState } from 'react';
import { parseEntityRef } from '@backstage/catalog-model';
import { EmptyState, Table, TableColumn } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Chip from '@material-ui/core/Chip';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import useAsync from 'react-use/esm/useAsync';
import type { CatalogItem } from '../../api';
import {
  AsyncStatus,
  chainWarningText,
  downloadCsv,
  reviewState,
  SearchField,
  useSlaApi,
  useSlaFormat,
  type SlaFormat,
} from '../common';

/** "Response time · P1: 15 min (95 %)", from the API's committed objectives. */
function commitmentLines(item: CatalogItem, fmt: SlaFormat): string[] {
  return item.objectives.map(
    o => `${fmt.objective(o.objective)}: ${fmt.target(o)}`,
  );
}

function matches(item: CatalogItem, text: string, fmt: SlaFormat): boolean {
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
    ...commitmentLines(item, fmt),
    // The annotation text too, so a search for `P1=5m` still finds the service.
    ...Object.values(item.commitments),
  ].some(v => v?.toLocaleLowerCase().includes(q));
}

/** The published service catalog: every service with an SLA and what it commits to. */
export const CatalogTab = () => {
  const slaApi = useSlaApi();
  const fmt = useSlaFormat();
  const { t } = fmt;
  const [text, setText] = useState('');
  const catalog = useAsync(() => slaApi.getCatalog(), [slaApi]);

  if (catalog.loading || catalog.error) return <AsyncStatus state={catalog} />;
  const items = catalog.value?.items ?? [];
  if (items.length === 0) {
    return <EmptyState missing="data" title={t('page.noServices')} />;
  }
  const shown = items.filter(i => matches(i, text, fmt));
  const warnings = catalog.value?.calendarWarnings ?? [];
  // Consistency warnings of the chain (SPEC §8): warnings, never errors (docs/dependencies.md).
  const chainWarnings = (catalog.value?.dependencyWarnings ?? []).filter(w =>
    shown.some(i => i.entityRef === w.entityRef),
  );
  const titleOf = new Map(items.map(i => [i.entityRef, i.title]));

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
        t('chain.agreementType'),
        t('page.reviewBy'),
        t('common.owner'),
      ],
      ...shown.map(i => [
        i.entityRef,
        i.tier,
        i.customer,
        i.serviceHours,
        i.timezone,
        commitmentLines(i, fmt).join('; '),
        i.agreement,
        i.agreementType,
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
          {commitmentLines(i, fmt).map(l => (
            <li key={l}>
              <Typography variant="caption">{l}</Typography>
            </li>
          ))}
        </Box>
      ),
    },
    {
      title: t('page.agreement'),
      render: i => (
        <>
          {i.agreementType && (
            <Chip
              size="small"
              variant="outlined"
              label={t(`agreementType.${i.agreementType}`)}
            />
          )}
          <Typography variant="body2">{i.agreement ?? '—'}</Typography>
        </>
      ),
    },
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
      {warnings.length > 0 && (
        <Box mb={2}>
          <Alert severity="warning" data-testid="sla-calendar-warnings">
            <AlertTitle>{t('page.calendarWarnings')}</AlertTitle>
            {warnings.map(w => (
              <Typography
                key={`${w.calendar}:${w.year ?? ''}`}
                variant="body2"
                component="div"
              >
                {/* A source's own note has no structure to translate; a missing year has. */}
                {w.year === undefined
                  ? w.message
                  : t('page.calendarWarningYear', {
                      calendar: w.calendar,
                      year: String(w.year),
                    })}
              </Typography>
            ))}
          </Alert>
        </Box>
      )}
      {chainWarnings.length > 0 && (
        <Box mb={2}>
          <Alert severity="warning" data-testid="sla-catalog-chain-warnings">
            <AlertTitle>{t('chain.warnings')}</AlertTitle>
            {chainWarnings.map((w, i) => (
              <Typography key={i} variant="body2" component="div">
                {t('page.chainWarningOf', {
                  service:
                    titleOf.get(w.entityRef) ??
                    parseEntityRef(w.entityRef).name,
                  warning: chainWarningText(w, fmt),
                })}
              </Typography>
            ))}
          </Alert>
        </Box>
      )}
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
