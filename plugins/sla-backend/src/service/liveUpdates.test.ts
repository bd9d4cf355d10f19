import { createServiceFactory } from '@backstage/backend-plugin-api';
import { mockCredentials } from '@backstage/backend-test-utils';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import { CAD_CORE_ANNOTATIONS } from '../__testUtils__/examples';
import {
  api,
  catalogComponent,
  startSlaBackend,
} from '../__testUtils__/testBackend';
import { SLA_SIGNAL_CHANNEL } from '@servicelevel/plugin-sla-common';

jest.setTimeout(60_000);

const incident = (id: string, entityRef: string) => ({
  source: 'api',
  id,
  entityRef,
  title: id,
  priority: 'P2',
  createdAt: '2026-11-02T10:00:00+08:00',
});

async function start(publish: jest.Mock) {
  return startSlaBackend({
    config: { sla: {} },
    entities: [
      catalogComponent('cad-core', CAD_CORE_ANNOTATIONS, 'group:default/ops'),
    ],
    features: [
      createServiceFactory({
        service: signalsServiceRef,
        deps: {},
        factory: () => ({ publish }),
      }),
    ],
  });
}

describe('live updates (signals)', () => {
  it('tells browsers which entities got incidents, once per entity, after the write', async () => {
    const publish = jest.fn(async () => {});
    const server = await start(publish);
    const res = await api(server, mockCredentials.user.header())
      .post('/incidents')
      .send({
        incidents: [
          incident('A', 'component:default/cad-core'),
          incident('B', 'component:default/cad-core'),
          incident('C', 'component:default/gis-routing'),
        ],
      });
    expect(res.status).toBe(200);
    expect(publish.mock.calls).toEqual([
      [
        {
          recipients: { type: 'broadcast' },
          channel: SLA_SIGNAL_CHANNEL,
          message: {
            entityRefs: [
              'component:default/cad-core',
              'component:default/gis-routing',
            ],
          },
        },
      ],
    ]);
  });

  it('sends nothing for a refused batch, and a failed signal never fails the write', async () => {
    const publish = jest.fn(async () => {
      throw new Error('events bus down');
    });
    const server = await start(publish);
    const user = api(server, mockCredentials.user.header());
    const refused = await user
      .post('/incidents')
      .send({ incidents: [{ ...incident('X', 'cad-core'), priority: 'P9' }] });
    expect(refused.status).toBe(400);
    expect(publish).not.toHaveBeenCalled();
    const written = await user
      .post('/incidents')
      .send({ incidents: [incident('Y', 'component:default/cad-core')] });
    expect([written.status, written.body.inserted]).toEqual([200, 1]);
    expect(publish).toHaveBeenCalledTimes(1);
  });
});
