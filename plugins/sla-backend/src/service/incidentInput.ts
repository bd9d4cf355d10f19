import {
  CompoundEntityRef,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { Incident, Pause, Priority } from '@servicelevel/plugin-sla-common';

/** The largest batch `POST /incidents` accepts; larger pushes must be split. */
export const MAX_INCIDENT_BATCH = 5000;

/** One thing wrong with one incident of a batch (or one CSV row). */
export interface IncidentProblem {
  /** Index in the batch (0-based) or CSV row number (1 = first data row). */
  index: number;
  field: string;
  message: string;
}

const PRIORITY = /^P[1-4]$/i;
const SOURCE = /^[a-z0-9][a-z0-9._-]{0,63}$/i;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Reads an instant: an ISO 8601 date-time with a zone (`Z` or an offset) or epoch milliseconds.
 * A date-time without a zone is ambiguous and rejected.
 */
export function readInstant(value: unknown): number | string {
  if (typeof value === 'number') {
    return Number.isSafeInteger(value) && value >= 0
      ? value
      : 'expected epoch milliseconds as a non-negative integer';
  }
  if (typeof value !== 'string' || value.trim() === '') {
    return 'expected an ISO 8601 date-time with a zone, e.g. 2026-09-18T17:30:00+08:00';
  }
  const s = value.trim();
  if (
    !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i.test(
      s,
    )
  ) {
    return `"${value}" — expected an ISO 8601 date-time with a zone, e.g. 2026-09-18T17:30:00+08:00`;
  }
  const t = Date.parse(s.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isNaN(t) ? `"${value}" is not a valid date-time` : t;
}

/** The longest entity ref stored (sla_incidents.entity_ref is varchar(255)). */
const MAX_ENTITY_REF = 255;

/**
 * PostgreSQL cannot store U+0000 in text; SQLite would. Rejected everywhere, so that both
 * engines store the same incidents and a NUL is a 400 rather than a database error.
 */
function hasNul(value: unknown): boolean {
  return typeof value === 'string' && value.includes('\u0000');
}

/** Normalises an entity ref; the kind defaults to Component and the namespace to default. */
export function readEntityRef(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.trim() === '' || hasNul(value))
    return undefined;
  try {
    const ref: CompoundEntityRef = parseEntityRef(value.trim(), {
      defaultKind: 'component',
      defaultNamespace: 'default',
    });
    const normalized = stringifyEntityRef(ref).toLocaleLowerCase('en-US');
    return normalized.length > MAX_ENTITY_REF ? undefined : normalized;
  } catch {
    return undefined;
  }
}

/**
 * Validates one incident of the public model (SPEC §4). Returns the incident, or the
 * problems found, each naming its field.
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
  if (id === '' || id.length > 255 || hasNul(id)) {
    bad(
      'id',
      'required: the incident id in its source, at most 255 characters, no NUL',
    );
  }
  const entityRef = readEntityRef(raw.entityRef);
  if (!entityRef) {
    bad(
      'entityRef',
      `required: an entity ref of at most ${MAX_ENTITY_REF} characters, e.g. component:default/cad-core`,
    );
  }
  const title = typeof raw.title === 'string' ? raw.title.trim() : '';
  if (title === '') bad('title', 'required: a non-empty string');
  else if (hasNul(title)) bad('title', 'contains a NUL character (U+0000)');
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
      hasNul(raw.url)
    ) {
      bad('url', 'expected an http(s) URL');
    } else {
      url = raw.url;
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
  if (!isRecord(body) || !Array.isArray(body.incidents)) {
    return {
      incidents: [],
      problems: [
        {
          index: -1,
          field: 'incidents',
          message: 'expected {"incidents": [...]}',
        },
      ],
    };
  }
  if (body.incidents.length === 0) {
    return {
      incidents: [],
      problems: [{ index: -1, field: 'incidents', message: 'is empty' }],
    };
  }
  if (body.incidents.length > MAX_INCIDENT_BATCH) {
    return {
      incidents: [],
      problems: [
        {
          index: -1,
          field: 'incidents',
          message: `has ${body.incidents.length} incidents; at most ${MAX_INCIDENT_BATCH} per request, split the batch`,
        },
      ],
    };
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

/** One line per problem, for an InputError message. */
export function describeProblems(
  problems: IncidentProblem[],
  noun = 'incidents',
): string {
  const shown = problems
    .slice(0, 50)
    .map(p =>
      p.index < 0
        ? `${p.field}: ${p.message}`
        : `${noun}[${p.index}].${p.field}: ${p.message}`,
    );
  const more =
    problems.length > 50 ? `\n… and ${problems.length - 50} more` : '';
  return shown.join('\n') + more;
}
