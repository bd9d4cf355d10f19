import { CustomErrorBase, InputError } from '@backstage/errors';
import {
  isCalendarDate,
  MAX_PERIOD_YEAR,
  MIN_PERIOD_YEAR,
  parsePeriodKey,
  readInstant,
} from '@servicelevel/plugin-sla-common';
import type { Request, RequestHandler } from 'express';
import { DateTime } from 'luxon';
import { spec } from './openapi/generated/router';

/**
 * The checks every request passes besides the OpenAPI document's own (validatedRouter.ts
 * installs them around the validator): the method and the media type of the route, and the
 * values no schema states well — control characters in any text, period keys, and the
 * `from`/`to` range. Each refusal names the field, in the `<field>: <problem>` form of every
 * 400 of the API, and echoes at most a short excerpt of the value.
 */

/** 405: the path is documented, the method is not. */
export class MethodNotAllowedError extends CustomErrorBase {
  name = 'MethodNotAllowedError' as const;
  statusCode = 405;
}

/** 415: the body's Content-Type is not one the route reads. */
export class UnsupportedMediaTypeError extends CustomErrorBase {
  name = 'UnsupportedMediaTypeError' as const;
  statusCode = 415;
}

/** Default of `sla.limits.maxRangeYears`: the longest custom range (from/to) evaluated. */
export const DEFAULT_MAX_RANGE_YEARS = 5;

/** Body fields holding multi-line free text: tab, line feed and carriage return are allowed there. */
export const MULTILINE_FIELDS: ReadonlySet<string> = new Set([
  'description',
  'note',
  'comment',
]);

const METHODS = ['get', 'put', 'post', 'patch', 'delete'] as const;

/** The part of a JSON schema the unknown-field check reads. */
interface Schema {
  $ref?: string;
  properties?: Record<string, Schema>;
  additionalProperties?: boolean | Schema;
  items?: Schema;
}

interface DocumentedOperation {
  /** Media types of the body, when the operation has one. */
  media?: string[];
  /** The schema of an application/json body. */
  json?: Schema;
}

interface DocumentedPath {
  template: string;
  pattern: RegExp;
  params: string[];
  /** Documented methods (lower case). */
  methods: Map<string, DocumentedOperation>;
}

type LoosePathItem = Record<
  string,
  | { requestBody?: { content?: Record<string, { schema?: Schema }> } }
  | undefined
>;

const SCHEMAS = spec.components.schemas as unknown as Record<string, Schema>;

const escape = (s: string) => s.replace(/[.*+?^$()|[\]\\]/g, '\\$&');

/** The paths of openapi.yaml, as patterns matching a request's path. */
const PATHS: DocumentedPath[] = Object.entries(
  spec.paths as unknown as Record<string, LoosePathItem>,
).map(([template, item]) => {
  const params: string[] = [];
  const source = template
    .split(/(\{[^}]+\})/)
    .map(part => {
      const m = /^\{([^}]+)\}$/.exec(part);
      if (!m) return escape(part);
      params.push(m[1]);
      return '([^/]+)';
    })
    .join('');
  const methods = new Map<string, DocumentedOperation>();
  for (const method of METHODS) {
    const op = item[method];
    if (!op) continue;
    const content = op.requestBody?.content;
    methods.set(method, {
      media: content && Object.keys(content),
      json: content?.['application/json']?.schema,
    });
  }
  return { template, pattern: new RegExp(`^${source}$`), params, methods };
});

function documentedPath(
  path: string,
): { path: DocumentedPath; values: string[] } | undefined {
  for (const p of PATHS) {
    const m = p.pattern.exec(path);
    if (m) return { path: p, values: m.slice(1) };
  }
  return undefined;
}

function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  return (
    req.headers['transfer-encoding'] !== undefined ||
    (length !== undefined && length !== '0')
  );
}

/**
 * Before the body is read: an undocumented method on a documented path is a 405 with an
 * Allow header (HEAD is served as GET; OPTIONS is left to CORS), and a body whose
 * Content-Type the route does not read is a 415 naming the one it does. Undocumented paths
 * pass untouched.
 */
