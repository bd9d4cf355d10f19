import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import {
  catalog,
  NOW,
  overview,
  overviewYear,
  sources,
  supplierOverview,
} from '../../__testUtils__/fixtures';
import {
  bodyRowTexts,
  expectTextsShown,
  pickOption,
  rejects,
  renderSla,
} from '../../__testUtils__/render';
import { CatalogTab } from './CatalogTab';
import { OverviewTab } from './OverviewTab';
import { PlansTab } from './PlansTab';
import { previousKey, startedSubPeriods } from './periods';
import { isFailing, SourcesTab } from './SourcesTab';
import {
  groupKeyOf,
  reviewState,
  serviceMatchesText,
} from '@servicelevel/plugin-sla-common';
import type {
  CatalogListing,
  CatalogQuery,
  Overview,
  OverviewQuery,
} from '../../api';

// material-table renders slowly under jsdom.
jest.setTimeout(30_000);

beforeEach(() => {
  jest.spyOn(Date, 'now').mockReturnValue(NOW);
});
afterEach(() => jest.restoreAllMocks());

/**
 * GET /overview's page as the backend serves it (openapi.yaml): the services of the group,
 * from `offset`, at most `limit`, ordered by ref, with `page`; the rest of the body whole.
 */
function pageOf(body: Overview, o: OverviewQuery): Overview {
  const members = o.group
    ? new Set(body.groups.find(g => g.key === o.group)?.services ?? [])
    : undefined;
  const picked = (r: { entityRef: string }) =>
    !members || members.has(r.entityRef);
  const offset = o.offset ?? 0;
  const end = o.limit === undefined ? undefined : offset + o.limit;
  const services = body.services.filter(picked);
  return {
    ...body,
    services: services.slice(offset, end),
    heatmap: {
      ...body.heatmap,
      rows: body.heatmap.rows.filter(picked).slice(offset, end),
    },
    page: { offset, limit: o.limit, total: services.length },
  };
}

/**
 * GET /catalog as the backend serves it (openapi.yaml): the whole listing, or with a query one
 * page of the services in the group that match the text and, with `review`, are due.
 */
function catalogPageOf(
  body: CatalogListing,
  q: CatalogQuery = {},
): CatalogListing {
  if (Object.keys(q).length === 0) return body;
  const offset = q.offset ?? 0;
  const matching = [...body.items]
    .sort((a, b) => a.entityRef.localeCompare(b.entityRef))
    .filter(
      i =>
        (q.group === undefined ||
          groupKeyOf(i, q.groupBy ?? 'owner') === q.group) &&
        serviceMatchesText(i, q.q ?? '') &&
        (q.review === undefined ||
          ['overdue', 'due-soon'].includes(
            reviewState(i.reviewBy, NOW, i.timezone),
          )),
    );
  return {
    ...body,
    items: matching.slice(
      offset,
      q.limit === undefined ? undefined : offset + q.limit,
    ),
    page: { offset, limit: q.limit, total: matching.length },
  };
}

