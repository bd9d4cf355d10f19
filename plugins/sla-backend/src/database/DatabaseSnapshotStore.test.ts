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

  it('changes its mark on each recompute, and not when snapshots are stored', async () => {
    const { store } = await setup();
    const empty = await store.changeMark();
    await store.insertIfAbsent(snapshot(CAD, '2026-01'));
    await store.insertAllIfAbsent([
      snapshot(CAD, '2026-02'),
      snapshot(BILLING, '2026-01'),
    ]);
    expect(await store.changeMark()).toBe(empty);

    const marks = [empty];
    for (const [ref, key, computedAt] of [
      [CAD, '2026-01', MARCH],
      // The same snapshot recomputed again, and another one recomputed at the same instant.
      [CAD, '2026-01', MARCH + 1],
      [BILLING, '2026-01', MARCH + 1],
    ] as const) {
      await store.replace(
        snapshot(ref, key, { computedAt, recomputedBy: 'user:default/ops' }),
      );
      const mark = await store.changeMark();
      expect(marks).not.toContain(mark);
      marks.push(mark);
    }
    await store.insertIfAbsent(snapshot(BILLING, '2026-02'));
    expect(await store.changeMark()).toBe(marks[marks.length - 1]);
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

  it('lists results with only the rows credits count from the summary, leaving the rest unread', async () => {
    const { knex, store } = await setup();
    const withRow = result('2026-01', JAN, FEB, 99.5);
    const breached = incidentRow('INC-2', 'breached');
    withRow.incidents = [incidentRow('INC-1'), breached];
    await store.insertIfAbsent(snapshot(CAD, '2026-01', { result: withRow }));

    const [full] = await store.list({ entityRefs: [CAD] });
    const [slim] = await store.list(
      { entityRefs: [CAD] },
      { incidentRows: false },
    );

    expect(full.result.incidents.map(i => i.id)).toEqual(['INC-1', 'INC-2']);
    // INC-1 met both clocks; INC-2's breached resolution counts for per-breach credits.
    expect(slim).toEqual({
      ...full,
      result: { ...withRow, incidents: [breached] },
    });
    // The figures come from the summary column: a row whose result could not be parsed
    // still lists without its incident rows.
    await knex('sla_snapshots')
      .where({ entity_ref: CAD })
      .update({ result: 'not json' });
    const [again] = await store.list(
      { entityRefs: [CAD] },
      { incidentRows: false },
    );
    expect(again.result).toEqual({ ...withRow, incidents: [breached] });
  });

  it('lists a row stored before summaries existed with only the rows credits count, renaming committed', async () => {
    const { knex, store } = await setup();
    const current = result('2026-02', FEB, MARCH, 99.2);
    const { hasTarget, ...objective } = current.objectives[0];
    const legacy = {
      ...current,
      objectives: [{ ...objective, committed: hasTarget }],
      incidents: [incidentRow('INC-3'), incidentRow('INC-4', 'breached')],
    };
    await knex('sla_snapshots').insert({
      entity_ref: BILLING,
      period_key: '2026-02',
      period_start: FEB,
      period_end: MARCH,
      terms_version: 3,
      result: JSON.stringify(legacy),
      computed_at: MARCH + 5,
      recomputed_by: null,
    });

    const [slim] = await store.list(
      { periodKeys: ['2026-02'] },
      { incidentRows: false },
    );

    expect(slim.termsVersion).toBe(3);
    expect(slim.result.incidents.map(i => i.id)).toEqual(['INC-4']);
    expect(slim.result.objectives[0]).toEqual({
      ...result('2026-02', FEB, MARCH, 99.2).objectives[0],
      hasTarget: true,
    });
    expect(slim.result.availability.availability).toBe(99.2);
  });
});

function incidentRow(
  id: string,
  resolution: 'met' | 'breached' = 'met',
): PeriodResult['incidents'][number] {
  const clock = {
    status: 'met' as const,
    elapsedMs: 60_000,
    targetMs: 1_800_000,
  };
  return {
    source: 'api',
    id,
    title: `Feeder ${id}`,
    priority: 'P2',
    createdAt: JAN + 3_600_000,
    resolvedAt: JAN + 7_200_000,
    pauses: [],
    response: clock,
    resolution: { ...clock, status: resolution },
    countedForResponse: true,
    countedForResolution: true,
    createdInPeriod: true,
    downtimeMs: 0,
  };
}
