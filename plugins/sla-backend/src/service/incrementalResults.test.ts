import { TestDatabases } from '@backstage/backend-test-utils';
import { Incident, readSlaConfig } from '@servicelevel/plugin-sla-common';
import fc from 'fast-check';
import { referenceBuild } from '../__testUtils__/overviewReference';
import { seedServices, useTestStores } from '../__testUtils__/stores';
import {
  ComplianceService,
  OwnKindResults,
  PeriodQuery,
} from './ComplianceService';
import { GROUP_BY, OverviewBodies } from './overview';

/**
 * Issue 14.2: results are cached per (entity, period) and an incident write drops only those
 * of the entities it touched (including the entity a moved incident left). Whatever the
 * sequence of batches, re-sends, re-prioritisations and moves, the cached service must answer
 * what a fresh service without cache computes from the same stores.
 */

const { config: slaConfig } = readSlaConfig({});

const OBJECTIVES = {
  'servicelevel.io/availability': '99.9%',
  'servicelevel.io/response-time': 'P1=15m P2=30m@95% P3=4h P4=1d',
  'servicelevel.io/resolution-time': 'P1=4h P2=8h P3=3d P4=5d',
  'servicelevel.io/max-incidents': 'P1=2',
};
const ANNOTATIONS: Array<Record<string, string>> = [
  OBJECTIVES,
  { ...OBJECTIVES, 'servicelevel.io/period': 'quarterly' },
  { ...OBJECTIVES, 'servicelevel.io/timezone': 'Asia/Kolkata' },
  {
    ...OBJECTIVES,
    'servicelevel.io/service-hours': 'Mon-Fri 08:00-18:00',
    'servicelevel.io/timezone': 'Europe/Berlin',
  },
];
const ref = (i: number) => `component:default/inc-${i}`;
const FROM = Date.UTC(2026, 0, 1);
/** Every read of a run is at this instant: results do not depend on when they were cached. */
const NOW = Date.UTC(2026, 10, 25, 12);

const QUERIES: PeriodQuery[] = [
  { kind: 'current' },
  { kind: 'key', key: '2026-10' },
  { kind: 'range', from: '2026-10-20', to: '2026-11-30' },
];

/** One incident as the generator draws it: a small id pool makes re-sends and moves common. */
const incidentArb = fc.record({
  id: fc.integer({ min: 0, max: 7 }),
  entity: fc.integer({ min: 0, max: ANNOTATIONS.length - 1 }),
  priority: fc.constantFrom('P1', 'P2', 'P3', 'P4'),
  /** Minutes before NOW: within the open month mostly, some in October. */
  ageMinutes: fc.integer({ min: 1, max: 60 * 24 * 40 }),
  ackAfter: fc.option(fc.integer({ min: 1, max: 600 }), { nil: undefined }),
  resolveAfter: fc.option(fc.integer({ min: 1, max: 60 * 24 * 5 }), {
    nil: undefined,
  }),
  outage: fc.constantFrom('none', 'open', 'closed'),
});
const batchesArb = fc.array(
  fc.array(incidentArb, { minLength: 1, maxLength: 6 }),
  {
    minLength: 1,
    maxLength: 5,
  },
);

type Drawn = typeof incidentArb extends fc.Arbitrary<infer T> ? T : never;

function toIncident(source: string, d: Drawn): Incident {
  const createdAt = NOW - d.ageMinutes * 60_000;
  const incident: Incident = {
    source,
    id: `I${d.id}`,
    entityRef: ref(d.entity),
    title: `incident ${d.id}`,
    priority: d.priority as Incident['priority'],
    createdAt,
    pauses: [],
  };
  const ack = d.ackAfter && createdAt + d.ackAfter * 60_000;
  if (ack && ack <= NOW) incident.acknowledgedAt = ack;
  const resolved = d.resolveAfter && createdAt + d.resolveAfter * 60_000;
  if (resolved && resolved <= NOW) incident.resolvedAt = resolved;
  if (d.outage === 'open') incident.outage = { start: createdAt };
  if (d.outage === 'closed') {
    incident.outage = {
      start: createdAt,
      end: Math.min(NOW, createdAt + 45 * 60_000),
    };
  }
  return incident;
}

/** Results compared as the API serves them. */
const json = (r: unknown) => JSON.parse(JSON.stringify(r));

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

