import type { AuditorService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { randomUUID } from 'crypto';
import type { Request } from 'express';
import type { EntityStore, PlanStore } from '../database';
import { audited } from '../service/audited';
import { readNewPlan } from './planInput';
import type { Plan } from './types';

/**
 * Creates an improvement plan: the one implementation behind `POST /plans` and the
 * `sla:create-improvement-plan` action. The body is validated first (the permission check
 * needs a valid entity ref), then the caller's right to create a plan on that entity, then
 * the entity must have an SLA; the write is audited as `plan-create`.
 */
export async function createPlan(options: {
  body: unknown;
  now: number;
  entities: EntityStore;
  plans: PlanStore;
  auditor: AuditorService;
  /** Checks `sla.plan.create` on the entity; answers who creates the plan. */
  authorize: (entityRef: string) => Promise<string>;
  /** The HTTP request, for the audit event; absent for an action. */
  request?: Request;
  /** Extra audit metadata, e.g. `{ via: 'action' }`. */
  meta?: Record<string, string>;
}): Promise<Plan> {
  const { entities, plans, auditor } = options;
  const plan = readNewPlan(options.body, {
    id: randomUUID(),
    by: '',
    now: options.now,
  });
  const entity = await entities.getEntity(plan.entityRef);
  const by = await options.authorize(plan.entityRef);
  if (!entity || entity.removedAt !== undefined) {
    throw new InputError(
      `entityRef: ${plan.entityRef} is not an entity with an SLA in the catalog`,
    );
  }
  return audited(
    auditor,
    options.request,
    {
      eventId: 'plan-create',
      severityLevel: 'medium',
      meta: { entityRef: plan.entityRef, by, ...options.meta },
      successMeta: p => ({ planId: p.id }),
    },
    () => plans.create({ ...plan, createdBy: by }, by),
  );
}
