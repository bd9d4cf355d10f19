import { parseEntityRef } from '@backstage/catalog-model';
import {
  InfoCard,
  ResponseErrorPanel,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import useAsync from 'react-use/esm/useAsync';
import type { ChainDependencyResult, EntityChain } from '../../api';
import {
  chainWarningText as warningText,
  StatusChip,
  useSlaApi,
  useSlaFormat,
} from '../common';

type Fmt = ReturnType<typeof useSlaFormat>;

/**
 * The service's downtime in the period split by its dependencies' outages, as the API
 * attributed it: "42 min of 60 min of downtime during sms-gateway outages; 18 min its own".
 */
const Attribution = ({ chain, fmt }: { chain: EntityChain; fmt: Fmt }) => {
  const { t } = fmt;
  const a = chain.attribution;
  if (a.downtimeMs === 0) {
    return <Typography variant="body2">{t('chain.noDowntime')}</Typography>;
  }
  return (
    <Box data-testid="sla-attribution">
      {a.dependencies
        .filter(d => d.attributedMs > 0)
        .map(d => (
          <Typography variant="body2" key={d.ref}>
            {t('chain.attributed', {
              attributed: fmt.duration(d.attributedMs),
              downtime: fmt.duration(a.downtimeMs),
              dependency: parseEntityRef(d.ref).name,
            })}
          </Typography>
        ))}
      <Typography variant="body2">
        {t('chain.own', {
          own: fmt.duration(a.ownMs),
          downtime: fmt.duration(a.downtimeMs),
        })}
      </Typography>
    </Box>
  );
};

/**
 * The chain behind the service for the period shown: what it depends on (catalog dependsOn,
 * two levels by default) with each one's agreement type and result, the consistency warnings
 * of the terms, and its downtime attributed to the dependencies' outages. Not shown for a
 * service without dependencies (a grid item of the tab when shown). Every figure is the API's.
 */
export const DependencyChainSection = ({
  entityRef,
  period,
}: {
  entityRef: string;
  period: string;
}) => {
  const api = useSlaApi();
  const fmt = useSlaFormat();
  const { t } = fmt;
  const state = useAsync(
    () => api.getEntityChain(parseEntityRef(entityRef), period),
    [api, entityRef, period],
  );
  if (state.loading) return null;
  if (state.error) {
    return (
      <Grid item xs={12}>
        <ResponseErrorPanel error={state.error} />
      </Grid>
    );
  }
  const chain = state.value;
  if (!chain || chain.dependencies.length === 0) return null;

  const columns: TableColumn<ChainDependencyResult>[] = [
    {
      title: t('chain.dependency'),
      render: d => (
        <>
          <EntityRefLink entityRef={d.entityRef} title={d.title} />
          {d.via && (
            <Typography variant="caption" color="textSecondary" component="div">
              {t('chain.via', { via: parseEntityRef(d.via).name })}
            </Typography>
          )}
        </>
      ),
    },
    {
      title: t('chain.agreementType'),
      render: d =>
        d.agreementType ? (
          <Chip
            size="small"
            variant="outlined"
            label={t(`agreementType.${d.agreementType}`)}
          />
        ) : (
          t('chain.noSla')
        ),
    },
    {
      title: t('chain.availabilityTarget'),
      render: d =>
        d.availabilityTarget === undefined
          ? '—'
          : fmt.percent(d.availabilityTarget),
    },
    {
      title: t('chain.availability'),
      render: d =>
        d.availability === undefined ? '—' : fmt.percent(d.availability),
    },
    {
      title: t('common.status'),
      render: d =>
        d.availabilityStatus ? (
          <StatusChip status={d.availabilityStatus} />
        ) : (
          '—'
        ),
    },
    {
      title: t('chain.achievement'),
      render: d =>
        d.committed === undefined
          ? '—'
          : fmt.achievement({
              met: d.met ?? 0,
              committed: d.committed,
              achievementRate: d.achievementRate,
              complete: d.complete ?? false,
            }),
    },
  ];

  return (
    <Grid item xs={12}>
      <InfoCard
        title={t('chain.title')}
        subheader={t('chain.subtitle', {
          period: chain.period.key,
          depth: String(chain.depth),
        })}
      >
        <Box data-testid="sla-chain">
          {chain.warnings.length > 0 && (
            <Box mb={2}>
              <Alert severity="warning" data-testid="sla-chain-warnings">
                <AlertTitle>{t('chain.warnings')}</AlertTitle>
                {chain.warnings.map((w, i) => (
                  <Typography variant="body2" key={i}>
                    {warningText(w, fmt)}
                  </Typography>
                ))}
              </Alert>
            </Box>
          )}
          <Box mb={2}>
            <Attribution chain={chain} fmt={fmt} />
          </Box>
          <Table<ChainDependencyResult>
            options={{
              paging: false,
              search: false,
              padding: 'dense',
              toolbar: false,
            }}
            columns={columns}
            data={chain.dependencies}
          />
        </Box>
      </InfoCard>
    </Grid>
  );
};
