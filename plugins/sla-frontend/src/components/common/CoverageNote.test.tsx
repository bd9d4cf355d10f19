import { OCTOBER_COVERAGE_BELOW_THRESHOLD } from '@servicelevel/plugin-sla-common/testUtils';
import { screen } from '@testing-library/react';
import { renderSla } from '../../__testUtils__/render';
import { CoverageNote } from './CoverageNote';
import { StatusChip } from './StatusChip';

const SHORT = { unknown: 2, coverage: OCTOBER_COVERAGE_BELOW_THRESHOLD };

describe('CoverageNote (SPEC §9)', () => {
  it('shows the coverage, the unknown objectives and the short source with its gap, in the entity zone', async () => {
    await renderSla(
      <>
        <CoverageNote result={SHORT} timeZone="Asia/Shanghai" />
        <StatusChip status="unknown" />
      </>,
      {},
    );
    expect(
      await screen.findByText('Data coverage 77.42% · 2 unknown'),
    ).toBeInTheDocument();
    expect(screen.getByText(/Below the 95% threshold/)).toBeInTheDocument();
    // Only the source below 100 % is listed; times in the entity's zone (UTC+8).
    expect(
      screen.getByText(
        'pagerduty (default): 77.42%, not synced 2026-10-25 08:00 – 2026-11-01 08:00',
      ),
    ).toBeInTheDocument();
    expect(screen.queryByText(/prometheus/)).not.toBeInTheDocument();
    expect(screen.getByText('Unknown')).toBeInTheDocument();
  });

  it('in Chinese', async () => {
    await renderSla(
      <>
        <CoverageNote result={SHORT} timeZone="Asia/Shanghai" />
        <StatusChip status="unknown" />
      </>,
      {},
      undefined,
      undefined,
      { language: 'zh' },
    );
    expect(
      await screen.findByText('数据覆盖率 77.42% · 2 项未知'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        'pagerduty（default）：77.42%，未同步时段 2026-10-25 08:00 至 2026-11-01 08:00',
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('未知')).toBeInTheDocument();
  });

  it('says nothing when coverage is complete or not tracked', async () => {
    await renderSla(
      <div data-testid="host">
        <CoverageNote
          result={{
            coverage: { ...SHORT.coverage, coverage: 100, sources: [] },
          }}
          timeZone="UTC"
        />
        <CoverageNote result={{}} timeZone="UTC" />
      </div>,
      {},
    );
    expect((await screen.findByTestId('host')).textContent).toBe('');
  });
});
