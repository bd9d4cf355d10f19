import { DatabasePlanStore } from './DatabasePlanStore';
import { describeStoreOnEachDatabase } from './__testUtils__/testDatabases';
import type { Plan } from '@servicelevel/plugin-sla-common';

jest.setTimeout(60_000);

const T0 = Date.UTC(2026, 9, 5, 8, 0);
const CAD = 'component:default/cad-core';
const GIS = 'component:default/gis-routing';

function plan(id: string, overrides: Partial<Plan> = {}): Plan {
  return {
    id,
    entityRef: CAD,
    title: `Plan ${id}`,
    description: 'Cut P1 response time',
    origin: {
      type: 'breach',
      objective: 'response-time:P1',
      period: '2026-09',
    },
    addresses: [{ objective: 'response-time:P1', period: '2026-09' }],
    owner: 'group:default/dispatch-platform',
    targetDate: '2026-12-31',
    status: 'proposed',
    actions: [
      {
        id: 'a1',
        title: 'Add a second on-call engineer',
        assignee: 'user:default/li.wei',
        dueDate: '2026-11-01',
        done: false,
        createdAt: T0,
      },
    ],
    createdAt: T0,
    createdBy: 'user:default/li.wei',
    updatedAt: T0,
    ...overrides,
  };
}

describeStoreOnEachDatabase(DatabasePlanStore, setup => {
  it('stores a plan with its actions and origin, and reads it back equal', async () => {
    const { knex, store } = await setup();
    await store.create(plan('p1'), 'user:default/li.wei');

    expect(await store.get('p1')).toEqual(plan('p1'));
    expect(await store.get('nope')).toBeUndefined();
    expect(await store.history('p1')).toEqual([
      {
        seq: 1,
        at: T0,
        by: 'user:default/li.wei',
        kind: 'created',
        changes: [],
      },
    ]);
    await knex.destroy();
  });

  it('filters by entity, owner and status, newest first', async () => {
    const { knex, store } = await setup();
    await store.create(plan('p1'), 'u');
    await store.create(
      plan('p2', {
        entityRef: GIS,
        createdAt: T0 + 1000,
        status: 'approved',
      }),
      'u',
    );
    await store.create(
      plan('p3', {
        owner: 'group:default/field-ops',
        createdAt: T0 + 2000,
        status: 'done',
      }),
      'u',
    );

    const ids = (ps: Plan[]) => ps.map(p => p.id);
    expect(ids(await store.list({}))).toEqual(['p3', 'p2', 'p1']);
    expect(ids(await store.list({ entityRef: CAD }))).toEqual(['p3', 'p1']);
    expect(ids(await store.list({ owner: 'group:default/field-ops' }))).toEqual(
      ['p3'],
    );
    expect(ids(await store.list({ status: ['proposed', 'approved'] }))).toEqual(
      ['p2', 'p1'],
    );
    expect(await store.list({ status: [] })).toEqual([]);
    await knex.destroy();
  });

  it('updates in a transaction and appends one history entry per change set', async () => {
    const { knex, store } = await setup();
    await store.create(plan('p1'), 'u');

    const updated = await store.update(
      'p1',
      current => ({
        next: { ...current, status: 'approved' },
        changes: [{ field: 'status', from: 'proposed', to: 'approved' }],
      }),
      { by: 'user:default/manager', at: T0 + 60_000 },
    );
    expect(updated).toEqual(
      plan('p1', { status: 'approved', updatedAt: T0 + 60_000 }),
    );
    expect(await store.get('p1')).toEqual(updated);

    // No changes: nothing written, no history entry.
    await store.update('p1', current => ({ next: current, changes: [] }), {
      by: 'x',
      at: T0 + 120_000,
    });
    expect((await store.get('p1'))!.updatedAt).toBe(T0 + 60_000);

    expect(await store.history('p1')).toEqual([
      expect.objectContaining({ seq: 1, kind: 'created' }),
      {
        seq: 2,
        at: T0 + 60_000,
        by: 'user:default/manager',
        kind: 'updated',
        changes: [{ field: 'status', from: 'proposed', to: 'approved' }],
      },
    ]);
    expect(
      await store.update('missing', c => ({ next: c, changes: [] }), {
        by: 'x',
        at: 0,
      }),
    ).toBeUndefined();
    await knex.destroy();
  });

  it('deletes softly: the plan disappears, its history stays and records the deletion', async () => {
    const { knex, store } = await setup();
    await store.create(plan('p1'), 'u');

    expect(
      await store.delete('p1', { by: 'user:default/boss', at: T0 + 5 }),
    ).toBe(true);
    expect(
      await store.delete('p1', { by: 'user:default/boss', at: T0 + 6 }),
    ).toBe(false);

    expect(await store.get('p1')).toBeUndefined();
    expect(await store.list({})).toEqual([]);
    expect((await store.history('p1')).map(h => [h.seq, h.kind, h.by])).toEqual(
      [
        [1, 'created', 'u'],
        [2, 'deleted', 'user:default/boss'],
      ],
    );
    await knex.destroy();
  });
});
