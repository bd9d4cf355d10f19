import { InfoCard, Table, TableColumn } from '@backstage/core-components';
import { formatMoney } from '@servicelevel/plugin-sla-common';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import type { EntityPeriodResult } from '../../api';
import { useSlaFormat } from '../common';

type Credits = NonNullable<EntityPeriodResult['credits']>;
type CreditLine = Credits['lines'][number];

/**
 * The period's service credits (SPEC §7) as the API computed them: for each rule, the band or
 * breach count that applied and its share of the fee; then the total, the cap, the fee and
 * the amount. Shares arrive in hundredths of a percent and are only shown as percentages.
 */
export const CreditsSection = ({ credits }: { credits: Credits }) => {
  const fmt = useSlaFormat();
  const { t } = fmt;
  const share = (bp: number) => fmt.percent(bp / 100);

  const rule = (l: CreditLine): string => {
    if (l.excluded) {
      return l.excluded === 'no-data'
        ? t('credits.noData')
        : t('credits.notDecided');
    }
    switch (l.kind) {
      case 'band':
        if (l.band && l.achieved !== undefined) {
          return t('credits.band', {
            achieved: fmt.percent(l.achieved),
            below: fmt.percent(l.band.below),
            share: fmt.percent(l.band.share),
          });
        }
        return t('credits.noBand', {
          bands: (l.bands ?? [])
            .map(b => `< ${fmt.percent(b.below)} → ${fmt.percent(b.share)}`)
            .join(', '),
        });
      case 'per-breach':
        return t('credits.perBreach', {
          breaches: String(l.breaches ?? 0),
          share: fmt.percent(l.ruleShare),
          total: share(l.shareBp),
        });
      default:
        return l.shareBp > 0
          ? t('credits.breached', { share: fmt.percent(l.ruleShare) })
          : t('credits.notBreached');
    }
  };

  const columns: TableColumn<CreditLine>[] = [
    { title: t('common.objective'), render: l => fmt.objective(l.objective) },
    { title: t('credits.rule'), render: rule },
    { title: t('credits.share'), render: l => share(l.shareBp) },
  ];

  return (
    <InfoCard
      title={t('credits.title')}
      subheader={credits.provisional ? t('credits.provisional') : undefined}
    >
      <Table<CreditLine>
        options={{
          paging: false,
          search: false,
          toolbar: false,
          padding: 'dense',
        }}
        columns={columns}
        data={credits.lines}
      />
      <Box component="dl" mt={2} data-testid="sla-credits-summary">
        {[
          [t('credits.total'), share(credits.totalShareBp)],
          [
            t('credits.cap'),
            `${share(credits.capBp)}${
              credits.capped ? ` (${t('credits.capApplied')})` : ''
            }`,
          ],
          [t('credits.credited'), share(credits.shareBp)],
          ...(credits.periodFee
            ? [
                [
                  t('credits.fee', { months: String(credits.months) }),
                  formatMoney(credits.periodFee),
                ],
              ]
            : []),
          [
            t('credits.amount'),
            credits.amount ? formatMoney(credits.amount) : t('credits.noFee'),
          ],
        ].map(([k, v]) => (
          <Box key={k} display="flex" style={{ gap: 8 }}>
            <Typography
              component="dt"
              variant="body2"
              style={{ flex: '0 0 40%' }}
            >
              {k}
            </Typography>
            <Typography component="dd" variant="body2" style={{ margin: 0 }}>
              {v}
            </Typography>
          </Box>
        ))}
      </Box>
    </InfoCard>
  );
};
