import { DAY_MS, HOUR_MS, MINUTE_MS } from './time';

const UNIT_MS: Record<string, number> = {
  h: HOUR_MS,
  m: MINUTE_MS,
  s: 1000,
  ms: 1,
};

const TOKEN = /(\d+(?:\.\d+)?)(ms|d|h|m|s)/gy;

/**
 * Parses a service-time duration: `15m`, `4h`, `1d4h`, `90s`, `0`.
 * `d` is one service day (`serviceDayMs`); returns undefined when the text
 * is not a duration or uses `d` while the calendar has no working day.
 * Decimals are allowed (`1.5h`) and rounded to the millisecond.
 */
export function parseDuration(
  s: string,
  serviceDayMs: number = DAY_MS,
): number | undefined {
  if (typeof s !== 'string') return undefined;
  const text = s.trim().toLowerCase();
  if (text === '0') return 0;
  if (text.length === 0) return undefined;
  TOKEN.lastIndex = 0;
  let total = 0;
  let pos = 0;
  let match: RegExpExecArray | null;
  const seen = new Set<string>();
  while (pos < text.length) {
    TOKEN.lastIndex = pos;
    match = TOKEN.exec(text);
    if (!match) return undefined;
    const unit = match[2];
    if (seen.has(unit)) return undefined;
    seen.add(unit);
    const size = unit === 'd' ? serviceDayMs : UNIT_MS[unit];
    if (!(size > 0)) return undefined;
    total += Number(match[1]) * size;
    pos = TOKEN.lastIndex;
  }
  const ms = Math.round(total);
  return Number.isSafeInteger(ms) ? ms : undefined;
}

/**
 * Canonical text of a duration: whole service days as `Nd` when `ms` is an
 * exact multiple of the service day, otherwise hours/minutes/seconds
 * (`1h30m`, `45s`, `250ms`); `0` for zero. Inverse of {@link parseDuration}.
 */
export function formatDuration(
  ms: number,
  serviceDayMs: number = DAY_MS,
): string {
  if (!(ms > 0)) return '0';
  if (serviceDayMs > 0 && ms % serviceDayMs === 0) {
    return `${ms / serviceDayMs}d`;
  }
  let rest = Math.round(ms);
  let out = '';
  for (const [unit, size] of [
    ['h', HOUR_MS],
    ['m', MINUTE_MS],
    ['s', 1000],
    ['ms', 1],
  ] as const) {
    const n = Math.floor(rest / size);
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * size;
    }
  }
  return out;
}

/**
 * A measured duration for people: whole seconds (rounded down), so `1h40m24s` rather than
 * `1h40m24s695ms`. Exact values stay in the numeric fields; targets use
 * {@link formatDuration}.
 */
export function formatElapsed(
  ms: number,
  serviceDayMs: number = DAY_MS,
): string {
  if (!(ms > 0)) return '0';
  return ms < 1000
    ? '0s'
    : formatDuration(Math.floor(ms / 1000) * 1000, serviceDayMs);
}