describe.each(databases.eachSupportedId())(
  'incremental results, %p',
  databaseId => {
    const db = useTestStores(databases, databaseId);
    const cached = () =>
      new ComplianceService({ ...db.stores, slaConfig, cacheMaxAgeMs: 60_000 });
    const fresh = () =>
      new ComplianceService({ ...db.stores, slaConfig, cacheMaxAgeMs: 0 });

    beforeAll(async () => {
      await seedServices(
        db.stores,
        ANNOTATIONS.map((annotations, i) => ({
          entityRef: ref(i),
          annotations,
          ownerRef: `group:default/team-${i % 2}`,
        })),
        slaConfig,
        FROM,
      );
    }, 60_000);

    /** Every entity's compliance for every query, and the overview, as served. */
    const readAll = async (service: ComplianceService) => {
      const compliance = [];
      for (const query of QUERIES) {
        for (let i = 0; i < ANNOTATIONS.length; i++) {
          compliance.push(
            json(await service.entityCompliance(ref(i), query, NOW)),
          );
        }
      }
      return {
        compliance,
        overview: json(await service.evaluateOwnKind({ kind: 'current' }, NOW)),
        many: json(await service.evaluateMany({ kind: 'current' }, NOW)),
      };
    };

    it('equal a full recompute after any sequence of batches, re-sends, re-prioritisations and moves', async () => {
      let run = 0;
      await fc.assert(
        fc.asyncProperty(batchesArb, async batches => {
          // A source per run: runs do not re-send each other's incidents.
          const source = `run-${run++}`;
          const service = cached();
          const bodies = new OverviewBodies(service);
          await readAll(service);
          for (const batch of batches) {
            await db.stores.incidents.upsertIncidents(
              batch.map(d => toIncident(source, d)),
              { now: NOW },
            );
            expect(await readAll(service)).toEqual(await readAll(fresh()));
            // The maintained overview body is, byte for byte, the overview built from
            // scratch by a service without cache (issue 14 item 5).
            for (const query of QUERIES) {
              const reference = await fresh().evaluateOwnKind(query, NOW);
              for (const groupBy of GROUP_BY) {
                const body = await bodies.body(query, groupBy, NOW);
                expect(body.json.toString('utf8')).toBe(
                  JSON.stringify(referenceBuild(reference, groupBy, NOW)),
                );
              }
            }
          }
        }),
        { numRuns: 12, seed: 14 },
      );
    }, 240_000);

    it('changes an entity body and its ETag only after a write that touches that entity', async () => {
      const service = cached();
      const query: PeriodQuery = { kind: 'current' };
      const before = await service.entityComplianceBody(ref(0), query, NOW);
      const otherBefore = await service.entityComplianceBody(
        ref(1),
        query,
        NOW,
      );
      const overviewBefore = await service.evaluateOwnKind(query, NOW);
      // The same entry and encoding while nothing was written.
      expect(await service.entityComplianceBody(ref(0), query, NOW)).toBe(
        before,
      );
      expect(await service.evaluateOwnKind(query, NOW)).toBe(overviewBefore);

      const incident = (entity: number, id: string): Incident => ({
        source: 'etag',
        id,
        entityRef: ref(entity),
        title: id,
        priority: 'P1',
        createdAt: NOW - 3_600_000,
        pauses: [],
      });
      // Another entity's batch: ref(0)'s body and ETag stay.
      await db.stores.incidents.upsertIncidents([incident(1, 'a')], {
        now: NOW,
      });
      expect(await service.entityComplianceBody(ref(0), query, NOW)).toBe(
        before,
      );
      const otherAfter = await service.entityComplianceBody(ref(1), query, NOW);
      expect(otherAfter.etag).not.toBe(otherBefore.etag);
      const overviewAfter = await service.evaluateOwnKind(query, NOW);
      expect(overviewAfter).not.toBe(overviewBefore);
      // Unchanged entities keep their very result objects.
      expect(overviewAfter[0].selected[0]).toBe(overviewBefore[0].selected[0]);

      // The incident moves from ref(1) to ref(0): both change.
      await db.stores.incidents.upsertIncidents([incident(0, 'a')], {
        now: NOW,
      });
      const after = await service.entityComplianceBody(ref(0), query, NOW);
      expect(after.etag).not.toBe(before.etag);
      expect(
        JSON.parse(after.json).result.incidents.map((i: Incident) => i.id),
      ).toContain('a');
      const movedFrom = await service.entityComplianceBody(ref(1), query, NOW);
      expect(movedFrom.etag).not.toBe(otherAfter.etag);
      expect(
        JSON.parse(movedFrom.json).result.incidents.map((i: Incident) => i.id),
      ).not.toContain('a');
    }, 60_000);

    it('looks up again only the entities a write touched, until an entry expires', async () => {
      const service = cached();
      const query: PeriodQuery = { kind: 'current' };
      const entriesOf = (o: OwnKindResults) =>
        new Set([...o.selected, ...o.year, ...o.previous]).size;
      const before = await service.evaluateOwnKind(query, NOW);
      const all = before.reduce((n, o) => n + entriesOf(o), 0);
      const looked = service.entriesLookedUp;
      await db.stores.incidents.upsertIncidents(
        [
          {
            source: 'lookups',
            id: 'x',
            entityRef: ref(2),
            title: 'x',
            priority: 'P2',
            createdAt: NOW - 600_000,
            pauses: [],
          },
        ],
        { now: NOW },
      );
      const after = await service.evaluateOwnKind(query, NOW);
      const touched = after.findIndex(o => o.entity.entityRef === ref(2));
      // Only ref(2)'s periods were looked up; the others are the very same objects.
      expect(service.entriesLookedUp - looked).toBe(entriesOf(after[touched]));
      expect(after[touched].selected[0]).not.toBe(before[touched].selected[0]);
      const others = (list: OwnKindResults[]) =>
        list.filter((_, i) => i !== touched).flatMap(o => o.year);
      const kept = others(after);
      others(before).forEach((r, k) => expect(kept[k]).toBe(r));
      expect(json(after)).toEqual(
        json(await fresh().evaluateOwnKind(query, NOW)),
      );
      // Past the entries' age (60 s), every entry is looked up again.
      const later = service.entriesLookedUp;
      await service.evaluateOwnKind(query, NOW + 61_000);
      expect(service.entriesLookedUp - later).toBe(all);
    }, 60_000);
  },
);
