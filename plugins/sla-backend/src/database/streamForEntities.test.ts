import type { Incident } from '@servicelevel/plugin-sla-common';
import fc from 'fast-check';
import { Knex } from 'knex';
import { DatabaseEntityStore } from './DatabaseEntityStore';
import { DatabaseIncidentStore } from './DatabaseIncidentStore';
import { describeEachDatabase } from './__testUtils__/testDatabases';
import type { StoredIncident } from './types';

// Two databases and a few dozen streams over hundreds of rows each.
jest.setTimeout(120_000);

const HOUR = 3_600_000;
/** 2026-03-01T00:00:00Z: beyond 2^31 ms, so the bigint columns are exercised. */
const MARCH = Date.UTC(2026, 2, 1);

/**
 * Refs whose order differs between byte order and the linguistic collations PostgreSQL may
 * use (case, '-' against '_', digits against letters): the stream must follow the
 * database's order, whichever it is, as listEntities does.
 */
const REFS = [
  'component:default/svc-1',
  'component:default/svc-10',
  'component:default/svc-2',
  'component:default/Svc-3',
  'component:default/svc_4',
  'component:default/svca',
  'component:default/SVC-b',
  'resource:default/db',
];
/** Has incidents, but is not asked for: its rows must not come through. */
const OTHER = 'component:default/other';

/**
 * Random incidents with many ties on creation (a few instants only), so that pages end in
 * the middle of an instant and the (source, incident_id) part of the key decides.
 */
const incidentsArb = fc
  .array(
    fc.record({
      ref: fc.constantFrom(...REFS, OTHER),
      slot: fc.integer({ min: 0, max: 6 }),
      source: fc.constantFrom('api', 'webhook', 'pagerduty'),
      id: fc.stringMatching(/^[A-Za-z0-9]{1,4}$/),
      resolvedAfter: fc.option(fc.integer({ min: 0, max: 30 * HOUR })),
      outage: fc.boolean(),
    }),
    { minLength: 20, maxLength: 150 },
  )
  .map(drafts => {
    const byIdentity = new Map<string, Incident>();
    for (const d of drafts) {
      const createdAt = MARCH + (d.slot - 4) * 6 * HOUR;
      byIdentity.set(`${d.source}\u0000${d.id}`, {
        source: d.source,
        id: d.id,
        entityRef: d.ref,
        title: `Incident ${d.id}`,
        priority: 'P2',
        createdAt,
        pauses: [],
        ...(d.resolvedAfter !== null
          ? { resolvedAt: createdAt + d.resolvedAfter }
          : {}),
        ...(d.outage ? { outage: { start: createdAt } } : {}),
      });
    }
    return [...byIdentity.values()];
  });

async function streamed(
  store: DatabaseIncidentStore,
  refs: string[],
  from: number,
  to: number,
  pageSize?: number,
): Promise<StoredIncident[]> {
  const out: StoredIncident[] = [];
  for await (const page of store.streamForEntities(refs, from, to, {
    pageSize,
  })) {
    expect(page.length).toBeGreaterThan(0);
    expect(page.length).toBeLessThanOrEqual(pageSize ?? 500);
    out.push(...page);
  }
  return out;
}

describeEachDatabase('DatabaseIncidentStore.streamForEntities', init => {
  let knex: Knex;
  let store: DatabaseIncidentStore;
  /** REFS in the order the database sorts them (listEntities'). */
  let databaseOrder: string[];

  beforeAll(async () => {
    knex = await init();
    store = await DatabaseIncidentStore.create({ database: knex });
    const entities = await DatabaseEntityStore.create({ database: knex });
    await entities.syncEntities(
      REFS.map(entityRef => ({
        entityRef,
        kind: entityRef.split(':')[0],
        namespace: 'default',
        name: entityRef.split('/')[1],
        annotations: {},
        lastSeenAt: MARCH,
      })),
      MARCH,
    );
    databaseOrder = (await entities.listEntities()).map(e => e.entityRef);
  });

  afterAll(async () => {
    await knex?.destroy();
  });

  it('gives the rows of listForEntities in order (entity as listEntities sorts it, then listForEntity order), whatever the page size', async () => {
    await fc.assert(
      fc.asyncProperty(
        incidentsArb,
        fc.subarray(REFS, { minLength: 1 }),
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 0, max: 6 }),
        fc.integer({ min: 1, max: 8 }),
        // Beyond one IN list of refs, the store filters the rows itself.
        fc.boolean(),
        async (incidents, asked, pageSize, fromSlot, slots, manyRefs) => {
          await knex('sla_incidents').delete();
          await store.upsertIncidents(incidents, { now: MARCH });
          const from = MARCH + (fromSlot - 4) * 6 * HOUR;
          const to = from + slots * 6 * HOUR;
          const refs = manyRefs
            ? [
                ...asked,
                ...Array.from(
                  { length: 600 },
                  (_, i) => `component:default/none-${i}`,
                ),
              ]
            : asked;

          const byEntity = await store.listForEntities(asked, from, to);
          const expected = databaseOrder.flatMap(
            ref => byEntity.get(ref) ?? [],
          );
          const got = await streamed(store, refs, from, to, pageSize);
          expect(got).toEqual(expected);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('reads a page at a time: page size 1 over a tie of one instant gives each row once', async () => {
    await knex('sla_incidents').delete();
    const ids = ['b', 'a', 'C', '10', '9'];
    await store.upsertIncidents(
      ['webhook', 'api'].flatMap(source =>
        ids.map(id => ({
          source,
          id,
          entityRef: REFS[0],
          title: id,
          priority: 'P1' as const,
          createdAt: MARCH,
          pauses: [],
        })),
      ),
      { now: MARCH },
    );
    const got = await streamed(store, [REFS[0]], MARCH, MARCH + HOUR, 1);
    const expected = await store.listForEntity(REFS[0], MARCH, MARCH + HOUR);
    expect(got.map(i => [i.source, i.id])).toEqual(
      expected.map(i => [i.source, i.id]),
    );
    expect(got).toHaveLength(10);
  });

  it('gives nothing for no refs', async () => {
    expect(await streamed(store, [], MARCH, MARCH + HOUR)).toEqual([]);
  });
});
