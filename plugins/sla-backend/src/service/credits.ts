import { parseEntityRef } from '@backstage/catalog-model';
import {
  computeServiceCredits,
  CreditAmount,
  MonthlyFee,
  parseMonthlyFee,
  Period,
  PeriodKind,
  PeriodResult,
  ServiceCreditsResult,
  SlaTerms,
} from '@servicelevel/plugin-sla-common';

/**
 * Service credits in the backend (SPEC §7): the customers' fees from config, the credit of one
 * evaluated period, and the sums the organisation page shows. The arithmetic is sla-common's.
 */

/**
 * The entry of `sla.customers` for a customer (`servicelevel.io/customer`): keyed by the
 * group's name (`dispatch-center`) or its full ref, case-insensitively.
 */
export function customerEntry<T>(
  settings: Record<string, T> | undefined,
  customer: string | undefined,
): T | undefined {
  if (!customer || !settings) return undefined;
  const ref = customer.toLowerCase();
  let name: string | undefined;
  try {
    name = parseEntityRef(ref, { defaultKind: 'group' }).name;
  } catch {
    name = undefined;
  }
  return Object.entries(settings).find(([key]) => {
    const k = key.toLowerCase();
    return k === ref || k === name;
  })?.[1];
}

/** A customer's default monthly fee, by its `sla.customers` key. */
export type CustomerFees = Record<string, MonthlyFee>;

/**
 * Reads `sla.customers.<customer>.monthlyFee` (`12000 CNY`) once, at startup. A malformed fee
 * is a problem naming its key and is left out, so that no request fails on it later; the
 * customer's services then show credits as a share without an amount.
 */
export function readCustomerFees(customers: unknown): {
  fees: CustomerFees;
  problems: string[];
} {
  const fees: CustomerFees = {};
  const problems: string[] = [];
  if (!customers || typeof customers !== 'object') return { fees, problems };
  for (const [customer, settings] of Object.entries(customers)) {
    const raw = (settings as { monthlyFee?: unknown } | null)?.monthlyFee;
    if (raw === undefined) continue;
    const key = `sla.customers.${customer}.monthlyFee`;
    if (typeof raw !== 'string') {
      problems.push(
        `${key}: expected an amount and an ISO 4217 currency as text, e.g. "12000 CNY" (got ${JSON.stringify(
          raw,
        )})`,
      );
      continue;
    }
    const fee = parseMonthlyFee(raw);
    if (fee.ok) fees[customer] = fee.fee;
    else
      problems.push(
        `${key}: "${raw}" — ${fee.reason}; expected e.g. "12000 CNY"`,
      );
  }
  return { fees, problems };
}

const KIND_OF: Record<string, PeriodKind | undefined> = {
  month: 'monthly',
  quarter: 'quarterly',
  year: 'yearly',
};

/**
 * The credits of one evaluated period, or undefined when the terms have no credit rules or the
 * period is a custom range (no fee is billed for a range). The entity's own
 * `servicelevel.io/monthly-fee` is the contract of that service and wins over the customer's
 * default fee from config.
 */
export function periodCredits(
  r: { terms: SlaTerms; period: Period; result: PeriodResult },
  customerFees: CustomerFees | undefined,
): ServiceCreditsResult | undefined {
  const periodKind = KIND_OF[r.period.granularity];
  if (!periodKind || !r.terms.serviceCredits) return undefined;
  const fee = r.terms.monthlyFee
    ? undefined
    : customerEntry(customerFees, r.terms.customer);
  return computeServiceCredits({
    terms: r.terms,
    periodKind,
    // Availability bands compare (AST − DT) / AST exactly, not the rounded percentage.
    result: {
      ...r.result,
      availability: {
        astMs: r.result.availability.astMs,
        downtimeMs: r.result.availability.downtimeMs,
      },
    },
    fee,
  });
}

/** Credits summed over services (the API's CreditsOwed). */
export interface CreditsOwed {
  owed: CreditAmount[];
  services: number;
  provisional: CreditAmount[];
  provisionalServices: number;
}

/**
 * Sums credits per currency: closed periods' into `owed`, open periods' into `provisional`.
 * `services` counts services with a credit (share above 0) in a closed period, whether or not
 * a fee gives it an amount.
 */
export function sumCredits(
  services: Array<Array<ServiceCreditsResult | undefined>>,
): CreditsOwed {
  const owed = new Map<string, CreditAmount>();
  const provisional = new Map<string, CreditAmount>();
  let owing = 0;
  let provisionalOwing = 0;
  for (const periods of services) {
    let owes = false;
    let mayOwe = false;
    for (const c of periods) {
      if (!c || c.shareBp === 0) continue;
      if (c.provisional) mayOwe = true;
      else owes = true;
      if (!c.amount) continue;
      const into = c.provisional ? provisional : owed;
      const sum = into.get(c.amount.currency);
      into.set(
        c.amount.currency,
        sum ? addAmounts(sum, c.amount) : { ...c.amount },
      );
    }
    if (owes) owing++;
    if (mayOwe) provisionalOwing++;
  }
  const sorted = (m: Map<string, CreditAmount>) =>
    [...m.values()].sort((a, b) => a.currency.localeCompare(b.currency));
  return {
    owed: sorted(owed),
    services: owing,
    provisional: sorted(provisional),
    provisionalServices: provisionalOwing,
  };
}

/**
 * sumCredits of several sets of services, from the sums of each: equal to sumCredits over
 * all of their services when no service is in two sets (the overview's groups).
 */
export function mergeCredits(sums: CreditsOwed[]): CreditsOwed {
  const merge = (lists: CreditAmount[][]) => {
    const by = new Map<string, CreditAmount>();
    for (const list of lists) {
      for (const a of list) {
        const sum = by.get(a.currency);
        by.set(a.currency, sum ? addAmounts(sum, a) : { ...a });
      }
    }
    return [...by.values()].sort((a, b) =>
      a.currency.localeCompare(b.currency),
    );
  };
  return {
    owed: merge(sums.map(s => s.owed)),
    services: sums.reduce((n, s) => n + s.services, 0),
    provisional: merge(sums.map(s => s.provisional)),
    provisionalServices: sums.reduce((n, s) => n + s.provisionalServices, 0),
  };
}

function addAmounts(a: CreditAmount, b: CreditAmount): CreditAmount {
  const minor = a.minor + b.minor;
  const s = String(minor).padStart(a.minorUnits + 1, '0');
  return {
    ...a,
    minor,
    decimal: a.minorUnits
      ? `${s.slice(0, -a.minorUnits)}.${s.slice(-a.minorUnits)}`
      : s,
  };
}
