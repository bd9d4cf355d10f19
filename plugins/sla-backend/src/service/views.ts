import {
  committedObjectives,
  reviewState,
} from '@servicelevel/plugin-sla-common';
import type { CalendarWarning } from '../calendars';
import { EntityStore } from '../database/types';
import { ComplianceService, termsAsWrittenOf } from './ComplianceService';
import type { DependencyChain } from './DependencyChain';

/**
 * buildCatalogListing serialized, cached by the compliance service (dropped on writes), with
 * the named calendars' warnings and the chain's consistency warnings.
 */
export function catalogListingJson(
  entities: EntityStore,
  compliance: ComplianceService,
  now: number,
  calendarWarnings: CalendarWarning[] = [],
  chain?: DependencyChain,
): Promise<string> {
  // reviewOverdue turns at midnight in each entity's zone; every zone offset is a multiple
  // of 15 minutes, so a 15-minute bucket never serves yesterday's flag.
  const bucket = Math.floor(now / 900_000);
  return compliance.cachedView(`catalog\u0000${bucket}`, now, async () =>
    JSON.stringify({
      ...(await buildCatalogListing(entities, compliance, now)),
      calendarWarnings,
      dependencyWarnings: chain
        ? await chain.catalogWarnings(
            await entities.listEntities(),
            await compliance.listLatestTerms(),
          )
        : [],
    }),
  );
}

/** The published service catalog: every service with an SLA and its commitments. */
export async function buildCatalogListing(
  entities: EntityStore,
  compliance: ComplianceService,
  now: number,
) {
  const items = [];
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
      agreementType: terms.agreementType ?? 'sla',
      reviewBy: terms.reviewBy,
      reviewOverdue:
        reviewState(terms.reviewBy, now, terms.timezone) === 'overdue',
      serviceHours: terms.serviceHours.spec,
      timezone: terms.timezone,
      period: terms.period,
      commitments: termsAsWrittenOf(terms),
      objectives: committedObjectives(terms),
      termsVersion: latest.version,
      problems: latest.problems,
    });
  }
  return { items };
}
