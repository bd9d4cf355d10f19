import type { Incident, VendorVerdict } from '@servicelevel/plugin-sla-common';
import fc from 'fast-check';
import { Knex } from 'knex';
import {
  DatabaseIncidentStore,
  RELEVANT_FOREVER,
  relevantTo,
  relevantUntil,
} from './DatabaseIncidentStore';
import {
  describeStoreOnEachDatabase,
  rejectionMessage,
} from './__testUtils__/testDatabases';
import { referenceRelevantTo } from '../__testUtils__/relevance';

jest.setTimeout(60_000);

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** 2026-03-01T00:00:00Z: beyond 2^31 ms, so the bigint columns are exercised. */
const MARCH = Date.UTC(2026, 2, 1);
const APRIL = Date.UTC(2026, 3, 1);
const CAD = 'component:default/cad-core';
const BILLING = 'component:default/billing';

function incident(id: string, overrides: Partial<Incident> = {}): Incident {
  return {
    source: 'api',
    id,
    entityRef: CAD,
    title: `Incident ${id}`,
    priority: 'P2',
    createdAt: MARCH - DAY,
    pauses: [],
    ...overrides,
  };
}

describeStoreOnEachDatabase(DatabaseIncidentStore, setup => {
  describe('upsertIncidents', () => {
    it('stores each incident once when the same batch is sent twice, reporting updates the second time', async () => {
      const { knex, store } = await setup();
      const batch = [incident('A'), incident('B'), incident('C')];

      await expect(
        store.upsertIncidents(batch, { now: MARCH }),
      ).resolves.toEqual({ inserted: 3, updated: 0 });
      await expect(
        store.upsertIncidents(batch, { now: MARCH + HOUR }),
      ).resolves.toEqual({ inserted: 0, updated: 3 });

      const rows = await knex('sla_incidents').select('incident_id');
      expect(rows.map(r => r.incident_id).sort()).toEqual(['A', 'B', 'C']);
      expect((await store.get('api', 'A'))?.updatedAt).toBe(MARCH + HOUR);
    });

    it('identifies incidents by source and id together', async () => {
      const { store } = await setup();
      await expect(
        store.upsertIncidents([
          incident('1', { source: 'api' }),
          incident('1', { source: 'pagerduty', title: 'From PagerDuty' }),
        ]),
      ).resolves.toEqual({ inserted: 2, updated: 0 });
      expect((await store.get('pagerduty', '1'))?.title).toBe('From PagerDuty');
      expect((await store.get('api', '1'))?.title).toBe('Incident 1');
    });

    it('counts a mixed batch as inserted and updated, and the update replaces every field', async () => {
      const { store } = await setup();
      await store.upsertIncidents(
        [incident('A', { resolvedAt: MARCH, url: 'https://x/A' })],
        { now: MARCH },
      );

      const result = await store.upsertIncidents(
        [incident('A', { title: 'Renamed', priority: 'P1' }), incident('B')],
        { now: MARCH + 1 },
      );

      expect(result).toEqual({ inserted: 1, updated: 1 });
      // resolvedAt and url were not sent again: the stored incident no longer has them.
      expect(await store.get('api', 'A')).toStrictEqual({
        ...incident('A', { title: 'Renamed', priority: 'P1' }),
        updatedAt: MARCH + 1,
      });
    });

    it('keeps the last copy of an incident repeated within one batch', async () => {
      const { store } = await setup();
      await expect(
        store.upsertIncidents([
          incident('A', { title: 'first' }),
          incident('A', { title: 'second' }),
        ]),
      ).resolves.toEqual({ inserted: 1, updated: 0 });
      expect((await store.get('api', 'A'))?.title).toBe('second');
    });

    it('writes nothing when one row of the batch violates a constraint', async () => {
      const { knex, store } = await setup();
      await store.upsertIncidents([incident('existing', { title: 'old' })], {
        now: MARCH,
      });

      // 150 rows span several insert statements; the bad one is in a late one, so earlier
      // statements have already run when it fails.
      const batch = [
        incident('existing', { title: 'new' }),
        ...Array.from({ length: 149 }, (_, i) => incident(`new-${i}`)),
      ];
      batch[140] = { ...batch[140], title: null as unknown as string };

      // SQLite: "NOT NULL constraint failed: sla_incidents.title"; PostgreSQL: "null value
      // in column "title" … violates not-null constraint".
      expect(
        await rejectionMessage(
          store.upsertIncidents(batch, { now: MARCH + HOUR }),
        ),
      ).toMatch(/title/);

      const rows = await knex('sla_incidents').select('incident_id', 'title');
      expect(rows).toEqual([{ incident_id: 'existing', title: 'old' }]);
    });

    it('handles a batch of 1,000 incidents, half of them already stored', async () => {
      const { knex, store } = await setup();
      const all = Array.from({ length: 1000 }, (_, i) =>
        incident(`INC-${i}`, {
          createdAt: MARCH + i * 1000,
          pauses: [{ start: MARCH + i * 1000 + 1, end: MARCH + i * 1000 + 2 }],
        }),
      );
      await expect(
        store.upsertIncidents(all.filter((_, i) => i % 2 === 0)),
      ).resolves.toEqual({ inserted: 500, updated: 0 });

      await expect(store.upsertIncidents(all)).resolves.toEqual({
        inserted: 500,
        updated: 500,
      });

      const [{ count }] = await knex('sla_incidents').count({ count: '*' });
      expect(Number(count)).toBe(1000);
      expect((await store.get('api', 'INC-999'))?.pauses).toEqual([
        { start: MARCH + 999_001, end: MARCH + 999_002 },
      ]);
    });

    it('lets concurrent writers of the same incidents in different orders all succeed', async () => {
      const { knex, store } = await setup();
      const ids = Array.from({ length: 1000 }, (_, i) => `INC-${i}`);
      let seed = 7;
      const random = () => {
        seed = (seed * 48271) % 2147483647;
        return seed / 2147483647;
      };
      // Random orders per writer and round: before rows were sorted, PostgreSQL found
      // deadlocks in about one request of four here.
      for (let round = 0; round < 4; round++) {
        const writers = [0, 1, 2].map(w =>
          store.upsertIncidents(
            ids
              .map(id => ({ id, key: random() }))
              .sort((a, b) => a.key - b.key)
              .map(({ id }) =>
                incident(id, { title: `round ${round} writer ${w}` }),
              ),
          ),
        );
        const results = await Promise.all(writers);
        // Each writer accounts for all its rows; which writer "inserted" a row is only
        // exact without concurrent writers of the same incidents.
        expect(results.map(r => r.inserted + r.updated)).toEqual([
          1000, 1000, 1000,
        ]);
      }
      const [{ count }] = await knex('sla_incidents').count({ count: '*' });
      expect(Number(count)).toBe(1000);
    });

    it('accepts an empty batch', async () => {
      const { store } = await setup();
      await expect(store.upsertIncidents([])).resolves.toEqual({
        inserted: 0,
        updated: 0,
      });
    });
  });

  describe('round trip', () => {
    it('reads back every field of a complete incident', async () => {
      const { store } = await setup();
      const full: Incident = {
        source: 'servicenow',
        id: 'INC0012345',
        entityRef: CAD,
        title: 'Dispatch consoles frozen',
        priority: 'P1',
        createdAt: MARCH + 1,
        acknowledgedAt: MARCH + 600_000,
        resolvedAt: MARCH + 2 * HOUR,
        pauses: [
          { start: MARCH + HOUR, end: MARCH + HOUR + 60_000 },
          { start: MARCH + HOUR + 120_000 },
        ],
        outage: {
          start: MARCH + 2,
          end: MARCH + HOUR,
          planned: true,
          impact: 'degraded',
        },
        url: 'https://example.service-now.com/INC0012345',
        region: 'cn',
      };
      await store.upsertIncidents([full], { now: MARCH + 3 * HOUR });

      const stored = await store.get('servicenow', 'INC0012345');
      expect(stored).toStrictEqual({
        ...full,
        updatedAt: MARCH + 3 * HOUR,
      });
      // Built with `new` (see fromRow), yet a plain object like the literal it replaced.
      expect(Object.getPrototypeOf(stored)).toBe(Object.prototype);
      expect(JSON.parse(JSON.stringify(stored))).toEqual(stored);
    });

    it('leaves absent optional fields absent rather than null', async () => {
      const { store } = await setup();
      await store.upsertIncidents(
        [
          incident('minimal'),
          incident('open-outage', { outage: { start: MARCH } }),
          incident('unplanned', {
            outage: { start: MARCH, end: MARCH + 1, impact: 'down' },
          }),
        ],
        { now: MARCH },
      );

      const minimal = await store.get('api', 'minimal');
      expect(minimal).toStrictEqual({
        ...incident('minimal'),
        updatedAt: MARCH,
      });
      expect(Object.keys(minimal!).sort()).toEqual([
        'createdAt',
        'entityRef',
        'id',
        'pauses',
        'priority',
        'source',
        'title',
        'updatedAt',
      ]);
      expect((await store.get('api', 'open-outage'))?.outage).toStrictEqual({
        start: MARCH,
      });
      expect((await store.get('api', 'unplanned'))?.outage).toStrictEqual({
        start: MARCH,
        end: MARCH + 1,
        impact: 'down',
      });
    });

    it('returns undefined for an unknown incident', async () => {
      const { store } = await setup();
      await store.upsertIncidents([incident('A')]);
      await expect(store.get('api', 'B')).resolves.toBeUndefined();
      await expect(store.get('csv', 'A')).resolves.toBeUndefined();
    });
  });

  describe('listForEntity', () => {
    const window = [
      // Excluded: finished before the window.
      incident('resolved-before', {
        createdAt: MARCH - 10 * DAY,
        acknowledgedAt: MARCH - 10 * DAY + HOUR,
        resolvedAt: MARCH - DAY,
      }),
      incident('outage-ended-before', {
        createdAt: MARCH - 10 * DAY,
        resolvedAt: MARCH - 9 * DAY,
        outage: { start: MARCH - 10 * DAY, end: MARCH - 1 },
      }),
      // Excluded: created at or after the end of the window.
      incident('created-at-end', { createdAt: APRIL }),
      // Excluded: another entity.
      incident('other-entity', { entityRef: BILLING, createdAt: MARCH }),
      // Included.
      incident('open', { createdAt: MARCH - 5 * DAY }),
      incident('resolved-at-start', {
        createdAt: MARCH - 2 * DAY,
        resolvedAt: MARCH,
      }),
      incident('resolved-inside', {
        createdAt: MARCH - 3 * DAY,
        resolvedAt: MARCH + HOUR,
      }),
      incident('outage-overlaps', {
        createdAt: MARCH - 8 * DAY,
        resolvedAt: MARCH - 7 * DAY,
        outage: { start: MARCH - 8 * DAY, end: MARCH + 2 * HOUR },
      }),
      incident('outage-open', {
        createdAt: MARCH - 6 * DAY,
        resolvedAt: MARCH - 6 * DAY + HOUR,
        outage: { start: MARCH - 6 * DAY },
      }),
      incident('created-inside', {
        createdAt: APRIL - 1,
        acknowledgedAt: APRIL + HOUR,
      }),
    ];

    it('returns the incidents that can matter for the window, by creation time', async () => {
      const { store } = await setup();
      await store.upsertIncidents(window);

      const listed = await store.listForEntity(CAD, MARCH, APRIL);

      expect(listed.map(i => i.id)).toEqual([
        'outage-overlaps',
        'outage-open',
        'open',
        'resolved-inside',
        'resolved-at-start',
        'created-inside',
      ]);
      expect(listed.find(i => i.id === 'outage-overlaps')?.outage).toEqual({
        start: MARCH - 8 * DAY,
        end: MARCH + 2 * HOUR,
      });
    });

    it('groups the same selection by entity for many entities at once', async () => {
      const { store } = await setup();
      await store.upsertIncidents([
        ...window,
        incident('billing-open', {
          entityRef: BILLING,
          createdAt: MARCH - 1,
        }),
      ]);
      const unknown = 'component:default/nothing';

      const byEntity = await store.listForEntities(
        [CAD, BILLING, unknown],
        MARCH,
        APRIL,
      );

      expect([...byEntity.keys()].sort()).toEqual(
        [BILLING, CAD, unknown].sort(),
      );
      expect(byEntity.get(CAD)).toEqual(
        await store.listForEntity(CAD, MARCH, APRIL),
      );
      expect(byEntity.get(BILLING)!.map(i => i.id)).toEqual([
        'billing-open',
        'other-entity',
      ]);
      expect(byEntity.get(unknown)).toEqual([]);
    });
  });

  describe('relevant_until', () => {
    const ORDER = ['entity_ref', 'created_at', 'source', 'incident_id'];
    const relevantUntilOf = async (knex: Knex, id: string) =>
      Number(
        (await knex('sla_incidents').where('incident_id', id).first())
          .relevant_until,
      );

    it('returns exactly the rows of the predicate it replaced, in the same order, after any writes and re-sends', async () => {
      const { knex, store } = await setup();
      const hours = (min: number, max: number) =>
        fc.integer({ min, max }).map(h => MARCH + h * HOUR);
      const instant = hours(0, 12);
      // Few ids, entities and sources on a coarse grid: re-sends, ties and boundaries are common.
      const incidentArb = fc.record(
        {
          id: fc.constantFrom('A', 'B', 'C', 'D', 'E', 'F', 'G', 'H'),
          source: fc.constantFrom('api', 'pagerduty'),
          entityRef: fc.constantFrom(CAD, BILLING),
          createdAt: instant,
          acknowledgedAt: instant,
          resolvedAt: instant,
          outage: fc.record(
            { start: instant, end: instant },
            { requiredKeys: ['start'] },
          ),
        },
        { requiredKeys: ['id', 'source', 'entityRef', 'createdAt'] },
      );
      const windowArb = fc.tuple(hours(-2, 14), hours(-2, 14));
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.array(incidentArb, { maxLength: 12 }), {
            minLength: 1,
            maxLength: 3,
          }),
          fc.array(windowArb, { minLength: 1, maxLength: 4 }),
          async (batches, windows) => {
            await knex('sla_incidents').delete();
            for (const batch of batches) {
              await store.upsertIncidents(
                batch.map(b => incident(b.id, b as Partial<Incident>)),
              );
            }
            for (const [from, to] of windows) {
              const ids = (
                rows: Array<{ source: string; incident_id: string }>,
              ) => rows.map(r => `${r.source}/${r.incident_id}`);
              const expected = ids(
                await previousRelevantTo(knex('sla_incidents'), from, to)
                  .orderBy(ORDER)
                  .select('source', 'incident_id', 'entity_ref'),
              );
              expect(
                ids(
                  await relevantTo(knex('sla_incidents'), from, to)
                    .orderBy(ORDER)
                    .select('source', 'incident_id'),
                ),
              ).toEqual(expected);
              const byEntity = await store.listForEntities(
                [CAD, BILLING],
                from,
                to,
              );
              expect(
                [BILLING, CAD].flatMap(ref =>
                  byEntity.get(ref)!.map(i => `${i.source}/${i.id}`),
                ),
              ).toEqual(expected);
              expect(
                (await store.listForEntity(CAD, from, to)).map(
                  i => `${i.source}/${i.id}`,
                ),
              ).toEqual(byEntity.get(CAD)!.map(i => `${i.source}/${i.id}`));
            }
          },
        ),
        { numRuns: 40, seed: 14 },
      );
    }, 240_000);

    it('is rewritten by every re-send, so an incident leaves the open period once resolved', async () => {
      const { knex, store } = await setup();
      const created = MARCH - 20 * DAY;
      const open = incident('X', { createdAt: created });
      const listedInMarch = async () =>
        (await store.listForEntity(CAD, MARCH, APRIL)).map(i => i.id);

      await store.upsertIncidents([open]);
      expect(await relevantUntilOf(knex, 'X')).toBe(RELEVANT_FOREVER);
      expect(await listedInMarch()).toEqual(['X']);

      // Resolved in February: March no longer reads it.
      await store.upsertIncidents([
        { ...open, acknowledgedAt: created + HOUR, resolvedAt: MARCH - DAY },
      ]);
      expect(await relevantUntilOf(knex, 'X')).toBe(MARCH - DAY);
      expect(await listedInMarch()).toEqual([]);

      // Its outage reopened: it matters to every period again.
      await store.upsertIncidents([
        {
          ...open,
          resolvedAt: MARCH - DAY,
          outage: { start: created },
        },
      ]);
      expect(await relevantUntilOf(knex, 'X')).toBe(RELEVANT_FOREVER);
      expect(await listedInMarch()).toEqual(['X']);

      // The outage ended in March, after the resolution; through the batch path this time.
      async function* batches() {
        yield [
          {
            ...open,
            resolvedAt: MARCH - DAY,
            outage: { start: created, end: MARCH + 5 * HOUR },
          },
        ];
      }
      await store.upsertIncidentBatches(batches());
      expect(await relevantUntilOf(knex, 'X')).toBe(MARCH + 5 * HOUR);
      expect(await listedInMarch()).toEqual(['X']);
      expect(
        (await store.listForEntity(CAD, MARCH + 6 * HOUR, APRIL)).map(
          i => i.id,
        ),
      ).toEqual([]);

      // An acknowledgement after the resolution (sources do send them) keeps it to then.
      await store.upsertIncidents([
        { ...open, resolvedAt: MARCH - DAY, acknowledgedAt: MARCH + DAY },
      ]);
      expect(await relevantUntilOf(knex, 'X')).toBe(MARCH + DAY);
    });
  });

  it('counts incidents per entity', async () => {
    const { store } = await setup();
    await store.upsertIncidents([
      incident('A'),
      incident('B'),
      incident('C', { entityRef: BILLING }),
    ]);
    await expect(store.countByEntity()).resolves.toEqual([
      { entityRef: BILLING, count: 1 },
      { entityRef: CAD, count: 2 },
    ]);
  });

  it('lists every source it holds, with counts, newest incident and last write', async () => {
    const { store } = await setup();
    await expect(store.countBySource()).resolves.toEqual([]);
    await store.upsertIncidents(
      [
        incident('A', { createdAt: Date.UTC(2026, 2, 1) }),
        incident('B', { createdAt: Date.UTC(2026, 2, 9) }),
        incident('C', { source: 'csv', createdAt: Date.UTC(2026, 1, 1) }),
      ],
      { now: Date.UTC(2026, 2, 10) },
    );
    await store.upsertIncidents(
      [
        incident('C', {
          source: 'csv',
          createdAt: Date.UTC(2026, 1, 1),
          title: 'Renamed on re-import',
        }),
      ],
      { now: Date.UTC(2026, 2, 11) },
    );
    const sources = await store.countBySource();
    expect(sources).toEqual([
      {
        source: 'api',
        incidents: 2,
        lastIncidentAt: Date.UTC(2026, 2, 9),
        lastWrittenAt: Date.UTC(2026, 2, 10),
      },
      {
        source: 'csv',
        incidents: 1,
        lastIncidentAt: Date.UTC(2026, 1, 1),
        lastWrittenAt: Date.UTC(2026, 2, 11),
      },
    ]);
  });

  describe('vendor verdicts', () => {
    const verdict = (
      incidentId: string,
      over: Partial<VendorVerdict> = {},
    ): VendorVerdict => ({
      source: 'api',
      incidentId,
      clock: 'resolution',
      slaName: 'Time to resolution',
      breached: false,
      ...over,
    });

    it('stores the verdicts with their incidents and reads them back by source and period', async () => {
      const { store } = await setup();
      await store.upsertIncidents(
        [
          incident('A', { createdAt: MARCH + DAY }),
          incident('B', { createdAt: MARCH + 2 * DAY, entityRef: BILLING }),
          incident('old', {
            createdAt: MARCH - 40 * DAY,
            resolvedAt: MARCH - 39 * DAY,
          }),
        ],
        {
          now: MARCH,
          vendorVerdicts: [
            verdict('A', {
              breached: true,
              elapsedMs: 5 * HOUR,
              goalMs: 4 * HOUR,
              percentage: 125.25,
              schedule: '8-5 weekdays',
              pausedMs: HOUR,
            }),
            verdict('A', {
              clock: 'response',
              slaName: 'Time to first response',
            }),
            verdict('B'),
            verdict('old'),
            // Not on the page: dropped.
            verdict('elsewhere'),
          ],
        },
      );

      await expect(
        store.listVendorVerdicts('api', MARCH, APRIL),
      ).resolves.toEqual([
        {
          ...verdict('B'),
          entityRef: BILLING,
        },
        {
          ...verdict('A', {
            breached: true,
            elapsedMs: 5 * HOUR,
            goalMs: 4 * HOUR,
            percentage: 125.25,
            schedule: '8-5 weekdays',
            pausedMs: HOUR,
          }),
          entityRef: CAD,
        },
        {
          ...verdict('A', {
            clock: 'response',
            slaName: 'Time to first response',
          }),
          entityRef: CAD,
        },
      ]);
      await expect(
        store.listVendorVerdicts('csv', MARCH, APRIL),
      ).resolves.toEqual([]);
    });

    it("replaces an incident's verdicts when a page brings verdicts, and keeps them when it brings none", async () => {
      const { store } = await setup();
      const a = incident('A', { createdAt: MARCH + DAY });
      await store.upsertIncidents([a], {
        vendorVerdicts: [verdict('A'), verdict('A', { clock: 'response' })],
      });
      await store.upsertIncidents([a]);
      expect((await store.listVendorVerdicts('api', MARCH, APRIL)).length).toBe(
        2,
      );

      await store.upsertIncidents([a], {
        vendorVerdicts: [verdict('A', { breached: true })],
      });
      const after = await store.listVendorVerdicts('api', MARCH, APRIL);
      expect(after.map(v => [v.clock, v.breached])).toEqual([
        ['resolution', true],
      ]);
    });

    it('writes nothing when the verdicts cannot be stored', async () => {
      const { store } = await setup();
      expect(
        await rejectionMessage(
          store.upsertIncidents([incident('A', { createdAt: MARCH + DAY })], {
            // NOT NULL on every engine.
            vendorVerdicts: [
              verdict('A', { breached: null as unknown as boolean }),
            ],
          }),
        ),
      ).toMatch(/null/i);
      await expect(store.get('api', 'A')).resolves.toBeUndefined();
    });
  });
});

