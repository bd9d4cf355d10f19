import fs from 'fs';
import path from 'path';
import { parse } from 'yaml';

/** The part of JSON Schema (OpenAPI 3.1) that the request schemas of openapi.yaml use. */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  additionalProperties?: JsonSchema | boolean;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  allOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  pattern?: string;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  default?: unknown;
  example?: unknown;
  /** Set by {@link loadOperations} on a resolved `$ref`: the component's name. */
  'x-ref'?: string;
}

export interface ParameterSpec {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required: boolean;
  schema: JsonSchema;
  example?: unknown;
}

/** One operation of openapi.yaml, its `$ref`s resolved. */
export interface OperationSpec {
  /** `POST /incidents`. */
  key: string;
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** The path as documented, `/plans/{id}`. */
  path: string;
  operationId: string;
  /** `x-sla-permission`, e.g. `sla.read`; `none` for public operations. */
  permission: string;
  /** The document marks it public (`security: []`): no 401 or 403 is expected. */
  isPublic: boolean;
  parameters: ParameterSpec[];
  body?: { contentType: string; schema: JsonSchema; required: boolean };
}

export const DOCUMENT_PATH = path.join(__dirname, '..', '..', 'openapi.yaml');

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

type Node = Record<string, unknown>;

/** `#/components/schemas/X` → the node, with nested `$ref`s resolved (the request schemas are not recursive). */
function resolver(document: Node) {
  const lookup = (ref: string): Node => {
    let node: unknown = document;
    for (const part of ref.replace(/^#\//, '').split('/')) {
      node = (node as Node)[part];
    }
    if (!node) throw new Error(`openapi.yaml: unresolved ${ref}`);
    return node as Node;
  };
  const resolve = (node: unknown, depth = 0): unknown => {
    if (depth > 50) throw new Error('openapi.yaml: $ref cycle');
    if (Array.isArray(node)) return node.map(n => resolve(n, depth + 1));
    if (!node || typeof node !== 'object') return node;
    const { $ref, ...rest } = node as Node;
    const out: Node = {};
    if (typeof $ref === 'string') {
      Object.assign(out, resolve(lookup($ref), depth + 1) as Node, {
        'x-ref': $ref.split('/').pop(),
      });
    }
    for (const [k, v] of Object.entries(rest)) out[k] = resolve(v, depth + 1);
    return out;
  };
  return resolve;
}

/** A component schema of openapi.yaml (`IncidentInput`), its `$ref`s resolved. */
export function loadComponentSchema(
  name: string,
  file = DOCUMENT_PATH,
): JsonSchema {
  const document = parse(fs.readFileSync(file, 'utf8')) as Node;
  return resolver(document)({
    $ref: `#/components/schemas/${name}`,
  }) as JsonSchema;
}

/** Every operation of openapi.yaml, read at run time so that a new route is fuzzed as soon as it is documented. */
export function loadOperations(file = DOCUMENT_PATH): OperationSpec[] {
  const document = parse(fs.readFileSync(file, 'utf8')) as Node;
  const resolve = resolver(document);
  const paths = document.paths as Record<string, Node>;
  const operations: OperationSpec[] = [];
  for (const [p, item] of Object.entries(paths)) {
    const shared = (resolve(item.parameters ?? []) as ParameterSpec[]) ?? [];
    for (const method of METHODS) {
      const op = item[method] as Node | undefined;
      if (!op) continue;
      const own = resolve(op.parameters ?? []) as ParameterSpec[];
      const byName = new Map<string, ParameterSpec>();
      for (const param of [...shared, ...own]) {
        byName.set(`${param.in} ${param.name}`, {
          ...param,
          required: param.required === true,
        });
      }
      const requestBody = resolve(op.requestBody) as
        | {
            required?: boolean;
            content: Record<string, { schema: JsonSchema }>;
          }
        | undefined;
      const [contentType, media] = Object.entries(
        requestBody?.content ?? {},
      )[0] ?? [undefined, undefined];
      operations.push({
        key: `${method.toUpperCase()} ${p}`,
        method,
        path: p,
        operationId: String(op.operationId),
        permission: String(op['x-sla-permission'] ?? ''),
        isPublic: Array.isArray(op.security) && op.security.length === 0,
        parameters: [...byName.values()],
        body:
          contentType && media
            ? {
                contentType,
                schema: media.schema,
                required: requestBody?.required === true,
              }
            : undefined,
      });
    }
  }
  return operations;
}
