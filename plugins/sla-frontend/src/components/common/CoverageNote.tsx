import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import SyncProblem from '@material-ui/icons/SyncProblem';
import type { PeriodResult } from '../../api';
import { formatInstant } from './format';
import { useSlaFormat } from './labels';
import { STATUS_COLOUR } from './palette';

/**
 * A period's data coverage (SPEC §9), shown only when below 100 %: the lowest coverage, whether
 * it fell below the threshold (and so how many objectives read "Unknown"), and each linked
 * source's coverage with the stretches it was not synced. Every figure is the API's.
 */
export const CoverageNote = ({
  result,
  timeZone,
}: {
  result: Pick<PeriodResult, 'coverage' | 'unknown'>;
  /** The entity's zone: the gaps are shown in it. */
  timeZone: string;
}) => {
  const { t, percent } = useSlaFormat();
  const coverage = result.coverage;
  if (!coverage || coverage.coverage >= 100) return null;
  const below = coverage.coverage < coverage.threshold;
  // The configured threshold as written (99.999 must not read "100%").
  const threshold = `${coverage.threshold}%`;
  return (
    <Box
      display="flex"
      alignItems="flex-start"
      my={1}
      data-testid="sla-coverage"
      data-coverage={coverage.coverage}
    >
      <SyncProblem
        fontSize="small"
        style={{
          color: below ? STATUS_COLOUR.unknown : STATUS_COLOUR['no-data'],
          marginRight: 6,
        }}
      />
      <Box>
        <Typography variant="body2">
          {t('coverage.title', { coverage: percent(coverage.coverage) })}
          {result.unknown
            ? ` · ${t('coverage.unknownCount', {
                count: result.unknown,
              })}`
            : ''}
        </Typography>
        <Typography variant="caption" color="textSecondary" component="div">
          {below
            ? t('coverage.belowThreshold', { threshold })
            : t('coverage.aboveThreshold', { threshold })}
        </Typography>
        {coverage.sources
          .filter(s => s.coverage < 100)
          .map(s => (
            <Typography
              key={`${s.source}/${s.account}`}
              variant="caption"
              color="textSecondary"
              component="div"
            >
              {t('coverage.source', {
                source: s.source,
                account: s.account,
                coverage: percent(s.coverage),
                gaps: s.gaps
                  .map(g =>
                    t('coverage.gap', {
                      start: formatInstant(g.start, timeZone),
                      end: formatInstant(g.end, timeZone),
                    }),
                  )
                  .join(t('common.listSeparator')),
              })}
            </Typography>
          ))}
      </Box>
    </Box>
  );
};
