import { DateTime } from 'luxon';
import type { PeriodKind } from '../engine/types';

/**
 * Period keys (`2026-03`, `2026-Q1`, `2026`): the one parser and formatter both sides use.
 * Boundaries in time stay in ../engine/period.ts; this module only names periods.
 */

/** A period kind as the annotation writes it, or as the engine's granularity. */
export type PeriodKeyKind = PeriodKind | 'month' | 'quarter' | 'year';

/** The parts of a period key; `index` is the month (1–12), quarter (1–4) or 1 for a year. */
export interface PeriodKeyParts {
  kind: PeriodKind;
  year: number;
  index: number;
}

/** Years a key may name: the epoch to the end of the engine's supported range. */
export const MIN_PERIOD_YEAR = 1970;
export const MAX_PERIOD_YEAR = 2100;

const EXPECTED = 'expected YYYY-MM, YYYY-Qn or YYYY, e.g. 2026-03';
const PER_YEAR = { monthly: 12, quarterly: 4, yearly: 1 } as const;

function kindOf(kind: PeriodKeyKind): PeriodKind {
  if (kind === 'month') return 'monthly';
  if (kind === 'quarter') return 'quarterly';
  if (kind === 'year') return 'yearly';
  return kind;
}

/** Why `key` is not a period key, or undefined when it is one. */
function problemOf(key: string): { parts?: PeriodKeyParts; problem?: string } {
  const m = /^(\d{4})(?:-(?:(\d{2})|[Qq](\d)))?$/.exec(key);
  if (!m) return { problem: EXPECTED };
  const year = Number(m[1]);
  if (year < MIN_PERIOD_YEAR || year > MAX_PERIOD_YEAR) {
    return {
      problem: `${EXPECTED}: year must be ${MIN_PERIOD_YEAR}–${MAX_PERIOD_YEAR}`,
    };
  }
  if (m[2] !== undefined) {
    const month = Number(m[2]);
    if (month < 1 || month > 12) {
      return { problem: `${EXPECTED}: month must be 01–12` };
    }
    return { parts: { kind: 'monthly', year, index: month } };
  }
  if (m[3] !== undefined) {
    const quarter = Number(m[3]);
    if (quarter < 1 || quarter > 4) {
      return { problem: `${EXPECTED}: quarter must be Q1–Q4` };
    }
    return { parts: { kind: 'quarterly', year, index: quarter } };
  }
  return { parts: { kind: 'yearly', year, index: 1 } };
}

/**
 * Parses `2026-03`, `2026-Q1` (or `2026-q1`) or `2026`. Throws a RangeError naming the key and
 * what is wrong with it (year 1970–2100, month 01–12, quarter Q1–Q4).
 */
export function parsePeriodKey(key: string): PeriodKeyParts {
  const s = String(key).trim();
  const { parts, problem } = problemOf(s);
  if (!parts) throw new RangeError(`period "${s}" — ${problem}`);
  return parts;
}

/** True when `key` is a valid monthly, quarterly or yearly key. */
export function isPeriodKey(key: string): boolean {
  return problemOf(String(key).trim()).parts !== undefined;
}

/** The kind of a key, or undefined for anything else (e.g. a custom range `a..b`). */
export function periodKindOfKey(key: string): PeriodKind | undefined {
  return problemOf(String(key).trim()).parts?.kind;
}

/** The canonical key of its parts: `2026-03`, `2026-Q1`, `2026`. */
export function formatPeriodKey(parts: PeriodKeyParts): string {
  if (parts.kind === 'monthly')
    return `${parts.year}-${String(parts.index).padStart(2, '0')}`;
  if (parts.kind === 'quarterly') return `${parts.year}-Q${parts.index}`;
  return String(parts.year);
}

/** The key `n` periods after `key` (before it for negative `n`), of the same kind. */
export function shiftPeriodKey(key: string, n: number): string {
  const p = parsePeriodKey(key);
  const per = PER_YEAR[p.kind];
  const total = p.year * per + (p.index - 1) + n;
  return formatPeriodKey({
    kind: p.kind,
    year: Math.floor(total / per),
    index: (((total % per) + per) % per) + 1,
  });
}

/** The key of the period before `key`, of the same kind (for trends). */
export function previousPeriodKey(key: string): string {
  return shiftPeriodKey(key, -1);
}

/** The key of the period of `kind` that contains `now`, in the calendar of `zone`. */
export function currentPeriodKey(
  kind: PeriodKeyKind,
  zone: string,
  now: number,
): string {
  // The civil date of `now` in the zone decides; ../engine/period.ts puts the boundaries at
  // the same local midnights.
  const { year, month } = yearMonthIn(zone, now);
  const k = kindOf(kind);
  let index = 1;
  if (k === 'monthly') index = month;
  else if (k === 'quarterly') index = Math.ceil(month / 3);
  return formatPeriodKey({ kind: k, year, index });
}

/** The last `count` keys of `kind` in `zone`, newest first, starting with the current one. */
export function recentPeriodKeys(
  kind: PeriodKeyKind,
  zone: string,
  count: number,
  now: number,
): string[] {
  const out: string[] = [];
  let key = currentPeriodKey(kind, zone, now);
  for (let i = 0; i < count; i++) {
    out.push(key);
    key = previousPeriodKey(key);
  }
  return out;
}

/**
 * Keys of `kind` inside year `year` that have begun by `now` in `zone`, oldest first: the
 * months (or quarters) of a past year, those started so far of the current one, none of a
 * future year.
 */
export function startedPeriodKeysOfYear(
  kind: PeriodKeyKind,
  year: number,
  zone: string,
  now: number,
): string[] {
  const k = kindOf(kind);
  const current = parsePeriodKey(currentPeriodKey(k, zone, now));
  if (year > current.year) return [];
  const last = year < current.year ? PER_YEAR[k] : current.index;
  return Array.from({ length: last }, (_, i) =>
    formatPeriodKey({ kind: k, year, index: i + 1 }),
  );
}

/** The civil year and month (1–12) of `now` in `zone`. Throws for an unknown zone. */
export function yearMonthIn(
  zone: string,
  now: number,
): { year: number; month: number } {
  const d = DateTime.fromMillis(now, { zone });
  if (!d.isValid) throw new RangeError(`time zone "${zone}" is not known`);
  return { year: d.year, month: d.month };
}
