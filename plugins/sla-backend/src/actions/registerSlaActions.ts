import {
  AuditorService,
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { InputError } from '@backstage/errors';
import {
  groupKeyOf,
  slaPlanCreatePermission,
  slaReadPermission,
} from '@servicelevel/plugin-sla-common';
import type { EntityStore, PlanStore, TermsStore } from '../database';
import { createPlan } from '../plans/createPlan';
import { normalizeEntityRef } from '../plans/planInput';
import { loadPlanZones, toPlanView } from '../plans/planView';
import { authorizeCredentials, principalName } from '../service/authorize';
import { ComplianceService, PeriodQuery } from '../service/ComplianceService';
import { overviewJson } from '../service/overview';
import {
  complianceOutput,
  entityRefInput,
  groupByInput,
  newPlanInput,
  objectiveResultOutput,
  overviewOutput,
  periodInput,
  planOutput,
  serviceSummaryOutput,
  termsOutput,
} from './schemas';

export interface SlaActionsOptions {
  actionsRegistry: ActionsRegistryService;
  permissions: PermissionsService;
  auditor: AuditorService;
  compliance: ComplianceService;
  entities: EntityStore;
  plans: PlanStore;
  terms: TermsStore;
  /** `sla.defaultTimezone`, for plans of an entity without terms. */
  defaultTimezone?: string;
  /** The clock; tests pin it. */
  now?: () => number;
}

/** The caller's permission, as the HTTP routes check it, for an action's credentials. */
const authorize = authorizeCredentials;

/** An entity ref as the routes key it: canonical, lower case. */
function entityRefOf(v: string, defaultKind = 'component'): string {
  const problems: string[] = [];
  const ref = normalizeEntityRef(v, 'entityRef', problems, defaultKind);
  if (!ref) throw new InputError(problems.join('\n'));
  return ref;
}

function periodQueryOf(period: string | undefined): PeriodQuery {
  return period === undefined
    ? { kind: 'current' }
    : { kind: 'key', key: period };
}

/** As `res.json` sends it: undefined fields left out. */
function asJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value));
}

/**
 * The SLA answers for AI agents: five actions of the actions registry (exposed as MCP tools
 * by `@backstage/plugin-mcp-actions-backend`). Each calls the services the HTTP routes call,
 * after the same permission checks, so it answers what the API answers.
 */
