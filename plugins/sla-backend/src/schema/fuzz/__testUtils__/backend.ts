import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { createHash } from 'crypto';
import type { Server } from 'http';
import { Knex } from 'knex';
import request from 'supertest';
import {
  CAD,
  CONFIG,
  CUSTOMER,
  ENTITIES,
} from '../../../plans/__testUtils__/testBackend';
import { slaPlugin } from '../../../plugin';
import type { Seeds } from './arbitraries';

/** The fuzzing user: an owner of cad-core and a member of its customer, so every route lets it in. */
export const FUZZ_USER = 'user:default/fuzz';

export const userHeader = () => mockCredentials.user.header(FUZZ_USER);

/**
 * The whole plugin, every router mounted as in production, on the given database, with the
 * catalog mock's two entities; the permission policy allows (`allow`) or denies everything.
 * Requests without an Authorization header have no credentials.
 */
export async function startFuzzBackend(
  knex: Knex,
  policy: 'allow' | 'deny',
): Promise<Server> {
  const { server } = await startTestBackend({
    features: [
      slaPlugin,
      mockServices.rootConfig.factory({ data: CONFIG }),
      mockServices.rootLogger.factory({ level: 'error' }),
      mockServices.database.factory({ knex }),
      mockServices.permissions.factory({
        result:
          policy === 'allow' ? AuthorizeResult.ALLOW : AuthorizeResult.DENY,
      }),
      createServiceFactory({
        service: coreServices.userInfo,
        deps: {},
        factory: () =>
          mockServices.userInfo({
            ownershipEntityRefs: [
              FUZZ_USER,
              'group:default/dispatch-platform',
              CUSTOMER,
            ],
          }),
      }),
      mockServices.scheduler.factory(),
      mockServices.httpAuth.factory({
        defaultCredentials: mockCredentials.none(),
      }),
      catalogServiceMock.factory({ entities: ENTITIES }),
    ],
  });
  return server;
}

async function send(
  server: Server,
  method: 'get' | 'post',
  url: string,
  body?: object,
) {
  const req = request(server)
    [method](`/api/sla${url}`)
    .set('Authorization', userHeader());
  const res = await (body ? req.send(body) : req);
  if (res.status >= 300) {
    throw new Error(
      `seeding ${method.toUpperCase()} ${url}: ${res.status} ${res.text}`,
    );
  }
  return res;
}

/**
 * A little real data for the routes to corrupt, written through the API: the catalog's
 * entities (synced on startup), incidents, a published snapshot and stored report, a plan
 * and a confirmation.
 */
export async function seed(server: Server): Promise<Seeds> {
  for (let i = 0; i < 50; i++) {
    const res = await request(server)
      .get('/api/sla/catalog')
      .set('Authorization', userHeader());
    if (res.status === 200 && res.body.items.length === ENTITIES.length) break;
    await new Promise(r => setTimeout(r, 100));
  }
  const incident = (id: string, day: string, priority: string) => ({
    source: 'seed',
    id,
    entityRef: CAD,
    title: `Seeded ${id}`,
    priority,
    createdAt: `2026-09-${day}T08:00:00Z`,
    acknowledgedAt: `2026-09-${day}T08:20:00Z`,
    resolvedAt: `2026-09-${day}T11:00:00Z`,
    outage: {
      start: `2026-09-${day}T08:00:00Z`,
      end: `2026-09-${day}T08:40:00Z`,
    },
  });
  await send(server, 'post', '/incidents', {
    incidents: [
      incident('S-1', '02', 'P1'),
      incident('S-2', '10', 'P2'),
      { ...incident('S-3', '20', 'P3'), entityRef: 'component:default/ghost' },
    ],
  });
  await send(server, 'post', '/snapshots/recompute', { period: '2026-09' });
  await send(
    server,
    'get',
    '/entities/component/default/cad-core/report?period=2026-09&format=json',
  );
  const plan = await send(server, 'post', '/plans', {
    entityRef: CAD,
    title: 'Seeded plan',
    origin: { type: 'breach', objective: 'availability', period: '2026-09' },
    owner: 'group:default/dispatch-platform',
    targetDate: '2026-12-31',
    actions: [{ title: 'Seeded action' }],
  });
  const confirmation = await send(
    server,
    'get',
    '/entities/component/default/cad-core/confirmation',
  );
  const termsVersion = Number(confirmation.body.termsVersion);
  await send(
    server,
    'post',
    '/entities/component/default/cad-core/confirmation',
    {
      termsVersion,
    },
  );
  return {
    entity: { kind: 'component', namespace: 'default', name: 'cad-core' },
    customer: { kind: 'group', namespace: 'default', name: 'dispatch-center' },
    planIds: [String(plan.body.id)],
    termsVersion,
  };
}

/** The plugin's tables (`sla_*`), by name. */
async function slaTables(knex: Knex): Promise<string[]> {
  const client = String(knex.client.config.client);
  const names: string[] = /sqlite/.test(client)
    ? (await knex('sqlite_master').where({ type: 'table' }).select('name')).map(
        (r: { name: string }) => r.name,
      )
    : (
        await knex('information_schema.tables')
          .whereRaw('table_schema = current_schema()')
          .select({ name: 'table_name' })
      ).map((r: { name: string }) => r.name);
  return names.filter(n => n.startsWith('sla_')).sort();
}

/**
 * A digest of every stored row: sha256 over each `sla_*` table's rows, each row as JSON,
 * sorted (so the digest does not depend on the order the database returns them in).
 */
export async function rowDigest(knex: Knex): Promise<string> {
  const hash = createHash('sha256');
  for (const table of await slaTables(knex)) {
    const rows = (await knex(table).select()).map(r => JSON.stringify(r));
    hash.update(`${table}\n${rows.sort().join('\n')}\n`);
  }
  return hash.digest('hex');
}

/** The number of rows in each `sla_*` table (to show that the seed wrote something). */
export async function rowCounts(knex: Knex): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of await slaTables(knex)) {
    const [{ n }] = await knex(table).count({ n: '*' });
    out[table] = Number(n);
  }
  return out;
}
