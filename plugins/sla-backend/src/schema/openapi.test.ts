import Ajv from 'ajv';
import fs from 'fs';
import path from 'path';
import { parse } from 'yaml';
import { createCalendarsRouter } from '../calendars/router';
import { createConfirmationsRouter } from '../confirmations/router';
import { createPlansRouter } from '../plans/router';
import { createReportsRouter } from '../reports/router';
import { createRouter } from '../service/router';
import { WORKED_EXAMPLE } from '../__testUtils__/examples';
import { expectMatchesDocument } from './__testUtils__/expectMatchesDocument';
import { spec as generated } from './openapi/generated/router';
import { readableValidationMessage } from './validatedRouter';

type Operation = {
  responses: Record<string, { $ref?: string; content?: object }>;
};

type Spec = {
  paths: Record<string, Record<string, Operation>>;
  components: {
    schemas: Record<string, unknown>;
    responses: Record<string, { content?: object }>;
  };
};

const spec = parse(
  fs.readFileSync(path.join(__dirname, 'openapi.yaml'), 'utf8'),
) as Spec;

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

/** Every (method, path) the express router answers, including routers mounted without a prefix. */
function routesOf(stack: Layer[]): string[] {
  const out: string[] = [];
  for (const layer of stack) {
    if (layer.route) {
      for (const method of Object.keys(layer.route.methods)) {
        out.push(
          `${method.toUpperCase()} ${layer.route.path.replace(
            /:(\w+)/g,
            '{$1}',
          )}`,
        );
      }
    } else if (layer.handle?.stack) {
      out.push(...routesOf(layer.handle.stack));
    }
  }
  return out;
}

describe('openapi.yaml', () => {
  it('documents exactly the routes the router serves', async () => {
    const unused = new Proxy({}, { get: () => jest.fn() });
    const router = await createRouter({
      logger: unused,
      httpAuth: unused,
      permissions: unused,
      auditor: unused,
      incidents: unused,
      entities: unused,
      syncStates: unused,
      compliance: unused,
    } as unknown as Parameters<typeof createRouter>[0]);
    // Sub-routers are mounted without a prefix, so their paths are complete.
    const routers = [
      router,
      createPlansRouter(unused as never),
      createReportsRouter(unused as never),
      createConfirmationsRouter(unused as never),
      createCalendarsRouter(unused as never),
    ];
    const served = routers
      .flatMap(r => routesOf((r as unknown as { stack: Layer[] }).stack))
      .sort();
    const documented = Object.entries(spec.paths)
      .flatMap(([p, ops]) =>
        Object.keys(ops)
          .filter(key => key !== 'parameters')
          .map(m => `${m.toUpperCase()} ${p}`),
      )
      .sort();
    expect(served).toEqual(documented);
  });

  it('gives every operation a 2xx response with a schema (none for 204) and Backstage errors', () => {
    const missing: string[] = [];
    for (const [p, item] of Object.entries(spec.paths)) {
      for (const [method, op] of Object.entries(item)) {
        if (method === 'parameters') continue;
        const name = `${method.toUpperCase()} ${p}`;
        const success = Object.entries(op.responses).filter(([s]) =>
          s.startsWith('2'),
        );
        if (success.length === 0) missing.push(`${name}: no 2xx response`);
        for (const [status, response] of success) {
          const resolved = response.$ref
            ? spec.components.responses[response.$ref.split('/').pop()!]
            : response;
          if (status !== '204' && !resolved.content) {
            missing.push(`${name}: ${status} has no schema`);
          }
        }
        for (const [status, response] of Object.entries(op.responses)) {
          const resolved = response.$ref
            ? spec.components.responses[response.$ref.split('/').pop()!]
            : response;
          if (
            status.startsWith('4') &&
            !JSON.stringify(resolved.content ?? {}).includes(
              '"#/components/schemas/ErrorResponse"',
            )
          ) {
            missing.push(`${name}: ${status} is not a Backstage error`);
          }
        }
      }
    }
    expect(missing).toEqual([]);
  });

  it('is what the generated router validates against', () => {
    expect(generated).toEqual(spec);
  });

  it('checks responses: a body that breaks the document fails the check', () => {
    const response = (body: unknown) => ({
      status: 200,
      body,
      text: JSON.stringify(body),
      headers: { 'content-type': 'application/json; charset=utf-8' },
      req: { method: 'GET', path: '/api/sla/sources?x=1' },
    });
    expect(() =>
      expectMatchesDocument(
        response({
          sources: [{ provider: 'pagerduty', account: 'a' }],
          stored: [],
        }),
      ),
    ).not.toThrow();
    expect(() =>
      expectMatchesDocument(response({ sources: [{ provider: 'pagerduty' }] })),
    ).toThrow("body/sources/0 must have required property 'account'");
    expect(() =>
      expectMatchesDocument({ ...response({}), status: 418 }),
    ).toThrow('GET /sources does not document status 418');
  });

  it('turns validator messages into one line per field, naming field and value', () => {
    const req = {
      body: {
        incidents: [{ priority: 'urgent', createdAt: '2026-09-18 17:30' }],
      },
      query: { periods: 0 },
    } as never;
    expect(
      readableValidationMessage(
        'request/body/incidents/0/priority must match pattern "^[Pp][1-4]$", ' +
          'request/body/incidents/0/createdAt must be integer, ' +
          'request/body/incidents/0/createdAt must match exactly one schema in oneOf, ' +
          "request/body/incidents/0 must have required property 'title', " +
          'request/query/periods must be >= 1',
        req,
      ),
    ).toBe(
      [
        'incidents[0].priority: must match pattern "^[Pp][1-4]$" (got "urgent")',
        'incidents[0].createdAt: must be integer (got "2026-09-18 17:30")',
        'incidents[0].title: required',
        'periods: must be >= 1 (got 0)',
      ].join('\n'),
    );
    expect(readableValidationMessage("Unknown query parameter 'x'", req)).toBe(
      "Unknown query parameter 'x'",
    );
  });

  it('describes the incident the service desk sends, and rejects what the router rejects', () => {
    const ajv = new Ajv({
      strict: false,
      formats: { binary: true, date: true },
    });
    ajv.addSchema({ components: spec.components }, 'spec');
    const validate = ajv.compile({
      $ref: 'spec#/components/schemas/IncidentInput',
    });

    expect(
      validate({
        ...WORKED_EXAMPLE,
        resolvedAt: 1790000000000,
        pauses: [{ start: '2026-09-18T18:00:00Z' }],
        outage: { start: '2026-09-18T17:25:00+08:00', impact: 'down' },
      }),
    ).toBe(true);
    const minimal = {
      source: 'x',
      id: '1',
      entityRef: 'a',
      title: 't',
      priority: 'P1',
      createdAt: '2026-09-18T17:30:00Z',
    };
    expect(validate({ ...minimal, priority: 'urgent' })).toBe(false);
    expect(validate({ ...minimal, createdAt: '2026-09-18 17:30' })).toBe(false);
  });
});
