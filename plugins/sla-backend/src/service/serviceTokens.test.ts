import {
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { authServiceFactory } from '@backstage/backend-defaults/auth';
import { httpAuthServiceFactory } from '@backstage/backend-defaults/httpAuth';
import { permissionsServiceFactory } from '@backstage/backend-defaults/permissions';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { Server } from 'http';
import request from 'supertest';
import { slaPlugin } from '../plugin';
import { CAD, ENTITIES } from '../plans/__testUtils__/testBackend';

// Starting a backend on a fresh database can take longer than Jest's default.
jest.setTimeout(120_000);

const WEBHOOK_TOKEN = 'service-desk-webhook-token-for-tests';
const WIDE_TOKEN = 'token-restricted-to-the-plugin-only';

/**
 * The real auth, httpAuth and permissions services, configured as docs/configuration.md and
 * app-config.production.yaml say. Backstage decides for a service principal from its token's
 * access restrictions alone and never asks the policy, so the token must name the
 * permissions it needs: sla.incident.ingest and sla.incident.import.
 */
const CONFIG = {
  permission: { enabled: true },
  backend: {
    auth: {
      externalAccess: [
        {
          type: 'static',
          options: { token: WEBHOOK_TOKEN, subject: 'service-desk-webhook' },
          accessRestrictions: [
            {
              plugin: 'sla',
              permission: ['sla.incident.ingest', 'sla.incident.import'],
            },
          ],
        },
        {
          type: 'static',
          options: { token: WIDE_TOKEN, subject: 'plugin-only' },
          accessRestrictions: [{ plugin: 'sla' }],
        },
      ],
    },
  },
  sla: { defaultTimezone: 'UTC' },
};

const incident = {
  source: 'servicenow',
  id: 'INC0001',
  entityRef: CAD,
  title: 'CAD dispatch slow',
  priority: 'P2',
  createdAt: '2026-11-02T08:00:00Z',
  acknowledgedAt: '2026-11-02T08:10:00Z',
};

const NEW_PLAN = {
  entityRef: CAD,
  title: 'Faster first response',
  origin: { type: 'other' },
  owner: 'group:default/dispatch-platform',
  targetDate: '2026-12-31',
};

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

describe.each(databases.eachSupportedId())(
  'service tokens configured as documented, %p',
  databaseId => {
    let server: Server;

    beforeAll(async () => {
      const knex = await databases.init(databaseId);
      ({ server } = await startTestBackend({
        features: [
          slaPlugin,
          mockServices.rootConfig.factory({ data: CONFIG }),
          mockServices.database.factory({ knex }),
          authServiceFactory,
          httpAuthServiceFactory,
          permissionsServiceFactory,
          mockServices.scheduler.factory(),
          catalogServiceMock.factory({ entities: ENTITIES }),
        ],
      }));
    });

    const webhook = `Bearer ${WEBHOOK_TOKEN}`;

    let planId: string;

    it('lets the webhook token ingest incidents', async () => {
      const res = await request(server)
        .post('/api/sla/incidents')
        .set('Authorization', webhook)
        .send({ incidents: [incident] });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ inserted: 1, updated: 0 });
    });

    it('lets the webhook token import incidents from CSV', async () => {
      const res = await request(server)
        .post('/api/sla/incidents/import')
        .set('Authorization', webhook)
        .set('Content-Type', 'text/csv')
        .send(
          'source,id,entityRef,title,priority,createdAt\n' +
            `servicenow,INC0002,${CAD},Map tiles missing,P3,2026-11-03T09:00:00Z\n`,
        );
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ inserted: 1, updated: 0, rows: 1 });
    });

    it('has a plan to aim at (created with the plugin-wide token)', async () => {
      const res = await request(server)
        .post('/api/sla/plans')
        .set('Authorization', `Bearer ${WIDE_TOKEN}`)
        .send(NEW_PLAN);
      expect(res.status).toBe(201);
      planId = res.body.id;
    });

    it.each([
      [
        'recompute',
        'post',
        '/api/sla/snapshots/recompute',
        { period: '2026-10' },
      ],
      [
        'regenerate a report',
        'post',
        '/api/sla/reports/regenerate',
        { subjectKind: 'entity', subjectRef: CAD, period: '2026-10' },
      ],
      ['create a plan', 'post', '/api/sla/plans', NEW_PLAN],
      ['change a plan', 'patch', '/api/sla/plans/:id', { title: 'x' }],
      ['delete a plan', 'delete', '/api/sla/plans/:id', undefined],
      [
        'confirm an agreement',
        'post',
        '/api/sla/entities/component/default/cad-core/confirmation',
        { termsVersion: 1 },
      ],
      [
        'read compliance',
        'get',
        '/api/sla/entities/component/default/cad-core/compliance',
        undefined,
      ],
    ] as const)(
      'refuses the webhook token to %s (403)',
      async (_what, method, path, body) => {
        const req = request(server)
          [method](path.replace(':id', planId))
          .set('Authorization', webhook);
        const res = await (body ? req.send(body) : req);
        expect(res.status).toBe(403);
        expect(res.body.error.name).toBe('NotAllowedError');
      },
    );

    it('left the plan as it was', async () => {
      const res = await request(server)
        .get(`/api/sla/plans/${planId}`)
        .set('Authorization', `Bearer ${WIDE_TOKEN}`);
      expect(res.status).toBe(200);
      expect(res.body.title).toBe(NEW_PLAN.title);
    });

    it('shows why the plugin-only restriction is not enough: such a token may recompute', async () => {
      const res = await request(server)
        .post('/api/sla/snapshots/recompute')
        .set('Authorization', `Bearer ${WIDE_TOKEN}`)
        .send({ period: '2026-10', entityRef: CAD });
      expect(res.status).toBe(200);
    });

    it('refuses a request without credentials (401)', async () => {
      const res = await request(server)
        .post('/api/sla/incidents')
        .send({ incidents: [incident] });
      expect(res.status).toBe(401);
    });
  },
);