describe('OverviewTab', () => {
  const getOverview = jest.fn(async (o: OverviewQuery = {}) =>
    pageOf(o.period === '2026' ? overviewYear : overview, o),
  );
  beforeEach(() => getOverview.mockClear());
  const getCatalog = jest.fn(async (q?: CatalogQuery) =>
    catalogPageOf(catalog, q),
  );
  beforeEach(() => getCatalog.mockClear());

  it('lists the reviews due in the view ten at a time, as the catalog API pages them', async () => {
    // 13 agreements overdue since 2020 and one not due; all of dispatch-platform.
    const many: CatalogListing = {
      ...catalog,
      items: [
        ...Array.from({ length: 13 }, (_, i) => ({
          ...catalog.items[0],
          entityRef: `component:default/due-${String(i).padStart(2, '0')}`,
          agreement: `SLA-${i}`,
        })),
        { ...catalog.items[0], reviewBy: undefined },
      ],
    };
    const pagedCatalog = jest.fn(async (q?: CatalogQuery) =>
      catalogPageOf(many, q),
    );
    await renderSla(<OverviewTab />, {
      getOverview,
      getCatalog: pagedCatalog,
    });
    const pages = await screen.findByTestId('sla-reviews-pages');
    expect(pagedCatalog).toHaveBeenLastCalledWith({
      review: 'due',
      limit: 10,
      offset: 0,
    });
    expect(pages).toHaveTextContent('1–10 of 13 services');
    expect(screen.getAllByText(/Review overdue since 2020-01-06/)).toHaveLength(
      10,
    );
    fireEvent.click(within(pages).getByTitle('Next page'));
    expect(
      await within(pages).findByText('11–13 of 13 services'),
    ).toBeInTheDocument();
    expect(pagedCatalog).toHaveBeenLastCalledWith({
      review: 'due',
      limit: 10,
      offset: 10,
    });
    expect(screen.getByText(/due-12/)).toBeInTheDocument();

    // A group asks for that group's reviews, from the first page again.
    await pickOption('sla-sub', '2026-10');
    await screen.findByText('By Owner');
    fireEvent.click(screen.getAllByTestId('sla-drill')[0]);
    await screen.findByText('Services of group:default/dispatch-platform');
    await waitFor(() =>
      expect(pagedCatalog).toHaveBeenLastCalledWith({
        review: 'due',
        groupBy: 'owner',
        group: 'group:default/dispatch-platform',
        limit: 10,
        offset: 0,
      }),
    );
  });

  it('shows the rate as a big number with its trend, the breakdown, and drills from a group to its services', async () => {
    await renderSla(<OverviewTab />, {
      getOverview,
      getCatalog,
    });

    // pick October 2026, a closed month
    await pickOption('sla-sub', '2026-10');

    expect(await screen.findByTestId('sla-rate')).toHaveTextContent('70%');
    expect(screen.getByText('7 of 10 objectives met')).toBeInTheDocument();
    // Credits owed, summed by the API per currency, closed and provisional apart.
    expect(screen.getByTestId('sla-credits-owed')).toHaveTextContent(
      'Service credits owed for closed periods: 7,200.00 CNY · services owing: 1' +
        'Provisional, for periods still open: 3,000.00 CNY · services: 1',
    );
    // The change in points is the API's; the page only shows it.
    expect(
      await screen.findByText(/▲ \+20 points vs 2026-09/),
    ).toBeInTheDocument();
    // The quarterly service's fourth quarter is still open: only decided objectives count.
    expect(
      screen.getByText(
        'This period is still open: only objectives already decided are counted so far.',
      ),
    ).toBeInTheDocument();
    // One request for the view's figures and the first page of its services.
    expect(getOverview.mock.calls.map(c => c[0])).toEqual([
      { period: '2026', groupBy: 'owner', limit: 50, offset: 0 },
      { period: '2026-10', groupBy: 'owner', limit: 50, offset: 0 },
    ]);

    expect(screen.getByText('By Owner')).toBeInTheDocument();
    const drill = screen.getAllByTestId('sla-drill');
    expect(drill[0]).toHaveTextContent('2 services');
    fireEvent.click(drill[0]);

    expect(
      await screen.findByText('Services of group:default/dispatch-platform'),
    ).toBeInTheDocument();
    // The server lists the group's services (a page of them).
    expect(getOverview).toHaveBeenLastCalledWith({
      period: '2026-10',
      groupBy: 'owner',
      group: 'group:default/dispatch-platform',
      limit: 50,
      offset: 0,
    });
    const table =
      screen
        .getByText('Services of group:default/dispatch-platform')
        .closest('table') ?? document.body;
    expect(
      within(table as HTMLElement).getAllByText('call-intake').length,
    ).toBeGreaterThan(0);
    expect(
      within(table as HTMLElement).queryByText('citizen-portal'),
    ).not.toBeInTheDocument();
  });

  it("shows the year to date and one heatmap cell per period of each service's own kind, from one request", async () => {
    await renderSla(<OverviewTab />, {
      getOverview,
      getCatalog,
    });
    const heat = await screen.findByTestId('sla-heatmap');
    expect(getOverview).toHaveBeenCalledTimes(1);
    expect(getOverview).toHaveBeenCalledWith({
      period: '2026',
      groupBy: 'owner',
      limit: 50,
      offset: 0,
    });
    // January … November 2026, then the year
    expect(within(heat).getAllByRole('columnheader')).toHaveLength(13);

    // A monthly service: ten closed months and the open one.
    const cad = heat.querySelector(
      'tr[data-entity="component:default/cad-core"]',
    ) as HTMLElement;
    expect(within(cad).getAllByText('33.33%')).toHaveLength(11);
    expect(within(cad).getAllByText('33.33%*')).toHaveLength(1);

    // The quarterly service: one cell per quarter spanning its months, and its year.
    const portal = heat.querySelector(
      'tr[data-entity="component:default/citizen-portal"]',
    ) as HTMLElement;
    const q1 = portal.querySelector('td[data-period="2026-Q1"]')!;
    expect(q1).toHaveTextContent('80%');
    expect(q1).toHaveAttribute('colspan', '3');
    expect(q1).toHaveAttribute('title', '2026-Q1: 4 of 5 objectives met');
    expect(portal.querySelector('td[data-period="2026-Q4"]')).toHaveTextContent(
      '100%*',
    );
    expect(portal.querySelector('td[data-period="2026"]')).toHaveTextContent(
      '88.24%',
    );

    // The year's figure is the API's year to date.
    expect(screen.getByTestId('sla-rate')).toHaveTextContent('70%');
    expect(screen.getByText('70 of 100 objectives met')).toBeInTheDocument();
    expect(screen.getByTestId('sla-year-to-date')).toHaveTextContent(
      "Year to date: each service's closed periods (of its own length) and the open one so far",
    );
    expect(
      await screen.findByText(/Review overdue since 2020-01-06/),
    ).toBeInTheDocument();
  });

  it('groups by supplier: each contract, its achievement and the services breached during its outages, as the API gives them', async () => {
    const getSupplierOverview = jest.fn(async () => supplierOverview);
    await renderSla(<OverviewTab />, {
      getOverview,
      getSupplierOverview,
      getCatalog,
    });
    await pickOption('sla-sub', '2026-10');
    await pickOption('sla-groupby', 'Supplier');

    expect(
      await screen.findByText('Underpinning contracts by supplier'),
    ).toBeInTheDocument();
    expect(getSupplierOverview).toHaveBeenCalledWith({ period: '2026-10' });
    // The figures above stay the organisation's (the overview grouped by owner).
    expect(getOverview).toHaveBeenLastCalledWith({
      period: '2026-10',
      groupBy: 'owner',
      limit: 50,
      offset: 0,
    });
    expect(screen.queryByText('By Owner')).not.toBeInTheDocument();
    const table = screen
      .getByText('Underpinning contracts by supplier')
      .closest('[class*="MuiPaper"]') as HTMLElement;
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows).toHaveLength(1);
    expect(
      within(rows[0])
        .getAllByRole('cell')
        .map(c => c.textContent),
    ).toEqual([
      'smsco',
      'sms-gateway',
      '0%',
      '0 of 1 objectives met',
      '99.84% / 99.9% Breached',
      'Notification service: 1 h 10 m of 1 h 10 m of downtime during its outages (Availability)',
    ]);
  });

  it('says when no entity is an underpinning contract', async () => {
    await renderSla(<OverviewTab />, {
      getOverview,
      getSupplierOverview: async () => ({ depth: 2, suppliers: [] }),
      getCatalog,
    });
    await pickOption('sla-groupby', 'Supplier');
    expect(
      await screen.findByText(
        'No entity has the agreement type uc (servicelevel.io/agreement-type: uc).',
      ),
    ).toBeInTheDocument();
  });

  it('pages the services of the heatmap through the API, and asks for the text typed in the filter', async () => {
    // An organisation of 120 services, as the API pages it.
    const many: Overview = {
      ...overviewYear,
      total: { ...overviewYear.total, services: 120 },
      services: Array.from({ length: 120 }, (_, i) => ({
        ...overviewYear.services[0],
        entityRef: `component:default/svc-${String(i).padStart(3, '0')}`,
      })),
      heatmap: {
        ...overviewYear.heatmap,
        rows: Array.from({ length: 120 }, (_, i) => ({
          ...overviewYear.heatmap.rows[0],
          entityRef: `component:default/svc-${String(i).padStart(3, '0')}`,
        })),
      },
    };
    const paged = jest.fn(async (o: OverviewQuery = {}) => pageOf(many, o));
    await renderSla(<OverviewTab />, {
      getOverview: paged,
      getCatalog,
    });
    const heat = await screen.findByTestId('sla-heatmap');
    expect(heat.querySelectorAll('tbody tr')).toHaveLength(50);
    const pages = screen.getByTestId('sla-services-pages');
    expect(pages).toHaveTextContent('1–50 of 120 services');
    fireEvent.click(within(pages).getByTitle('Next page'));
    expect(
      await within(pages).findByText('51–100 of 120 services'),
    ).toBeInTheDocument();
    expect(paged).toHaveBeenLastCalledWith({
      period: '2026',
      groupBy: 'owner',
      limit: 50,
      offset: 50,
    });
    expect(
      screen.getByTestId('sla-heatmap').querySelector('tbody tr'),
    ).toHaveAttribute('data-entity', 'component:default/svc-050');

    // Typing asks the server for the matching services, from the first page again.
    fireEvent.change(screen.getByLabelText('Filter services'), {
      target: { value: ' svc-11 ' },
    });
    await waitFor(() =>
      expect(paged).toHaveBeenLastCalledWith({
        period: '2026',
        groupBy: 'owner',
        q: 'svc-11',
        limit: 50,
        offset: 0,
      }),
    );

    // The CSV holds every service the view shows, not only the page on screen.
    const files: Blob[] = [];
    jest.spyOn(URL, 'createObjectURL').mockImplementation(b => {
      files.push(b as Blob);
      return 'blob:overview';
    });
    jest.spyOn(URL, 'revokeObjectURL').mockImplementation(() => {});
    // jsdom does not download.
    jest
      .spyOn(HTMLAnchorElement.prototype, 'click')
      .mockImplementation(() => {});
    fireEvent.click(screen.getByText('Export CSV'));
    await waitFor(() => expect(files).toHaveLength(1));
    expect(paged).toHaveBeenLastCalledWith({
      period: '2026',
      groupBy: 'owner',
      q: 'svc-11',
    });
    const csv = await files[0].text();
    expect(csv).toContain('component:default/svc-000');
    expect(csv).toContain('component:default/svc-119');
  });

  it('lists the worst services with their availability', async () => {
    await renderSla(<OverviewTab />, {
      getOverview,
      getCatalog,
    });
    // material-table puts its title outside the <table>: look in its paper.
    const worst = (await screen.findByText('Worst services')).closest(
      '.MuiPaper-root',
    ) as HTMLElement;
    expect(within(worst).getByText('99.9%')).toBeInTheDocument();
    expect(within(worst).getByText('99.5%')).toBeInTheDocument();
    expect(within(worst).queryByText('call-intake')).not.toBeInTheDocument();
  });

  it('says when no service has an SLA', async () => {
    const empty: Overview = {
      groupBy: 'owner',
      total: { met: 0, committed: 0, services: 0 },
      groups: [],
      worst: [],
      services: [],
      yearToDate: {
        year: '2026',
        total: { met: 0, committed: 0, services: 0 },
        groups: [],
        months: [],
      },
      heatmap: { year: '2026', months: [], rows: [] },
    };
    await renderSla(<OverviewTab />, {
      getOverview: async () => empty,
      getCatalog: async () => ({ items: [] }),
    });
    expect(
      await screen.findByText('No service has an SLA yet.'),
    ).toBeInTheDocument();
  });

  it('shows the API error', async () => {
    await renderSla(<OverviewTab />, {
      getOverview: rejects(
        'groupBy: "team" — expected one of owner, system, domain',
      ),
      getCatalog,
    });
    expect(
      (await screen.findAllByText(/expected one of owner, system, domain/))
        .length,
    ).toBeGreaterThan(0);
  });
});

