import { useMemo, useState } from 'react';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
  Table,
  TableColumn,
  EmptyState,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { useTranslationRef } from '@backstage/frontend-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import FormControl from '@material-ui/core/FormControl';
import Grid from '@material-ui/core/Grid';
import InputLabel from '@material-ui/core/InputLabel';
import MenuItem from '@material-ui/core/MenuItem';
import Select from '@material-ui/core/Select';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import useAsync from 'react-use/esm/useAsync';
import {
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { slaApiRef } from '../../api';
import {
  CatalogItem,
  Overview,
  OverviewGroup,
  OverviewGroupBy,
  ServiceSummary,
} from '../../api/types';
import { slaTranslationRef } from '../../translation';
import {
  browserTimeZone,
  downloadCsv,
  formatPercent,
  OKABE_ITO,
  rateColour,
  reviewState,
  textOn,
  todayIn,
  useObjectiveLabel,
  yearMonthIn,
} from '../common';
import { yearToDate } from './ytd';
import {
  periodKey,
  previousKey,
  startedMonths,
  startedSubPeriods,
  SubPeriod,
} from './periods';

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

function matches(s: ServiceSummary, text: string): boolean {
  if (!text) return true;
  const q = text.toLocaleLowerCase();
  return [s.entityRef, s.title, s.ownerRef, s.systemRef, s.domainRef].some(v =>
    v?.toLocaleLowerCase().includes(q),
  );
}

/** Organisation-wide SLA achievement for leadership: the number, the breakdown, the laggards. */
export const OverviewTab = () => {
  const classes = useStyles();
  const slaApi = useApi(slaApiRef);
  const { t } = useTranslationRef(slaTranslationRef);
  const objectiveLabel = useObjectiveLabel();
  const zone = browserTimeZone();
  const now = yearMonthIn(zone);

  const [year, setYear] = useState(now.year);
  const [sub, setSub] = useState<SubPeriod>('year');
  const [groupBy, setGroupBy] = useState<OverviewGroupBy>('owner');
  const [group, setGroup] = useState<string | undefined>(undefined);
  const [text, setText] = useState('');

  const key = periodKey(year, sub);
  const prevKey = previousKey(key);
  const overview = useAsync(
    () => slaApi.getOverview({ period: key, groupBy }),
    [slaApi, key, groupBy],
  );
  const previous = useAsync(
    () => slaApi.getOverview({ period: prevKey, groupBy }),
    [slaApi, prevKey, groupBy],
  );
  // Heatmap: one /overview call per month of the year (12 calls at most, whatever the number
  // of services), each service's month resolved in its own zone by the backend.
  const months = startedMonths(year, now);
  const heat = useAsync(async () => {
    const results = await Promise.all(
      months.map(m => slaApi.getOverview({ period: m, groupBy: 'owner' })),
    );
    return months.map((m, i) => ({ month: m, overview: results[i] }));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [slaApi, months.join(',')]);
  const catalog = useAsync(() => slaApi.getCatalog(), [slaApi]);

  const currentMonth = `${now.year}-${String(now.month).padStart(2, '0')}`;
  const openKeys = new Set([
    currentMonth,
    `${now.year}-Q${Math.floor((now.month - 1) / 3) + 1}`,
    String(now.year),
  ]);
  // A whole year still running is shown as the sum over its closed months (SPEC §5.7 allows
  // any set of periods); the open year's own result counts running objectives as not met.
  const useYtd = sub === 'year' && openKeys.has(key);
  const ytd = useMemo(
    () =>
      useYtd && heat.value
        ? yearToDate(
            heat.value.filter(h => h.month < currentMonth).map(h => h.overview),
            groupBy,
            `${year}`,
          )
        : undefined,
    [useYtd, heat.value, currentMonth, groupBy, year],
  );
  const value: Overview | undefined = useYtd ? ytd : overview.value;
  const groupServices = useMemo(() => {
    if (!value) return [];
    const inGroup = group
      ? new Set(value.groups.find(g => g.key === group)?.services ?? [])
      : undefined;
    return value.services.filter(
      s => (!inGroup || inGroup.has(s.entityRef)) && matches(s, text),
    );
  }, [value, group, text]);
  const shownRefs = new Set(groupServices.map(s => s.entityRef));
  const groups = (value?.groups ?? []).filter(
    g =>
      !text || g.services.some(r => shownRefs.has(r)) || g.key.includes(text),
  );
  const worst = (value?.worst ?? []).filter(s => shownRefs.has(s.entityRef));
  const closedMonths = (heat.value ?? []).filter(h => h.month < currentMonth);
  const monthly = closedMonths.map(h => {
    const members = h.overview.services.filter(x => shownRefs.has(x.entityRef));
    const met = members.reduce((n, x) => n + x.met, 0);
    const committed = members.reduce((n, x) => n + x.committed, 0);
    return {
      month: h.month,
      met,
      committed,
      rate: committed > 0 ? (met / committed) * 100 : undefined,
    };
  });
  const ytdMet = monthly.reduce((n, m) => n + m.met, 0);
  const ytdCommitted = monthly.reduce((n, m) => n + m.committed, 0);
  const dueForReview: CatalogItem[] = (catalog.value?.items ?? []).filter(
    i =>
      (!value || shownRefs.has(i.entityRef)) &&
      ['overdue', 'soon'].includes(
        reviewState(i.reviewBy, todayIn(i.timezone)) ?? '',
      ),
  );
  const heatRows = [...shownRefs].sort();

  const dimension = {
    owner: t('common.owner'),
    system: t('common.system'),
    domain: t('common.domain'),
  }[groupBy];

  const exportCsv = () => {
    const rows: unknown[][] = [];
    rows.push([t('common.period'), key, t('page.groupBy'), dimension]);
    rows.push([
      t('page.rate'),
      rateText(value?.total.rate, t('common.notApplicable')),
      value?.total.met,
      value?.total.committed,
    ]);
    rows.push([]);
    if (group) {
      rows.push([t('page.drilledInto', { group })]);
      rows.push([
        t('common.service'),
        t('page.rate'),
        'met',
        'committed',
        t('page.breachedObjectives'),
        t('page.atRisk'),
      ]);
      for (const s of groupServices) {
        rows.push([
          s.entityRef,
          rateText(s.rate, ''),
          s.met,
          s.committed,
          s.breached.join(' '),
          s.atRisk.join(' '),
        ]);
      }
    } else {
      rows.push([t('page.breakdown', { dimension })]);
      rows.push([
        dimension,
        t('page.rate'),
        'met',
        'committed',
        t('page.services'),
        t('page.breachedObjectives'),
      ]);
      for (const g of groups) {
        rows.push([
          g.key,
          rateText(g.rate, ''),
          g.met,
          g.committed,
          g.services.length,
          g.breached,
        ]);
      }
    }
    rows.push([]);
    rows.push([t('page.heatmap')]);
    rows.push([t('common.service'), ...(heat.value ?? []).map(h => h.month)]);
    for (const ref of heatRows) {
      rows.push([
        ref,
        ...(heat.value ?? []).map(h =>
          rateText(
            h.overview.services.find(s => s.entityRef === ref)?.rate,
            '',
          ),
        ),
      ]);
    }
    rows.push([]);
    rows.push([t('page.worst')]);
    for (const s of worst)
      rows.push([s.entityRef, rateText(s.rate, ''), s.breached.join(' ')]);
    rows.push([]);
    rows.push([t('page.overdue')]);
    for (const i of dueForReview)
      rows.push([i.entityRef, i.agreement, i.reviewBy]);
    downloadCsv(
      `sla-achievement-${key}${
        group ? `-${group.replace(/[^\w-]+/g, '_')}` : ''
      }.csv`,
      rows,
    );
  };

  const groupColumns: TableColumn<OverviewGroup>[] = [
    { title: dimension, render: g => <GroupName value={g.key} /> },
    {
      title: t('page.rate'),
      render: g => rateText(g.rate, t('common.notApplicable')),
    },
    {
      title: t('common.achievement'),
      render: g =>
        t('common.achievementValue', {
          met: String(g.met),
          committed: String(g.committed),
        }),
    },
    { title: t('page.breachedObjectives'), field: 'breached' },
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
      render: s =>
        t('common.achievementValue', {
          met: String(s.met),
          committed: String(s.committed),
        }),
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

  const ytdRate = ytdCommitted > 0 ? (ytdMet / ytdCommitted) * 100 : undefined;
  const bigRate = useYtd ? ytdRate : value?.total.rate;
  const prevRate = previous.value?.total.rate;
  const delta =
    !useYtd && value?.total.rate !== undefined && prevRate !== undefined
      ? Math.round((value.total.rate - prevRate) * 10) / 10
      : undefined;

  let trendText: string;
  if (previous.error) trendText = previous.error.message;
  else if (delta === undefined) trendText = t('common.notApplicable');
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
      <Grid item xs={12}>
        <Box
          display="flex"
          flexWrap="wrap"
          alignItems="center"
          style={{ gap: 16 }}
        >
          <FormControl
            variant="outlined"
            size="small"
            style={{ minWidth: 110 }}
          >
            <InputLabel id="sla-year">{t('page.year')}</InputLabel>
            <Select
              labelId="sla-year"
              label={t('page.year')}
              value={year}
              data-testid="sla-year"
              onChange={e => {
                setYear(Number(e.target.value));
                setSub('year');
              }}
            >
              {[now.year, now.year - 1, now.year - 2].map(y => (
                <MenuItem key={y} value={y}>
                  {y}
                </MenuItem>
              ))}
            </Select>
          </FormControl>
          <FormControl
            variant="outlined"
            size="small"
            style={{ minWidth: 130 }}
          >
            <InputLabel id="sla-sub">{t('page.periodOfYear')}</InputLabel>
            <Select
              labelId="sla-sub"
              label={t('page.periodOfYear')}
              value={sub}
              data-testid="sla-sub"
              onChange={e => setSub(e.target.value as SubPeriod)}
            >
              {startedSubPeriods(year, now).map(s => (
                <MenuItem key={s} value={s}>
                  {s === 'year' ? t('page.wholeYear') : periodKey(year, s)}
                </MenuItem>
              ))}
            </Select>
          </FormControl>
          <FormControl
            variant="outlined"
            size="small"
            style={{ minWidth: 130 }}
          >
            <InputLabel id="sla-groupby">{t('page.groupBy')}</InputLabel>
            <Select
              labelId="sla-groupby"
              label={t('page.groupBy')}
              value={groupBy}
              data-testid="sla-groupby"
              onChange={e => {
                setGroupBy(e.target.value as OverviewGroupBy);
                setGroup(undefined);
              }}
            >
              <MenuItem value="owner">{t('common.owner')}</MenuItem>
              <MenuItem value="system">{t('common.system')}</MenuItem>
              <MenuItem value="domain">{t('common.domain')}</MenuItem>
            </Select>
          </FormControl>
          <TextField
            size="small"
            variant="outlined"
            label={t('page.filterText')}
            value={text}
            onChange={e => setText(e.target.value)}
          />
          <Box flexGrow={1} />
          <Button variant="outlined" onClick={exportCsv} disabled={!value}>
            {t('common.exportCsv')}
          </Button>
        </Box>
      </Grid>

      {(useYtd ? heat.loading : overview.loading) && (
        <Grid item xs={12}>
          <Progress />
        </Grid>
      )}
      {(useYtd ? heat.error : overview.error) && (
        <Grid item xs={12}>
          <ResponseErrorPanel error={(useYtd ? heat.error : overview.error)!} />
        </Grid>
      )}
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
                {rateText(bigRate, t('common.notApplicable'))}
              </Typography>
              <Typography variant="body2">
                {useYtd
                  ? t('page.yearToDate', { months: String(monthly.length) })
                  : t('common.achievementValue', {
                      met: String(value.total.met),
                      committed: String(value.total.committed),
                    })}
              </Typography>
              {useYtd && (
                <Typography variant="body2">
                  {t('common.achievementValue', {
                    met: String(ytdMet),
                    committed: String(ytdCommitted),
                  })}
                </Typography>
              )}
              {!useYtd && (
                <Typography
                  variant="body2"
                  color="textSecondary"
                  data-testid="sla-trend-delta"
                >
                  {t('page.trend')}: {trendText}
                </Typography>
              )}
              {!useYtd && openKeys.has(key) && (
                <Typography
                  variant="caption"
                  color="textSecondary"
                  component="p"
                >
                  {t('page.openNote')}
                </Typography>
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
            {group ? (
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
            ) : (
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
              title={`${t('page.heatmap')} · ${year}`}
              subheader={t('page.heatmapLegend')}
            >
              {heat.loading && <Progress />}
              {heat.error && <ResponseErrorPanel error={heat.error} />}
              {heat.value && (
                <Box overflow="auto">
                  <table className={classes.heat} data-testid="sla-heatmap">
                    <thead>
                      <tr>
                        <th>{t('common.service')}</th>
                        {heat.value.map(h => (
                          <th key={h.month}>{h.month.slice(5)}</th>
                        ))}
                      </tr>
                    </thead>
                    <tbody>
                      {heatRows.map(ref => (
                        <tr key={ref}>
                          <td>
                            <EntityRefLink
                              entityRef={ref}
                              defaultKind="component"
                            />
                          </td>
                          {heat.value!.map(h => {
                            const s = h.overview.services.find(
                              x => x.entityRef === ref,
                            );
                            const open = h.month >= currentMonth;
                            const bg = open
                              ? 'transparent'
                              : rateColour(s?.rate);
                            return (
                              <td
                                key={h.month}
                                style={{
                                  backgroundColor: bg,
                                  color: open ? undefined : textOn(bg),
                                  fontStyle: open ? 'italic' : undefined,
                                }}
                                title={s ? `${s.met}/${s.committed}` : ''}
                              >
                                {rateText(s?.rate, '—')}
                                {open ? '*' : ''}
                              </td>
                            );
                          })}
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </Box>
              )}
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
              {catalog.loading && <Progress />}
              {catalog.error && <ResponseErrorPanel error={catalog.error} />}
              {catalog.value && dueForReview.length === 0 && (
                <Typography>{t('page.noOverdue')}</Typography>
              )}
              {dueForReview.map(i => {
                const state = reviewState(i.reviewBy, todayIn(i.timezone));
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
            </InfoCard>
          </Grid>
        </>
      )}
    </Grid>
  );
};
