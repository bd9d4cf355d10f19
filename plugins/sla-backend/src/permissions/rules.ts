import { createPermissionRule } from '@backstage/plugin-permission-node';
import { SlaEntityResource, slaEntityResourceRef } from './resource';

/** The parameters of both rules: the caller's claims (user and group refs). */
export type ClaimsParams = {
  /** Entity refs, e.g. a user's ownershipEntityRefs; compared case-insensitively. */
  claims: string[];
};

const CLAIMS_JSON_SCHEMA = {
  type: 'object',
  required: ['claims'],
  additionalProperties: false,
  properties: {
    claims: {
      type: 'array',
      description:
        'Entity refs of the caller, e.g. the user and its groups (ownershipEntityRefs)',
      items: { type: 'string', minLength: 1 },
    },
  },
};

/**
 * A Standard Schema (with its JSON Schema) for `{ claims: string[] }`: the permission backend
 * validates a policy's parameters with it and lists it in the plugin's metadata.
 */
export const claimsParamsSchema = {
  '~standard': {
    version: 1 as const,
    vendor: 'sla',
    validate(value: unknown) {
      const claims = (value as { claims?: unknown } | null)?.claims;
      if (
        !Array.isArray(claims) ||
        claims.some(c => typeof c !== 'string' || c === '')
      ) {
        return {
          issues: [{ message: 'claims: expected an array of entity refs' }],
        };
      }
      return { value: { claims: claims as string[] } };
    },
    jsonSchema: {
      // The same for every target (draft-07, 2020-12): the schema uses neither's specifics.
      input: (_options: { target: string }) => CLAIMS_JSON_SCHEMA,
      output: (_options: { target: string }) => CLAIMS_JSON_SCHEMA,
    },
  },
};

const lower = (claims: string[]) => claims.map(c => c.toLowerCase());

const oneOf = (ref: string | undefined, claims: string[]) =>
  ref !== undefined && lower(claims).includes(ref.toLowerCase());

/** Allows when the entity's owner is among the claims. */
export const isEntityOwner = createPermissionRule<
  typeof slaEntityResourceRef,
  ClaimsParams
>({
  name: 'IS_ENTITY_OWNER',
  description:
    "Allow when the entity's owner (spec.owner) is among the given claims",
  resourceRef: slaEntityResourceRef,
  paramsSchema: claimsParamsSchema,
  apply: (resource: SlaEntityResource, { claims }: ClaimsParams) =>
    oneOf(resource.ownerRef, claims),
  toQuery: ({ claims }: ClaimsParams) => ({
    key: 'ownerRef' as const,
    values: lower(claims),
  }),
});

/** Allows when the entity's customer (servicelevel.io/customer) is among the claims. */
export const isEntityCustomer = createPermissionRule<
  typeof slaEntityResourceRef,
  ClaimsParams
>({
  name: 'IS_ENTITY_CUSTOMER',
  description:
    "Allow when the customer of the entity's terms (servicelevel.io/customer) is among the given claims",
  resourceRef: slaEntityResourceRef,
  paramsSchema: claimsParamsSchema,
  apply: (resource: SlaEntityResource, { claims }: ClaimsParams) =>
    oneOf(resource.customerRef, claims),
  toQuery: ({ claims }: ClaimsParams) => ({
    key: 'customerRef' as const,
    values: lower(claims),
  }),
});

/** The rules of the `sla-entity` resource type. */
export const slaEntityRules = { isEntityOwner, isEntityCustomer };
