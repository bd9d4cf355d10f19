import { TestDatabases } from '@backstage/backend-test-utils';
import {
  CreditAmount,
  Incident,
  readSlaConfig,
  ServiceCreditsResult,
} from '@servicelevel/plugin-sla-common';
import {
  componentEntity,
  recordAnnotatedTerms,
  useTestStores,
} from '../__testUtils__/stores';
import {
  availabilityBandLine,
  creditAmount,
  perBreachLine,
  SPEC_AVAILABILITY_BANDS,
} from '@servicelevel/plugin-sla-common/testUtils';
import { webhookP1 } from '../__testUtils__/examples';
import { ComplianceService } from './ComplianceService';
import { customerEntry, readCustomerFees, sumCredits } from './credits';
import { buildOverview } from './overview';

const MIN = 60_000;
const HOUR = 60 * MIN;

describe('readCustomerFees', () => {
  it('reads each customer’s fee and names the key of every malformed one', () => {
    const { fees, problems } = readCustomerFees({
      'dispatch-center': { monthlyFee: '12000 CNY', language: 'zh-CN' },
      'group:default/city-works': { monthlyFee: '2500.50 usd' },
      'field-ops': { monthlyFee: 'RMB 12000' },
      'water-board': { monthlyFee: '12,000 CNY' },
      harbour: { monthlyFee: 12000 },
      'no-fee': { language: 'en' },
    });
    expect(fees).toEqual({
      'dispatch-center': { amount: '12000', currency: 'CNY' },
      'group:default/city-works': { amount: '2500.5', currency: 'USD' },
    });
    expect(problems).toEqual([
      'sla.customers.field-ops.monthlyFee: "RMB 12000" — write the amount first, e.g. 12000 CNY; expected e.g. "12000 CNY"',
      'sla.customers.water-board.monthlyFee: "12,000 CNY" — the amount takes digits and one decimal point, no thousands separators; expected e.g. "12000 CNY"',
      'sla.customers.harbour.monthlyFee: expected an amount and an ISO 4217 currency as text, e.g. "12000 CNY" (got 12000)',
    ]);
  });

  it('reads nothing from an absent or empty block', () => {
    expect(readCustomerFees(undefined)).toEqual({ fees: {}, problems: [] });
    expect(readCustomerFees({})).toEqual({ fees: {}, problems: [] });
  });

  it('finds a customer’s entry by its name or its full ref, in any case', () => {
    const settings = { 'Dispatch-Center': 1, 'group:default/city-works': 2 };
    expect(customerEntry(settings, 'group:default/dispatch-center')).toBe(1);
    expect(customerEntry(settings, 'dispatch-center')).toBe(1);
    expect(customerEntry(settings, 'group:default/city-works')).toBe(2);
    expect(customerEntry(settings, 'group:other/dispatch-center')).toBe(1);
    expect(customerEntry(settings, 'group:default/unknown')).toBeUndefined();
  });
});

describe('sumCredits', () => {
  const credit = (
    shareBp: number,
    provisional: boolean,
    amount?: CreditAmount,
  ): ServiceCreditsResult => ({
    lines: [],
    totalShareBp: shareBp,
    capBp: 10_000,
    shareBp,
    capped: false,
    provisional,
    months: 1,
    ...(amount && { amount }),
  });

  it('adds amounts per currency, closed periods owed and open ones provisional', () => {
    expect(
      sumCredits([
        [credit(1000, false, creditAmount('1200.00', 'CNY'))],
        [
          credit(500, false, creditAmount('0.05', 'CNY')),
          credit(500, true, creditAmount('600.00', 'CNY')),
        ],
        [credit(200, false, creditAmount('3000', 'JPY'))],
        // A share without a fee owes, with no amount to add.
        [credit(300, false)],
        // Earned nothing: neither owes nor counts.
        [credit(0, false, creditAmount('0.00', 'USD')), undefined],
        [],
      ]),
    ).toEqual({
      owed: [creditAmount('1200.05', 'CNY'), creditAmount('3000', 'JPY')],
      services: 4,
      provisional: [creditAmount('600.00', 'CNY')],
      provisionalServices: 1,
    });
  });
});

// ---------------------------------------------------------------- with the stores

