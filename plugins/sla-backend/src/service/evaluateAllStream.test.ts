import { TestDatabases } from '@backstage/backend-test-utils';
import {
  granularityOf,
  Incident,
  Period,
  periodsOf,
  readSlaConfig,
} from '@servicelevel/plugin-sla-common';
import { countCalendarsBuilt } from '@servicelevel/plugin-sla-common/testUtils';
import fc from 'fast-check';
import {
  componentEntity,
  recordAnnotatedTerms,
  TestStores,
  useTestStores,
} from '../__testUtils__/stores';
import {
  annotationVariants,
  CN_WORKDAYS,
  seededRandom,
} from '../__testUtils__/slaConfig';
import type {
  SlaEntity,
  StoredIncident,
  TermsVersion,
} from '../database/types';
import type { CoverageView } from './coverage';
import { ComplianceService, EntityPeriodResult } from './ComplianceService';
import { referenceRelevantTo } from '../__testUtils__/relevance';

/**
 * Issue 14: evaluateAll streams the incidents of all entities (streamForEntities) instead of
 * reading them a batch of entities at a time. It must hand over exactly what the batched
 * path gave: the same results, in the same order.
 */

// Two databases, a dozen random data sets each, two full evaluations per set.
jest.setTimeout(300_000);

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
/** Monthly and quarterly terms, zones from UTC−5 to UTC+14. */
const ANNOTATIONS: Array<Record<string, string>> = [
  ...annotationVariants(OBJECTIVES),
  { ...OBJECTIVES, 'servicelevel.io/timezone': 'Asia/Kolkata' },
  { ...OBJECTIVES, 'servicelevel.io/timezone': 'Pacific/Kiritimati' },
];
const NOW = Date.UTC(2026, 10, 25, 12);
const FROM = Date.UTC(2026, 0, 1);
/**
 * Refs whose order differs between byte order and linguistic collations (case, '-' and '_'):
 * results come in listEntities' order, which is the database's.
 */
const REFS = [
  'component:default/svc-1',
  'component:default/Svc-2',
  'component:default/svc_3',
  'component:default/svc-10',
  'component:default/SVC-a',
  'component:default/svcb',
];
/** In the catalog without terms, removed from it, and never in it: their incidents are not evaluated. */
const NO_TERMS = 'component:default/no-terms';
const REMOVED = 'component:default/removed';
const UNKNOWN = 'component:default/unknown';

