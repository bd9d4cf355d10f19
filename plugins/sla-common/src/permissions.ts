import { createPermission } from '@backstage/plugin-permission-common';

/**
 * Read SLA terms, compliance results, reports and the service catalog.
 * @public
 */
export const slaReadPermission = createPermission({
  name: 'sla.read',
  attributes: { action: 'read' },
});

/**
 * Push or import incidents (the service-desk webhook and CSV import).
 * @public
 */
export const slaIncidentIngestPermission = createPermission({
  name: 'sla.incident.ingest',
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
 * Create, edit and delete service improvement plans.
 * @public
 */
export const slaPlanManagePermission = createPermission({
  name: 'sla.plan.manage',
  attributes: { action: 'update' },
});

/**
 * Every permission the SLA plugin checks, for registration with the permissions registry.
 * @public
 */
export const slaPermissions = [
  slaReadPermission,
  slaIncidentIngestPermission,
  slaSnapshotRecomputePermission,
  slaPlanManagePermission,
];
