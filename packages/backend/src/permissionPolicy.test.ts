import { mockCredentials } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  slaReadPermission,
  slaSnapshotRecomputePermission,
} from '@servicelevel/plugin-sla-common';
import { DemoPermissionPolicy, SLA_ADMIN_GROUP } from './permissionPolicy';

function user(ownershipEntityRefs: string[]) {
  return {
    credentials: mockCredentials.user('user:default/someone'),
    info: { userEntityRef: 'user:default/someone', ownershipEntityRefs },
  };
}

describe('DemoPermissionPolicy', () => {
  let currentOwnership = {
    userEntityRef: 'user:default/someone',
    ownershipEntityRefs: [] as string[],
  };
  const userInfo = {
    getUserInfo: jest.fn(async () => currentOwnership),
  };
  const policy = new DemoPermissionPolicy(userInfo);

  it('lets every signed-in user read SLA data', async () => {
    await expect(
      policy.handle({ permission: slaReadPermission }, user([])),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
  });

  it('keeps snapshot recomputes to the SLA admin group', async () => {
    currentOwnership = {
      userEntityRef: 'user:default/someone',
      ownershipEntityRefs: [],
    };
    await expect(
      policy.handle({ permission: slaSnapshotRecomputePermission }, user([])),
    ).resolves.toEqual({ result: AuthorizeResult.DENY });
    currentOwnership = {
      userEntityRef: 'user:default/someone',
      ownershipEntityRefs: ['user:default/someone', SLA_ADMIN_GROUP],
    };
    await expect(
      policy.handle(
        { permission: slaSnapshotRecomputePermission },
        user([SLA_ADMIN_GROUP]),
      ),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
  });
});
