import { screen } from '@testing-library/react';
import { Route, Routes } from 'react-router-dom';
import { renderSla } from './__testUtils__/render';
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
    ]);
  });

  it('decides EntitySwitch cases by the SLA annotations', () => {
    expect(isSlaAvailable(slaEntity({}))).toBe(false);
    expect(
      isSlaAvailable(slaEntity({ 'servicelevel.io/availability': '99.9%' })),
    ).toBe(true);
  });

  it('renders the card through the legacy component extension', async () => {
    await renderSla(
      <EntitySlaCard />,
      {
        getEntityCompliance: async () => periodResult(),
        getEntityHistory: async () => history,
        getEntityTerms: async () => termsHistory,
      },
      slaEntity(),
    );
    expect(await screen.findByText('Response time · P1')).toBeInTheDocument();
  });

  it('renders the routable page with its tabs', async () => {
    await renderSla(
      <Routes>
        <Route path="/sla/*" element={<SlaPage />} />
      </Routes>,
      {
        getCatalog: async () => ({ items: [] }),
        getOverview: () => new Promise(() => {}),
      },
      undefined,
      ['/sla/catalog'],
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
