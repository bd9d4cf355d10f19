import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { Server } from 'http';
import request from 'supertest';
import { slaPlugin } from '../../plugin';
import { CN_WORKDAYS } from '../../__testUtils__/slaConfig';

/**
 * A test backend for the plans, reports and confirmations routes, with a small organisation:
 * - olivia: member of dispatch-platform, the owner of cad-core (and so an entity owner);
 * - nick: member of field-ops, owner of gis-routing only (a non-owner for cad-core);
 * - mona: holds sla.plan.manage and sla.snapshot.recompute (a manager);
 * - carl: member of dispatch-center, the customer of cad-core and gis-routing.
 * Everyone may read; `denyAll` makes the policy deny every permission.
 */
export const USERS = {
  olivia: 'user:default/olivia',
  nick: 'user:default/nick',
  mona: 'user:default/mona',
  carl: 'user:default/carl',
} as const;

const MEMBERSHIP: Record<string, string[]> = {
  [USERS.olivia]: ['group:default/dispatch-platform'],
  [USERS.nick]: ['group:default/field-ops'],
  [USERS.mona]: ['group:default/pmo'],
  [USERS.carl]: ['group:default/dispatch-center'],
};

const MANAGERS = new Set<string>([USERS.mona]);

export const CAD = 'component:default/cad-core';
export const GIS = 'component:default/gis-routing';
export const CUSTOMER = 'group:default/dispatch-center';

export const CONFIG = {
  sla: {
    defaultTimezone: 'Asia/Shanghai',
    calendars: { 'cn-workdays': CN_WORKDAYS },
    tiers: {},
  },
};

function component(
  name: string,
  annotations: Record<string, string>,
  owner: string,
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default', title: name, annotations },
    spec: { type: 'service', owner, lifecycle: 'production' },
    relations: [{ type: 'ownedBy', targetRef: owner }],
  };
}

export const ENTITIES: Entity[] = [
  component(
    'cad-core',
    {
      'servicelevel.io/service-hours': '24x7',
      'servicelevel.io/timezone': 'UTC',
      'servicelevel.io/availability': '99.9%',
      'servicelevel.io/response-time': 'P1=15m P2=30m',
      'servicelevel.io/resolution-time': 'P1=4h P2=8h',
      'servicelevel.io/maintenance': 'Sun 02:00-04:00',
      'servicelevel.io/customer': CUSTOMER,
      'servicelevel.io/agreement': 'TFDL-SLA-2026-07',
      'servicelevel.io/review-by': '2020-01-06',
    },
    'group:default/dispatch-platform',
  ),
  component(
    'gis-routing',
    {
      'servicelevel.io/service-hours': 'calendar:cn-workdays',
      'servicelevel.io/response-time': 'P2=30m',
      'servicelevel.io/resolution-time': 'P2=1d',
      'servicelevel.io/customer': CUSTOMER,
    },
    'group:default/field-ops',
  ),
];

export type AuditCall = { eventId: string; outcome?: 'success' | 'fail' };

export async function startBackend(
  options: { denyAll?: boolean } = {},
): Promise<{ server: Server; audits: AuditCall[] }> {
  const audits: AuditCall[] = [];
  const permissions = mockServices.permissions.mock({
    authorize: async (requests, opts) => {
      const principal = (opts?.credentials as BackstageCredentials)
        .principal as {
        userEntityRef?: string;
      };
      return requests.map(r => {
        const name = (r as { permission: { name: string } }).permission.name;
        const allowed =
          !options.denyAll &&
          (name === 'sla.read' ||
            name === 'sla.incident.ingest' ||
            MANAGERS.has(principal.userEntityRef ?? ''));
        return {
          result: allowed ? AuthorizeResult.ALLOW : AuthorizeResult.DENY,
        };
      }) as never;
    },
  });
  const userInfo = mockServices.userInfo.mock({
    getUserInfo: async credentials => {
      const ref = (credentials.principal as { userEntityRef: string })
        .userEntityRef;
      return {
        userEntityRef: ref,
        ownershipEntityRefs: [ref, ...(MEMBERSHIP[ref] ?? [])],
      };
    },
  });
  const auditor = mockServices.auditor.mock({
    createEvent: async ({ eventId }) => {
      const call: AuditCall = { eventId };
      audits.push(call);
      return {
        success: async () => {
          call.outcome = 'success';
        },
        fail: async () => {
          call.outcome = 'fail';
        },
      };
    },
  });
  const { server } = await startTestBackend({
    features: [
      slaPlugin,
      mockServices.rootConfig.factory({ data: CONFIG }),
      mockServices.database.factory(),
      permissions.factory,
      userInfo.factory,
      auditor.factory,
      mockServices.scheduler.factory(),
      mockServices.httpAuth.factory({
        defaultCredentials: mockCredentials.none(),
      }),
      catalogServiceMock.factory({ entities: ENTITIES }),
    ],
  });
  // The catalog sync runs on startup; wait until it has seen the entities.
  for (let i = 0; i < 50 && !options.denyAll; i++) {
    const res = await request(server)
      .get('/api/sla/catalog')
      .set('Authorization', as('olivia'));
    if (res.status === 200 && res.body.items.length === ENTITIES.length) break;
    await new Promise(r => setTimeout(r, 100));
  }
  return { server, audits };
}

/** The Authorization header of one of the test users. */
export function as(user: keyof typeof USERS): string {
  return mockCredentials.user.header(USERS[user]);
}
