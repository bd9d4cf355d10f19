import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  slaPlanCreatePermission,
  slaTermsConfirmPermission,
} from '@servicelevel/plugin-sla-common';
import { createSlaConditionalDecision, slaConditions } from './conditions';
import { claimsParamsSchema, isEntityCustomer, isEntityOwner } from './rules';

const CAD = {
  entityRef: 'component:default/cad-core',
  ownerRef: 'group:default/dispatch-platform',
  customerRef: 'group:default/dispatch-center',
};

const validate = (value: unknown) =>
  claimsParamsSchema['~standard'].validate(value);

describe('sla-entity rules', () => {
  it('isEntityOwner applies when the owner is among the claims, in any case', () => {
    const owner = (claims: string[]) => isEntityOwner.apply(CAD, { claims });
    expect(
      owner(['user:default/olivia', 'group:default/dispatch-platform']),
    ).toBe(true);
    expect(owner(['Group:Default/Dispatch-Platform'])).toBe(true);
    expect(owner(['group:default/dispatch-center'])).toBe(false);
    expect(owner([])).toBe(false);
    expect(
      isEntityOwner.apply(
        { entityRef: CAD.entityRef },
        { claims: ['group:default/dispatch-platform'] },
      ),
    ).toBe(false);
  });

  it('isEntityCustomer applies when the customer is among the claims', () => {
    const customer = (claims: string[]) =>
      isEntityCustomer.apply(CAD, { claims });
    expect(customer(['group:default/dispatch-center'])).toBe(true);
    expect(customer(['group:default/dispatch-platform'])).toBe(false);
    expect(
      isEntityCustomer.apply(
        { entityRef: CAD.entityRef, ownerRef: CAD.ownerRef },
        { claims: ['group:default/dispatch-center'] },
      ),
    ).toBe(false);
  });

  it('translates to a query on the field, with lower-case refs', () => {
    expect(isEntityOwner.toQuery({ claims: ['Group:default/A'] })).toEqual({
      key: 'ownerRef',
      values: ['group:default/a'],
    });
    expect(isEntityCustomer.toQuery({ claims: ['group:default/b'] })).toEqual({
      key: 'customerRef',
      values: ['group:default/b'],
    });
  });

  it('validates its parameters and describes them as JSON Schema', () => {
    expect(validate({ claims: ['group:default/a'] })).toEqual({
      value: { claims: ['group:default/a'] },
    });
    for (const bad of [{}, { claims: 'group:default/a' }, { claims: [1] }]) {
      expect(validate(bad)).toEqual({
        issues: [{ message: 'claims: expected an array of entity refs' }],
      });
    }
    expect(
      claimsParamsSchema['~standard'].jsonSchema.input({
        target: 'draft-07',
      }),
    ).toMatchObject({
      type: 'object',
      required: ['claims'],
      properties: { claims: { type: 'array', items: { type: 'string' } } },
    });
  });
});

describe('slaConditions and createSlaConditionalDecision', () => {
  it('build the conditional decisions a policy returns', () => {
    const claims = ['user:default/guest', 'group:default/dispatch-platform'];
    /** A rule of the sla-entity resource type applied to `claims`. */
    const condition = (rule: string) => ({
      rule,
      resourceType: 'sla-entity',
      params: { claims },
    });
    expect(
      createSlaConditionalDecision(
        slaPlanCreatePermission,
        slaConditions.isEntityOwner({ claims }),
      ),
    ).toEqual({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'sla',
      resourceType: 'sla-entity',
      conditions: condition('IS_ENTITY_OWNER'),
    });
    expect(
      createSlaConditionalDecision(slaTermsConfirmPermission, {
        anyOf: [
          slaConditions.isEntityOwner({ claims }),
          slaConditions.isEntityCustomer({ claims }),
        ],
      }).conditions,
    ).toEqual({
      anyOf: [condition('IS_ENTITY_OWNER'), condition('IS_ENTITY_CUSTOMER')],
    });
  });
});
