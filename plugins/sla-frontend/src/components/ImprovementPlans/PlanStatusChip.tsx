import Chip from '@material-ui/core/Chip';
import type { Plan } from '../../api/PlansReportsClient';
import { STATUS_LABEL } from './planForm';

const COLOURS: Record<Plan['status'], { bg: string; fg: string }> = {
  proposed: { bg: '#e3f2fd', fg: '#0d47a1' },
  approved: { bg: '#ede7f6', fg: '#311b92' },
  'in-progress': { bg: '#fff8e1', fg: '#5d4037' },
  done: { bg: '#e8f5e9', fg: '#1b5e20' },
  dropped: { bg: '#eeeeee', fg: '#424242' },
};

/** A plan's status (text, not colour alone), and an "Overdue" chip when it is. */
export const PlanStatusChip = ({
  plan,
}: {
  plan: Pick<Plan, 'status' | 'overdue'>;
}) => (
  <>
    <Chip
      size="small"
      label={STATUS_LABEL[plan.status]}
      style={{
        backgroundColor: COLOURS[plan.status].bg,
        color: COLOURS[plan.status].fg,
      }}
    />
    {plan.overdue && (
      <Chip
        size="small"
        label="Overdue"
        style={{ backgroundColor: '#b71c1c', color: '#fff', marginLeft: 4 }}
      />
    )}
  </>
);
