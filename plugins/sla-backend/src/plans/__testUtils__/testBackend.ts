import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { Server } from 'http';
import {
  CAD_CORE_ANNOTATIONS,
  DISPATCH_CENTER,
  GIS_ROUTING_ANNOTATIONS,
} from '../../__testUtils__/examples';
import { CN_WORKDAYS } from '../../__testUtils__/slaConfig';
import {
  isEntityCustomer,
  isEntityOwner,
  SlaEntityResource,
} from '../../permissions';
import {
  catalogComponent,
  startSlaBackend,
} from '../../__testUtils__/testBackend';

/**
 * A test backend for the plans, reports and confirmations routes, with a small organisation:
 * - olivia: member of dispatch-platform, the owner of cad-core (and so an entity owner);
 * - nick: member of field-ops, owner of gis-routing only (a non-owner for cad-core);
 * - mona: an SLA manager: plan writes on every entity, recompute and regenerate;
 * - carl: member of dispatch-center, the customer of cad-core and gis-routing.
 * Everyone may read and ingest; the policy answers the sla-entity permissions as an
 * "owners only" policy would (plans: isEntityOwner; confirmation: isEntityOwner or
 * isEntityCustomer, both applied with the plugin's own rules); `denyAll` makes it deny
 * every permission.
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
const MANAGER_PERMISSIONS = new Set<string>([
  'sla.plan.create',
  'sla.plan.update',
  'sla.plan.delete',
  'sla.snapshot.recompute',
  'sla.report.regenerate',
]);
const EVERYONE = new Set<string>([
  'sla.read',
  'sla.incident.ingest',
  'sla.incident.import',
]);

export const CAD = 'component:default/cad-core';
export const GIS = 'component:default/gis-routing';
export const CUSTOMER = DISPATCH_CENTER;

export const CONFIG = {
  sla: {
    defaultTimezone: 'Asia/Shanghai',
    calendars: { 'cn-workdays': CN_WORKDAYS },
    tiers: {},
  },
};

const component = (
  name: string,
  annotations: Record<string, string>,
  owner: string,
) => catalogComponent(name, annotations, owner, { title: name });

export const ENTITIES: Entity[] = [
  component(
    'cad-core',
    { ...CAD_CORE_ANNOTATIONS, 'servicelevel.io/review-by': '2020-01-06' },
    'group:default/dispatch-platform',
  ),
  component(
    'gis-routing',
    { ...GIS_ROUTING_ANNOTATIONS, 'servicelevel.io/customer': CUSTOMER },
    'group:default/field-ops',
  ),
];

export type AuditCall = { eventId: string; outcome?: 'success' | 'fail' };

/** One permission the routes asked about, as the policy saw it. */
export type PermissionCall = {
  permission: string;
  resourceRef?: string;
  user?: string;
};

/** What the policy's conditions see of ENTITIES (owner, customer), by entity ref. */
const RESOURCES = new Map<string, SlaEntityResource>(
  ENTITIES.map(e => {
    const entityRef = stringifyEntityRef(e);
    const customer = e.metadata.annotations?.['servicelevel.io/customer'];
    return [
      entityRef,
      {
        entityRef,
        ownerRef: e.spec?.owner as string,
        ...(customer ? { customerRef: customer } : {}),
      },
    ];
  }),
);

/** The test policy's decision (see the organisation above). */
function decide(name: string, user: string, resourceRef?: string): boolean {
  if (EVERYONE.has(name)) return true;
  if (MANAGERS.has(user) && MANAGER_PERMISSIONS.has(name)) return true;
  const resource = resourceRef ? RESOURCES.get(resourceRef) : undefined;
  if (!resource) return false;
  const claims = [user, ...(MEMBERSHIP[user] ?? [])];
  if (name.startsWith('sla.plan.')) {
    return isEntityOwner.apply(resource, { claims });
  }
  if (name === 'sla.terms.confirm') {
    return (
      isEntityOwner.apply(resource, { claims }) ||
      isEntityCustomer.apply(resource, { claims })
    );
  }
  return false;
}

export async function startBackend(
  options: { denyAll?: boolean } = {},
): Promise<{
  server: Server;
  audits: AuditCall[];
  permissionCalls: PermissionCall[];
}> {
  const audits: AuditCall[] = [];
  const permissionCalls: PermissionCall[] = [];
  const permissions = mockServices.permissions.mock({
    authorize: async (requests, opts) => {
      const principal = (opts?.credentials as BackstageCredentials)
        .principal as {
        userEntityRef?: string;
      };
      const user = principal.userEntityRef;
      return requests.map(r => {
        const { permission, resourceRef } = r as {
          permission: { name: string };
          resourceRef?: string;
        };
        permissionCalls.push({
          permission: permission.name,
          ...(resourceRef !== undefined ? { resourceRef } : {}),
          ...(user ? { user } : {}),
        });
        const allowed =
          !options.denyAll && decide(permission.name, user ?? '', resourceRef);
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
  const server = await startSlaBackend({
    config: CONFIG,
    entities: ENTITIES,
    permissions: permissions.factory,
    features: [userInfo.factory, auditor.factory],
  });
  return { server, audits, permissionCalls };
}

/** The Authorization header of one of the test users. */
export function as(user: keyof typeof USERS): string {
  return mockCredentials.user.header(USERS[user]);
}
