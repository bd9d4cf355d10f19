import {
  Overview,
  OverviewGroup,
  OverviewGroupBy,
  ServiceSummary,
} from '../../api/types';

const FIELD = {
  owner: 'ownerRef',
  system: 'systemRef',
  domain: 'domainRef',
} as const;

const rate = (met: number, committed: number) =>
  committed > 0 ? (met / committed) * 100 : undefined;

/**
 * A year still running, as the sum over its closed months (SPEC §5.7: a sum over sums over
 * any set of periods). The backend's result for the open year itself counts objectives that
 * are still running as committed but not met, which reads as 0 % until December.
 * Availability is left out: it cannot be summed from monthly percentages.
 */
export function yearToDate(
  months: Overview[],
  groupBy: OverviewGroupBy,
  label: string,
): Overview {
  const byRef = new Map<string, ServiceSummary>();
  const breachedMonths = new Map<string, number>();
  for (const month of months) {
    for (const s of month.services) {
      const acc = byRef.get(s.entityRef) ?? {
        ...s,
        period: label,
        met: 0,
        committed: 0,
        breached: [],
        atRisk: [],
        availability: undefined,
        provisional: false,
      };
      acc.met += s.met;
      acc.committed += s.committed;
      acc.breached = [...new Set([...acc.breached, ...s.breached])];
      byRef.set(s.entityRef, acc);
      breachedMonths.set(
        s.entityRef,
        (breachedMonths.get(s.entityRef) ?? 0) + s.breached.length,
      );
    }
  }
  const services = [...byRef.values()].map(s => ({
    ...s,
    rate: rate(s.met, s.committed),
  }));

  const groups = new Map<string, ServiceSummary[]>();
  for (const s of services) {
    const key = s[FIELD[groupBy]] ?? '(none)';
    groups.set(key, [...(groups.get(key) ?? []), s]);
  }
  const sum = (list: ServiceSummary[], f: 'met' | 'committed') =>
    list.reduce((n, s) => n + s[f], 0);

  const groupRows: OverviewGroup[] = [...groups.entries()]
    .map(([key, members]) => ({
      key,
      met: sum(members, 'met'),
      committed: sum(members, 'committed'),
      rate: rate(sum(members, 'met'), sum(members, 'committed')),
      services: members.map(m => m.entityRef).sort(),
      breached: members.reduce(
        (n, m) => n + (breachedMonths.get(m.entityRef) ?? 0),
        0,
      ),
    }))
    .sort((a, b) => a.key.localeCompare(b.key));

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
    total: {
      met: sum(services, 'met'),
      committed: sum(services, 'committed'),
      rate: rate(sum(services, 'met'), sum(services, 'committed')),
      services: services.length,
    },
    groups: groupRows,
    worst,
    services,
  };
}
