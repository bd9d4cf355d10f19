import { isResourcePermission } from '@backstage/plugin-permission-common';
import { SLA_ENTITY_RESOURCE_TYPE, slaPermissions } from './permissions';

describe('slaPermissions', () => {
  it('lists every permission once, by name and action', () => {
    expect(
      slaPermissions.map(p => [p.name, p.attributes.action ?? 'none']),
    ).toEqual([
      ['sla.read', 'read'],
      ['sla.incident.ingest', 'create'],
      ['sla.incident.import', 'create'],
      ['sla.snapshot.recompute', 'update'],
      ['sla.report.regenerate', 'update'],
      ['sla.plan.create', 'create'],
      ['sla.plan.update', 'update'],
      ['sla.plan.delete', 'delete'],
      ['sla.terms.confirm', 'create'],
    ]);
  });

  it('makes the plan and confirmation permissions resource permissions on sla-entity', () => {
    const onEntities = slaPermissions
      .filter(p => isResourcePermission(p, SLA_ENTITY_RESOURCE_TYPE))
      .map(p => p.name);
    expect(onEntities).toEqual([
      'sla.plan.create',
      'sla.plan.update',
      'sla.plan.delete',
      'sla.terms.confirm',
    ]);
    expect(
      slaPermissions.filter(p => p.type === 'basic').map(p => p.name),
    ).toEqual([
      'sla.read',
      'sla.incident.ingest',
      'sla.incident.import',
      'sla.snapshot.recompute',
      'sla.report.regenerate',
    ]);
  });
});
