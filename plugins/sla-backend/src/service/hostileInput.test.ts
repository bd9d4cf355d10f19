import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import fs from 'fs';
import type { Server } from 'http';
import { Knex } from 'knex';
import path from 'path';
import request from 'supertest';
import { parse } from 'yaml';
import { DatabaseIncidentStore } from '../database';
import {
  catalogComponent,
  startSlaBackend,
} from '../__testUtils__/testBackend';

/**
 * Hostile input on every write route (issue 8): malformed, oversized and type-confused
 * payloads, SQL metacharacters and markup. Every answer is a 4xx (or a 2xx for input that is
 * valid however odd it looks), never a 5xx, and a rejected request leaves the tables exactly
 * as they were. Runs on SQLite and on PostgreSQL, whose limits differ (NUL bytes,
 * varchar lengths).
 */

const CONFIG = {
  sla: {
    tiers: {
      gold: {
        'service-hours': '24x7',
        availability: '99.95%',
        'response-time': 'P1=5m P2=15m P3=1h P4=4h',
      },
    },
  },
};

const ENTITIES = [
  catalogComponent(
    'cad-core',
    { 'servicelevel.io/tier': 'gold' },
    'group:default/ops',
  ),
];

const VALID = {
  source: 'webhook',
  id: 'INC-1',
  entityRef: 'component:default/cad-core',
  title: 'Console freeze',
  priority: 'P1',
  createdAt: '2026-09-02T01:00:00Z',
  acknowledgedAt: '2026-09-02T01:04:00Z',
  resolvedAt: '2026-09-02T02:00:00Z',
};

const user = () => mockCredentials.user.header();

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

const startBackend = (knex: Knex) =>
  startSlaBackend({ config: CONFIG, entities: ENTITIES, knex });

/** Everything a write route may touch, in a stable order. */
async function tables(knex: Knex) {
  const incidents = await knex('sla_incidents').orderBy([
    'source',
    'incident_id',
  ]);
  const snapshots = await knex('sla_snapshots').orderBy([
    'entity_ref',
    'period_key',
  ]);
  const plans = await knex('sla_plans').orderBy('id');
  return JSON.stringify({ incidents, snapshots, plans });
}

const long = (n: number) => 'x'.repeat(n);

