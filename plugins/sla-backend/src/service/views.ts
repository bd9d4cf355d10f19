import { achievementRate } from '@servicelevel/plugin-sla-common';
import { EntityStore, SlaEntity } from '../database/types';
import {
  ComplianceService,
  EntityPeriodResult,
  termsAsWrittenOf,
} from './ComplianceService';

export const GROUP_BY = ['owner', 'system', 'domain'] as const;
export type GroupBy = (typeof GROUP_BY)[number];

/** One service's line in the overview. */
export interface ServiceSummary {
  entityRef: string;
  title?: string;
  ownerRef?: string;
  systemRef?: string;
  domainRef?: string;
  period: string;
  met: number;
  committed: number;
  rate?: number;
  breached: string[];
  atRisk: string[];
  availability?: number;
  provisional: boolean;
}

/**
 * The organisation-wide rollup (SPEC §6 `/overview`): achievement as a sum over sums per
 * group and in total. Each service falls in exactly one group of the chosen dimension, and
 * the total sums services (not groups), so nothing is counted twice.
 */
export function buildOverview(
  results: EntityPeriodResult[],
  groupBy: GroupBy,
  entities: SlaEntity[],
) {
  const byRef = new Map(entities.map(e => [e.entityRef, e]));
  const services: ServiceSummary[] = results.map(r => {
    const e = byRef.get(r.entityRef);
    return {
      entityRef: r.entityRef,
      title: r.title,
      ownerRef: e?.ownerRef,
      systemRef: e?.systemRef,
      domainRef: e?.domainRef,
      period: r.period.key,
      met: r.result.met,
      committed: r.result.committed,
      rate: r.result.achievementRate,
      breached: r.result.objectives
        .filter(o => o.status === 'breached')
        .map(o => o.objective),
      atRisk: r.result.objectives
        .filter(o => o.status === 'at-risk')
        .map(o => o.objective),
      availability: r.result.availability.availability,
      provisional: r.result.availability.provisional,
    };
  });

  const field = {
    owner: 'ownerRef',
    system: 'systemRef',
    domain: 'domainRef',
  } as const;
  const keyOf = (s: ServiceSummary) => s[field[groupBy]] ?? '(none)';
  const groups = new Map<string, ServiceSummary[]>();
  for (const s of services) {
    const k = keyOf(s);
    groups.set(k, [...(groups.get(k) ?? []), s]);
  }

  const worst = services
    .filter(s => s.committed > 0)
    .sort(
      (a, b) =>
        (a.rate ?? 100) - (b.rate ?? 100) ||
        b.breached.length - a.breached.length ||
        a.entityRef.localeCompare(b.entityRef),
    )
    .slice(0, 10);

  return {
    groupBy,
    total: { ...achievementRate(services), services: services.length },
    groups: [...groups.entries()]
      .map(([key, members]) => ({
        key,
        ...achievementRate(members),
        services: members.map(m => m.entityRef).sort(),
        breached: members.reduce((n, m) => n + m.breached.length, 0),
      }))
      .sort((a, b) => a.key.localeCompare(b.key)),
    worst,
    services,
  };
}

const overviewJsonCache = new WeakMap<
  EntityPeriodResult[],
  Map<GroupBy, Promise<string>>
>();

/**
 * buildOverview serialized, once per (results, groupBy): evaluateMany returns the same
 * results array while its cache holds, and a new one after any write, so the body of
 * 2,000 services is not rebuilt and re-serialized for every request.
 */
export function overviewJson(
  results: EntityPeriodResult[],
  groupBy: GroupBy,
  listEntities: () => Promise<SlaEntity[]>,
): Promise<string> {
  let byGroup = overviewJsonCache.get(results);
  if (!byGroup) {
    byGroup = new Map();
    overviewJsonCache.set(results, byGroup);
  }
  let json = byGroup.get(groupBy);
  if (!json) {
    json = listEntities().then(entities =>
      JSON.stringify(buildOverview(results, groupBy, entities)),
    );
    byGroup.set(groupBy, json);
    json.catch(() => byGroup!.delete(groupBy));
  }
  return json;
}

/** buildCatalogListing serialized, cached by the compliance service (dropped on writes). */
export function catalogListingJson(
  entities: EntityStore,
  compliance: ComplianceService,
  now: number,
): Promise<string> {
  const today = new Date(now).toISOString().slice(0, 10);
  return compliance.cachedView(`catalog\u0000${today}`, now, async () =>
    JSON.stringify(await buildCatalogListing(entities, compliance, now)),
  );
}

/** The published service catalog: every service with an SLA and its commitments. */
export async function buildCatalogListing(
  entities: EntityStore,
  compliance: ComplianceService,
  now: number,
) {
  const items = [];
  const today = new Date(now).toISOString().slice(0, 10);
  // Two queries for the whole catalog; an entity without effective terms is left out.
  const latestByRef = await compliance.listLatestTerms();
  for (const entity of await entities.listEntities()) {
    const latest = latestByRef.get(entity.entityRef);
    if (!latest) continue;
    const terms = latest.terms;
    items.push({
      entityRef: entity.entityRef,
      title: entity.title,
      ownerRef: entity.ownerRef,
      systemRef: entity.systemRef,
      domainRef: entity.domainRef,
      tier: terms.tier,
      customer: terms.customer,
      agreement: terms.agreement,
      reviewBy: terms.reviewBy,
      reviewOverdue: terms.reviewBy !== undefined && terms.reviewBy < today,
      serviceHours: terms.serviceHours.spec,
      timezone: terms.timezone,
      period: terms.period,
      commitments: termsAsWrittenOf(terms),
      termsVersion: latest.version,
      problems: latest.problems,
    });
  }
  return { items };
}
