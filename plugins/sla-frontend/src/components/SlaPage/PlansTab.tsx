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
  // The customers only: the catalog of 20,000 services is not sent for them.
  const listed = useAsync(() => slaApi.listCustomers(), [slaApi]);
  const customers = (listed.value?.customers ?? []).map(c => c.customer);

  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <PlansBoard />
      </Grid>
      <Grid item xs={12}>
        <Typography variant="h5" component="h2" gutterBottom>
          {t('page.customerReports')}
        </Typography>
        <AsyncStatus state={listed} />
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