/** Bodies for POST /incidents that must be refused with a 4xx. */
const BAD_BATCHES: Array<[string, unknown]> = [
  ['null', null],
  ['an array', [VALID]],
  ['a string', 'incidents'],
  ['a number', 42],
  ['no incidents key', { items: [VALID] }],
  ['incidents: null', { incidents: null }],
  ['incidents: object', { incidents: { 0: VALID } }],
  ['incidents: string', { incidents: 'INC-1' }],
  ['incidents: []', { incidents: [] }],
  ['incidents: [null]', { incidents: [null] }],
  ['incidents: [[]]', { incidents: [[VALID]] }],
  [
    'a good and a bad incident',
    { incidents: [VALID, { ...VALID, id: 'INC-2', priority: 'P9' }] },
  ],
  ['title: number', { incidents: [{ ...VALID, title: 42 }] }],
  ['title: object', { incidents: [{ ...VALID, title: { $gt: '' } }] }],
  ['title: array', { incidents: [{ ...VALID, title: ['a', 'b'] }] }],
  ['title: whitespace', { incidents: [{ ...VALID, title: ' \n\t ' }] }],
  ['title with NUL', { incidents: [{ ...VALID, title: 'a\u0000b' }] }],
  ['id with NUL', { incidents: [{ ...VALID, id: 'INC\u00001' }] }],
  ['id: object', { incidents: [{ ...VALID, id: { toString: 'x' } }] }],
  ['id: boolean', { incidents: [{ ...VALID, id: true }] }],
  ['id: 256 characters', { incidents: [{ ...VALID, id: long(256) }] }],
  [
    'source: SQL',
    { incidents: [{ ...VALID, source: "x'; DROP TABLE sla_incidents; --" }] },
  ],
  ['source: 65 characters', { incidents: [{ ...VALID, source: long(65) }] }],
  ['source: number', { incidents: [{ ...VALID, source: 7 }] }],
  [
    'entityRef: 300 characters',
    { incidents: [{ ...VALID, entityRef: `component:default/${long(300)}` }] },
  ],
  [
    'entityRef with NUL',
    { incidents: [{ ...VALID, entityRef: 'component:default/a\u0000b' }] },
  ],
  [
    'entityRef: malformed',
    { incidents: [{ ...VALID, entityRef: 'component:default/' }] },
  ],
  [
    'entityRef: array',
    { incidents: [{ ...VALID, entityRef: ['component:default/cad-core'] }] },
  ],
  ['priority: array', { incidents: [{ ...VALID, priority: ['P1'] }] }],
  ['priority: SQL', { incidents: [{ ...VALID, priority: "P1' OR '1'='1" }] }],
  ['createdAt: missing', { incidents: [{ ...VALID, createdAt: undefined }] }],
  ['createdAt: object', { incidents: [{ ...VALID, createdAt: { $date: 1 } }] }],
  ['createdAt: 1e308', { incidents: [{ ...VALID, createdAt: 1e308 }] }],
  ['createdAt: negative', { incidents: [{ ...VALID, createdAt: -1 }] }],
  ['createdAt: fraction', { incidents: [{ ...VALID, createdAt: 1.5 }] }],
  [
    'createdAt: no zone',
    { incidents: [{ ...VALID, createdAt: '2026-09-02T01:00:00' }] },
  ],
  [
    'createdAt: month 13',
    { incidents: [{ ...VALID, createdAt: '2026-13-02T01:00:00Z' }] },
  ],
  ['createdAt: Infinity', { incidents: [{ ...VALID, createdAt: 'Infinity' }] }],
  [
    'createdAt: year 275760+',
    { incidents: [{ ...VALID, createdAt: '9999-12-31T23:59:59+23:59' }] },
  ],
  [
    'resolvedAt before createdAt',
    { incidents: [{ ...VALID, resolvedAt: '2026-09-01T00:00:00Z' }] },
  ],
  [
    'pauses: object',
    { incidents: [{ ...VALID, pauses: { start: VALID.createdAt } }] },
  ],
  [
    'pauses: [string]',
    { incidents: [{ ...VALID, pauses: ['2026-09-02T01:10:00Z'] }] },
  ],
  [
    'pauses: end before start',
    {
      incidents: [
        {
          ...VALID,
          pauses: [
            { start: '2026-09-02T01:20:00Z', end: '2026-09-02T01:10:00Z' },
          ],
        },
      ],
    },
  ],
  ['outage: string', { incidents: [{ ...VALID, outage: 'down' }] }],
  [
    'outage.planned: string',
    {
      incidents: [
        { ...VALID, outage: { start: VALID.createdAt, planned: 'yes' } },
      ],
    },
  ],
  [
    'outage.impact: SQL',
    {
      incidents: [
        { ...VALID, outage: { start: VALID.createdAt, impact: "down'--" } },
      ],
    },
  ],
  [
    'url: javascript: scheme',
    { incidents: [{ ...VALID, url: ['javascript', 'alert(1)'].join(':') }] },
  ],
  [
    'url with NUL',
    { incidents: [{ ...VALID, url: 'https://x.example/\u0000' }] },
  ],
  ['same (source, id) twice', { incidents: [VALID, VALID] }],
  // One validator (sla-common) for the webhook, CSV import and providers refuses these too.
  ['a 1 MB title', { incidents: [{ ...VALID, title: long(1_000_000) }] }],
  ['a 501-character title', { incidents: [{ ...VALID, title: long(501) }] }],
  ['a 256-character id', { incidents: [{ ...VALID, id: long(256) }] }],
  [
    'a control character in the title',
    { incidents: [{ ...VALID, title: 'a\u001bb' }] },
  ],
  [
    'a day not in the calendar',
    { incidents: [{ ...VALID, createdAt: '2026-02-30T10:00:00Z' }] },
  ],
  [
    'a date-time without a zone',
    { incidents: [{ ...VALID, createdAt: '2026-09-02T10:00:00' }] },
  ],
  [
    'an instant after 2100',
    { incidents: [{ ...VALID, createdAt: '2100-01-01T00:00:00Z' }] },
  ],
  [
    'an instant before 1970',
    { incidents: [{ ...VALID, createdAt: '1969-12-31T23:59:59Z' }] },
  ],
  [
    '5,001 incidents',
    {
      incidents: Array.from({ length: 5001 }, (_, i) => ({
        ...VALID,
        id: `N${i}`,
      })),
    },
  ],
  [
    'deeply nested',
    {
      incidents: [
        {
          ...VALID,
          title: JSON.parse(`${'['.repeat(2000)}${']'.repeat(2000)}`),
        },
      ],
    },
  ],
];

