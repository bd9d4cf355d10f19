import { DatabaseSyncStateStore } from './DatabaseSyncStateStore';
import { describeStoreOnEachDatabase } from './__testUtils__/testDatabases';
import type { SyncState } from './types';

jest.setTimeout(60_000);

const MARCH = Date.UTC(2026, 2, 1);

describeStoreOnEachDatabase(DatabaseSyncStateStore, setup => {
  it('reads back every field of a stored state', async () => {
    const { store } = await setup();
    const state: SyncState = {
      provider: 'pagerduty',
      account: 'eu',
      cursor: JSON.stringify({ since: '2026-03-01T00:00:00Z', offset: 100 }),
      lastSyncAt: MARCH + 1000,
      lastSuccessAt: MARCH,
      lastError: 'HTTP 429 Too Many Requests',
      lastCount: 0,
      firstAttemptAt: MARCH - 60_000,
    };

    await store.put(state);

    expect(await store.get('pagerduty', 'eu')).toStrictEqual(state);
    await expect(store.get('pagerduty', 'us')).resolves.toBeUndefined();
  });

  it('replaces the whole state on put, clearing fields it does not carry', async () => {
    const { store } = await setup();
    await store.put({
      provider: 'jira',
      account: 'default',
      cursor: 'c1',
      lastSyncAt: MARCH,
      lastError: 'boom',
      lastCount: 3,
    });

    const recovered: SyncState = {
      provider: 'jira',
      account: 'default',
      cursor: 'c2',
      lastSyncAt: MARCH + 1,
      lastSuccessAt: MARCH + 1,
      lastCount: 12,
    };
    await store.put(recovered);

    expect(await store.get('jira', 'default')).toStrictEqual(recovered);
    expect(await store.list()).toHaveLength(1);
  });

  it('lists every account sorted by provider, then account', async () => {
    const { store } = await setup();
    await store.put({ provider: 'pagerduty', account: 'us' });
    await store.put({ provider: 'opsgenie', account: 'main' });
    await store.put({ provider: 'pagerduty', account: 'eu' });

    expect(await store.list()).toStrictEqual([
      { provider: 'opsgenie', account: 'main' },
      { provider: 'pagerduty', account: 'eu' },
      { provider: 'pagerduty', account: 'us' },
    ]);
  });

  it('keeps the history of gaps, oldest first, each (provider, account, start) once', async () => {
    const { store } = await setup();
    const HOUR = 3_600_000;
    const late = {
      provider: 'pagerduty',
      account: 'default',
      start: MARCH + 5 * HOUR,
      end: MARCH + 9 * HOUR,
      backfilledFrom: MARCH + 4 * HOUR,
    };
    const early = {
      provider: 'servicenow',
      account: 'prod',
      start: MARCH,
      end: MARCH + 2 * HOUR,
      backfilledFrom: MARCH - HOUR,
    };
    await store.recordGap(late);
    await store.recordGap(early);
    // The same gap recorded again (a retried write) changes nothing.
    await store.recordGap({ ...late, end: MARCH + 10 * HOUR });

    expect(await store.listGaps()).toStrictEqual([early, late]);
    // Only gaps that end after `since`.
    expect(await store.listGaps(MARCH + 2 * HOUR)).toStrictEqual([late]);
  });
});
