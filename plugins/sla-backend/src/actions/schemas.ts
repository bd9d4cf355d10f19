import type { z as zod } from 'zod/v3';

/**
 * Zod (v3 API, as the actions registry hands it over) pieces of the SLA actions' schemas.
 * They name the fields an agent needs; every object passes the rest through unchanged, so an
 * action's output is the HTTP API's JSON for the same request (openapi.yaml describes it all).
 */
type Z = typeof zod;

/** The period key pattern of openapi.yaml (PeriodKey). */
const PERIOD_KEY = /^\s*\d{4}(-(0[1-9]|1[0-2])|-[Qq][1-4])?\s*$/;

export const entityRefInput = (z: Z) =>
  z
    .string()
    .min(1)
    .max(255)
    .describe(
      'The entity, e.g. component:default/cad-core (kind defaults to component, namespace to default)',
    );

export const periodInput = (z: Z, fallback: string) =>
  z
    .string()
    .regex(PERIOD_KEY)
    .optional()
    .describe(
      `A month, quarter or year key such as 2026-09, 2026-Q3 or 2026; ${fallback} when left out`,
    );

export const groupByInput = (z: Z) => z.enum(['owner', 'system', 'domain']);

const tally = (z: Z) => ({
  met: z.number().describe('Objectives met'),
  committed: z
    .number()
    .describe('Decided objectives with a target (met + breached)'),
  rate: z
    .number()
    .optional()
    .describe('met / committed × 100; absent when nothing is committed'),
});

export const periodOutput = (z: Z) =>
  z
    .object({
      key: z.string(),
      start: z.number().describe('Epoch ms'),
      end: z.number().describe('Epoch ms, exclusive'),
      granularity: z.enum(['month', 'quarter', 'year', 'custom']),
    })
    .passthrough();

export const objectiveResultOutput = (z: Z) =>
  z
    .object({
      objective: z
        .string()
        .describe('availability, response-time:<P>, resolution-time:<P>, …'),
      target: z
        .object({ display: z.string(), value: z.number() })
        .passthrough(),
      actual: z
        .object({ display: z.string(), value: z.number().optional() })
        .passthrough(),
      status: z.enum(['met', 'breached', 'at-risk', 'no-data', 'running']),
    })
    .passthrough();

export const complianceOutput = (z: Z) =>
  z
    .object({
      entityRef: z.string(),
      title: z.string().optional(),
      period: periodOutput(z),
      source: z
        .enum(['live', 'snapshot'])
        .describe('snapshot: the stored result of a closed period'),
      termsVersion: z.number(),
      termsBackdated: z.boolean(),
      terms: z.record(z.unknown()).describe('The terms in force'),
      termsAsWritten: z.record(z.string()),
      result: z
        .object({
          complete: z.boolean().describe('The period has ended'),
          evaluatedAt: z.number(),
          ...tally(z),
          achievementRate: z.number().optional(),
          availability: z
            .object({
              availability: z.number().optional().describe('Percent'),
              target: z.number().optional().describe('Percent'),
              downtimeMs: z.number(),
              budgetRemainingMs: z.number().optional(),
              status: z.string(),
            })
            .passthrough(),
          objectives: z.array(objectiveResultOutput(z)),
          incidents: z.array(z.record(z.unknown())),
        })
        .passthrough(),
      credits: z.record(z.unknown()).optional(),
    })
    .passthrough();

export const serviceSummaryOutput = (z: Z) =>
  z
    .object({
      entityRef: z.string(),
      title: z.string().optional(),
      ownerRef: z.string().optional(),
      systemRef: z.string().optional(),
      domainRef: z.string().optional(),
      period: z.string(),
      periodKind: z.enum(['monthly', 'quarterly', 'yearly']),
      periods: z.array(z.string()),
      complete: z.boolean(),
      ...tally(z),
      breached: z
        .array(z.string())
        .describe('Objectives breached in any of the periods'),
      atRisk: z.array(z.string()),
      breaches: z.number().describe('Breached objective results'),
      availability: z.number().optional(),
    })
    .passthrough();

export const overviewOutput = (z: Z) =>
  z
    .object({
      groupBy: groupByInput(z),
      total: z.object({ ...tally(z), services: z.number() }).passthrough(),
      groups: z.array(
        z
          .object({
            key: z.string().describe('Owner, system or domain ref, or (none)'),
            ...tally(z),
            services: z.array(z.string()),
            breached: z.number(),
          })
          .passthrough(),
      ),
      worst: z.array(serviceSummaryOutput(z)),
      services: z.array(serviceSummaryOutput(z)),
      previous: z.record(z.unknown()).optional(),
      yearToDate: z.record(z.unknown()),
      heatmap: z.record(z.unknown()),
    })
    .passthrough();

export const termsOutput = (z: Z) =>
  z
    .object({
      entityRef: z.string(),
      annotations: z
        .record(z.string())
        .describe('The annotations as last read from the catalog'),
      versions: z
        .array(
          z
            .object({
              entityRef: z.string(),
              version: z.number(),
              terms: z.record(z.unknown()),
              problems: z.array(z.record(z.unknown())),
              seenAt: z.number(),
              fingerprint: z.string(),
            })
            .passthrough(),
        )
        .describe('Oldest first; the last is in force'),
    })
    .passthrough();

const planTarget = (z: Z) =>
  z.object({ objective: z.string().max(64), period: z.string().max(16) });

const planOrigin = (z: Z) =>
  z.discriminatedUnion('type', [
    z.object({
      type: z.literal('breach'),
      objective: z.string().max(64).describe('e.g. response-time:P1'),
      period: z.string().max(16).describe('e.g. 2026-09'),
      note: z.string().max(2000).optional(),
    }),
    z.object({
      type: z.literal('survey'),
      score: z.number(),
      scale: z.number().int().min(1).optional(),
      note: z.string().max(2000).optional(),
    }),
    z.object({
      type: z.enum(['review', 'other']),
      note: z.string().max(2000).optional(),
    }),
  ]);

export const newPlanInput = (z: Z) =>
  z.object({
    entityRef: entityRefInput(z),
    title: z.string().min(1).max(500),
    description: z.string().max(10_000).optional(),
    origin: planOrigin(z).describe('Where the plan came from'),
    addresses: z
      .array(planTarget(z))
      .max(200)
      .optional()
      .describe('Objectives and periods addressed; a breach origin by default'),
    owner: z
      .string()
      .min(1)
      .max(255)
      .describe('Plan owner, e.g. group:default/web-team'),
    targetDate: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/)
      .describe('YYYY-MM-DD'),
    actions: z
      .array(
        z.object({
          title: z.string().max(500),
          assignee: z.string().max(255).optional(),
          dueDate: z
            .string()
            .regex(/^\d{4}-\d{2}-\d{2}$/)
            .optional(),
        }),
      )
      .max(200)
      .optional(),
  });

export const planOutput = (z: Z) =>
  z
    .object({
      id: z.string(),
      entityRef: z.string(),
      title: z.string(),
      description: z.string(),
      origin: z.record(z.unknown()),
      addresses: z.array(planTarget(z).passthrough()),
      owner: z.string(),
      targetDate: z.string(),
      status: z.enum([
        'proposed',
        'approved',
        'in-progress',
        'done',
        'dropped',
      ]),
      actions: z.array(z.record(z.unknown())),
      createdAt: z.number(),
      createdBy: z.string(),
      updatedAt: z.number(),
      overdue: z.boolean(),
      overdueActions: z.array(z.string()),
    })
    .passthrough();
