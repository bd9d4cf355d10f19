/**
 * Holiday sources of named calendars (`sla.calendars.<name>.holidaySource`, see
 * docs/configuration.md): where a calendar's public holidays, make-up workdays and part-day
 * closures come from when nobody types them into app-config.
 */

/** A calendar's holiday source, as configured. */
export type HolidaySource =
  | { kind: 'cn-official' }
  | { kind: 'public'; country: string; region?: string }
  | { kind: 'ics'; url: string };

/** The kinds of {@link HolidaySource}. */
export const HOLIDAY_SOURCE_KINDS = ['cn-official', 'public', 'ics'] as const;

/** Civil years a source is resolved for, both ends included. */
export interface YearRange {
  from: number;
  to: number;
}

/** Days read from a source for the years of a {@link YearRange}. */
export interface SourceDays {
  /** `YYYY-MM-DD` whole days off. */
  holidays: string[];
  /** `YYYY-MM-DD` make-up working days. */
  workdays: string[];
  /** `YYYY-MM-DD` → closed local spans (minutes after midnight), part-day closures. */
  closures: Record<string, Array<[number, number]>>;
  /** Years of the range the source has no data for (never "a year without holidays"). */
  uncoveredYears: number[];
  /** Other things worth an operator's attention (an event that was left out). */
  notes: string[];
}

/** Days with nothing in them yet. */
export function emptySourceDays(): SourceDays {
  return {
    holidays: [],
    workdays: [],
    closures: {},
    uncoveredYears: [],
    notes: [],
  };
}

/**
 * A problem with a calendar's source: a year it does not cover, or a source that failed
 * (served with `GET /catalog`, so its type is the API's).
 */
export type { CalendarWarning } from '@servicelevel/plugin-sla-common';

/** A problem in `sla.calendars.<name>.holidaySource`; `path` is dotted from `sla`. */
export interface SourceConfigProblem {
  path: string;
  message: string;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const EXPECTED =
  "expected { kind: cn-official }, { kind: public, country: US, region: NY } or { kind: ics, url: 'https://…/holidays.ics' }";

/** A short name of a source for messages: `cn-official`, `public US/NY`, `ics <url>`. */
export function describeSource(source: HolidaySource): string {
  if (source.kind === 'public') {
    return `public ${source.country}${
      source.region ? `/${source.region}` : ''
    }`;
  }
  if (source.kind === 'ics') return `ics ${source.url}`;
  return source.kind;
}

/**
 * Reads the `holidaySource` of every calendar of the plain `sla:` config section. Never
 * throws: a malformed source is left out and reported.
 */
export function readHolidaySources(raw: unknown): {
  sources: Record<string, HolidaySource>;
  problems: SourceConfigProblem[];
} {
  const sources: Record<string, HolidaySource> = {};
  const problems: SourceConfigProblem[] = [];
  if (!isRecord(raw) || !isRecord(raw.calendars)) return { sources, problems };
  for (const [name, cal] of Object.entries(raw.calendars)) {
    if (!isRecord(cal) || cal.holidaySource === undefined) continue;
    const path = `sla.calendars.${name}.holidaySource`;
    const v = cal.holidaySource;
    const bad = (message: string) => problems.push({ path, message });
    if (!isRecord(v)) {
      bad(`${path}: ${EXPECTED}`);
      continue;
    }
    const text = (x: unknown) =>
      typeof x === 'string' && x.trim() !== '' ? x.trim() : undefined;
    if (v.kind === 'cn-official') {
      sources[name] = { kind: 'cn-official' };
    } else if (v.kind === 'public') {
      const country = text(v.country);
      const region = v.region === undefined ? undefined : text(v.region);
      if (!country || (v.region !== undefined && !region)) {
        bad(
          `${path}: kind public needs a country code and optionally a region, e.g. { kind: public, country: US, region: NY }`,
        );
        continue;
      }
      sources[name] = {
        kind: 'public',
        country: country.toUpperCase(),
        ...(region ? { region: region.toUpperCase() } : {}),
      };
    } else if (v.kind === 'ics') {
      const url = text(v.url);
      if (!url) {
        bad(
          `${path}: kind ics needs a url, an https URL or a file path, e.g. { kind: ics, url: 'https://intranet.example/shutdowns.ics' }`,
        );
        continue;
      }
      sources[name] = { kind: 'ics', url };
    } else {
      bad(`${path}: kind "${String(v.kind)}" — ${EXPECTED}`);
    }
  }
  return { sources, problems };
}
