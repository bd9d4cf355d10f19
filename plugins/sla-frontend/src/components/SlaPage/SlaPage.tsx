import { Header, Page, TabbedLayout } from '@backstage/core-components';
import { useTranslationRef } from '@backstage/frontend-plugin-api';
import { slaTranslationRef } from '../../translation';
import { CatalogTab } from './CatalogTab';
import { OverviewTab } from './OverviewTab';
import { PlansTab } from './PlansTab';
import { SourcesTab } from './SourcesTab';

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
        <TabbedLayout.Route path="/" title={t('page.overviewTab')}>
          <OverviewTab />
        </TabbedLayout.Route>
        <TabbedLayout.Route path="/catalog" title={t('page.catalogTab')}>
          <CatalogTab />
        </TabbedLayout.Route>
        <TabbedLayout.Route path="/plans" title={t('page.plansTab')}>
          <PlansTab />
        </TabbedLayout.Route>
        <TabbedLayout.Route path="/sources" title={t('page.sourcesTab')}>
          <SourcesTab />
        </TabbedLayout.Route>
      </TabbedLayout>
    </Page>
  );
};