/** Valid however odd they look: stored verbatim, never interpreted. */
const ODD_BUT_VALID: Array<[string, Record<string, unknown>]> = [
  ['SQL in title', { title: "'; DROP TABLE sla_incidents; --" }],
  ['SQL in id', { id: "1' OR '1'='1" }],
  [
    'script in title',
    { title: '<script>alert("x")</script><img src=x onerror=alert(1)>' },
  ],
  ['unicode in title', { title: 'Störung 故障 🔥 \u202e' }],
  ['a 500-character title', { title: long(500) }],
];

/** CSV bodies for POST /incidents/import that must be refused with a 4xx. */
const HEADER =
  'source,id,entityRef,title,priority,createdAt,acknowledgedAt,resolvedAt,pauses';
const ROW = (
  id: string,
  title = 'Console freeze',
  entityRef = 'component:default/cad-core',
) => `csv,${id},${entityRef},${title},P1,2026-09-02T01:00:00Z,,,`;
const BAD_CSVS: Array<[string, string | Buffer]> = [
  ['empty', ''],
  ['header only', `${HEADER}\n`],
  ['binary', Buffer.from([0, 159, 146, 150, 255, 0, 1, 2, 3])],
  ['JSON instead of CSV', JSON.stringify({ incidents: [VALID] })],
  ['unknown column', `${HEADER},evil\n${ROW('C-1')},x\n`],
  ['duplicate column', `source,source,id\nx,y,z\n`],
  // Every column present, one of them twice: found by the fuzz suite (accepted before).
  ['complete header with a column twice', `${HEADER},title\n${ROW('C-1')},x\n`],
  ['too many cells', `${HEADER}\n${ROW('C-1')},extra\n`],
  ['too few cells', `${HEADER}\ncsv,C-1\n`],
  [
    'unbalanced quote',
    `${HEADER}\ncsv,C-1,component:default/cad-core,"Console freeze,P1,2026-09-02T01:00:00Z,,,\n`,
  ],
  ['NUL in title', `${HEADER}\n${ROW('C-1', 'a\u0000b')}\n`],
  [
    'bad pauses',
    `${HEADER}\ncsv,C-1,component:default/cad-core,t,P1,2026-09-02T01:00:00Z,,,yesterday/today\n`,
  ],
  [
    'SQL in priority',
    `${HEADER}\ncsv,C-1,component:default/cad-core,t,P1'; DROP TABLE x;--,2026-09-02T01:00:00Z,,,\n`,
  ],
  [
    'a bad row after 1,200 good ones (second chunk)',
    `${HEADER}\n${Array.from({ length: 1500 }, (_, i) =>
      i === 1200
        ? ROW(`C-${i}`, 't', `component:default/${long(300)}`)
        : ROW(`C-${i}`),
    ).join('\n')}\n`,
  ],
  ['repeated id', `${HEADER}\n${ROW('C-1')}\n${ROW('C-1')}\n`],
];

const PLAN = {
  entityRef: 'component:default/cad-core',
  title: 'Fewer P1s',
  origin: { type: 'other' },
  owner: 'group:default/ops',
  targetDate: '2099-01-01',
};

const CAD_URL = '/entities/component/default/cad-core';

/** A `POST /plans` of `body` that is refused with 400 and `message`. */
const refusedPlan = (name: string, body: unknown, message: RegExp) => ({
  name,
  method: 'post' as const,
  url: '/plans',
  body,
  status: 400,
  message,
});

/** A request refused with 400 because `field` holds a NUL, which the message names. */
const nulIn = (
  name: string,
  method: 'get' | 'post' | 'delete',
  url: string,
  field: string,
  body?: unknown,
) => ({
  name,
  method,
  url,
  ...(body !== undefined && { body }),
  status: 400,
  message: new RegExp(`^${field}: contains a control character \\(U\\+0000\\)`),
});

