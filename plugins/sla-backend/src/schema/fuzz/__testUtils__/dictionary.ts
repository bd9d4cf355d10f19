/**
 * Known-bad values (issue 13, "Found"): the inputs a probe of the API stored, echoed or choked
 * on, and the classics of hostile input. Each list says for which fields its values are
 * invalid for certain: the fuzz counts on that to make every request invalid in at least one
 * place (see arbitraries.ts).
 */

/** Over every documented length cap (title 500, description 10,000, ids and refs 255). */
export const OVER_EVERY_CAP = 'x'.repeat(10_001);

/** Refused in every text field: NUL and control characters, and lengths over every cap. */
export const BAD_TEXT: readonly string[] = [
  'a\u0000b',
  '\u0000',
  'line\u0001\u0002\u0007\u001b[31mred',
  'tab\u007fdel',
  'x\u0008\u000b\u000c',
  OVER_EVERY_CAP,
];

/**
 * Hostile but not invalid in a free-text field (a title may quote SQL): sent as noise beside
 * an invalid value, and as an invalid value only where a pattern or an enum refuses them.
 */
export const ODD_TEXT: readonly string[] = [
  '../../../etc/passwd',
  '..%2F..%2Fetc%2Fpasswd',
  "' OR '1'='1'; DROP TABLE sla_incidents; --",
  '1; SELECT pg_sleep(10)--',
  '<script>alert(1)</script><img src=x onerror=alert(1)>',
  '"><svg onload=alert(1)>',
  '\ud800 lone high surrogate',
  'lone low surrogate \udfff',
  "-1+cmd|' /C calc'!A0",
  '=HYPERLINK("http://x.example")',
  '{{constructor.constructor("return process")()}}',
  '__proto__',
  '\u202eevil',
  ' ',
];

/**
 * Instants (ISO date-times or epoch ms) every ingestion path must refuse: calendar-invalid,
 * outside 1970–2100, past the JS date range, or without a zone.
 */
export const BAD_INSTANTS: readonly unknown[] = [
  '2026-02-30T00:00:00Z',
  '2026-13-01T00:00:00Z',
  '0000-01-01T00:00:00Z',
  '1969-12-31T23:59:59Z',
  '9999-12-31',
  '9999-12-31T23:59:59Z',
  '2026-09-02T10:00:00',
  '2026-09-02 10:00',
  '8.64e15+1',
  '9007199254740991',
  8.64e15 + 1,
  9007199254740991,
  -1,
  1e308,
  'NaN',
];

/** `from`/`to` of a custom range: dates and date-times that must be refused. */
export const BAD_RANGE_ENDS: readonly string[] = [
  '2026-02-30T00:00:00Z',
  '2026-02-30',
  '0000-01-01T00:00:00Z',
  '0000-01-01',
  '9999-12-31',
  '2026-09-02T10:00:00',
  '8.64e15+1',
  '9007199254740991',
  'NaN',
  'yesterday',
];

/** Calendar dates (`format: date`) that must be refused. */
export const BAD_DATES: readonly string[] = [
  '2026-02-30',
  '2026-13-01',
  '2026-00-10',
  '0000-01-01',
  '9999-12-31',
  '2026-09-02T10:00:00Z',
  '20260902',
  'NaN',
];

/** Period keys that must be refused: years outside 1970–2100, months 01–12, quarters Q1–Q4. */
export const BAD_PERIODS: readonly string[] = [
  '0001',
  '1969',
  '2101',
  '9999',
  '2026-13',
  '2026-00',
  '2026-Q5',
  '2026-Q0',
  '99999',
  '2026-1',
  '',
];

/** Numbers, as JSON values and as query strings; invalid where the schema bounds or types them. */
export const BAD_NUMBERS: readonly unknown[] = [
  'NaN',
  'Infinity',
  -1,
  0,
  1.5,
  1e308,
  -1e308,
  9007199254740993,
  '1e308',
  '0x10',
];

/** Bodies no JSON parser accepts. */
export const MALFORMED_JSON: readonly string[] = [
  '{"incidents": [{"source": "webhook",',
  '{]',
  '\ufeff{]',
  "{'single': 'quotes'}",
  '{"a": 1} trailing',
  '[1, 2',
  'NaN',
  '{"a": undefined}',
  '{"a":"\u0000',
  `${'['.repeat(5000)}`,
];

/** Content types no operation accepts (JSON routes get text/csv, the CSV route JSON, see arbitraries.ts). */
export const WRONG_CONTENT_TYPES: readonly string[] = [
  'text/plain',
  'application/xml',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=fuzz',
  'application/octet-stream',
];
