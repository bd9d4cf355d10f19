import fc from 'fast-check';
import { creditAmount } from '../__testUtils__/fixtures';
import { createBusinessCalendar } from './calendar';
import {
  CreditIncidentInput,
  CreditObjectiveInput,
  CreditPeriodInput,
  computeServiceCredits,
  currencyMinorUnits,
  divideRoundHalfAwayFromZero,
  parseServiceCredits,
} from './credits';
import { evaluatePeriod } from './evaluate';
import { resolvePeriod } from './period';
import { parseSlaAnnotations } from './terms';
import type { Incident, MonthlyFee, PeriodKind, Priority } from './types';

const MIN = 60_000;
const HOUR = 3_600_000;
// 30 days of 24x7 service time: 0.1 % of it is 2 592 000 ms.
const AST = 30 * 24 * HOUR;
const CNY: MonthlyFee = { amount: '12000', currency: 'CNY' };

/** A P1 response objective breached in the period: per-breach rules on it apply. */
const P1_RESPONSE_BREACHED: CreditObjectiveInput = {
  objective: 'response-time:P1',
  status: 'breached',
  actual: { value: 0 },
};

const creditsOf = (text: string) => {
  const { credits, errors } = parseServiceCredits(text, () => true);
  expect(errors).toEqual([]);
  return credits!;
};

/** A period result with availability (AST − DT) / AST and the given objectives and incidents. */
function period(o: {
  downtimeMs?: number;
  availabilityStatus?: CreditObjectiveInput['status'];
  objectives?: CreditObjectiveInput[];
  incidents?: CreditIncidentInput[];
  complete?: boolean;
}): CreditPeriodInput {
  const dt = o.downtimeMs ?? 0;
  return {
    complete: o.complete ?? true,
    availability: { astMs: AST, downtimeMs: dt },
    objectives: [
      {
        objective: 'availability',
        status: o.availabilityStatus ?? 'breached',
        actual: { value: ((AST - dt) * 100) / AST },
      },
      ...(o.objectives ?? []),
    ],
    incidents: o.incidents ?? [],
  };
}

const breach = (
  priority: Priority,
  clock: 'response' | 'resolution' = 'response',
  counted = true,
): CreditIncidentInput => ({
  priority,
  countedForResponse: clock === 'response' && counted,
  countedForResolution: clock === 'resolution' && counted,
  response: { status: clock === 'response' ? 'breached' : 'met' },
  resolution: { status: clock === 'resolution' ? 'breached' : 'met' },
});

const compute = (
  rules: string,
  result: CreditPeriodInput,
  periodKind: PeriodKind = 'monthly',
  fee: MonthlyFee | null = CNY,
) =>
  computeServiceCredits({
    terms: { serviceCredits: creditsOf(rules), monthlyFee: fee ?? undefined },
    periodKind,
    result,
  })!;

