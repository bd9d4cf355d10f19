import {
  CodeSnippet,
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useTranslationRef } from '@backstage/frontend-plugin-api';
import {
  MissingAnnotationEmptyState,
  useEntity,
  useEntityRefLink,
} from '@backstage/plugin-catalog-react';
import { PRIORITIES, SLA_ANNOTATIONS } from '@servicelevel/plugin-sla-common';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import LinearProgress from '@material-ui/core/LinearProgress';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import Alert from '@material-ui/lab/Alert';
import {
  Bar,
  BarChart,
  Cell,
  LabelList,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { EntityHistory, EntityPeriodResult } from '../../api';
import { slaTranslationRef } from '../../translation';
import { OverduePlansNotice } from '../ImprovementPlans';
import {
  AnnotationProblems,
  formatInstant,
  CoverageNote,
  formatPercent,
  OKABE_ITO,
  rateColour,
  reviewState,
  StatusChip,
  useEntitySla,
  useSlaFormat,
} from '../common';

type IncidentRow = EntityPeriodResult['result']['incidents'][number];

/** Copy-ready annotations for a service that has no SLA yet (tiers come from app-config). */
export const SLA_EXAMPLE_YAML = `metadata:
  annotations:
    servicelevel.io/tier: gold
    servicelevel.io/availability: 99.9%
    servicelevel.io/response-time: P1=15m P2=30m P3=4h P4=1d
    servicelevel.io/resolution-time: P1=4h P2=8h P3=3d
    servicelevel.io/agreement: SLA-2026-01
    servicelevel.io/review-by: '2027-01-31'`;

const useStyles = makeStyles(theme => ({
  section: { marginTop: theme.spacing(2) },
  objectives: {
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fill, minmax(240px, 1fr))',
    columnGap: theme.spacing(2),
  },
  row: {
    display: 'flex',
    alignItems: 'center',
    justifyContent: 'space-between',
    gap: theme.spacing(1),
    padding: theme.spacing(0.5, 0),
    borderBottom: `1px solid ${theme.palette.divider}`,
  },
  budgetBar: {
    height: 10,
    borderRadius: 5,
    marginTop: theme.spacing(0.5),
    backgroundColor: theme.palette.type === 'dark' ? '#555' : '#E0E0E0',
  },
  budgetFill: { backgroundColor: OKABE_ITO.blue },
  chips: { display: 'flex', flexWrap: 'wrap', gap: theme.spacing(1) },
}));

/** The next instant a running clock breaches, with the incident and clock it belongs to. */
export function nextBreach(
  incidents: IncidentRow[],
):
  | { dueAt: number; incident: IncidentRow; clock: 'response' | 'resolution' }
  | undefined {
  let best:
    | { dueAt: number; incident: IncidentRow; clock: 'response' | 'resolution' }
    | undefined;
  for (const incident of incidents) {
    for (const clock of ['response', 'resolution'] as const) {
      const c = incident[clock];
      if (
        (c.status === 'running' || c.status === 'at-risk') &&
        c.dueAt !== undefined &&
        (!best || c.dueAt < best.dueAt)
      ) {
        best = { dueAt: c.dueAt, incident, clock };
      }
    }
  }
  return best;
}

/** Marks an open period, whose running objectives are not yet met. */
const OPEN_MARK = '*';

