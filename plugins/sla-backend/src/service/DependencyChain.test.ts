import { mockCredentials } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import type { Server } from 'http';
import { expectMatchesDocument } from '../schema/__testUtils__/expectMatchesDocument';
import { api, startSlaBackend } from '../__testUtils__/testBackend';

jest.setTimeout(60_000);

const MIN = 60_000;

function entity(
  kind: 'Component' | 'Resource',
  name: string,
  annotations: Record<string, string>,
  dependsOn: string[] = [],
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind,
    metadata: { name, namespace: 'default', title: name, annotations },
    spec: { type: 'service', owner: 'group:default/ops' },
    relations: [
      { type: 'ownedBy', targetRef: 'group:default/ops' },
      ...dependsOn.map(targetRef => ({ type: 'dependsOn', targetRef })),
    ],
  };
}

const ENTITIES = [
  entity(
    'Component',
    'sms-notify',
    {
      'servicelevel.io/availability': '99.95%',
      'servicelevel.io/resolution-time': 'P1=4h',
      'servicelevel.io/timezone': 'UTC',
    },
    ['resource:default/sms-gateway', 'resource:default/db-cluster'],
  ),
  entity('Resource', 'sms-gateway', {
    'servicelevel.io/agreement-type': 'uc',
    'servicelevel.io/availability': '99.9%',
    'servicelevel.io/resolution-time': 'P1=8h',
    'servicelevel.io/timezone': 'UTC',
  }),
  entity(
    'Resource',
    'db-cluster',
    {
      'servicelevel.io/agreement-type': 'ola',
      'servicelevel.io/availability': '99.99%',
      'servicelevel.io/timezone': 'UTC',
    },
    ['resource:default/storage-array'],
  ),
  // No SLA of its own: listed, and its outages would still count.
  entity('Resource', 'storage-array', {}),
];

const outage = (entityRef: string, id: string, start: string, end: string) => ({
  source: 'api',
  id,
  entityRef,
  title: id,
  priority: 'P1',
  createdAt: start,
  resolvedAt: end,
  outage: { start, end },
});

describe('GET /entities/{…}/chain', () => {
  let server: Server;
  const user = () => api(server, mockCredentials.user.header());

  beforeAll(async () => {
    server = await startSlaBackend({
      config: { sla: {} },
      entities: ENTITIES,
    });
    const res = await user()
      .post('/incidents')
      .send({
        incidents: [
          // The service is down 60 min; the SMS gateway from 18 min in, for 72 min. Dependencies
          // are listed in ref order (the catalog sync sorts dependsOn).
          outage(
            'component:default/sms-notify',
            'SMS-1',
            '2026-10-12T10:00:00Z',
            '2026-10-12T11:00:00Z',
          ),
          outage(
            'resource:default/sms-gateway',
            'GW-1',
            '2026-10-12T10:18:00Z',
            '2026-10-12T11:30:00Z',
          ),
        ],
      });
    if (res.status !== 200) throw new Error(`seeding: ${res.text}`);
  });

  it('attributes the downtime to the dependency down at the time: 42 of 60 min', async () => {
    const res = await user().get(
      '/entities/component/default/sms-notify/chain?period=2026-10',
    );
    expect(res.status).toBe(200);
    expectMatchesDocument(res);
    expect(res.body.attribution).toEqual({
      downtimeMs: 60 * MIN,
      dependencyMs: 42 * MIN,
      ownMs: 18 * MIN,
      dependencies: [
        { ref: 'resource:default/db-cluster', attributedMs: 0, soleMs: 0 },
        {
          ref: 'resource:default/sms-gateway',
          attributedMs: 42 * MIN,
          soleMs: 42 * MIN,
        },
        { ref: 'resource:default/storage-array', attributedMs: 0, soleMs: 0 },
      ],
      bySet: [{ refs: ['resource:default/sms-gateway'], ms: 42 * MIN }],
    });
  });

  it('lists the chain two levels deep with each one’s agreement type and result', async () => {
    const res = await user().get(
      '/entities/component/default/sms-notify/chain?period=2026-10',
    );
    expect(res.body.agreementType).toBe('sla');
    expect(
      res.body.dependencies.map((d: any) => [
        d.entityRef,
        d.depth,
        d.via,
        d.hasSla,
        d.agreementType,
        d.availabilityTarget,
        d.availabilityStatus,
      ]),
    ).toEqual([
      ['resource:default/db-cluster', 1, undefined, true, 'ola', 99.99, 'met'],
      [
        'resource:default/sms-gateway',
        1,
        undefined,
        true,
        'uc',
        99.9,
        'breached',
      ],
      [
        'resource:default/storage-array',
        2,
        'resource:default/db-cluster',
        false,
        undefined,
        undefined,
        undefined,
      ],
    ]);
  });

  it('warns of targets its dependencies cannot support', async () => {
    const res = await user().get(
      '/entities/component/default/sms-notify/chain?period=2026-10',
    );
    expect(
      res.body.warnings.map((w: any) => [
        w.code,
        w.dependency ?? w.dependencies,
      ]),
    ).toEqual([
      ['dependency-availability-below', 'resource:default/sms-gateway'],
      [
        'chain-availability-below',
        ['resource:default/db-cluster', 'resource:default/sms-gateway'],
      ],
      ['resolution-target-shorter', 'resource:default/sms-gateway'],
    ]);
    expect(res.body.warnings[0].message).toBe(
      'You promise 99.95%, but you depend on sms-gateway at 99.9%.',
    );
  });

  it('answers 400 naming a malformed period and 404 for an entity without an SLA', async () => {
    const bad = await user().get(
      '/entities/component/default/sms-notify/chain?period=October',
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^period: must match pattern/);
    const none = await user().get(
      '/entities/resource/default/storage-array/chain',
    );
    expect(none.status).toBe(404);
  });
});
