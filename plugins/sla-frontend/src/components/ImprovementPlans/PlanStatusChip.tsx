import Chip from '@material-ui/core/Chip';
import type { PlanView } from '../../api';
import { usePlanText } from './planText';

const COLOURS: Record<PlanView['status'], { bg: string; fg: string }> = {
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
  plan: Pick<PlanView, 'status' | 'overdue'>;
}) => {
  const text = usePlanText();
  return (
    <>
      <Chip
        size="small"
        label={text.status(plan.status)}
        style={{
          backgroundColor: COLOURS[plan.status].bg,
          color: COLOURS[plan.status].fg,
        }}
      />
      {plan.overdue && (
        <Chip
          size="small"
          label={text.t('plans.overdue')}
          style={{ backgroundColor: '#b71c1c', color: '#fff', marginLeft: 4 }}
        />
      )}
    </>
  );
};
