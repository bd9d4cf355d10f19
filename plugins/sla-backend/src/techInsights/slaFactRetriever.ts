import type {
  FactRetriever,
  FactRetrieverContext,
  TechInsightFact,
} from '@backstage-community/plugin-tech-insights-node';
import { parseEntityRef } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import type {
  CatalogItem,
  CatalogListing,
  ConfirmationStatus,
  EntityHistory,
} from '@servicelevel/plugin-sla-common';

/** The id of the retriever: the fact row's id, a check's `factIds` entry and its config key. */
export const SLA_FACT_RETRIEVER_ID = 'sla-facts';

/** Entities read at once; each costs two requests to the SLA backend. */
const CONCURRENCY = 4;

/**
 * The SLA facts of one entity. Every figure is the SLA backend's own, read over its HTTP API
 * with the tech-insights plugin's service token; nothing is computed here but a count and
 * a filter of what the API returned.
 */
export interface SlaFacts {
  /** Key of the last closed period of the entity's own length (2026-10, 2026-Q3, 2025). */
  period: string;
  /** Absent when nothing was committed in the period. */
  achievementRate?: number;
  breachedObjectives: number;
  breachedObjectiveIds: string[];
  /** Absent without agreed service time in the period. */
  availability?: number;
  /** Absent without an availability target; negative once the budget is overspent. */
  errorBudgetRemainingMs?: number;
  reviewOverdue: boolean;
  termsConfirmed: boolean;
}

/**
 * Tech Insights facts of every entity with an SLA (every entity `GET /api/sla/catalog`
 * lists), for scorecards and checks such as "SLA achievement ≥ 95 % last month".
 */
export const slaFactRetriever: FactRetriever = {
  id: SLA_FACT_RETRIEVER_ID,
  version: '0.1.0',
  title: 'SLA',
  description:
    'Service level results of the last closed period, review and confirmation state of the agreement, from the SLA backend',
  schema: {
    period: {
      type: 'string',
      description:
        "Key of the last closed period of the entity's own length (2026-10, 2026-Q3 or 2025), the period the figures below are for",
    },
    achievementRate: {
      type: 'float',
      description:
        'Objectives met / objectives committed (met + breached) × 100 in the last closed period, in percent; absent when nothing was committed',
    },
    breachedObjectives: {
      type: 'integer',
      description: 'Number of objectives breached in the last closed period',
    },
    breachedObjectiveIds: {
      type: 'set',
      description:
        'The objectives breached in the last closed period (availability, response-time:P1, resolution-time:P2, max-incidents:all, max-outage, min-mtbf)',
    },
    availability: {
      type: 'float',
      description:
        '(Agreed service time − unplanned downtime) / agreed service time × 100 in the last closed period, in percent; absent without agreed service time',
    },
    errorBudgetRemainingMs: {
      type: 'integer',
      description:
        'Downtime budget left at the end of the last closed period, in milliseconds of agreed service time: (1 − availability target) × agreed service time − downtime; negative when overspent, absent without an availability target',
    },
    reviewOverdue: {
      type: 'boolean',
      description:
        "The agreement's review-by date has passed (by the date in the entity's time zone)",
    },
    termsConfirmed: {
      type: 'boolean',
      description:
        'The terms version in force has been confirmed by the customer (for an entity without a customer, by anyone allowed to confirm)',
    },
  },
  handler: retrieveSlaFacts,
};

async function retrieveSlaFacts(
  ctx: FactRetrieverContext,
): Promise<TechInsightFact[]> {
  const { auth, discovery, logger } = ctx;
  const baseUrl = await discovery.getBaseUrl('sla');
  const { token } = await auth.getPluginRequestToken({
    onBehalfOf: await auth.getOwnServiceCredentials(),
    targetPluginId: 'sla',
  });
  const get = async <T>(path: string): Promise<T> => {
    const response = await fetch(`${baseUrl}${path}`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    if (!response.ok) throw await ResponseError.fromResponse(response);
    return (await response.json()) as T;
  };

  // Without the list there is nothing to retrieve: fail the run (the engine logs it).
  const { items } = await get<CatalogListing>('/catalog');
  let failed = 0;
  const facts = await mapWithConcurrency(items, CONCURRENCY, async item => {
    try {
      return await factsOf(item, get);
    } catch (error) {
      // One entity's failure must not drop every other entity's facts.
      failed += 1;
      logger.warn(`No SLA facts for ${item.entityRef}: ${error}`);
      return undefined;
    }
  });
  logger.info(
    `SLA facts of ${items.length - failed} of ${items.length} entities${
      failed ? `; ${failed} failed and keep their earlier facts` : ''
    }`,
  );
  return facts.filter((f): f is TechInsightFact => f !== undefined);
}

async function factsOf(
  item: CatalogItem,
  get: <T>(path: string) => Promise<T>,
): Promise<TechInsightFact> {
  const ref = parseEntityRef(item.entityRef);
  const path = `/entities/${[ref.kind, ref.namespace, ref.name]
    .map(encodeURIComponent)
    .join('/')}`;
  // The last two periods of the entity's own length: the last closed one and the open one.
  const [history, confirmation] = await Promise.all([
    get<EntityHistory>(`${path}/history?periods=2`),
    get<ConfirmationStatus>(`${path}/confirmation`),
  ]);
  const closed = history.periods.filter(p => p.result.complete).pop();
  if (!closed) {
    throw new Error('the SLA backend returned no closed period');
  }
  const { result } = closed;
  const breached = result.objectives
    .filter(o => o.status === 'breached')
    .map(o => o.objective);
  const facts: SlaFacts = {
    period: closed.period.key,
    ...(result.achievementRate !== undefined
      ? { achievementRate: result.achievementRate }
      : {}),
    breachedObjectives: breached.length,
    breachedObjectiveIds: breached,
    ...(result.availability.availability !== undefined
      ? { availability: result.availability.availability }
      : {}),
    ...(result.availability.budgetRemainingMs !== undefined
      ? { errorBudgetRemainingMs: result.availability.budgetRemainingMs }
      : {}),
    reviewOverdue: item.reviewOverdue,
    termsConfirmed: termsConfirmed(item, confirmation),
  };
  return {
    entity: { kind: ref.kind, namespace: ref.namespace, name: ref.name },
    facts: { ...facts },
  };
}

/**
 * Confirmed by the customer: a confirmation of the version in force with the customer role.
 * An entity without a customer has nobody in that role, so any confirmation of that version
 * counts.
 */
function termsConfirmed(
  item: CatalogItem,
  status: ConfirmationStatus,
): boolean {
  const ofVersion = status.confirmations.filter(
    c => c.termsVersion === status.termsVersion,
  );
  return item.customer
    ? ofVersion.some(c => c.role === 'customer')
    : ofVersion.length > 0;
}

async function mapWithConcurrency<T, R>(
  items: T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]);
    }
  };
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, worker),
  );
  return results;
}