const Trend = ({ history }: { history: EntityHistory }) => {
  const { t, percent, rateOf } = useSlaFormat();
  const na = t('common.notApplicable');
  const data = history.periods.map(p => ({
    key: p.period.key,
    rate: p.result.achievementRate,
    open: !p.result.complete,
    tick: p.result.complete ? p.period.key : `${p.period.key}${OPEN_MARK}`,
    label:
      p.result.achievementRate === undefined
        ? na
        : `${percent(p.result.achievementRate)} (${rateOf(
            p.result.met,
            p.result.committed,
          )})`,
  }));
  return (
    <Box height={90} data-testid="sla-trend">
      <ResponsiveContainer width="100%" height="100%">
        <BarChart
          data={data}
          margin={{ top: 14, right: 4, bottom: 0, left: -24 }}
        >
          <XAxis dataKey="tick" tick={{ fontSize: 10 }} />
          <YAxis domain={[0, 100]} tick={{ fontSize: 10 }} />
          <Tooltip formatter={(_v, _n, item) => item.payload.label} />
          <Bar dataKey="rate" isAnimationActive={false}>
            <LabelList
              dataKey="rate"
              position="top"
              fontSize={10}
              formatter={(v: number | undefined) =>
                v === undefined ? na : percent(v)
              }
            />
            {data.map(d => (
              // An open period's rate counts running objectives as not yet met: grey.
              <Cell
                key={d.key}
                fill={d.open ? OKABE_ITO.grey : rateColour(d.rate)}
              />
            ))}
          </Bar>
        </BarChart>
      </ResponsiveContainer>
    </Box>
  );
};

const CardBody = ({
  value,
  history,
  historyError,
}: {
  value: EntityPeriodResult;
  history?: EntityHistory;
  historyError?: Error;
}) => {
  const classes = useStyles();
  const fmt = useSlaFormat();
  const { t, duration: formatDuration } = fmt;
  const objectiveLabel = fmt.objective;
  const zone = value.terms.timezone;
  const { availability, objectives, incidents, faults } = value.result;
  const due = nextBreach(incidents);
  const review = reviewState(value.terms.reviewBy, Date.now(), zone);

  const budget = availability.budgetMs;
  const remaining = availability.budgetRemainingMs;
  const budgetLeftPct =
    budget && remaining !== undefined
      ? Math.max(0, Math.min(100, (remaining / budget) * 100))
      : undefined;

  return (
    <>
      <Typography variant="caption" color="textSecondary">
        {t('common.timesIn', { zone })} ·{' '}
        {value.result.complete ? t('common.snapshot') : t('common.openPeriod')}
      </Typography>
      <CoverageNote result={value.result} timeZone={zone} />

      <Box
        className={`${classes.section} ${classes.objectives}`}
        data-testid="sla-objectives"
      >
        {objectives.map(o => (
          <div key={o.objective} className={classes.row}>
            <Box>
              <Typography variant="body2">
                {objectiveLabel(o.objective)}
              </Typography>
              <Typography variant="caption" color="textSecondary">
                {t('common.target')} {fmt.target(o)} · {t('common.actual')}{' '}
                {fmt.actual(o)}
                {o.statusOnDataReceived
                  ? ` · ${t('coverage.onDataReceived', {
                      status: t(`status.${o.statusOnDataReceived}`),
                    })}`
                  : ''}
              </Typography>
            </Box>
            <StatusChip status={o.status} />
          </div>
        ))}
      </Box>

      <Box className={classes.section} data-testid="sla-availability">
        {availability.availability === undefined ? (
          <Typography variant="body2">
            {t('card.availabilityNoData')}
          </Typography>
        ) : (
          <Typography variant="body2">
            {t('card.availability', {
              actual: formatPercent(availability.availability),
              target: formatPercent(availability.target),
            })}
            {availability.provisional ? ` (${t('common.provisional')})` : ''}
          </Typography>
        )}
        {budget !== undefined && remaining !== undefined && (
          <>
            <LinearProgress
              variant="determinate"
              value={budgetLeftPct ?? 0}
              classes={{ root: classes.budgetBar, bar: classes.budgetFill }}
              aria-label={t('card.budget', {
                remaining: formatDuration(Math.max(0, remaining)),
                budget: formatDuration(budget),
              })}
            />
            <Typography variant="caption">
              {remaining >= 0
                ? t('card.budget', {
                    remaining: formatDuration(remaining),
                    budget: formatDuration(budget),
                  })
                : t('card.budgetExhausted', {
                    over: formatDuration(-remaining),
                  })}
            </Typography>
          </>
        )}
      </Box>

      <Box className={classes.section}>
        <Typography variant="subtitle2">{t('card.incidents')}</Typography>
        {faults.all === 0 ? (
          <Typography variant="body2">{t('card.noIncidents')}</Typography>
        ) : (
          <div className={classes.chips} data-testid="sla-faults">
            {PRIORITIES.map(p => (
              <Chip
                key={p}
                size="small"
                variant="outlined"
                label={`${p}: ${faults[p] ?? 0}`}
              />
            ))}
          </div>
        )}
        <Typography variant="body2" className={classes.section}>
          {due
            ? t('card.nextBreach', {
                due: `${formatInstant(due.dueAt, zone)} (${zone})`,
                clock:
                  due.clock === 'response'
                    ? t('card.clockResponse')
                    : t('card.clockResolution'),
                incident: `${due.incident.priority} ${due.incident.title}`,
              })
            : t('card.noRunningClocks')}
        </Typography>
      </Box>

      <Box className={classes.section}>
        <Typography variant="subtitle2">{t('card.trend')}</Typography>
        {historyError && <ResponseErrorPanel error={historyError} />}
        {!historyError && !history && <Progress />}
        {history && <Trend history={history} />}
        {history?.periods.some(p => !p.result.complete) && (
          <Typography variant="caption" color="textSecondary">
            {OPEN_MARK} {t('common.openPeriod')}
          </Typography>
        )}
      </Box>

      <Box className={classes.section} data-testid="sla-agreement">
        <Typography variant="body2">
          {value.terms.agreement
            ? t('card.agreement', { agreement: value.terms.agreement })
            : t('card.noAgreement')}
        </Typography>
        {value.terms.reviewBy && review === 'ok' && (
          <Typography variant="body2">
            {t('card.reviewBy', { date: value.terms.reviewBy })}
          </Typography>
        )}
        {value.terms.reviewBy && review === 'overdue' && (
          <Alert severity="error" icon={false}>
            {t('card.reviewOverdue', { date: value.terms.reviewBy })}
          </Alert>
        )}
        {value.terms.reviewBy && review === 'due-soon' && (
          <Alert severity="warning" icon={false}>
            {t('card.reviewSoon', { date: value.terms.reviewBy })}
          </Alert>
        )}
        <OverduePlansNotice entityRef={value.entityRef} />
      </Box>
    </>
  );
};

