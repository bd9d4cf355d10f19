import type { Incident } from '@servicelevel/plugin-sla-common';

/**
 * The reference for which incidents a period [from, to) needs, as the period filter read
 * before `relevant_until` existed: created before `to` and still open, or resolved,
 * acknowledged or with an outage running at or after `from`. The stores and
 * ComplianceService now use `relevantUntil`; tests check it against this.
 */
export function referenceRelevantTo(
  i: Incident,
  from: number,
  to: number,
): boolean {
  return (
    i.createdAt < to &&
    (i.resolvedAt === undefined ||
      i.resolvedAt >= from ||
      (i.acknowledgedAt !== undefined && i.acknowledgedAt >= from) ||
      (i.outage !== undefined &&
        (i.outage.end === undefined || i.outage.end >= from)))
  );
}
