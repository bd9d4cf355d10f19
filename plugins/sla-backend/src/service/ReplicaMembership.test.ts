import { DatabaseReplicaStore } from '../database';
import { describeEachDatabase } from '../database/__testUtils__/testDatabases';
import { ownerOf, ReplicaMembership } from './ReplicaMembership';

jest.setTimeout(60_000);

const T0 = Date.UTC(2026, 11, 4, 16);
const HEARTBEAT = 10_000;
const refs = Array.from(
  { length: 300 },
  (_, i) => `component:default/service-${i}`,
);

describe('ownerOf', () => {
  it.each([
    [['r1']],
    [['r1', 'r2']],
    [['r1', 'r2', 'r3']],
    [['a', 'b', 'c', 'd', 'e']],
  ])('gives every key one owner among %p, each with a share', replicas => {
    const counts = new Map(replicas.map(r => [r, 0]));
    for (const ref of refs) {
      const owner = ownerOf(ref, replicas);
      counts.set(owner, counts.get(owner)! + 1);
    }
    expect([...counts.keys()].sort()).toEqual([...replicas].sort());
    expect([...counts.values()].reduce((a, b) => a + b, 0)).toBe(refs.length);
    // 300 keys spread over at most 5 replicas: each gets a real part.
    for (const n of counts.values()) {
      expect(n).toBeGreaterThan(refs.length / replicas.length / 2);
    }
  });

  it('does not depend on the order of the replicas', () => {
    for (const ref of refs) {
      expect(ownerOf(ref, ['a', 'b', 'c'])).toBe(ownerOf(ref, ['c', 'a', 'b']));
    }
  });

  it('moves only the keys of a replica that leaves', () => {
    for (const ref of refs) {
      const before = ownerOf(ref, ['a', 'b', 'c']);
      const after = ownerOf(ref, ['a', 'c']);
      expect(after).toBe(before === 'b' ? after : before);
    }
  });

  it('refuses an empty replica set', () => {
    expect(() => ownerOf('component:default/x', [])).toThrow(
      'ownerOf needs at least one replica',
    );
  });
});

describeEachDatabase('ReplicaMembership', init => {
  async function replicas(ids: string[]) {
    const store = await DatabaseReplicaStore.create({
      database: await init(),
    });
    return ids.map(
      replicaId =>
        new ReplicaMembership({ store, heartbeatMs: HEARTBEAT, replicaId }),
    );
  }

  /** Which replica handles each ref, when each takes its share at `now`. */
  async function handledBy(members: ReplicaMembership[], now: number) {
    const shares = await Promise.all(members.map(m => m.share(now)));
    return refs.map(ref =>
      members.filter((_, i) => shares[i].owns(ref)).map(m => m.replicaId),
    );
  }

  it('splits the entities so that each is handled by exactly one live replica', async () => {
    const members = await replicas(['r1', 'r2', 'r3']);
    for (const m of members) await m.beat(T0);

    const handled = await handledBy(members, T0 + 1_000);

    expect(handled.every(h => h.length === 1)).toBe(true);
    for (const id of ['r1', 'r2', 'r3']) {
      expect(handled.filter(h => h[0] === id).length).toBeGreaterThan(50);
    }
  });

  it('leaves a replica that stopped beating out once its TTL (three heartbeats) has passed', async () => {
    const [a, b] = await replicas(['a', 'b']);
    await a.beat(T0);
    await b.beat(T0);
    // a is killed at T0: no beat after that. b goes on beating.
    await b.beat(T0 + 2 * HEARTBEAT);
    expect(await b.live(T0 + 3 * HEARTBEAT)).toEqual(['a', 'b']);
    expect(await b.live(T0 + 3 * HEARTBEAT + 1)).toEqual(['b']);

    // Within the TTL, b handles its share only; after it, every entity.
    const within = await b.share(T0 + 3 * HEARTBEAT);
    const after = await b.share(T0 + 3 * HEARTBEAT + 1);
    const inShare = refs.filter(within.owns).length;
    expect(inShare).toBeGreaterThan(0);
    expect(inShare).toBeLessThan(refs.length);
    expect(after.replicas).toEqual(['b']);
    expect(refs.every(after.owns)).toBe(true);
  });

  it('hands the share of a replica that leaves to the others at their next run', async () => {
    const [a, b, c] = await replicas(['a', 'b', 'c']);
    for (const m of [a, b, c]) await m.beat(T0);
    await c.leave();

    const handled = await handledBy([a, b], T0 + 1);

    expect(handled.every(h => h.length === 1)).toBe(true);
  });

  it('counts itself among the live replicas even when its last beat is old', async () => {
    const [a, b] = await replicas(['a', 'b']);
    await a.beat(T0);
    await b.beat(T0 + 10 * HEARTBEAT);

    // share() beats first: a is back, and b sees it at once.
    expect((await a.share(T0 + 10 * HEARTBEAT)).replicas).toEqual(['a', 'b']);
  });

  it('tells at its heartbeat which replicas are gone since the previous one', async () => {
    const [a, b, c] = await replicas(['a', 'b', 'c']);
    for (const m of [a, b, c]) await m.beat(T0);
    expect(await b.heartbeat(T0 + HEARTBEAT)).toEqual([]);

    // a is killed; c shuts down and leaves.
    await c.beat(T0 + HEARTBEAT);
    await c.leave();
    expect(await b.heartbeat(T0 + 2 * HEARTBEAT)).toEqual(['c']);
    expect(await b.heartbeat(T0 + 3 * HEARTBEAT)).toEqual([]);
    // a's last beat, T0, is more than a TTL old.
    expect(await b.heartbeat(T0 + 3 * HEARTBEAT + 1)).toEqual(['a']);
    expect(await b.heartbeat(T0 + 4 * HEARTBEAT)).toEqual([]);
  });

  it('gives a single replica every entity (SQLite, the demo)', async () => {
    const [only] = await replicas(['only']);
    const share = await only.share(T0);
    expect(share.replicas).toEqual(['only']);
    expect(refs.every(share.owns)).toBe(true);
  });

  it('forgets replicas silent for a day', async () => {
    const [a, b] = await replicas(['a', 'b']);
    await a.beat(T0);
    await b.share(T0 + 24 * 60 * 60_000 + 1);
    expect(await b.live(0)).toEqual(['b']);
  });
});
