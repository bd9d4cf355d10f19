import { TestDatabases } from '@backstage/backend-test-utils';
import { Incident, readSlaConfig } from '@servicelevel/plugin-sla-common';
import {
  componentEntity,
  recordAnnotatedTerms,
  useTestStores,
} from '../__testUtils__/stores';
import { ComplianceService } from './ComplianceService';
import { TermsPreview } from './TermsPreview';

// Two databases, migrations and a year of periods per test: slower than jest's default.
jest.setTimeout(60_000);

const { config: slaConfig } = readSlaConfig({
  tiers: { gold: { availability: '99.9%', 'response-time': 'P1=1h' } },
});

const REF = 'component:default/cad-core';
const NOW = Date.UTC(2026, 10, 20, 12);
const MIN = 60_000;
const IN_FORCE = {
  'servicelevel.io/response-time': 'P1=1h',
  'servicelevel.io/timezone': 'UTC',
};
/** The proposal: a tighter P1 response. */
const TIGHTER = { ...IN_FORCE, 'servicelevel.io/response-time': 'P1=15m' };

const p1 = (id: string, createdAt: number, respondedAfterMs: number) =>
  ({
    source: 'webhook',
    id,
    entityRef: REF,
    title: `incident ${id}`,
    priority: 'P1',
    createdAt,
    acknowledgedAt: createdAt + respondedAfterMs,
    resolvedAt: createdAt + 2 * respondedAfterMs,
    pauses: [],
  } satisfies Incident);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

describe.each(databases.eachSupportedId())('TermsPreview on %p', id => {
  const db = useTestStores(databases, id);
  let preview: TermsPreview;

  beforeAll(async () => {
    const { stores } = db;
    await stores.entities.upsertEntity(
      componentEntity(REF, IN_FORCE, Date.UTC(2026, 0, 1)),
    );
    await recordAnnotatedTerms(
      stores.terms,
      [[REF, IN_FORCE]],
      slaConfig,
      Date.UTC(2026, 0, 1),
    );
    await stores.incidents.upsertIncidents([
      // Answered in 30 minutes: met under 1 h, breached under 15 m.
      p1('SEP-1', Date.UTC(2026, 8, 10, 8), 30 * MIN),
      // Answered in 10 minutes: met under both.
      p1('OCT-1', Date.UTC(2026, 9, 12, 8), 10 * MIN),
    ]);
    const compliance = new ComplianceService({ ...stores, slaConfig });
    preview = new TermsPreview({
      compliance,
      incidents: stores.incidents,
      slaConfig,
    });
  });

  it('shows each closed period under the terms in force and the proposal, and the incidents that change', async () => {
    const r = await preview.preview(REF, TIGHTER, 3, NOW);

    expect(r.problems).toEqual([]);
    expect(r.proposedTermsAsWritten['servicelevel.io/response-time']).toBe(
      'P1=15m',
    );
    // The open month (2026-11) is left out.
    expect(r.periods.map(p => p.period)).toEqual([
      '2026-08',
      '2026-09',
      '2026-10',
    ]);
    const [aug, sep, oct] = r.periods;
    expect(sep.current).toMatchObject({
      termsVersion: 1,
      met: 1,
      committed: 1,
      achievementRate: 100,
    });
    expect(sep.proposed).toMatchObject({
      met: 0,
      committed: 1,
      achievementRate: 0,
      objectives: [
        {
          objective: 'response-time:P1',
          target: { display: '15m', value: 15 * MIN },
          status: 'breached',
        },
      ],
    });
    expect(sep.rateChange).toBe(-100);
    expect(sep.incidents).toEqual([
      {
        source: 'webhook',
        id: 'SEP-1',
        title: 'incident SEP-1',
        priority: 'P1',
        clock: 'response',
        current: 'met',
        proposed: 'breached',
      },
    ]);
    // October's incident meets both targets; August had none.
    expect(oct.rateChange).toBe(0);
    expect(oct.incidents).toEqual([]);
    expect(aug.incidents).toEqual([]);
  });

  it('stores nothing of the proposal', async () => {
    await preview.preview(REF, TIGHTER, 2, NOW);
    const versions = await db.stores.terms.listVersions(REF);
    expect(versions).toHaveLength(1);
    expect(versions[0].terms.responseTime?.P1?.targetMs).toBe(60 * MIN);
  });

  it("lists the proposal's problems and still evaluates the rest, the tier's value standing in", async () => {
    const r = await preview.preview(
      REF,
      {
        'servicelevel.io/tier': 'gold',
        'servicelevel.io/response-time': 'P1=15 minutes',
        'servicelevel.io/timezone': 'UTC',
      },
      1,
      NOW,
    );
    expect(r.problems.map(p => p.key)).toEqual([
      'servicelevel.io/response-time',
    ]);
    expect(r.periods[0].proposed.objectives.map(o => o.objective)).toEqual([
      'availability',
      'response-time:P1',
    ]);
  });

  it('refuses a period count out of bounds, a proposal without an SLA and an unknown entity', async () => {
    await expect(preview.preview(REF, TIGHTER, 37, NOW)).rejects.toThrow(
      'periods: must be a whole number from 1 to 36 (got 37)',
    );
    await expect(preview.preview(REF, TIGHTER, 0, NOW)).rejects.toThrow(
      /^periods: /,
    );
    await expect(
      preview.preview(REF, { 'servicelevel.io/agreement': 'X-1' }, 3, NOW),
    ).rejects.toThrow(
      'annotations: the proposal has no servicelevel.io/ objective or tier, so there is nothing to evaluate',
    );
    await expect(
      preview.preview('component:default/nope', TIGHTER, 3, NOW),
    ).rejects.toThrow(/No SLA is known for component:default\/nope/);
  });
});
