import type { LoggerService } from '@backstage/backend-plugin-api';
import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import {
  figuresOf,
  Incident,
  readSlaConfig,
} from '@servicelevel/plugin-sla-common';
import { seedServices, useTestStores } from '../__testUtils__/stores';
import type { SnapshotStore } from '../database';
import {
  ComplianceService,
  EntityPeriodResult,
  PeriodQuery,
  SlimResult,
} from './ComplianceService';

/**
 * Issue 14.5: a first overview after a large backfill finds a year of closed periods without
 * snapshots. It publishes the first `publishAtOnceMax` before it answers and the rest in
 * the background, one chunk at a time; what it served and what is published agree, and
 * where another writer published first, the overview follows the stored snapshot.
 */

jest.setTimeout(60_000);

const { config: slaConfig } = readSlaConfig({});

const ANNOTATIONS = {
  'servicelevel.io/availability': '99.9%',
  'servicelevel.io/response-time': 'P1=15m P2=30m P3=4h P4=1d',
  'servicelevel.io/resolution-time': 'P1=4h P2=8h P3=3d P4=5d',
  'servicelevel.io/service-credits': 'resolution-time:P1=5%/breach cap=30%',
  'servicelevel.io/monthly-fee': '10000 CNY',
};
const SERVICES = 3;
const ref = (i: number) => `component:default/pub-${i}`;
const FROM = Date.UTC(2026, 0, 1);
const NOW = Date.UTC(2026, 10, 25, 12);
/** January to October: ten closed months per service. */
const CLOSED_MONTHS = 10;
const CURRENT: PeriodQuery = { kind: 'current' };

/** Two incidents a month per service, every other P1 breaching its 4 h resolution. */
function incidents(): Incident[] {
  const out: Incident[] = [];
  for (let s = 0; s < SERVICES; s++) {
    for (let m = 0; m < 11; m++) {
      for (let k = 0; k < 2; k++) {
        const createdAt = Date.UTC(2026, m, 3 + k * 10, 9);
        out.push({
          source: 'api',
          id: `S${s}-M${m}-${k}`,
          entityRef: ref(s),
          title: `feeder trip ${m}/${k}`,
          priority: k === 0 ? 'P1' : 'P3',
          createdAt,
          acknowledgedAt: createdAt + 600_000,
          resolvedAt: createdAt + (k === 0 && m % 2 === 0 ? 6 : 1) * 3_600_000,
          pauses: [],
        });
      }
    }
  }
  return out;
}

/** What an overview read serves of a result, compared as the API serves it. */
const figures = (r: EntityPeriodResult | SlimResult) =>
  JSON.parse(
    JSON.stringify({
      result: figuresOf(r.result),
      credits: r.credits,
      termsVersion: r.termsVersion,
    }),
  );

const closedOf = (
  own: Awaited<ReturnType<ComplianceService['evaluateOwnKind']>>,
) => own.flatMap(o => o.year.filter(r => r.period.end <= NOW));

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

