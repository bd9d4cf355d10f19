import { gunzipSync } from 'zlib';
import { TestDatabases } from '@backstage/backend-test-utils';
import {
  figuresOf,
  Incident,
  readSlaConfig,
} from '@servicelevel/plugin-sla-common';
import { referenceBuild } from '../__testUtils__/overviewReference';
import {
  createStores,
  seedServices,
  useTestStores,
} from '../__testUtils__/stores';
import { ComplianceService, PeriodQuery } from './ComplianceService';
import {
  EncodedOverview,
  KEEP_WARM_MS,
  OverviewBodies,
  recentOverviewBuilds,
} from './overview';

/**
 * Issue 14 item 5: the overview is maintained, not built per request. A read is served the
 * last body while it is fresh; past the result cache's age it is served at once while the
 * next body is built in the background; a write in this process is never served stale; and
 * a build after a write computes again only the pieces of the services it touched.
 */

const { config: slaConfig } = readSlaConfig({});
const ANNOTATIONS = {
  'servicelevel.io/availability': '99.9%',
  'servicelevel.io/response-time': 'P1=15m P2=30m',
};
const SERVICES = 6;
/** Owners: team-0, team-1 and team-2, two services each. */
const GROUPS = 3;
const ref = (i: number) => `component:default/ov-${i}`;
const FROM = Date.UTC(2026, 0, 1);
const NOW = Date.UTC(2026, 10, 25, 12);
const MAX_AGE = 10_000;
const CURRENT: PeriodQuery = { kind: 'current' };

const incident = (
  entity: number,
  id: string,
  ackMinutes: number,
): Incident => ({
  source: 'bodies',
  id,
  entityRef: ref(entity),
  title: id,
  priority: 'P1',
  createdAt: NOW - 3_600_000,
  acknowledgedAt: NOW - 3_600_000 + ackMinutes * 60_000,
  resolvedAt: NOW - 1_800_000,
  pauses: [],
});

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