describe('CatalogTab', () => {
  it('lists every service with tier, customer, hours and commitments, and searches them', async () => {
    await renderSla(<CatalogTab />, { getCatalog: async () => catalog });
    // Objectives by name with targets as people write them, not annotation text.
    expect(await screen.findByText('Availability: 99.95%')).toBeInTheDocument();
    expectTextsShown([
      'Response time · P1: 5 m for every incident',
      'Response time · P2: 15 m for 95% of incidents',
      '24x7 (Asia/Shanghai)',
      'Review overdue since 2020-01-06',
      'gis-routing',
    ]);
    // The agreement's type beside its id: a customer SLA.
    expect(screen.getByText('SLA')).toBeInTheDocument();

    fireEvent.change(screen.getByLabelText('Search'), {
      target: { value: 'silver' },
    });
    expect(screen.queryByText('cad-core')).not.toBeInTheDocument();
    expect(screen.getByText('gis-routing')).toBeInTheDocument();
    expect(screen.getByText('1 / 2')).toBeInTheDocument();
  });

  it('warns about holiday calendars whose source does not cover a year in use', async () => {
    await renderSla(<CatalogTab />, { getCatalog: async () => catalog });
    const warning = await screen.findByTestId('sla-calendar-warnings');
    expect(warning).toHaveTextContent(
      'Calendar cn-workdays: its holiday source has no data for 2027',
    );
  });
});

