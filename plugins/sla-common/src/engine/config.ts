import type { CalendarConfig, SlaConfig } from './types';
import { isValidTimeZone, parseIsoDate } from './time';
import { parseSpans, weeklyHoursFromEntries } from './weekly';

/** A problem in the `sla:` configuration; `path` is dotted from `sla`. */
export interface ConfigProblem {
  path: string;
  message: string;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function scalarToString(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

/**
 * Reads the plain JSON of the `sla:` app-config section (docs/configuration.md). Never
 * throws: bad parts are left out and reported. Calendars without a timezone
 * use `defaultTimezone` (itself defaulting to UTC).
 */
export function readSlaConfig(raw: unknown): {
  config: SlaConfig;
  problems: ConfigProblem[];
} {
  const problems: ConfigProblem[] = [];
  const config: SlaConfig = {
    defaultTimezone: 'UTC',
    calendars: {},
    tiers: {},
  };
  if (raw === undefined || raw === null) return { config, problems };
  if (!isRecord(raw)) {
    problems.push({ path: 'sla', message: 'sla: expected an object' });
    return { config, problems };
  }
  if (raw.defaultTimezone !== undefined) {
    const tz = raw.defaultTimezone;
    if (typeof tz === 'string' && isValidTimeZone(tz))
      config.defaultTimezone = tz;
    else
      problems.push({
        path: 'sla.defaultTimezone',
        message: `sla.defaultTimezone: "${String(
          tz,
        )}" — expected an IANA time zone, e.g. Asia/Shanghai`,
      });
  }
  if (raw.calendars !== undefined) {
    if (!isRecord(raw.calendars)) {
      problems.push({
        path: 'sla.calendars',
        message: 'sla.calendars: expected a map of calendar name to calendar',
      });
    } else {
      for (const [name, value] of Object.entries(raw.calendars)) {
        const cal = readCalendar(
          `sla.calendars.${name}`,
          value,
          config.defaultTimezone,
          problems,
        );
        if (cal) config.calendars[name] = cal;
      }
    }
  }
  if (raw.tiers !== undefined) {
    if (!isRecord(raw.tiers)) {
      problems.push({
        path: 'sla.tiers',
        message: 'sla.tiers: expected a map of tier name to annotation values',
      });
    } else {
      for (const [name, value] of Object.entries(raw.tiers)) {
        if (!isRecord(value)) {
          problems.push({
            path: `sla.tiers.${name}`,
            message: `sla.tiers.${name}: expected a map of annotation keys to values`,
          });
          continue;
        }
        const tier: Record<string, string> = {};
        for (const [k, v] of Object.entries(value)) {
          const s = scalarToString(v);
          if (s === undefined) {
            problems.push({
              path: `sla.tiers.${name}.${k}`,
              message: `sla.tiers.${name}.${k}: expected a string value`,
            });
          } else {
            tier[k] = s;
          }
        }
        config.tiers[name] = tier;
      }
    }
  }
  if (raw.regions !== undefined) {
    const regions = readRegions(raw.regions, config, problems);
    if (regions) config.regions = regions;
  }
  return { config, problems };
}

const REGION_CODE = /^[a-z0-9][a-z0-9_-]{0,31}$/;

/** `sla.regions`: region code → calendar name; codes are lower-cased, order kept. */
function readRegions(
  raw: unknown,
  config: SlaConfig,
  problems: ConfigProblem[],
): Record<string, string> | undefined {
  if (!isRecord(raw)) {
    problems.push({
      path: 'sla.regions',
      message:
        'sla.regions: expected a map of region code to calendar name, e.g. { cn: cn-workdays, us: ny-support }',
    });
    return undefined;
  }
  const out: Record<string, string> = {};
  for (const [code, value] of Object.entries(raw)) {
    const region = code.toLowerCase();
    const path = `sla.regions.${code}`;
    if (!REGION_CODE.test(region)) {
      problems.push({
        path,
        message: `${path}: "${code}" — expected a region code of letters, digits, - or _ (at most 32), e.g. cn`,
      });
      continue;
    }
    if (Object.prototype.hasOwnProperty.call(out, region)) {
      problems.push({
        path,
        message: `${path}: region "${region}" is listed twice (codes are case-insensitive)`,
      });
      continue;
    }
    const name = scalarToString(value);
    if (
      !name ||
      !Object.prototype.hasOwnProperty.call(config.calendars, name)
    ) {
      const configured = Object.keys(config.calendars).join(', ') || 'none';
      problems.push({
        path,
        message: `${path}: "${String(
          value,
        )}" — expected the name of a calendar under sla.calendars (configured: ${configured})`,
      });
      continue;
    }
    out[region] = name;
  }
  return Object.keys(out).length ? out : undefined;
}

function readDates(
  path: string,
  v: unknown,
  problems: ConfigProblem[],
): string[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) {
    problems.push({
      path,
      message: `${path}: expected a list of YYYY-MM-DD dates`,
    });
    return [];
  }
  const out: string[] = [];
  v.forEach((d, i) => {
    if (typeof d === 'string' && parseIsoDate(d) !== undefined) out.push(d);
    else
      problems.push({
        path: `${path}[${i}]`,
        message: `${path}[${i}]: "${String(
          d,
        )}" — expected a date YYYY-MM-DD, e.g. 2026-10-01`,
      });
  });
  return [...new Set(out)].sort();
}

function readClosures(
  path: string,
  v: unknown,
  holidays: string[],
  problems: ConfigProblem[],
): Record<string, Array<[number, number]>> {
  const out: Record<string, Array<[number, number]>> = {};
  if (v === undefined) return out;
  if (!isRecord(v)) {
    problems.push({
      path,
      message: `${path}: expected a map of dates to closed spans, e.g. { '2026-12-24': '13:00-18:00' }`,
    });
    return out;
  }
  for (const date of Object.keys(v).sort()) {
    const text = scalarToString(v[date]) ?? '';
    const spans =
      parseIsoDate(date) === undefined ? undefined : parseSpans(text);
    if (!spans) {
      problems.push({
        path: `${path}.${date}`,
        message: `${path}.${date}: "${text}" — expected <YYYY-MM-DD>: <HH:MM-HH:MM>[,<HH:MM-HH:MM>…], e.g. '2026-12-24': '13:00-18:00'`,
      });
    } else if (!holidays.includes(date)) {
      // A holiday is closed all day already.
      out[date] = spans;
    }
  }
  return out;
}

function readCalendar(
  path: string,
  v: unknown,
  defaultTimezone: string,
  problems: ConfigProblem[],
): CalendarConfig | undefined {
  if (!isRecord(v)) {
    problems.push({
      path,
      message: `${path}: expected an object with timezone, hours, holidays, workdays, closures`,
    });
    return undefined;
  }
  let timezone = defaultTimezone;
  if (v.timezone !== undefined) {
    if (typeof v.timezone === 'string' && isValidTimeZone(v.timezone))
      timezone = v.timezone;
    else {
      problems.push({
        path: `${path}.timezone`,
        message: `${path}.timezone: "${String(
          v.timezone,
        )}" — expected an IANA time zone, e.g. Asia/Shanghai`,
      });
      return undefined;
    }
  }
  if (!isRecord(v.hours)) {
    problems.push({
      path: `${path}.hours`,
      message: `${path}.hours: expected a map of days to spans, e.g. { mon-fri: '09:00-12:00,13:30-18:00' }`,
    });
    return undefined;
  }
  const entries: Array<[string, string]> = [];
  for (const [days, spans] of Object.entries(v.hours)) {
    const s = scalarToString(spans) ?? '';
    if (!weeklyHoursFromEntries([[days, s]])) {
      problems.push({
        path: `${path}.hours.${days}`,
        message: `${path}.hours.${days}: "${s}" — expected <days>: <HH:MM-HH:MM>[,<HH:MM-HH:MM>…], e.g. mon-fri: '09:00-12:00,13:30-18:00'`,
      });
      return undefined;
    }
    entries.push([days, s]);
  }
  const hours = weeklyHoursFromEntries(entries);
  if (!hours) return undefined;
  const holidays = readDates(`${path}.holidays`, v.holidays, problems);
  const workdays = readDates(`${path}.workdays`, v.workdays, problems);
  const clash = workdays.filter(d => holidays.includes(d));
  if (clash.length) {
    problems.push({
      path: `${path}.workdays`,
      message: `${path}.workdays: ${clash.join(
        ', ',
      )} also listed as holidays; treated as holidays`,
    });
  }
  const closures = readClosures(
    `${path}.closures`,
    v.closures,
    holidays,
    problems,
  );
  return {
    timezone,
    hours,
    holidays,
    workdays: workdays.filter(d => !clash.includes(d)),
    ...(Object.keys(closures).length ? { closures } : {}),
  };
}
