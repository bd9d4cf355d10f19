import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { slaApiRef, SlaClient } from '../api';
import { isSlaAvailable } from '../plugin';

/** @alpha */
export const slaApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: slaApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new SlaClient({ discoveryApi, fetchApi }),
    }),
});

/** The SLA card on the overview of every entity that has an SLA. @alpha */
export const slaEntityCard = EntityCardBlueprint.make({
  name: 'overview',
  params: {
    filter: isSlaAvailable,
    loader: () =>
      import('../components/EntitySlaCard').then(m => <m.EntitySlaCard />),
  },
});

/**
 * The SLA plugin for the new frontend system.
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'sla',
  extensions: [slaApi, slaEntityCard],
});
