/* eslint-disable jest/no-export -- itEnforcesAuth and itAnswersNotFound are table-driven tests shared by the route suites */
/* eslint jest/expect-expect: ["error", { "assertFunctionNames": ["expect", "check"] }] */
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { Server } from 'http';
import { Knex } from 'knex';
import { hasSlaAnnotations } from '@servicelevel/plugin-sla-common';
import request from 'supertest';
import { slaPlugin } from '../plugin';

type Features = Parameters<typeof startTestBackend>[0]['features'];
type Feature = NonNullable<Features>[number];

/** A catalog Component with its SLA annotations, owned by `owner` (and part of `system`). */
export function catalogComponent(
  name: string,
  annotations: Record<string, string>,
  owner: string,
  extra: { title?: string; system?: string } = {},
): Entity {
  const { title, system } = extra;
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default', title, annotations },
    spec: { type: 'service', owner, lifecycle: 'production', system },
    relations: [
      { type: 'ownedBy', targetRef: owner },
      ...(system
        ? [{ type: 'partOf', targetRef: `system:default/${system}` }]
        : []),
    ],
  };
}

export interface SlaBackendOptions {
  /** The app-config: the `sla` block and anything else the plugin reads. */
  config: object;
  /** What the catalog lists; the catalog sync runs on startup. */
  entities: Entity[];
  /** A database of TestDatabases; an in-memory SQLite one when not given. */
  knex?: Knex;
  /** The policy's answer to every permission (ALLOW when not given), or a policy's factory. */
  permissions?: AuthorizeResult.ALLOW | AuthorizeResult.DENY | Feature;
  /** More features: mock user info, auditor… */
  features?: Feature[];
}

/**
 * The SLA plugin in a test backend, against a mock catalog; every request is anonymous
 * unless it sends credentials. Resolves once the catalog sync has seen every component
 * (or at once when the policy denies reading).
 */
export async function startSlaBackend(
  options: SlaBackendOptions,
): Promise<Server> {
  const { permissions = AuthorizeResult.ALLOW } = options;
  const { server } = await startTestBackend({
    features: [
      slaPlugin,
      mockServices.rootConfig.factory({ data: options.config }),
      mockServices.database.factory(
        options.knex ? { knex: options.knex } : undefined,
      ),
      typeof permissions === 'object'
        ? permissions
        : mockServices.permissions.factory({ result: permissions }),
      // The catalog sync runs on startup; tasks with an initial delay do not.
      mockServices.scheduler.factory(),
      mockServices.httpAuth.factory({
        defaultCredentials: mockCredentials.none(),
      }),
      catalogServiceMock.factory({ entities: options.entities }),
      ...(options.features ?? []),
    ],
  });
  // The catalog listing holds every entity with SLA annotations, of any kind.
  const components = options.entities.filter(e =>
    hasSlaAnnotations(e.metadata.annotations),
  ).length;
  for (let i = 0; i < 50; i++) {
    const res = await request(server)
      .get('/api/sla/catalog')
      .set('Authorization', mockCredentials.user.header());
    if (
      res.status === 403 ||
      (res.status === 200 && res.body.items.length >= components)
    )
      break;
    await new Promise(r => setTimeout(r, 100));
  }
  return server;
}

/** One request to a route of the plugin: the path is under /api/sla. */
export interface RouteCall {
  method: 'get' | 'post' | 'patch' | 'delete';
  path: string;
  body?: string | object;
  contentType?: string;
}

/** Sends `route`, with an Authorization header when given. */
export function send(
  server: Server,
  route: RouteCall,
  authorization?: string,
): request.Test {
  let req = request(server)[route.method](`/api/sla${route.path}`);
  if (authorization) req = req.set('Authorization', authorization);
  if (route.contentType) req = req.set('Content-Type', route.contentType);
  return route.body === undefined ? req : req.send(route.body);
}

/** Requests to the plugin's routes (paths under /api/sla) with one caller's credentials. */
export function api(server: Server, authorization: string) {
  const method =
    (name: RouteCall['method']) =>
    (path: string): request.Test =>
      request(server)
        [name](`/api/sla${path}`)
        .set('Authorization', authorization);
  return {
    get: method('get'),
    post: method('post'),
    patch: method('patch'),
    delete: method('delete'),
  };
}

/** One test per route, on the backend `start` starts before them. */
function eachRoute(
  routes: RouteCall[],
  start: () => Promise<Server>,
  title: string,
  check: (server: Server, route: RouteCall) => Promise<void>,
) {
  let server: Server;
  beforeAll(async () => {
    server = await start();
  });
  it.each(routes.map(r => [r.method.toUpperCase(), r.path, r] as const))(
    `%s %s ${title}`,
    (_method, _path, route) => check(server, route),
  );
}

/**
 * Table-driven credential checks: for each route, 401 without credentials, and 403 to a
 * signed-in user (`authorization`) of a backend whose policy denies (`startDenied`).
 */
export function itEnforcesAuth(
  routes: RouteCall[],
  startDenied: () => Promise<Server>,
  authorization: string,
) {
  eachRoute(
    routes,
    startDenied,
    'answers 401 without credentials and 403 when denied',
    async (denied, route) => {
      expect((await send(denied, route)).status).toBe(401);
      expect((await send(denied, route, authorization)).status).toBe(403);
    },
  );
}

/** Table-driven 404s: for each route, 404 to `authorization` on `start`'s backend. */
export function itAnswersNotFound(
  routes: RouteCall[],
  start: () => Promise<Server>,
  authorization: string,
) {
  eachRoute(routes, start, 'answers 404', async (server, route) => {
    expect((await send(server, route, authorization)).status).toBe(404);
  });
}
