import type {
  AnnotationProblem,
  SlaTerms,
} from '@servicelevel/plugin-sla-common';
import { DatabaseTermsStore } from './DatabaseTermsStore';
import { describeStoreOnEachDatabase } from './__testUtils__/testDatabases';

jest.setTimeout(60_000);

const MARCH = Date.UTC(2026, 2, 1);
const CAD = 'component:default/cad-core';
const BILLING = 'component:default/billing';

const GOLD: SlaTerms = {
  tier: 'gold',
  serviceHours: { kind: '24x7', spec: '24x7' },
  timezone: 'Asia/Shanghai',
  serviceDayMs: 86_400_000,
  availability: 99.9,
  responseTime: {
    P1: { targetMs: 900_000, percentile: 95 },
    P2: { targetMs: 1_800_000, percentile: 100 },
  },
  maxIncidents: { P1: 2, all: 10 },
  period: 'monthly',
  report: 'quarterly',
  sources: ['pagerduty', 'api'],
};
const SILVER: SlaTerms = { ...GOLD, tier: 'silver', availability: 99.5 };

const TYPO: AnnotationProblem = {
  key: 'servicelevel.io/response-time',
  value: 'P1=15 minutes',
  expected: 'P1=<duration>',
  message:
    'servicelevel.io/response-time: "P1=15 minutes" — expected P1=<duration>, e.g. P1=15m',
};

/** The stores do not interpret fingerprints; any canonical text will do here. */
function fingerprint(terms: SlaTerms): string {
  return JSON.stringify(terms);
}

describeStoreOnEachDatabase(DatabaseTermsStore, setup => {
  function record(
    store: DatabaseTermsStore,
    terms: SlaTerms,
    seenAt: number,
    problems: AnnotationProblem[] = [],
    entityRef = CAD,
  ) {
    return store.recordTerms({
      entityRef,
      terms,
      problems,
      fingerprint: fingerprint(terms),
      seenAt,
    });
  }

  it('stores the first terms seen as version 1, reading back every field', async () => {
    const { store } = await setup();

    const recorded = await record(store, GOLD, MARCH, [TYPO]);

    const expected = {
      entityRef: CAD,
      version: 1,
      terms: GOLD,
      problems: [TYPO],
      seenAt: MARCH,
      fingerprint: fingerprint(GOLD),
    };
    expect(recorded).toEqual(expected);
    expect(await store.listVersions(CAD)).toEqual([expected]);
  });

  it('returns one object for equal terms, wherever they are read, and another for other terms', async () => {
    const { store } = await setup();
    const recorded = await record(store, GOLD, MARCH);
    await record(store, GOLD, MARCH, [], BILLING);
    await record(store, SILVER, MARCH + 1, [], BILLING);

    const [cad] = await store.listVersions(CAD);
    const [gold, silver] = await store.listVersions(BILLING);
    const latest = await store.listLatest();

    // The engine keys its calendars on the terms object: equal terms must share it.
    expect(cad.terms).toBe(recorded.terms);
    expect(gold.terms).toBe(cad.terms);
    expect(latest.find(v => v.entityRef === CAD)!.terms).toBe(cad.terms);
    expect(silver.terms).not.toBe(gold.terms);
    expect(silver.terms).toEqual(SILVER);
    expect(latest.find(v => v.entityRef === BILLING)!.terms).toBe(silver.terms);
  });

  it('keeps the version and its first-seen time while the fingerprint is unchanged', async () => {
    const { store } = await setup();
    await record(store, GOLD, MARCH);

    const again = await record(store, GOLD, MARCH + 300_000);

    expect(again.version).toBe(1);
    expect(again.seenAt).toBe(MARCH);
    expect(await store.listVersions(CAD)).toHaveLength(1);
  });

  it('updates the problems of the latest version in place when only they change', async () => {
    const { store } = await setup();
    await record(store, GOLD, MARCH, [TYPO]);

    const fixed = await record(store, GOLD, MARCH + 1, []);

    expect(fixed).toMatchObject({ version: 1, problems: [], seenAt: MARCH });
    const versions = await store.listVersions(CAD);
    expect(versions.map(v => [v.version, v.problems])).toEqual([[1, []]]);
  });

  it("changes its change mark with another instance's writes (versions and problems), and only then", async () => {
    const { knex, store } = await setup();
    // Another replica on the same database: its own instance, with its own write counts.
    const other = await DatabaseTermsStore.create({ database: knex });
    const empty = await store.changeMark();
    expect(await store.changeMark()).toBe(empty);

    await record(other, GOLD, MARCH);
    const one = await store.changeMark();
    expect(one).not.toBe(empty);
    // Seen again unchanged: nothing is written.
    await record(other, GOLD, MARCH + 1);
    expect(await store.changeMark()).toBe(one);

    await record(other, GOLD, MARCH + 2, [TYPO]);
    const withProblem = await store.changeMark();
    expect(withProblem).not.toBe(one);
    await record(other, SILVER, MARCH + 3, [TYPO]);
    expect(await store.changeMark()).not.toBe(withProblem);
    expect(store.changes()).toBe(0);
  });

  it('stores a new version for changed terms and lists versions oldest first', async () => {
    const { store } = await setup();
    await record(store, GOLD, MARCH);

    const changed = await record(store, SILVER, MARCH + 1000);
    // Going back to earlier terms is a change too: a new version, not the old number.
    const back = await record(store, GOLD, MARCH + 2000);

    expect(changed).toMatchObject({ version: 2, terms: SILVER });
    expect(back).toMatchObject({ version: 3, terms: GOLD });
    const versions = await store.listVersions(CAD);
    expect(versions.map(v => [v.version, v.terms.tier, v.seenAt])).toEqual([
      [1, 'gold', MARCH],
      [2, 'silver', MARCH + 1000],
      [3, 'gold', MARCH + 2000],
    ]);
  });

  it('numbers versions per entity', async () => {
    const { store } = await setup();
    await record(store, GOLD, MARCH, [], CAD);
    await record(store, SILVER, MARCH + 1, [], CAD);

    const billing = await record(store, SILVER, MARCH + 2, [], BILLING);

    expect(billing.version).toBe(1);
    expect(await store.listVersions('component:default/unknown')).toEqual([]);
  });

  it('lists the latest version of every entity', async () => {
    const { store } = await setup();
    await record(store, GOLD, MARCH, [], CAD);
    await record(store, SILVER, MARCH + 1, [TYPO], CAD);
    await record(store, GOLD, MARCH + 2, [], BILLING);

    const latest = await store.listLatest();

    expect(latest).toEqual([
      {
        entityRef: BILLING,
        version: 1,
        terms: GOLD,
        problems: [],
        seenAt: MARCH + 2,
        fingerprint: fingerprint(GOLD),
      },
      {
        entityRef: CAD,
        version: 2,
        terms: SILVER,
        problems: [TYPO],
        seenAt: MARCH + 1,
        fingerprint: fingerprint(SILVER),
      },
    ]);
  });

  it('gives concurrent changes distinct versions', async () => {
    const { store } = await setup();
    const terms = [GOLD, SILVER, { ...GOLD, availability: 99 }];

    const recorded = await Promise.all(
      terms.map((t, i) => record(store, t, MARCH + i)),
    );

    expect(recorded.map(r => r.version).sort()).toEqual([1, 2, 3]);
    const versions = await store.listVersions(CAD);
    expect(versions.map(v => v.version)).toEqual([1, 2, 3]);
    expect(versions.map(v => v.fingerprint).sort()).toEqual(
      terms.map(fingerprint).sort(),
    );
  });
});
