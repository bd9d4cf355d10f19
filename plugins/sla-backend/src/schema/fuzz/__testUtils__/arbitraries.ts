import fc from 'fast-check';
import {
  BAD_DATES,
  BAD_INSTANTS,
  BAD_NUMBERS,
  BAD_PERIODS,
  BAD_RANGE_ENDS,
  BAD_TEXT,
  MALFORMED_JSON,
  ODD_TEXT,
  WRONG_CONTENT_TYPES,
} from './dictionary';
import {
  JsonSchema,
  loadComponentSchema,
  OperationSpec,
  ParameterSpec,
} from './document';

/**
 * Hostile requests for one operation of openapi.yaml, as fast-check arbitraries.
 *
 * Every request is a valid request (see {@link validRequest}) with one or two INVALID changes,
 * each of which the API must refuse for certain, applied after up to two NOISE changes, which
 * may or may not be acceptable (an unknown field, SQL in a title, 1e308 where the document
 * bounds nothing). So no request is valid by chance, and the fuzz can demand that no stored
 * row changes at all: a row digest taken before and after every request must be equal. (The
 * alternative, digesting only what a valid write cannot touch, would hide exactly the partial
 * writes the fuzz looks for.) Invalid means: it breaks the document (type, required, enum,
 * pattern, bounds, lengths, media type, JSON syntax), or it is one of the dictionary's values
 * for a field of its kind (dictionary.ts: control characters and over-cap lengths in any text,
 * bad instants, dates and period keys), or a path parameter that names nothing that exists.
 */

/** The data seeded before the fuzz; a path parameter that names none of it is invalid. */
export interface Seeds {
  entity: { kind: string; namespace: string; name: string };
  customer: { kind: string; namespace: string; name: string };
  planIds: string[];
  termsVersion: number;
}

/** One request, ready to send. */
export interface HostileRequest {
  operation: string;
  method: OperationSpec['method'];
  /** Below the plugin's mount point, with its query string. */
  url: string;
  contentType?: string;
  body?: string;
  /** What was changed, for the report of a finding. */
  changes: string[];
}

/** A request being built: parameters, body and headers before encoding. */
interface Draft {
  path: Record<string, string>;
  query: Record<string, string | string[]>;
  /** The JSON body as a value; `raw` replaces it when set. */
  body: unknown;
  raw?: string;
  contentType?: string;
  /** No body at all. */
  omitBody?: boolean;
}

interface Change {
  what: string;
  apply(draft: Draft): void;
}

type Path = Array<string | number>;

const CAD = 'component:default/cad-core';

/** A valid body for each operation that has one: it is accepted as is by the document and the handlers. */
export const VALID_BODIES: Record<string, unknown> = {
  'POST /incidents': {
    incidents: [
      {
        source: 'fuzz',
        id: 'FUZZ-1',
        entityRef: CAD,
        title: 'Fuzzed incident',
        priority: 'P2',
        createdAt: '2026-09-03T01:00:00Z',
        acknowledgedAt: '2026-09-03T01:05:00Z',
        resolvedAt: '2026-09-03T02:00:00Z',
        pauses: [
          { start: '2026-09-03T01:10:00Z', end: '2026-09-03T01:20:00Z' },
        ],
        outage: {
          start: '2026-09-03T01:00:00Z',
          end: '2026-09-03T01:30:00Z',
          planned: false,
          impact: 'down',
        },
        url: 'https://desk.example/FUZZ-1',
      },
    ],
  },
  'POST /snapshots/recompute': { period: '2026-09', entityRef: CAD },
  'POST /plans': {
    entityRef: CAD,
    title: 'Fuzzed plan',
    origin: {
      type: 'breach',
      objective: 'availability',
      period: '2026-09',
      note: 'n',
    },
    addresses: [{ objective: 'availability', period: '2026-09' }],
    owner: 'group:default/dispatch-platform',
    targetDate: '2026-12-31',
    status: 'proposed',
    actions: [
      {
        title: 'Do it',
        assignee: 'user:default/olivia',
        dueDate: '2026-12-15',
        done: false,
      },
    ],
  },
  'PATCH /plans/{id}': {
    title: 'Renamed plan',
    owner: 'group:default/dispatch-platform',
    targetDate: '2027-01-31',
    status: 'approved',
    actions: [{ title: 'Do it', assignee: null, dueDate: null, done: true }],
  },
  'POST /reports/regenerate': {
    subjectKind: 'entity',
    subjectRef: CAD,
    period: '2026-09',
  },
  'POST /entities/{kind}/{namespace}/{name}/confirmation': {
    termsVersion: 1,
    comment: 'Agreed',
  },
};