describe.each(databases.eachSupportedId())(
  'maintained overview bodies, %p',
  databaseId => {
    const db = useTestStores(databases, databaseId);
    const cached = () =>
      new ComplianceService({
        ...db.stores,
        slaConfig,
        cacheMaxAgeMs: MAX_AGE,
      });
    const reference = async (now: number) =>
      JSON.stringify(
        referenceBuild(
          await new ComplianceService({
            ...db.stores,
            slaConfig,
            cacheMaxAgeMs: 0,
          }).evaluateOwnKind(CURRENT, now),
          'owner',
          now,
        ),
      );

    beforeAll(async () => {
      await seedServices(
        db.stores,
        Array.from({ length: SERVICES }, (_, i) => ({
          entityRef: ref(i),
          annotations: ANNOTATIONS,
          ownerRef: `group:default/team-${i % GROUPS}`,
        })),
        slaConfig,
        FROM,
      );
      // Before any read publishes October's snapshots (closed periods never change after).
      const october = Date.UTC(2026, 9, 10, 8);
      await db.stores.incidents.upsertIncidents(
        [
          {
            ...incident(SERVICES - 1, 'october', 5),
            createdAt: october,
            acknowledgedAt: october + 5 * 60_000,
            resolvedAt: october + 3_600_000,
          },
        ],
        { now: NOW },
      );
    }, 60_000);

    it('computes again only the pieces of the services a write touched, and shows the write on the next read', async () => {
      const bodies = new OverviewBodies(cached());
      const first = await bodies.body(CURRENT, 'owner', NOW);
      expect(bodies.piecesComputed).toBe(SERVICES);
      expect(first.json.toString('utf8')).toBe(await reference(NOW));
      // Fresh: the same body object, nothing computed.
      expect(await bodies.body(CURRENT, 'owner', NOW + 1)).toBe(first);
      expect(bodies.piecesComputed).toBe(SERVICES);
      // A page read sorts the pieces by ref once; later builds keep that order.
      const all = { offset: 0, limit: SERVICES };
      await bodies.body(CURRENT, 'owner', NOW + 1, all);

      // A late acknowledgement on one service: the next read waits for the build, which
      // computes that service's piece only.
      await db.stores.incidents.upsertIncidents([incident(2, 'late', 40)], {
        now: NOW,
      });
      const after = await bodies.body(CURRENT, 'owner', NOW + 2);
      expect(bodies.piecesComputed).toBe(SERVICES + 1);
      expect(after.etag).not.toBe(first.etag);
      expect(after.json.toString('utf8')).toBe(await reference(NOW + 2));
      const line = JSON.parse(after.json.toString('utf8')).services.find(
        (s: { entityRef: string }) => s.entityRef === ref(2),
      );
      expect(line.breached).toEqual(['response-time:P1']);
      // The organisation's figures were summed again for that service's group only, and
      // the build looked at that service only.
      const build = recentOverviewBuilds().at(-1)!;
      expect([build.groupsSummed, build.groups]).toEqual([1, GROUPS]);
      expect(build.servicesVisited).toBe(1);
      const page = JSON.parse(
        (await bodies.body(CURRENT, 'owner', NOW + 2, all)).json.toString(
          'utf8',
        ),
      );
      const byRef = (a: { entityRef: string }, b: { entityRef: string }) =>
        a.entityRef < b.entityRef ? -1 : Number(a.entityRef > b.entityRef);
      const expected = JSON.parse(await reference(NOW + 2));
      expect(page.services).toEqual([...expected.services].sort(byRef));
      expect(page.heatmap.rows).toEqual([...expected.heatmap.rows].sort(byRef));

      // Another grouping shares the pieces: none computed.
      const bySystem = await bodies.body(CURRENT, 'system', NOW + 2);
      expect(bodies.piecesComputed).toBe(SERVICES + 1);
      expect(JSON.parse(bySystem.json.toString('utf8')).groupBy).toBe('system');
    }, 60_000);

    it("serves a page of the services from the same state: the organisation's figures whole, the page's lines and rows as in the whole body", async () => {
      const bodies = new OverviewBodies(cached());
      const whole = JSON.parse(
        (await bodies.body(CURRENT, 'owner', NOW)).json.toString('utf8'),
      );
      const computed = bodies.piecesComputed;
      const pageOf = async (page: Parameters<typeof bodies.body>[3]) => {
        const body = await bodies.body(CURRENT, 'owner', NOW + 1, page);
        return { body, json: JSON.parse(body.json.toString('utf8')) };
      };
      const lineOf = (r: string) =>
        whole.services.find((s: { entityRef: string }) => s.entityRef === r);
      const rowOf = (r: string) =>
        whole.heatmap.rows.find(
          (s: { entityRef: string }) => s.entityRef === r,
        );

      // team-1 holds services 1 and 4; a page of one from the second of them.
      const { body, json } = await pageOf({
        group: 'group:default/team-1',
        limit: 1,
        offset: 1,
      });
      expect(bodies.piecesComputed).toBe(computed);
      expect(json.page).toEqual({ offset: 1, limit: 1, total: 2 });
      expect(json.services).toEqual([lineOf(ref(4))]);
      expect(json.heatmap.rows).toEqual([rowOf(ref(4))]);
      const { services, heatmap, page, ...organisation } = json;
      const {
        services: allServices,
        heatmap: allHeatmap,
        ...wholeOrganisation
      } = whole;
      expect(organisation).toEqual(wholeOrganisation);
      expect({ ...heatmap, rows: [] }).toEqual({ ...allHeatmap, rows: [] });
      expect(allServices).toHaveLength(SERVICES);

      // Gzipped once with it (the compression middleware gzipped a page for every read).
      expect(gunzipSync(body.gzip!)).toEqual(body.json);
      // The same page again is the same body; its ETag is its own.
      expect(
        (await pageOf({ group: 'group:default/team-1', limit: 1, offset: 1 }))
          .body,
      ).toBe(body);
      expect(body.etag).not.toBe(
        (await bodies.body(CURRENT, 'owner', NOW + 1)).etag,
      );

      // By text, in any case, ordered by ref; past the end, an empty page with the total.
      const byText = await pageOf({ q: 'OV-', offset: 0, limit: 4 });
      expect(
        byText.json.services.map((s: { entityRef: string }) => s.entityRef),
      ).toEqual([0, 1, 2, 3].map(ref));
      expect(byText.json.page).toEqual({
        offset: 0,
        limit: 4,
        total: SERVICES,
      });
      const past = await pageOf({ offset: SERVICES, limit: 4 });
      expect(past.json.services).toEqual([]);
      expect(past.json.heatmap.rows).toEqual([]);
      expect(past.json.page.total).toBe(SERVICES);
      // An unknown group: nothing listed; the organisation's figures are still whole.
      const none = await pageOf({ group: 'group:default/nobody', offset: 0 });
      expect(none.json.page).toEqual({ offset: 0, total: 0 });
      expect(none.json.total).toEqual(whole.total);
    }, 60_000);

    it('serves a body past its age at once and rebuilds it in the background', async () => {
      const service = cached();
      const bodies = new OverviewBodies(service);
      const first = await bodies.body(CURRENT, 'owner', NOW);
      const build = jest.spyOn(service, 'evaluateOwnKind');
      // Past the maximum age (at least MAX_AGE, longer when the build was slow: at most
      // five times its duration), within the grace: the old body, and one build started.
      const later = NOW + 40_000;
      expect(await bodies.body(CURRENT, 'owner', later)).toBe(first);
      expect(await bodies.body(CURRENT, 'owner', later)).toBe(first);
      expect(build).toHaveBeenCalledTimes(1);
      // Once the build is done, reads get its body: the results were recomputed at `later`
      // (open periods' results depend on now), so the body is the one of `later`.
      await bodies.idle();
      const rebuilt = await bodies.body(CURRENT, 'owner', later + 1);
      expect(rebuilt).not.toBe(first);
      expect(rebuilt.json.toString('utf8')).toBe(await reference(later));

      // Minutes later, within the grace (15 minutes): the last body at once, rebuilt behind it.
      const minutesLater = later + 600_000;
      expect(await bodies.body(CURRENT, 'owner', minutesLater)).toBe(rebuilt);
      await bodies.idle();
      expect(
        (await bodies.body(CURRENT, 'owner', minutesLater + 1)).json.toString(
          'utf8',
        ),
      ).toBe(await reference(minutesLater));

      // Past the grace the read waits: never a body older than age + grace.
      const muchLater = minutesLater + 1_200_000;
      const waited = await bodies.body(CURRENT, 'owner', muchLater);
      expect(waited.json.toString('utf8')).toBe(await reference(muchLater));
      build.mockRestore();
    }, 60_000);

    it('never serves a body across the end of a period it shows', async () => {
      const bodies = new OverviewBodies(cached());
      const monthEnd = Date.UTC(2026, 11, 1);
      const before = await bodies.body(CURRENT, 'owner', monthEnd - 1_000);
      const after = await bodies.body(CURRENT, 'owner', monthEnd + 1_000);
      expect(JSON.parse(before.json.toString('utf8')).services[0].period).toBe(
        '2026-11',
      );
      expect(JSON.parse(after.json.toString('utf8')).services[0].period).toBe(
        '2026-12',
      );
    }, 60_000);

    it("keeps the pages' order by ref across a build that computes every piece again, with the new pieces in it", async () => {
      const bodies = new OverviewBodies(cached());
      const monthEnd = Date.UTC(2026, 11, 1);
      const all = { offset: 0, limit: SERVICES };
      const pageAt = async (now: number) =>
        JSON.parse(
          (await bodies.body(CURRENT, 'owner', now, all)).json.toString('utf8'),
        );
      // The pieces sorted by ref for November's page...
      expect((await pageAt(monthEnd - 1_000)).services[0].period).toBe(
        '2026-11',
      );
      // ...and December's page, whose build computes every piece again (the period ended),
      // lists December's pieces in the same order, without sorting them again.
      const after = monthEnd + 1_000;
      const page = await pageAt(after);
      const build = recentOverviewBuilds().at(-1)!;
      expect([build.piecesComputed, build.servicesVisited]).toEqual([
        SERVICES,
        SERVICES,
      ]);
      const byRef = (a: { entityRef: string }, b: { entityRef: string }) =>
        a.entityRef < b.entityRef ? -1 : Number(a.entityRef > b.entityRef);
      const expected = JSON.parse(await reference(after));
      expect(page.services).toEqual([...expected.services].sort(byRef));
      expect(page.heatmap.rows).toEqual([...expected.heatmap.rows].sort(byRef));
    }, 60_000);

    it("holds the overview's periods, closed and open, without their incident rows, which an entity's own read still shows", async () => {
      const service = cached();
      await db.stores.incidents.upsertIncidents(
        [incident(SERVICES - 1, 'november', 5)],
        { now: NOW },
      );
      const own = await service.evaluateOwnKind(CURRENT, NOW);
      const mine = own.find(o => o.entity.entityRef === ref(SERVICES - 1))!;
      const closed = mine.year.find(r => r.period.key === '2026-10')!;
      // The figures are there; the rows are not (a year of them for every service is what
      // made the overview run out of memory at 10,000,000 incidents), nor the objectives'
      // texts (issue 14, twelfth pass).
      expect(closed.result).not.toHaveProperty('incidents');
      expect(closed.result.committed).toBeGreaterThan(0);
      // The open month too: its figures count the incident, its rows are not held (an
      // open year's rows were a gigabyte of the heap at 10,000,000 incidents).
      const open = mine.selected[0];
      expect(open.period.key).toBe('2026-11');
      expect(open.result).not.toHaveProperty('incidents');
      const read = await service.entityCompliance(
        ref(SERVICES - 1),
        { kind: 'key', key: '2026-10' },
        NOW,
      );
      expect(read.result.incidents.map(i => i.id)).toEqual(['october']);
      expect(read.result.faults.all).toBe(1);
      expect(figuresOf(read.result)).toEqual(closed.result);
      const openRead = await service.entityCompliance(
        ref(SERVICES - 1),
        { kind: 'key', key: '2026-11' },
        NOW,
      );
      expect(openRead.result.incidents.map(i => i.id)).toEqual(['november']);
      expect(openRead.result.faults.all).toBe(1);
      // The same figures either way.
      expect(figuresOf(openRead.result)).toEqual(open.result);
    }, 60_000);

    it('keeps the bodies read in the last day built, so that a read after a quiet half hour waits for nothing', async () => {
      const bodies = new OverviewBodies(cached());
      await bodies.body(CURRENT, 'owner', NOW);
      // Fresh: nothing to rebuild.
      expect(await bodies.keepWarm(NOW + 1)).toEqual({ rebuilt: 0, read: 1 });

      // Past its age and the 15-minute grace, a read would wait for a build of every
      // service; the task builds it in the background instead.
      const later = NOW + 30 * 60_000;
      expect(await bodies.keepWarm(later)).toEqual({ rebuilt: 1, read: 1 });
      const warmed = recentOverviewBuilds().at(-1)!;
      expect(warmed.background).toBe(true);
      expect(warmed.services).toBe(SERVICES);
      const body = await bodies.body(CURRENT, 'owner', later + 1_000);
      // No build ran for the read, and what it was served is what it would have waited for.
      expect(recentOverviewBuilds().at(-1)).toBe(warmed);
      expect(body.json.toString('utf8')).toBe(await reference(later + 1_000));

      // A write in this process: the body is fresh by age but no longer shows the
      // organisation, so the task rebuilds it too, and the next read waits for nothing.
      await db.stores.incidents.upsertIncidents([incident(3, 'warm', 40)], {
        now: later,
      });
      expect(await bodies.keepWarm(later + 2_000)).toEqual({
        rebuilt: 1,
        read: 1,
      });
      const rebuilt = recentOverviewBuilds().at(-1)!;
      expect(rebuilt).not.toBe(warmed);
      const afterWrite = await bodies.body(CURRENT, 'owner', later + 3_000);
      expect(recentOverviewBuilds().at(-1)).toBe(rebuilt);
      expect(afterWrite.json.toString('utf8')).toBe(
        await reference(later + 3_000),
      );

      // A body nobody read for a day leaves the list.
      expect(await bodies.keepWarm(later + 3_000 + KEEP_WARM_MS + 1)).toEqual({
        rebuilt: 0,
        read: 0,
      });
    }, 60_000);

    it("shows another replica's write on a page once the results age out: the background build replaces every piece, the page keeps its order", async () => {
      const bodies = new OverviewBodies(cached());
      const all = { offset: 0, limit: SERVICES };
      const lineOf = (body: EncodedOverview) =>
        JSON.parse(body.json.toString('utf8')).services.find(
          (s: { entityRef: string }) => s.entityRef === ref(0),
        );
      expect(
        lineOf(await bodies.body(CURRENT, 'owner', NOW, all)).breached,
      ).toEqual([]);
      // Another replica (its own stores on the same database) acknowledges late on
      // service 0: this process sees it only once the results age out.
      const replica = await createStores(db.knex);
      await replica.incidents.upsertIncidents([incident(0, 'replica', 45)], {
        now: NOW,
      });
      const later = NOW + 40_000;
      await bodies.body(CURRENT, 'owner', later, all);
      await bodies.idle();
      expect(recentOverviewBuilds().at(-1)!.piecesComputed).toBe(SERVICES);
      const body = await bodies.body(CURRENT, 'owner', later + 1, all);
      const page = JSON.parse(body.json.toString('utf8'));
      const byRef = (a: { entityRef: string }, b: { entityRef: string }) =>
        a.entityRef < b.entityRef ? -1 : Number(a.entityRef > b.entityRef);
      const expected = JSON.parse(await reference(later));
      expect(page.services).toEqual([...expected.services].sort(byRef));
      expect(page.heatmap.rows).toEqual([...expected.heatmap.rows].sort(byRef));
      expect(lineOf(body).breached).toEqual(['response-time:P1']);
    }, 60_000);
  },
);
