export {
  default,
  slaApi,
  slaEntityCard,
  slaEntityContent,
  slaPage,
  slaOverviewSubPage,
  slaCatalogSubPage,
  slaSourcesSubPage,
  slaRootRouteRef,
} from './plugin';