/** The CSV import's columns and the IncidentInput field each one carries. */
const CSV_COLUMNS: Array<{ column: string; field: Path; valid: string }> = [
  { column: 'source', field: ['source'], valid: 'fuzz' },
  { column: 'id', field: ['id'], valid: 'CSV-1' },
  { column: 'entityRef', field: ['entityRef'], valid: CAD },
  { column: 'title', field: ['title'], valid: 'Fuzzed import' },
  { column: 'priority', field: ['priority'], valid: 'P3' },
  { column: 'createdAt', field: ['createdAt'], valid: '2026-09-04T01:00:00Z' },
  {
    column: 'acknowledgedAt',
    field: ['acknowledgedAt'],
    valid: '2026-09-04T01:05:00Z',
  },
  {
    column: 'resolvedAt',
    field: ['resolvedAt'],
    valid: '2026-09-04T02:00:00Z',
  },
  {
    column: 'pauses',
    field: ['pauses'],
    valid: '2026-09-04T01:10:00Z/2026-09-04T01:20:00Z',
  },
  {
    column: 'outageStart',
    field: ['outage', 'start'],
    valid: '2026-09-04T01:00:00Z',
  },
  {
    column: 'outageEnd',
    field: ['outage', 'end'],
    valid: '2026-09-04T01:30:00Z',
  },
  { column: 'outagePlanned', field: ['outage', 'planned'], valid: 'false' },
  { column: 'outageImpact', field: ['outage', 'impact'], valid: 'down' },
  { column: 'url', field: ['url'], valid: 'https://desk.example/CSV-1' },
];

function csvCell(value: string): string {
  return `"${value.replace(/"/g, '""')}"`;
}

function csv(rows: string[][]): string {
  return `${rows.map(r => r.map(csvCell).join(',')).join('\n')}\n`;
}

// ------------------------------------------------------------------ schema helpers

type JsonType =
  | 'null'
  | 'boolean'
  | 'integer'
  | 'number'
  | 'string'
  | 'array'
  | 'object';

function jsonType(v: unknown): JsonType {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v as JsonType;
}

/** The JSON types a schema admits, or undefined when it says nothing about types. */
function typesOf(schema: JsonSchema): Set<JsonType> | undefined {
  if (schema.type) {
    const types = new Set(
      (Array.isArray(schema.type) ? schema.type : [schema.type]) as JsonType[],
    );
    if (types.has('number')) types.add('integer');
    return types;
  }
  const branches = schema.oneOf ?? schema.anyOf;
  if (branches) {
    const all = new Set<JsonType>();
    for (const b of branches) {
      const t = typesOf(b);
      if (!t) return undefined;
      t.forEach(x => all.add(x));
    }
    return all;
  }
  if (schema.enum) return new Set(schema.enum.map(jsonType));
  if (schema.const !== undefined) return new Set([jsonType(schema.const)]);
  return undefined;
}

function branchesOf(schema: JsonSchema): JsonSchema[] {
  return schema.oneOf ?? schema.anyOf ?? [schema];
}

function isInstant(schema: JsonSchema) {
  return schema['x-ref'] === 'Instant';
}

function isPeriodKey(schema: JsonSchema) {
  return schema['x-ref'] === 'PeriodKey';
}

/** A string the schema refuses for certain, when it has a rule strings can break. */
function breaksStringRules(schema: JsonSchema, value: string): boolean {
  return branchesOf(schema).every(b => {
    const types = typesOf(b);
    if (types && !types.has('string')) return true;
    if (b.enum && !b.enum.includes(value)) return true;
    if (b.const !== undefined && b.const !== value) return true;
    if (b.pattern && !new RegExp(b.pattern, 'u').test(value)) return true;
    if (b.minLength !== undefined && [...value].length < b.minLength) {
      return true;
    }
    if (b.maxLength !== undefined && [...value].length > b.maxLength) {
      return true;
    }
    return false;
  });
}