export const methodAndMediaType: RequestHandler = (req, res, next) => {
  const found = documentedPath(req.path);
  const method = req.method.toLowerCase();
  if (!found || method === 'options') {
    next();
    return;
  }
  const { methods, template } = found.path;
  const key = method === 'head' ? 'get' : method;
  if (!methods.has(key)) {
    const allowed = [...methods.keys()].map(m => m.toUpperCase());
    res.set('Allow', allowed.join(', '));
    throw new MethodNotAllowedError(
      `${req.method} is not allowed on ${template}; allowed: ${allowed.join(
        ', ',
      )}`,
    );
  }
  const accepted = methods.get(key)?.media;
  const type = req.headers['content-type'];
  if (accepted && (type !== undefined || hasBody(req))) {
    const media = (type ?? '').split(';')[0].trim().toLowerCase();
    if (!accepted.includes(media)) {
      throw new UnsupportedMediaTypeError(
        `Content-Type: expected ${accepted.join(' or ')} (got ${
          media ? shortText(media) : 'none'
        })`,
      );
    }
  }
  next();
};

/** A value as a 400 may echo it: JSON-quoted, at most about 60 characters. */
export function shortText(v: string): string {
  const text = JSON.stringify(v);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

// C0 controls and DEL, as sla-common's incident rules refuse them.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;
// The same but tab, line feed and carriage return, for multi-line text.
// eslint-disable-next-line no-control-regex
const CONTROL_BUT_LINES = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

function controlProblem(
  field: string,
  value: string,
  multiline: boolean,
): string | undefined {
  const m = (multiline ? CONTROL_BUT_LINES : CONTROL).exec(value);
  if (!m) return undefined;
  const code = `U+${m[0]
    .charCodeAt(0)
    .toString(16)
    .toUpperCase()
    .padStart(4, '0')}`;
  return `${field}: contains a control character (${code})${
    multiline
      ? '; only tab, line feed and carriage return are allowed in multi-line text'
      : ''
  } (got ${shortText(value)})`;
}

function periodProblem(field: string, value: string): string | undefined {
  try {
    parsePeriodKey(value);
    return undefined;
  } catch (e) {
    return `${field}: ${(e as Error).message}`;
  }
}

/**
 * Every string of a parsed body or query, with its field name in the API's form
 * (`actions[0].title`) and the name of the property holding it, and every property name.
 */
function walk(
  value: unknown,
  visit: (field: string, key: string, value: string) => void,
  visitName: (parent: string, name: string) => void,
): void {
  // An explicit stack: a body may nest thousands of levels deep.
  const stack: Array<[unknown, string, string]> = [[value, '', '']];
  while (stack.length > 0) {
    const [v, field, key] = stack.pop()!;
    if (typeof v === 'string') visit(field, key, v);
    else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) {
        stack.push([v[i], `${field}[${i}]`, key]);
      }
    } else if (v !== null && typeof v === 'object') {
      const entries = Object.entries(v as Record<string, unknown>);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [name, x] = entries[i];
        visitName(field, name);
        stack.push([x, field ? `${field}.${name}` : name, name]);
      }
    }
  }
}

function resolved(schema: Schema | undefined): Schema | undefined {
  let s = schema;
  for (let i = 0; s?.$ref && i < 10; i++) {
    s = SCHEMAS[s.$ref.replace('#/components/schemas/', '')];
  }
  return s;
}

/**
 * Fields of `value` that its schema does not list where the schema says
 * `additionalProperties: false`, as `<field>: unknown field` (the plan bodies, whose own
 * validation names unknown fields with the body's other problems, do not say it).
 */
function unknownFields(
  value: unknown,
  schema: Schema | undefined,
  field: string,
  add: (problem: string) => void,
): void {
  const s = resolved(schema);
  if (!s) return;
  if (Array.isArray(value)) {
    if (s.items) {
      value.forEach((v, i) => unknownFields(v, s.items, `${field}[${i}]`, add));
    }
    return;
  }
  if (value === null || typeof value !== 'object' || !s.properties) return;
  for (const [name, v] of Object.entries(value)) {
    const f = field ? `${field}.${name}` : name;
    if (Object.prototype.hasOwnProperty.call(s.properties, name)) {
      unknownFields(v, s.properties[name], f, add);
    } else if (s.additionalProperties === false) {
      add(`${f}: unknown field`);
    }
  }
}