describe('service credits (SPEC §7 examples)', () => {
  const bands = 'availability<99.9%=10% availability<99%=25%';

  it('99.5 % with <99.9%=10% <99%=25% gives 10 %: 1 200.00 of a 12 000 CNY month', () => {
    const r = compute(bands, period({ downtimeMs: 0.005 * AST }));
    expect(r.lines).toEqual([
      expect.objectContaining({
        objective: 'availability',
        kind: 'band',
        achieved: 99.5,
        band: { below: 99.9, share: 10 },
        shareBp: 1000,
      }),
    ]);
    expect(r.shareBp).toBe(1000);
    expect(r.amount).toEqual(creditAmount('1200.00', 'CNY'));
    expect(r.provisional).toBe(false);
  });

  it('98.5 % gives 25 % (the lowest threshold it is below), not 35 %', () => {
    const r = compute(bands, period({ downtimeMs: 0.015 * AST }));
    expect(r.lines[0].band).toEqual({ below: 99, share: 25 });
    expect(r.shareBp).toBe(2500);
    expect(r.amount?.decimal).toBe('3000.00');
  });

  it('exactly 99.9 % gives 0; one millisecond more downtime gives 10 %', () => {
    const at = compute(
      bands,
      period({ downtimeMs: 2_592_000, availabilityStatus: 'met' }),
    );
    expect(at.lines[0].band).toBeUndefined();
    expect(at.shareBp).toBe(0);
    expect(at.amount?.decimal).toBe('0.00');
    const below = compute(bands, period({ downtimeMs: 2_592_001 }));
    expect(below.lines[0].band).toEqual({ below: 99.9, share: 10 });
  });

  it('compares availability exactly, not through the rounded percentage', () => {
    // (AST − DT) / AST = 21.6000009999999996…%: just below a 21.600001 % threshold, but its
    // nearest double is the threshold's double, so a float comparison would miss the band.
    const ast = 2_678_400_001;
    const dt = 2_099_865_574;
    const value = ((ast - dt) * 100) / ast;
    expect(value).toBe(21.600001);
    const r = computeServiceCredits({
      terms: {
        serviceCredits: creditsOf('availability<21.600001%=10%'),
        monthlyFee: CNY,
      },
      periodKind: 'monthly',
      result: {
        complete: true,
        availability: { astMs: ast, downtimeMs: dt },
        objectives: [
          { objective: 'availability', status: 'breached', actual: { value } },
        ],
        incidents: [],
      },
    })!;
    expect(r.lines[0].band).toEqual({ below: 21.600001, share: 10 });
  });

  it('per breach: 5 % for each P1 whose response breached in the period (§5.4 counting)', () => {
    const r = compute(
      'response-time:P1=5%/breach',
      period({
        objectives: [
          {
            objective: 'response-time:P1',
            status: 'breached',
            actual: { value: 25 },
          },
        ],
        incidents: [
          breach('P1'),
          breach('P1'),
          breach('P1'),
          breach('P1', 'response', false), // counts in another period
          breach('P2'), // another priority
          breach('P1', 'resolution'), // another clock
        ],
      }),
    );
    expect(r.lines).toEqual([
      expect.objectContaining({
        objective: 'response-time:P1',
        kind: 'per-breach',
        breaches: 3,
        ruleShare: 5,
        shareBp: 1500,
      }),
    ]);
    expect(r.amount?.decimal).toBe('1800.00');
  });

  it('caps the total: 25 % + 3 × 5 % = 40 % is credited as 30 %', () => {
    const r = compute(
      `${bands} response-time:P1=5%/breach cap=30%`,
      period({
        downtimeMs: 0.015 * AST,
        objectives: [P1_RESPONSE_BREACHED],
        incidents: [breach('P1'), breach('P1'), breach('P1')],
      }),
    );
    expect(r.totalShareBp).toBe(4000);
    expect(r.capBp).toBe(3000);
    expect(r.shareBp).toBe(3000);
    expect(r.capped).toBe(true);
    expect(r.amount?.decimal).toBe('3600.00');
  });

  it('without cap= the total is capped at 100 %', () => {
    const r = compute(
      'response-time:P1=40%/breach',
      period({
        objectives: [P1_RESPONSE_BREACHED],
        incidents: [breach('P1'), breach('P1'), breach('P1')],
      }),
    );
    expect(r.totalShareBp).toBe(12_000);
    expect(r.shareBp).toBe(10_000);
    expect(r.amount?.decimal).toBe('12000.00');
  });

  it('a quarter’s fee is three months’, a year’s twelve', () => {
    const p = period({ downtimeMs: 0.005 * AST });
    const q = compute(bands, p, 'quarterly');
    expect(q.months).toBe(3);
    expect(q.periodFee?.decimal).toBe('36000.00');
    expect(q.amount?.decimal).toBe('3600.00');
    const y = compute(bands, p, 'yearly');
    expect(y.periodFee?.decimal).toBe('144000.00');
    expect(y.amount?.decimal).toBe('14400.00');
  });

  it('rounds half away from zero to the minor unit (JPY has none, BHD has 3)', () => {
    const tenPct = period({ downtimeMs: 0.005 * AST });
    const fee = (amount: string, currency: string) =>
      compute(bands, tenPct, 'monthly', { amount, currency }).amount;
    // 10 % of 12 345 JPY = 1 234.5 → 1 235; of 12 344 JPY = 1 234.4 → 1 234.
    expect(fee('12345', 'JPY')).toEqual(creditAmount('1235', 'JPY'));
    expect(fee('12344', 'JPY')?.decimal).toBe('1234');
    // 10 % of 0.25 CNY = 0.025 → 0.03; of 0.05 BHD = 0.005 exactly.
    expect(fee('0.25', 'CNY')?.decimal).toBe('0.03');
    expect(fee('0.05', 'BHD')?.decimal).toBe('0.005');
    // 3.33 % of 12 345 JPY = 411.0885 → 411.
    const odd = compute(
      'response-time:P1=3.33%/breach',
      period({
        objectives: [P1_RESPONSE_BREACHED],
        incidents: [breach('P1')],
      }),
      'monthly',
      { amount: '12345', currency: 'JPY' },
    );
    expect(odd.amount?.minor).toBe(411);
    expect(divideRoundHalfAwayFromZero(5n, 2n)).toBe(3n);
    expect(divideRoundHalfAwayFromZero(-5n, 2n)).toBe(-3n);
    expect(divideRoundHalfAwayFromZero(-4n, 3n)).toBe(-1n);
  });

  it('objectives with no data, unknown status or no result earn nothing', () => {
    const r = compute(
      'availability<99.9%=10% response-time:P1=5%/breach resolution-time:P2=5%',
      {
        complete: true,
        availability: { astMs: 0, downtimeMs: 0 },
        objectives: [
          { objective: 'availability', status: 'no-data', actual: {} },
          {
            objective: 'response-time:P1',
            status: 'unknown',
            actual: { value: 0 },
          },
        ],
        incidents: [breach('P1')],
      },
    );
    expect(r.lines.map(l => [l.objective, l.excluded, l.shareBp])).toEqual([
      ['availability', 'no-data', 0],
      ['response-time:P1', 'unknown', 0],
      ['resolution-time:P2', 'not-evaluated', 0],
    ]);
    expect(r.amount?.minor).toBe(0);
  });

  it('a flat rule pays once when its objective is breached, nothing when met', () => {
    const outage = (status: CreditObjectiveInput['status']) =>
      compute(
        'max-outage=5%',
        period({
          objectives: [
            { objective: 'max-outage', status, actual: { value: HOUR } },
          ],
        }),
      );
    expect(outage('breached').shareBp).toBe(500);
    expect(outage('met').shareBp).toBe(0);
  });

  it('an open period is provisional', () => {
    const r = compute(
      bands,
      period({
        downtimeMs: 0.005 * AST,
        availabilityStatus: 'at-risk',
        complete: false,
      }),
    );
    expect(r.provisional).toBe(true);
    expect(r.shareBp).toBe(1000);
  });

  it('without a fee it gives shares only; a fee from config overrides the terms’', () => {
    const p = period({ downtimeMs: 0.005 * AST });
    const none = compute(bands, p, 'monthly', null);
    expect(none.shareBp).toBe(1000);
    expect(none.amount).toBeUndefined();
    const cfg = computeServiceCredits({
      terms: { serviceCredits: creditsOf(bands), monthlyFee: CNY },
      periodKind: 'monthly',
      result: p,
      fee: { amount: '5000', currency: 'USD' },
    })!;
    expect(cfg.amount).toMatchObject({ currency: 'USD', decimal: '500.00' });
  });

  it('no credit rules: undefined, not zero', () => {
    expect(
      computeServiceCredits({
        terms: { monthlyFee: CNY },
        periodKind: 'monthly',
        result: period({}),
      }),
    ).toBeUndefined();
  });
});

