/**
 * Service credits (SPEC §7): the grammar of `servicelevel.io/service-credits` and
 * `servicelevel.io/monthly-fee`, and the exact credit of one period. Shares are handled as
 * integer hundredths of a percent (basis points of the fee) and amounts as integer minor
 * units (BigInt), so no figure passes through floating point.
 */
import { editDistance } from './editDistance';
import type { ObjectiveId, ObjectiveStatus } from './evaluate';
import {
  PRIORITIES,
  CreditRule,
  MonthlyFee,
  PeriodKind,
  Priority,
  ServiceCreditTerms,
} from './types';

/** Every objective a credit rule may name, in canonical order (as the API names them). */
export const CREDIT_OBJECTIVES: readonly ObjectiveId[] = [
  'availability',
  ...PRIORITIES.map(p => `response-time:${p}` as const),
  ...PRIORITIES.map(p => `resolution-time:${p}` as const),
  ...[...PRIORITIES, 'all' as const].map(p => `max-incidents:${p}` as const),
  'max-outage',
  'min-mtbf',
];

const ORDER = new Map(CREDIT_OBJECTIVES.map((o, i) => [o as string, i]));
const KIND_ORDER = { band: 0, 'per-breach': 1, breached: 2 } as const;
// Bands compare an achieved percentage; per-breach counts breached incidents. Only these
// objectives have either (max-outage is a duration, max-incidents and min-mtbf are no share).
const isTimeObjective = (o: ObjectiveId) =>
  o.startsWith('response-time:') || o.startsWith('resolution-time:');
const hasPercentValue = (o: ObjectiveId) =>
  o === 'availability' || isTimeObjective(o);

/** One malformed token of `service-credits` and what is wrong with it. */
export interface CreditRuleError {
  token: string;
  reason: string;
}

const NUM = String.raw`(\d+(?:\.\d+)?)`;
const CAP_RE = new RegExp(String.raw`^cap=${NUM}%?$`, 'i');
const BAND_RE = new RegExp(String.raw`^([^<=\s]+)<${NUM}%?=${NUM}%?$`);
const PER_BREACH_RE = new RegExp(String.raw`^([^<=\s]+)=${NUM}%?/breach$`, 'i');
const FLAT_RE = new RegExp(String.raw`^([^<=\s]+)=${NUM}%?$`);

/** Digits after the decimal point, trailing zeros ignored (`10.50` → 1). */
function decimals(text: string): number {
  const dot = text.indexOf('.');
  return dot < 0 ? 0 : text.slice(dot + 1).replace(/0+$/, '').length;
}

function objectiveOf(
  raw: string,
): { ok: true; id: ObjectiveId } | { ok: false; reason: string } {
  const m = /^([a-z-]+)(?::(p[1-4]|all))?$/i.exec(raw);
  if (m) {
    const name = m[1].toLowerCase();
    const q = m[2]?.toLowerCase() === 'all' ? 'all' : m[2]?.toUpperCase();
    const id = q ? `${name}:${q}` : name;
    if (ORDER.has(id)) return { ok: true, id: id as ObjectiveId };
    if (
      !q &&
      ['response-time', 'resolution-time', 'max-incidents'].includes(name)
    ) {
      return {
        ok: false,
        reason: `"${raw}" needs a priority, e.g. ${name}:P1${
          name === 'max-incidents' ? ' or max-incidents:all' : ''
        }`,
      };
    }
  }
  let best: string | undefined;
  let bestD = Infinity;
  for (const o of CREDIT_OBJECTIVES) {
    const d = editDistance(raw.toLowerCase(), o.toLowerCase());
    if (d < bestD) [best, bestD] = [o, d];
  }
  const hint =
    best && bestD <= Math.max(2, Math.floor(raw.length / 4))
      ? ` — did you mean ${best}?`
      : ` (one of availability, response-time:P1…P4, resolution-time:P1…P4, max-incidents:P1…P4|all, max-outage, min-mtbf)`;
  return { ok: false, reason: `unknown objective "${raw}"${hint}` };
}

