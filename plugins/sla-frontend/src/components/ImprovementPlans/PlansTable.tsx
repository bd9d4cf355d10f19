import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Link from '@material-ui/core/Link';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import type { PlanView } from '../../api';
import { PlanStatusChip } from './PlanStatusChip';
import { usePlanText } from './planText';

/** Plans as a table; a title opens the plan. */
export const PlansTable = ({
  plans,
  showEntity,
  onOpen,
}: {
  plans: PlanView[];
  showEntity?: boolean;
  onOpen: (id: string) => void;
}) => {
  const text = usePlanText();
  const { t } = text;
  return (
    <Table size="small" aria-label={t('plans.title')}>
      <TableHead>
        <TableRow>
          <TableCell>{t('plans.table.plan')}</TableCell>
          {showEntity && <TableCell>{t('plans.table.service')}</TableCell>}
          <TableCell>{t('plans.table.origin')}</TableCell>
          <TableCell>{t('plans.table.owner')}</TableCell>
          <TableCell>{t('plans.table.targetDate')}</TableCell>
          <TableCell>{t('plans.table.actionsDone')}</TableCell>
          <TableCell>{t('plans.table.status')}</TableCell>
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
            {showEntity && (
              <TableCell>
                <EntityRefLink
                  entityRef={p.entityRef}
                  defaultKind="component"
                />
              </TableCell>
            )}
            <TableCell>{text.origin(p.origin)}</TableCell>
            <TableCell>
              <EntityRefLink entityRef={p.owner} defaultKind="group" />
            </TableCell>
            <TableCell>{p.targetDate}</TableCell>
            <TableCell>
              {text.rateOf(
                p.actions.filter(a => a.done).length,
                p.actions.length,
              )}
            </TableCell>
            <TableCell>
              <PlanStatusChip plan={p} />
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
};
