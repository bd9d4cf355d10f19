import { screen, within } from '@testing-library/react';
import {
  entitySlaApi,
  freezeNowInTests,
  periodResult,
  slaEntity,
  termsHistory,
} from '../../__testUtils__/fixtures';
import { rejects, renderSla } from '../../__testUtils__/render';
import type { SlaApi } from '../../api';
import { EntitySlaCard, nextBreach } from './EntitySlaCard';

// material-table and recharts render slowly under jsdom when suites run in parallel.
jest.setTimeout(30_000);

describe('EntitySlaCard', () => {
  freezeNowInTests();

  const data = entitySlaApi();
  /** The card of a service with an SLA, its API answering as `data` but for `overrides`. */
  const renderCard = (overrides: Partial<SlaApi> = {}) =>
    renderSla(<EntitySlaCard />, { ...data, ...overrides }, slaEntity());

  it('asks for annotations with copy-ready YAML when the entity has no SLA, without calling the API', async () => {
    const getEntityCompliance = jest.fn();
    await renderSla(<EntitySlaCard />, { getEntityCompliance }, slaEntity({}));

    expect(screen.getByText(/Missing Annotation/i)).toBeInTheDocument();
    // The snippet is syntax-highlighted, so its text is split over many elements.
    expect(document.body.textContent).toContain(
      'servicelevel.io/response-time: P1=15m P2=30m P3=4h P4=1d',
    );
    expect(getEntityCompliance).not.toHaveBeenCalled();
  });

  it('shows each objective with a text status, availability against target and the budget left', async () => {
    await renderCard();

    const objectives = await screen.findByTestId('sla-objectives');
    expect(within(objectives).getByText('Availability')).toBeInTheDocument();
    expect(
      within(objectives).getByText('Response time · P1'),
    ).toBeInTheDocument();
    expect(
      within(objectives).getByText('Incidents · all priorities'),
    ).toBeInTheDocument();
    expect(within(objectives).getByText('Running')).toBeInTheDocument();
    expect(within(objectives).getByText('Breached')).toBeInTheDocument();
    expect(within(objectives).getByText('Met')).toBeInTheDocument();

    expect(
      screen.getByText('Availability 99.99% (target 99.95%)'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Error budget left: 17 m 36 s of 21 m 36 s'),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('progressbar', { name: /Error budget left/ }),
    ).toHaveAttribute(
      'aria-valuenow',
      String(Math.round((1_056_000 / 1_296_000) * 100)),
    );
  });

  it('shows incidents by priority, the next breach in the entity zone, and the agreement flagged overdue', async () => {
    await renderCard();

    const faults = await screen.findByTestId('sla-faults');
    expect(within(faults).getByText('P1: 1')).toBeInTheDocument();
    expect(within(faults).getByText('P3: 1')).toBeInTheDocument();
    expect(
      screen.getByText(
        'Next breach due 2026-11-20 12:30 (Asia/Shanghai) (resolution, P1 Service unavailable for all dispatchers)',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Times in Asia/Shanghai · period still open'),
    ).toBeInTheDocument();
    expect(screen.getByText('Agreement TFDL-SLA-2026-07')).toBeInTheDocument();
    expect(
      screen.getByText('Review overdue since 2026-10-31'),
    ).toBeInTheDocument();
    expect(screen.getByText('View SLA details').closest('a')).toHaveAttribute(
      'href',
      '/catalog/default/component/cad-core/sla',
    );
    expect(await screen.findByTestId('sla-trend')).toBeInTheDocument();
    expect(data.getEntityHistory).toHaveBeenCalledWith(
      { kind: 'Component', namespace: 'default', name: 'cad-core' },
      { periods: 6 },
    );
  });

  it('lists annotation problems with key and expected form, and still shows the rest', async () => {
    const withProblem = {
      ...termsHistory,
      versions: [
        {
          ...termsHistory.versions[1],
          problems: [
            {
              key: 'servicelevel.io/response-time',
              value: 'P1=15 minutes',
              expected: '<priority>=<duration>[@<percent>] …, e.g. P1=15m@95%',
              message:
                'servicelevel.io/response-time: "P1=15 minutes" — expected …',
            },
          ],
        },
      ],
    };
    await renderCard({ getEntityTerms: async () => withProblem });

    const problems = await screen.findByTestId('sla-problems');
    expect(
      within(problems).getByText('servicelevel.io/response-time'),
    ).toBeInTheDocument();
    expect(within(problems).getByText('"P1=15 minutes"')).toBeInTheDocument();
    expect(
      within(problems).getByText(/expected: <priority>=<duration>/),
    ).toBeInTheDocument();
    expect(await screen.findByTestId('sla-objectives')).toBeInTheDocument();
  });

  it('shows the error when the API fails, never an empty card', async () => {
    await renderCard({ getEntityCompliance: rejects('backend unreachable') });

    expect(
      await screen.findByText('Error: backend unreachable'),
    ).toBeInTheDocument();
    expect(screen.queryByTestId('sla-objectives')).not.toBeInTheDocument();
  });

  it('shows a history failure in the trend section while the rest of the card works', async () => {
    await renderCard({ getEntityHistory: rejects('history timed out') });

    expect(
      await screen.findByText('Error: history timed out'),
    ).toBeInTheDocument();
    expect(await screen.findByTestId('sla-objectives')).toBeInTheDocument();
  });
});

describe('nextBreach', () => {
  it('picks the earliest due time among running clocks only', () => {
    const rows = periodResult().result.incidents;
    const due = nextBreach(rows);
    expect(due?.clock).toBe('resolution');
    expect(due?.incident.id).toBe('Q1CAD-0050');
    expect(nextBreach([rows[1]])).toBeUndefined();
  });
});
