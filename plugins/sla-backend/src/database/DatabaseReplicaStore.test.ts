import { DatabaseReplicaStore } from './DatabaseReplicaStore';
import { describeStoreOnEachDatabase } from './__testUtils__/testDatabases';

jest.setTimeout(60_000);

const T0 = Date.UTC(2026, 11, 4, 16);

describeStoreOnEachDatabase(DatabaseReplicaStore, setup => {
  it('lists the replicas whose last heartbeat is at or after `since`, sorted', async () => {
    const { store } = await setup();
    await store.heartbeat('b', T0);
    await store.heartbeat('a', T0 + 5_000);
    await store.heartbeat('c', T0 - 1);

    expect(await store.live(T0)).toEqual(['a', 'b']);
    expect(await store.live(T0 + 5_000)).toEqual(['a']);
    expect(await store.live(T0 + 5_001)).toEqual([]);
  });

  it('moves the heartbeat of a replica forward, keeping one row and its join time', async () => {
    const { knex, store } = await setup();
    await store.heartbeat('a', T0);
    await store.heartbeat('a', T0 + 10_000);

    const rows = await knex('sla_replicas').select();
    expect(
      rows.map(r => [
        r.replica_id,
        Number(r.heartbeat_at),
        Number(r.joined_at),
      ]),
    ).toEqual([['a', T0 + 10_000, T0]]);
    expect(await store.live(T0 + 1)).toEqual(['a']);
  });

  it('removes a replica that leaves, and forgets those silent since before a time', async () => {
    const { store } = await setup();
    await store.heartbeat('a', T0);
    await store.heartbeat('b', T0 + 1_000);
    await store.heartbeat('c', T0 + 2_000);

    await store.leave('c');
    expect(await store.live(0)).toEqual(['a', 'b']);

    expect(await store.forget(T0 + 1_000)).toBe(1);
    expect(await store.live(0)).toEqual(['b']);
  });
});
