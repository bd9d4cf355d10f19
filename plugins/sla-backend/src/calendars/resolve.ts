import type {
  CalendarConfig,
  SlaConfig,
} from '@servicelevel/plugin-sla-common';
import { DateTime } from 'luxon';
import { cnOfficialDays } from './cnOfficial';
import { parseIcsDays, readIcsText } from './ics';
import { publicHolidayDays, publicHolidaysSupported } from './publicHolidays';
import {
  CalendarWarning,
  describeSource,
  HolidaySource,
  readHolidaySources,
  SourceConfigProblem,
  SourceDays,
  YearRange,
} from './sources';

/** Options of {@link resolveCalendarSources}. */
export interface ResolveCalendarSourcesOptions {
  /** The instant the default years are counted from (default now). */
  now?: number;
  /**
   * Years resolved from every source (default: two years back to next year, so history
   * keeps its holidays and the coming year shows whether it is published yet).
   */
  years?: YearRange;
  /** Reads an ICS source's text (default {@link readIcsText}: https URL or file). */
  readIcs?: (url: string) => Promise<string>;
  /** The last resolution, kept for a calendar whose source cannot be read now. */
  previous?: Record<string, CalendarConfig>;
}

/** The named calendars with their sources resolved. */
export interface ResolvedCalendars {
  /** Every calendar of `sla.calendars`; those with a source carry its dates. */
  calendars: Record<string, CalendarConfig>;
  /** The source of each calendar that has one. */
  sources: Record<string, HolidaySource>;
  /** Years a source does not cover, and sources that could not be read. */
  warnings: CalendarWarning[];
  /** Malformed `holidaySource` entries (left out). */
  problems: SourceConfigProblem[];
}

/** The default years: two years back to next year, in UTC. */
export function defaultYears(now: number): YearRange {
  const year = DateTime.fromMillis(now, { zone: 'UTC' }).year;
  return { from: year - 2, to: year + 1 };
}

async function readSource(
  source: HolidaySource,
  cal: CalendarConfig,
  years: YearRange,
  readIcs: (url: string) => Promise<string>,
): Promise<SourceDays> {
  if (source.kind === 'cn-official') return cnOfficialDays(years);
  if (source.kind === 'public') {
    return publicHolidayDays(source.country, source.region, years);
  }
  return parseIcsDays(await readIcs(source.url), cal.timezone, years);
}

/**
 * A source's days with the calendar's explicit lists laid over them; explicit entries win:
 * an explicit workday is no holiday, an explicit holiday is no workday and has no closure,
 * an explicit closure replaces the source's closures of its date. A date a source gives as
 * both a holiday and a workday is a holiday (as in the engine).
 */
export function mergeCalendar(
  explicit: CalendarConfig,
  days: Pick<SourceDays, 'holidays' | 'workdays' | 'closures'>,
): CalendarConfig {
  const explicitWork = new Set(explicit.workdays);
  const holidays = new Set(
    days.holidays.filter(d => !explicitWork.has(d)).concat(explicit.holidays),
  );
  const workdays = [...new Set([...days.workdays, ...explicit.workdays])]
    .filter(d => !holidays.has(d))
    .sort();
  const closures: Record<string, Array<[number, number]>> = {};
  for (const [date, spans] of Object.entries(days.closures)) {
    if (!explicitWork.has(date)) closures[date] = spans;
  }
  Object.assign(closures, explicit.closures ?? {});
  const sortedClosures: Record<string, Array<[number, number]>> = {};
  for (const date of Object.keys(closures).sort()) {
    if (!holidays.has(date)) sortedClosures[date] = closures[date];
  }
  return {
    timezone: explicit.timezone,
    hours: explicit.hours,
    holidays: [...holidays].sort(),
    workdays,
    ...(Object.keys(sortedClosures).length ? { closures: sortedClosures } : {}),
  };
}

/**
 * Resolves the holiday sources of `sla.calendars` (docs/configuration.md, "Holiday
 * sources") into the calendar shape the engine uses, so the resolved dates are snapshotted
 * into terms versions like typed ones: a source's update is a new terms version, never a
 * silent change to a closed period. `rawSla` is the plain `sla:` section, `slaConfig` what
 * readSlaConfig made of it (calendars without valid hours are not there, and reported
 * by it). Never throws: a year a source does not cover is a warning naming the calendar and
 * year (that year's holidays are unknown, not absent); a source that cannot be read keeps
 * the `previous` resolution if any, else only the explicit lists, with a warning.
 */
export async function resolveCalendarSources(
  rawSla: unknown,
  slaConfig: SlaConfig,
  options: ResolveCalendarSourcesOptions = {},
): Promise<ResolvedCalendars> {
  const years = options.years ?? defaultYears(options.now ?? Date.now());
  const readIcs = options.readIcs ?? readIcsText;
  const { sources, problems } = readHolidaySources(rawSla);
  const calendars: Record<string, CalendarConfig> = { ...slaConfig.calendars };
  const warnings: CalendarWarning[] = [];
  const used: Record<string, HolidaySource> = {};
  for (const [name, source] of Object.entries(sources)) {
    const explicit = slaConfig.calendars[name];
    if (!explicit) continue;
    const what = describeSource(source);
    if (
      source.kind === 'public' &&
      !publicHolidaysSupported(source.country, source.region)
    ) {
      problems.push({
        path: `sla.calendars.${name}.holidaySource`,
        message: `sla.calendars.${name}.holidaySource: ${what} — date-holidays knows no such country or region (ISO 3166 codes, e.g. US and NY)`,
      });
      continue;
    }
    used[name] = source;
    let days: SourceDays;
    try {
      days = await readSource(source, explicit, years, readIcs);
    } catch (e) {
      const kept = options.previous?.[name];
      if (kept) calendars[name] = kept;
      warnings.push({
        calendar: name,
        message: `Calendar ${name}: ${what} could not be read (${
          (e as Error).message
        }); ${
          kept
            ? 'its last resolved dates are kept'
            : 'only the dates listed in app-config apply'
        }`,
      });
      continue;
    }
    calendars[name] = mergeCalendar(explicit, days);
    const listed = [
      ...explicit.holidays,
      ...explicit.workdays,
      ...Object.keys(explicit.closures ?? {}),
    ];
    for (const year of days.uncoveredYears) {
      // Dates typed for that year say the operator has filled it in.
      if (listed.some(d => d.startsWith(`${year}-`))) continue;
      warnings.push({
        calendar: name,
        year,
        message: `Calendar ${name}: ${what} has no data for ${year}; its holidays and make-up workdays that year are unknown, not absent (list them under holidays and workdays until the source publishes them)`,
      });
    }
    for (const note of days.notes) {
      warnings.push({ calendar: name, message: `Calendar ${name}: ${note}` });
    }
  }
  return { calendars, sources: used, warnings, problems };
}
