import { InputError } from '@backstage/errors';
import express, { ErrorRequestHandler, Request, RequestHandler } from 'express';
import Router from 'express-promise-router';
import { createOpenApiRouter } from './openapi/generated/router';
import {
  DEFAULT_MAX_RANGE_YEARS,
  jsonErrorPosition,
  methodAndMediaType,
  unknownFieldProblems,
  valueChecks,
} from './requestChecks';

/**
 * JSON body limits by route (`METHOD /path`, as mounted under /api/sla); every other JSON
 * body gets {@link DEFAULT_JSON_LIMIT}. A body over its limit is answered 413.
 */
export const JSON_LIMITS: Readonly<Record<string, string>> = {
  'POST /incidents': '20mb',
};
export const DEFAULT_JSON_LIMIT = '1mb';

const parsers = new Map<string, RequestHandler>();

/**
 * The one JSON body parser of the API, with the limit of the request's route; installed once,
 * by {@link createValidatedRouter}. Other media types (the CSV import streams its body) are
 * left alone. A body that is not JSON is a 400 "request body is not valid JSON at position
 * N", which echoes none of it.
 */
export const jsonBody: RequestHandler = (req, res, next) => {
  const limit = JSON_LIMITS[`${req.method} ${req.path}`] ?? DEFAULT_JSON_LIMIT;
  let parser = parsers.get(limit);
  if (!parser) {
    parser = express.json({ limit });
    parsers.set(limit, parser);
  }
  parser(req, res, (err?: unknown) => {
    const failed = err as { type?: string; body?: unknown } | undefined;
    if (failed?.type !== 'entity.parse.failed') {
      next(err);
      return;
    }
    const text = typeof failed.body === 'string' ? failed.body : '';
    let position = jsonErrorPosition(text);
    // JSON, but not an object or a list (express.json is strict): where the value starts.
    if (position < 0) position = text.length - text.trimStart().length;
    next(
      new InputError(`request body is not valid JSON at position ${position}`),
    );
  });
};

const ADDITIONAL = 'must NOT have additional properties';
const LOCATIONS = ['body', 'query', 'params', 'headers', 'cookies'];
const ITEM = new RegExp(`^request/(${LOCATIONS.join('|')})(/\\S*)? (.*)$`, 's');
const SEPARATOR = new RegExp(`, (?=request/(?:${LOCATIONS.join('|')})\\b)`);

function fieldName(location: string, path: string[]): string {
  if (location === 'headers') return `header ${path.join('.')}`;
  if (path.length === 0) return location;
  return path
    .map((p, i) => {
      if (/^\d+$/.test(p)) return `[${p}]`;
      return i === 0 ? p : `.${p}`;
    })
    .join('');
}

function valueAt(req: Request, location: string, path: string[]): unknown {
  let v: unknown = (req as unknown as Record<string, unknown>)[location];
  for (const p of path) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<string, unknown>)[p];
  }
  return v;
}

