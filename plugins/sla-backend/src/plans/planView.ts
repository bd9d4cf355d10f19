import {
  isPlanOverdue,
  overdueActionIds,
  PlanView as ApiPlanView,
} from '@servicelevel/plugin-sla-common';
import type { TermsStore } from '../database/types';
import type { Plan } from './types';

/** A plan as the API serves it: the stored plan plus what is derived from the clock. */
export type PlanView = ApiPlanView;

/**
 * The plan with its overdue flags, decided in the zone of the plan's entity (sla-common's
 * overdue rule, which the notifier and the frontend use too).
 */
export function toPlanView(plan: Plan, now: number, zone: string): PlanView {
  return {
    ...plan,
    overdue: isPlanOverdue(plan, now, zone),
    overdueActions: overdueActionIds(plan, now, zone),
  };
}

/**
 * The zone of each entity's latest terms, read once per request; `defaultZone` (the
 * `sla.defaultTimezone` config) for an entity without terms, as the notifier does.
 */
export async function loadPlanZones(
  terms: TermsStore | undefined,
  defaultZone: string,
): Promise<(entityRef: string) => string> {
  const zones = new Map(
    (terms ? await terms.listLatest() : []).map(v => [
      v.entityRef,
      v.terms.timezone,
    ]),
  );
  return entityRef => zones.get(entityRef) ?? defaultZone;
}