/**
 * Refused by the checks every request passes (schema/requestChecks.ts and openapi.yaml):
 * control characters, length caps, unknown fields, period keys, from/to, JSON syntax and
 * media types. The message names the field and echoes at most a short excerpt.
 */
const REFUSED: Array<{
  name: string;
  method: 'get' | 'post' | 'patch' | 'delete';
  url: string;
  body?: unknown;
  contentType?: string;
  status: number;
  message: RegExp;
}> = [
  nulIn(
    'NUL in a path parameter',
    'get',
    '/entities/component/default/%00/history',
    'name',
  ),
  nulIn(
    'NUL in the kind',
    'get',
    '/entities/a%00b/default/cad-core/reports',
    'kind',
  ),
  nulIn('NUL in a plan id', 'get', '/plans/a%00b', 'id'),
  nulIn('NUL in a plan id', 'delete', '/plans/a%00b', 'id'),
  nulIn('NUL in a query value', 'get', '/plans?owner=%00', 'owner'),
  nulIn('NUL in a query value', 'get', '/plans?entity=a%00b', 'entity'),
  nulIn('NUL in a body ref', 'post', '/snapshots/recompute', 'entityRef', {
    period: '2026-09',
    entityRef: '\u0000',
  }),
  nulIn('NUL in a body ref', 'post', '/reports/regenerate', 'subjectRef', {
    subjectKind: 'entity',
    subjectRef: 'a\u0000b',
    period: '2026-09',
  }),
  refusedPlan(
    'NUL in a plan title',
    { ...PLAN, title: 'a\u0000b' },
    /^title: contains a control character \(U\+0000\)/,
  ),
  refusedPlan(
    'DEL in an action title',
    { ...PLAN, actions: [{ title: 'tab\u007fdel' }] },
    /^actions\[0\]\.title: contains a control character \(U\+007F\)/,
  ),
  refusedPlan(
    'a backspace in a multi-line description',
    { ...PLAN, description: 'x\b' },
    /^description: contains a control character \(U\+0008\); only tab, line feed and carriage return/,
  ),
  refusedPlan(
    'a tab in a single-line title',
    { ...PLAN, title: 'a\tb' },
    /^title: contains a control character \(U\+0009\)/,
  ),
  refusedPlan(
    'a control character in a field name',
    { ...PLAN, 'x\u0001': 1 },
    /^body: a field name: contains a control character/,
  ),
  refusedPlan(
    'a 501-character plan title',
    { ...PLAN, title: long(501) },
    /^title: must NOT have more than 500 characters/,
  ),
  refusedPlan(
    'a 10,001-character description',
    { ...PLAN, description: long(10_001) },
    /^description: must NOT have more than 10000 characters/,
  ),
  refusedPlan(
    '201 actions',
    {
      ...PLAN,
      actions: Array.from({ length: 201 }, (_, i) => ({ title: `a${i}` })),
    },
    /^actions: must NOT have more than 200 items/,
  ),
  {
    name: 'a 256-character ref',
    method: 'post',
    url: '/snapshots/recompute',
    body: { period: '2026-09', entityRef: long(256) },
    status: 400,
    message: /^entityRef: must NOT have more than 255 characters/,
  },
  {
    name: 'an unknown field',
    method: 'post',
    url: '/snapshots/recompute',
    body: { period: '2026-09', force: true },
    status: 400,
    message: /^force: unknown field$/,
  },
  {
    name: 'an unknown field in an incident',
    method: 'post',
    url: '/incidents',
    body: { incidents: [{ ...VALID, severity: 'high' }] },
    status: 400,
    message: /^incidents\[0\]\.severity: unknown field$/,
  },
  {
    name: 'period year 0001',
    method: 'get',
    url: `${CAD_URL}/compliance?period=0001`,
    status: 400,
    message: /^period: .*year must be 1970–2100/,
  },
  {
    name: 'period year 0001',
    method: 'post',
    url: '/snapshots/recompute',
    body: { period: '0001' },
    status: 400,
    message: /^period: .*year must be 1970–2100/,
  },
  refusedPlan(
    'a plan target in month 13',
    {
      ...PLAN,
      addresses: [{ objective: 'availability', period: '2026-13' }],
    },
    /^addresses\[0\]\.period: .*month must be 01–12/,
  ),
  {
    name: 'a range to 9999',
    method: 'get',
    url: `${CAD_URL}/compliance?from=2026-01-01&to=9999-12-31`,
    status: 400,
    message: /^to: "9999-12-31" is not between 1970-01-01 and 2100-01-01/,
  },
  {
    name: 'a range to 9999',
    method: 'get',
    url: '/overview?from=2026-01-01&to=9999-12-31',
    status: 400,
    message: /^to: "9999-12-31" is not between/,
  },
  {
    name: 'a range over the limit',
    method: 'get',
    url: '/overview?from=2020-01-01&to=2026-01-01',
    status: 400,
    message:
      /^from\/to: the range spans more than 5 years, the limit \(sla\.limits\.maxRangeYears\)/,
  },
  {
    name: 'a range over the limit',
    method: 'get',
    url: `${CAD_URL}/compliance?from=2020-01-01T00:00:00Z&to=2025-01-01T00:00:01Z`,
    status: 400,
    message: /^from\/to: the range spans more than 5 years/,
  },
  {
    name: 'a day not in the calendar',
    method: 'get',
    url: `${CAD_URL}/compliance?from=2026-02-30&to=2026-03-31`,
    status: 400,
    message: /^from: "2026-02-30" is not a day of the calendar/,
  },
  {
    name: 'a date-time without a zone',
    method: 'get',
    url: `${CAD_URL}/compliance?from=2026-03-01T00:00:00&to=2026-03-31`,
    status: 400,
    message: /^from: .*expected an ISO 8601 date-time with a zone/,
  },
  {
    name: 'an instant before 1970',
    method: 'get',
    url: '/overview?from=1969-12-31T00:00:00Z&to=1970-02-01T00:00:00Z',
    status: 400,
    message: /^from: .*is not between 1970-01-01 and 2100-01-01/,
  },
  refusedPlan(
    'malformed JSON',
    `{"title": "${long(5000)}",]`,
    /^request body is not valid JSON at position 5013$/,
  ),
  {
    name: 'JSON cut short',
    method: 'post',
    url: '/incidents',
    body: '{"incidents": [',
    status: 400,
    message: /^request body is not valid JSON at position 15$/,
  },
  {
    name: 'a wrong content type',
    method: 'post',
    url: '/snapshots/recompute',
    body: 'period=2026-09',
    contentType: 'application/x-www-form-urlencoded',
    status: 415,
    message:
      /^Content-Type: expected application\/json \(got "application\/x-www-form-urlencoded"\)$/,
  },
  {
    name: 'JSON to the CSV route',
    method: 'post',
    url: '/incidents/import',
    body: { incidents: [VALID] },
    status: 415,
    message: /^Content-Type: expected text\/csv \(got "application\/json"\)$/,
  },
];