function shown(v: unknown): string {
  if (Array.isArray(v)) return 'a list';
  if (v === null) return 'null';
  if (typeof v === 'object') return 'an object';
  const text = JSON.stringify(v);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

/**
 * express-openapi-validator's message (`request/body/incidents/0/priority must match pattern
 * "^[Pp][1-4]$", request/query/…`) as one line per field, in the `<field>: <problem>` form of
 * every other 400 of the API: `incidents[0].priority: must match pattern "^[Pp][1-4]$" (got
 * "urgent")`. Messages of another form (unknown query parameter, media type) are kept.
 */
export function readableValidationMessage(message: string, req: Request) {
  const fields = new Map<string, { problems: string[]; got: string }>();
  const other: string[] = [];
  for (const item of message.split(SEPARATOR)) {
    const m = ITEM.exec(item);
    if (!m) {
      other.push(item);
      continue;
    }
    const [, location, pointer = '', text] = m;
    const path = pointer
      .split('/')
      .filter(Boolean)
      .map(p => p.replace(/~1/g, '/').replace(/~0/g, '~'));
    let problem = text;
    const required = /^must have required property '(.+)'$/.exec(text);
    if (required) {
      path.push(required[1]);
      problem = 'required';
    }
    const name = fieldName(location, path);
    const value = required ? undefined : valueAt(req, location, path);
    const entry = fields.get(name) ?? {
      problems: [],
      got: value === undefined ? '' : ` (got ${shown(value)})`,
    };
    if (!entry.problems.includes(problem)) entry.problems.push(problem);
    fields.set(name, entry);
  }
  // The validator says "must NOT have additional properties" of the object; name each field.
  const hasUnknown = [...fields.values()].some(e =>
    e.problems.includes(ADDITIONAL),
  );
  const unknown = hasUnknown ? unknownFieldProblems(req) : [];
  if (unknown.length > 0) {
    for (const [name, entry] of fields) {
      entry.problems = entry.problems.filter(p => p !== ADDITIONAL);
      if (entry.problems.length === 0) fields.delete(name);
    }
  }
  const lines = [...unknown];
  for (const [name, { problems, got }] of fields) {
    // "must match exactly one schema in oneOf" only repeats what its branches said.
    const specific = problems.filter(p => !/ schema in (oneOf|anyOf)$/.test(p));
    lines.push(
      `${name}: ${(specific.length ? specific : problems).join('; ')}${got}`,
    );
  }
  return [...lines, ...other].join('\n');
}

/** Rewrites the validator's 400s; body-parser errors (400 bad JSON, 413) pass unchanged. */
const readableValidationErrors: ErrorRequestHandler = (
  err,
  req,
  _res,
  next,
) => {
  if (err instanceof InputError) {
    next(new InputError(readableValidationMessage(err.message, req)));
    return;
  }
  next(err);
};

/** Limits of {@link createValidatedRouter}, from config (`sla.limits`). */
export interface ValidatedRouterOptions {
  /** `sla.limits.maxRangeYears`: the longest from/to range, in years (default 5). */
  maxRangeYears?: number;
}

/**
 * The API's router: each request is parsed once ({@link jsonBody}) and validated once against
 * openapi.yaml, then served by the feature routers (plain routers of complete paths, mounted
 * without a prefix, in order). A request that breaks the document gets a 400 naming the field
 * and reaches no route; so does one with a control character, a bad period key or a from/to
 * range over the limit (requestChecks.ts). An undocumented method on a documented path is a
 * 405, a body of another media type than the route's a 415. plugin.ts mounts the route
 * modules this way, with the limits first; a test of one module wraps it the same way.
 */
export function createValidatedRouter(
  ...args: [ValidatedRouterOptions, ...express.Router[]] | express.Router[]
): express.Router {
  const options =
    typeof args[0] === 'function' ? {} : (args[0] as ValidatedRouterOptions);
  const features = (args as unknown[]).filter(
    (a): a is express.Router => typeof a === 'function',
  );
  const router = Router();
  // Before the body is read: a wrong method or media type is answered without reading it.
  router.use(methodAndMediaType);
  // Outside the validated router: its error transformer would turn a 413 into a 400.
  router.use(jsonBody);
  // Outside too: its statuses and messages are its own.
  const validated = createOpenApiRouter({
    // The body is parsed above; a handler is required here or the default express.json runs.
    middleware: [(_req, _res, next) => next()],
    validatorOptions: {
      // Credentials are Backstage's httpAuth's concern, checked before the router.
      validateSecurity: false,
    },
  });
  router.use(async (req, res, next) => (await validated)(req, res, next));
  // Before the features: it rewrites the validator's errors, not the handlers' own.
  router.use(readableValidationErrors);
  // After the document: the values no schema states well (control characters, period keys,
  // the from/to range), so a request breaking the document hears about that first.
  router.use(
    valueChecks({
      maxRangeYears: options.maxRangeYears ?? DEFAULT_MAX_RANGE_YEARS,
    }),
  );
  for (const feature of features) router.use(feature);
  return router;
}
