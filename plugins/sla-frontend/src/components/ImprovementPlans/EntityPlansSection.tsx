import { useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import { PlanDialog } from './PlanDialog';
import { PlanDetailsDialog } from './PlanDetailsDialog';
import type { PlanForm } from './planForm';
import { PlansTable } from './PlansTable';
import { usePlansReportsApi } from './usePlansReportsApi';

/** Props of {@link EntityPlansSection}. @public */
export interface EntityPlansSectionProps {
  /** Full entity ref, e.g. component:default/cad-core. */
  entityRef: string;
  /** Default owner of new plans (usually the entity's owner ref). */
  ownerRef?: string;
}

/** The improvement plans of one entity, for the entity's SLA tab. @public */
export const EntityPlansSection = ({
  entityRef,
  ownerRef,
}: EntityPlansSectionProps) => {
  const api = usePlansReportsApi();
  const state = useAsyncRetry(
    () => api.listPlans({ entity: entityRef }),
    [api, entityRef],
  );
  const [creating, setCreating] = useState(false);
  const [openId, setOpenId] = useState<string>();
  const initial: Partial<PlanForm> = ownerRef ? { owner: ownerRef } : {};

  return (
    <InfoCard
      title="Improvement plans"
      action={
        <Button color="primary" onClick={() => setCreating(true)}>
          New plan
        </Button>
      }
    >
      {state.loading && !state.value && <Progress />}
      {state.error && <ResponseErrorPanel error={state.error} />}
      {state.value && state.value.items.length === 0 && (
        <Typography variant="body2">
          No improvement plans for this service yet.
        </Typography>
      )}
      {state.value && state.value.items.length > 0 && (
        <PlansTable plans={state.value.items} onOpen={setOpenId} />
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
            setOpenId(plan.id);
          }}
        />
      )}
      {openId && (
        <PlanDetailsDialog
          planId={openId}
          onClose={() => setOpenId(undefined)}
          onChanged={state.retry}
        />
      )}
    </InfoCard>
  );
};
