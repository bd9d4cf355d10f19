import { screen, within } from '@testing-library/react';
import type { EntityChain } from '../../api';
import { renderSla } from '../../__testUtils__/render';
import { DependencyChainSection } from './DependencyChainSection';

const MIN = 60_000;

/** The API's answer for sms-notify in 2026-10 (DependencyChain.test.ts in sla-backend). */
const chain: EntityChain = {
  entityRef: 'component:default/sms-notify',
  period: {
    key: '2026-10',
    start: Date.UTC(2026, 9, 1),
    end: Date.UTC(2026, 10, 1),
    granularity: 'month',
  },
  agreementType: 'sla',
  depth: 2,
  dependencies: [
    {
      entityRef: 'resource:default/sms-gateway',
      title: 'SMS gateway',
      depth: 1,
      hasSla: true,
      agreementType: 'uc',
      availabilityTarget: 99.9,
      availability: 99.8387,
      availabilityStatus: 'breached',
      complete: true,
      met: 1,
      committed: 2,
      achievementRate: 50,
    },
    {
      entityRef: 'resource:default/storage-array',
      depth: 2,
      via: 'resource:default/db-cluster',
      hasSla: false,
    },
  ],
  warnings: [
    {
      code: 'dependency-availability-below',
      dependency: 'resource:default/sms-gateway',
      depth: 1,
      target: 99.95,
      dependencyTarget: 99.9,
      message: 'You promise 99.95%, but you depend on sms-gateway at 99.9%.',
    },
    {
      code: 'resolution-target-shorter',
      dependency: 'resource:default/sms-gateway',
      depth: 1,
      priority: 'P1',
      targetMs: 4 * 60 * MIN,
      dependencyTargetMs: 8 * 60 * MIN,
      message: '…',
    },
  ],
  attribution: {
    downtimeMs: 60 * MIN,
    dependencyMs: 42 * MIN,
    ownMs: 18 * MIN,
    dependencies: [
      {
        ref: 'resource:default/sms-gateway',
        attributedMs: 42 * MIN,
        soleMs: 42 * MIN,
      },
      { ref: 'resource:default/storage-array', attributedMs: 0, soleMs: 0 },
    ],
    bySet: [{ refs: ['resource:default/sms-gateway'], ms: 42 * MIN }],
  },
};

describe('DependencyChainSection', () => {
  const render = (language: 'en' | 'zh', periods: string[] = []) =>
    renderSla(
      <DependencyChainSection
        entityRef="component:default/sms-notify"
        period="2026-10"
      />,
      {
        getEntityChain: async (_ref, period) => {
          periods.push(String(period));
          return chain;
        },
      },
      undefined,
      undefined,
      { language },
    );

  it('attributes the downtime, warns, and lists each dependency with its agreement type and result', async () => {
    const periods: string[] = [];
    await render('en', periods);
    expect(periods).toEqual(['2026-10']);
    const attribution = await screen.findByTestId('sla-attribution');
    expect(attribution).toHaveTextContent(
      '42 m of 1 h of downtime during sms-gateway outages',
    );
    expect(attribution).toHaveTextContent('18 m of 1 h of downtime its own');
    // storage-array had no outage: no sentence for it.
    expect(attribution).not.toHaveTextContent('storage-array');
    expect(
      screen.getByText(
        'You promise 99.95%, but you depend on sms-gateway at 99.9%.',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        'Resolution of P1 within 4 h, but sms-gateway resolves P1 within 8 h.',
      ),
    ).toBeInTheDocument();
    const rows = within(screen.getByTestId('sla-chain')).getAllByRole('row');
    expect(rows.map(r => r.textContent)).toEqual([
      'Depends onAgreementAvailability targetAchievedStatusObjectives',
      'SMS gatewayUC (supplier)99.9%99.84%Breached1 of 2 objectives met (50%)',
      'storage-arraythrough db-clusterno SLA————',
    ]);
  });

  it('speaks Chinese', async () => {
    await render('zh');
    const attribution = await screen.findByTestId('sla-attribution');
    expect(attribution.textContent).toMatch(
      /停机中有 .+ 发生在 sms-gateway 故障期间/,
    );
    expect(screen.getByText('UC（供应商合同）')).toBeInTheDocument();
    expect(
      screen.getByText(
        '承诺可用性 99.95%，但所依赖的 sms-gateway 仅为 99.9%。',
      ),
    ).toBeInTheDocument();
  });

  it('shows nothing for a service without dependencies', async () => {
    const { container } = await renderSla(
      <DependencyChainSection
        entityRef="component:default/cad-core"
        period="2026-10"
      />,
      {},
    );
    expect(container.textContent).toBe('');
  });
});
