import { DateTime } from 'luxon';
import type { Incident, Pause, Priority } from '../engine/types';

/**
 * The one validator of incidents (ENGINE.md, the incident model): the webhook, the CSV import
 * and every provider decide with it. Pure: callers turn problems into HTTP errors, row errors
 * or skipped-and-counted vendor records.
 */

/** The largest batch `POST /incidents` accepts; larger pushes must be split. */
export const MAX_INCIDENT_BATCH = 5000;
/** Longest title kept; a longer one is refused rather than cut silently. */
export const MAX_INCIDENT_TITLE = 500;
/** Longest id and entity ref (the database columns are varchar(255)). */
export const MAX_INCIDENT_ID = 255;
/** Instants the engine accepts: 1970-01-01 (inclusive) to 2100-01-01 (exclusive), UTC. */
export const MIN_INCIDENT_INSTANT = 0;
export const MAX_INCIDENT_INSTANT = Date.UTC(2100, 0, 1);

/** One thing wrong with one incident of a batch (or one CSV row). */
export interface IncidentProblem {
  /** Index in the batch (0-based), CSV row number (1 = first data row), or -1 for the body. */
  index: number;
  field: string;
  message: string;
}

const PRIORITY = /^P[1-4]$/i;
const SOURCE = /^[a-z0-9][a-z0-9._-]{0,63}$/i;
/** A region code (`sla.regions`); stored lower case. */
const REGION = /^[a-z0-9][a-z0-9_-]{0,31}$/i;
const ISO_WITH_ZONE =
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;
// C0 controls and DEL: PostgreSQL cannot store NUL, and none belongs in an id, ref or title.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function hasControl(value: string): boolean {
  return CONTROL.test(value);
}

const RANGE = 'between 1970-01-01 and 2100-01-01';

const PLAIN_ISO =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:Z|([+-])(\d{2}):?(\d{2}))$/;

/**
 * The epoch ms of an ISO date-time whose every field is in its usual range (hours 0–23,
 * minutes and seconds 0–59, a day of that month, an offset up to ±23:59), computed without
 * luxon; undefined for anything else, which luxon then judges. A 5,000-incident batch holds
 * 15,000 instants, and parsing them with luxon kept the event loop busy for about 60 ms
 * (docs/resilience.md, finding 6). Fractions are cut to the millisecond, as luxon cuts them.
 */
function plainInstant(s: string): number | undefined {
  const m = PLAIN_ISO.exec(s);
  if (!m) return undefined;
  const [year, month, day, hour, minute] = [m[1], m[2], m[3], m[4], m[5]].map(
    Number,
  );
  const second = m[6] === undefined ? 0 : Number(m[6]);
  const ms = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, '0'));
  const offsetH = m[9] === undefined ? 0 : Number(m[9]);
  const offsetM = m[10] === undefined ? 0 : Number(m[10]);
  if (
    month < 1 ||
    month > 12 ||
    day < 1 ||
    hour > 23 ||
    minute > 59 ||
    second > 59 ||
    offsetH > 23 ||
    offsetM > 59
  ) {
    return undefined;
  }
  // Days in the month: day 0 of the next month is its last day.
  if (day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return undefined;
  const local = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  // Date.UTC maps years 0–99 to 1900–1999; those are out of range anyway, leave them to luxon.
  if (year < 100) return undefined;
  const offset = (offsetH * 60 + offsetM) * 60_000;
  return m[8] === '-' ? local + offset : local - offset;
}

/**
 * Reads an instant: an ISO 8601 date-time with a zone (`Z` or an offset) or epoch
 * milliseconds, between 1970-01-01 and 2100-01-01. Returns the epoch ms, or a message. A
 * date-time without a zone is ambiguous and refused; so is a day that is not in the calendar.
 */
export function readInstant(value: unknown): number | string {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || value < 0) {
      return 'expected epoch milliseconds as a non-negative integer';
    }
    return value < MAX_INCIDENT_INSTANT ? value : `${value} is not ${RANGE}`;
  }
  if (typeof value !== 'string' || value.trim() === '') {
    return 'expected an ISO 8601 date-time with a zone, e.g. 2026-09-18T17:30:00+08:00';
  }
  const s = value.trim().toUpperCase();
  if (!ISO_WITH_ZONE.test(s)) {
    return `"${value}" — expected an ISO 8601 date-time with a zone, e.g. 2026-09-18T17:30:00+08:00`;
  }
  const fast = plainInstant(s);
  let t: number;
  if (fast !== undefined) t = fast;
  else {
    // luxon, not Date.parse: Date.parse rolls 2026-02-30 over into March.
    const dt = DateTime.fromISO(s.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'), {
      setZone: true,
    });
    if (!dt.isValid) return `"${value}" is not a valid date-time`;
    t = dt.toMillis();
  }
  if (t < MIN_INCIDENT_INSTANT || t >= MAX_INCIDENT_INSTANT) {
    return `"${value}" is not ${RANGE}`;
  }
  return t;
}

