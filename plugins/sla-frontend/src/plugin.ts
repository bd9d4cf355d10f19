import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRouteRef,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { hasSlaAnnotations } from '@servicelevel/plugin-sla-common';
import { slaApiRef, SlaClient } from './api';

/** @public */
export const rootRouteRef = createRouteRef({ id: 'sla' });

/**
 * The SLA plugin for the legacy frontend system. The new frontend system uses
 * `@servicelevel/plugin-sla-frontend/alpha`.
 * @public
 */
export const slaPlugin = createPlugin({
  id: 'sla',
  routes: { root: rootRouteRef },
  apis: [
    createApiFactory({
      api: slaApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new SlaClient({ discoveryApi, fetchApi }),
    }),
  ],
});

/**
 * The SLA card for an entity's overview page.
 * @public
 */
export const EntitySlaCard = slaPlugin.provide(
  createComponentExtension({
    name: 'EntitySlaCard',
    component: {
      lazy: () =>
        import('./components/EntitySlaCard').then(m => m.EntitySlaCard),
    },
  }),
);

/**
 * For `<EntitySwitch.Case if={isSlaAvailable}>`: the entity carries SLA annotations.
 * @public
 */
export const isSlaAvailable = (entity: Entity): boolean =>
  hasSlaAnnotations(entity.metadata.annotations);