/** The `<field>: unknown field` problems of a request's JSON body, per openapi.yaml. */
export function unknownFieldProblems(req: Request): string[] {
  const problems: string[] = [];
  if (req.body === null || typeof req.body !== 'object') return problems;
  const schema = documentedPath(req.path)?.path.methods.get(
    req.method.toLowerCase(),
  )?.json;
  unknownFields(req.body, schema, '', p => problems.push(p));
  return problems;
}

const RANGE = 'between 1970-01-01 and 2100-01-01';

/** The instant a `from`/`to` value names (a date at UTC midnight; `to`'s date is inclusive), or a problem. */
function rangeEnd(
  name: 'from' | 'to',
  value: string,
): { at?: number; problem?: string } {
  const s = value.trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(s)) {
    const year = Number(s.slice(0, 4));
    if (!isCalendarDate(s)) {
      return { problem: `${name}: "${s}" is not a day of the calendar` };
    }
    if (year < MIN_PERIOD_YEAR || year >= MAX_PERIOD_YEAR) {
      return { problem: `${name}: "${s}" is not ${RANGE}` };
    }
    const [y, m, d] = s.split('-').map(Number);
    return { at: Date.UTC(y, m - 1, d + (name === 'to' ? 1 : 0)) };
  }
  const t = readInstant(s);
  if (typeof t === 'string') {
    return {
      problem: `${name}: ${
        s.includes('T')
          ? t
          : `${shortText(
              s,
            )} — expected a date YYYY-MM-DD or an ISO date-time with a zone`
      }`,
    };
  }
  return { at: t };
}

/**
 * After the document's validation: control characters in path parameters, query values and every
 * body string (C0 controls and DEL; tab, line feed and carriage return are allowed in the
 * multi-line fields {@link MULTILINE_FIELDS}), period keys wherever a `period` is given, and
 * the `from`/`to` range (each a calendar date or an instant with a zone between 1970 and
 * 2100, spanning at most `maxRangeYears` years). All problems are one 400, one line each.
 */
/** Query parameters the API document types as integers (GET …/history `periods`). */
const INTEGER_QUERY_PARAMS = ['periods'];

