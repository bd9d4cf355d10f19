import { TestDatabases } from '@backstage/backend-test-utils';
import {
  figuresOf,
  Incident,
  readSlaConfig,
} from '@servicelevel/plugin-sla-common';
import { seedServices, useTestStores } from '../__testUtils__/stores';
import { ComplianceService } from './ComplianceService';

/**
 * Issue 14: the result cache is bounded by the incident rows its results hold, not only by
 * their count. At 10,000,000 incidents a closed month read with rows for every service was
 * kept for a day (961 MB), and a bulk read's state held the same rows past any bound.
 */

const { config: slaConfig } = readSlaConfig({});
const ANNOTATIONS = {
  'servicelevel.io/availability': '99.9%',
  'servicelevel.io/response-time': 'P1=15m P2=30m P3=4h P4=1d',
};
const REFS = ['a', 'b', 'c', 'd'].map(n => `component:default/rows-${n}`);
const ROWS_EACH = 5;
const FROM = Date.UTC(2026, 0, 1);
const NOW = Date.UTC(2026, 10, 10, 12);
const CLOSED = { kind: 'key', key: '2026-10' } as const;

/** ROWS_EACH resolved incidents of `entityRef` in October 2026. */
const october = (entityRef: string): Incident[] =>
  Array.from({ length: ROWS_EACH }, (_, i) => {
    const createdAt = Date.UTC(2026, 9, 3 + i, 8);
    return {
      source: 'rows',
      id: `${entityRef}-${i}`,
      entityRef,
      title: `incident ${i}`,
      priority: 'P2',
      createdAt,
      acknowledgedAt: createdAt + 600_000,
      resolvedAt: createdAt + 3_600_000,
      pauses: [],
    };
  });

const json = (r: unknown) => JSON.parse(JSON.stringify(r));

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

