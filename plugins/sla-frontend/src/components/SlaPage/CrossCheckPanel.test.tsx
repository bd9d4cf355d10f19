import { screen } from '@testing-library/react';
import {
  bodyRowTexts,
  pickOption,
  rejects,
  renderSla,
} from '../../__testUtils__/render';
import type { CrossCheck } from '../../api';
import { CrossCheckPanel } from './CrossCheckPanel';

const H = 3_600_000;

/** Two disagreements as the backend names them (figures are the backend's). */
const view: CrossCheck = {
  source: 'servicenow',
  period: '2026-03',
  verdicts: 6,
  compared: 5,
  disagreements: [
    {
      entityRef: 'component:default/desk',
      incidentId: 'a1',
      title: 'INC0010042: Printer queue stuck',
      priority: 'P1',
      url: 'https://instance.service-now.com/incident.do?sys_id=a1',
      clock: 'resolution',
      ours: {
        status: 'met',
        elapsedMs: 2 * H,
        wallElapsedMs: 18 * H,
        pausedMs: 0,
        targetMs: 4 * H,
        serviceHours: 'Mon-Fri 09:00-17:00',
      },
      vendor: {
        source: 'servicenow',
        incidentId: 'a1',
        clock: 'resolution',
        slaName: 'P1 resolution (4 hour)',
        breached: true,
        elapsedMs: 18 * H,
      },
      reason: 'calendar',
    },
    {
      entityRef: 'component:default/desk',
      incidentId: 'b2',
      title: 'INC0010043: VPN down',
      priority: 'P1',
      clock: 'response',
      ours: {
        status: 'breached',
        elapsedMs: H + 200,
        wallElapsedMs: H + 200,
        pausedMs: 0,
        targetMs: H,
        serviceHours: 'Mon-Fri 09:00-17:00',
      },
      vendor: {
        source: 'servicenow',
        incidentId: 'b2',
        clock: 'response',
        slaName: 'P1 response (1 hour)',
        breached: false,
        percentage: 100,
      },
      reason: 'rounding',
    },
  ],
  withoutSla: ['component:default/unknown'],
};

describe('CrossCheckPanel', () => {
  it('asks for a source first, then lists the disagreements with both verdicts and the reason', async () => {
    const asked: Array<[string, string]> = [];
    await renderSla(<CrossCheckPanel sources={['csv', 'servicenow']} />, {
      getSourceCrossCheck: async (source, period) => {
        asked.push([source, period]);
        return view;
      },
    });
    expect(
      screen.getByText(/Pick a source to compare our met\/breached/),
    ).toBeInTheDocument();
    expect(asked).toEqual([]);

    await pickOption('sla-cross-check-source', 'servicenow');

    const table = await screen.findByTestId('sla-cross-check');
    expect(asked).toEqual([
      ['servicenow', expect.stringMatching(/^\d{4}-\d{2}$/)],
    ]);
    expect(table).toHaveTextContent(
      '5 clocks compared of 6 vendor verdicts · 2 disagree',
    );
    expect(table).toHaveTextContent(
      'Entities with vendor verdicts but no SLA: component:default/unknown',
    );
    expect(bodyRowTexts(table)).toEqual([
      // The incident links to the vendor (an external link says it opens a new window).
      'INC0010042: Printer queue stuck, Opens in a new windowP1ResolutionMet 2 h18 hBreached18 hCalendar: one side counted every hour, the other business hours',
      'INC0010043: VPN downP1ResponseBreached 1 h1 hMet—Rounding: the same time, decided at the edge of the target',
    ]);
    expect(
      screen.getByRole('link', { name: /INC0010042: Printer queue stuck/ }),
    ).toHaveAttribute('href', view.disagreements[0].url);
  });

  it('says when the vendor agrees on every compared clock', async () => {
    await renderSla(<CrossCheckPanel sources={['jira']} />, {
      getSourceCrossCheck: async () => ({
        ...view,
        disagreements: [],
        withoutSla: [],
      }),
    });
    await pickOption('sla-cross-check-source', 'jira');
    expect(
      await screen.findByText(
        'No disagreement: the vendor decided every compared clock as we did.',
      ),
    ).toBeInTheDocument();
  });

  it('shows the API error', async () => {
    await renderSla(<CrossCheckPanel sources={['jira']} />, {
      getSourceCrossCheck: rejects('forbidden'),
    });
    await pickOption('sla-cross-check-source', 'jira');
    expect(await screen.findByText('Error: forbidden')).toBeInTheDocument();
  });

  it('names the reason in Chinese', async () => {
    await renderSla(
      <CrossCheckPanel sources={['servicenow']} />,
      { getSourceCrossCheck: async () => view },
      undefined,
      undefined,
      { language: 'zh' },
    );
    await pickOption('sla-cross-check-source', 'servicenow');
    expect(
      await screen.findByText('日历：一方按全天计时，另一方按工作时间'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('舍入：耗时相同，在目标边缘判定不同'),
    ).toBeInTheDocument();
  });
});
