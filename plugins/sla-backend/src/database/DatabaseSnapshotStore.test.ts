import type { PeriodResult } from '@servicelevel/plugin-sla-common';
import { DatabaseSnapshotStore } from './DatabaseSnapshotStore';
import { describeStoreOnEachDatabase } from './__testUtils__/testDatabases';
import type { Snapshot } from './types';

jest.setTimeout(60_000);

const JAN = Date.UTC(2026, 0, 1);
const FEB = Date.UTC(2026, 1, 1);
const MARCH = Date.UTC(2026, 2, 1);
const CAD = 'component:default/cad-core';
const BILLING = 'component:default/billing';

function result(
  key: string,
  start: number,
  end: number,
  availability: number,
): PeriodResult {
  return {
    period: { key, start, end },
    complete: true,
    evaluatedAt: end + 1,
    availability: {
      astMs: end - start,
      elapsedAstMs: end - start,
      downtimeMs: 60_000,
      availability,
      target: 99.9,
      budgetMs: 2_678_400,
      budgetRemainingMs: 2_618_400,
      provisional: false,
      status: 'met',
    },
    objectives: [
      {
        objective: 'availability',
        target: { display: '99.9%', value: 99.9 },
        actual: { display: `${availability}%`, value: availability },
        status: 'met',
        hasTarget: true,
      },
    ],
    incidents: [],
    faults: { P1: 1, P2: 0, P3: 0, P4: 0, all: 1 },
    outages: { count: 1, longestMs: 60_000, mttrMs: 60_000 },
    met: 1,
    committed: 1,
    achievementRate: 100,
  };
}

function snapshot(
  entityRef: string,
  periodKey: '2026-01' | '2026-02',
  overrides: Partial<Snapshot> = {},
): Snapshot {
  const [start, end] = periodKey === '2026-01' ? [JAN, FEB] : [FEB, MARCH];
  return {
    entityRef,
    periodKey,
    periodStart: start,
    periodEnd: end,
    termsVersion: 1,
    result: result(periodKey, start, end, 99.99),
    computedAt: end + 1,
    ...overrides,
  };
}

describeStoreOnEachDatabase(DatabaseSnapshotStore, setup => {
  it('stores a snapshot once and never overwrites it with insertIfAbsent', async () => {
    const { store } = await setup();
    const first = snapshot(CAD, '2026-01');

    await expect(store.insertIfAbsent(first)).resolves.toBe(true);
    await expect(
      store.insertIfAbsent(
        snapshot(CAD, '2026-01', {
          termsVersion: 2,
          result: result('2026-01', JAN, FEB, 95),
          computedAt: MARCH,
        }),
      ),
    ).resolves.toBe(false);

    expect(await store.get(CAD, '2026-01')).toStrictEqual(first);
  });

  it('overwrites a snapshot on an explicit replace, recording who did it', async () => {
    const { store } = await setup();
    await store.insertIfAbsent(snapshot(CAD, '2026-01'));
    const recomputed = snapshot(CAD, '2026-01', {
      termsVersion: 2,
      result: result('2026-01', JAN, FEB, 95),
      computedAt: MARCH,
      recomputedBy: 'user:default/ops-lead',
    });

    await store.replace(recomputed);

    expect(await store.get(CAD, '2026-01')).toStrictEqual(recomputed);
  });

  it('stores a snapshot on replace when there was none', async () => {
    const { store } = await setup();
    const fresh = snapshot(BILLING, '2026-02');
    await store.replace(fresh);
    expect(await store.get(BILLING, '2026-02')).toStrictEqual(fresh);
    await expect(store.get(BILLING, '2026-01')).resolves.toBeUndefined();
  });

  it('lists snapshots by entity and period key, sorted by entity then period', async () => {
    const { store } = await setup();
    for (const s of [
      snapshot(CAD, '2026-02'),
      snapshot(BILLING, '2026-01'),
      snapshot(CAD, '2026-01'),
      snapshot(BILLING, '2026-02'),
    ]) {
      await store.insertIfAbsent(s);
    }
    const keys = (list: Snapshot[]) =>
      list.map(s => `${s.entityRef.split('/')[1]} ${s.periodKey}`);

    expect(keys(await store.list({}))).toEqual([
      'billing 2026-01',
      'billing 2026-02',
      'cad-core 2026-01',
      'cad-core 2026-02',
    ]);
    expect(keys(await store.list({ entityRefs: [CAD] }))).toEqual([
      'cad-core 2026-01',
      'cad-core 2026-02',
    ]);
    expect(keys(await store.list({ periodKeys: ['2026-02'] }))).toEqual([
      'billing 2026-02',
      'cad-core 2026-02',
    ]);
    expect(
      keys(
        await store.list({ entityRefs: [BILLING], periodKeys: ['2026-01'] }),
      ),
    ).toEqual(['billing 2026-01']);
    expect(await store.list({ entityRefs: [] })).toEqual([]);
    expect(await store.list({ periodKeys: [] })).toEqual([]);
  });

  it('lists snapshots of more entities than fit in one query, still sorted', async () => {
    const { store } = await setup();
    const refs = Array.from(
      { length: 1200 },
      (_, i) => `component:default/svc-${String(i).padStart(4, '0')}`,
    );
    for (const ref of refs) {
      await store.insertIfAbsent(snapshot(ref, '2026-01'));
    }

    const listed = await store.list({
      entityRefs: [...refs].reverse(),
      periodKeys: ['2026-01'],
    });

    expect(listed.map(s => s.entityRef)).toEqual(refs);
  });
});
