import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { screen } from '@testing-library/react';
import { Route, Routes } from 'react-router-dom';
import { slaApiRef } from './api';
import { mockPlansReportsApi, mockSlaApi } from './__testUtils__/render';
import { plansReportsApiRef } from './api/PlansReportsClient';
import {
  NOW,
  history,
  periodResult,
  slaEntity,
  termsHistory,
} from './__testUtils__/fixtures';
import {
  EntitySlaCard,
  isSlaAvailable,
  rootRouteRef,
  SlaPage,
  slaPlugin,
} from './plugin';

describe('sla plugin (legacy frontend system)', () => {
  beforeEach(() => jest.spyOn(Date, 'now').mockReturnValue(NOW));
  afterEach(() => jest.restoreAllMocks());

  it('exports the plugin with its routes and API factories', () => {
    expect(slaPlugin.getId()).toBe('sla');
    expect(slaPlugin.routes.root).toBe(rootRouteRef);
    expect([...slaPlugin.getApis()].map(f => f.api.id)).toEqual([
      'plugin.sla.service',
      'plugin.sla.plans-reports',
    ]);
  });

  it('decides EntitySwitch cases by the SLA annotations', () => {
    expect(isSlaAvailable(slaEntity({}))).toBe(false);
    expect(
      isSlaAvailable(slaEntity({ 'servicelevel.io/availability': '99.9%' })),
    ).toBe(true);
  });

  it('renders the card through the legacy component extension', async () => {
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [plansReportsApiRef, mockPlansReportsApi()],
          [
            slaApiRef,
            mockSlaApi({
              getEntityCompliance: async () => periodResult(),
              getEntityHistory: async () => history,
              getEntityTerms: async () => termsHistory,
            }),
          ],
        ]}
      >
        <EntityProvider entity={slaEntity()}>
          <EntitySlaCard />
        </EntityProvider>
      </TestApiProvider>,
      { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
    );
    expect(await screen.findByText('Response time P1')).toBeInTheDocument();
  });

  it('renders the routable page with its tabs', async () => {
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [plansReportsApiRef, mockPlansReportsApi()],
          [
            slaApiRef,
            mockSlaApi({
              getCatalog: async () => ({ items: [] }),
              getOverview: () => new Promise(() => {}),
            }),
          ],
        ]}
      >
        <Routes>
          <Route path="/sla/*" element={<SlaPage />} />
        </Routes>
      </TestApiProvider>,
      {
        routeEntries: ['/sla/catalog'],
        mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      },
    );
    expect(await screen.findByText('Service levels')).toBeInTheDocument();
    expect(screen.getByText('Achievement')).toBeInTheDocument();
    expect(screen.getByText('Incident sources')).toBeInTheDocument();
    // the catalog tab is the one open
    expect(
      await screen.findByText('No service has an SLA yet.'),
    ).toBeInTheDocument();
  });
});