function share(
  text: string,
  what: string,
  min: 0 | 'positive',
): { ok: true; value: number } | { ok: false; reason: string } {
  const n = Number(text);
  if (decimals(text) > 2)
    return { ok: false, reason: `${what} ${text}% has more than 2 decimals` };
  if (min === 'positive' ? !(n > 0 && n <= 100) : !(n >= 0 && n <= 100))
    return {
      ok: false,
      reason: `${what} ${text}% is not ${
        min === 'positive' ? 'above 0%' : 'from 0%'
      } and up to 100%`,
    };
  return { ok: true, value: n };
}

/**
 * Parses a `service-credits` value. `committed(id)` says whether the terms have a target for
 * the objective; a rule on an objective without one is an error. Any error leaves
 * `credits` undefined: a partial rule set would compute a credit the contract does not say.
 */
export function parseServiceCredits(
  text: string,
  committed: (objective: ObjectiveId) => boolean,
): { credits?: ServiceCreditTerms; errors: CreditRuleError[] } {
  const errors: CreditRuleError[] = [];
  const rules: CreditRule[] = [];
  let cap: number | undefined;
  const seen = new Set<string>();
  const tokens = text.split(/[\s,;]+/).filter(Boolean);
  for (const token of tokens) {
    const fail = (reason: string) => errors.push({ token, reason });
    const c = CAP_RE.exec(token);
    if (c) {
      const s = share(c[1], 'cap', 0);
      if (!s.ok) fail(s.reason);
      else if (cap !== undefined) fail('cap is given twice');
      else cap = s.value;
      continue;
    }
    const band = BAND_RE.exec(token);
    const perBreach = band ? null : PER_BREACH_RE.exec(token);
    const flat = band || perBreach ? null : FLAT_RE.exec(token);
    const m = band ?? perBreach ?? flat;
    if (!m) {
      fail('not a credit rule');
      continue;
    }
    const o = objectiveOf(m[1]);
    if (!o.ok) {
      fail(o.reason);
      continue;
    }
    const id = o.id;
    const s = share(band ? band[3] : m[2], 'share', 'positive');
    if (!s.ok) {
      fail(s.reason);
      continue;
    }
    let rule: CreditRule;
    if (band) {
      if (!hasPercentValue(id)) {
        fail(
          `${id} has no percentage to compare; bands apply to availability, response-time:<P> and resolution-time:<P> (write ${id}=${band[3]}% for a credit when it is breached)`,
        );
        continue;
      }
      const below = Number(band[2]);
      if (!(below > 0 && below <= 100) || decimals(band[2]) > 6) {
        fail(
          `threshold ${band[2]}% is not above 0% and up to 100% with at most 6 decimals`,
        );
        continue;
      }
      rule = { kind: 'band', objective: id, below, share: s.value };
    } else if (perBreach) {
      if (!isTimeObjective(id)) {
        fail(
          `per-breach credits apply to response-time:<P> and resolution-time:<P>, whose incidents breach (write ${id}=${m[2]}% for a credit when it is breached)`,
        );
        continue;
      }
      rule = { kind: 'per-breach', objective: id, share: s.value };
    } else rule = { kind: 'breached', objective: id, share: s.value };
    const key = `${rule.kind}|${id}|${rule.kind === 'band' ? rule.below : ''}`;
    if (seen.has(key)) {
      fail(
        rule.kind === 'band'
          ? `a second band below ${rule.below}% on ${id}`
          : `a second ${rule.kind} rule on ${id}`,
      );
      continue;
    }
    seen.add(key);
    if (!committed(id)) {
      const [name, p] = id.split(':');
      fail(
        `the terms have no ${name} target${
          p ? ` for ${p}` : ''
        }, so ${id} cannot earn credits; add one to servicelevel.io/${name} or remove the rule`,
      );
      continue;
    }
    rules.push(rule);
  }
  if (!rules.length && !errors.length)
    errors.push({ token: text.trim(), reason: 'no credit rules' });
  if (errors.length) return { errors };
  rules.sort(
    (a, b) =>
      (ORDER.get(a.objective) ?? 0) - (ORDER.get(b.objective) ?? 0) ||
      KIND_ORDER[a.kind] - KIND_ORDER[b.kind] ||
      (b.kind === 'band' ? b.below : 0) - (a.kind === 'band' ? a.below : 0),
  );
  return { credits: { rules, cap: cap ?? 100 }, errors };
}

