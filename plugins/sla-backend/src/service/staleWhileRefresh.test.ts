import { TestDatabases } from '@backstage/backend-test-utils';
import {
  figuresOf,
  Incident,
  readSlaConfig,
} from '@servicelevel/plugin-sla-common';
import {
  componentEntity,
  createStores,
  recordAnnotatedTerms,
  seedServices,
  useTestStores,
} from '../__testUtils__/stores';
import { ComplianceService, OwnKindResults } from './ComplianceService';

/**
 * Issue 14 item 5: a bulk read (the overview) that finds results expired only by age serves
 * them while they are computed again in the background, for at most a minute past the
 * maximum age; a write that touched an entity is never served stale.
 */

const { config: slaConfig } = readSlaConfig({});
const ANNOTATIONS = {
  'servicelevel.io/availability': '99.9%',
  'servicelevel.io/response-time': 'P1=15m P2=30m P3=4h P4=1d',
};
const A = 'component:default/stale-a';
const B = 'component:default/stale-b';
const FROM = Date.UTC(2026, 0, 1);
const NOW = Date.UTC(2026, 10, 10, 12);
const MAX_AGE = 10_000;

/** An incident of `entityRef` still open at NOW: its clocks run. */
const running = (entityRef: string, id: string): Incident => ({
  source: 'stale',
  id,
  entityRef,
  title: id,
  priority: 'P1',
  createdAt: NOW - 3_600_000,
  pauses: [],
  outage: { start: NOW - 3_600_000 },
});

/** When each entity's result for the current month was computed. */
const evaluatedAt = (overview: OwnKindResults[]) =>
  Object.fromEntries(
    overview.map(o => [o.entity.entityRef, o.selected[0].result.evaluatedAt]),
  );

const json = (r: unknown) => JSON.parse(JSON.stringify(r));

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