/** Bodies for POST /snapshots/recompute that must be refused with a 4xx. */
const BAD_RECOMPUTES: Array<[string, unknown]> = [
  ['no body', undefined],
  ['null', null],
  ['an array', ['2026-09']],
  ['period missing', { entityRef: 'component:default/cad-core' }],
  ['period: number', { period: 202609 }],
  ['period: object', { period: { $ne: null } }],
  ['period: blank', { period: '   ' }],
  ['period: month 13', { period: '2026-13' }],
  ['period: Q9', { period: '2026-Q9' }],
  ['period: SQL', { period: "2026-09'; DROP TABLE sla_snapshots; --" }],
  ['period: script', { period: '<script>alert(1)</script>' }],
  ['period: 100 kB', { period: long(100_000) }],
  ['period: year 99999', { period: '99999' }],
  ['entityRef: number', { period: '2026-09', entityRef: 1 }],
  [
    'entityRef: unknown',
    { period: '2026-09', entityRef: 'component:default/ghost' },
  ],
  [
    'entityRef: SQL',
    { period: '2026-09', entityRef: "component:default/x' OR '1'='1" },
  ],
  ['entityRef: 100 kB', { period: '2026-09', entityRef: long(100_000) }],
];

describe.each(databases.eachSupportedId())('hostile input, %p', databaseId => {
  let knex: Knex;
  let server: Awaited<ReturnType<typeof startBackend>>;

  beforeAll(async () => {
    knex = await databases.init(databaseId);
    server = await startBackend(knex);
    // A known state: one incident and one published snapshot.
    const seeded = await request(server)
      .post('/api/sla/incidents')
      .set('Authorization', user())
      .send({ incidents: [VALID] });
    if (seeded.status !== 200) throw new Error(`seeding: ${seeded.status}`);
    const published = await request(server)
      .post('/api/sla/snapshots/recompute')
      .set('Authorization', user())
      .send({ period: '2026-09' });
    if (published.status !== 200) {
      throw new Error(`publishing: ${published.status}`);
    }
  });

  /**
   * POSTs `body` (none when undefined) to `route`; resolves the status, whether it is a 4xx,
   * and whether every table is as before.
   */
  async function postRaw(
    route: string,
    body?: { contentType: string; raw: string | Buffer },
  ) {
    const before = await tables(knex);
    let req = request(server)
      .post(`/api/sla${route}`)
      .set('Authorization', user());
    if (body) req = req.set('Content-Type', body.contentType).send(body.raw);
    const { status } = await req;
    const clientError = status >= 400 && status < 500;
    return { status, clientError, unchanged: (await tables(knex)) === before };
  }
  /** What a refused request gets: a 4xx, and nothing written. */
  const REFUSED_UNCHANGED = { clientError: true, unchanged: true };

  it.each(BAD_BATCHES)(
    'POST /incidents refuses %s with a 4xx and writes nothing',
    async (_name, body) => {
      const json = {
        contentType: 'application/json',
        raw: JSON.stringify(body) ?? '',
      };
      expect(await postRaw('/incidents', json)).toMatchObject(
        REFUSED_UNCHANGED,
      );
    },
  );

  it.each([
    ['broken JSON', '{"incidents": [{"source": "webhook",'],
    ['JSON with a BOM and garbage', '\ufeff{]'],
    ['a 21 MB body', `{"incidents": ["${long(21 * 1024 * 1024)}"]}`],
  ])(
    'POST /incidents refuses %s with a 4xx and writes nothing',
    async (_name, raw) => {
      const json = { contentType: 'application/json', raw };
      expect(await postRaw('/incidents', json)).toMatchObject(
        REFUSED_UNCHANGED,
      );
    },
  );

  it.each(ODD_BUT_VALID)(
    'POST /incidents stores %s verbatim',
    async (name, fields) => {
      const incident = { ...VALID, id: `ODD-${name}`, ...fields };
      const res = await request(server)
        .post('/api/sla/incidents')
        .set('Authorization', user())
        .set('Content-Type', 'application/json')
        .send(JSON.stringify({ incidents: [incident] }));
      expect(res.status).toBe(200);
      const row = await knex('sla_incidents')
        .where({ source: 'webhook', incident_id: String(incident.id) })
        .first();
      expect(row.title).toBe(String(incident.title).trim());
      expect(row).not.toHaveProperty('polluted');
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      // The tables are all still there.
      expect(
        Number((await knex('sla_incidents').count({ n: '*' }))[0].n),
      ).toBeGreaterThan(1);
    },
  );

  it('POST /incidents refuses a __proto__ key as an unknown field, polluting nothing', async () => {
    const before = await tables(knex);
    const incident = JSON.parse(
      '{"__proto__": {"polluted": true}, "title": "proto"}',
    );
    const res = await request(server)
      .post('/api/sla/incidents')
      .set('Authorization', user())
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ incidents: [{ ...VALID, ...incident }] }));
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe(
      'incidents[0].__proto__: unknown field',
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(await tables(knex)).toBe(before);
  });

  it.each(REFUSED)(
    '$method $url: $name is refused with $status naming the field, writing nothing',
    async ({ method, url, body, contentType, status, message }) => {
      const before = await tables(knex);
      let req = request(server)
        [method](`/api/sla${url}`)
        .set('Authorization', user());
      if (body !== undefined) {
        req = req
          .set('Content-Type', contentType ?? 'application/json')
          .send(typeof body === 'string' ? body : JSON.stringify(body));
      }
      const res = await req;
      expect(res.status).toBe(status);
      expect(res.body.error.message).toMatch(message);
      expect(res.text.length).toBeLessThan(1000);
      expect(await tables(knex)).toBe(before);
    },
  );

  it('answers a method the document does not list with 405 and Allow', async () => {
    const res = await request(server)
      .put('/api/sla/plans')
      .set('Authorization', user());
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET, POST');
    expect(res.body.error.message).toBe(
      'PUT is not allowed on /plans; allowed: GET, POST',
    );
  });

  it('accepts multi-line text, and a range of exactly five years', async () => {
    const plan = await request(server)
      .post('/api/sla/plans')
      .set('Authorization', user())
      .send({ ...PLAN, description: 'line one\r\n\tline two' });
    expect(plan.status).toBe(201);
    expect(plan.body.description).toBe('line one\r\n\tline two');
    await knex('sla_plans').where({ id: plan.body.id }).delete();
    const range = await request(server)
      .get(
        '/api/sla/entities/component/default/cad-core/compliance?from=2021-01-01&to=2025-12-31',
      )
      .set('Authorization', user());
    expect(range.status).toBe(200);
  });

  it.each(BAD_CSVS)(
    'POST /incidents/import refuses %s with a 4xx and writes nothing',
    async (_name, body) => {
      const csv = { contentType: 'text/csv', raw: body };
      expect(await postRaw('/incidents/import', csv)).toMatchObject(
        REFUSED_UNCHANGED,
      );
    },
  );

  it('POST /incidents/import stores markup and formula-looking titles verbatim', async () => {
    const res = await request(server)
      .post('/api/sla/incidents/import')
      .set('Authorization', user())
      .set('Content-Type', 'text/csv')
      .send(
        `${HEADER}\ncsv,F-1,component:default/cad-core,"=cmd|' /C calc'!A0 <b>x</b>; DROP TABLE t;--",P1,2026-09-02T01:00:00Z,,,\n`,
      );
    expect(res.status).toBe(200);
    const row = await knex('sla_incidents')
      .where({ source: 'csv', incident_id: 'F-1' })
      .first();
    expect(row.title).toBe("=cmd|' /C calc'!A0 <b>x</b>; DROP TABLE t;--");
  });

  it('a streamed import that fails in a later chunk leaves none of the earlier chunks', async () => {
    const store = await DatabaseIncidentStore.create({ database: knex });
    const before = await tables(knex);
    async function* batches() {
      yield Array.from({ length: 1000 }, (_, i) => ({
        source: 'csv',
        id: `T-${i}`,
        entityRef: 'component:default/cad-core',
        title: 'first chunk',
        priority: 'P3' as const,
        createdAt: Date.UTC(2026, 8, 2),
        pauses: [],
      }));
      throw new Error('connection lost in the second chunk');
    }
    await expect(store.upsertIncidentBatches(batches())).rejects.toThrow(
      'connection lost in the second chunk',
    );
    expect(await tables(knex)).toBe(before);
  });

  it.each(BAD_RECOMPUTES)(
    'POST /snapshots/recompute refuses %s with a 4xx and writes nothing',
    async (_name, body) => {
      const json =
        body === undefined
          ? undefined
          : { contentType: 'application/json', raw: JSON.stringify(body) };
      expect(await postRaw('/snapshots/recompute', json)).toMatchObject(
        REFUSED_UNCHANGED,
      );
    },
  );
});