/** Canonical `service-credits` text; parses back to equal terms. */
export function formatServiceCredits(credits: ServiceCreditTerms): string {
  const parts = credits.rules.map(r => {
    switch (r.kind) {
      case 'band':
        return `${r.objective}<${r.below}%=${r.share}%`;
      case 'per-breach':
        return `${r.objective}=${r.share}%/breach`;
      default:
        return `${r.objective}=${r.share}%`;
    }
  });
  if (credits.cap !== 100) parts.push(`cap=${credits.cap}%`);
  return parts.join(' ');
}

// Used only where Intl.supportedValuesOf is missing (older browsers): common fee currencies.
const FALLBACK_MINOR_UNITS: Record<string, number> = {
  AUD: 2,
  BHD: 3,
  BRL: 2,
  CAD: 2,
  CHF: 2,
  CLP: 0,
  CNY: 2,
  CZK: 2,
  DKK: 2,
  EUR: 2,
  GBP: 2,
  HKD: 2,
  IDR: 2,
  INR: 2,
  ISK: 0,
  JPY: 0,
  KRW: 0,
  KWD: 3,
  MXN: 2,
  MYR: 2,
  NOK: 2,
  NZD: 2,
  OMR: 3,
  PLN: 2,
  SEK: 2,
  SGD: 2,
  THB: 2,
  TWD: 2,
  USD: 2,
  VND: 0,
  ZAR: 2,
};

let currencies: ReadonlySet<string> | undefined;
const minorUnitsCache = new Map<string, number>();

/** ISO 4217 codes this runtime knows (Intl), else a built-in list of common ones. */
export function supportedCurrencies(): ReadonlySet<string> {
  if (!currencies) {
    let list: string[] = [];
    try {
      if (typeof Intl.supportedValuesOf === 'function')
        list = Intl.supportedValuesOf('currency');
    } catch {
      // An Intl without currency data: use the built-in list.
    }
    currencies = new Set(
      list.length ? list : Object.keys(FALLBACK_MINOR_UNITS),
    );
  }
  return currencies;
}

/** True for a known ISO 4217 code (upper case). */
export function isCurrencyCode(code: string): boolean {
  return /^[A-Z]{3}$/.test(code) && supportedCurrencies().has(code);
}

/** Decimal places of the currency's minor unit (2 for CNY, 0 for JPY, 3 for BHD). */
export function currencyMinorUnits(code: string): number {
  let n = minorUnitsCache.get(code);
  if (n === undefined) {
    try {
      n = new Intl.NumberFormat('en', {
        style: 'currency',
        currency: code,
      }).resolvedOptions().maximumFractionDigits;
    } catch {
      n = undefined;
    }
    n = n ?? FALLBACK_MINOR_UNITS[code] ?? 2;
    minorUnitsCache.set(code, n);
  }
  return n;
}

// A fee below 10^10 keeps every figure (12 months, up to 4 decimals) a safe integer.
const MAX_FEE_INTEGER_DIGITS = 10;

