import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { Incident, readSlaConfig } from '@servicelevel/plugin-sla-common';
import type {
  IncidentProvider,
  LinkedEntity,
} from '@servicelevel/plugin-sla-node';
import {
  componentEntity,
  recordAnnotatedTerms,
  useTestStores,
} from '../__testUtils__/stores';
import { ProviderSync } from '../providers/ProviderSync';
import { ComplianceService } from './ComplianceService';
import { DataCoverage } from './coverage';

/**
 * Data coverage through the stores (issue 17 §2, SPEC §9): a vendor outage longer than the
 * threshold makes the objectives the vendor feeds `unknown` (in the open period and in a
 * closed period's snapshot), and a later successful sync plus an audited recompute decide
 * them with the true status.
 */

jest.setTimeout(60_000);

const { config: slaConfig } = readSlaConfig({});
const REF = 'component:default/dispatch';
const LINK = 'vendor.example/service-id';
const HOUR = 3_600_000;
const t = (iso: string) => Date.parse(iso);

/** A vendor that serves its incidents changed in [since, until), and can be down. */
class Vendor implements IncidentProvider {
  readonly id = 'vendor';
  down = false;
  incidents: Incident[] = [];
  accounts() {
    return ['main'];
  }
  feeds(_account: string, entity: LinkedEntity) {
    return entity.annotations[LINK] ? ('all' as const) : undefined;
  }
  async *sync(ctx: { since: number; until: number }) {
    if (this.down) throw new Error('HTTP 503 Service Unavailable');
    yield {
      incidents: this.incidents.filter(
        i => i.createdAt >= ctx.since && i.createdAt < ctx.until,
      ),
      skipped: 0,
    };
  }
}

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

describe.each(databases.eachSupportedId())(
  'data coverage through the compliance service, %p',
  databaseId => {
    const db = useTestStores(databases, databaseId);
    let clock = 0;
    const vendor = new Vendor();
    const setup = () => {
      const { stores } = db;
      const sync = new ProviderSync({
        providers: [vendor],
        ...stores,
        logger: mockServices.logger.mock(),
        maxGapMs: HOUR,
        now: () => clock,
      });
      const compliance = new ComplianceService({
        ...stores,
        slaConfig,
        cacheMaxAgeMs: 0,
        coverage: new DataCoverage({
          providers: [vendor],
          syncStates: stores.syncStates,
          settings: { threshold: 95, maxGapMs: HOUR },
        }),
      });
      return { sync, compliance };
    };

    beforeAll(async () => {
      const annotations = {
        [LINK]: 'PDISPATCH',
        'servicelevel.io/availability': '99.9%',
        'servicelevel.io/response-time': 'P1=15m',
      };
      const seen = t('2026-09-01T00:00Z');
      await db.stores.entities.syncEntities(
        [componentEntity(REF, annotations, seen)],
        seen,
      );
      await recordAnnotatedTerms(
        db.stores.terms,
        [[REF, annotations]],
        slaConfig,
        seen,
      );
    });

    it('reads unknown while the vendor is down, then the true status after a backfill and an audited recompute', async () => {
      const { sync, compliance } = setup();
      const october = { kind: 'key' as const, key: '2026-10' };

      // Connected on October 25: the first run reads the last 90 days, without error.
      clock = t('2026-10-25T00:00Z');
      await sync.run();
      // Then down from October 25 to November 3. On October 28 a P1 is acknowledged after
      // 2 hours: a breach the store does not know about yet.
      vendor.down = true;
      vendor.incidents.push({
        source: 'vendor',
        id: 'V-1',
        entityRef: REF,
        title: 'Dispatch consoles frozen',
        priority: 'P1',
        createdAt: t('2026-10-28T08:00Z'),
        acknowledgedAt: t('2026-10-28T10:00Z'),
        resolvedAt: t('2026-10-28T11:00Z'),
        pauses: [],
      });

      // The open month on October 30: 5 of 29 days not synced (82.76 %).
      clock = t('2026-10-30T00:00Z');
      await sync.run();
      const open = await compliance.entityCompliance(
        REF,
        { kind: 'current' },
        clock,
      );
      expect(open.result.coverage).toMatchObject({
        threshold: 95,
        sources: [
          {
            source: 'vendor',
            account: 'main',
            feeds: 'all',
            gaps: [{ start: t('2026-10-25T00:00Z'), end: clock }],
          },
        ],
      });
      expect(open.result.coverage!.coverage).toBeCloseTo((24 / 29) * 100, 10);
      expect(open.result.objectives.map(o => [o.objective, o.status])).toEqual([
        ['availability', 'unknown'],
        ['response-time:P1', 'unknown'],
      ]);

      // October closes with the vendor still down: its snapshot records 77.42 % and unknown.
      clock = t('2026-11-02T00:00Z');
      const closed = await compliance.entityCompliance(REF, october, clock);
      expect(closed.source).toBe('snapshot');
      expect(closed.result.coverage!.coverage).toBeCloseTo((24 / 31) * 100, 10);
      expect(closed.result.objectives.map(o => o.status)).toEqual([
        'unknown',
        'unknown',
      ]);
      expect(closed.result).toMatchObject({ met: 0, committed: 0, unknown: 2 });

      // The vendor is back: the next run re-reads from the checkpoint and records the gap.
      vendor.down = false;
      clock = t('2026-11-03T00:00Z');
      await sync.run();
      expect(await db.stores.syncStates.listGaps()).toEqual([
        {
          provider: 'vendor',
          account: 'main',
          start: t('2026-10-25T00:00Z'),
          end: clock,
          backfilledFrom: t('2026-10-25T00:00Z') - 60 * 60_000,
        },
      ]);
      expect(await db.stores.incidents.get('vendor', 'V-1')).toMatchObject({
        acknowledgedAt: t('2026-10-28T10:00Z'),
      });

      // The published snapshot does not change by itself...
      const again = await compliance.entityCompliance(REF, october, clock);
      expect(again.result.objectives.map(o => o.status)).toEqual([
        'unknown',
        'unknown',
      ]);
      // ...an audited recompute decides it: the breach the outage hid.
      const recomputed = await compliance.recompute(
        REF,
        october,
        clock,
        'user:default/auditor',
      );
      expect(recomputed.result.coverage).toMatchObject({ coverage: 100 });
      expect(
        recomputed.result.objectives.map(o => [o.objective, o.status]),
      ).toEqual([
        ['availability', 'met'],
        ['response-time:P1', 'breached'],
      ]);
      expect(recomputed.result).toMatchObject({ met: 1, committed: 2 });
      expect(recomputed.result.unknown).toBeUndefined();
    });
  },
);
