import {
  ApiBlueprint,
  createFrontendPlugin,
  createRouteRef,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
  SubPageBlueprint,
} from '@backstage/frontend-plugin-api';
import { Content } from '@backstage/core-components';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import AssessmentIcon from '@material-ui/icons/Assessment';
import { slaApiRef, SlaClient } from '../api';
import { isSlaAvailable } from '../plugin';
import { slaTranslationRef } from '../translation';

/** The `/sla` organisation page. @alpha */
export const slaRootRouteRef = createRouteRef();

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

/** The SLA tab (`<entity page>/sla`) of every entity that has an SLA. @alpha */
export const slaEntityContent = EntityContentBlueprint.make({
  name: 'entity',
  params: {
    path: 'sla',
    title: slaTranslationRef('tab.title'),
    filter: isSlaAvailable,
    loader: () =>
      import('../components/EntitySlaContent').then(m => (
        <m.EntitySlaContent />
      )),
  },
});

/** The `/sla` page; its tabs are the sub-pages below. It also yields the nav item. @alpha */
export const slaPage = PageBlueprint.make({
  params: {
    path: '/sla',
    title: slaTranslationRef('nav.title'),
    icon: <AssessmentIcon />,
    routeRef: slaRootRouteRef,
  },
});

/** @alpha */
export const slaOverviewSubPage = SubPageBlueprint.make({
  name: 'overview',
  params: {
    path: 'overview',
    title: slaTranslationRef('page.overviewTab'),
    loader: () =>
      import('../components/SlaPage').then(m => (
        <Content>
          <m.OverviewTab />
        </Content>
      )),
  },
});

/** @alpha */
export const slaCatalogSubPage = SubPageBlueprint.make({
  name: 'catalog',
  params: {
    path: 'catalog',
    title: slaTranslationRef('page.catalogTab'),
    loader: () =>
      import('../components/SlaPage').then(m => (
        <Content>
          <m.CatalogTab />
        </Content>
      )),
  },
});

/** Improvement plans board and customer reports. @alpha */
export const slaPlansSubPage = SubPageBlueprint.make({
  name: 'plans',
  params: {
    path: 'plans',
    title: slaTranslationRef('page.plansTab'),
    loader: () =>
      import('../components/SlaPage').then(m => (
        <Content>
          <m.PlansTab />
        </Content>
      )),
  },
});

/** @alpha */
export const slaSourcesSubPage = SubPageBlueprint.make({
  name: 'sources',
  params: {
    path: 'sources',
    title: slaTranslationRef('page.sourcesTab'),
    loader: () =>
      import('../components/SlaPage').then(m => (
        <Content>
          <m.SourcesTab />
        </Content>
      )),
  },
});

/**
 * The SLA plugin for the new frontend system.
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'sla',
  title: 'Service levels',
  icon: <AssessmentIcon />,
  routes: { root: slaRootRouteRef },
  extensions: [
    slaApi,
    slaEntityCard,
    slaEntityContent,
    slaPage,
    slaOverviewSubPage,
    slaCatalogSubPage,
    slaPlansSubPage,
    slaSourcesSubPage,
  ],
});
