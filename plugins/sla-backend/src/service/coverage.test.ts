import { ConfigReader } from '@backstage/config';
import type { IncidentProvider } from '@servicelevel/plugin-sla-node';
import type { SyncState } from '../database/types';
import { DataCoverage, openGapOf, readCoverageSettings } from './coverage';

const MIN = 60_000;
const NOW = Date.UTC(2026, 11, 4, 12);
const FIVE_MINUTES = { frequency: { minutes: 5 }, timeout: { minutes: 10 } };

describe('readCoverageSettings', () => {
  it('defaults to 95 % and 3 × the sync frequency', () => {
    expect(readCoverageSettings(new ConfigReader({}), FIVE_MINUTES)).toEqual({
      threshold: 95,
      maxGapMs: 15 * MIN,
    });
    expect(
      readCoverageSettings(new ConfigReader({}), {
        frequency: { hours: 1 },
        timeout: { minutes: 10 },
      }).maxGapMs,
    ).toBe(180 * MIN);
  });

  it('reads sla.coverage.threshold and maxGap in any duration form', () => {
    for (const maxGap of [{ minutes: 40 }, 'PT40M', '40m']) {
      expect(
        readCoverageSettings(
          new ConfigReader({ sla: { coverage: { threshold: 99, maxGap } } }),
          FIVE_MINUTES,
        ),
      ).toEqual({ threshold: 99, maxGapMs: 40 * MIN });
    }
  });

  it('refuses a threshold that is not a percentage, naming the key', () => {
    expect(() =>
      readCoverageSettings(
        new ConfigReader({ sla: { coverage: { threshold: 120 } } }),
        FIVE_MINUTES,
      ),
    ).toThrow(
      'sla.coverage.threshold must be a percentage from 0 to 100, got 120',
    );
  });
});

describe('openGapOf', () => {
  const state = (s: Partial<SyncState>): SyncState => ({
    provider: 'pagerduty',
    account: 'default',
    ...s,
  });
  const cursorAt = (checkpoint: number) => JSON.stringify({ checkpoint });

  it('runs from the committed checkpoint to now once longer than maxGap', () => {
    const s = state({ cursor: cursorAt(NOW - 40 * MIN), firstAttemptAt: 0 });
    expect(openGapOf(s, NOW, 15 * MIN)).toEqual({
      start: NOW - 40 * MIN,
      end: NOW,
    });
    expect(openGapOf(s, NOW - 30 * MIN, 15 * MIN)).toBeUndefined();
  });

  it('runs from the first attempt when no run ever succeeded', () => {
    const s = state({
      firstAttemptAt: NOW - 2 * 60 * MIN,
      lastError: 'HTTP 401',
    });
    expect(openGapOf(s, NOW, 15 * MIN)).toEqual({
      start: NOW - 2 * 60 * MIN,
      end: NOW,
    });
  });

  it('is none for a state with nothing to go by', () => {
    expect(
      openGapOf(state({ cursor: 'not json' }), NOW, 15 * MIN),
    ).toBeUndefined();
  });
});

describe('DataCoverage', () => {
  const provider = (
    id: string,
    accounts: string[],
    feeds?: IncidentProvider['feeds'],
  ): IncidentProvider => ({
    id,
    accounts: () => accounts,
    async *sync() {},
    ...(feeds && { feeds }),
  });
  const states: SyncState[] = [
    // PagerDuty "eu" down for 40 minutes; "us" fine.
    {
      provider: 'pagerduty',
      account: 'eu',
      cursor: JSON.stringify({ checkpoint: NOW - 40 * MIN }),
    },
    {
      provider: 'pagerduty',
      account: 'us',
      cursor: JSON.stringify({ checkpoint: NOW - 2 * MIN }),
    },
    {
      provider: 'prometheus',
      account: 'main',
      cursor: JSON.stringify({ checkpoint: NOW - 60 * MIN }),
    },
  ];
  const coverage = new DataCoverage({
    providers: [
      provider('pagerduty', ['eu', 'us'], (account, entity) =>
        entity.annotations['pagerduty.com/account'] === account
          ? 'all'
          : undefined,
      ),
      provider('prometheus', ['main'], (_a, entity) =>
        entity.annotations['prometheus.io/availability-query']
          ? 'availability'
          : undefined,
      ),
      // A provider without `feeds` is not counted.
      provider('custom', ['default']),
    ],
    syncStates: { list: async () => states },
    settings: { threshold: 90, maxGapMs: 15 * MIN },
  });
  const entity = (annotations: Record<string, string>) => ({
    entityRef: 'component:default/x',
    annotations,
  });

  it('lists each linked account with its open gap, under the terms sources', async () => {
    const view = await coverage.read(NOW);
    expect(view.threshold).toBe(90);
    const both = entity({
      'pagerduty.com/account': 'eu',
      'prometheus.io/availability-query': 'up{job="x"}',
    });
    expect(view.sourcesOf(both, {})).toEqual([
      {
        source: 'pagerduty',
        account: 'eu',
        feeds: 'all',
        gaps: [{ start: NOW - 40 * MIN, end: NOW }],
      },
      {
        source: 'prometheus',
        account: 'main',
        feeds: 'availability',
        gaps: [{ start: NOW - 60 * MIN, end: NOW }],
      },
    ]);
    expect(
      view.sourcesOf(entity({ 'pagerduty.com/account': 'us' }), {}),
    ).toEqual([{ source: 'pagerduty', account: 'us', feeds: 'all', gaps: [] }]);
    // `servicelevel.io/sources: pagerduty`: Prometheus does not count for this service.
    expect(
      view.sourcesOf(both, { sources: ['pagerduty'] }).map(s => s.source),
    ).toEqual(['pagerduty']);
    expect(view.sourcesOf(entity({}), {})).toEqual([]);
  });
});