type OpenApi = {
  paths: Record<
    string,
    Record<
      string,
      { security?: unknown[]; parameters?: unknown[]; requestBody?: unknown }
    >
  >;
};

/**
 * A request the document accepts, per operation with a body or a required parameter: the
 * document is checked before the permission, so a denied user must send a valid request to
 * get the 403.
 */
const VALID_REQUESTS: Record<
  string,
  { query?: string; contentType?: string; body?: string | object }
> = {
  'POST /incidents': { body: { incidents: [VALID] } },
  'POST /incidents/import': { contentType: 'text/csv', body: `${HEADER}\n` },
  'POST /snapshots/recompute': { body: { period: '2026-09' } },
  'POST /plans': {
    body: {
      entityRef: 'component:default/cad-core',
      title: 'Plan',
      origin: { type: 'other' },
      owner: 'group:default/ops',
      targetDate: '2099-01-01',
    },
  },
  'PATCH /plans/{id}': { body: { title: 'Plan' } },
  'POST /reports/regenerate': {
    body: {
      subjectKind: 'entity',
      subjectRef: 'component:default/cad-core',
      period: '2026-09',
    },
  },
  'POST /entities/{kind}/{namespace}/{name}/confirmation': {
    body: { termsVersion: 1 },
  },
  'POST /entities/{kind}/{namespace}/{name}/preview': {
    body: { annotations: { 'servicelevel.io/availability': '99%' } },
  },
  'GET /entities/{kind}/{namespace}/{name}/report': { query: 'period=2026-09' },
  'GET /sources/{source}/cross-check': { query: 'period=2026-09' },
  'GET /customers/{kind}/{namespace}/{name}/report': {
    query: 'period=2026-09',
  },
};