/** The schema has a rule that some strings break (so filtering strings by it ends). */
function hasStringRules(schema: JsonSchema): boolean {
  return branchesOf(schema).some(
    b =>
      b.enum !== undefined ||
      b.const !== undefined ||
      b.pattern !== undefined ||
      b.minLength !== undefined ||
      b.maxLength !== undefined ||
      (typesOf(b) !== undefined && !typesOf(b)!.has('string')),
  );
}

/** The value breaks the schema's types or bounds for certain (what a JSON body carries). */
function breaksSchema(schema: JsonSchema, value: unknown): boolean {
  const v = JSON.parse(JSON.stringify(value) ?? 'null');
  return branchesOf(schema).every(b => {
    const types = typesOf(b);
    if (types && !types.has(jsonType(v))) return true;
    if (typeof v === 'string') return breaksStringRules(b, v);
    if (typeof v === 'number') {
      if (b.minimum !== undefined && v < b.minimum) return true;
      if (b.maximum !== undefined && v > b.maximum) return true;
    }
    if (b.enum && !b.enum.some(e => e === v)) return true;
    return false;
  });
}

/** A small valid value from the schema alone (examples, enums, defaults, then by type). */
export function synthesize(schema: JsonSchema): unknown {
  if (schema.const !== undefined) return schema.const;
  if (schema.example !== undefined) return schema.example;
  if (schema.default !== undefined) return schema.default;
  if (schema.enum) return schema.enum[0];
  if (isInstant(schema)) return '2026-09-02T01:00:00Z';
  if (isPeriodKey(schema)) return '2026-09';
  if (schema.format === 'date') return '2026-12-31';
  if (schema.oneOf || schema.anyOf) return synthesize(branchesOf(schema)[0]);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'object':
      return Object.fromEntries(
        Object.entries(schema.properties ?? {}).map(([k, s]) => [
          k,
          synthesize(s),
        ]),
      );
    case 'array':
      return schema.items ? [synthesize(schema.items)] : [];
    case 'integer':
    case 'number':
      return schema.minimum ?? 1;
    case 'boolean':
      return false;
    default:
      return 'fuzz';
  }
}

// ------------------------------------------------------------------ drafts

function getAt(root: unknown, path: Path): unknown {
  let v = root;
  for (const p of path) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<string | number, unknown>)[p];
  }
  return v;
}

/** Sets a value below the body; intermediate objects are created, other values left alone. */
function setAt(draft: Draft, path: Path, value: unknown): void {
  if (path.length === 0) {
    draft.body = value;
    return;
  }
  if (draft.body === undefined) draft.body = {};
  let v = draft.body as Record<string | number, unknown>;
  for (const [i, p] of path.slice(0, -1).entries()) {
    if (typeof v !== 'object' || v === null) return;
    if (v[p] === undefined) v[p] = typeof path[i + 1] === 'number' ? [] : {};
    v = v[p] as Record<string | number, unknown>;
  }
  if (typeof v === 'object' && v !== null) v[path[path.length - 1]] = value;
}

function deleteAt(draft: Draft, path: Path): void {
  const parent = getAt(draft.body, path.slice(0, -1));
  if (typeof parent === 'object' && parent !== null) {
    delete (parent as Record<string | number, unknown>)[path[path.length - 1]];
  }
}

function label(path: Path): string {
  return (
    path
      .map((p, i) => {
        if (typeof p === 'number') return `[${p}]`;
        return i === 0 ? p : `.${p}`;
      })
      .join('') || 'body'
  );
}

/** A value, short enough for a report line. */
export function shown(v: unknown): string {
  const text =
    typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v) ?? 'undef';
  return text.length > 60
    ? `${text.slice(0, 40)}…(${text.length} chars)`
    : text;
}

/** A path parameter naming seeded data: the entity, the customer, the plan, or the document's example (a configured calendar). */
function seededPathValue(
  op: OperationSpec,
  p: ParameterSpec,
  seeds: Seeds,
): string {
  let subject: Record<string, string> | undefined;
  if (op.path.startsWith('/entities/')) subject = seeds.entity;
  if (op.path.startsWith('/customers/')) subject = seeds.customer;
  if (subject?.[p.name]) return subject[p.name];
  if (op.path.startsWith('/plans/') && p.name === 'id') {
    return seeds.planIds[0];
  }
  return String(synthesize({ ...p.schema, example: p.example }));
}

