import useAsync from 'react-use/esm/useAsync';
import Alert from '@material-ui/lab/Alert';
import { usePlansReportsApi } from './usePlansReportsApi';

/**
 * For the entity card: a warning naming the entity's overdue improvement plans; renders
 * nothing when there are none. A failed request is shown, never hidden. @public
 */
export const OverduePlansNotice = ({ entityRef }: { entityRef: string }) => {
  const api = usePlansReportsApi();
  const { value, error } = useAsync(
    () => api.listPlans({ entity: entityRef, overdue: true }),
    [api, entityRef],
  );
  if (error) {
    return <Alert severity="error">Improvement plans: {error.message}</Alert>;
  }
  if (!value || value.items.length === 0) return null;
  const n = value.items.length;
  return (
    <Alert severity="warning">
      {n === 1 ? '1 improvement plan is' : `${n} improvement plans are`}{' '}
      overdue: {value.items.map(p => p.title).join(', ')}
    </Alert>
  );
};