describe.each(databases.eachSupportedId())(
  'result cache bounded by incident rows, %p',
  databaseId => {
    const db = useTestStores(databases, databaseId);

    beforeAll(async () => {
      await seedServices(
        db.stores,
        REFS.map(entityRef => ({ entityRef, annotations: ANNOTATIONS })),
        slaConfig,
        FROM,
      );
      await db.stores.incidents.upsertIncidents(REFS.flatMap(october), {
        now: Date.UTC(2026, 10, 1),
      });
    }, 60_000);

    const service = (maxResultRows: number) =>
      new ComplianceService({
        ...db.stores,
        slaConfig,
        cacheMaxAgeMs: 10_000,
        maxResultRows,
      });
    const uncached = () =>
      new ComplianceService({ ...db.stores, slaConfig, cacheMaxAgeMs: 0 });

    it('holds at most the bound of rows, evicting the oldest results, and serves the same results', async () => {
      // Room for two services' rows, not three.
      const bound = 2 * ROWS_EACH + 2;
      const bounded = service(bound);
      const reference = uncached();
      const held: number[] = [];
      const served = new Map<string, unknown>();
      for (const ref of [...REFS, REFS[0]]) {
        const result = await bounded.entityCompliance(ref, CLOSED, NOW);
        served.set(ref, result);
        expect(result.result.incidents).toHaveLength(ROWS_EACH);
        expect(json(result)).toEqual(
          json(await reference.entityCompliance(ref, CLOSED, NOW)),
        );
        held.push(bounded.cachedResultRows);
      }
      expect(held).toEqual([5, 10, 10, 10, 10]);

      // The last two read are still served from the cache (the same object), the first
      // two were evicted: a read computes them again.
      const again = (ref: string) => bounded.entityCompliance(ref, CLOSED, NOW);
      const d = await again(REFS[3]);
      expect(await again(REFS[3])).toBe(d);
      const b = await again(REFS[1]);
      expect(b).not.toBe(served.get(REFS[1]));
      expect(json(b)).toEqual(
        json(await reference.entityCompliance(REFS[1], CLOSED, NOW)),
      );
      expect(bounded.cachedResultRows).toBeLessThanOrEqual(bound);
    }, 60_000);

    it('stays within the bound over more evictions than its queue keeps before compacting', async () => {
      const bounded = service(2 * ROWS_EACH);
      const reference = uncached();
      const expected = new Map<string, unknown>();
      for (const ref of REFS) {
        expected.set(
          ref,
          json(await reference.entityCompliance(ref, CLOSED, NOW)),
        );
      }
      // Cycling over four services with room for two: every read misses and evicts one.
      const held: number[] = [];
      const sampled: Array<[string, unknown]> = [];
      for (let i = 0; i < 1_200; i++) {
        const ref = REFS[i % REFS.length];
        const result = await bounded.entityCompliance(ref, CLOSED, NOW);
        if (i % 97 === 0) sampled.push([ref, json(result)]);
        held.push(bounded.cachedResultRows);
      }
      expect(Math.max(...held)).toBe(2 * ROWS_EACH);
      for (const [ref, result] of sampled) {
        expect(result).toEqual(expected.get(ref));
      }
      expect(bounded.cachedResultRows).toBe(2 * ROWS_EACH);
      // The two read last are still cached.
      const last = await bounded.entityCompliance(REFS[3], CLOSED, NOW);
      expect(await bounded.entityCompliance(REFS[3], CLOSED, NOW)).toBe(last);
    }, 60_000);

    it('keeps a bulk read with rows for its next read only while its rows are within the bound', async () => {
      const roomy = service(100);
      const first = await roomy.evaluateMany(CLOSED, NOW);
      expect(first.map(r => r.result.incidents.length)).toEqual(
        REFS.map(() => ROWS_EACH),
      );
      let looked = roomy.entriesLookedUp;
      expect(await roomy.evaluateMany(CLOSED, NOW)).toBe(first);
      expect(roomy.entriesLookedUp - looked).toBe(0);

      // 20 rows against a bound of 12: answered in full, not kept; the next read looks
      // every entry up again (the cache kept the newest ones within the bound).
      const tight = service(12);
      const answered = await tight.evaluateMany(CLOSED, NOW);
      expect(json(answered)).toEqual(json(first));
      expect(tight.cachedResultRows).toBeLessThanOrEqual(12);
      looked = tight.entriesLookedUp;
      const next = await tight.evaluateMany(CLOSED, NOW);
      expect(next).not.toBe(answered);
      expect(json(next)).toEqual(json(first));
      expect(tight.entriesLookedUp - looked).toBe(REFS.length);
      expect(tight.cachedResultRows).toBeLessThanOrEqual(12);
    }, 60_000);

    it('evicts only results holding rows: the overview keeps its results through reads with rows', async () => {
      const bounded = service(2 * ROWS_EACH);
      // October's overview holds slim results of January to October for every service.
      await bounded.evaluateOwnKind(CLOSED, NOW);
      // Four services' October with rows: 20 rows against 10, so two are evicted.
      for (const ref of REFS) await bounded.entityCompliance(ref, CLOSED, NOW);
      expect(bounded.cachedResultRows).toBe(2 * ROWS_EACH);
      // November's overview shares January to October's results: none is read again.
      const list = jest.spyOn(db.stores.snapshots, 'list');
      try {
        const current = await bounded.evaluateOwnKind({ kind: 'current' }, NOW);
        expect(current.map(o => o.year.length)).toEqual(REFS.map(() => 11));
        expect(list).not.toHaveBeenCalled();
      } finally {
        list.mockRestore();
      }
    }, 60_000);

    it('never evicts results without rows for the rows bound', async () => {
      const bounded = service(1);
      const overview = await bounded.evaluateOwnKind(CLOSED, NOW);
      // The figures are those of October with its incidents; the overview holds none of
      // their rows.
      const whole = await Promise.all(
        REFS.map(ref => uncached().entityCompliance(ref, CLOSED, NOW)),
      );
      expect(whole.map(r => r.result.incidents.length)).toEqual(
        REFS.map(() => ROWS_EACH),
      );
      expect(overview.map(o => JSON.stringify(o.selected[0].result))).toEqual(
        whole.map(r => JSON.stringify(figuresOf(r.result))),
      );
      expect(bounded.cachedResultRows).toBe(0);
      const looked = bounded.entriesLookedUp;
      expect(await bounded.evaluateOwnKind(CLOSED, NOW)).toBe(overview);
      expect(bounded.entriesLookedUp - looked).toBe(0);
    }, 60_000);
  },
);
