import { useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import {
  formatMoney,
  isPeriodKey,
  parsePeriodKey,
  roundPercent,
  serviceMatchesText,
} from '@servicelevel/plugin-sla-common';
import {
  InfoCard,
  Table,
  TableColumn,
  EmptyState,
} from '@backstage/core-components';
import { useTranslationRef } from '@backstage/frontend-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import TablePagination from '@material-ui/core/TablePagination';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import useAsync from 'react-use/esm/useAsync';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import useDebounce from 'react-use/esm/useDebounce';
import {
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type {
  AchievementTally,
  CatalogItem,
  CatalogQuery,
  Overview,
  OverviewGroup,
  OverviewGroupBy,
  OverviewQuery,
  ServiceSummary,
} from '../../api';
import { slaTranslationRef } from '../../translation';
import {
  AsyncStatus,
  browserTimeZone,
  downloadCsv,
  formatPercent,
  OKABE_ITO,
  PickerSelect,
  rateColour,
  reviewState,
  SearchField,
  ToolbarRow,
  textOn,
  useObjectiveLabel,
  useSlaApi,
  yearMonthIn,
  useSlaFormat,
  STATUS_COLOUR,
} from '../common';
import {
  periodKey,
  previousKey,
  startedSubPeriods,
  SubPeriod,
} from './periods';
import { SupplierContracts, supplierRows } from './SupplierContracts';

const useStyles = makeStyles(theme => ({
  big: { fontSize: '3.5rem', fontWeight: 700, lineHeight: 1.1 },
  heat: {
    borderCollapse: 'collapse',
    width: '100%',
    '& th, & td': {
      padding: theme.spacing(0.5),
      fontSize: '0.75rem',
      textAlign: 'center',
      border: `1px solid ${theme.palette.background.paper}`,
    },
    '& th:first-child, & td:first-child': { textAlign: 'left' },
  },
}));

/** `3: A, B, C…` — the count with the first few names, the rest in the tooltip. */
function compactList(names: string[]) {
  if (names.length === 0) return '—';
  const head = names.slice(0, 3).join(', ');
  return (
    <span title={names.join(', ')}>
      {names.length}: {head}
      {names.length > 3 ? '…' : ''}
    </span>
  );
}

const rateText = (rate: number | undefined, na: string) =>
  rate === undefined ? na : formatPercent(rate);

/** A group key is an entity ref, or `(none)`. */
const GroupName = ({ value }: { value: string }) => {
  const { t } = useTranslationRef(slaTranslationRef);
  if (value === '(none)') return <>{t('common.none')}</>;
  return <EntityRefLink entityRef={value} />;
};

/** Services per page of the drill-down and the heatmap, and the sizes offered. */
const PAGE_SIZES = [25, 50, 100];
/** Reviews due listed at a time beside the worst services. */
const REVIEWS_PER_PAGE = 10;

/**
 * The pager of a list of services the API pages: "1–50 of 20,000 services", the page buttons
 * and, given `sizes`, the choice of page size, in the user's language.
 */
const ServicePages = (props: {
  testId: string;
  total: number;
  index: number;
  size: number;
  sizes?: number[];
  onPage: (index: number) => void;
  onSize?: (size: number) => void;
}) => {
  const { t } = useTranslationRef(slaTranslationRef);
  const { total, size, sizes = [], onSize } = props;
  return (
    <TablePagination
      component="div"
      data-testid={props.testId}
      count={total}
      page={Math.min(props.index, Math.max(0, Math.ceil(total / size) - 1))}
      rowsPerPage={size}
      rowsPerPageOptions={sizes}
      labelRowsPerPage={t('page.servicesPerPage')}
      backIconButtonText={t('page.previousPage')}
      nextIconButtonText={t('page.nextPage')}
      labelDisplayedRows={({ from, to, count }) =>
        t('page.shownServices', { from: String(from), to: String(to), count })
      }
      onPageChange={(_, p) => props.onPage(p)}
      onRowsPerPageChange={e => onSize?.(Number(e.target.value))}
    />
  );
};
/** How long typing in the filter pauses before the page asks for the matching services. */
const FILTER_DEBOUNCE_MS = 300;

/**
 * True when a month key (`2026-03`) is in the period of `key` (`2026-03`, `2026-Q1`, `2026`).
 */
function monthIn(month: string, key: string): boolean {
  const m = parsePeriodKey(month);
  const p = parsePeriodKey(key);
  if (m.year !== p.year) return false;
  if (p.kind === 'quarterly') return Math.ceil(m.index / 3) === p.index;
  return p.kind === 'yearly' || m.index === p.index;
}

/** The overview's groupings, and the suppliers' view (`GET /overview/suppliers`). */
type PageGroupBy = OverviewGroupBy | 'supplier';
const GROUP_BYS: PageGroupBy[] = ['owner', 'system', 'domain', 'supplier'];

/** The year and sub-period of a `period` key from the URL; undefined when it is not one. */
function fromKey(
  key: string | null,
): { year: number; sub: SubPeriod } | undefined {
  if (!key || !isPeriodKey(key)) return undefined;
  const { kind, year, index } = parsePeriodKey(key);
  if (kind === 'yearly') return { year, sub: 'year' };
  if (kind === 'quarterly') return { year, sub: `Q${index}` };
  return { year, sub: String(index).padStart(2, '0') };
}

/**
 * Organisation-wide SLA achievement for leadership: the number, the breakdown, the laggards.
 * Every figure is the API's (`GET /overview`, every service in its own period kind); the
 * page filters and displays them. The view (period, grouping, group) lives in the URL.
 */
export const OverviewTab = () => {
  const classes = useStyles();
  const slaApi = useSlaApi();
  const { t } = useTranslationRef(slaTranslationRef);
  const { percent } = useSlaFormat();
  /**
   * "7 of 10 objectives met", and, where data coverage fell short (SPEC §9), how many
   * objectives read unknown and the lowest coverage: the API's figures, only formatted.
   */
  const achievementOf = (r: {
    met: number;
    committed: number;
    unknown?: number;
    coverage?: number;
  }) =>
    [
      t('common.achievementValue', {
        met: String(r.met),
        committed: String(r.committed),
      }),
      r.unknown ? t('coverage.unknownCount', { count: r.unknown }) : '',
      r.coverage !== undefined
        ? t('coverage.short', { coverage: percent(r.coverage) })
        : '',
    ]
      .filter(Boolean)
      .join(' · ');
  const objectiveLabel = useObjectiveLabel();
  const zone = browserTimeZone();
  const now = yearMonthIn(zone);

  const [params, setParams] = useSearchParams();
  const picked = fromKey(params.get('period'));
  const year = picked?.year ?? now.year;
  const sub: SubPeriod = picked?.sub ?? 'year';
  const groupByParam = params.get('groupBy') as PageGroupBy | null;
  const groupBy =
    groupByParam && GROUP_BYS.includes(groupByParam) ? groupByParam : 'owner';
  const group = params.get('group') ?? undefined;
  const setView = (changes: Record<string, string | undefined>) =>
    setParams(
      prev => {
        const next = new URLSearchParams(prev);
        for (const [name, v] of Object.entries(changes)) {
          if (v === undefined) next.delete(name);
          else next.set(name, v);
        }
        return next;
      },
      { replace: true },
    );
  const setGroup = (g: string | undefined) => setView({ group: g });
  /** Another period shows every group again. */
  const setPeriod = (period: string) => setView({ period, group: undefined });
  const [text, setText] = useState('');
  const [filter, setFilter] = useState('');
  useDebounce(() => setFilter(text.trim()), FILTER_DEBOUNCE_MS, [text]);
  const [pageSize, setPageSize] = useState(PAGE_SIZES[1]);

  const key = periodKey(year, sub);
  const prevKey = previousKey(key);
  // One request for every figure of the view and one page of its services (the server
  // filters and pages them: 20,000 services are not sent to the browser); the catalog only
  // feeds the review list. By supplier, the figures above the table are the organisation's,
  // grouped by owner.
  const overviewGroupBy: OverviewGroupBy =
    groupBy === 'supplier' ? 'owner' : groupBy;
  const pageGroup = groupBy === 'supplier' ? undefined : group;
  // Another period, grouping, group or filter starts at the first page again.
  const view = JSON.stringify([key, overviewGroupBy, pageGroup, filter]);
  const [paging, setPaging] = useState({ view, index: 0 });
  const pageIndex = paging.view === view ? paging.index : 0;
  const setPageIndex = (index: number) => setPaging({ view, index });
  const query: OverviewQuery = {
    period: key,
    groupBy: overviewGroupBy,
    ...(pageGroup === undefined ? {} : { group: pageGroup }),
    ...(filter ? { q: filter } : {}),
    limit: pageSize,
    offset: pageIndex * pageSize,
  };
  const overview = useAsync(
    () => slaApi.getOverview(query),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the query's values
    [slaApi, view, pageSize, pageIndex],
  );
  const suppliers = useAsync(
    async () =>
      groupBy === 'supplier'
        ? slaApi.getSupplierOverview({ period: key })
        : undefined,
    [slaApi, key, groupBy],
  );
  // The reviews due in the view: a page of them from the catalog, filtered by the server.
  const reviewQuery: CatalogQuery = {
    review: 'due',
    ...(pageGroup === undefined
      ? {}
      : { groupBy: overviewGroupBy, group: pageGroup }),
    ...(filter ? { q: filter } : {}),
  };
  const [reviewPaging, setReviewPaging] = useState({ view, index: 0 });
  const reviewIndex = reviewPaging.view === view ? reviewPaging.index : 0;
  const reviews = useAsync(
    () =>
      slaApi.getCatalog({
        ...reviewQuery,
        limit: REVIEWS_PER_PAGE,
        offset: reviewIndex * REVIEWS_PER_PAGE,
      }),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the query's values
    [slaApi, view, reviewIndex],
  );

  const value = overview.value;
  const monthly = value?.yearToDate.months ?? [];
  // Open when a month of the period is (some service's period covering it is still open).
  const open = monthly.some(m => !m.complete && monthIn(m.key, key));
  // The page's services and rows, filtered and ordered by the server.
  const groupServices = value?.services ?? [];
  const heatRows = value?.heatmap.rows ?? [];
  const shownTotal = value?.page?.total ?? groupServices.length;
  const inGroup =
    value && pageGroup !== undefined
      ? new Set(value.groups.find(g => g.key === pageGroup)?.services ?? [])
      : undefined;
  const shown = (s: ServiceSummary) =>
    (!inGroup || inGroup.has(s.entityRef)) && serviceMatchesText(s, filter);
  // A group is shown when its key or one of its services' refs has the text.
  const groups = (value?.groups ?? []).filter(g =>
    [g.key, ...g.services].some(r =>
      serviceMatchesText({ entityRef: r }, filter),
    ),
  );
  const worst = (value?.worst ?? []).filter(shown);
  const months = value?.heatmap.months ?? [];
  const dueForReview: CatalogItem[] = reviews.value?.items ?? [];
  const dueTotal = reviews.value?.page?.total ?? dueForReview.length;
  const pagination = (
    <ServicePages
      testId="sla-services-pages"
      total={shownTotal}
      index={pageIndex}
      size={pageSize}
      sizes={PAGE_SIZES}
      onPage={setPageIndex}
      onSize={size => {
        setPageSize(size);
        setPageIndex(0);
      }}
    />
  );

  const dimension = {
    owner: t('common.owner'),
    system: t('common.system'),
    domain: t('common.domain'),
    supplier: t('page.supplier'),
  }[groupBy];

  const exportCsv = async () => {
    // The file holds every service the view shows, not only the page on screen.
    let all: Overview | undefined = value;
    if (value && shownTotal > value.services.length) {
      const { limit: _limit, offset: _offset, ...whole } = query;
      all = await slaApi.getOverview(whole);
    }
    const rows: unknown[][] = [];
    rows.push([t('common.period'), key, t('page.groupBy'), dimension]);
    rows.push([
      t('page.rate'),
      rateText(value?.total.rate, t('common.notApplicable')),
      value?.total.met,
      value?.total.committed,
    ]);
    // Rate, met and committed as the API gives them, for every line below.
    const tally = (x: AchievementTally) => [
      rateText(x.rate, ''),
      x.met,
      x.committed,
    ];
    const tallyHeader = [t('page.rate'), 'met', 'committed'];
    rows.push([]);
    if (groupBy === 'supplier') {
      rows.push(
        [t('page.bySupplier')],
        [
          t('page.supplier'),
          t('page.contract'),
          ...tallyHeader,
          t('objective.availability'),
          t('page.affectedServices'),
        ],
        ...(suppliers.value ? supplierRows(suppliers.value) : []).map(c => [
          c.supplier,
          c.entityRef,
          ...tally({
            rate: c.achievementRate,
            met: c.met,
            committed: c.committed,
          }),
          formatPercent(c.availability),
          c.dependents.map(d => `${d.entityRef} ${d.attributedMs}ms`).join(' '),
        ]),
      );
    } else if (group) {
      rows.push(
        [t('page.drilledInto', { group })],
        [
          t('common.service'),
          ...tallyHeader,
          t('page.breachedObjectives'),
          t('page.atRisk'),
        ],
        ...(all?.services ?? []).map(s => [
          s.entityRef,
          ...tally(s),
          s.breached.join(' '),
          s.atRisk.join(' '),
        ]),
      );
    } else {
      rows.push(
        [t('page.breakdown', { dimension })],
        [
          dimension,
          ...tallyHeader,
          t('page.services'),
          t('page.breachedObjectives'),
        ],
        ...groups.map(g => [g.key, ...tally(g), g.services.length, g.breached]),
      );
    }
    rows.push(
      [],
      [t('page.heatmap')],
      [t('common.service'), t('common.period'), ...tallyHeader],
    );
    for (const r of all?.heatmap.rows ?? []) {
      for (const c of r.cells) rows.push([r.entityRef, c.key, ...tally(c)]);
      rows.push([r.entityRef, value?.heatmap.year, ...tally(r.yearToDate)]);
    }
    rows.push([]);
    rows.push([t('page.worst')]);
    for (const s of worst)
      rows.push([
        s.entityRef,
        rateText(s.rate, ''),
        formatPercent(s.availability),
        s.breached.join(' '),
      ]);
    rows.push([]);
    rows.push([t('page.overdue')]);
    // Every review due in the view, not only the page shown.
    const due =
      dueTotal > dueForReview.length
        ? (await slaApi.getCatalog(reviewQuery)).items
        : dueForReview;
    for (const i of due) rows.push([i.entityRef, i.agreement, i.reviewBy]);
    downloadCsv(
      `sla-achievement-${key}${
        group ? `-${group.replace(/[^\w-]+/g, '_')}` : ''
      }.csv`,
      rows,
    );
  };
  const [exporting, runExport] = useAsyncFn(exportCsv, [exportCsv]);

  const groupColumns: TableColumn<OverviewGroup>[] = [
    { title: dimension, render: g => <GroupName value={g.key} /> },
    {
      title: t('page.rate'),
      render: g => rateText(g.rate, t('common.notApplicable')),
    },
    {
      title: t('common.achievement'),
      render: g => achievementOf(g),
    },
    { title: t('page.breachedObjectives'), field: 'breached' },
    {
      title: t('page.creditsOwed'),
      render: g =>
        g.credits && g.credits.owed.length > 0
          ? g.credits.owed.map(a => formatMoney(a)).join(' · ')
          : '—',
    },
    {
      title: t('page.services'),
      render: g => (
        <Button
          size="small"
          color="primary"
          data-testid="sla-drill"
          onClick={() => setGroup(g.key)}
        >
          {t('page.viewServices', { count: g.services.length })}
        </Button>
      ),
    },
  ];
  const serviceColumns: TableColumn<ServiceSummary>[] = [
    {
      title: t('common.service'),
      render: s => <EntityRefLink entityRef={s.entityRef} />,
    },
    {
      title: t('page.rate'),
      render: s => rateText(s.rate, t('common.notApplicable')),
    },
    {
      title: t('common.achievement'),
      render: s => achievementOf(s),
    },
    {
      title: t('objective.availability'),
      render: s => formatPercent(s.availability),
    },
    {
      title: t('page.breachedObjectives'),
      render: s => compactList(s.breached.map(objectiveLabel)),
    },
    {
      title: t('page.atRisk'),
      render: s => compactList(s.atRisk.map(objectiveLabel)),
    },
  ];

  // The API gives the change in points; the page rounds it for display only.
  const change = value?.previous?.change;
  const delta = change === undefined ? undefined : roundPercent(change, 1);
  let trendText: string;
  if (delta === undefined) trendText = t('common.notApplicable');
  else {
    let arrow = '= ';
    if (delta > 0) arrow = '▲ +';
    else if (delta < 0) arrow = '▼ ';
    trendText = `${arrow}${t('page.trendVsPrevious', {
      delta: String(delta),
      previous: prevKey,
    })}`;
  }

  return (
    <Grid container spacing={2}>
      <ToolbarRow>
        <PickerSelect
          id="sla-year"
          label={t('page.year')}
          value={year}
          minWidth={110}
          options={[now.year, now.year - 1, now.year - 2].map(y => ({
            value: y,
          }))}
          onChange={v => setPeriod(periodKey(Number(v), 'year'))}
        />
        <PickerSelect
          id="sla-sub"
          label={t('page.periodOfYear')}
          value={sub}
          minWidth={130}
          options={startedSubPeriods(year, now).map(s => ({
            value: s,
            label: s === 'year' ? t('page.wholeYear') : periodKey(year, s),
          }))}
          onChange={v => setPeriod(periodKey(year, v as SubPeriod))}
        />
        <PickerSelect
          id="sla-groupby"
          label={t('page.groupBy')}
          value={groupBy}
          minWidth={130}
          options={[
            { value: 'owner', label: t('common.owner') },
            { value: 'system', label: t('common.system') },
            { value: 'domain', label: t('common.domain') },
            { value: 'supplier', label: t('page.supplier') },
          ]}
          onChange={v =>
            setView({ groupBy: v as PageGroupBy, group: undefined })
          }
        />
        <SearchField
          label={t('page.filterText')}
          value={text}
          onChange={setText}
        />
        <Box flexGrow={1} />
        <Button
          variant="outlined"
          onClick={runExport}
          disabled={!value || exporting.loading}
        >
          {t('common.exportCsv')}
        </Button>
      </ToolbarRow>
      <AsyncStatus state={exporting} gridRow />

      <AsyncStatus state={overview} gridRow />
      {value && value.total.services === 0 && (
        <Grid item xs={12}>
          <EmptyState missing="data" title={t('page.noServices')} />
        </Grid>
      )}
      {value && value.total.services > 0 && (
        <>
          <Grid item xs={12} md={4}>
            <InfoCard title={`${t('page.rate')} · ${key}`}>
              <Typography className={classes.big} data-testid="sla-rate">
                {rateText(value.total.rate, t('common.notApplicable'))}
              </Typography>
              <Typography variant="body2">
                {achievementOf(value.total)}
              </Typography>
              {sub === 'year' && open && (
                <Typography variant="body2" data-testid="sla-year-to-date">
                  {t('page.yearToDate')}
                </Typography>
              )}
              {sub !== 'year' && (
                <Typography
                  variant="body2"
                  color="textSecondary"
                  data-testid="sla-trend-delta"
                >
                  {t('page.trend')}: {trendText}
                </Typography>
              )}
              {sub !== 'year' && open && (
                <Typography
                  variant="caption"
                  color="textSecondary"
                  component="p"
                >
                  {t('page.openNote')}
                </Typography>
              )}
              {value.total.credits &&
                (value.total.credits.owed.length > 0 ||
                  value.total.credits.provisional.length > 0) && (
                  <Box mt={1} data-testid="sla-credits-owed">
                    {value.total.credits.owed.length > 0 && (
                      <Typography variant="body2">
                        {t('page.creditsOwedTotal', {
                          amount: value.total.credits.owed
                            .map(a => formatMoney(a))
                            .join(' · '),
                          services: String(value.total.credits.services),
                        })}
                      </Typography>
                    )}
                    {value.total.credits.provisional.length > 0 && (
                      <Typography variant="caption" color="textSecondary">
                        {t('page.creditsProvisional', {
                          amount: value.total.credits.provisional
                            .map(a => formatMoney(a))
                            .join(' · '),
                          services: String(
                            value.total.credits.provisionalServices,
                          ),
                        })}
                      </Typography>
                    )}
                  </Box>
                )}
              {monthly.length > 1 && (
                <Box height={70} mt={1} data-testid="sla-monthly-trend">
                  <Typography variant="caption">
                    {t('page.monthlyTrend')}
                  </Typography>
                  <ResponsiveContainer width="100%" height="80%">
                    <LineChart
                      data={monthly}
                      margin={{ top: 4, right: 4, bottom: 0, left: 4 }}
                    >
                      <YAxis hide domain={[0, 100]} />
                      <XAxis dataKey="month" hide />
                      <Tooltip formatter={(v: number) => formatPercent(v)} />
                      <Line
                        dataKey="rate"
                        stroke={OKABE_ITO.blue}
                        strokeWidth={2}
                        isAnimationActive={false}
                      />
                    </LineChart>
                  </ResponsiveContainer>
                </Box>
              )}
            </InfoCard>
          </Grid>
          <Grid item xs={12} md={8}>
            {groupBy === 'supplier' && (
              <>
                <AsyncStatus state={suppliers} />
                {suppliers.value && (
                  <SupplierContracts value={suppliers.value} period={key} />
                )}
              </>
            )}
            {groupBy !== 'supplier' && group && (
              <Table<ServiceSummary>
                title={t('page.drilledInto', {
                  group: group === '(none)' ? t('common.none') : group,
                })}
                subtitle={key}
                options={{ paging: false, search: false, padding: 'dense' }}
                columns={serviceColumns}
                data={groupServices}
                actions={[
                  {
                    icon: () => (
                      <span style={{ fontSize: 14 }}>
                        ← {t('page.backToGroups')}
                      </span>
                    ),
                    tooltip: t('page.backToGroups'),
                    isFreeAction: true,
                    onClick: () => setGroup(undefined),
                  },
                ]}
              />
            )}
            {groupBy !== 'supplier' && group && pagination}
            {groupBy !== 'supplier' && !group && (
              <Table<OverviewGroup>
                title={t('page.breakdown', { dimension })}
                subtitle={key}
                options={{ paging: false, search: false, padding: 'dense' }}
                columns={groupColumns}
                data={groups}
              />
            )}
          </Grid>
          <Grid item xs={12}>
            <InfoCard
              title={`${t('page.heatmap')} · ${value.heatmap.year}`}
              subheader={t('page.heatmapLegend')}
            >
              <Box overflow="auto">
                <table className={classes.heat} data-testid="sla-heatmap">
                  <thead>
                    <tr>
                      <th>{t('common.service')}</th>
                      {months.map(m => (
                        <th key={m}>{m.slice(5)}</th>
                      ))}
                      <th>{value.heatmap.year}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {heatRows.map(row => {
                      const spanned = row.cells.reduce((n, c) => n + c.span, 0);
                      return (
                        <tr key={row.entityRef} data-entity={row.entityRef}>
                          <td>
                            <EntityRefLink
                              entityRef={row.entityRef}
                              defaultKind="component"
                            />
                          </td>
                          {row.cells.map(c => {
                            // Unknown for lack of data coverage (SPEC §9): its own colour, open or not.
                            const unknown = c.status === 'unknown';
                            const filled = c.complete || unknown;
                            let bg = 'transparent';
                            if (unknown) bg = STATUS_COLOUR.unknown;
                            else if (filled) bg = rateColour(c.rate);
                            return (
                              <td
                                key={c.key}
                                colSpan={c.span}
                                data-period={c.key}
                                data-status={c.status}
                                style={{
                                  backgroundColor: bg,
                                  color: filled ? textOn(bg) : undefined,
                                  fontStyle: c.complete ? undefined : 'italic',
                                }}
                                title={`${c.key}: ${achievementOf(c)}`}
                              >
                                {rateText(c.rate, unknown ? '?' : '—')}
                                {c.complete ? '' : '*'}
                              </td>
                            );
                          })}
                          {spanned < months.length && (
                            <td colSpan={months.length - spanned} />
                          )}
                          <td
                            data-period={value.heatmap.year}
                            title={`${value.heatmap.year}: ${achievementOf(
                              row.yearToDate,
                            )}`}
                            style={{ fontWeight: 700 }}
                          >
                            {rateText(row.yearToDate.rate, '—')}
                          </td>
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              </Box>
              {pagination}
            </InfoCard>
          </Grid>
          <Grid item xs={12} md={8}>
            <Table<ServiceSummary>
              title={t('page.worst')}
              subtitle={key}
              options={{ paging: false, search: false, padding: 'dense' }}
              columns={serviceColumns.filter((_, i) => i !== 2 && i !== 5)}
              data={worst}
            />
          </Grid>
          <Grid item xs={12} md={4}>
            <InfoCard title={t('page.overdue')}>
              <AsyncStatus state={reviews} />
              {reviews.value && dueForReview.length === 0 && (
                <Typography>{t('page.noOverdue')}</Typography>
              )}
              {dueForReview.map(i => {
                const state = reviewState(i.reviewBy, Date.now(), i.timezone);
                return (
                  <Box
                    key={i.entityRef}
                    display="flex"
                    justifyContent="space-between"
                    py={0.5}
                  >
                    <EntityRefLink entityRef={i.entityRef} />
                    <Typography
                      variant="body2"
                      style={{ fontWeight: state === 'overdue' ? 700 : 400 }}
                    >
                      {i.agreement ?? ''}{' '}
                      {state === 'overdue'
                        ? t('card.reviewOverdue', { date: i.reviewBy ?? '' })
                        : t('card.reviewSoon', { date: i.reviewBy ?? '' })}
                    </Typography>
                  </Box>
                );
              })}
              {dueTotal > REVIEWS_PER_PAGE && (
                <ServicePages
                  testId="sla-reviews-pages"
                  total={dueTotal}
                  index={reviewIndex}
                  size={REVIEWS_PER_PAGE}
                  onPage={index => setReviewPaging({ view, index })}
                />
              )}
            </InfoCard>
          </Grid>
        </>
      )}
    </Grid>
  );
};
