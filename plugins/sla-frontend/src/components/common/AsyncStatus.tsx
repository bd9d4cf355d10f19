import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import Grid from '@material-ui/core/Grid';

/**
 * A request's progress bar while it runs and its error once it fails; each in a full-width
 * grid row of its own with `gridRow`.
 */
export const AsyncStatus = ({
  state,
  gridRow,
}: {
  state: { loading: boolean; error?: Error };
  gridRow?: boolean;
}) => {
  const row = (node: JSX.Element) =>
    gridRow ? (
      <Grid item xs={12}>
        {node}
      </Grid>
    ) : (
      node
    );
  return (
    <>
      {state.loading && row(<Progress />)}
      {state.error && row(<ResponseErrorPanel error={state.error} />)}
    </>
  );
};