/**
 * Normalises an entity ref to the stored form `kind:namespace/name`, lower case; the kind
 * defaults to component and the namespace to default. Undefined when it is not a ref, is
 * longer than 255 characters or holds a control character.
 */
export function readEntityRef(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const ref = value.trim();
  if (ref === '' || hasControl(ref)) return undefined;
  // The catalog's ref grammar: a slash before the colon makes the rest the name.
  let colon = ref.indexOf(':');
  const slash = ref.indexOf('/');
  if (slash !== -1 && slash < colon) colon = -1;
  const kind = colon === -1 ? 'component' : ref.slice(0, colon);
  const namespace = slash === -1 ? 'default' : ref.slice(colon + 1, slash);
  const name = ref.slice(Math.max(colon + 1, slash + 1));
  if (kind === '' || namespace === '' || name === '') return undefined;
  // Unicode's default mapping, which en-US's is (only tr, az and lt tailor it); the locale
  // variant went through ICU and took 30 ms of a 5,000-incident batch.
  const normalized = `${kind}:${namespace}/${name}`.toLowerCase();
  return normalized.length > MAX_INCIDENT_ID ? undefined : normalized;
}

/**
 * Validates one incident of the public model. Instants are ISO date-times with a zone or
 * epoch ms (providers hand over their already-converted incidents). Returns the normalised
 * incident, or the problems found, each naming its field.
 */
export function readIncident(
  raw: unknown,
  index: number,
): { incident?: Incident; problems: IncidentProblem[] } {
  const problems: IncidentProblem[] = [];
  const bad = (field: string, message: string) =>
    problems.push({ index, field, message });
  if (!isRecord(raw)) {
    bad('', 'expected an object');
    return { problems };
  }

  const source =
    typeof raw.source === 'string' ? raw.source.trim().toLowerCase() : '';
  if (!SOURCE.test(source)) {
    bad(
      'source',
      'required: letters, digits, dot, dash or underscore, e.g. servicenow',
    );
  }
  const id =
    typeof raw.id === 'string' || typeof raw.id === 'number'
      ? String(raw.id).trim()
      : '';
  if (id === '' || id.length > MAX_INCIDENT_ID || hasControl(id)) {
    bad(
      'id',
      `required: the incident id in its source, at most ${MAX_INCIDENT_ID} characters, no control characters`,
    );
  }
  const entityRef = readEntityRef(raw.entityRef);
  if (!entityRef) {
    bad(
      'entityRef',
      `required: an entity ref of at most ${MAX_INCIDENT_ID} characters, e.g. component:default/cad-core`,
    );
  }
  const title = typeof raw.title === 'string' ? raw.title.trim() : '';
  if (title === '') bad('title', 'required: a non-empty string');
  else if (title.includes('\u0000'))
    bad('title', 'contains a NUL character (U+0000)');
  else if (hasControl(title))
    bad('title', 'contains a control character (U+0000–U+001F, U+007F)');
  else if (title.length > MAX_INCIDENT_TITLE)
    bad(
      'title',
      `has ${title.length} characters; at most ${MAX_INCIDENT_TITLE}`,
    );
  const priority =
    typeof raw.priority === 'string' && PRIORITY.test(raw.priority.trim())
      ? (raw.priority.trim().toUpperCase() as Priority)
      : undefined;
  if (!priority)
    bad('priority', `"${String(raw.priority)}" — expected P1, P2, P3 or P4`);

  const instant = (field: string, value: unknown, optional: boolean) => {
    if (optional && (value === undefined || value === null)) return undefined;
    const t = readInstant(value);
    if (typeof t === 'string') {
      bad(field, t);
      return undefined;
    }
    return t;
  };
  const createdAt = instant('createdAt', raw.createdAt, false);
  const acknowledgedAt = instant('acknowledgedAt', raw.acknowledgedAt, true);
  const resolvedAt = instant('resolvedAt', raw.resolvedAt, true);
  if (createdAt !== undefined) {
    if (acknowledgedAt !== undefined && acknowledgedAt < createdAt) {
      bad('acknowledgedAt', 'is before createdAt');
    }
    if (resolvedAt !== undefined && resolvedAt < createdAt) {
      bad('resolvedAt', 'is before createdAt');
    }
  }

  const pauses: Pause[] = [];
  if (raw.pauses !== undefined && raw.pauses !== null) {
    if (!Array.isArray(raw.pauses)) {
      bad('pauses', 'expected an array of {start, end?}');
    } else {
      raw.pauses.forEach((p, i) => {
        if (!isRecord(p)) {
          bad(`pauses[${i}]`, 'expected {start, end?}');
          return;
        }
        const start = instant(`pauses[${i}].start`, p.start, false);
        const end = instant(`pauses[${i}].end`, p.end, true);
        if (start !== undefined && end !== undefined && end < start) {
          bad(`pauses[${i}].end`, 'is before its start');
        }
        if (start !== undefined)
          pauses.push(end === undefined ? { start } : { start, end });
      });
    }
  }

  let outage: Incident['outage'];
  if (raw.outage !== undefined && raw.outage !== null) {
    if (!isRecord(raw.outage)) {
      bad('outage', 'expected {start, end?, planned?, impact?}');
    } else {
      const o = raw.outage;
      const start = instant('outage.start', o.start, false);
      const end = instant('outage.end', o.end, true);
      if (start !== undefined && end !== undefined && end < start) {
        bad('outage.end', 'is before outage.start');
      }
      if (o.planned !== undefined && typeof o.planned !== 'boolean') {
        bad('outage.planned', 'expected true or false');
      }
      if (
        o.impact !== undefined &&
        o.impact !== 'down' &&
        o.impact !== 'degraded'
      ) {
        bad(
          'outage.impact',
          `"${String(o.impact)}" — expected down or degraded`,
        );
      }
      if (start !== undefined) {
        outage = { start };
        if (end !== undefined) outage.end = end;
        if (o.planned === true) outage.planned = true;
        if (o.impact === 'down' || o.impact === 'degraded')
          outage.impact = o.impact;
      }
    }
  }

  let url: string | undefined;
  if (raw.url !== undefined && raw.url !== null) {
    if (
      typeof raw.url !== 'string' ||
      !/^https?:\/\//.test(raw.url) ||
      hasControl(raw.url)
    ) {
      bad('url', 'expected an http(s) URL');
    } else {
      url = raw.url;
    }
  }

  let region: string | undefined;
  if (raw.region !== undefined && raw.region !== null) {
    if (typeof raw.region !== 'string' || !REGION.test(raw.region)) {
      bad(
        'region',
        `"${String(
          raw.region,
        )}" — expected a region code of letters, digits, - or _ (at most 32), e.g. cn`,
      );
    } else {
      region = raw.region.toLowerCase();
    }
  }

  if (problems.length > 0) return { problems };
  const incident: Incident = {
    source,
    id,
    entityRef: entityRef!,
    title,
    priority: priority!,
    createdAt: createdAt!,
    pauses,
  };
  if (acknowledgedAt !== undefined) incident.acknowledgedAt = acknowledgedAt;
  if (resolvedAt !== undefined) incident.resolvedAt = resolvedAt;
  if (outage) incident.outage = outage;
  if (url) incident.url = url;
  if (region) incident.region = region;
  return { incident, problems };
}

