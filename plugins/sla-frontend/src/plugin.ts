import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  createRouteRef,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { hasSlaAnnotations } from '@servicelevel/plugin-sla-common';
import { slaApiRef, SlaClient } from './api';

/** The `/sla` organisation page. @public */
export const rootRouteRef = createRouteRef({ id: 'sla' });

/** The SLA tab of an entity page. @public */
export const entityContentRouteRef = createRouteRef({
  id: 'sla:entity-content',
});

/**
 * The SLA plugin for the legacy frontend system. The new frontend system uses
 * `@servicelevel/plugin-sla-frontend/alpha`.
 * @public
 */
export const slaPlugin = createPlugin({
  id: 'sla',
  routes: { root: rootRouteRef, entityContent: entityContentRouteRef },
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
 * The SLA tab of an entity page: `<EntityLayout.Route path="/sla" title="SLA">`.
 * The card links to `<entity page>/sla`.
 * @public
 */
export const EntitySlaContent = slaPlugin.provide(
  createRoutableExtension({
    name: 'EntitySlaContent',
    component: () =>
      import('./components/EntitySlaContent').then(m => m.EntitySlaContent),
    mountPoint: entityContentRouteRef,
  }),
);

/**
 * The organisation page: achievement, service catalog and incident sources.
 * @public
 */
export const SlaPage = slaPlugin.provide(
  createRoutableExtension({
    name: 'SlaPage',
    component: () => import('./components/SlaPage').then(m => m.SlaPage),
    mountPoint: rootRouteRef,
  }),
);

/**
 * For `<EntitySwitch.Case if={isSlaAvailable}>`: the entity carries SLA annotations.
 * @public
 */
export const isSlaAvailable = (entity: Entity): boolean =>
  hasSlaAnnotations(entity.metadata.annotations);
