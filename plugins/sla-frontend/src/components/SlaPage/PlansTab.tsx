import { useTranslationRef } from '@backstage/frontend-plugin-api';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { slaTranslationRef } from '../../translation';
import { PlansBoard } from '../ImprovementPlans';
import { ReportsSection } from '../Reports';
import { AsyncStatus, useSlaApi } from '../common';

/**
 * The organisation's improvement plans board, and the period reports of every customer
 * named by a service's `customer` annotation.
 */
export const PlansTab = () => {
  const slaApi = useSlaApi();
  const { t } = useTranslationRef(slaTranslationRef);
  const catalog = useAsync(() => slaApi.getCatalog(), [slaApi]);
  const customers = [
    ...new Set(
      (catalog.value?.items ?? [])
        .map(i => i.customer)
        .filter((c): c is string => Boolean(c)),
    ),
  ].sort();

  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <PlansBoard />
      </Grid>
      <Grid item xs={12}>
        <Typography variant="h5" component="h2" gutterBottom>
          {t('page.customerReports')}
        </Typography>
        <AsyncStatus state={catalog} />
        <Grid container spacing={2}>
          {customers.map(customer => (
            <Grid item xs={12} md={6} key={customer}>
              <ReportsSection subject="customer" subjectRef={customer} />
            </Grid>
          ))}
        </Grid>
      </Grid>
    </Grid>
  );
};
