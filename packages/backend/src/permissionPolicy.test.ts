import { mockCredentials } from '@backstage/backend-test-utils';
import {
  AuthorizeResult,
  ConditionalPolicyDecision,
  createPermission,
  PermissionCondition,
  PermissionCriteria,
} from '@backstage/plugin-permission-common';
import {
  isEntityCustomer,
  isEntityOwner,
  SlaEntityResource,
} from '@servicelevel/plugin-sla-backend';
import {
  slaIncidentImportPermission,
  slaIncidentIngestPermission,
  slaPlanCreatePermission,
  slaPlanDeletePermission,
  slaPlanUpdatePermission,
  slaReadPermission,
  slaReportRegeneratePermission,
  slaSnapshotRecomputePermission,
  slaTermsConfirmPermission,
} from '@servicelevel/plugin-sla-common';
import { DemoPermissionPolicy, SLA_ADMIN_GROUP } from './permissionPolicy';

/** The guest of examples/org.yaml: a member of dispatch-platform. */
const GUEST = ['user:default/guest', 'group:default/dispatch-platform'];

/** Two services of examples/entities.yaml, as the SLA plugin loads them. */
const CAD_CORE: SlaEntityResource = {
  entityRef: 'component:default/cad-core',
  ownerRef: 'group:default/dispatch-platform',
  customerRef: 'group:default/dispatch-center',
};
const RADIO_GATEWAY: SlaEntityResource = {
  entityRef: 'component:default/radio-gateway',
  ownerRef: 'group:default/field-ops',
  customerRef: 'group:default/dispatch-center',
};

const RULES = {
  [isEntityOwner.name]: isEntityOwner,
  [isEntityCustomer.name]: isEntityCustomer,
};

/** Applies a conditional decision to a resource as the SLA plugin does. */
function applies(
  criteria: PermissionCriteria<PermissionCondition>,
  resource: SlaEntityResource,
): boolean {
  if ('anyOf' in criteria)
    return criteria.anyOf.some(c => applies(c, resource));
  if ('allOf' in criteria)
    return criteria.allOf.every(c => applies(c, resource));
  if ('not' in criteria) return !applies(criteria.not, resource);
  return RULES[criteria.rule].apply(resource, criteria.params as never);
}

describe('DemoPermissionPolicy', () => {
  let ownership: string[] = [];
  const userInfo = {
    getUserInfo: jest.fn(async () => ({
      userEntityRef: 'user:default/someone',
      ownershipEntityRefs: ownership,
    })),
  };
  const policy = new DemoPermissionPolicy(userInfo);
  const user = (refs: string[]) => {
    ownership = refs;
    return {
      credentials: mockCredentials.user('user:default/someone'),
      info: {
        userEntityRef: 'user:default/someone',
        ownershipEntityRefs: refs,
      },
    };
  };

  it.each([
    slaReadPermission,
    slaIncidentIngestPermission,
    slaIncidentImportPermission,
  ])('lets every signed-in user have $name', async permission => {
    await expect(policy.handle({ permission }, user([]))).resolves.toEqual({
      result: AuthorizeResult.ALLOW,
    });
  });

  it.each([slaSnapshotRecomputePermission, slaReportRegeneratePermission])(
    'keeps $name to the SLA admin group',
    async permission => {
      await expect(policy.handle({ permission }, user([]))).resolves.toEqual({
        result: AuthorizeResult.DENY,
      });
      await expect(
        policy.handle({ permission }, user([SLA_ADMIN_GROUP])),
      ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
    },
  );

  it.each([
    slaPlanCreatePermission,
    slaPlanUpdatePermission,
    slaPlanDeletePermission,
  ])(
    "answers $name with isEntityOwner on the user's ownership refs",
    async permission => {
      const decision = (await policy.handle(
        { permission },
        user(GUEST),
      )) as ConditionalPolicyDecision;
      expect(decision).toEqual({
        result: AuthorizeResult.CONDITIONAL,
        pluginId: 'sla',
        resourceType: 'sla-entity',
        conditions: {
          rule: 'IS_ENTITY_OWNER',
          resourceType: 'sla-entity',
          params: { claims: GUEST },
        },
      });
      // The guest may write plans on dispatch-platform's services, not on field-ops'.
      expect(applies(decision.conditions, CAD_CORE)).toBe(true);
      expect(applies(decision.conditions, RADIO_GATEWAY)).toBe(false);
    },
  );

  it("answers sla.terms.confirm with the entity's owners or its customer's members", async () => {
    const guest = (await policy.handle(
      { permission: slaTermsConfirmPermission },
      user(GUEST),
    )) as ConditionalPolicyDecision;
    expect(guest.result).toBe(AuthorizeResult.CONDITIONAL);
    expect(applies(guest.conditions, CAD_CORE)).toBe(true);
    expect(applies(guest.conditions, RADIO_GATEWAY)).toBe(false);
    const customer = (await policy.handle(
      { permission: slaTermsConfirmPermission },
      user(['user:default/carl', 'group:default/dispatch-center']),
    )) as ConditionalPolicyDecision;
    expect(applies(customer.conditions, RADIO_GATEWAY)).toBe(true);
  });

  it('denies the entity permissions without a user', async () => {
    await expect(
      policy.handle({ permission: slaPlanCreatePermission }),
    ).resolves.toEqual({ result: AuthorizeResult.DENY });
  });

  it("leaves other plugins' resource permissions allowed", async () => {
    const catalogRead = createPermission({
      name: 'catalog.entity.read',
      attributes: { action: 'read' },
      resourceType: 'catalog-entity',
    });
    await expect(
      policy.handle({ permission: catalogRead }, user([])),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
  });
});
