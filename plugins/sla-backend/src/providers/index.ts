import type { Config } from '@backstage/config';
import type { IncidentProvider } from '@servicelevel/plugin-sla-node';
import type { ProviderOptions } from './common';
import { JiraServiceManagementProvider } from './JiraServiceManagementProvider';
// Opsgenie's APIs end in April 2027: this import and its line below retire with it.
import { OpsgenieProvider } from './OpsgenieProvider';
import { PagerDutyProvider } from './PagerDutyProvider';
import { PrometheusProvider } from './PrometheusProvider';
import { ServiceNowProvider } from './ServiceNowProvider';

export { ProviderSync } from './ProviderSync';
export type { ProviderRunResult } from './ProviderSync';
export { PagerDutyProvider } from './PagerDutyProvider';
export { ServiceNowProvider } from './ServiceNowProvider';
export { JiraServiceManagementProvider } from './JiraServiceManagementProvider';
export { OpsgenieProvider } from './OpsgenieProvider';
export { PrometheusProvider } from './PrometheusProvider';

/** The built-in providers configured under `sla.providers` (root config). */
export function createBuiltInProviders(
  config: Config,
  options: ProviderOptions = {},
): IncidentProvider[] {
  return [
    PagerDutyProvider.fromConfig(config, options),
    ServiceNowProvider.fromConfig(config, options),
    JiraServiceManagementProvider.fromConfig(config, options),
    OpsgenieProvider.fromConfig(config, options),
    PrometheusProvider.fromConfig(config, options),
  ].filter((p): p is NonNullable<typeof p> => p !== undefined);
}