/** The seeded request of an operation, as a draft. */
function validDraft(op: OperationSpec, seeds: Seeds): Draft {
  const path: Record<string, string> = {};
  const query: Record<string, string> = {};
  for (const p of op.parameters) {
    let value: string | undefined;
    if (p.in === 'path') {
      value = seededPathValue(op, p, seeds);
    } else if (p.required) {
      value = isPeriodKey(p.schema) ? '2026-09' : String(synthesize(p.schema));
    }
    if (value !== undefined) (p.in === 'path' ? path : query)[p.name] = value;
  }
  let body: unknown;
  let raw: string | undefined;
  if (op.body?.contentType === 'text/csv') {
    raw = csv([CSV_COLUMNS.map(c => c.column), CSV_COLUMNS.map(c => c.valid)]);
  } else if (op.body) {
    body = structuredClone(VALID_BODIES[op.key] ?? synthesize(op.body.schema));
    if (op.key === 'POST /entities/{kind}/{namespace}/{name}/confirmation') {
      (body as { termsVersion: number }).termsVersion = seeds.termsVersion;
    }
  }
  return { path, query, body, raw };
}

function encode(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    // A lone surrogate: sent as the bytes of its UTF-8-like form, which is not valid UTF-8.
    return [...value]
      .map(c => {
        const code = c.charCodeAt(0);
        return code >= 0xd800 && code <= 0xdfff && c.length === 1
          ? `%ED%${(0xa0 + ((code >> 6) & 0x1f)).toString(16).toUpperCase()}%${(
              0x80 +
              (code & 0x3f)
            )
              .toString(16)
              .toUpperCase()}`
          : encodeURIComponent(c);
      })
      .join('');
  }
}

function toRequest(
  op: OperationSpec,
  draft: Draft,
  changes: string[],
): HostileRequest {
  const route = op.path.replace(/\{(\w+)\}/g, (_m, name: string) =>
    encode(draft.path[name] ?? ''),
  );
  const query = Object.entries(draft.query)
    .flatMap(([k, v]) =>
      (Array.isArray(v) ? v : [v]).map(x => `${encode(k)}=${encode(x)}`),
    )
    .join('&');
  let body: string | undefined;
  if (!draft.omitBody) {
    body =
      draft.raw ??
      (draft.body === undefined ? undefined : JSON.stringify(draft.body));
  }
  const contentType =
    body === undefined
      ? undefined
      : draft.contentType ?? op.body?.contentType ?? 'application/json';
  return {
    operation: op.key,
    method: op.method,
    url: query ? `${route}?${query}` : route,
    contentType,
    body,
    changes,
  };
}

/** The operation's valid, seeded request: for the 401 and 403 checks, which must not fail on the document first. */
export function validRequest(op: OperationSpec, seeds: Seeds): HostileRequest {
  return toRequest(op, validDraft(op, seeds), []);
}

// ------------------------------------------------------------------ slots

interface BodySlot {
  path: Path;
  schema: JsonSchema;
  /** The schema of the object holding it, for "unknown field" and "missing required" changes. */
  name: string;
}

function bodySlots(schema: JsonSchema, path: Path = []): BodySlot[] {
  const out: BodySlot[] = [
    { path, schema, name: String(path[path.length - 1] ?? 'body') },
  ];
  if (schema.oneOf || schema.anyOf) return out;
  for (const [k, s] of Object.entries(schema.properties ?? {})) {
    out.push(...bodySlots(s, [...path, k]));
  }
  if (schema.items) out.push(...bodySlots(schema.items, [...path, 0]));
  return out;
}

const anyJson = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.string({ maxLength: 20 }),
  fc.array(fc.oneof(fc.integer(), fc.string({ maxLength: 5 })), {
    maxLength: 3,
  }),
  fc.dictionary(fc.string({ maxLength: 6 }), fc.integer(), { maxKeys: 3 }),
);

const anyString = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.constantFrom(...ODD_TEXT, ...BAD_TEXT),
);

