import Ajv2020, { ValidateFunction } from 'ajv/dist/2020';
import fs from 'fs';
import path from 'path';
import { parse } from 'yaml';

type Operation = {
  responses: Record<
    string,
    { $ref?: string; content?: Record<string, unknown> }
  >;
};

type Document = {
  paths: Record<string, Record<string, Operation>>;
  components: {
    responses: Record<string, { content?: Record<string, unknown> }>;
  };
};

/** The document as written, read once per test file. */
export const openApiDocument = parse(
  fs.readFileSync(path.join(__dirname, '..', 'openapi.yaml'), 'utf8'),
) as Document;

// OpenAPI 3.1 schemas are JSON Schema 2020-12; `example` and `x-…` are annotations to skip.
const ajv = new Ajv2020({
  strict: false,
  allErrors: true,
  formats: { date: /^\d{4}-\d{2}-\d{2}$/, binary: true },
});
ajv.addSchema(
  { paths: openApiDocument.paths, components: openApiDocument.components },
  'openapi',
);
const compiled = new Map<string, ValidateFunction>();

const pointer = (...parts: string[]) =>
  parts.map(p => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

/** The document's path template that a concrete path (under /api/sla) matches. */
function templateOf(concrete: string): string | undefined {
  const segments = concrete.split('/');
  return Object.keys(openApiDocument.paths).find(template => {
    const parts = template.split('/');
    return (
      parts.length === segments.length &&
      parts.every((p, i) => /^\{.+\}$/.test(p) || p === segments[i])
    );
  });
}

/** What a supertest response carries that the check needs. */
export interface CheckedResponse {
  status: number;
  body: unknown;
  text: string;
  headers: Record<string, string>;
}

/**
 * Checks a response against the document: its status is documented for the operation and
 * its body matches the schema of that status and media type. Throws naming every mismatch.
 */
export function expectMatchesDocument(res: CheckedResponse): void {
  // superagent keeps the request it answered (untyped).
  const { req } = res as unknown as { req: { method: string; path: string } };
  const url = new URL(req.path, 'http://localhost');
  const concrete = url.pathname.replace(/^\/api\/sla/, '');
  const method = req.method.toLowerCase();
  const template = templateOf(concrete);
  const operation = template && openApiDocument.paths[template][method];
  if (!operation) {
    throw new Error(`${method.toUpperCase()} ${concrete} is not documented`);
  }
  const status = String(res.status);
  let response = operation.responses[status];
  let base = pointer('paths', template, method, 'responses', status);
  if (!response) {
    throw new Error(
      `${method.toUpperCase()} ${template} does not document status ${status}`,
    );
  }
  if (response.$ref) {
    const name = response.$ref.split('/').pop()!;
    response = openApiDocument.components.responses[name];
    base = pointer('components', 'responses', name);
  }
  if (!response.content) {
    if (res.text) {
      throw new Error(`${status} of ${template} is documented without a body`);
    }
    return;
  }
  const mediaType = (res.headers['content-type'] ?? '').split(';')[0].trim();
  if (!response.content[mediaType]) {
    throw new Error(
      `${status} of ${template} is not documented as ${mediaType || 'no type'}`,
    );
  }
  const ref = `openapi#/${base}/${pointer('content', mediaType, 'schema')}`;
  let validate = compiled.get(ref);
  if (!validate) {
    validate = ajv.compile({ $ref: ref });
    compiled.set(ref, validate);
  }
  const body = mediaType === 'application/json' ? res.body : res.text;
  if (!validate(body)) {
    throw new Error(
      `${method.toUpperCase()} ${template} ${status} does not match the document:\n${ajv.errorsText(
        validate.errors,
        { separator: '\n', dataVar: 'body' },
      )}`,
    );
  }
}
