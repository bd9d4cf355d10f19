import Ajv from 'ajv';
import fs from 'fs';
import path from 'path';
import { parse } from 'yaml';
import { createConfirmationsRouter } from '../confirmations/router';
import { createPlansRouter } from '../plans/router';
import { createReportsRouter } from '../reports/router';
import { createRouter } from '../service/router';

type Spec = {
  paths: Record<string, Record<string, unknown>>;
  components: { schemas: Record<string, unknown> };
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

  it('describes the incident the service desk sends, and rejects what the router rejects', () => {
    const ajv = new Ajv({ strict: false });
    ajv.addSchema({ components: spec.components }, 'spec');
    const validate = ajv.compile({
      $ref: 'spec#/components/schemas/IncidentInput',
    });

    expect(
      validate({
        source: 'servicenow',
        id: 'INC0010001',
        entityRef: 'component:default/gis-routing',
        title: 'Route calculation times out',
        priority: 'P2',
        createdAt: '2026-09-18T17:30:00+08:00',
        resolvedAt: 1790000000000,
        pauses: [{ start: '2026-09-18T18:00:00Z' }],
        outage: { start: '2026-09-18T17:25:00+08:00', impact: 'down' },
      }),
    ).toBe(true);
    expect(
      validate({
        source: 'x',
        id: '1',
        entityRef: 'a',
        title: 't',
        priority: 'urgent',
        createdAt: '2026-09-18T17:30:00Z',
      }),
    ).toBe(false);
    expect(
      validate({
        source: 'x',
        id: '1',
        entityRef: 'a',
        title: 't',
        priority: 'P1',
        createdAt: '2026-09-18 17:30',
      }),
    ).toBe(false);
  });
});