/**
 * The filter relevantTo replaced, kept as the reference: referenceRelevantTo written as SQL,
 * so that the rows and their order come from the database as they did before.
 */
function previousRelevantTo(
  query: Knex.QueryBuilder,
  from: number,
  to: number,
): Knex.QueryBuilder {
  return query.where('created_at', '<', to).andWhere(q =>
    q
      .whereNull('resolved_at')
      .orWhere('resolved_at', '>=', from)
      .orWhere('acknowledged_at', '>=', from)
      .orWhere(o =>
        o
          .whereNotNull('outage_start')
          .andWhere(e =>
            e.whereNull('outage_end').orWhere('outage_end', '>=', from),
          ),
      ),
  );
}

describe('relevantUntil', () => {
  it('selects, with created_at, the incidents the reference filter selects', () => {
    const instant = fc.integer({ min: -5, max: 5 }).map(h => MARCH + h * HOUR);
    fc.assert(
      fc.property(
        fc.record(
          {
            createdAt: instant,
            acknowledgedAt: instant,
            resolvedAt: instant,
            outage: fc.record(
              { start: instant, end: instant },
              { requiredKeys: ['start'] },
            ),
          },
          { requiredKeys: ['createdAt'] },
        ),
        instant,
        instant,
        (fields, from, to) => {
          const i = incident('P', fields as Partial<Incident>);
          expect(i.createdAt < to && relevantUntil(i) >= from).toBe(
            referenceRelevantTo(i, from, to),
          );
        },
      ),
      { numRuns: 2_000, seed: 14 },
    );
  });

  it('is the latest of resolution, first response and outage end, and forever while open', () => {
    const base = incident('P', { createdAt: MARCH });
    expect(relevantUntil(base)).toBe(RELEVANT_FOREVER);
    expect(RELEVANT_FOREVER).toBe(new Date(8.64e15).getTime());
    expect(relevantUntil({ ...base, resolvedAt: MARCH + HOUR })).toBe(
      MARCH + HOUR,
    );
    expect(
      relevantUntil({
        ...base,
        resolvedAt: MARCH + HOUR,
        acknowledgedAt: MARCH + 2 * HOUR,
      }),
    ).toBe(MARCH + 2 * HOUR);
    expect(
      relevantUntil({
        ...base,
        resolvedAt: MARCH + HOUR,
        outage: { start: MARCH, end: MARCH + 3 * HOUR },
      }),
    ).toBe(MARCH + 3 * HOUR);
    expect(
      relevantUntil({
        ...base,
        resolvedAt: MARCH + HOUR,
        outage: { start: MARCH },
      }),
    ).toBe(RELEVANT_FOREVER);
  });
});
