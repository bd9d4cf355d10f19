import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { usePermission } from '@backstage/plugin-permission-react';

/**
 * Whether the user holds an SLA resource permission (resource type `sla-entity`) on an
 * entity: the resource ref is the entity's ref in lower case, `kind:namespace/name`, as the
 * backend checks it. `loading` while the permission API answers; denied without an entity.
 */
export function usePermissionOn(
  permission: Extract<
    Parameters<typeof usePermission>[0],
    { resourceRef: string | undefined }
  >['permission'],
  entityRef: string | undefined,
): { allowed: boolean; loading: boolean } {
  // Without an entity (not loaded yet) nothing is asked: usePermission denies.
  const resourceRef =
    entityRef === undefined
      ? undefined
      : stringifyEntityRef(
          parseEntityRef(entityRef, { defaultKind: 'component' }),
        ).toLowerCase();
  const { allowed, loading } = usePermission({ permission, resourceRef });
  return { allowed, loading };
}
