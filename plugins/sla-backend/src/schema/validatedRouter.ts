import { InputError } from '@backstage/errors';
import express, { ErrorRequestHandler, Request, RequestHandler } from 'express';
import Router from 'express-promise-router';
import { createOpenApiRouter } from './openapi/generated/router';

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
 * The one JSON body parser of the API, with the limit of the request's route. The four route
 * modules each install it; the first to run parses, the others see the body parsed and pass.
 * Other media types (the CSV import streams its body) are left alone.
 */
export const jsonBody: RequestHandler = (req, res, next) => {
  const limit = JSON_LIMITS[`${req.method} ${req.path}`] ?? DEFAULT_JSON_LIMIT;
  let parser = parsers.get(limit);
  if (!parser) {
    parser = express.json({ limit });
    parsers.set(limit, parser);
  }
  parser(req, res, next);
};

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
  const lines = [...fields].map(([name, { problems, got }]) => {
    // "must match exactly one schema in oneOf" only repeats what its branches said.
    const specific = problems.filter(p => !/ schema in (oneOf|anyOf)$/.test(p));
    return `${name}: ${(specific.length ? specific : problems).join(
      '; ',
    )}${got}`;
  });
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

/**
 * A router whose requests are parsed once ({@link jsonBody}) and validated against
 * openapi.yaml before any route of it runs: a request that breaks the document gets a 400
 * naming the field. Routes added to it are served as they are declared, at the same paths.
 */
export function createValidatedRouter(): express.Router {
  const router = Router();
  // Outside the validated router: its error transformer would turn a 413 into a 400.
  router.use(jsonBody);
  // Created once; the route modules are built synchronously, so it is awaited per request.
  const validated = createOpenApiRouter({
    // The body is parsed above; a handler is required here or the default express.json runs.
    middleware: [(_req, _res, next) => next()],
    validatorOptions: {
      // Credentials are Backstage's httpAuth's concern, checked before the router.
      validateSecurity: false,
    },
  });
  router.use(async (req, res, next) => (await validated)(req, res, next));
  router.use(readableValidationErrors);
  return router;
}
