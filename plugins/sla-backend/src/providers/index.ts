import type { Config } from '@backstage/config';
import type { IncidentProvider } from '@servicelevel/plugin-sla-node';
import type { ProviderOptions } from './common';
import { PagerDutyProvider } from './PagerDutyProvider';
import { ServiceNowProvider } from './ServiceNowProvider';

export { ProviderSync } from './ProviderSync';
export type { ProviderRunResult } from './ProviderSync';
export { PagerDutyProvider } from './PagerDutyProvider';
export { ServiceNowProvider } from './ServiceNowProvider';

/** The built-in providers configured under `sla.providers` (root config). */
export function createBuiltInProviders(
  config: Config,
  options: ProviderOptions = {},
): IncidentProvider[] {
  return [
    PagerDutyProvider.fromConfig(config, options),
    ServiceNowProvider.fromConfig(config, options),
  ].filter((p): p is NonNullable<typeof p> => p !== undefined);
}