/** Values the schema refuses for certain, as JSON body values. */
function invalidJsonValues(schema: JsonSchema): fc.Arbitrary<unknown> {
  const candidates: Array<fc.Arbitrary<unknown>> = [];
  const types = typesOf(schema);
  if (types) candidates.push(anyJson.filter(v => breaksSchema(schema, v)));
  if (!types || types.has('string')) {
    candidates.push(fc.constantFrom(...BAD_TEXT));
    if (hasStringRules(schema)) {
      candidates.push(anyString.filter(v => breaksSchema(schema, v)));
    }
  }
  if (isInstant(schema)) candidates.push(fc.constantFrom(...BAD_INSTANTS));
  if (schema.format === 'date') candidates.push(fc.constantFrom(...BAD_DATES));
  if (isPeriodKey(schema)) candidates.push(fc.constantFrom(...BAD_PERIODS));
  for (const b of branchesOf(schema)) {
    if (b.maxLength !== undefined) {
      candidates.push(
        fc.integer({ min: 1, max: 50 }).map(n => 'x'.repeat(b.maxLength! + n)),
      );
    }
    if (b.minimum !== undefined) {
      candidates.push(
        fc
          .integer({ min: -1e9, max: b.minimum - 1 })
          .filter(v => breaksSchema(schema, v)),
      );
    }
    if (b.maximum !== undefined) {
      candidates.push(
        fc
          .integer({ min: b.maximum + 1, max: 2 ** 53 - 1 })
          .filter(v => breaksSchema(schema, v)),
      );
    }
    if (b.minItems) candidates.push(fc.constant([]));
  }
  const numbers = BAD_NUMBERS.filter(v => breaksSchema(schema, v));
  if (numbers.length > 0) candidates.push(fc.constantFrom(...numbers));
  return fc.oneof(...candidates);
}

/** Values that may or may not be accepted: sent beside an invalid change, never alone. */
function noiseJsonValues(schema: JsonSchema): fc.Arbitrary<unknown> | null {
  const types = typesOf(schema);
  if (isInstant(schema) || isPeriodKey(schema) || schema.format === 'date') {
    return null;
  }
  if (types?.has('string') && !schema.enum && !schema.pattern) {
    return fc.constantFrom(...ODD_TEXT);
  }
  if (types?.has('integer') || types?.has('number')) {
    return fc.constantFrom(...BAD_NUMBERS);
  }
  return null;
}

/** Query values the parameter refuses for certain. */
function invalidQueryValues(p: ParameterSpec): fc.Arbitrary<string> {
  const s = p.schema;
  const candidates: Array<fc.Arbitrary<string>> = [
    fc.constantFrom(...BAD_TEXT),
  ];
  const types = typesOf(s);
  const breaks = (v: string) => {
    if (types?.has('integer') && !types.has('string')) {
      if (!/^-?\d+$/.test(v)) return true;
      return breaksSchema(s, Number(v));
    }
    if (types?.has('boolean') && !types.has('string')) {
      return v !== 'true' && v !== 'false';
    }
    return breaksStringRules(s, v);
  };
  if (hasStringRules(s) || (types && !types.has('string'))) {
    candidates.push(anyString.filter(breaks));
  }
  const known = [...BAD_NUMBERS.map(String), ...ODD_TEXT].filter(breaks);
  if (known.length > 0) candidates.push(fc.constantFrom(...known));
  if (isPeriodKey(s)) candidates.push(fc.constantFrom(...BAD_PERIODS));
  if (p.name === 'from' || p.name === 'to') {
    candidates.push(fc.constantFrom(...BAD_RANGE_ENDS));
  }
  return fc.oneof(...candidates);
}

/** Strings that name nothing seeded: an invalid path parameter. */
function invalidPathValues(
  op: OperationSpec,
  p: ParameterSpec,
  seeds: Seeds,
): fc.Arbitrary<string> {
  const taken = new Set(
    [
      ...Object.values(seeds.entity),
      ...Object.values(seeds.customer),
      ...seeds.planIds,
      seededPathValue(op, p, seeds),
    ].map(v => v.toLocaleLowerCase('en-US')),
  );
  return fc
    .oneof(
      anyString,
      fc.constantFrom(...BAD_NUMBERS.map(String)),
      fc.integer({ min: -10, max: 1e6 }).map(String),
    )
    .filter(v => !taken.has(v.toLocaleLowerCase('en-US')));
}

function change(what: string, apply: (d: Draft) => void): Change {
  return { what, apply };
}

