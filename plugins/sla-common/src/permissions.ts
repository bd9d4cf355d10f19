import { createPermission } from '@backstage/plugin-permission-common';

/**
 * The resource type of the SLA plugin's resource permissions: an entity with an SLA,
 * identified by its entity ref (e.g. `component:default/cad-core`). Its rules
 * (`isEntityOwner`, `isEntityCustomer`) are registered by the SLA backend.
 * @public
 */
export const SLA_ENTITY_RESOURCE_TYPE = 'sla-entity';

/**
 * Read SLA terms, compliance results, reports and the service catalog.
 * @public
 */
export const slaReadPermission = createPermission({
  name: 'sla.read',
  attributes: { action: 'read' },
});

/**
 * Push incidents as JSON (`POST /incidents`, the service-desk webhook).
 * @public
 */
export const slaIncidentIngestPermission = createPermission({
  name: 'sla.incident.ingest',
  attributes: { action: 'create' },
});

/**
 * Import incidents from a CSV file (`POST /incidents/import`).
 * @public
 */
export const slaIncidentImportPermission = createPermission({
  name: 'sla.incident.import',
  attributes: { action: 'create' },
});

/**
 * Rebuild closed-period snapshots on purpose; published results change, so it is audited.
 * @public
 */
export const slaSnapshotRecomputePermission = createPermission({
  name: 'sla.snapshot.recompute',
  attributes: { action: 'update' },
});

/**
 * Regenerate a stored period report on purpose (`POST /reports/regenerate`); audited.
 * @public
 */
export const slaReportRegeneratePermission = createPermission({
  name: 'sla.report.regenerate',
  attributes: { action: 'update' },
});

/**
 * Create an improvement plan for an entity; a resource permission on the plan's entity.
 * @public
 */
export const slaPlanCreatePermission = createPermission({
  name: 'sla.plan.create',
  attributes: { action: 'create' },
  resourceType: SLA_ENTITY_RESOURCE_TYPE,
});

/**
 * Change an improvement plan (fields, status, actions); a resource permission on the plan's entity.
 * @public
 */
export const slaPlanUpdatePermission = createPermission({
  name: 'sla.plan.update',
  attributes: { action: 'update' },
  resourceType: SLA_ENTITY_RESOURCE_TYPE,
});

/**
 * Delete an improvement plan; a resource permission on the plan's entity.
 * @public
 */
export const slaPlanDeletePermission = createPermission({
  name: 'sla.plan.delete',
  attributes: { action: 'delete' },
  resourceType: SLA_ENTITY_RESOURCE_TYPE,
});

/**
 * Confirm the entity's agreement (its latest terms version); a resource permission on the entity.
 * @public
 */
export const slaTermsConfirmPermission = createPermission({
  name: 'sla.terms.confirm',
  attributes: { action: 'create' },
  resourceType: SLA_ENTITY_RESOURCE_TYPE,
});

/**
 * Every permission the SLA plugin checks, for registration with the permissions registry.
 * @public
 */
export const slaPermissions = [
  slaReadPermission,
  slaIncidentIngestPermission,
  slaIncidentImportPermission,
  slaSnapshotRecomputePermission,
  slaReportRegeneratePermission,
  slaPlanCreatePermission,
  slaPlanUpdatePermission,
  slaPlanDeletePermission,
  slaTermsConfirmPermission,
];