describe('CatalogTab chain warnings', () => {
  it("lists each service's consistency warnings in the user's words, and only for the services shown", async () => {
    await renderSla(<CatalogTab />, { getCatalog: async () => catalog });
    const warning = await screen.findByTestId('sla-catalog-chain-warnings');
    expect(warning).toHaveTextContent(
      'Targets the dependencies cannot support (warnings, not errors)',
    );
    expect(warning).toHaveTextContent(
      'cad-core: You promise 99.95%, but you depend on db-cluster at 99.9%.',
    );
    expect(warning).toHaveTextContent(
      'gis-routing: Resolution of P1 within 2 h, but sms-gateway resolves P1 within 4 h.',
    );

    fireEvent.change(screen.getByLabelText('Search'), {
      target: { value: 'silver' },
    });
    expect(
      screen.getByTestId('sla-catalog-chain-warnings'),
    ).not.toHaveTextContent('cad-core');
  });
});

describe('SourcesTab', () => {
  /** The body rows of the table `testId` of the Sources tab over `sources`. */
  async function sourcesTableRows(testId: string) {
    await renderSla(<SourcesTab />, { getSources: async () => sources });
    return bodyRowTexts(await screen.findByTestId(testId));
  }

  it('lists every source with stored incidents, pushed ones included', async () => {
    // Times in the browser's zone, which is UTC under jest.
    expect(await sourcesTableRows('sla-stored-sources')).toEqual([
      'csv402026-10-30 08:002026-11-02 01:00Pushed or imported (no sync)',
      'pagerduty3122026-11-19 23:102026-11-20 01:55OK',
      'servicenow72026-11-18 03:002026-11-19 01:55Failing',
    ]);
  });

  it('lists stored incidents even when no provider has synced', async () => {
    await renderSla(<SourcesTab />, {
      getSources: async () => ({ sources: [], stored: sources.stored }),
    });
    expect(await screen.findByText('csv')).toBeInTheDocument();
    expect(
      screen.queryByText(/No incident source has synced yet/),
    ).toBeInTheDocument();
  });

  it('shows last sync, lag, errors and health per source', async () => {
    // NOW is 2026-11-20T02:00Z; pagerduty succeeded 5 minutes earlier.
    expect(await sourcesTableRows('sla-sync-accounts')).toEqual([
      'pagerdutydefaultOK2026-11-20 01:552026-11-20 01:555 m12—',
      // The open gap and the past one, re-read (SPEC §9).
      'servicenowprodFailing2026-11-20 01:552026-11-19 01:551 d 5 m0401 Unauthorized from https://example.service-now.comNot synced since 2026-11-19 01:552026-11-10 08:00 – 2026-11-10 09:30, re-read',
    ]);
  });

  it('treats a sync newer than the last success as failing', () => {
    expect(
      isFailing({
        provider: 'x',
        account: 'a',
        lastSyncAt: 2,
        lastSuccessAt: 1,
      }),
    ).toBe(true);
    expect(
      isFailing({
        provider: 'x',
        account: 'a',
        lastSyncAt: 2,
        lastSuccessAt: 2,
      }),
    ).toBe(false);
  });
});