/** The one-or-more invalid changes available for an operation. */
function invalidChanges(
  op: OperationSpec,
  seeds: Seeds,
): Array<fc.Arbitrary<Change>> {
  const out: Array<fc.Arbitrary<Change>> = [];
  for (const p of op.parameters) {
    if (p.in === 'path') {
      out.push(
        invalidPathValues(op, p, seeds).map(v =>
          change(`path ${p.name} = ${shown(v)}`, d => {
            d.path[p.name] = v;
          }),
        ),
      );
    } else if (p.in === 'query') {
      const partner = { from: 'to', to: 'from' }[p.name];
      out.push(
        invalidQueryValues(p).map(v =>
          change(`query ${p.name} = ${shown(v)}`, d => {
            d.query[p.name] = v;
            // A range end is read only beside the other end and without a period.
            if (partner && op.parameters.some(x => x.name === partner)) {
              delete d.query.period;
              if (d.query[partner] === undefined) {
                d.query[partner] =
                  partner === 'to' ? '2026-06-30' : '2026-01-01';
              }
            }
          }),
        ),
      );
      if (p.required) {
        out.push(
          fc.constant(
            change(`query ${p.name} missing`, d => {
              delete d.query[p.name];
            }),
          ),
        );
      }
    }
  }
  out.push(
    fc.constantFrom(...MALFORMED_JSON).map(raw =>
      change(`malformed JSON ${shown(raw)}`, d => {
        d.raw = raw;
        d.contentType = 'application/json';
        d.omitBody = false;
      }),
    ),
  );
  if (!op.body) return out;
  const isCsv = op.body.contentType === 'text/csv';
  const mediaTypes = [
    ...WRONG_CONTENT_TYPES,
    isCsv ? 'application/json' : 'text/csv',
  ];
  out.push(
    fc.constantFrom(...mediaTypes).map(type =>
      change(`content type ${type}`, d => {
        d.contentType = type;
      }),
    ),
  );
  if (op.body.required) {
    out.push(
      fc.constant(
        change('no body', d => {
          d.omitBody = true;
        }),
      ),
    );
  }
  if (isCsv) {
    out.push(...csvChanges());
    return out;
  }
  for (const slot of bodySlots(op.body.schema)) {
    const values = invalidJsonValues(slot.schema);
    if (values) {
      out.push(
        values.map(v =>
          change(`${label(slot.path)} = ${shown(v)}`, d =>
            setAt(d, slot.path, v),
          ),
        ),
      );
    }
    const required = slot.schema.required ?? [];
    if (required.length > 0) {
      out.push(
        fc.constantFrom(...required).map(k =>
          change(`${label([...slot.path, k])} missing`, d => {
            // An optional parent absent from the valid body is added, without the key.
            const parent = getAt(d.body, slot.path);
            if (typeof parent !== 'object' || parent === null) {
              setAt(d, slot.path, synthesize(slot.schema));
            }
            deleteAt(d, [...slot.path, k]);
          }),
        ),
      );
    }
  }
  return out;
}

/** Changes that may or may not be accepted. */
function noiseChanges(op: OperationSpec): Array<fc.Arbitrary<Change>> {
  const out: Array<fc.Arbitrary<Change>> = [
    fc
      .tuple(
        fc.constantFrom('fuzz', 'constructor', '$where', 'debug'),
        fc.constantFrom('1', 'true', ...ODD_TEXT),
      )
      .map(([k, v]) =>
        change(`unknown query ${k} = ${shown(v)}`, d => {
          d.query[k] = v;
        }),
      ),
  ];
  for (const p of op.parameters.filter(x => x.in === 'query')) {
    out.push(
      fc.constantFrom('a', '2026-09', 'true', '1').map(v =>
        change(`query ${p.name} repeated`, d => {
          d.query[p.name] = [v, v];
        }),
      ),
    );
  }
  if (!op.body || op.body.contentType === 'text/csv') return out;
  for (const slot of bodySlots(op.body.schema)) {
    const values = noiseJsonValues(slot.schema);
    if (values) {
      out.push(
        values.map(v =>
          change(`${label(slot.path)} = ${shown(v)} (noise)`, d =>
            setAt(d, slot.path, v),
          ),
        ),
      );
    }
    if (slot.schema.properties) {
      out.push(
        fc
          .tuple(
            fc.constantFrom('fuzz', '__proto__', 'constructor', 'id', '$ne'),
            anyJson,
          )
          .map(([k, v]) =>
            change(`${label([...slot.path, k])} = ${shown(v)} (unknown)`, d => {
              const parent = getAt(d.body, slot.path);
              if (typeof parent === 'object' && parent !== null) {
                Object.defineProperty(parent, k, {
                  value: v,
                  enumerable: true,
                  writable: true,
                  configurable: true,
                });
              }
            }),
          ),
      );
    }
  }
  return out;
}

