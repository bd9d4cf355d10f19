export { SlaPage } from './SlaPage';
export { OverviewTab } from './OverviewTab';
export { CatalogTab } from './CatalogTab';
export { SourcesTab } from './SourcesTab';
export { PlansTab } from './PlansTab';
