import { useState } from 'react';
import Button from '@material-ui/core/Button';
import type { Plan } from '../../api/PlansReportsClient';
import { PlanDialog } from './PlanDialog';

/** Props of {@link CreatePlanFromBreachButton}. @public */
export interface CreatePlanFromBreachButtonProps {
  /** Full entity ref, e.g. component:default/cad-core. */
  entityRef: string;
  /** The breached objective id as the compliance result names it, e.g. response-time:P1. */
  objective: string;
  /** The period key of the breach, e.g. 2026-09. */
  period: string;
  /** Default owner of the plan (usually the entity's owner ref). */
  ownerRef?: string;
  onCreated?: (plan: Plan) => void;
}

/** "Create plan" next to a breached objective: the dialog opens with the origin pre-filled. @public */
export const CreatePlanFromBreachButton = ({
  entityRef,
  objective,
  period,
  ownerRef,
  onCreated,
}: CreatePlanFromBreachButtonProps) => {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button size="small" color="primary" onClick={() => setOpen(true)}>
        Create plan
      </Button>
      {open && (
        <PlanDialog
          open
          entityRef={entityRef}
          initial={{
            originType: 'breach',
            objective,
            period,
            title: `Improve ${objective} after the ${period} breach`,
            owner: ownerRef ?? '',
          }}
          onClose={() => setOpen(false)}
          onSaved={plan => {
            setOpen(false);
            onCreated?.(plan);
          }}
        />
      )}
    </>
  );
};
