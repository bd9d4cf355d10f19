import { TestDatabases } from '@backstage/backend-test-utils';
import {
  figuresOf,
  Incident,
  readSlaConfig,
} from '@servicelevel/plugin-sla-common';
import {
  createStores,
  seedServices,
  TestStores,
  useTestStores,
} from '../__testUtils__/stores';
import { ComplianceService, EntityPeriodResult } from './ComplianceService';

/**
 * Issue 14 item 5: a closed period's result read from its snapshot is kept until a snapshot
 * is recomputed, here or by another replica (the snapshot store's change mark), instead of
 * for five minutes: at 20,000 services, each time that age ran out the overview read all
 * 220,000 closed periods again (25–34 s).
 */

const { config: slaConfig } = readSlaConfig({});
const SERVICE = 'component:default/closed-cache';
const ANNOTATIONS = { 'servicelevel.io/availability': '99.9%' };
const MARCH = { kind: 'key' as const, key: '2026-03' };
const FROM = Date.UTC(2026, 0, 1);
const NOW = Date.UTC(2026, 10, 10, 12);
const MAX_AGE = 10_000;
const MINUTE = 60_000;

/** An outage of `minutes` in March 2026. */
const outage = (id: string, day: number, minutes: number): Incident => {
  const start = Date.UTC(2026, 2, day, 3);
  return {
    source: 'closed-cache',
    id,
    entityRef: SERVICE,
    title: id,
    priority: 'P1',
    createdAt: start,
    resolvedAt: start + minutes * MINUTE,
    pauses: [],
    outage: { start, end: start + minutes * MINUTE },
  };
};

const downtime = (r: EntityPeriodResult) => r.result.availability.downtimeMs;

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

describe.each(databases.eachSupportedId())(
  'closed periods kept until a recompute, %p',
  databaseId => {
    const db = useTestStores(databases, databaseId);

    beforeAll(async () => {
      await seedServices(
        db.stores,
        [{ entityRef: SERVICE, annotations: ANNOTATIONS }],
        slaConfig,
        FROM,
      );
      await db.stores.incidents.upsertIncidents([outage('o1', 10, 30)], {
        now: Date.UTC(2026, 2, 20),
      });
    }, 60_000);

    const serviceOn = (stores: TestStores) =>
      new ComplianceService({ ...stores, slaConfig, cacheMaxAgeMs: MAX_AGE });

    /** Reads March at `now` until `until` holds (a change mark read in the background). */
    const readUntil = async (
      service: ComplianceService,
      now: number,
      until: (r: EntityPeriodResult) => boolean,
    ) => {
      for (let attempt = 0; attempt < 400; attempt++) {
        const r = await service.entityCompliance(SERVICE, MARCH, now);
        if (until(r)) return r;
        await new Promise(resolve => setTimeout(resolve, 10));
      }
      throw new Error('the change mark never showed the recompute');
    };

    it('serves a closed month from its snapshot for hours without reading a snapshot again', async () => {
      const service = serviceOn(db.stores);
      const first = await service.entityCompliance(SERVICE, MARCH, NOW);
      expect(first.source).toBe('snapshot');
      expect(downtime(first)).toBe(30 * MINUTE);
      // The overview reads the same closed month among its year, as its figures.
      const [ownKind] = await service.evaluateOwnKind(MARCH, NOW);
      expect(ownKind.selected[0].result).toEqual(figuresOf(first.result));

      const list = jest.spyOn(db.stores.snapshots, 'list');
      const get = jest.spyOn(db.stores.snapshots, 'get');
      try {
        for (const later of [10 * MINUTE, 3 * 60 * MINUTE]) {
          expect(
            await service.entityCompliance(SERVICE, MARCH, NOW + later),
          ).toBe(first);
          const [overview] = await service.evaluateOwnKind(MARCH, NOW + later);
          expect(overview.selected[0]).toBe(ownKind.selected[0]);
        }
        expect(list).not.toHaveBeenCalled();
        expect(get).not.toHaveBeenCalled();
      } finally {
        list.mockRestore();
        get.mockRestore();
      }
    });

    it("shows another replica's recompute within the maximum age, and a late incident only then", async () => {
      const service = serviceOn(db.stores);
      const replica = serviceOn(await createStores(db.knex));
      const before = await service.entityCompliance(SERVICE, MARCH, NOW);
      expect(downtime(before)).toBe(30 * MINUTE);

      // A late outage in March does not change the published month...
      await db.stores.incidents.upsertIncidents([outage('o2', 12, 15)], {
        now: NOW + 1_000,
      });
      expect(
        downtime(await service.entityCompliance(SERVICE, MARCH, NOW + 2_000)),
      ).toBe(30 * MINUTE);

      // ...until another replica recomputes it on purpose.
      const recomputed = await replica.recompute(
        SERVICE,
        MARCH,
        NOW + 3_000,
        'user:default/ops-lead',
      );
      expect(downtime(recomputed)).toBe(45 * MINUTE);
      // Within the maximum age of the last look at the change mark, still the old figures.
      expect(
        downtime(await service.entityCompliance(SERVICE, MARCH, NOW + 4_000)),
      ).toBe(30 * MINUTE);
      // Past it, the next reads look again, and show the recomputed snapshot.
      const after = await readUntil(
        service,
        NOW + MAX_AGE + 5_000,
        r => downtime(r) === 45 * MINUTE,
      );
      expect(after).toEqual({ ...recomputed, source: 'snapshot' });
    });

    it('keeps the five-minute age with a snapshot store that has no change mark', async () => {
      const snapshots = Object.assign(Object.create(db.stores.snapshots), {
        changeMark: undefined,
      }) as TestStores['snapshots'];
      const service = new ComplianceService({
        ...db.stores,
        snapshots,
        slaConfig,
        cacheMaxAgeMs: MAX_AGE,
      });
      const first = await service.entityCompliance(SERVICE, MARCH, NOW);
      expect(
        await service.entityCompliance(SERVICE, MARCH, NOW + 4 * MINUTE),
      ).toBe(first);
      const list = jest.spyOn(db.stores.snapshots, 'get');
      try {
        await service.entityCompliance(SERVICE, MARCH, NOW + 10 * MINUTE);
        expect(list).toHaveBeenCalled();
      } finally {
        list.mockRestore();
      }
    });
  },
);
