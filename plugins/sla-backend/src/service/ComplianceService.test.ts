import { TestDatabases } from '@backstage/backend-test-utils';
import {
  figuresOf,
  Incident,
  readSlaConfig,
} from '@servicelevel/plugin-sla-common';
import {
  componentEntity,
  recordAnnotatedTerms,
  useTestStores,
} from '../__testUtils__/stores';
import {
  annotationVariants,
  CN_WORKDAYS,
  seededRandom,
} from '../__testUtils__/slaConfig';
import { ComplianceService, EntityPeriodResult } from './ComplianceService';
import { ownerOf } from './ReplicaMembership';

/**
 * The bulk paths written for organisation size (evaluateMany, evaluateAll, the result cache)
 * must give exactly what the one-entity path gives (issue 8).
 */

const { config: slaConfig } = readSlaConfig({
  calendars: { 'cn-workdays': CN_WORKDAYS },
  tiers: { gold: { availability: '99.95%', 'response-time': 'P1=5m P2=15m' } },
});

const OBJECTIVES = {
  'servicelevel.io/availability': '99.9%',
  'servicelevel.io/response-time': 'P1=15m P2=30m@95% P3=4h P4=1d',
  'servicelevel.io/resolution-time': 'P1=4h P2=8h P3=3d P4=5d',
  'servicelevel.io/max-outage': '2h',
  'servicelevel.io/maintenance': 'Sun 02:00-04:00',
};
const ANNOTATIONS: Array<Record<string, string>> = [
  ...annotationVariants(OBJECTIVES),
  { ...OBJECTIVES, 'servicelevel.io/timezone': 'Asia/Kolkata' },
];
const NOW = Date.UTC(2026, 10, 25, 12);
const FROM = Date.UTC(2026, 0, 1);
const ref = (i: number) => `component:default/svc-${i}`;

const rand = seededRandom(3);

function incidents(count: number): Incident[] {
  const out: Incident[] = [];
  for (let k = 0; k < count; k++) {
    const createdAt = FROM + Math.floor(rand() * (NOW - FROM - 3_600_000));
    const i: Incident = {
      source: 'webhook',
      id: `I${k}`,
      entityRef: ref(Math.floor(rand() * ANNOTATIONS.length)),
      title: `incident ${k}`,
      priority: (['P1', 'P2', 'P3', 'P4'] as const)[Math.floor(rand() * 4)],
      createdAt,
      pauses: [],
    };
    if (rand() < 0.9) i.acknowledgedAt = createdAt + rand() * 7_200_000;
    // Long ones cross month ends; some stay open.
    const resolvedAt =
      createdAt + Math.floor(rand() * rand() * 20 * 86_400_000);
    if (rand() < 0.9 && resolvedAt < NOW) i.resolvedAt = resolvedAt;
    if (i.acknowledgedAt) i.acknowledgedAt = Math.floor(i.acknowledgedAt);
    if (i.acknowledgedAt !== undefined && i.acknowledgedAt > NOW)
      delete i.acknowledgedAt;
    if (rand() < 0.1) {
      const start = createdAt + Math.floor(rand() * 3_600_000);
      i.pauses.push({ start, end: start + Math.floor(rand() * 86_400_000) });
    }
    if (rand() < 0.3) {
      const end = createdAt + Math.floor(rand() * 3 * 86_400_000);
      i.outage =
        end < NOW && rand() < 0.9
          ? { start: createdAt, end, planned: rand() < 0.1 }
          : { start: createdAt };
    }
    out.push(i);
  }
  return out;
}

/** Results compared as the API serves them. */
const json = (r: unknown) => JSON.parse(JSON.stringify(r));

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