/** Parses `12000 CNY`; the error says what is wrong. */
export function parseMonthlyFee(
  text: string,
): { ok: true; fee: MonthlyFee } | { ok: false; reason: string } {
  const t = text.trim();
  if (/^[A-Za-z]{3}\s*\d/.test(t))
    return { ok: false, reason: 'write the amount first, e.g. 12000 CNY' };
  const m = /^(\d+)(?:\.(\d+))?\s*([A-Za-z]{3})$/.exec(t);
  if (!m) {
    if (/^\d[\d,.' ]*\s*[A-Za-z]{3}$/.test(t))
      return {
        ok: false,
        reason:
          'the amount takes digits and one decimal point, no thousands separators',
      };
    return { ok: false, reason: 'not an amount and a currency code' };
  }
  const currency = m[3].toUpperCase();
  if (!isCurrencyCode(currency))
    return {
      ok: false,
      reason: `"${m[3]}" is not an ISO 4217 currency code${
        currency === 'RMB' ? ' — did you mean CNY?' : ''
      }`,
    };
  const int = m[1].replace(/^0+(?=\d)/, '');
  const frac = (m[2] ?? '').replace(/0+$/, '');
  const digits = currencyMinorUnits(currency);
  if (frac.length > digits)
    return {
      ok: false,
      reason: `${currency} has ${digits} decimal place${
        digits === 1 ? '' : 's'
      }`,
    };
  if (int.length > MAX_FEE_INTEGER_DIGITS)
    return {
      ok: false,
      reason: `the amount has more than ${MAX_FEE_INTEGER_DIGITS} digits before the point`,
    };
  if (/^0$/.test(int) && !frac)
    return { ok: false, reason: 'the fee must be above 0' };
  return {
    ok: true,
    fee: { amount: frac ? `${int}.${frac}` : int, currency },
  };
}

/** Canonical `monthly-fee` text. */
export function formatMonthlyFee(fee: MonthlyFee): string {
  return `${fee.amount} ${fee.currency}`;
}

// ---------- arithmetic ----------

/** Months of fee in a period of this kind (SPEC §7). */
export const FEE_MONTHS: Readonly<Record<PeriodKind, number>> = {
  monthly: 1,
  quarterly: 3,
  yearly: 12,
};

/** What the credit of a period needs to know about one objective's result. */
export interface CreditObjectiveInput {
  objective: string;
  /** `unknown` (data coverage below threshold) earns nothing, as does `no-data`. */
  status: ObjectiveStatus | 'unknown';
  /**
   * The achieved value; for availability and time objectives a percentage. Time objectives
   * may carry their tally (`metCount` of `counted`), which bands then compare exactly.
   */
  actual: { value?: number; counted?: number; metCount?: number };
}

/** What the credit of a period needs to know about one incident row. */
export interface CreditIncidentInput {
  priority: Priority;
  countedForResponse: boolean;
  countedForResolution: boolean;
  response: { status: string };
  resolution: { status: string };
}

/**
 * The incident's clock breached and counts in this period: what a per-breach credit rule of
 * its priority counts. A result's incident rows for which this holds for neither clock never
 * change its credits.
 */
export function isCountedBreach(
  incident: CreditIncidentInput,
  clock: 'response' | 'resolution',
): boolean {
  return clock === 'response'
    ? incident.countedForResponse && incident.response.status === 'breached'
    : incident.countedForResolution &&
        incident.resolution.status === 'breached';
}

/** The period's evaluated result; a `PeriodResult` of `evaluatePeriod` fits. */
export interface CreditPeriodInput {
  /** The period has ended; otherwise the credit is provisional. */
  complete: boolean;
  objectives: readonly CreditObjectiveInput[];
  /** When given, availability bands compare (AST − DT) / AST exactly instead of the rounded percentage. */
  availability?: { astMs: number; downtimeMs: number };
  incidents: readonly CreditIncidentInput[];
}

/** Input of {@link computeServiceCredits}. */
export interface ComputeServiceCreditsInput {
  terms: { serviceCredits?: ServiceCreditTerms; monthlyFee?: MonthlyFee };
  /** The period's kind: its fee is 1, 3 or 12 months' fee. */
  periodKind: PeriodKind;
  result: CreditPeriodInput;
  /** A fee from elsewhere (a customer's fee in config); overrides `terms.monthlyFee`. */
  fee?: MonthlyFee;
}

/** What one rule (for bands: one objective's bands together) earned in the period. */
export interface ServiceCreditLine {
  objective: ObjectiveId;
  kind: CreditRule['kind'];
  /** The objective's status in the period; `not-evaluated` when the result has no such objective. */
  status: CreditObjectiveInput['status'] | 'not-evaluated';
  /** Band lines: the achieved percentage the bands were compared with (absent: nothing to compare). */
  achieved?: number;
  /** Band lines: every band of the objective, highest threshold first. */
  bands?: Array<{ below: number; share: number }>;
  /** Band lines: the band that applied; absent when none did. */
  band?: { below: number; share: number };
  /** Per-breach lines: incidents of the priority that breached in the period (SPEC §5.4). */
  breaches?: number;
  /** Per-breach and breached lines: the rule's share (per breach / once), percent. */
  ruleShare?: number;
  /** Share of the period's fee earned, in hundredths of a percent (1000 = 10 %). */
  shareBp: number;
  /** Why the rule earned nothing regardless of its figures. */
  excluded?: 'no-data' | 'unknown' | 'not-evaluated';
}

/** An amount of money: exact integer minor units and the same as decimal text. */
export interface CreditAmount {
  currency: string;
  /** Decimal places of the currency's minor unit. */
  minorUnits: number;
  /** Amount in minor units (cents, fen; yen for JPY). */
  minor: number;
  /** Decimal text with `minorUnits` decimals, e.g. `3600.00`; no grouping. */
  decimal: string;
}

/** Credits of one period (SPEC §7). */
export interface ServiceCreditsResult {
  lines: ServiceCreditLine[];
  /** Σ of the lines, hundredths of a percent, before the cap. */
  totalShareBp: number;
  capBp: number;
  /** min(total, cap): the share of the period's fee credited. */
  shareBp: number;
  capped: boolean;
  /** The period is still open: figures can change. */
  provisional: boolean;
  /** Months of fee in the period (1, 3 or 12). */
  months: number;
  /** Absent without a fee: the credit is then a share only. */
  periodFee?: CreditAmount;
  amount?: CreditAmount;
}

const BP = 10_000n;

/** n / d rounded half away from zero (d > 0). */
export function divideRoundHalfAwayFromZero(n: bigint, d: bigint): bigint {
  if (d <= 0n) throw new RangeError('divisor must be positive');
  const neg = n < 0n;
  const a = neg ? -n : n;
  const q = (2n * a + d) / (2n * d);
  return neg ? -q : q;
}

/** `12000.5` → `[120005n, 1]`: all digits as an integer and the count of decimals. */
function decimalParts(amount: string): [bigint, number] {
  const m = /^(\d+)(?:\.(\d+))?$/.exec(amount.trim());
  if (!m) throw new RangeError(`not a decimal amount: "${amount}"`);
  return [BigInt(m[1] + (m[2] ?? '')), (m[2] ?? '').length];
}

function toDecimal(minor: bigint, digits: number): string {
  const neg = minor < 0n;
  const s = (neg ? -minor : minor).toString().padStart(digits + 1, '0');
  const out = digits ? `${s.slice(0, -digits)}.${s.slice(-digits)}` : s;
  return neg ? `-${out}` : out;
}

function amountOf(currency: string, minor: bigint): CreditAmount {
  const minorUnits = currencyMinorUnits(currency);
  return {
    currency,
    minorUnits,
    minor: Number(minor),
    decimal: toDecimal(minor, minorUnits),
  };
}

/** Percent with at most 6 decimals → integer millionths of a percent (exact). */
const micro = (pct: number) => BigInt(Math.round(pct * 1e6));
const bp = (pct: number) => Math.round(pct * 100);

function isBelow(
  objective: ObjectiveId,
  below: number,
  actual: CreditObjectiveInput['actual'] | undefined,
  availability: CreditPeriodInput['availability'],
): boolean {
  if (objective === 'availability' && availability && availability.astMs > 0) {
    // (AST − DT) / AST × 100 < below, in integers: no rounded percentage decides a band.
    const { astMs, downtimeMs } = availability;
    return (
      BigInt(astMs - downtimeMs) * 100_000_000n < micro(below) * BigInt(astMs)
    );
  }
  const { counted, metCount } = actual ?? {};
  if (counted !== undefined && counted > 0 && metCount !== undefined)
    return BigInt(metCount) * 100_000_000n < micro(below) * BigInt(counted);
  // Else the percentage as the nearest double of met/counted × 100: with fewer than 10^6
  // incidents it differs from a 6-decimal threshold by far more than its rounding error.
  const value = actual?.value;
  return value !== undefined && value < below;
}

/**
 * Service credits of one period (SPEC §7) from the terms' rules and fee and the period's
 * evaluated result. Undefined when the terms have no credit rules. Bands of one objective do
 * not add (the lowest threshold the value is strictly below applies); per-breach shares
 * multiply by the incidents of that priority that breached in the period; objectives with
 * no data or `unknown` status earn nothing. Amount = min(total, cap) × the period's fee,
 * rounded half away from zero to the currency's minor unit. Open periods are provisional.
 */
export function computeServiceCredits(
  input: ComputeServiceCreditsInput,
): ServiceCreditsResult | undefined {
  const credits = input.terms.serviceCredits;
  if (!credits) return undefined;
  const { result } = input;
  const byId = new Map(result.objectives.map(o => [o.objective, o]));
  const lines: ServiceCreditLine[] = [];
  const bandsOf = new Map<
    ObjectiveId,
    Array<{ below: number; share: number }>
  >();
  for (const r of credits.rules) {
    if (r.kind !== 'band') continue;
    const list = bandsOf.get(r.objective) ?? [];
    list.push({ below: r.below, share: r.share });
    bandsOf.set(r.objective, list);
  }
  const done = new Set<ObjectiveId>();
  for (const rule of credits.rules) {
    const o = byId.get(rule.objective);
    const status: ServiceCreditLine['status'] = o ? o.status : 'not-evaluated';
    const excluded =
      status === 'no-data' || status === 'unknown' || status === 'not-evaluated'
        ? status
        : undefined;
    let line: ServiceCreditLine;
    if (rule.kind === 'band') {
      if (done.has(rule.objective)) continue;
      done.add(rule.objective);
      const bands = [...(bandsOf.get(rule.objective) ?? [])].sort(
        (a, b) => b.below - a.below,
      );
      line = {
        objective: rule.objective,
        kind: 'band',
        status,
        bands,
        shareBp: 0,
      };
      const value = o?.actual.value;
      if (value !== undefined) line.achieved = value;
      if (!excluded) {
        // Lowest threshold the value is below: scan from the lowest up.
        const applied = [...bands]
          .reverse()
          .find(b =>
            isBelow(rule.objective, b.below, o?.actual, result.availability),
          );
        if (applied) {
          line.band = applied;
          line.shareBp = bp(applied.share);
        }
      }
    } else if (rule.kind === 'per-breach') {
      const [kind, priority] = rule.objective.split(':') as [string, Priority];
      const response = kind === 'response-time';
      const breaches = excluded
        ? 0
        : result.incidents.filter(
            i =>
              i.priority === priority &&
              isCountedBreach(i, response ? 'response' : 'resolution'),
          ).length;
      line = {
        objective: rule.objective,
        kind: 'per-breach',
        status,
        breaches,
        ruleShare: rule.share,
        shareBp: breaches * bp(rule.share),
      };
    } else {
      line = {
        objective: rule.objective,
        kind: 'breached',
        status,
        ruleShare: rule.share,
        shareBp: status === 'breached' ? bp(rule.share) : 0,
      };
    }
    if (excluded) line.excluded = excluded;
    lines.push(line);
  }
  const totalShareBp = lines.reduce((s, l) => s + l.shareBp, 0);
  const capBp = bp(credits.cap);
  const shareBp = Math.min(totalShareBp, capBp);
  const months = FEE_MONTHS[input.periodKind];
  const out: ServiceCreditsResult = {
    lines,
    totalShareBp,
    capBp,
    shareBp,
    capped: totalShareBp > capBp,
    provisional: !result.complete,
    months,
  };
  const fee = input.fee ?? input.terms.monthlyFee;
  if (fee) {
    const digits = currencyMinorUnits(fee.currency);
    const [units, decimalsOfAmount] = decimalParts(fee.amount);
    // fee in minor units = units × 10^digits / 10^decimals (exact unless the fee has
    // more decimals than the currency, possible only for a fee from config).
    const scale = 10n ** BigInt(digits);
    const div = 10n ** BigInt(decimalsOfAmount);
    const periodFee = units * BigInt(months) * scale;
    out.periodFee = amountOf(
      fee.currency,
      divideRoundHalfAwayFromZero(periodFee, div),
    );
    out.amount = amountOf(
      fee.currency,
      divideRoundHalfAwayFromZero(periodFee * BigInt(shareBp), div * BP),
    );
  }
  return out;
}