describe('service credits from evaluatePeriod', () => {
  it('traces 3 600.00 CNY to a 12 h outage and two late P1 responses in March 2026', () => {
    const { terms, problems } = parseSlaAnnotations({
      'servicelevel.io/availability': '99.9%',
      'servicelevel.io/response-time': 'P1=15m',
      'servicelevel.io/service-credits':
        'availability<99.9%=10% availability<99%=25% response-time:P1=5%/breach cap=30%',
      'servicelevel.io/monthly-fee': '12000 CNY',
    });
    expect(problems).toEqual([]);
    const march = resolvePeriod('2026-03', 'UTC');
    const t0 = march.start + 2 * 24 * HOUR;
    const inc = (id: string, at: number, ackAfter: number): Incident => ({
      source: 'api',
      id,
      entityRef: 'component:default/x',
      title: id,
      priority: 'P1',
      createdAt: at,
      acknowledgedAt: at + ackAfter,
      resolvedAt: at + 13 * HOUR,
      pauses: [],
    });
    const incidents = [
      { ...inc('a', t0, 30 * MIN), outage: { start: t0, end: t0 + 12 * HOUR } },
      inc('b', t0 + 5 * 24 * HOUR, 20 * MIN),
      inc('c', t0 + 9 * 24 * HOUR, 10 * MIN),
    ];
    const result = evaluatePeriod({
      terms: terms!,
      calendar: createBusinessCalendar(terms!),
      incidents,
      period: march,
      now: march.end + HOUR,
    });
    const credits = computeServiceCredits({
      terms: terms!,
      periodKind: terms!.period,
      result,
    })!;
    // 12 h of 744 h down: 98.387 % < 99 % → 25 %; a and b acknowledged late → 2 × 5 %.
    expect(credits.lines.map(l => [l.objective, l.band, l.breaches])).toEqual([
      ['availability', { below: 99, share: 25 }, undefined],
      ['response-time:P1', undefined, 2],
    ]);
    expect(credits.totalShareBp).toBe(3500);
    expect(credits.shareBp).toBe(3000);
    expect(credits.amount?.decimal).toBe('3600.00');
  });
});

