import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Link from '@material-ui/core/Link';
import type { Plan } from '../../api/PlansReportsClient';
import { describeOrigin } from './planForm';
import { PlanStatusChip } from './PlanStatusChip';

/** Plans as a table; a title opens the plan. */
export const PlansTable = ({
  plans,
  showEntity,
  onOpen,
}: {
  plans: Plan[];
  showEntity?: boolean;
  onOpen: (id: string) => void;
}) => (
  <Table size="small" aria-label="Improvement plans">
    <TableHead>
      <TableRow>
        <TableCell>Plan</TableCell>
        {showEntity && <TableCell>Service</TableCell>}
        <TableCell>Origin</TableCell>
        <TableCell>Owner</TableCell>
        <TableCell>Target date</TableCell>
        <TableCell>Actions done</TableCell>
        <TableCell>Status</TableCell>
      </TableRow>
    </TableHead>
    <TableBody>
      {plans.map(p => (
        <TableRow key={p.id}>
          <TableCell>
            <Link
              component="button"
              variant="body2"
              onClick={() => onOpen(p.id)}
            >
              {p.title}
            </Link>
          </TableCell>
          {showEntity && <TableCell>{p.entityRef}</TableCell>}
          <TableCell>{describeOrigin(p.origin)}</TableCell>
          <TableCell>{p.owner}</TableCell>
          <TableCell>{p.targetDate}</TableCell>
          <TableCell>
            {p.actions.filter(a => a.done).length}/{p.actions.length}
          </TableCell>
          <TableCell>
            <PlanStatusChip plan={p} />
          </TableCell>
        </TableRow>
      ))}
    </TableBody>
  </Table>
);