/** Every documented route, read from openapi.yaml so that new routes are covered as they are added. */
const ROUTES = Object.entries(
  (
    parse(
      fs.readFileSync(path.join(__dirname, '../schema/openapi.yaml'), 'utf8'),
    ) as OpenApi
  ).paths,
).flatMap(([route, ops]) =>
  Object.entries(ops)
    .filter(([method]) =>
      ['get', 'post', 'put', 'patch', 'delete'].includes(method),
    )
    .map(([method, op]) => ({
      method: method as 'get' | 'post' | 'put' | 'patch' | 'delete',
      route,
      url: `/api/sla${route
        .replace('{kind}', 'component')
        .replace('{namespace}', 'default')
        .replace('{name}', 'cad-core')
        .replace(/\{[^}]+\}/g, 'some-id')}`,
      open: Array.isArray(op.security) && op.security.length === 0,
      hasBody: op.requestBody !== undefined,
    })),
);

/** The route's request as the document accepts it. */
function validRequest(
  server: Parameters<typeof request>[0],
  r: (typeof ROUTES)[number],
) {
  const valid = VALID_REQUESTS[`${r.method.toUpperCase()} ${r.route}`] ?? {};
  const req = request(server)[r.method](
    valid.query ? `${r.url}?${valid.query}` : r.url,
  );
  if (valid.body === undefined) return req;
  return req
    .set('Content-Type', valid.contentType ?? 'application/json')
    .send(
      typeof valid.body === 'string' ? valid.body : JSON.stringify(valid.body),
    );
}