describe.each(databases.eachSupportedId())(
  'ComplianceService bulk paths, %p',
  databaseId => {
    const db = useTestStores(databases, databaseId);
    const service = (cacheMaxAgeMs?: number) =>
      new ComplianceService({ ...db.stores, slaConfig, cacheMaxAgeMs });

    beforeAll(async () => {
      await db.stores.entities.syncEntities(
        ANNOTATIONS.map((annotations, i) =>
          componentEntity(ref(i), annotations, FROM, {
            ownerRef: `group:default/team-${i % 2}`,
          }),
        ),
        FROM,
      );
      for (const [i, annotations] of ANNOTATIONS.entries()) {
        const versions = [annotations];
        // The first service renegotiated in June: older periods keep version 1.
        if (i === 0) {
          versions.push({
            ...annotations,
            'servicelevel.io/availability': '99.5%',
          });
        }
        for (const [v, a] of versions.entries()) {
          await recordAnnotatedTerms(
            db.stores.terms,
            [[ref(i), a]],
            slaConfig,
            v === 0 ? FROM - 86_400_000 : Date.UTC(2026, 5, 10),
          );
        }
      }
      await db.stores.incidents.upsertIncidents(incidents(600), { now: FROM });
    });

    it.each([
      ['the open month', { kind: 'current' as const }],
      [
        'a custom range',
        { kind: 'range' as const, from: '2026-02-10', to: '2026-05-03' },
      ],
      ['a closed month', { kind: 'key' as const, key: '2026-03' }],
      ['a closed quarter', { kind: 'key' as const, key: '2026-Q3' }],
    ])(
      'evaluateMany over %s equals entityCompliance of each entity',
      async (_n, query) => {
        await db.knex('sla_snapshots').delete();
        const one = service(0);
        const single = [];
        for (let i = 0; i < ANNOTATIONS.length; i++) {
          single.push(await one.entityCompliance(ref(i), query, NOW));
        }
        // Published by the one-entity path: the bulk path must publish the same, afresh.
        const publishedOneByOne = await db
          .knex('sla_snapshots')
          .select('entity_ref', 'period_key', 'result', 'terms_version')
          .orderBy(['entity_ref', 'period_key']);
        await db.knex('sla_snapshots').delete();
        const many = await service(0).evaluateMany(query, NOW);
        expect(json(many)).toEqual(json(single));
        expect(
          await db
            .knex('sla_snapshots')
            .select('entity_ref', 'period_key', 'result', 'terms_version')
            .orderBy(['entity_ref', 'period_key']),
        ).toEqual(publishedOneByOne);
      },
    );

    it('evaluateAll gives every period of the year exactly as the one-entity path computes it', async () => {
      await db.knex('sla_snapshots').delete();
      const all: EntityPeriodResult[] = [];
      const count = await service(0).evaluateAll({
        from: FROM,
        to: NOW,
        now: NOW,
        pageSize: 2,
        onResult: r => {
          all.push(r);
        },
      });
      // 3 monthly services × 11 months, the New York one × 12 (its December 2025 overlaps
      // January 1 UTC), the quarterly one × 4 quarters.
      expect(count).toBe(3 * 11 + 12 + 4);
      expect(all).toHaveLength(count);
      const one = service(0);
      for (const r of all) {
        const expected = await one.entityCompliance(
          r.entityRef,
          {
            kind: 'range',
            from: new Date(r.period.start).toISOString(),
            to: new Date(r.period.end).toISOString(),
          },
          NOW,
        );
        // Equal but for the period's name (a month key here, a from..to range there), and the
        // other period an incident counts in, which a custom range does not name.
        const { period: _a, ...computed } = r.result;
        const { period: _b, ...oneByOne } = expected.result;
        const unnamed = (rows: typeof computed.incidents) =>
          rows.map(({ countedIn: _c, ...i }) => i);
        expect(
          json({ ...computed, incidents: unnamed(computed.incidents) }),
        ).toEqual(
          json({ ...oneByOne, incidents: unnamed(oneByOne.incidents) }),
        );
        expect(expected.result.period.start).toBe(r.period.start);
        expect(r.termsVersion).toBe(expected.termsVersion);
      }
      // Version 2 of the first service applies from the period in force after June 10.
      expect(
        all
          .filter(r => r.entityRef === ref(0))
          .map(r => `${r.period.key}:${r.termsVersion}`),
      ).toEqual([
        ...['01', '02', '03', '04', '05'].map(m => `2026-${m}:1`),
        ...['06', '07', '08', '09', '10', '11'].map(m => `2026-${m}:2`),
      ]);
    });

    it('evaluateOwnKind gives each entity the periods of its own kind, as entityCompliance does', async () => {
      await db.knex('sla_snapshots').delete();
      const own = await service(0).evaluateOwnKind(
        { kind: 'key', key: '2026-02' },
        NOW,
      );
      const one = service(0);
      for (const o of own) {
        const quarterly = o.periodKind === 'quarterly';
        // A month of a quarterly service is its quarter; the month before is still Q1.
        expect(o.selected.map(r => r.period.key)).toEqual(
          quarterly ? ['2026-Q1'] : ['2026-02'],
        );
        expect(o.previous.map(r => r.period.key)).toEqual(
          quarterly ? ['2026-Q1'] : ['2026-01'],
        );
        // The year: every started period of its own kind (Nov 25: 4 quarters, 11 months).
        expect(o.year).toHaveLength(quarterly ? 4 : 11);
        for (const r of [...o.selected, ...o.year]) {
          const expected = await one.entityCompliance(
            o.entity.entityRef,
            { kind: 'key', key: r.period.key },
            NOW,
          );
          // Every period comes as its figures only (the overview sums them).
          expect(json(r)).toEqual(
            json({ ...expected, result: figuresOf(expected.result) }),
          );
        }
      }
      expect(own.filter(o => o.periodKind === 'quarterly')).toHaveLength(1);
    });

    it('evaluateOwnKind holds equal figures once, frozen, across entities and periods', async () => {
      await db.knex('sla_snapshots').delete();
      const own = await service(0).evaluateOwnKind(
        { kind: 'key', key: '2026-02' },
        NOW,
      );
      // Each result once (the selected month is also one of the year's).
      const results = new Set(own.flatMap(o => [...o.selected, ...o.year]));
      const groups = new Map<string, object[]>();
      const add = (value: object) => {
        const k = JSON.stringify(value);
        groups.set(k, [...(groups.get(k) ?? []), value]);
      };
      for (const { result } of results) {
        add(result.objectives);
        add(result.availability);
        // Statuses only: the objectives' texts are read whole from an entity's result.
        for (const o of result.objectives) {
          expect(Object.keys(o).sort()).toEqual(['objective', 'status']);
          expect(Object.isFrozen(o)).toBe(true);
        }
      }
      const repeated = [...groups.values()].filter(g => g.length > 1);
      // Months read the same for many services: the check below is not vacuous.
      expect(repeated.length).toBeGreaterThan(5);
      expect(repeated.flat().length).toBeGreaterThan(results.size);
      for (const group of repeated) {
        // Equal by value means one object (SharedFigures), not copies.
        expect(new Set(group).size).toBe(1);
        expect(Object.isFrozen(group[0])).toBe(true);
      }
    });

    it('snapshotClosedPeriods split between two replicas publishes what one whole run does, each entity once', async () => {
      const published = () =>
        db
          .knex('sla_snapshots')
          .select('entity_ref', 'period_key', 'result', 'terms_version')
          .orderBy(['entity_ref', 'period_key']);
      await db.knex('sla_snapshots').delete();
      const whole = await service(0).snapshotClosedPeriods(NOW);
      const wholeRows = await published();
      await db.knex('sla_snapshots').delete();

      const replicas = ['replica-a', 'replica-b'];
      const runs = [];
      for (const self of replicas) {
        runs.push(
          await service(0).snapshotClosedPeriods(NOW, {
            owns: r => ownerOf(r, replicas) === self,
          }),
        );
      }

      // Every entity by one replica exactly: the shares add up to the whole, none empty.
      expect(whole.entities).toBe(ANNOTATIONS.length);
      expect(runs.map(r => r.entities).reduce((a, b) => a + b)).toBe(
        ANNOTATIONS.length,
      );
      expect(runs.map(r => r.written).reduce((a, b) => a + b)).toBe(
        whole.written,
      );
      expect(runs.every(r => r.entities > 0)).toBe(true);
      expect(await published()).toEqual(wholeRows);
      // Closed periods are written once: a repeated run (a share that moved) writes nothing.
      expect(await service(0).snapshotClosedPeriods(NOW)).toEqual({
        written: 0,
        entities: ANNOTATIONS.length,
      });
    });

    it('serves cached results until a write through the stores, then recomputes', async () => {
      const cached = service(60_000);
      const query = { kind: 'current' as const };
      const first = await cached.entityCompliance(ref(1), query, NOW);
      expect(await cached.entityCompliance(ref(1), query, NOW + 1000)).toBe(
        first,
      );
      const overview = await cached.evaluateMany(query, NOW);
      expect(await cached.evaluateMany(query, NOW + 1000)).toBe(overview);

      await db.stores.incidents.upsertIncidents(
        [
          {
            source: 'webhook',
            id: 'late',
            entityRef: ref(1),
            title: 'arrived after the first read',
            priority: 'P1',
            createdAt: NOW - 3_600_000,
            pauses: [],
          },
        ],
        { now: NOW },
      );
      const after = await cached.entityCompliance(ref(1), query, NOW + 2000);
      expect(after).not.toBe(first);
      expect(after.result.incidents.map(i => i.id)).toContain('late');
      expect(
        (await cached.evaluateMany(query, NOW + 2000))
          .find(r => r.entityRef === ref(1))!
          .result.incidents.map(i => i.id),
      ).toContain('late');
      // Past the maximum age without writes: served once more while it is computed again
      // in the background, and never past twice the maximum age.
      const aged = NOW + 2000 + 60_000;
      expect(await cached.entityCompliance(ref(1), query, aged)).toBe(after);
      const later = await cached.entityCompliance(ref(1), query, aged + 60_001);
      expect(later).not.toBe(after);
      expect(later.result.evaluatedAt).toBeGreaterThanOrEqual(aged);
    });

    it("takes an entity and its versions from the last bulk plan's list, until a write to the entities or the plan's age", async () => {
      const { entities, terms } = db.stores;
      const query = { kind: 'key' as const, key: '2026-03' };
      const expected = [];
      for (let i = 0; i < ANNOTATIONS.length; i++) {
        expected.push(await service(0).entityCompliance(ref(i), query, NOW));
      }
      const cached = service(10_000);
      await cached.evaluateMany({ kind: 'current' }, NOW);
      const getEntity = jest.spyOn(entities, 'getEntity');
      const listVersions = jest.spyOn(terms, 'listVersions');
      try {
        // Every entity, the one with two versions too, as if it had been read itself.
        const listed = [];
        for (let i = 0; i < ANNOTATIONS.length; i++) {
          listed.push(await cached.entityCompliance(ref(i), query, NOW + 1));
        }
        expect(json(listed)).toEqual(json(expected));
        expect(getEntity).not.toHaveBeenCalled();
        expect(listVersions).not.toHaveBeenCalled();

        // Past the age of a plan (a minute), the list is not used.
        const other = { kind: 'key' as const, key: '2026-04' };
        await cached.entityCompliance(ref(1), other, NOW + 60_000);
        expect(getEntity).toHaveBeenCalledWith(ref(1));

        // Listed anew by a bulk plan, then dropped by a write to the entities.
        await cached.evaluateMany(
          { kind: 'key', key: '2026-05' },
          NOW + 60_000,
        );
        getEntity.mockClear();
        await cached.entityCompliance(ref(2), other, NOW + 60_001);
        expect(getEntity).not.toHaveBeenCalled();
        await entities.syncEntities(
          ANNOTATIONS.map((annotations, i) =>
            componentEntity(ref(i), annotations, FROM, {
              ownerRef: `group:default/team-${i % 2}`,
            }),
          ),
          FROM,
        );
        await cached.entityCompliance(ref(3), other, NOW + 60_002);
        expect(getEntity).toHaveBeenCalledWith(ref(3));
      } finally {
        getEntity.mockRestore();
        listVersions.mockRestore();
      }
    });
  },
);
