import { screen, within } from '@testing-library/react';
import {
  availabilityBandLine,
  creditAmount,
  perBreachLine,
} from '@servicelevel/plugin-sla-common/testUtils';
import type { EntityPeriodResult } from '../../api';
import { bodyRowTexts, renderSla } from '../../__testUtils__/render';
import { CreditsSection } from './CreditsSection';

jest.setTimeout(30_000);

/** radio-gateway's November in the demo: a band and a breached max-outage, under the cap. */
const CREDITS: NonNullable<EntityPeriodResult['credits']> = {
  lines: [
    availabilityBandLine(
      99.583,
      [
        { below: 99.9, share: 10 },
        { below: 99.5, share: 20 },
      ],
      { below: 99.9, share: 10 },
      1000,
    ),
    {
      objective: 'max-outage',
      kind: 'breached',
      status: 'breached',
      ruleShare: 5,
      shareBp: 500,
    },
    perBreachLine('response-time:P1', 'met', 0, 5, 0),
  ],
  totalShareBp: 1500,
  capBp: 2500,
  shareBp: 1500,
  capped: false,
  provisional: false,
  months: 1,
  periodFee: creditAmount('48000.00', 'CNY'),
  amount: creditAmount('7200.00', 'CNY'),
};

describe('CreditsSection', () => {
  it('shows each rule with the band or breach count that applied, then the amount', async () => {
    await renderSla(<CreditsSection credits={CREDITS} />, {});
    expect(bodyRowTexts()).toEqual([
      'Availability99.58% < 99.9% → 10%10%',
      'Longest outageBreached → 5%5%',
      'Response time · P10 breaches × 5% = 0%0%',
    ]);
    const summary = screen.getByTestId('sla-credits-summary');
    expect(within(summary).getByText('Amount').nextSibling).toHaveTextContent(
      '7,200.00 CNY',
    );
    expect(summary).toHaveTextContent('Cap25%');
    expect(summary).toHaveTextContent(
      'Fee of the period (1 × the monthly fee)48,000.00 CNY',
    );
  });

  it('says when the cap applied, when the period is open, and when there is no fee', async () => {
    await renderSla(
      <CreditsSection
        credits={{
          ...CREDITS,
          totalShareBp: 3000,
          shareBp: 2500,
          capped: true,
          provisional: true,
          periodFee: undefined,
          amount: undefined,
        }}
      />,
      {},
    );
    expect(
      screen.getByText('Provisional: the period is still open'),
    ).toBeInTheDocument();
    const summary = screen.getByTestId('sla-credits-summary');
    expect(summary).toHaveTextContent('Cap25% (applied)');
    expect(summary).toHaveTextContent('AmountNo fee recorded: a share only');
  });
});