// The tabs that read one API method: what each shows with nothing to list, and on an error.
describe.each([
  {
    tab: <CatalogTab />,
    method: 'getCatalog',
    nothing: { items: [] },
    says: 'No service has an SLA yet.',
  },
  {
    tab: <SourcesTab />,
    method: 'getSources',
    nothing: { sources: [], stored: [] },
    says: /No incident source has synced yet/,
  },
] as const)('$method in its tab', ({ tab, method, nothing, says }) => {
  it('says when there is nothing to list', async () => {
    await renderSla(tab, { [method]: async () => nothing });
    expect(await screen.findByText(says)).toBeInTheDocument();
  });

  it('shows the API error', async () => {
    await renderSla(tab, { [method]: rejects('forbidden') });
    expect(await screen.findByText('Error: forbidden')).toBeInTheDocument();
  });
});

describe('periods', () => {
  it('steps back across year boundaries', () => {
    expect(previousKey('2026-01')).toBe('2025-12');
    expect(previousKey('2026-Q1')).toBe('2025-Q4');
    expect(previousKey('2026')).toBe('2025');
  });
  it('offers only started sub-periods', () => {
    expect(startedSubPeriods(2026, { year: 2026, month: 4 })).toEqual([
      'year',
      'Q1',
      'Q2',
      '01',
      '02',
      '03',
      '04',
    ]);
  });
});

describe('PlansTab', () => {
  it('shows the reports of each customer GET /customers lists, without reading the catalog', async () => {
    const listCustomers = jest.fn(async () => ({
      customers: [
        { customer: 'group:default/city-dispatch', services: 3 },
        { customer: 'group:default/state-grid', services: 1 },
      ],
    }));
    await renderSla(<PlansTab />, { listCustomers });
    expect(await screen.findAllByText(/^Service reports for/)).toHaveLength(2);
    expect(screen.getByText('city-dispatch')).toBeInTheDocument();
    expect(screen.getByText('state-grid')).toBeInTheDocument();
    expect(listCustomers).toHaveBeenCalledTimes(1);
  });
});