export function registerSlaActions(options: SlaActionsOptions): void {
  const { actionsRegistry, permissions, auditor, compliance } = options;
  const now = options.now ?? (() => Date.now());
  const read = (credentials: BackstageCredentials) =>
    authorize(permissions, credentials, slaReadPermission);

  actionsRegistry.register({
    name: 'get-compliance',
    title: 'Get SLA compliance',
    description:
      "One service's SLA result for a period: each objective's target, actual value and status (met, breached, at-risk, running, no-data), availability, the incidents counted and service credits. The same as GET /api/sla/entities/{kind}/{namespace}/{name}/compliance.",
    visibilityPermission: slaReadPermission,
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: z =>
        z.object({
          entityRef: entityRefInput(z),
          period: periodInput(z, "the service's current period"),
        }),
      output: complianceOutput,
    },
    examples: [
      {
        title: 'September 2026 of cad-core',
        input: { entityRef: 'component:default/cad-core', period: '2026-09' },
      },
    ],
    action: async ({ input, credentials }) => {
      await read(credentials);
      const result = await compliance.entityCompliance(
        entityRefOf(input.entityRef),
        periodQueryOf(input.period),
        now(),
      );
      return { output: asJson(result) as never };
    },
  });

  actionsRegistry.register({
    name: 'list-breaches',
    title: 'List SLA breaches',
    description:
      "Services of one owner, system or domain that breached an objective in a period, each with its overview line (as GET /api/sla/overview lists it) and the breached objectives' results. Each service is judged over the periods of its own kind that overlap the requested one.",
    visibilityPermission: slaReadPermission,
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: z =>
        z.object({
          scope: groupByInput(z).describe(
            'What `value` names: an owner (group or user), a system or a domain',
          ),
          value: z
            .string()
            .min(1)
            .max(255)
            .describe(
              'Its entity ref, e.g. group:default/dispatch-platform (kind defaults to group, system or domain)',
            ),
          period: periodInput(z, 'the current month'),
        }),
      output: z =>
        z.object({
          scope: groupByInput(z),
          value: z.string().describe('The ref, canonical'),
          servicesInScope: z.number(),
          breaches: z.number().describe('Breached objective results in all'),
          services: z.array(
            serviceSummaryOutput(z).extend({
              breachedObjectives: z.array(
                objectiveResultOutput(z).extend({ period: z.string() }),
              ),
            }),
          ),
        }),
    },
    examples: [
      {
        title:
          "Breaches of the dispatch platform team's services in September 2026",
        input: {
          scope: 'owner',
          value: 'group:default/dispatch-platform',
          period: '2026-09',
        },
      },
    ],
    action: async ({ input, credentials }) => {
      await read(credentials);
      const value = entityRefOf(
        input.value,
        input.scope === 'owner' ? 'group' : input.scope,
      );
      const query = periodQueryOf(input.period);
      const t = now();
      // The overview's own lines and the results they were summed from (one cached evaluation).
      const overview = JSON.parse(
        await overviewJson(compliance, query, input.scope, t),
      ) as {
        services: Array<
          Record<string, unknown> & {
            entityRef: string;
            breaches: number;
            ownerRef?: string;
            systemRef?: string;
            domainRef?: string;
          }
        >;
      };
      const own = await compliance.evaluateOwnKind(query, t);
      const byRef = new Map(own.map(o => [o.entity.entityRef, o]));
      const inScope = overview.services.filter(
        s => groupKeyOf(s, input.scope) === value,
      );
      // The overview keeps each objective's status only (SlimResult): a period with a
      // breach is read whole, as GET /entities/…/compliance serves it, for its targets and
      // actuals. Cached like any entity read; a handful of services in one scope.
      const services = [];
      for (const s of inScope.filter(line => line.breaches > 0)) {
        const breachedObjectives = [];
        for (const r of byRef.get(s.entityRef)?.selected ?? []) {
          if (!r.result.objectives.some(o => o.status === 'breached')) continue;
          const whole = await compliance.entityCompliance(
            s.entityRef,
            r.period.granularity === 'custom'
              ? query
              : { kind: 'key', key: r.period.key },
            t,
          );
          breachedObjectives.push(
            ...whole.result.objectives
              .filter(o => o.status === 'breached')
              .map(o => ({ ...asJson(o), period: r.period.key })),
          );
        }
        services.push({ ...s, breachedObjectives });
      }
      return {
        output: {
          scope: input.scope,
          value,
          servicesInScope: inScope.length,
          breaches: services.reduce((n, s) => n + s.breaches, 0),
          services,
        } as never,
      };
    },
  });

  actionsRegistry.register({
    name: 'get-overview',
    title: 'Get the SLA overview',
    description:
      'The organisation-wide SLA rollup for a period: total achievement, per owner, system or domain, the worst services, every service, the previous period, the year to date and the heatmap. The same as GET /api/sla/overview.',
    visibilityPermission: slaReadPermission,
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: z =>
        z.object({
          groupBy: groupByInput(z)
            .optional()
            .describe('Group services by owner (default), system or domain'),
          period: periodInput(z, 'the current month'),
        }),
      output: overviewOutput,
    },
    examples: [
      {
        title: 'Q3 2026 by system',
        input: { groupBy: 'system', period: '2026-Q3' },
      },
    ],
    action: async ({ input, credentials }) => {
      await read(credentials);
      const json = await overviewJson(
        compliance,
        periodQueryOf(input.period),
        input.groupBy ?? 'owner',
        now(),
      );
      return { output: JSON.parse(json) };
    },
  });

  actionsRegistry.register({
    name: 'get-terms',
    title: 'Get SLA terms',
    description:
      "A service's SLA terms: its servicelevel.io/ annotations and every stored version of its effective terms (objectives, service hours, zone, period), the last in force. The same as GET /api/sla/entities/{kind}/{namespace}/{name}/terms.",
    visibilityPermission: slaReadPermission,
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: z => z.object({ entityRef: entityRefInput(z) }),
      output: termsOutput,
    },
    examples: [
      {
        title: 'The terms of cad-core',
        input: { entityRef: 'component:default/cad-core' },
      },
    ],
    action: async ({ input, credentials }) => {
      await read(credentials);
      const { entity, versions } = await compliance.loadEntity(
        entityRefOf(input.entityRef),
      );
      return {
        output: asJson({
          entityRef: entity.entityRef,
          annotations: entity.annotations,
          versions,
        }) as never,
      };
    },
  });

  actionsRegistry.register({
    name: 'create-improvement-plan',
    title: 'Create an SLA improvement plan',
    description:
      'Creates a service improvement plan (status proposed) for a service, e.g. after a breach. Needs sla.plan.create on the entity, as POST /api/sla/plans does; audited as plan-create. Answers the plan as the API serves it.',
    visibilityPermission: slaReadPermission,
    // A write that adds a plan and changes nothing else; calling it twice makes two plans.
    attributes: { readOnly: false, destructive: false, idempotent: false },
    schema: { input: newPlanInput, output: planOutput },
    examples: [
      {
        title: 'A plan after a breached P1 response time',
        input: {
          entityRef: 'component:default/cad-core',
          title: 'Faster P1 response',
          origin: {
            type: 'breach',
            objective: 'response-time:P1',
            period: '2026-09',
          },
          owner: 'group:default/dispatch-platform',
          targetDate: '2026-12-31',
          actions: [{ title: 'Second on-call engineer' }],
        },
      },
    ],
    action: async ({ input, credentials }) => {
      // The one implementation of POST /plans (plans/createPlan.ts).
      await read(credentials);
      const t = now();
      const created = await createPlan({
        body: input,
        now: t,
        entities: options.entities,
        plans: options.plans,
        auditor,
        meta: { via: 'action' },
        authorize: async entityRef => {
          await authorize(
            permissions,
            credentials,
            slaPlanCreatePermission,
            entityRef,
          );
          return principalName(credentials);
        },
      });
      const zoneOf = await loadPlanZones(
        options.terms,
        options.defaultTimezone ?? 'UTC',
      );
      return {
        output: asJson(
          toPlanView(created, t, zoneOf(created.entityRef)),
        ) as never,
      };
    },
  });
}