export function valueChecks(options: {
  maxRangeYears: number;
}): RequestHandler {
  const { maxRangeYears } = options;
  return (req, _res, next) => {
    const problems: string[] = [];
    const add = (p: string | undefined) => {
      if (p && problems.length < 20) problems.push(p);
    };

    const found = documentedPath(req.path);
    found?.values.forEach((raw, i) => {
      let value: string;
      try {
        value = decodeURIComponent(raw);
      } catch {
        add(`${found.path.params[i]}: not valid percent-encoding`);
        return;
      }
      add(controlProblem(found.path.params[i], value, false));
    });

    const onString =
      (inBody: boolean) => (field: string, key: string, value: string) => {
        const multiline = inBody && MULTILINE_FIELDS.has(key);
        const control = controlProblem(field, value, multiline);
        if (control) add(control);
        else if (key === 'period') add(periodProblem(field, value));
      };
    const onName = (where: string) => (parent: string, name: string) =>
      add(controlProblem(`${parent || where}: a field name`, name, false));
    walk(req.query, onString(false), onName('query'));
    if (req.body !== undefined && typeof req.body === 'object') {
      walk(req.body, onString(true), onName('body'));
    }

    // The schema's integers are coerced with Number() (before this check: req.query holds
    // numbers by now), which also takes 0x10, 1e1 and " 16": an integer query parameter is
    // written in decimal digits only, checked on the query string as sent.
    const sent = new URL(req.originalUrl, 'http://query.invalid').searchParams;
    for (const name of INTEGER_QUERY_PARAMS) {
      const v = sent.get(name);
      if (v !== null && !/^\d{1,9}$/.test(v)) {
        add(
          `${name}: "${v}" — expected a whole number in decimal digits, e.g. 12`,
        );
      }
    }

    const { from, to } = req.query;
    if (typeof from === 'string' && typeof to === 'string') {
      const start = rangeEnd('from', from);
      const end = rangeEnd('to', to);
      add(start.problem);
      add(end.problem);
      if (start.at !== undefined && end.at !== undefined) {
        const limit = DateTime.fromMillis(start.at, { zone: 'utc' })
          .plus({ years: maxRangeYears })
          .toMillis();
        if (end.at > limit) {
          add(
            `from/to: the range spans more than ${maxRangeYears} years, the limit (sla.limits.maxRangeYears); ask for a shorter range`,
          );
        }
      }
    }
    if (problems.length > 0) throw new InputError(problems.join('\n'));
    next();
  };
}

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);
const LITERALS = ['true', 'false', 'null'];
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/** The end of the string starting at `i` (after its closing quote), or -1 - where it breaks. */
function stringEnd(text: string, i: number): number {
  for (let j = i + 1; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === 0x22) return j + 1;
    if (c < 0x20) return -1 - j;
    if (c === 0x5c) {
      const e = text[j + 1];
      if (e === 'u') {
        if (!/^[0-9a-fA-F]{4}$/.test(text.slice(j + 2, j + 6))) {
          return -1 - (j + 2);
        }
        j += 5;
      } else if (e !== undefined && '"\\/bfnrt'.includes(e)) j += 1;
      else return -1 - (j + 1);
    }
  }
  return -1 - text.length;
}

/**
 * The position (0-based, in characters) of the first character at which `text` stops being
 * JSON, its length when it ends too early, or -1 when it is JSON. Linear and without
 * recursion: only for the 400 of a body that failed to parse, whose message must not echo it.
 */
export function jsonErrorPosition(text: string): number {
  const open: string[] = [];
  type State =
    | 'value'
    | 'valueOrClose'
    | 'key'
    | 'keyOrClose'
    | 'colon'
    | 'next'
    | 'end';
  let state: State = 'value';
  let i = 0;
  const closed = () => {
    open.pop();
    i++;
    state = open.length > 0 ? 'next' : 'end';
  };
  for (;;) {
    while (i < text.length && WHITESPACE.has(text[i])) i++;
    if (i >= text.length) return state === 'end' ? -1 : text.length;
    const c = text[i];
    const top = open[open.length - 1];
    if (state === 'end') return i;
    if (state === 'colon') {
      if (c !== ':') return i;
      i++;
      state = 'value';
    } else if (state === 'next') {
      if (c === ',') {
        i++;
        state = top === '{' ? 'key' : 'value';
      } else if ((c === '}' && top === '{') || (c === ']' && top === '[')) {
        closed();
      } else return i;
    } else if (state === 'key' || state === 'keyOrClose') {
      if (c === '}' && state === 'keyOrClose') closed();
      else if (c !== '"') return i;
      else {
        const end = stringEnd(text, i);
        if (end < 0) return -1 - end;
        i = end;
        state = 'colon';
      }
    } else if (c === ']' && state === 'valueOrClose') {
      closed();
    } else if (c === '{' || c === '[') {
      open.push(c);
      i++;
      state = c === '{' ? 'keyOrClose' : 'valueOrClose';
    } else {
      if (c === '"') {
        const end = stringEnd(text, i);
        if (end < 0) return -1 - end;
        i = end;
      } else if (c === '-' || (c >= '0' && c <= '9')) {
        NUMBER.lastIndex = i;
        const m = NUMBER.exec(text);
        if (!m) return i + 1;
        i += m[0].length;
      } else {
        const literal = LITERALS.find(l => l[0] === c);
        if (!literal) return i;
        for (let k = 0; k < literal.length; k++) {
          if (text[i + k] !== literal[k]) {
            return i + k < text.length ? i + k : text.length;
          }
        }
        i += literal.length;
      }
      state = open.length > 0 ? 'next' : 'end';
    }
  }
}