const { config: slaConfig } = readSlaConfig({});
const CUSTOMER = 'group:default/dispatch-center';
const CREDITS =
  'availability<99.9%=10% availability<99%=25% response-time:P1=5%/breach cap=30%';
const TERMS = {
  'servicelevel.io/timezone': 'UTC',
  'servicelevel.io/availability': '99.9%',
  'servicelevel.io/response-time': 'P1=15m',
  'servicelevel.io/customer': CUSTOMER,
  'servicelevel.io/service-credits': CREDITS,
};
const SERVICES: Array<[string, Record<string, string>, string]> = [
  // Fee from the customer's config.
  ['component:default/billed', TERMS, 'group:default/team-a'],
  // Its own fee wins over the customer's.
  [
    'component:default/own-fee',
    { ...TERMS, 'servicelevel.io/monthly-fee': '1000 USD' },
    'group:default/team-b',
  ],
  // No credit rules: no credits anywhere.
  [
    'component:default/plain',
    {
      'servicelevel.io/timezone': 'UTC',
      'servicelevel.io/availability': '99.9%',
    },
    'group:default/team-b',
  ],
];
const SEPT = Date.UTC(2026, 8, 1);
const OCT = Date.UTC(2026, 9, 1);
const NOW = Date.UTC(2026, 9, 15, 12);

/** A P1 acknowledged after `ackMinutes` (target 15 m), resolved an hour later. */
const p1 = (
  entityRef: string,
  id: string,
  createdAt: number,
  ackMinutes: number,
  outageMs?: number,
): Incident => ({
  ...webhookP1(entityRef, id),
  createdAt,
  acknowledgedAt: createdAt + ackMinutes * MIN,
  resolvedAt: createdAt + HOUR + (outageMs ?? 0),
  pauses: [],
  ...(outageMs !== undefined && {
    outage: { start: createdAt, end: createdAt + outageMs },
  }),
});

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

