import { useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';
import { slaPlanCreatePermission } from '@servicelevel/plugin-sla-common';
import { PlanDialog } from './PlanDialog';
import { usePlanDetailsDialog } from './PlanDetailsDialog';
import type { PlanForm } from './planForm';
import { PlansTable } from './PlansTable';
import {
  GuardedButton,
  usePermissionOn,
  useSlaApi,
  useSlaFormat,
} from '../common';

/** Props of {@link EntityPlansSection}. @public */
export interface EntityPlansSectionProps {
  /** Full entity ref, e.g. component:default/cad-core. */
  entityRef: string;
  /** Default owner of new plans (usually the entity's owner ref). */
  ownerRef?: string;
  /** Zone of the plans' times: the entity's (its terms' timezone). */
  timeZone?: string;
}

/** The improvement plans of one entity, for the entity's SLA tab. @public */
export const EntityPlansSection = ({
  entityRef,
  ownerRef,
  timeZone,
}: EntityPlansSectionProps) => {
  const api = useSlaApi();
  const { t } = useSlaFormat();
  const canCreate = usePermissionOn(slaPlanCreatePermission, entityRef);
  const state = useAsyncRetry(
    () => api.listPlans({ entity: entityRef }),
    [api, entityRef],
  );
  const [creating, setCreating] = useState(false);
  const details = usePlanDetailsDialog(state.retry, timeZone);
  const initial: Partial<PlanForm> = ownerRef ? { owner: ownerRef } : {};

  return (
    <InfoCard
      title={t('plans.title')}
      action={
        <GuardedButton
          color="primary"
          permission={canCreate}
          deniedText={t('plans.denied.create')}
          onClick={() => setCreating(true)}
        >
          {t('plans.newPlan')}
        </GuardedButton>
      }
    >
      {state.loading && !state.value && <Progress />}
      {state.error && <ResponseErrorPanel error={state.error} />}
      {state.value && state.value.items.length === 0 && (
        <Typography variant="body2">{t('plans.empty')}</Typography>
      )}
      {state.value && state.value.items.length > 0 && (
        <PlansTable plans={state.value.items} onOpen={details.open} />
      )}
      {creating && (
        <PlanDialog
          open
          entityRef={entityRef}
          initial={initial}
          onClose={() => setCreating(false)}
          onSaved={plan => {
            setCreating(false);
            state.retry();
            details.open(plan.id);
          }}
        />
      )}
      {details.dialog}
    </InfoCard>
  );
};