describe('credentials and permissions on every documented route', () => {
  let server: Server;

  beforeAll(async () => {
    server = await startSlaBackend({
      config: CONFIG,
      entities: ENTITIES,
      permissions: AuthorizeResult.DENY,
    });
  });

  it('reads a route table from openapi.yaml', () => {
    expect(ROUTES.map(r => `${r.method.toUpperCase()} ${r.route}`)).toEqual(
      expect.arrayContaining([
        'POST /incidents',
        'POST /incidents/import',
        'POST /snapshots/recompute',
        'GET /overview',
        'GET /catalog',
      ]),
    );
  });

  it('has a valid request for every route with a body', () => {
    const withBody = ROUTES.filter(r => r.hasBody).map(
      r => `${r.method.toUpperCase()} ${r.route}`,
    );
    expect(withBody.filter(k => !VALID_REQUESTS[k])).toEqual([]);
  });

  it.each(ROUTES.filter(r => !r.open))(
    '$method $route answers 401 without credentials',
    async r => {
      const res = await validRequest(server, r);
      expect(res.status).toBe(401);
    },
  );

  it.each(ROUTES.filter(r => !r.open))(
    '$method $route answers 403 to a user the policy denies',
    async r => {
      const res = await validRequest(server, r).set('Authorization', user());
      expect(res.status).toBe(403);
    },
  );

  it.each(ROUTES.filter(r => r.open))(
    '$method $route is open, as documented',
    async ({ method, url }) => {
      const res = await request(server)[method](url);
      expect(res.status).toBe(200);
    },
  );
});
