/**
 * Display formats for people, shared by the frontend and the backend's reports. Machine
 * formats stay elsewhere: the annotation grammar's `formatDuration` (../engine/duration.ts)
 * and the raw numbers of the API.
 */

/** Languages the display formats know. */
export type DisplayLanguage = 'en' | 'zh-CN';

/**
 * A percentage rounded half-up (away from zero) to at most `digits` decimals (default 2), as
 * a number: 66.666… → 66.67, 99.95 → 99.95, 100 → 100.
 */
export function roundPercent(value: number, digits = 2): number {
  const f = 10 ** digits;
  // toPrecision first drops binary noise (1.005 * 100 = 100.49999…), so half-up is half-up.
  const scaled = Number((Math.abs(value) * f).toPrecision(12));
  const rounded = Math.round(scaled) / f;
  return value < 0 && rounded !== 0 ? -rounded : rounded;
}

/**
 * A percentage for people: rounded half-up to at most 2 decimals, trailing zeros dropped,
 * with the sign `%`: `66.67%`, `99.95%`, `100%`. `—` when there is no value.
 */
export function formatPercent(
  value: number | undefined,
  options: { digits?: number; empty?: string } = {},
): string {
  if (value === undefined || !Number.isFinite(value))
    return options.empty ?? '—';
  const n = roundPercent(value, options.digits ?? 2);
  // A minus sign, not a hyphen, for negative figures (e.g. a change in points).
  return `${n < 0 ? '−' : ''}${String(Math.abs(n))}%`;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const UNITS: Record<
  DisplayLanguage,
  { d: string; h: string; m: string; s: string; sep: string }
> = {
  en: { d: ' d', h: ' h', m: ' m', s: ' s', sep: ' ' },
  'zh-CN': { d: '天', h: '小时', m: '分', s: '秒', sep: '' },
};

/**
 * A duration as people write it: `5 d 22 h 24 m`, `4 h 4 m`, `42 m 5 s`, `0 s`; in zh-CN
 * `5天22小时24分`. Days are 24 hours. Seconds show only under an hour, never milliseconds;
 * smaller units are cut, not rounded, so a duration never reads longer than it was. Zero
 * parts are left out. `—` when there is no value.
 */
export function formatDisplayDuration(
  ms: number | undefined,
  options: { lang?: DisplayLanguage; empty?: string } = {},
): string {
  if (ms === undefined || !Number.isFinite(ms)) return options.empty ?? '—';
  const u = UNITS[options.lang ?? 'en'];
  const abs = Math.abs(ms);
  const parts: string[] = [];
  const push = (n: number, unit: string) => {
    if (n > 0) parts.push(`${n}${unit}`);
  };
  if (abs >= HOUR) {
    push(Math.floor(abs / DAY), u.d);
    push(Math.floor((abs % DAY) / HOUR), u.h);
    push(Math.floor((abs % HOUR) / MINUTE), u.m);
  } else {
    push(Math.floor(abs / MINUTE), u.m);
    push(Math.floor((abs % MINUTE) / SECOND), u.s);
  }
  if (parts.length === 0) return `0${u.s}`;
  return `${ms < 0 ? '−' : ''}${parts.join(u.sep)}`;
}

/**
 * An amount of money for people, from its exact decimal text (as credits carry it): grouped
 * digits, the currency's minor unit, the currency code after the figure in both languages
 * (`7,200.00 CNY`), as contracts write it. The digits are never parsed into a floating-point
 * number, so the text is exact whatever the amount. `—` when there is no amount.
 */
export function formatMoney(
  amount: { decimal: string; currency: string } | undefined,
  options: { empty?: string } = {},
): string {
  if (!amount) return options.empty ?? '—';
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(amount.decimal);
  if (!m) return `${amount.decimal} ${amount.currency}`;
  const grouped = m[2].replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const sign = m[1] ? '−' : '';
  return `${sign}${grouped}${m[3] ? `.${m[3]}` : ''} ${amount.currency}`;
}

/**
 * A change in percentage points for people: signed, rounded like {@link formatPercent}, with a
 * minus sign and no `%` (`+20`, `−16.67`, `0`). `—` when there is no value.
 */
export function formatPoints(
  change: number | undefined,
  options: { empty?: string } = {},
): string {
  if (change === undefined || !Number.isFinite(change))
    return options.empty ?? '—';
  const n = roundPercent(change, 2);
  if (n === 0) return '0';
  return `${n < 0 ? '−' : '+'}${String(Math.abs(n))}`;
}
