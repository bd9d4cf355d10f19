export {
  default,
  slaApi,
  slaPlansReportsApi,
  slaEntityCard,
  slaEntityContent,
  slaPage,
  slaOverviewSubPage,
  slaCatalogSubPage,
  slaPlansSubPage,
  slaSourcesSubPage,
  slaRootRouteRef,
} from './plugin';
