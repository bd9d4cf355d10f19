import { useState } from 'react';
import { slaPlanCreatePermission } from '@servicelevel/plugin-sla-common';
import type { PlanView } from '../../api';
import { GuardedButton, usePermissionOn, useSlaFormat } from '../common';
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
  onCreated?: (plan: PlanView) => void;
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
  const { t, objective: objectiveName } = useSlaFormat();
  const canCreate = usePermissionOn(slaPlanCreatePermission, entityRef);
  return (
    <>
      <GuardedButton
        size="small"
        color="primary"
        permission={canCreate}
        deniedText={t('plans.denied.create')}
        onClick={() => setOpen(true)}
      >
        {t('plans.createPlan')}
      </GuardedButton>
      {open && (
        <PlanDialog
          open
          entityRef={entityRef}
          initial={{
            originType: 'breach',
            objective,
            period,
            title: t('plans.dialog.defaultTitle', {
              objective: objectiveName(objective),
              period,
            }),
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