describe.each(databases.eachSupportedId())(
  'service credits in the compliance service, %p',
  databaseId => {
    const db = useTestStores(databases, databaseId);
    const service = () =>
      new ComplianceService({
        ...db.stores,
        slaConfig,
        cacheMaxAgeMs: 0,
        customerFees: readCustomerFees({
          'dispatch-center': { monthlyFee: '12000 CNY' },
        }).fees,
      });

    beforeAll(async () => {
      await db.stores.entities.syncEntities(
        SERVICES.map(([ref, annotations, ownerRef]) =>
          componentEntity(ref, annotations, SEPT - HOUR, { ownerRef }),
        ),
        SEPT - HOUR,
      );
      await recordAnnotatedTerms(
        db.stores.terms,
        SERVICES.map(([ref, annotations]) => [ref, annotations]),
        slaConfig,
        SEPT - HOUR,
      );
      const [billed, ownFee] = SERVICES.map(([ref]) => ref);
      await db.stores.incidents.upsertIncidents(
        [
          // September, billed: a 5 h outage (availability 99.31 %: below 99.9, not 99) and
          // three P1 responses late, one on time.
          p1(billed, 'S1', SEPT + 2 * 86_400_000, 40, 5 * HOUR),
          p1(billed, 'S2', SEPT + 5 * 86_400_000, 16),
          p1(billed, 'S3', SEPT + 9 * 86_400_000, 90),
          p1(billed, 'S4', SEPT + 12 * 86_400_000, 10),
          // September, own-fee: an 8 h outage (98.89 %: below 99) and five late P1s.
          p1(ownFee, 'F1', SEPT + 3 * 86_400_000, 20, 8 * HOUR),
          ...[4, 6, 8, 10].map(d =>
            p1(ownFee, `F${d}`, SEPT + d * 86_400_000, 30),
          ),
          // October (open): billed, one late P1 so far.
          p1(billed, 'O1', OCT + 3 * 86_400_000, 25),
        ],
        { now: NOW },
      );
    });

    it('credits a closed month from its published result: band, breaches, cap and the customer’s fee', async () => {
      const first = await service().entityCompliance(
        'component:default/billed',
        { kind: 'key', key: '2026-09' },
        NOW,
      );
      expect(first.source).toBe('snapshot');
      // Availability (30 d − 5 h) / 30 d = 99.31 %: the 99.9 % band (10 %), not 99 %.
      expect(first.result.availability.downtimeMs).toBe(5 * HOUR);
      expect(first.credits).toEqual({
        lines: [
          availabilityBandLine(
            first.result.availability.availability,
            SPEC_AVAILABILITY_BANDS,
            { below: 99.9, share: 10 },
            1000,
          ),
          perBreachLine('response-time:P1', 'breached', 3, 5, 1500),
        ],
        totalShareBp: 2500,
        capBp: 3000,
        shareBp: 2500,
        capped: false,
        provisional: false,
        months: 1,
        periodFee: creditAmount('12000.00', 'CNY'),
        // 25 % of 12 000 CNY.
        amount: creditAmount('3000.00', 'CNY'),
      });
      // Read again from the snapshot: the same credits.
      const again = await service().entityCompliance(
        'component:default/billed',
        { kind: 'key', key: '2026-09' },
        NOW + HOUR,
      );
      expect(again.credits).toEqual(first.credits);
    });

    it('caps the total, and the service’s own fee wins over its customer’s', async () => {
      const r = await service().entityCompliance(
        'component:default/own-fee',
        { kind: 'key', key: '2026-09' },
        NOW,
      );
      // 25 % band + 5 × 5 % = 50 %, capped at 30 % of 1000 USD.
      expect(r.credits).toMatchObject({
        totalShareBp: 5000,
        shareBp: 3000,
        capped: true,
        amount: { currency: 'USD', decimal: '300.00' },
      });
      expect(r.credits!.lines.map(l => l.band ?? l.breaches)).toEqual([
        { below: 99, share: 25 },
        5,
      ]);
    });

    it('marks an open month’s credits provisional, and leaves custom ranges and services without rules alone', async () => {
      const open = await service().entityCompliance(
        'component:default/billed',
        { kind: 'current' },
        NOW,
      );
      expect(open.period.key).toBe('2026-10');
      expect(open.credits).toMatchObject({
        provisional: true,
        shareBp: 500,
        amount: { currency: 'CNY', decimal: '600.00' },
      });
      const range = await service().entityCompliance(
        'component:default/billed',
        { kind: 'range', from: '2026-09-01', to: '2026-10-01' },
        NOW,
      );
      expect(range.credits).toBeUndefined();
      const plain = await service().entityCompliance(
        'component:default/plain',
        { kind: 'key', key: '2026-09' },
        NOW,
      );
      expect(plain.result.objectives).toHaveLength(1);
      expect(plain.credits).toBeUndefined();
    });

    it('sums what is owed per currency and group on the organisation page', async () => {
      const compliance = service();
      const sept = buildOverview(
        await compliance.evaluateOwnKind({ kind: 'key', key: '2026-09' }, NOW),
        'owner',
        NOW,
      );
      expect(sept.total.credits).toEqual({
        owed: [creditAmount('3000.00', 'CNY'), creditAmount('300.00', 'USD')],
        services: 2,
        provisional: [],
        provisionalServices: 0,
      });
      expect(
        Object.fromEntries(
          sept.groups.map(g => [
            g.key,
            [
              g.credits.owed.map(a => `${a.decimal} ${a.currency}`),
              g.credits.services,
            ],
          ]),
        ),
      ).toEqual({
        'group:default/team-a': [['3000.00 CNY'], 1],
        'group:default/team-b': [['300.00 USD'], 1],
      });
      // The year to date: September owed, October provisional.
      expect(sept.yearToDate.total.credits).toMatchObject({
        owed: [
          { currency: 'CNY', decimal: '3000.00' },
          { currency: 'USD', decimal: '300.00' },
        ],
        services: 2,
        provisional: [{ currency: 'CNY', decimal: '600.00' }],
        provisionalServices: 1,
      });
      // October is open: nothing owed yet, 600 CNY provisional.
      const oct = buildOverview(
        await compliance.evaluateOwnKind({ kind: 'current' }, NOW),
        'owner',
        NOW,
      );
      expect(oct.total.credits).toEqual({
        owed: [],
        services: 0,
        provisional: [creditAmount('600.00', 'CNY')],
        provisionalServices: 1,
      });
    });
  },
);
