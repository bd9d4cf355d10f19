import { createExtensionPoint } from '@backstage/backend-plugin-api';
import type { IncidentProvider } from './IncidentProvider';

/**
 * Lets backend modules add incident providers to the SLA backend.
 * @public
 */
export interface SlaIncidentProvidersExtensionPoint {
  /** Adds a provider. Its `id` must differ from every other provider's, built-ins included. */
  addProvider(provider: IncidentProvider): void;
}

/**
 * Extension point `sla.incident-providers`.
 *
 * @example
 * ```ts
 * createBackendModule({
 *   pluginId: 'sla',
 *   moduleId: 'my-tool',
 *   register(env) {
 *     env.registerInit({
 *       deps: { providers: slaIncidentProvidersExtensionPoint },
 *       async init({ providers }) { providers.addProvider(new MyToolProvider()); },
 *     });
 *   },
 * });
 * ```
 * @public
 */
export const slaIncidentProvidersExtensionPoint =
  createExtensionPoint<SlaIncidentProvidersExtensionPoint>({
    id: 'sla.incident-providers',
  });
