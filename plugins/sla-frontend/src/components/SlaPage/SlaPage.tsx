import { Header, Page, TabbedLayout } from '@backstage/core-components';
import { useTranslationRef } from '@backstage/frontend-plugin-api';
import { slaTranslationRef } from '../../translation';
import { CatalogTab } from './CatalogTab';
import { OverviewTab } from './OverviewTab';
import { PlansTab } from './PlansTab';
import { SourcesTab } from './SourcesTab';

const TABS = [
  { path: '/', title: 'page.overviewTab', Tab: OverviewTab },
  { path: '/catalog', title: 'page.catalogTab', Tab: CatalogTab },
  { path: '/plans', title: 'page.plansTab', Tab: PlansTab },
  { path: '/sources', title: 'page.sourcesTab', Tab: SourcesTab },
] as const;

/**
 * The `/sla` page for the legacy frontend system: achievement, service catalog and sources
 * as tabs. The new frontend system builds the same tabs as sub-pages (see alpha/plugin.tsx).
 */
export const SlaPage = () => {
  const { t } = useTranslationRef(slaTranslationRef);
  return (
    <Page themeId="tool">
      <Header title={t('page.title')} />
      <TabbedLayout>
        {TABS.map(({ path, title, Tab }) => (
          <TabbedLayout.Route key={path} path={path} title={t(title)}>
            <Tab />
          </TabbedLayout.Route>
        ))}
      </TabbedLayout>
    </Page>
  );
};