/**
 * Validates a whole `POST /incidents` body. Either every incident is valid, or the
 * problems of every bad one are returned and nothing may be stored.
 */
export function readIncidentBatch(body: unknown): {
  incidents: Incident[];
  problems: IncidentProblem[];
} {
  const whole = (message: string) => ({
    incidents: [],
    problems: [{ index: -1, field: 'incidents', message }],
  });
  if (!isRecord(body) || !Array.isArray(body.incidents)) {
    return whole('expected {"incidents": [...]}');
  }
  if (body.incidents.length === 0) return whole('is empty');
  if (body.incidents.length > MAX_INCIDENT_BATCH) {
    return whole(
      `has ${body.incidents.length} incidents; at most ${MAX_INCIDENT_BATCH} per request, split the batch`,
    );
  }
  const incidents: Incident[] = [];
  const problems: IncidentProblem[] = [];
  const seen = new Map<string, number>();
  body.incidents.forEach((raw, index) => {
    const r = readIncident(raw, index);
    problems.push(...r.problems);
    if (r.incident) {
      const key = `${r.incident.source}\u0000${r.incident.id}`;
      const first = seen.get(key);
      if (first !== undefined) {
        problems.push({
          index,
          field: 'id',
          message: `repeats incident ${r.incident.source}/${r.incident.id} of index ${first} in the same batch`,
        });
      } else {
        seen.set(key, index);
        incidents.push(r.incident);
      }
    }
  });
  return { incidents, problems };
}

/** One line per problem (`incidents[3].createdAt: …`), at most 50, for an error message. */
export function describeProblems(
  problems: IncidentProblem[],
  noun = 'incidents',
): string {
  const shown = problems.slice(0, 50).map(p => {
    if (p.index < 0) return `${p.field}: ${p.message}`;
    return p.field === ''
      ? `${noun}[${p.index}]: ${p.message}`
      : `${noun}[${p.index}].${p.field}: ${p.message}`;
  });
  const more =
    problems.length > 50 ? `\n… and ${problems.length - 50} more` : '';
  return shown.join('\n') + more;
}
