import {
  BackstageCredentials,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import {
  slaPlanManagePermission,
  slaReadPermission,
} from '@servicelevel/plugin-sla-common';
import { Request } from 'express';
import { EntityStore } from '../database/types';
import { Authorize, principalName } from '../service/authorize';

/** Who may write SLA data of one entity, and in which capacity. */
export interface EntityWriter {
  credentials: BackstageCredentials;
  /** Principal name for history and audit records. */
  by: string;
  /** owner: member of the entity's owner; manager: holds sla.plan.manage. */
  via: 'owner' | 'manager';
}

/** The ownership refs (user and groups) of a user caller, lower-cased; [] for services. */
export async function ownershipRefsOf(
  userInfo: UserInfoService,
  credentials: BackstageCredentials,
): Promise<string[]> {
  if ((credentials.principal as { type?: string }).type !== 'user') return [];
  const info = await userInfo.getUserInfo(credentials);
  return info.ownershipEntityRefs.map(r => r.toLocaleLowerCase('en-US'));
}

/**
 * Write access to an entity's plans: the caller must be allowed to read SLA data and be either
 * one of the entity's owners or a holder of sla.plan.manage. The permission decisions go
 * through the router's one `authorize` helper; ownership comes from the user's
 * ownershipEntityRefs.
 */
export function createEntityWriteAccess(options: {
  userInfo: UserInfoService;
  authorize: Authorize;
  entities: EntityStore;
}) {
  const { userInfo, authorize, entities } = options;
  return async (req: Request, entityRef: string): Promise<EntityWriter> => {
    const credentials = await authorize(req, slaReadPermission);
    const entity = await entities.getEntity(entityRef);
    const owner = entity?.ownerRef?.toLocaleLowerCase('en-US');
    if (owner) {
      const refs = await ownershipRefsOf(userInfo, credentials);
      if (refs.includes(owner)) {
        return { credentials, by: principalName(credentials), via: 'owner' };
      }
    }
    // Throws NotAllowedError (403) when the policy denies.
    await authorize(req, slaPlanManagePermission);
    return { credentials, by: principalName(credentials), via: 'manager' };
  };
}
