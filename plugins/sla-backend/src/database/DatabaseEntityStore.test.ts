import { DatabaseEntityStore } from './DatabaseEntityStore';
import { describeStoreOnEachDatabase } from './__testUtils__/testDatabases';
import type { SlaEntity } from './types';

jest.setTimeout(60_000);

const MARCH = Date.UTC(2026, 2, 1);
const MINUTE = 60_000;

function entity(
  name: string,
  overrides: Partial<Omit<SlaEntity, 'removedAt'>> = {},
): Omit<SlaEntity, 'removedAt'> {
  return {
    entityRef: `component:default/${name}`,
    kind: 'component',
    namespace: 'default',
    name,
    annotations: { 'servicelevel.io/tier': 'gold' },
    lastSeenAt: MARCH,
    ...overrides,
  };
}

describeStoreOnEachDatabase(DatabaseEntityStore, setup => {
  it('reads back every field, and leaves absent optional fields absent', async () => {
    const { store } = await setup();
    const full = entity('cad-core', {
      title: 'CAD core',
      ownerRef: 'group:default/dispatch',
      systemRef: 'system:default/cad',
      domainRef: 'domain:default/emergency',
      dependsOn: [
        'component:default/gis-routing',
        'resource:default/db-cluster',
      ],
      annotations: {
        'servicelevel.io/tier': 'gold',
        'servicelevel.io/response-time': 'P1=15m P2=30m',
        'pagerduty.com/service-id': 'PABC123',
      },
    });
    const bare = entity('billing');

    await store.syncEntities([full, bare], MARCH);

    expect(await store.getEntity(full.entityRef)).toStrictEqual(full);
    expect(await store.getEntity(bare.entityRef)).toStrictEqual(bare);
    await expect(
      store.getEntity('component:default/unknown'),
    ).resolves.toBeUndefined();
  });

  it("changes its change mark with another instance's writes (updates and removals), and only then", async () => {
    const { knex, store } = await setup();
    // Another replica on the same database: its own instance, with its own write counts.
    const other = await DatabaseEntityStore.create({ database: knex });
    const empty = await store.changeMark();
    await other.syncEntities([entity('a'), entity('b')], MARCH);
    const synced = await store.changeMark();
    expect(synced).not.toBe(empty);
    expect(await store.changeMark()).toBe(synced);

    // Every write records when the catalog listed the entity.
    await other.upsertEntity(
      entity('a', { title: 'A', lastSeenAt: MARCH + MINUTE }),
    );
    const updated = await store.changeMark();
    expect(updated).not.toBe(synced);

    // A removal, at a time no later than the last sighting.
    await other.syncEntities([entity('a', { lastSeenAt: MARCH })], MARCH);
    const removed = await store.changeMark();
    expect(removed).not.toBe(updated);
    // And its return.
    await other.syncEntities(
      [entity('a', { lastSeenAt: MARCH }), entity('b')],
      MARCH,
    );
    expect(await store.changeMark()).not.toBe(removed);
    expect(store.changes()).toBe(0);
  });

  it('lists present entities sorted by ref', async () => {
    const { store } = await setup();
    await store.syncEntities(
      [entity('zeta'), entity('alpha'), entity('mid')],
      MARCH,
    );
    expect((await store.listEntities()).map(e => e.name)).toEqual([
      'alpha',
      'mid',
      'zeta',
    ]);
  });

  it('marks entities missing from a sync as removed, once, and keeps them', async () => {
    const { store } = await setup();
    await store.syncEntities([entity('a'), entity('b')], MARCH);

    await store.syncEntities(
      [entity('b', { lastSeenAt: MARCH + MINUTE })],
      MARCH + MINUTE,
    );
    await store.syncEntities(
      [entity('b', { lastSeenAt: MARCH + 2 * MINUTE })],
      MARCH + 2 * MINUTE,
    );

    expect((await store.listEntities()).map(e => e.name)).toEqual(['b']);
    // Removed at the first sync that missed it, not at the later ones.
    expect(await store.getEntity('component:default/a')).toStrictEqual({
      ...entity('a'),
      removedAt: MARCH + MINUTE,
    });
  });

  it('clears the removal of an entity that reappears, with its new data', async () => {
    const { store } = await setup();
    await store.syncEntities([entity('a'), entity('b')], MARCH);
    await store.syncEntities([entity('b')], MARCH + MINUTE);

    const back = entity('a', {
      title: 'A is back',
      lastSeenAt: MARCH + 2 * MINUTE,
    });
    await store.syncEntities([back, entity('b')], MARCH + 2 * MINUTE);

    expect(await store.getEntity(back.entityRef)).toStrictEqual(back);
    expect((await store.listEntities()).map(e => e.name)).toEqual(['a', 'b']);
  });

  it('replaces the stored fields of an entity on every sync', async () => {
    const { store } = await setup();
    await store.syncEntities(
      [entity('a', { ownerRef: 'group:default/old', title: 'Old' })],
      MARCH,
    );
    const moved = entity('a', {
      ownerRef: 'group:default/new',
      annotations: { 'servicelevel.io/tier': 'silver' },
      lastSeenAt: MARCH + MINUTE,
    });

    await store.syncEntities([moved], MARCH + MINUTE);

    expect(await store.getEntity(moved.entityRef)).toStrictEqual(moved);
  });

  it('marks every entity removed when the catalog lists none', async () => {
    const { store } = await setup();
    await store.syncEntities([entity('a'), entity('b')], MARCH);

    await store.syncEntities([], MARCH + MINUTE);

    expect(await store.listEntities()).toEqual([]);
    expect((await store.getEntity('component:default/b'))?.removedAt).toBe(
      MARCH + MINUTE,
    );
  });

  it('syncs a catalog of 1,500 entities and removes 700 of them', async () => {
    const { knex, store } = await setup();
    const all = Array.from({ length: 1500 }, (_, i) =>
      entity(`svc-${String(i).padStart(4, '0')}`),
    );
    await store.syncEntities(all, MARCH);

    await store.syncEntities(all.slice(700), MARCH + MINUTE);

    expect(await store.listEntities()).toHaveLength(800);
    const [{ count }] = await knex('sla_entities')
      .where('removed_at', MARCH + MINUTE)
      .count({ count: '*' });
    expect(Number(count)).toBe(700);
  });

  it('tells which of many refs are current entities, without removed or unknown ones', async () => {
    const { store } = await setup();
    const all = Array.from({ length: 1200 }, (_, i) =>
      entity(`svc-${String(i).padStart(4, '0')}`),
    );
    await store.syncEntities(all, MARCH);
    // svc-0000 … svc-0199 are removed by the second sync.
    await store.syncEntities(all.slice(200), MARCH + MINUTE);

    const asked = [
      ...all.map(e => e.entityRef),
      'component:default/ghost',
      all[500].entityRef,
    ];
    const current = await store.currentRefs(asked);

    expect(current.size).toBe(1000);
    expect(current.has(all[199].entityRef)).toBe(false);
    expect(current.has(all[200].entityRef)).toBe(true);
    expect(current.has(all[1199].entityRef)).toBe(true);
    expect(current.has('component:default/ghost')).toBe(false);
    expect(await store.currentRefs([])).toEqual(new Set());
  });
});
