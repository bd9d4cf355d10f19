import { mockCredentials } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { Server } from 'http';
import request from 'supertest';
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

describe('the chain outside the tab: suppliers, the catalog, reports', () => {
  let server: Server;
  let denied: Server;
  const user = () => api(server, mockCredentials.user.header());

  beforeAll(async () => {
    server = await startSlaBackend({
      config: { sla: {} },
      entities: [
        ...ENTITIES,
        // Depends on the gateway too, breached nothing: not listed under the contract.
        entity(
          'Component',
          'mail-notify',
          {
            'servicelevel.io/availability': '99%',
            'servicelevel.io/timezone': 'UTC',
          },
          ['resource:default/sms-gateway'],
        ),
      ],
    });
    denied = await startSlaBackend({
      config: { sla: {} },
      entities: ENTITIES,
      permissions: AuthorizeResult.DENY,
    });
    const res = await user()
      .post('/incidents')
      .send({
        incidents: [
          outage(
            'component:default/sms-notify',
            'SMS-1',
            '2026-10-12T10:00:00Z',
            '2026-10-12T11:00:00Z',
          ),
          outage(
            'component:default/mail-notify',
            'MAIL-1',
            '2026-10-12T10:30:00Z',
            '2026-10-12T10:40:00Z',
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

  describe('GET /overview/suppliers', () => {
    it('lists each uc contract under its owner, with the services breached during its outages and the minutes attributed', async () => {
      const res = await user().get('/overview/suppliers?period=2026-10');
      expect(res.status).toBe(200);
      expectMatchesDocument(res);
      expect(res.body.depth).toBe(2);
      expect(res.body.suppliers).toHaveLength(1);
      const [supplier] = res.body.suppliers;
      expect(supplier).toMatchObject({
        key: 'group:default/ops',
        met: 1,
        committed: 2,
        achievementRate: 50,
      });
      expect(supplier.contracts).toHaveLength(1);
      const [gateway] = supplier.contracts;
      expect(gateway).toMatchObject({
        entityRef: 'resource:default/sms-gateway',
        period: { key: '2026-10' },
        complete: true,
        availabilityTarget: 99.9,
        availabilityStatus: 'breached',
        outages: 1,
        downtimeMs: 72 * MIN,
      });
      // mail-notify was down during the gateway's outage too, but met its 99 %.
      expect(gateway.dependents).toEqual([
        {
          entityRef: 'component:default/sms-notify',
          title: 'sms-notify',
          depth: 1,
          agreementType: 'sla',
          breached: ['availability'],
          attributedMs: 42 * MIN,
          downtimeMs: 60 * MIN,
        },
      ]);
    });

    it('answers an empty list for a period without contracts’ dependents breaching', async () => {
      const res = await user().get('/overview/suppliers?period=2026-08');
      expect(res.status).toBe(200);
      expect(res.body.suppliers[0].contracts[0].dependents).toEqual([]);
    });

    it('answers 400 naming a malformed period, 401 and 403', async () => {
      const bad = await user().get('/overview/suppliers?period=October');
      expect(bad.status).toBe(400);
      expectMatchesDocument(bad);
      expect(bad.body.error.message).toMatch(/^period: must match pattern/);
      const both = await user().get(
        '/overview/suppliers?period=2026-10&from=2026-10-01',
      );
      expect(both.status).toBe(400);
      expect(
        (await request(denied).get('/api/sla/overview/suppliers')).status,
      ).toBe(401);
      expect(
        (
          await api(denied, mockCredentials.user.header()).get(
            '/overview/suppliers',
          )
        ).status,
      ).toBe(403);
    });
  });

  it('GET /catalog carries every service’s consistency warnings, as the chain gives them', async () => {
    const res = await user().get('/catalog');
    expect(res.status).toBe(200);
    expectMatchesDocument(res);
    const chain = await user().get(
      '/entities/component/default/sms-notify/chain?period=2026-10',
    );
    expect(
      res.body.dependencyWarnings.filter(
        (w: any) => w.entityRef === 'component:default/sms-notify',
      ),
    ).toEqual(
      chain.body.warnings.map((w: any) => ({
        entityRef: 'component:default/sms-notify',
        ...w,
      })),
    );
    // mail-notify promises 99 %, below its dependency's 99.9 %: no warning.
    expect(
      res.body.dependencyWarnings.map((w: any) => w.entityRef),
    ).not.toContain('component:default/mail-notify');
  });

  describe('the report’s internal section', () => {
    const report = (query: string) =>
      user().get(
        `/entities/component/default/sms-notify/report?period=2026-10&${query}`,
      );

    it('is left out by default, in the documents and the data', async () => {
      const md = await report('format=md');
      expect(md.status).toBe(200);
      expect(md.text).toContain(
        '| Agreement type | SLA (agreement with a customer) |',
      );
      expect(md.text).not.toContain('Downtime attribution');
      expect(md.text).not.toContain('sms-gateway');
      const json = await report('format=json');
      expect(json.status).toBe(200);
      expectMatchesDocument(json);
      expect(json.body.model.services[0].agreementType).toBe('sla');
      expect(json.body.model.services[0]).not.toHaveProperty('internal');
      const csv = await report('format=csv');
      expect(csv.text).toContain(
        'service,component:default/sms-notify,agreement_type,,sla',
      );
      expect(csv.text).not.toContain('attribution');
    });

    it('shows the dependencies with their types and the downtime attributed, with internal=true', async () => {
      const md = await report('format=md&internal=true');
      expect(md.status).toBe(200);
      expect(md.headers['x-sla-report-stored']).toBe('true');
      const section = md.text.slice(md.text.indexOf('#### Internal'));
      expect(section).toContain(
        '| sms-gateway | UC (underpinning contract with a supplier) | 1 |',
      );
      expect(section).toContain(
        '| db-cluster | OLA (internal team agreement) | 1 |',
      );
      expect(section).toContain(
        '| storage-array | no SLA | 2 (via db-cluster (OLA)) |',
      );
      expect(section).toContain(
        '| Availability | 99.87% / 99.95% (Breached) |',
      );
      expect(section).toContain('| Downtime (unplanned) | 1 h |');
      expect(section).toContain('| Own downtime (no dependency down) | 18 m |');
      expect(section).toContain('| During sms-gateway (UC) outages | 42 m |');

      const zh = await report('format=md&internal=true&lang=zh-CN');
      expect(zh.text).toContain('#### 内部：依赖与停机归因');
      expect(zh.text).toContain('| sms-gateway（UC） 停机期间 | 42分 |');

      const json = await report('format=json&internal=true');
      expectMatchesDocument(json);
      expect(json.body.model.services[0].internal.attribution).toMatchObject({
        downtimeMs: 60 * MIN,
        ownMs: 18 * MIN,
        dependencyMs: 42 * MIN,
      });

      const csv = await report('format=csv&internal=true');
      expect(csv.text).toContain(
        'attribution,component:default/sms-notify,attributed_ms:resource:default/sms-gateway,,2520000,,alone_ms: 2520000',
      );
      expect(csv.text).toContain(
        'dependency,component:default/sms-notify,resource:default/sms-gateway,,uc,depth-1,',
      );
    });

    it('answers 400 naming a malformed internal, 401 and 403', async () => {
      const bad = await report('format=md&internal=yes');
      expect(bad.status).toBe(400);
      expectMatchesDocument(bad);
      expect(bad.body.error.message).toMatch(/^internal: /);
      const path =
        '/entities/component/default/sms-notify/report?period=2026-10&internal=true';
      expect((await request(denied).get(`/api/sla${path}`)).status).toBe(401);
      expect(
        (await api(denied, mockCredentials.user.header()).get(path)).status,
      ).toBe(403);
    });
  });
});
