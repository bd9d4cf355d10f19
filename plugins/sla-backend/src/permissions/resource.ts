import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { createPermissionResourceRef } from '@backstage/plugin-permission-node';
import { SLA_ENTITY_RESOURCE_TYPE } from '@servicelevel/plugin-sla-common';
import type { EntityStore, TermsStore } from '../database/types';

/**
 * What the `sla-entity` rules see of an entity with an SLA. Refs are full and lower case.
 * @public
 */
export interface SlaEntityResource {
  entityRef: string;
  /** The owner (spec.owner), e.g. `group:default/dispatch-platform`. */
  ownerRef?: string;
  /** The customer of the latest terms (`servicelevel.io/customer`, or its tier's). */
  customerRef?: string;
}

/**
 * The query form of the rules: the entity field and the refs it must be one of. The plugin
 * filters no lists by it (every `sla-entity` permission is checked for one entity).
 * @public
 */
export interface SlaEntityQuery {
  key: 'ownerRef' | 'customerRef';
  values: string[];
}

/**
 * The `sla-entity` resource type of plugin `sla`: the resource permissions on one entity
 * (plan create/update/delete, agreement confirmation), with the entity ref as resourceRef.
 * @public
 */
export const slaEntityResourceRef = createPermissionResourceRef<
  SlaEntityResource,
  SlaEntityQuery
>().with({ pluginId: 'sla', resourceType: SLA_ENTITY_RESOURCE_TYPE });

/** A customer as written (short or full ref) as a full lower-case ref; kind defaults to group. */
export function normalizeCustomerRef(raw: string): string {
  try {
    return stringifyEntityRef(
      parseEntityRef(raw.trim(), {
        defaultKind: 'group',
        defaultNamespace: 'default',
      }),
    ).toLowerCase();
  } catch {
    return raw.trim().toLowerCase();
  }
}

/**
 * The `getResources` of the resource type: each ref's entity from the plugin's store (owner)
 * and its latest terms (customer); undefined for a ref the plugin does not know, or that left
 * the catalog, so a conditional decision on it is a denial.
 */
export function createSlaEntityResourceLoader(stores: {
  entities: EntityStore;
  terms: TermsStore;
}) {
  const { entities, terms } = stores;
  return async (
    resourceRefs: string[],
  ): Promise<Array<SlaEntityResource | undefined>> =>
    Promise.all(
      resourceRefs.map(async raw => {
        const entityRef = raw.toLowerCase();
        const entity = await entities.getEntity(entityRef);
        if (!entity || entity.removedAt !== undefined) return undefined;
        const versions = await terms.listVersions(entityRef);
        const customer = versions[versions.length - 1]?.terms.customer;
        return {
          entityRef,
          ...(entity.ownerRef
            ? { ownerRef: entity.ownerRef.toLowerCase() }
            : {}),
          ...(customer ? { customerRef: normalizeCustomerRef(customer) } : {}),
        };
      }),
    );
}