/** Is this service within its SLA right now? The card on the entity overview. */
export const EntitySlaCard = () => {
  const { entity } = useEntity();
  const { t } = useTranslationRef(slaTranslationRef);
  const entityLink = useEntityRefLink();
  const { available, compliance, history, terms } = useEntitySla(entity, {
    historyPeriods: 6,
  });

  if (!available) {
    return (
      <InfoCard title={t('card.title')}>
        <MissingAnnotationEmptyState
          annotation={[SLA_ANNOTATIONS.tier, SLA_ANNOTATIONS.availability]}
          readMoreUrl="https://github.com/servicelevel/backstage-sla#annotations"
        />
        <Typography variant="subtitle2">{t('card.missingTitle')}</Typography>
        <CodeSnippet
          text={SLA_EXAMPLE_YAML}
          language="yaml"
          showCopyCodeButton
        />
      </InfoCard>
    );
  }

  return (
    <InfoCard
      title={t('card.title')}
      subheader={
        compliance.value
          ? t('card.subheader', { period: compliance.value.period.key })
          : undefined
      }
      deepLink={{ title: t('card.details'), link: `${entityLink(entity)}/sla` }}
    >
      {terms.error && <ResponseErrorPanel error={terms.error} />}
      <AnnotationProblems terms={terms.value} />
      {compliance.loading && <Progress />}
      {compliance.error && <ResponseErrorPanel error={compliance.error} />}
      {compliance.value && (
        <CardBody
          value={compliance.value}
          history={history.value}
          historyError={history.error}
        />
      )}
    </InfoCard>
  );
};