/** `count` incidents from `seed`, some crossing period ends, some open, some sharing an instant. */
function incidents(seed: number, count: number): Incident[] {
  const rand = seededRandom(seed);
  const refs = [...REFS, NO_TERMS, REMOVED, UNKNOWN];
  const out: Incident[] = [];
  for (let k = 0; k < count; k++) {
    // One in five at a round hour, so that ties on creation cross page ends.
    const createdAt =
      rand() < 0.2
        ? FROM + Math.floor(rand() * 2000) * 3_600_000
        : FROM - 5 * 86_400_000 + Math.floor(rand() * (NOW - FROM));
    const i: Incident = {
      source: rand() < 0.7 ? 'webhook' : 'api',
      id: `I${k}`,
      entityRef: refs[Math.floor(rand() * refs.length)],
      title: `incident ${k}`,
      priority: (['P1', 'P2', 'P3', 'P4'] as const)[Math.floor(rand() * 4)],
      createdAt,
      pauses: [],
    };
    if (rand() < 0.9) i.acknowledgedAt = createdAt + Math.floor(rand() * 7e6);
    const resolvedAt =
      createdAt + Math.floor(rand() * rand() * 40 * 86_400_000);
    if (rand() < 0.9 && resolvedAt < NOW) i.resolvedAt = resolvedAt;
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

/** The service's evaluation steps the batched path used (private: reached for this comparison). */
interface Internals {
  coverageAt(now: number): Promise<CoverageView | undefined>;
  computeWith(
    entity: SlaEntity,
    versions: TermsVersion[],
    period: Period,
    now: number,
    incidents: StoredIncident[],
    coverage?: CoverageView,
  ): EntityPeriodResult;
}

/**
 * evaluateAll as it was before the stream (b571774): entities in batches of `batchSize`, each
 * batch's incidents read at once with listForEntities, the next batch read ahead. The
 * evaluation itself is the service's (computeWith).
 */
async function evaluateAllInBatches(
  service: ComplianceService,
  stores: TestStores,
  options: {
    from: number;
    to: number;
    now: number;
    batchSize: number;
    onResult: (result: EntityPeriodResult) => void;
  },
): Promise<number> {
  const { from, to, now, batchSize, onResult } = options;
  const internals = service as unknown as Internals;
  const entities = await stores.entities.listEntities();
  const latestByRef = await service.listLatestTerms();
  const withTerms = entities.filter(e => latestByRef.has(e.entityRef));
  const read = async (offset: number) => {
    const batch = [];
    for (const entity of withTerms.slice(offset, offset + batchSize)) {
      const latest = latestByRef.get(entity.entityRef)!;
      const versions =
        latest.version === 1
          ? [latest]
          : await stores.terms.listVersions(entity.entityRef);
      const periods = periodsOf(
        granularityOf(latest.terms.period),
        latest.terms.timezone,
        from,
        to,
      );
      if (periods.length > 0) batch.push({ entity, versions, periods });
    }
    if (batch.length === 0) {
      return { batch, incidents: new Map<string, StoredIncident[]>() };
    }
    const start = Math.min(...batch.map(i => i.periods[0].start));
    const end = Math.max(
      ...batch.map(i => i.periods[i.periods.length - 1].end),
    );
    const incidentsByRef = await stores.incidents.listForEntities(
      batch.map(i => i.entity.entityRef),
      start,
      end,
    );
    return { batch, incidents: incidentsByRef };
  };
  let count = 0;
  const coverage = await internals.coverageAt(now);
  for (let offset = 0; offset < withTerms.length; offset += batchSize) {
    const { batch, incidents: byRef } = await read(offset);
    for (const { entity, versions, periods } of batch) {
      const all = byRef.get(entity.entityRef) ?? [];
      for (const period of periods) {
        const relevant = all.filter(i =>
          referenceRelevantTo(i, period.start, period.end),
        );
        onResult(
          internals.computeWith(
            entity,
            versions,
            period,
            now,
            relevant,
            coverage,
          ),
        );
        count++;
      }
    }
  }
  return count;
}

/** Results compared as the API serves them. */
const json = (r: unknown) => JSON.parse(JSON.stringify(r));

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

describe.each(databases.eachSupportedId())(
  'evaluateAll streamed, %p',
  databaseId => {
    const db = useTestStores(databases, databaseId);
    const service = () =>
      new ComplianceService({ ...db.stores, slaConfig, cacheMaxAgeMs: 0 });

    beforeAll(async () => {
      const { entities, terms } = db.stores;
      await entities.syncEntities(
        [...REFS, NO_TERMS, REMOVED].map((r, i) =>
          componentEntity(r, ANNOTATIONS[i % ANNOTATIONS.length], FROM),
        ),
        FROM,
      );
      await entities.syncEntities(
        [...REFS, NO_TERMS].map((r, i) =>
          componentEntity(r, ANNOTATIONS[i % ANNOTATIONS.length], FROM),
        ),
        FROM + 1,
      );
      for (const [i, r] of [...REFS, REMOVED].entries()) {
        const annotations = ANNOTATIONS[i % ANNOTATIONS.length];
        await recordAnnotatedTerms(
          terms,
          [[r, annotations]],
          slaConfig,
          FROM - 86_400_000,
        );
        // Two services renegotiated mid-year: older periods keep version 1.
        if (i % 3 === 0) {
          await recordAnnotatedTerms(
            terms,
            [[r, { ...annotations, 'servicelevel.io/availability': '99.5%' }]],
            slaConfig,
            Date.UTC(2026, 5, 10),
          );
        }
      }
    });

    it('gives the results of the batched path, in the same order, on random incidents and page sizes', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 1, max: 2 ** 30 }),
          fc.integer({ min: 0, max: 400 }),
          fc.integer({ min: 1, max: 60 }),
          fc.integer({ min: 1, max: 4 }),
          async (seed, count, pageSize, batchSize) => {
            await db.knex('sla_incidents').delete();
            await db.stores.incidents.upsertIncidents(incidents(seed, count), {
              now: FROM,
            });
            const s = service();
            const before: EntityPeriodResult[] = [];
            const beforeCount = await evaluateAllInBatches(s, db.stores, {
              from: FROM,
              to: NOW,
              now: NOW,
              batchSize,
              onResult: r => {
                before.push(r);
              },
            });
            const after: EntityPeriodResult[] = [];
            const afterCount = await s.evaluateAll({
              from: FROM,
              to: NOW,
              now: NOW,
              pageSize,
              onResult: r => {
                after.push(r);
              },
            });
            expect(afterCount).toBe(beforeCount);
            expect(json(after)).toEqual(json(before));
          },
        ),
        { numRuns: 12 },
      );
    });

    it('evaluates every period of every entity with terms, entity by entity in listEntities order', async () => {
      await db.knex('sla_incidents').delete();
      await db.stores.incidents.upsertIncidents(incidents(7, 300), {
        now: FROM,
      });
      const order: string[] = [];
      const count = await service().evaluateAll({
        from: FROM,
        to: NOW,
        now: NOW,
        pageSize: 7,
        onResult: r => {
          if (order[order.length - 1] !== r.entityRef) order.push(r.entityRef);
        },
      });
      const listed = (await db.stores.entities.listEntities())
        .map(e => e.entityRef)
        .filter(r => REFS.includes(r));
      expect(order).toEqual(listed);
      // Monthly services: 11 months (Kolkata's and Kiritimati's Januaries start before
      // January 1 UTC, their Decembers end before it), the New York one 12 (its December 2025
      // overlaps January 1 UTC); the quarterly one 4 quarters.
      expect(count).toBe(11 + 11 + 12 + 4 + 11 + 11);
    });

    it('builds the calendars once per terms version, none when run again', async () => {
      const s = service();
      const run = () =>
        s.evaluateAll({ from: FROM, to: NOW, now: NOW, onResult: () => {} });
      const before = countCalendarsBuilt();
      await run();
      const first = countCalendarsBuilt() - before;
      // 6 services with terms and 2 second versions; a calendar for service hours and one
      // for maintenance windows each at most (and the engine shares equal ones).
      expect(first).toBeLessThanOrEqual((REFS.length + 2) * 2);
      await run();
      expect(countCalendarsBuilt() - before).toBe(first);
    });

    it('stops reading when onResult fails', async () => {
      await db.knex('sla_incidents').delete();
      await db.stores.incidents.upsertIncidents(incidents(9, 200), {
        now: FROM,
      });
      let calls = 0;
      await expect(
        service().evaluateAll({
          from: FROM,
          to: NOW,
          now: NOW,
          pageSize: 5,
          onResult: () => {
            calls++;
            if (calls === 3) throw new Error('consumer failed');
          },
        }),
      ).rejects.toThrow('consumer failed');
      expect(calls).toBe(3);
    });
  },
);