describe.each(databases.eachSupportedId())(
  'background publication of closed periods, %p',
  databaseId => {
    const db = useTestStores(databases, databaseId);

    beforeAll(async () => {
      await seedServices(
        db.stores,
        Array.from({ length: SERVICES }, (_, i) => ({
          entityRef: ref(i),
          annotations: ANNOTATIONS,
        })),
        slaConfig,
        FROM,
      );
      await db.stores.incidents.upsertIncidents(incidents(), { now: FROM });
    });
    beforeEach(async () => {
      await db.knex('sla_snapshots').delete();
    });

    const service = (
      extra: Partial<ConstructorParameters<typeof ComplianceService>[0]> = {},
    ) => new ComplianceService({ ...db.stores, slaConfig, ...extra });

    /** The snapshot store with its bulk insert held until `release` (or failing). */
    function heldSnapshots(fail = false) {
      let release!: () => void;
      const gate = new Promise<void>(resolve => {
        release = resolve;
      });
      const inner = db.stores.snapshots;
      const snapshots: SnapshotStore = {
        insertIfAbsent: s => inner.insertIfAbsent(s),
        insertAllIfAbsent: async s => {
          await gate;
          if (fail) throw new Error('disk full');
          return inner.insertAllIfAbsent(s);
        },
        replace: s => inner.replace(s),
        get: (r, k) => inner.get(r, k),
        list: (f, o) => inner.list(f, o),
      };
      return { snapshots, release };
    }

    it('publishes the first closed periods before answering and the rest in the background, as served', async () => {
      const compliance = service({ publishAtOnceMax: 4 });
      const own = await compliance.evaluateOwnKind(CURRENT, NOW);
      const closed = closedOf(own);
      expect(closed).toHaveLength(SERVICES * CLOSED_MONTHS);
      // Four were published and read back before the answer; the others were served live.
      expect(closed.filter(r => r.source === 'snapshot')).toHaveLength(4);

      await compliance.snapshotsPublished();
      const rows = await db.knex('sla_snapshots').count({ n: '*' });
      expect(Number(rows[0].n)).toBe(SERVICES * CLOSED_MONTHS);

      // Every served figure is the published one: an entity read (its snapshot, incident
      // rows included) gives the same figures and credits.
      const reader = service({ cacheMaxAgeMs: 0 });
      let credited = 0;
      for (const r of closed) {
        const stored = await reader.entityCompliance(
          r.entityRef,
          { kind: 'key', key: r.period.key },
          NOW,
        );
        expect(stored.source).toBe('snapshot');
        expect(stored.result.incidents).toHaveLength(2);
        expect(figures(r)).toEqual(figures(stored));
        if ((stored.credits?.shareBp ?? 0) > 0) credited++;
      }
      // Per-breach credits (even months' P1 breached) survive the slim path: 5 of 10 months.
      expect(credited).toBe(SERVICES * 5);

      // Nothing differed, so the next read serves the very same results.
      const again = closedOf(await compliance.evaluateOwnKind(CURRENT, NOW));
      again.forEach((r, i) => expect(r).toBe(closed[i]));
    });

    it('keeps what it served, once published as served, as long as a result read from its snapshot', async () => {
      const compliance = service({ publishAtOnceMax: 0 });
      const served = closedOf(await compliance.evaluateOwnKind(CURRENT, NOW));
      expect(served.every(r => r.source === 'live')).toBe(true);
      await compliance.snapshotsPublished();

      // Six minutes on, past the five a live closed result is kept: a background build,
      // which computes what has expired, still finds every closed result and reads no
      // snapshot (at 10,000,000 incidents the publication outlasted the five minutes).
      const list = jest.spyOn(db.stores.snapshots, 'list');
      try {
        const later = closedOf(
          await compliance.evaluateOwnKind(CURRENT, NOW + 360_000, {
            computeExpired: true,
          }),
        );
        later.forEach((r, i) => expect(r).toBe(served[i]));
        expect(list).not.toHaveBeenCalled();
      } finally {
        list.mockRestore();
      }
    });

    it('follows a snapshot another writer stored first', async () => {
      const held = heldSnapshots();
      const compliance = service({
        snapshots: held.snapshots,
        publishAtOnceMax: 0,
      });
      const before = closedOf(await compliance.evaluateOwnKind(CURRENT, NOW));
      const february = (list: SlimResult[]) =>
        list.find(r => r.entityRef === ref(1) && r.period.key === '2026-02')!;
      expect(february(before).source).toBe('live');

      // Another replica reads February an hour later and publishes it first.
      const later = NOW + 3_600_000;
      await service({ cacheMaxAgeMs: 0 }).entityCompliance(
        ref(1),
        { kind: 'key', key: '2026-02' },
        later,
      );
      held.release();
      await compliance.snapshotsPublished();

      const after = closedOf(await compliance.evaluateOwnKind(CURRENT, NOW));
      expect(february(after).source).toBe('snapshot');
      expect(february(after).result.evaluatedAt).toBe(later);
      // The others were published as served and stay the same results.
      after
        .filter(r => r !== february(after))
        .forEach(r => expect(before).toContain(r));
      const row = await db
        .knex('sla_snapshots')
        .where({ entity_ref: ref(1), period_key: '2026-02' })
        .first();
      expect(Number(row.computed_at)).toBe(later);
    });

    it('follows a snapshot of equal figures whose credits differ', async () => {
      const held = heldSnapshots();
      const compliance = service({
        snapshots: held.snapshots,
        publishAtOnceMax: 0,
      });
      const march = (list: SlimResult[]) =>
        list.find(r => r.entityRef === ref(1) && r.period.key === '2026-03')!;
      const served = march(
        closedOf(await compliance.evaluateOwnKind(CURRENT, NOW)),
      );
      expect(served.source).toBe('live');
      expect(served.credits?.shareBp).toBe(500);

      // Another writer publishes March first, at the same instant, with a second breached P1
      // (an incident that reached it late): the resolution objective was breached already,
      // so every figure the overview holds is the same; the per-breach credit is not.
      const whole = await service({
        cacheMaxAgeMs: 0,
        snapshots: {
          ...held.snapshots,
          insertIfAbsent: async () => false,
        },
      }).entityCompliance(ref(1), { kind: 'key', key: '2026-03' }, NOW);
      const breach = whole.result.incidents.find(i => i.priority === 'P1')!;
      expect(breach.resolution.status).toBe('breached');
      const late = { ...whole.result, incidents: [...whole.result.incidents] };
      late.incidents.push({ ...breach, id: `${breach.id}-late` });
      await db.stores.snapshots.insertIfAbsent({
        entityRef: ref(1),
        periodKey: '2026-03',
        periodStart: whole.period.start,
        periodEnd: whole.period.end,
        termsVersion: whole.termsVersion,
        result: late,
        computedAt: NOW,
      });
      held.release();
      await compliance.snapshotsPublished();

      const after = march(
        closedOf(await compliance.evaluateOwnKind(CURRENT, NOW)),
      );
      expect(figuresOf(after.result)).toEqual(figuresOf(served.result));
      expect(after.source).toBe('snapshot');
      expect(after.credits?.shareBp).toBe(1000);
    });

    it('reports a failed publication, stores nothing and keeps answering', async () => {
      const held = heldSnapshots(true);
      const logger = mockServices.logger.mock();
      const compliance = service({
        snapshots: held.snapshots,
        publishAtOnceMax: 0,
        logger: logger as unknown as LoggerService,
      });
      const served = closedOf(await compliance.evaluateOwnKind(CURRENT, NOW));
      held.release();
      await compliance.snapshotsPublished();

      expect(logger.warn).toHaveBeenCalledWith(
        expect.stringMatching(
          /^Publishing 30 closed periods' snapshots failed: .*disk full/,
        ),
      );
      const rows = await db.knex('sla_snapshots').count({ n: '*' });
      expect(Number(rows[0].n)).toBe(0);
      expect(closedOf(await compliance.evaluateOwnKind(CURRENT, NOW))).toEqual(
        served,
      );
    });
  },
);