describe.each(databases.eachSupportedId())(
  'overview served while it is refreshed, %p',
  databaseId => {
    const db = useTestStores(databases, databaseId);

    beforeAll(async () => {
      await seedServices(
        db.stores,
        [A, B].map(entityRef => ({ entityRef, annotations: ANNOTATIONS })),
        slaConfig,
        FROM,
      );
      await db.stores.incidents.upsertIncidents(
        [running(A, 'a1'), running(B, 'b1')],
        { now: NOW },
      );
    }, 60_000);

    const fresh = (now: number) =>
      new ComplianceService({
        ...db.stores,
        slaConfig,
        cacheMaxAgeMs: 0,
      }).evaluateOwnKind({ kind: 'current' }, now);

    /** Reads at `now` until every result was computed at `now` (the refresh landed). */
    const refreshed = async (service: ComplianceService, now: number) => {
      for (let attempt = 0; attempt < 400; attempt++) {
        const overview = await service.evaluateOwnKind(
          { kind: 'current' },
          now,
        );
        if (Object.values(evaluatedAt(overview)).every(at => at === now)) {
          return overview;
        }
        await new Promise(resolve => setTimeout(resolve, 25));
      }
      throw new Error('the background refresh never landed');
    };

    it('serves expired results at once, refreshes them, and never serves a touched entity stale', async () => {
      const service = new ComplianceService({
        ...db.stores,
        slaConfig,
        cacheMaxAgeMs: MAX_AGE,
      });
      const first = await service.evaluateOwnKind({ kind: 'current' }, NOW);
      expect(evaluatedAt(first)).toEqual({ [A]: NOW, [B]: NOW });

      // 15 s later: expired by age only, so served as they were while recomputed.
      const later = NOW + 15_000;
      const stale = await service.evaluateOwnKind({ kind: 'current' }, later);
      expect(evaluatedAt(stale)).toEqual({ [A]: NOW, [B]: NOW });
      expect(stale[0].selected[0]).toBe(first[0].selected[0]);
      // Then the refresh lands: what a fresh computation at that instant gives.
      expect(json(await refreshed(service, later))).toEqual(
        json(await fresh(later)),
      );

      // A write touching A, 20 s later (B expired again by then): A is computed now, on
      // this read; B is served as refreshed at `later`.
      const written = NOW + 35_000;
      await db.stores.incidents.upsertIncidents([running(A, 'a2')], {
        now: written,
      });
      const afterWrite = await service.evaluateOwnKind(
        { kind: 'current' },
        written,
      );
      expect(evaluatedAt(afterWrite)).toEqual({ [A]: written, [B]: later });
      // Its figures count both incidents, as a whole read of A at that instant does.
      const [a] = afterWrite.filter(o => o.entity.entityRef === A);
      const whole = await new ComplianceService({
        ...db.stores,
        slaConfig,
        cacheMaxAgeMs: 0,
      }).entityCompliance(A, { kind: 'current' }, written);
      expect(whole.result.faults.all).toBe(2);
      expect(a.selected[0].result).toEqual(figuresOf(whole.result));

      // More than a minute past the maximum age: computed on the read itself.
      const muchLater = written + MAX_AGE + 61_000;
      const recomputed = await service.evaluateOwnKind(
        { kind: 'current' },
        muchLater,
      );
      expect(evaluatedAt(recomputed)).toEqual({
        [A]: muchLater,
        [B]: muchLater,
      });
      expect(json(recomputed)).toEqual(json(await fresh(muchLater)));
    }, 60_000);

    it('serves a read that leaves the refresh to its builder results up to 15 minutes past their age, without starting a refresh', async () => {
      const service = new ComplianceService({
        ...db.stores,
        slaConfig,
        cacheMaxAgeMs: MAX_AGE,
      });
      const t0 = NOW + 3_600_000;
      await service.evaluateOwnKind({ kind: 'current' }, t0);
      const options = { refreshExpired: false };
      // Ten minutes on: what the overview's build after a write finds for the others.
      const later = t0 + 600_000;
      const kept = await service.evaluateOwnKind(
        { kind: 'current' },
        later,
        options,
      );
      expect(evaluatedAt(kept)).toEqual({ [A]: t0, [B]: t0 });
      // No refresh was started behind it: a moment later they are still the same.
      await new Promise(resolve => setTimeout(resolve, 100));
      expect(
        evaluatedAt(
          await service.evaluateOwnKind({ kind: 'current' }, later, options),
        ),
      ).toEqual({ [A]: t0, [B]: t0 });
      // A read that refreshes by itself keeps the one-minute grace: it computes them.
      const own = await service.evaluateOwnKind({ kind: 'current' }, later);
      expect(evaluatedAt(own)).toEqual({ [A]: later, [B]: later });
      // Past 15 minutes, the builder's read computes them too.
      const muchLater = later + MAX_AGE + 901_000;
      const computed = await service.evaluateOwnKind(
        { kind: 'current' },
        muchLater,
        options,
      );
      expect(evaluatedAt(computed)).toEqual({
        [A]: muchLater,
        [B]: muchLater,
      });
    }, 60_000);

    it("serves the overview's plan past its age while it is rebuilt, so another replica's new service shows a read later", async () => {
      const service = new ComplianceService({
        ...db.stores,
        slaConfig,
        cacheMaxAgeMs: MAX_AGE,
      });
      const refs = (o: OwnKindResults[]) => o.map(x => x.entity.entityRef);
      expect(
        refs(await service.evaluateOwnKind({ kind: 'current' }, NOW)),
      ).toEqual([A, B]);
      // Another replica (its own stores on the same database) adds a service: this
      // process's write counters do not see it, only the plan's age does.
      const C = 'component:default/stale-c';
      const replica = await createStores(db.knex);
      await replica.entities.syncEntities(
        [A, B, C].map(ref => componentEntity(ref, ANNOTATIONS, NOW)),
        NOW,
      );
      await recordAnnotatedTerms(
        replica.terms,
        [[C, ANNOTATIONS] as const],
        slaConfig,
        NOW,
      );
      // Within the plan's age (60 s): the plan as it was.
      expect(
        refs(await service.evaluateOwnKind({ kind: 'current' }, NOW + 30_000)),
      ).toEqual([A, B]);
      // Past it: served once more at once, while it is rebuilt in the background...
      const aged = NOW + 61_000;
      expect(
        refs(await service.evaluateOwnKind({ kind: 'current' }, aged)),
      ).toEqual([A, B]);
      // ...and the rebuilt plan lists the new service.
      let listed: string[] = [];
      for (let attempt = 0; attempt < 400 && !listed.includes(C); attempt++) {
        await new Promise(resolve => setTimeout(resolve, 25));
        listed = refs(await service.evaluateOwnKind({ kind: 'current' }, aged));
      }
      expect(listed.sort()).toEqual([A, B, C]);
    }, 60_000);
  },
);
