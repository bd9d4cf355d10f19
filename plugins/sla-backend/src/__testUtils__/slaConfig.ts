/**
 * Test and benchmark fixtures shared by the backend's suites: the example `sla` config block
 * of docs/configuration.md (the `cn-workdays` calendar and the `gold` tier), a seeded random
 * source and the benchmarks' objectives, all sla-common's so that the engine's and the
 * backend's suites test one configuration; and the backend's own variants of them. Never
 * imported by src/ code outside tests.
 */
import { CN_WORKDAYS } from '@servicelevel/plugin-sla-common/testUtils';

export {
  BENCH_OBJECTIVES,
  CN_WORKDAYS,
  CN_WORKDAYS_2026,
  EXAMPLE_SLA_CONFIG,
  GOLD_TIER,
  seededRandom,
} from '@servicelevel/plugin-sla-common/testUtils';

/**
 * Annotations of four services unlike in every way the bulk paths care about: 24x7 UTC; the
 * split shift with holidays (`cn-workdays`, Asia/Shanghai); office hours in a DST zone; the
 * `gold` tier, quarterly, in another DST zone. The first three carry `objectives`.
 */
export function annotationVariants(
  objectives: Record<string, string>,
): Array<Record<string, string>> {
  return [
    { ...objectives, 'servicelevel.io/service-hours': '24x7' },
    { ...objectives, 'servicelevel.io/service-hours': 'calendar:cn-workdays' },
    {
      ...objectives,
      'servicelevel.io/service-hours': 'Mon-Fri 08:00-20:00',
      'servicelevel.io/timezone': 'America/New_York',
    },
    {
      'servicelevel.io/tier': 'gold',
      'servicelevel.io/timezone': 'Europe/Berlin',
      'servicelevel.io/period': 'quarterly',
    },
  ];
}

/** `cn-workdays` taking its holidays and make-up days from the official schedule (`cn-official`). */
export const CN_OFFICIAL_WORKDAYS = {
  timezone: CN_WORKDAYS.timezone,
  hours: CN_WORKDAYS.hours,
  holidaySource: { kind: 'cn-official' },
};
