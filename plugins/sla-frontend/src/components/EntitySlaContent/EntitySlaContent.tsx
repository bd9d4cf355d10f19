import { useState } from 'react';
import {
  parseEntityRef,
  RELATION_OWNED_BY,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { useTranslationRef } from '@backstage/frontend-plugin-api';
import {
  MissingAnnotationEmptyState,
  useEntity,
} from '@backstage/plugin-catalog-react';
import {
  SLA_ANNOTATION_PREFIX,
  SLA_ANNOTATIONS,
} from '@servicelevel/plugin-sla-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Paper from '@material-ui/core/Paper';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import {
  Bar,
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type {
  EntityHistory,
  EntityPeriodResult,
  EntityTerms,
  ReportDocument,
} from '../../api';
import { slaTranslationRef } from '../../translation';
import {
  CreatePlanFromBreachButton,
  EntityPlansSection,
} from '../ImprovementPlans';
import { AgreementConfirmationPanel, ReportsSection } from '../Reports';
import { deliverReport } from '../Reports/download';
import { CreditsSection } from './CreditsSection';
import { DependencyChainSection } from './DependencyChainSection';
import { ProposeChangePanel } from './ProposeChangePanel';
import {
  AnnotationProblems,
  AsyncStatus,
  CoverageNote,
  formatInstant,
  granularityOfKey,
  OKABE_ITO,
  PickerSelect,
  recentPeriodKeys,
  splitObjective,
  StatusChip,
  ToolbarRow,
  useEntitySla,
  useSlaApi,
  useSlaFormat,
} from '../common';

type ObjectiveResult = EntityPeriodResult['result']['objectives'][number];
type IncidentRow = EntityPeriodResult['result']['incidents'][number];
type ClockResult = IncidentRow['response'];

type Granularity = 'month' | 'quarter' | 'year';
const HOW_MANY: Record<Granularity, number> = {
  month: 24,
  quarter: 8,
  year: 3,
};

/** Availability and error-budget use per period, for the chart. */
export function chartPoints(history: EntityHistory) {
  return history.periods.map(p => {
    const a = p.result.availability;
    const used =
      a.budgetMs && a.budgetMs > 0
        ? Math.round((a.downtimeMs / a.budgetMs) * 1000) / 10
        : undefined;
    return {
      key: p.period.key,
      availability: a.availability,
      target: a.target,
      budgetUsed: used,
    };
  });
}

const ClockCell = ({
  clock,
  countedIn,
}: {
  clock: ClockResult;
  /** The period this clock counts in, when it is not the one shown. */
  countedIn?: string;
}) => {
  const { t, duration: formatDuration } = useSlaFormat();
  return (
    <Box display="flex" alignItems="center" style={{ gap: 8 }}>
      <StatusChip status={clock.status} />
      <span>
        {clock.targetMs !== undefined
          ? t('tab.elapsedOf', {
              elapsed: formatDuration(clock.elapsedMs),
              target: formatDuration(clock.targetMs),
            })
          : formatDuration(clock.elapsedMs)}
        {countedIn && (
          <Typography
            variant="caption"
            color="textSecondary"
            component="div"
            data-testid="sla-counted-in"
          >
            {t('tab.countedIn', { period: countedIn })}
          </Typography>
        )}
      </span>
    </Box>
  );
};

const HistoryChart = ({ history }: { history: EntityHistory }) => {
  const { t } = useTranslationRef(slaTranslationRef);
  const data = chartPoints(history);
  const values = data
    .flatMap(d => [d.availability, d.target])
    .filter((v): v is number => v !== undefined);
  const low = values.length ? Math.floor(Math.min(...values) * 10) / 10 : 99;
  return (
    <Box height={300} data-testid="sla-history-chart">
      <ResponsiveContainer width="100%" height="100%">
        <ComposedChart
          data={data}
          margin={{ top: 8, right: 16, left: 0, bottom: 0 }}
        >
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="key" />
          <YAxis
            yAxisId="pct"
            domain={[Math.min(low, 99), 100]}
            allowDataOverflow
          />
          <YAxis yAxisId="budget" orientation="right" domain={[0, 'auto']} />
          <Tooltip />
          <Legend />
          <Bar
            yAxisId="budget"
            dataKey="budgetUsed"
            name={t('tab.chartBudgetUsed')}
            fill={OKABE_ITO.orange}
            isAnimationActive={false}
          />
          {/* Availability, and its target dashed, on the percent axis. */}
          {[
            { key: 'availability', colour: OKABE_ITO.blue },
            { key: 'target', colour: OKABE_ITO.vermillion, dashed: true },
          ].map(s => (
            <Line
              key={s.key}
              yAxisId="pct"
              dataKey={s.key}
              name={t(s.dashed ? 'tab.chartTarget' : 'tab.chartAvailability')}
              stroke={s.colour}
              strokeWidth={s.dashed ? 1 : 2}
              strokeDasharray={s.dashed ? '6 3' : undefined}
              dot={!s.dashed}
              isAnimationActive={false}
            />
          ))}
        </ComposedChart>
      </ResponsiveContainer>
    </Box>
  );
};

/** The named calendars the terms clock on: the service's, and under by-region each region's. */
function calendarsOf(terms: EntityPeriodResult['terms']): string[] {
  const sh = terms.serviceHours;
  const names = [
    sh.calendar,
    ...Object.values(sh.regions ?? {}).map(r => r.calendar),
  ];
  return [...new Set(names.filter((n): n is string => Boolean(n)))];
}

/** A button that fetches a file with the user's token and saves it (a calendar, OpenSLO). */
const FileDownload = ({
  label,
  testId,
  format,
  load,
}: {
  label: string;
  testId: string;
  format: 'ics' | 'yaml';
  load: () => Promise<ReportDocument>;
}) => {
  const [error, setError] = useState<Error | undefined>();
  return (
    <Box mb={2}>
      <Button
        size="small"
        variant="outlined"
        data-testid={testId}
        onClick={async () => {
          setError(undefined);
          try {
            deliverReport(await load(), format);
          } catch (e) {
            setError(e as Error);
          }
        }}
      >
        {label}
      </Button>
      {error && <ResponseErrorPanel error={error} />}
    </Box>
  );
};

const TermsSection = ({
  value,
  terms,
  termsError,
}: {
  value: EntityPeriodResult;
  terms?: EntityTerms;
  termsError?: Error;
}) => {
  const { t } = useTranslationRef(slaTranslationRef);
  const slaApi = useSlaApi();
  const zone = value.terms.timezone;
  const entries = Object.entries(value.termsAsWritten);
  return (
    <InfoCard
      title={t('tab.terms')}
      subheader={t('tab.termsVersion', { version: String(value.termsVersion) })}
    >
      {value.termsBackdated && (
        <Alert severity="info">{t('tab.termsBackdated')}</Alert>
      )}
      {/* Keys without their common prefix, never broken inside a word; values wrap. */}
      <Typography variant="caption" color="textSecondary">
        {t('tab.termsPrefix', { prefix: SLA_ANNOTATION_PREFIX })}
      </Typography>
      <Box component="dl" data-testid="sla-terms" m={0} mb={2}>
        {entries.map(([k, v]) => {
          const short = k.startsWith(SLA_ANNOTATION_PREFIX)
            ? k.slice(SLA_ANNOTATION_PREFIX.length)
            : k;
          return (
            <Box key={k} display="flex" style={{ gap: 12 }} py={0.25}>
              <Typography
                component="dt"
                variant="body2"
                title={`${SLA_ANNOTATION_PREFIX}${short}`}
                style={{
                  fontFamily: 'monospace',
                  flex: '0 0 9.5em',
                  whiteSpace: 'nowrap',
                }}
              >
                {short}
              </Typography>
              <Typography
                component="dd"
                variant="body2"
                style={{
                  fontFamily: 'monospace',
                  margin: 0,
                  minWidth: 0,
                  overflowWrap: 'break-word',
                }}
              >
                {v}
              </Typography>
            </Box>
          );
        })}
      </Box>
      {/* The service's calendars as .ics files, to see their days in any calendar app. */}
      {calendarsOf(value.terms).map(name => (
        <FileDownload
          key={name}
          label={t('tab.calendarIcs', { calendar: name })}
          testId="sla-calendar-ics"
          format="ics"
          load={() => slaApi.getCalendarIcs(name)}
        />
      ))}
      <FileDownload
        label={t('tab.openSlo')}
        testId="sla-openslo"
        format="yaml"
        load={() => slaApi.getEntityOpenSlo(parseEntityRef(value.entityRef))}
      />
      <Typography variant="subtitle2">{t('tab.versions')}</Typography>
      {termsError && <ResponseErrorPanel error={termsError} />}
      {!terms && !termsError && <Progress />}
      {terms && (
        <List dense data-testid="sla-versions">
          {[...terms.versions].reverse().map(v => (
            <ListItem key={v.version} disableGutters>
              <ListItemText
                primaryTypographyProps={{ style: { overflowWrap: 'anywhere' } }}
                primary={
                  v.version === 1
                    ? t('tab.versionFirst', {
                        version: String(v.version),
                        date: `${formatInstant(v.seenAt, zone)} (${zone})`,
                      })
                    : t('tab.versionChanged', {
                        version: String(v.version),
                        date: `${formatInstant(v.seenAt, zone)} (${zone})`,
                      })
                }
                secondary={
                  v.problems.length > 0
                    ? v.problems.map(p => p.message).join('; ')
                    : undefined
                }
              />
            </ListItem>
          ))}
        </List>
      )}
    </InfoCard>
  );
};

type AnnotationProblem = EntityTerms['versions'][number]['problems'][number];

const PeriodView = ({
  value,
  ownerRef,
  problems,
  onPlanCreated,
}: {
  value: EntityPeriodResult;
  ownerRef?: string;
  /** Annotation problems of the terms in force, to explain a target taken from the tier. */
  problems: AnnotationProblem[];
  onPlanCreated?: () => void;
}) => {
  const fmt = useSlaFormat();
  const { t, duration: formatDuration } = fmt;
  const objectiveLabel = fmt.objective;
  const zone = value.terms.timezone;
  const { outages } = value.result;

  const objectiveColumns: TableColumn<ObjectiveResult>[] = [
    { title: t('common.objective'), render: o => objectiveLabel(o.objective) },
    {
      title: t('common.target'),
      render: o => {
        const key = `${SLA_ANNOTATION_PREFIX}${
          splitObjective(o.objective).kind
        }`;
        const fallback = problems.find(p => p.key === key)?.fallback;
        return (
          <>
            {fmt.target(o)}
            {fallback && (
              <Typography
                variant="caption"
                color="error"
                component="div"
                data-testid="sla-target-fallback"
              >
                {t('tab.targetFromTier', { tier: fallback.tier })}
              </Typography>
            )}
          </>
        );
      },
    },
    { title: t('common.actual'), render: o => fmt.actual(o) },
    {
      title: t('common.status'),
      render: o => (
        <>
          <StatusChip status={o.status} />
          {o.statusOnDataReceived && (
            <Typography variant="caption" color="textSecondary" component="div">
              {t('coverage.onDataReceived', {
                status: t(`status.${o.statusOnDataReceived}`),
              })}
            </Typography>
          )}
        </>
      ),
    },
    {
      title: '',
      // From a breach straight to an improvement plan, its origin filled in.
      render: o =>
        o.status === 'breached' ? (
          <CreatePlanFromBreachButton
            entityRef={value.entityRef}
            objective={o.objective}
            period={value.period.key}
            ownerRef={ownerRef}
            onCreated={onPlanCreated}
          />
        ) : null,
    },
  ];

  const incidentColumns: TableColumn<IncidentRow>[] = [
    {
      title: t('tab.incidentId'),
      render: i => (
        <>
          <Typography variant="body2">{i.title}</Typography>
          <Typography variant="caption" color="textSecondary">
            {i.url ? (
              <Link to={i.url} target="_blank" rel="noopener noreferrer">
                {t('tab.openSource', { source: i.source })}: {i.id}
              </Link>
            ) : (
              `${i.source}: ${i.id}`
            )}
          </Typography>
          {i.region && (
            <Typography variant="caption" color="textSecondary" component="div">
              {t('tab.regionClock', {
                region: i.region,
                calendar: regionCalendarOf(value.terms, i.region),
              })}
            </Typography>
          )}
        </>
      ),
    },
    { title: t('tab.priority'), field: 'priority' },
    {
      title: `${t('tab.created')} (${zone})`,
      render: i => formatInstant(i.createdAt, zone),
    },
    {
      title: t('tab.response'),
      render: i => (
        <ClockCell clock={i.response} countedIn={i.countedIn?.response} />
      ),
    },
    {
      title: t('tab.resolution'),
      render: i => (
        <ClockCell clock={i.resolution} countedIn={i.countedIn?.resolution} />
      ),
    },
    {
      title: `${t('tab.pauses')} (${zone})`,
      render: i =>
        i.pauses.length === 0
          ? '—'
          : i.pauses.map(p => (
              <Typography variant="body2" key={p.start}>
                {formatInstant(p.start, zone)} –{' '}
                {p.end !== undefined ? formatInstant(p.end, zone) : '…'}
              </Typography>
            )),
    },
  ];

  return (
    <Grid container spacing={2}>
      <Grid item xs={12}>
        <Table<ObjectiveResult>
          title={t('tab.objectives')}
          subtitle={`${t('common.period')} ${value.period.key} · ${
            value.source === 'snapshot'
              ? t('common.snapshot')
              : t('common.live')
          } · ${fmt.achievement(value.result)}`}
          options={{ paging: false, search: false, padding: 'dense' }}
          columns={objectiveColumns}
          data={value.result.objectives}
        />
        {/* Under the objectives, framed like them, not floating between two cards. */}
        <Paper variant="outlined" style={{ marginTop: 8 }}>
          <Box px={2} py={1}>
            <CoverageNote result={value.result} timeZone={zone} />
            <Typography variant="body2" data-testid="sla-period-faults">
              {t('tab.faults', {
                outages: String(outages.count),
                longest: formatDuration(outages.longestMs),
                mttr: formatDuration(outages.mttrMs),
                mtbf: formatDuration(outages.mtbfMs),
              })}
              {value.result.availability.provisional
                ? ` · ${t('common.provisional')}`
                : ''}
            </Typography>
          </Box>
        </Paper>
      </Grid>
      {value.credits && (
        <Grid item xs={12} md={8} lg={6}>
          <CreditsSection credits={value.credits} />
        </Grid>
      )}
      <DependencyChainSection
        entityRef={value.entityRef}
        period={value.period.key}
      />
      <Grid item xs={12}>
        <Table<IncidentRow>
          title={t('tab.incidents')}
          subtitle={t('common.timesIn', { zone })}
          options={{
            paging: value.result.incidents.length > 20,
            pageSize: 20,
            search: true,
            padding: 'dense',
          }}
          columns={incidentColumns}
          data={value.result.incidents}
          emptyContent={
            <Box p={2}>
              <Typography>{t('tab.noIncidents')}</Typography>
            </Box>
          }
        />
      </Grid>
    </Grid>
  );
};

/**
 * The calendar an incident's clocks ran on: under `calendar:by-region` its region's (the
 * service's own when the region is not listed), else the service's.
 */
function regionCalendarOf(
  terms: EntityPeriodResult['terms'],
  region: string,
): string {
  const sh = terms.serviceHours;
  return (
    sh.regions?.[region]?.calendar ?? sh.calendar ?? sh.spec ?? String(sh.kind)
  );
}

/** The SLA tab of an entity: one period in depth, its history and the terms behind it. */
export const EntitySlaContent = () => {
  const { entity } = useEntity();
  const { t } = useTranslationRef(slaTranslationRef);
  const entityRef = stringifyEntityRef(entity);
  const ownerRef = entity.relations?.find(
    r => r.type === RELATION_OWNED_BY,
  )?.targetRef;
  const [period, setPeriod] = useState<string | undefined>(undefined);
  // Bumped when a plan is created from a breach, so the plans section below reloads.
  const [plansVersion, setPlansVersion] = useState(0);

  const { available, compliance, history, terms } = useEntitySla(entity, {
    period,
    historyPeriods: 12,
  });

  if (!available) {
    return (
      <MissingAnnotationEmptyState
        annotation={[SLA_ANNOTATIONS.tier, SLA_ANNOTATIONS.availability]}
        readMoreUrl="https://github.com/servicelevel/backstage-sla#annotations"
      />
    );
  }

  const value = compliance.value;
  // The zone of the entity decides which period is "current"; the first answer tells it.
  const zone =
    value?.terms.timezone ?? history.value?.periods[0]?.terms.timezone;
  // While a newly picked period loads, the pickers already show it.
  const shownKey = period ?? value?.period.key;
  const shownGranularity = shownKey ? granularityOfKey(shownKey) : 'custom';
  const granularity: Granularity =
    shownGranularity === 'custom' ? 'month' : shownGranularity;
  const keys = zone
    ? recentPeriodKeys(granularity, zone, HOW_MANY[granularity])
    : [];
  if (shownKey && !keys.includes(shownKey)) keys.unshift(shownKey);

  return (
    <Grid container spacing={2}>
      <ToolbarRow>
        <PickerSelect
          id="sla-granularity"
          label={t('tab.granularity')}
          value={granularity}
          minWidth={140}
          disabled={!zone}
          options={[
            { value: 'month', label: t('tab.month') },
            { value: 'quarter', label: t('tab.quarter') },
            { value: 'year', label: t('tab.year') },
          ]}
          onChange={v => {
            if (zone) {
              setPeriod(recentPeriodKeys(v as Granularity, zone, 1)[0]);
            }
          }}
        />
        <PickerSelect
          id="sla-period"
          label={t('common.period')}
          value={shownKey ?? ''}
          minWidth={140}
          disabled={!zone}
          options={keys.map(k => ({ value: k }))}
          onChange={v => setPeriod(String(v))}
        />
        {zone && (
          <Typography variant="body2" color="textSecondary">
            {t('common.timesIn', { zone })}
          </Typography>
        )}
      </ToolbarRow>

      {terms.value && (
        <Grid item xs={12}>
          <AnnotationProblems terms={terms.value} />
        </Grid>
      )}
      <AsyncStatus state={compliance} gridRow />
      {value && !compliance.loading && (
        <Grid item xs={12}>
          <PeriodView
            value={value}
            ownerRef={ownerRef}
            problems={
              terms.value?.versions[terms.value.versions.length - 1]
                ?.problems ?? []
            }
            onPlanCreated={() => setPlansVersion(v => v + 1)}
          />
        </Grid>
      )}

      <Grid item xs={12} lg={7}>
        <InfoCard title={t('tab.chartTitle')}>
          <AsyncStatus state={history} />
          {history.value && <HistoryChart history={history.value} />}
        </InfoCard>
      </Grid>
      <Grid item xs={12} lg={5}>
        {value && (
          <TermsSection
            value={value}
            terms={terms.value}
            termsError={terms.error}
          />
        )}
      </Grid>

      {terms.value && (
        <Grid item xs={12}>
          <ProposeChangePanel
            entity={{
              kind: entity.kind,
              namespace: entity.metadata.namespace ?? 'default',
              name: entity.metadata.name,
            }}
            annotations={terms.value.annotations}
          />
        </Grid>
      )}
      <Grid item xs={12} lg={6}>
        <AgreementConfirmationPanel entityRef={entityRef} timeZone={zone} />
      </Grid>
      {/* Full width: the published-reports table needs it for its dates and buttons. */}
      <Grid item xs={12}>
        <ReportsSection
          subject="entity"
          subjectRef={entityRef}
          timeZone={zone}
        />
      </Grid>
      <Grid item xs={12}>
        <EntityPlansSection
          key={plansVersion}
          entityRef={entityRef}
          ownerRef={ownerRef}
          timeZone={zone}
        />
      </Grid>
    </Grid>
  );
};
