import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import {
  PermissionCondition,
  PermissionCriteria,
} from '@backstage/plugin-permission-common';
import type { Server } from 'http';
import request from 'supertest';
import { startSlaBackend } from '../__testUtils__/testBackend';
import {
  CAD,
  CONFIG,
  CUSTOMER,
  ENTITIES,
  GIS,
} from '../plans/__testUtils__/testBackend';
import { slaConditions } from './conditions';

// Starting a backend on a fresh database can take longer than Jest's default.
jest.setTimeout(120_000);

const APPLY = '/api/sla/.well-known/backstage/permissions/apply-conditions';
const DISPATCH_PLATFORM = 'group:default/dispatch-platform';

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

/**
 * The sla-entity resource type as the permission backend uses it: it posts a policy's
 * conditions and the entity refs to the plugin, which loads the entities from its own store
 * and applies its rules.
 */
describe.each(databases.eachSupportedId())(
  'the sla-entity resource type, %p',
  databaseId => {
    let server: Server;

    beforeAll(async () => {
      server = await startSlaBackend({
        config: CONFIG,
        entities: ENTITIES,
        knex: await databases.init(databaseId),
      });
    });

    async function apply(
      conditions: PermissionCriteria<PermissionCondition>,
      resourceRefs: string[],
    ) {
      const res = await request(server)
        .post(APPLY)
        .set('Authorization', mockCredentials.service.header())
        .send({
          items: resourceRefs.map((resourceRef, i) => ({
            id: String(i),
            resourceRef,
            resourceType: 'sla-entity',
            conditions,
          })),
        });
      expect(res.status).toBe(200);
      return res.body.items.map((item: { result: string }) => item.result);
    }

    it('applies isEntityOwner to the owner in the plugin store', async () => {
      const owners = slaConditions.isEntityOwner({
        claims: ['user:default/guest', DISPATCH_PLATFORM],
      });
      await expect(
        apply(owners, [CAD, GIS, 'component:default/unknown']),
      ).resolves.toEqual(['ALLOW', 'DENY', 'DENY']);
    });

    it('applies isEntityCustomer to the customer of the latest terms', async () => {
      const customers = slaConditions.isEntityCustomer({ claims: [CUSTOMER] });
      await expect(apply(customers, [CAD, GIS])).resolves.toEqual([
        'ALLOW',
        'ALLOW',
      ]);
      const others = slaConditions.isEntityCustomer({
        claims: [DISPATCH_PLATFORM],
      });
      await expect(apply(others, [CAD])).resolves.toEqual(['DENY']);
    });

    it('publishes the rules and their parameters in the metadata', async () => {
      const res = await request(server)
        .get('/api/sla/.well-known/backstage/permissions/metadata')
        .set('Authorization', mockCredentials.service.header());
      expect(res.status).toBe(200);
      expect(
        res.body.rules.map((r: { name: string; resourceType: string }) => [
          r.name,
          r.resourceType,
        ]),
      ).toEqual([
        ['IS_ENTITY_OWNER', 'sla-entity'],
        ['IS_ENTITY_CUSTOMER', 'sla-entity'],
      ]);
      expect(res.body.rules[0].paramsSchema).toMatchObject({
        required: ['claims'],
      });
      expect(
        res.body.permissions.map((p: { name: string }) => p.name),
      ).toContain('sla.plan.create');
    });

    it('refuses a user calling the endpoint directly (403)', async () => {
      const res = await request(server)
        .post(APPLY)
        .set('Authorization', mockCredentials.user.header())
        .send({ items: [] });
      expect(res.status).toBe(403);
    });
  },
);
