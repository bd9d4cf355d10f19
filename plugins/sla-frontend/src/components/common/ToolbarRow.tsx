import { ReactNode } from 'react';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';

/** A page's row of pickers and actions, full width at the top of its grid. */
export const ToolbarRow = ({ children }: { children: ReactNode }) => (
  <Grid item xs={12}>
    <Box display="flex" flexWrap="wrap" alignItems="center" style={{ gap: 16 }}>
      {children}
    </Box>
  </Grid>
);