let incidentInput: JsonSchema | undefined;

/** Invalid changes of the CSV import: one cell, by the IncidentInput field it carries, or the file's shape. */
function csvChanges(): Array<fc.Arbitrary<Change>> {
  incidentInput ??= loadComponentSchema('IncidentInput');
  const required = new Set(incidentInput.required ?? []);
  const header = CSV_COLUMNS.map(c => c.column);
  const row = CSV_COLUMNS.map(c => c.valid);
  const withCell = (i: number, v: string) =>
    csv([header, row.map((x, j) => (j === i ? v : x))]);
  const out: Array<fc.Arbitrary<Change>> = [];
  for (const [i, c] of CSV_COLUMNS.entries()) {
    const schema = getAt(
      incidentInput,
      c.field.flatMap(f => ['properties', f]),
    ) as JsonSchema | undefined;
    if (!schema) continue;
    const values: Array<fc.Arbitrary<string>> = [fc.constantFrom(...BAD_TEXT)];
    if (isInstant(schema)) {
      values.push(fc.constantFrom(...BAD_INSTANTS.map(String)));
    }
    if (schema.pattern || schema.enum) {
      // An empty cell is an absent value in CSV (service/csvImport.ts), not a bad one: only a
      // required column refuses it, below.
      values.push(
        anyString.filter(v => v !== '' && breaksStringRules(schema, v)),
      );
    }
    if (c.column === 'pauses') {
      values.push(
        fc.constantFrom(
          ...BAD_INSTANTS.map(v => `${String(v)}/2026-09-04T01:20:00Z`),
          'yesterday/today',
          '2026-09-04T01:20:00Z/2026-09-04T01:10:00Z',
        ),
      );
    }
    if (c.column === 'outagePlanned') {
      values.push(fc.constantFrom('yes', 'maybe', '2', ...ODD_TEXT));
    }
    if (required.has(c.field[0] as string)) values.push(fc.constant(''));
    out.push(
      fc.oneof(...values).map(v =>
        change(`csv ${c.column} = ${shown(v)}`, d => {
          d.raw = withCell(i, v);
        }),
      ),
    );
  }
  const shapes: Array<[string, string]> = [
    ['empty', ''],
    ['header only', csv([header])],
    [
      'unknown column',
      csv([
        [...header, 'evil'],
        [...row, 'x'],
      ]),
    ],
    [
      'duplicate column',
      csv([
        [...header, 'title'],
        [...row, 'x'],
      ]),
    ],
    ['too many cells', csv([header, [...row, 'extra']])],
    ['too few cells', csv([header, row.slice(0, 3)])],
    ['unbalanced quote', `${header.join(',')}\n"${row.join(',')}\n`],
    ['binary', '\u0000\u009f\u0092\u0096\u00ff\u0000'],
    ['missing required column', csv([header.slice(1), row.slice(1)])],
    ['repeated id', csv([header, row, row])],
  ];
  out.push(
    fc.constantFrom(...shapes).map(([what, raw]) =>
      change(`csv ${what}`, d => {
        d.raw = raw;
      }),
    ),
  );
  return out;
}

/** Hostile requests for one operation: noise, then at least one invalid change. */
export function hostileRequest(
  op: OperationSpec,
  seeds: Seeds,
): fc.Arbitrary<HostileRequest> {
  return fc
    .tuple(
      fc.array(fc.oneof(...noiseChanges(op)), { maxLength: 2 }),
      fc.array(fc.oneof(...invalidChanges(op, seeds)), {
        minLength: 1,
        maxLength: 2,
      }),
    )
    .map(([noise, invalid]) => {
      const draft = validDraft(op, seeds);
      const changes = [...noise, ...invalid];
      for (const c of changes) c.apply(draft);
      return toRequest(
        op,
        draft,
        changes.map(c => c.what),
      );
    });
}
