import {
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import {
  AuthorizePermissionRequest,
  AuthorizeResult,
  BasicPermission,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import { SLA_ENTITY_RESOURCE_TYPE } from '@servicelevel/plugin-sla-common';
import { Request } from 'express';

/**
 * Checks one permission for the caller of a request; the one place routes authorize. A
 * resource permission on an `sla-entity` names the entity (its ref) as resourceRef, and the
 * policy may answer with a condition on it (e.g. isEntityOwner), which the permission
 * framework resolves against the rules the plugin registers.
 */
export interface Authorize {
  (req: Request, permission: BasicPermission): Promise<BackstageCredentials>;
  (
    req: Request,
    permission: ResourcePermission<typeof SLA_ENTITY_RESOURCE_TYPE>,
    resourceRef: string,
  ): Promise<BackstageCredentials>;
}

export function createAuthorize(options: {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
}): Authorize {
  const { httpAuth, permissions } = options;
  return async (
    req: Request,
    permission: BasicPermission | ResourcePermission,
    resourceRef?: string,
  ) => {
    // Unauthenticated callers never get here: the http router answers 401 first.
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    await authorizeCredentials(
      permissions,
      credentials,
      permission,
      resourceRef,
    );
    return credentials;
  };
}

/**
 * Checks one permission for `credentials`, throwing NotAllowedError naming it (and the
 * entity) when the policy does not allow it: what routes check for a request's caller, and
 * what actions (MCP) check for the credentials they are invoked with.
 */
export async function authorizeCredentials(
  permissions: PermissionsService,
  credentials: BackstageCredentials,
  permission: BasicPermission | ResourcePermission,
  resourceRef?: string,
): Promise<void> {
  const request = (
    resourceRef === undefined ? { permission } : { permission, resourceRef }
  ) as AuthorizePermissionRequest;
  const [decision] = await permissions.authorize([request], { credentials });
  if (decision.result !== AuthorizeResult.ALLOW) {
    throw new NotAllowedError(
      resourceRef === undefined
        ? `Not allowed: ${permission.name}`
        : `Not allowed: ${permission.name} on ${resourceRef}`,
    );
  }
}

/** A readable name of the caller, for audit records and `recomputedBy`. */
export function principalName(credentials: BackstageCredentials): string {
  const p = credentials.principal as {
    type?: string;
    userEntityRef?: string;
    subject?: string;
  };
  return p.userEntityRef ?? p.subject ?? p.type ?? 'unknown';
}
