import useAsync from 'react-use/esm/useAsync';
import Alert from '@material-ui/lab/Alert';
import { useSlaApi, useSlaFormat } from '../common';

/**
 * For the entity card: a warning naming the entity's overdue improvement plans; renders
 * nothing when there are none. A failed request is shown, never hidden. @public
 */
export const OverduePlansNotice = ({ entityRef }: { entityRef: string }) => {
  const api = useSlaApi();
  const { t } = useSlaFormat();
  const { value, error } = useAsync(
    () => api.listPlans({ entity: entityRef, overdue: true }),
    [api, entityRef],
  );
  if (error) {
    return (
      <Alert severity="error">
        {t('plans.loadError', { message: error.message })}
      </Alert>
    );
  }
  if (!value || value.items.length === 0) return null;
  const n = value.items.length;
  const titles = value.items.map(p => p.title).join(', ');
  return (
    <Alert severity="warning">
      {n === 1
        ? t('plans.overdueOne', { titles })
        : t('plans.overdueMany', { count: n, titles })}
    </Alert>
  );
};
