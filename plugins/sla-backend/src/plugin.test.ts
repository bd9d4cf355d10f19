import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import request from 'supertest';
import { slaPlugin } from './plugin';

describe('slaPlugin', () => {
  it('starts, migrates its database and answers the health check without credentials', async () => {
    const { server } = await startTestBackend({
      features: [slaPlugin, mockServices.database.factory()],
    });

    const res = await request(server).get('/api/sla/health');

    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });
});
