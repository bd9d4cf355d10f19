import {
  coreServices,
  createBackendModule,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import {
  AuthorizeResult,
  isResourcePermission,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import {
  createSlaConditionalDecision,
  slaConditions,
} from '@servicelevel/plugin-sla-backend';
import {
  SLA_ENTITY_RESOURCE_TYPE,
  slaReportRegeneratePermission,
  slaSnapshotRecomputePermission,
  slaTermsConfirmPermission,
} from '@servicelevel/plugin-sla-common';

/** Members of this group may rebuild published SLA snapshots and reports. */
export const SLA_ADMIN_GROUP = 'group:default/dispatch-platform';

/** Rebuilding published results: SLA administrators only. */
const ADMIN_ONLY = new Set([
  slaSnapshotRecomputePermission.name,
  slaReportRegeneratePermission.name,
]);

/**
 * A demo policy: everyone signed in may read SLA data and ingest or import incidents;
 * improvement plans may be written by the owners of their entity only, and an agreement
 * confirmed by its owners or the members of its customer (conditional decisions, applied by
 * the SLA plugin to the entity); rebuilding published SLA results is kept to the SLA
 * administrators. Service tokens never reach a policy: their accessRestrictions decide.
 */
export class DemoPermissionPolicy implements PermissionPolicy {
  constructor(private readonly userInfo: UserInfoService) {}

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    const { permission } = request;
    if (ADMIN_ONLY.has(permission.name)) {
      const claims = await this.claimsOf(user);
      return {
        result: claims.includes(SLA_ADMIN_GROUP)
          ? AuthorizeResult.ALLOW
          : AuthorizeResult.DENY,
      };
    }
    if (isResourcePermission(permission, SLA_ENTITY_RESOURCE_TYPE)) {
      const claims = await this.claimsOf(user);
      if (claims.length === 0) return { result: AuthorizeResult.DENY };
      if (permission.name === slaTermsConfirmPermission.name) {
        return createSlaConditionalDecision(permission, {
          anyOf: [
            slaConditions.isEntityOwner({ claims }),
            slaConditions.isEntityCustomer({ claims }),
          ],
        });
      }
      // sla.plan.create, sla.plan.update, sla.plan.delete: owners only.
      return createSlaConditionalDecision(
        permission,
        slaConditions.isEntityOwner({ claims }),
      );
    }
    return { result: AuthorizeResult.ALLOW };
  }

  /** The user's ownership refs (the user and its groups); none without a user. */
  private async claimsOf(user?: PolicyQueryUser): Promise<string[]> {
    return user
      ? (await this.userInfo.getUserInfo(user.credentials)).ownershipEntityRefs
      : [];
  }
}

export default createBackendModule({
  pluginId: 'permission',
  moduleId: 'demo-policy',
  register(reg) {
    reg.registerInit({
      deps: { policy: policyExtensionPoint, userInfo: coreServices.userInfo },
      async init({ policy, userInfo }) {
        policy.setPolicy(new DemoPermissionPolicy(userInfo));
      },
    });
  },
});
