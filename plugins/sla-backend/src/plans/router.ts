import {
  AuditorService,
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { InputError, NotFoundError } from '@backstage/errors';
import {
  slaPlanCreatePermission,
  slaPlanDeletePermission,
  slaPlanUpdatePermission,
  slaReadPermission,
} from '@servicelevel/plugin-sla-common';
import express, { Request } from 'express';
import Router from 'express-promise-router';
import type { EntityStore, PlanStore, TermsStore } from '../database';
import { audited } from '../service/audited';
import { createAuthorize, principalName } from '../service/authorize';
import { createPlan } from './createPlan';
import { applyPlanPatch, normalizeEntityRef } from './planInput';
import { loadPlanZones, toPlanView } from './planView';
import { Plan, PlanStatus, PLAN_STATUSES } from './types';

export interface PlansRouterOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  auditor: AuditorService;
  entities: EntityStore;
  plans: PlanStore;
  /** Zones of the entities' terms: plans are overdue by the date in the entity's zone. */
  terms: TermsStore;
  /** `sla.defaultTimezone`, for an entity without terms; UTC when not given. */
  defaultTimezone?: string;
  /** The clock; tests pin it. */
  now?: () => number;
}

/**
 * `GET/POST /plans`, `GET/PATCH/DELETE /plans/{id}`. Reading needs sla.read; writing needs
 * sla.read and sla.plan.create, sla.plan.update or sla.plan.delete on the plan's entity (a
 * resource permission: the policy decides, e.g. "owners only" with isEntityOwner). Every
 * write is audited.
 */
export function createPlansRouter(options: PlansRouterOptions): express.Router {
  const { auditor, entities, plans } = options;
  const now = options.now ?? (() => Date.now());
  const authorize = createAuthorize(options);
  const zonesOf = () =>
    loadPlanZones(options.terms, options.defaultTimezone ?? 'UTC');
  // Mounted in createValidatedRouter (plugin.ts): requests arrive parsed and validated.
  const router = Router();

  router.get('/plans', async (req, res) => {
    await authorize(req, slaReadPermission);
    const problems: string[] = [];
    const entity = queryParam(req, 'entity');
    const owner = queryParam(req, 'owner');
    const status = queryParam(req, 'status');
    const overdue = queryParam(req, 'overdue');
    const entityRef =
      entity === undefined
        ? undefined
        : normalizeEntityRef(entity, 'entity', problems, 'component');
    const ownerRef =
      owner === undefined
        ? undefined
        : normalizeEntityRef(owner, 'owner', problems, 'group');
    let statuses: PlanStatus[] | undefined;
    if (status !== undefined) {
      statuses = status.split(',').map(s => s.trim()) as PlanStatus[];
      const bad = statuses.filter(s => !PLAN_STATUSES.includes(s));
      if (bad.length > 0) {
        problems.push(
          `status: "${bad.join(
            ',',
          )}" — expected one or more (comma-separated) of ${PLAN_STATUSES.join(
            ', ',
          )}`,
        );
      }
    }
    if (overdue !== undefined && overdue !== 'true' && overdue !== 'false') {
      problems.push(`overdue: "${overdue}" — expected true or false`);
    }
    if (problems.length > 0) throw new InputError(problems.join('\n'));
    const t = now();
    const zoneOf = await zonesOf();
    const items = (
      await plans.list({ entityRef, owner: ownerRef, status: statuses })
    )
      .map(p => toPlanView(p, t, zoneOf(p.entityRef)))
      .filter(p => overdue === undefined || p.overdue === (overdue === 'true'));
    res.json({ items });
  });

  router.post('/plans', async (req, res) => {
    await authorize(req, slaReadPermission);
    const t = now();
    const created = await createPlan({
      body: req.body,
      now: t,
      entities,
      plans,
      auditor,
      request: req,
      authorize: async entityRef =>
        (
          await writeAccess(req, slaPlanCreatePermission, entityRef)
        ).by,
    });
    const zoneOf = await zonesOf();
    res.status(201).json(toPlanView(created, t, zoneOf(created.entityRef)));
  });

  router.get('/plans/:id', async (req, res) => {
    await authorize(req, slaReadPermission);
    const plan = await plans.get(req.params.id);
    if (!plan) throw new NotFoundError(`No plan with id ${req.params.id}`);
    const zoneOf = await zonesOf();
    res.json({
      ...toPlanView(plan, now(), zoneOf(plan.entityRef)),
      history: await plans.history(plan.id),
    });
  });

  router.patch('/plans/:id', async (req, res) => {
    const existing = await findPlan(req);
    const writer = await writeAccess(
      req,
      slaPlanUpdatePermission,
      existing.entityRef,
    );
    const t = now();
    // Validated up front so a bad body is a 400 and never an audit failure of a write.
    applyPlanPatch(existing, req.body, t);
    let changed: string[] = [];
    const updated = await audited(
      auditor,
      req,
      {
        eventId: 'plan-update',
        severityLevel: 'medium',
        meta: writeMeta(existing, writer),
        successMeta: () => ({ changed }),
      },
      async () => {
        const plan = await plans.update(
          existing.id,
          current => {
            const r = applyPlanPatch(current, req.body, t);
            changed = r.changes.map(c => c.field);
            return r;
          },
          { by: writer.by, at: t },
        );
        if (!plan) throw new NotFoundError(`No plan with id ${existing.id}`);
        return plan;
      },
    );
    const zoneOf = await zonesOf();
    res.json(toPlanView(updated, t, zoneOf(updated.entityRef)));
  });

  router.delete('/plans/:id', async (req, res) => {
    const existing = await findPlan(req);
    const writer = await writeAccess(
      req,
      slaPlanDeletePermission,
      existing.entityRef,
    );
    await audited(
      auditor,
      req,
      {
        eventId: 'plan-delete',
        severityLevel: 'medium',
        meta: writeMeta(existing, writer),
      },
      async () => {
        if (!(await plans.delete(existing.id, { by: writer.by, at: now() }))) {
          throw new NotFoundError(`No plan with id ${existing.id}`);
        }
      },
    );
    res.status(204).end();
  });

  /** The caller, once the policy allows `permission` on the plan's entity (else 403). */
  async function writeAccess(
    req: Request,
    permission:
      | typeof slaPlanCreatePermission
      | typeof slaPlanUpdatePermission
      | typeof slaPlanDeletePermission,
    entityRef: string,
  ): Promise<PlanWriter> {
    const credentials = await authorize(req, permission, entityRef);
    return { credentials, by: principalName(credentials) };
  }

  /** The plan of `:id`; 404 only after the caller proved read access, so ids do not leak. */
  async function findPlan(req: Request): Promise<Plan> {
    await authorize(req, slaReadPermission);
    const plan = await plans.get(req.params.id);
    if (!plan) throw new NotFoundError(`No plan with id ${req.params.id}`);
    return plan;
  }

  return router;
}

/** A caller allowed to write plans of one entity. */
interface PlanWriter {
  credentials: BackstageCredentials;
  /** Principal name for history and audit records. */
  by: string;
}

/** The audit metadata of a write to an existing plan. */
function writeMeta(plan: Plan, writer: PlanWriter) {
  return { planId: plan.id, entityRef: plan.entityRef, by: writer.by };
}

function queryParam(req: Request, name: string): string | undefined {
  const v: unknown = req.query[name];
  if (v === undefined) return undefined;
  // The validator has already coerced the booleans the document declares.
  if (typeof v === 'boolean') return String(v);
  if (typeof v !== 'string') {
    throw new InputError(`${name}: expected a single value`);
  }
  return v;
}