// ---------- property: against a slow reference on exact fractions ----------

type Frac = [bigint, bigint]; // numerator, positive denominator
const fracOf = (decimal: string): Frac => {
  const [i, f = ''] = decimal.split('.');
  return [BigInt(i + f), 10n ** BigInt(f.length)];
};
const lessThan = (a: Frac, b: Frac) => a[0] * b[1] < b[0] * a[1];
const hundredths = (n: number) =>
  `${Math.floor(n / 100)}.${String(n % 100).padStart(2, '0')}`;

/** Rounds p/q (≥ 0) half up, by quotient and remainder. */
function roundHalfUp([p, q]: Frac): bigint {
  const whole = p / q;
  return 2n * (p - whole * q) >= q ? whole + 1n : whole;
}

describe('property: computeServiceCredits equals a slow reference', () => {
  const priority = fc.constantFrom<Priority>('P1', 'P2', 'P3', 'P4');
  const status = fc.constantFrom<CreditObjectiveInput['status']>(
    'met',
    'breached',
    'at-risk',
    'running',
    'no-data',
    'unknown',
  );
  // Thresholds: round ones, ones with 6 decimals, and ones hit exactly by AST = 10^8.
  const threshold = fc.oneof(
    fc.constantFrom('99.9', '99', '99.5', '95', '100', '99.999999'),
    fc.integer({ min: 1, max: 100_000_000 }).map(n => String(n / 1e6)),
  );
  // Shares in hundredths of a percent; round ones make exact halves of a minor unit likely.
  const share = fc.oneof(
    fc.constantFrom(50, 250, 500, 1000, 2500, 5000),
    fc.integer({ min: 1, max: 10_000 }),
  );
  const arb = fc.record({
    availabilityBands: fc.uniqueArray(fc.tuple(threshold, share), {
      maxLength: 3,
      selector: b => Number(b[0]),
    }),
    timeBands: fc.array(
      fc.tuple(priority, fc.integer({ min: 1, max: 100 }), share),
      { maxLength: 3 },
    ),
    perBreach: fc.array(fc.tuple(priority, fc.integer({ min: 1, max: 2000 })), {
      maxLength: 3,
    }),
    flat: fc.option(share),
    cap: fc.option(fc.integer({ min: 0, max: 10_000 })),
    ast: fc.oneof(
      fc.constant(100_000_000),
      fc.integer({ min: 1, max: 40_000_000_000 }),
    ),
    downFraction: fc.double({ min: 0, max: 1, noNaN: true }),
    availabilityStatus: status,
    timeStatus: fc.dictionary(
      fc.constantFrom('P1', 'P2', 'P3', 'P4'),
      fc.tuple(
        status,
        fc.integer({ min: 0, max: 50 }),
        fc.integer({ min: 0, max: 50 }),
      ),
    ),
    outageStatus: status,
    incidents: fc.array(
      fc.record({
        priority,
        countedForResponse: fc.boolean(),
        countedForResolution: fc.boolean(),
        response: fc.record({
          status: fc.constantFrom('met', 'breached', 'running'),
        }),
        resolution: fc.record({ status: fc.constantFrom('met', 'breached') }),
      }),
      { maxLength: 12 },
    ),
    fee: fc.tuple(
      fc.constantFrom('JPY', 'CNY', 'BHD', 'CLF'),
      // Small fees make exact halves (the rounding rule's case) frequent.
      fc.oneof(
        fc.bigInt({ min: 1n, max: 200n }),
        fc.bigInt({ min: 1n, max: 9_999_999_999_999n }),
      ),
    ),
    periodKind: fc.constantFrom<PeriodKind>('monthly', 'quarterly', 'yearly'),
    complete: fc.boolean(),
  });

  it('matches on 1 000 random rule sets, fees and period results', () => {
    fc.assert(
      fc.property(arb, x => {
        // Rules as annotation text (deduplicated as the grammar requires).
        const tokens: string[] = [];
        for (const [t, s] of x.availabilityBands)
          tokens.push(`availability<${t}%=${hundredths(s)}%`);
        const timeBands = x.timeBands.filter(
          (b, i) =>
            x.timeBands.findIndex(c => c[0] === b[0] && c[1] === b[1]) === i,
        );
        for (const [p, t, s] of timeBands)
          tokens.push(`resolution-time:${p}<${t}%=${hundredths(s)}%`);
        const perBreach = x.perBreach.filter(
          (b, i) => x.perBreach.findIndex(c => c[0] === b[0]) === i,
        );
        for (const [p, s] of perBreach)
          tokens.push(`response-time:${p}=${hundredths(s)}%/breach`);
        if (x.flat !== null) tokens.push(`max-outage=${hundredths(x.flat)}%`);
        if (!tokens.length) return;
        if (x.cap !== null) tokens.push(`cap=${hundredths(x.cap)}%`);
        const { credits, errors } = parseServiceCredits(
          tokens.join(' '),
          () => true,
        );
        expect(errors).toEqual([]);

        // The period result.
        const dt = Math.floor(x.ast * x.downFraction);
        const objectives: CreditObjectiveInput[] = [
          {
            objective: 'availability',
            status: x.availabilityStatus,
            actual: { value: ((x.ast - dt) * 100) / x.ast },
          },
          { objective: 'max-outage', status: x.outageStatus, actual: {} },
        ];
        const timeCounts = new Map<string, [number, number]>();
        for (const [p, [st, a, b]] of Object.entries(x.timeStatus)) {
          const counted = Math.max(a, b);
          const met = Math.min(a, b);
          timeCounts.set(p, [met, counted]);
          objectives.push({
            objective: `resolution-time:${p}`,
            status: st,
            // With (P1, P3) and without the tally evaluatePeriod attaches.
            actual: counted
              ? {
                  value: (met * 100) / counted,
                  ...(p === 'P1' || p === 'P3'
                    ? { counted, metCount: met }
                    : {}),
                }
              : {},
          });
          objectives.push({
            objective: `response-time:${p}`,
            status: st,
            actual: {},
          });
        }
        const [currency, units] = x.fee;
        const digits = currencyMinorUnits(currency);
        const amount =
          digits === 0
            ? String(units % 10_000_000_000n)
            : `${units / 10n ** BigInt(digits)}.${String(
                units % 10n ** BigInt(digits),
              ).padStart(digits, '0')}`;
        const fee = { amount, currency };
        const r = computeServiceCredits({
          terms: { serviceCredits: credits, monthlyFee: fee },
          periodKind: x.periodKind,
          result: {
            complete: x.complete,
            availability: { astMs: x.ast, downtimeMs: dt },
            objectives,
            incidents: x.incidents,
          },
        })!;

        // Reference: one rule at a time, exact fractions, in percent.
        const statusOf = (id: string) =>
          objectives.find(o => o.objective === id)?.status ?? 'missing';
        const earns = (id: string) =>
          !['no-data', 'unknown', 'missing'].includes(statusOf(id));
        let total: Frac = [0n, 100n]; // hundredths of a percent as a fraction of 1 %
        const add = (hundredthsOfPct: bigint) => {
          total = [total[0] + hundredthsOfPct, 100n];
        };
        const lowestBelow = (
          value: Frac,
          bands: Array<[string, number]>,
        ): number | undefined =>
          [...bands]
            .sort((a, b) => (lessThan(fracOf(a[0]), fracOf(b[0])) ? -1 : 1))
            .find(([t]) => lessThan(value, fracOf(t)))?.[1];
        if (x.availabilityBands.length && earns('availability')) {
          const value: Frac = [BigInt(x.ast - dt) * 100n, BigInt(x.ast)];
          add(BigInt(lowestBelow(value, x.availabilityBands) ?? 0));
        }
        for (const p of ['P1', 'P2', 'P3', 'P4']) {
          const bands = timeBands
            .filter(b => b[0] === p)
            .map(b => [String(b[1]), b[2]] as [string, number]);
          const counts = timeCounts.get(p);
          if (!bands.length || !earns(`resolution-time:${p}`) || !counts?.[1])
            continue;
          const value: Frac = [BigInt(counts[0]) * 100n, BigInt(counts[1])];
          add(BigInt(lowestBelow(value, bands) ?? 0));
        }
        for (const [p, s] of perBreach) {
          if (!earns(`response-time:${p}`)) continue;
          const n = x.incidents.filter(
            i =>
              i.priority === p &&
              i.countedForResponse &&
              i.response.status === 'breached',
          ).length;
          add(BigInt(n * s));
        }
        if (x.flat !== null && statusOf('max-outage') === 'breached')
          add(BigInt(x.flat));
        const cap = BigInt(x.cap ?? 10_000);
        const credited = total[0] < cap ? total[0] : cap;
        expect(r.totalShareBp).toBe(Number(total[0]));
        expect(r.shareBp).toBe(Number(credited));
        expect(r.capped).toBe(total[0] > cap);
        expect(r.provisional).toBe(!x.complete);
        // amount = fee × months × credited / 10 000, in minor units.
        const months = { monthly: 1n, quarterly: 3n, yearly: 12n }[
          x.periodKind
        ];
        const [feeNum, feeDen] = fracOf(amount);
        const exact: Frac = [
          feeNum * months * credited * 10n ** BigInt(digits),
          feeDen * 10_000n,
        ];
        expect(r.amount?.minor).toBe(Number(roundHalfUp(exact)));
        expect(r.amount?.decimal.replace('.', '')).toBe(
          String(roundHalfUp(exact)).padStart(digits + 1, '0'),
        );
      }),
      { numRuns: 1000 },
    );
  });
});
