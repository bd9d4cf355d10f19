import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import {
  entitySlaApi,
  freezeNowInTests,
  history,
  incidents,
  periodResult,
  slaEntity,
  termsHistory,
} from '../../__testUtils__/fixtures';
import { pickOption, rejects, renderSla } from '../../__testUtils__/render';
import { chartPoints, EntitySlaContent } from './EntitySlaContent';

// material-table and recharts render slowly under jsdom when suites run in parallel.
jest.setTimeout(30_000);

describe('EntitySlaContent', () => {
  freezeNowInTests();

  const api = entitySlaApi;

  it('shows objectives, incidents with service-time clocks and source links, and the terms with their versions', async () => {
    await renderSla(<EntitySlaContent />, api(), slaEntity());

    expect(
      await screen.findByText(
        /Period 2026-11 · live · so far: 1 of 3 decided objectives met \(33.33%\)/,
      ),
    ).toBeInTheDocument();
    expect(screen.getAllByText('Response time · P1').length).toBeGreaterThan(0);

    const link = screen.getByText(/Open in pagerduty: Q1CAD-0050/).closest('a');
    expect(link).toHaveAttribute(
      'href',
      'https://example.pagerduty.com/incidents/Q1CAD-0050',
    );
    expect(screen.getByText('api: desk-7')).toBeInTheDocument();
    expect(screen.getByText('18 m of 5 m')).toBeInTheDocument();
    expect(screen.getByText('9 h of 1 d')).toBeInTheDocument();
    expect(screen.getByText('2026-11-03 12:51')).toBeInTheDocument();
    expect(screen.getByText('Created (Asia/Shanghai)')).toBeInTheDocument();
    // The overnight pause, in the entity's zone.
    expect(screen.getByText('Paused (Asia/Shanghai)')).toBeInTheDocument();
    expect(
      screen.getByText('2026-11-03 18:00 – 2026-11-04 09:00'),
    ).toBeInTheDocument();

    const terms = screen.getByTestId('sla-terms');
    expect(within(terms).getByText('response-time')).toBeInTheDocument();
    expect(within(terms).getByText('P1=5m')).toBeInTheDocument();
    expect(
      await screen.findByText(
        'Version 2: changed on 2026-07-01 10:00 (Asia/Shanghai) by a catalog update',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        'Version 1: first seen on 2026-01-05 10:00 (Asia/Shanghai)',
      ),
    ).toBeInTheDocument();
    expect(await screen.findByText('Improvement plans')).toBeInTheDocument();
  });

  it('switches the period and asks the API for it', async () => {
    const a = api();
    await renderSla(<EntitySlaContent />, a, slaEntity());
    await screen.findByText(/Period 2026-11 ·/);

    await pickOption('sla-period', '2026-10');

    expect(await screen.findByText(/Period 2026-10 ·/)).toBeInTheDocument();
    expect(a.getEntityCompliance).toHaveBeenLastCalledWith(
      { kind: 'Component', namespace: 'default', name: 'cad-core' },
      { period: '2026-10' },
    );
  });

  it('switches to quarters', async () => {
    const a = api();
    await renderSla(<EntitySlaContent />, a, slaEntity());
    await screen.findByText(/Period 2026-11 ·/);

    await pickOption('sla-granularity', 'Quarter');

    expect(await screen.findByText(/Period 2026-Q4 ·/)).toBeInTheDocument();
    expect(a.getEntityCompliance).toHaveBeenLastCalledWith(expect.anything(), {
      period: '2026-Q4',
    });
  });

  it('says so when the period has no incidents', async () => {
    await renderSla(
      <EntitySlaContent />,
      {
        ...api(),
        getEntityCompliance: async () =>
          periodResult('2026-11', { incidents: [] }),
      },
      slaEntity(),
    );
    expect(
      await screen.findByText('No incidents in this period.'),
    ).toBeInTheDocument();
  });

  it('shows API errors of the period and of the history separately', async () => {
    await renderSla(
      <EntitySlaContent />,
      {
        ...api(),
        getEntityCompliance: rejects('period: "2026-13" is not a period'),
        getEntityHistory: rejects('history unavailable'),
      },
      slaEntity(),
    );
    expect(
      await screen.findByText('Error: period: "2026-13" is not a period'),
    ).toBeInTheDocument();
    expect(
      await screen.findByText('Error: history unavailable'),
    ).toBeInTheDocument();
  });

  it('says in which period a clock counts when it is not the period shown', async () => {
    // Created in October, resolved in November: its breached response counted in October.
    const carried = {
      ...incidents[1],
      id: 'desk-3',
      countedForResponse: false,
      countedIn: { response: '2026-10' },
    };
    await renderSla(
      <EntitySlaContent />,
      {
        ...api(),
        getEntityCompliance: async () =>
          periodResult('2026-11', { incidents: [carried] }),
      },
      slaEntity(),
    );
    const note = await screen.findByTestId('sla-counted-in');
    expect(note).toHaveTextContent('counted in 2026-10');
    expect(screen.getAllByTestId('sla-counted-in')).toHaveLength(1);
  });

  it("names the region and calendar an incident's clocks ran on under calendar:by-region", async () => {
    const snapshot = (calendar: string, timezone: string) => ({
      calendar,
      timezone,
      hours: { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] },
      holidays: [],
      workdays: [],
    });
    const result = periodResult('2026-11', {
      incidents: [
        { ...incidents[0], region: 'us' },
        { ...incidents[1], region: 'eu' },
      ],
    });
    result.terms = {
      ...result.terms,
      serviceHours: {
        kind: 'calendar',
        spec: 'calendar:by-region',
        calendar: 'cn-workdays',
        regions: {
          cn: snapshot('cn-workdays', 'Asia/Shanghai'),
          us: snapshot('ny-support', 'America/New_York'),
        },
      },
    };
    await renderSla(
      <EntitySlaContent />,
      { ...api(), getEntityCompliance: async () => result },
      slaEntity(),
    );
    expect(
      await screen.findByText('Region us: clocked on ny-support'),
    ).toBeInTheDocument();
    // A region sla.regions does not list runs on the service's own calendar.
    expect(
      screen.getByText('Region eu: clocked on cn-workdays'),
    ).toBeInTheDocument();
    // Each region's calendar can be downloaded, once.
    expect(
      screen.getAllByTestId('sla-calendar-ics').map(b => b.textContent),
    ).toEqual(['Calendar cn-workdays (.ics)', 'Calendar ny-support (.ics)']);
  });

  it("saves the entity's terms as OpenSLO YAML, and shows a failure beside the button", async () => {
    const asked: string[] = [];
    const created: Blob[] = [];
    const createObjectURL = jest.fn((b: Blob) => {
      created.push(b);
      return 'blob:openslo';
    });
    Object.assign(URL, { createObjectURL, revokeObjectURL: jest.fn() });
    let fail = false;
    await renderSla(
      <EntitySlaContent />,
      {
        ...api(),
        getEntityOpenSlo: async ref => {
          asked.push(`${ref.kind}:${ref.namespace}/${ref.name}`);
          if (fail) throw new Error('sla.read denied');
          return {
            fileName: 'component-default-cad-core.openslo.yaml',
            contentType: 'application/yaml',
            text: 'apiVersion: openslo/v1\n',
          };
        },
      },
      slaEntity(),
    );
    const button = await screen.findByTestId('sla-openslo');
    expect(button).toHaveTextContent('Terms as OpenSLO (.yaml)');
    fireEvent.click(button);
    await waitFor(() => expect(created).toHaveLength(1));
    expect(await created[0].text()).toBe('apiVersion: openslo/v1\n');
    fail = true;
    fireEvent.click(button);
    expect(
      await screen.findByText('Error: sla.read denied'),
    ).toBeInTheDocument();
    expect(asked).toEqual([
      'component:default/cad-core',
      'component:default/cad-core',
    ]);
  });

  it('puts the annotation problems of the terms in force at the top of the tab', async () => {
    const latest = termsHistory.versions[1];
    await renderSla(
      <EntitySlaContent />,
      {
        ...api(),
        getEntityTerms: async () => ({
          ...termsHistory,
          versions: [
            termsHistory.versions[0],
            {
              ...latest,
              problems: [
                {
                  key: 'servicelevel.io/response-time',
                  value: 'P1=15 minutes',
                  expected: 'P1=15m P2=1h …',
                  message: 'bad',
                  fallback: { value: 'P1=5m', tier: 'gold' },
                },
              ],
            },
          ],
        }),
      },
      slaEntity(),
    );
    const problems = await screen.findByTestId('sla-problems');
    expect(problems).toHaveTextContent(
      'servicelevel.io/response-time: "P1=15 minutes" — expected: P1=15m P2=1h …',
    );
    // The objective it concerns says its target came from the tier.
    const fallbacks = await screen.findAllByTestId('sla-target-fallback');
    expect(fallbacks[0]).toHaveTextContent(
      'The annotation overriding it is malformed: tier gold’s target applies',
    );
    // Response objectives only (the fixture has P1 and P3 response objectives, or fewer).
    expect(fallbacks.length).toBe(
      (await screen.findAllByText(/^Response time · P\d$/)).length,
    );
    // Above the period's objectives, not only in the version history.
    const objectives = await screen.findByText(/Period 2026-11 ·/);
    expect(
      problems.compareDocumentPosition(objectives) &
        Node.DOCUMENT_POSITION_FOLLOWING,
    ).toBeTruthy();
  });

  it('offers the service calendar as an .ics file, fetched with the user token', async () => {
    Object.assign(URL, {
      createObjectURL: jest.fn(() => 'blob:ics'),
      revokeObjectURL: jest.fn(),
    });
    const click = jest
      .spyOn(HTMLAnchorElement.prototype, 'click')
      .mockImplementation(() => {});
    const getCalendarIcs = jest.fn(async (name: string) => ({
      fileName: `${name}.ics`,
      contentType: 'text/calendar',
      text: 'BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n',
    }));
    const onCalendar = periodResult('2026-11');
    onCalendar.terms = {
      ...onCalendar.terms,
      serviceHours: {
        kind: 'calendar',
        spec: 'calendar:cn-workdays',
        calendar: 'cn-workdays',
        timezone: 'Asia/Shanghai',
      },
    };
    await renderSla(
      <EntitySlaContent />,
      {
        ...api(),
        getEntityCompliance: async () => onCalendar,
        getCalendarIcs,
      },
      slaEntity(),
    );
    fireEvent.click(await screen.findByText('Calendar cn-workdays (.ics)'));
    await waitFor(() => expect(click).toHaveBeenCalled());
    expect(getCalendarIcs).toHaveBeenCalledWith('cn-workdays');
    click.mockRestore();
  });

  it('asks for annotations on an entity without an SLA', async () => {
    const a = api();
    await renderSla(<EntitySlaContent />, a, slaEntity({}));
    expect(screen.getByText(/Missing Annotation/i)).toBeInTheDocument();
    expect(a.getEntityCompliance).not.toHaveBeenCalled();
  });
});

describe('chartPoints', () => {
  it('gives availability, target and the share of the error budget used per period', () => {
    const points = chartPoints(history);
    expect(points.map(p => p.key)).toEqual(['2026-09', '2026-10', '2026-11']);
    // 240 000 ms down of a 1 296 000 ms budget
    expect(points[0]).toEqual({
      key: '2026-09',
      availability: 99.986,
      target: 99.95,
      budgetUsed: 18.5,
    });
  });
});
