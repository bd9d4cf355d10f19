import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import request from 'supertest';
import * as database from './database';
import { DEFAULT_SCHEDULES, slaPlugin } from './plugin';

/** Every store class of src/database, by name. */
const STORES = Object.fromEntries(
  Object.entries(database).filter(([name]) => /^Database\w+Store$/.test(name)),
) as Record<
  string,
  { create(options: database.DatabaseStoreOptions): Promise<unknown> }
>;

/** Starts the plugin with a mock scheduler; returns what was scheduled, by task id. */
async function scheduledTasks(config: object = {}) {
  const scheduler = mockServices.scheduler.mock();
  await startTestBackend({
    features: [
      slaPlugin,
      mockServices.database.factory(),
      mockServices.rootConfig.factory({ data: config }),
      scheduler.factory,
    ],
  });
  const tasks = new Map<string, Record<string, unknown>>();
  for (const [task] of scheduler.scheduleTask.mock.calls) {
    const { fn: _fn, ...rest } = task;
    tasks.set(task.id, rest);
  }
  return tasks;
}

/** What scheduledTasks returns for tasks scheduled globally: each schedule with its id. */
function globalTasks(schedules: Record<string, object>) {
  return Object.fromEntries(
    Object.entries(schedules).map(([id, schedule]) => [
      id,
      { id, scope: 'global', ...schedule },
    ]),
  );
}

describe('slaPlugin', () => {
  afterEach(() => jest.restoreAllMocks());

  it('starts, migrates its database and answers the health check without credentials', async () => {
    const { server } = await startTestBackend({
      features: [slaPlugin, mockServices.database.factory()],
    });

    const res = await request(server).get('/api/sla/health');

    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('schedules its tasks on the default schedules: snapshots and the heartbeat on every replica, the rest globally', async () => {
    const tasks = await scheduledTasks();

    expect(Object.fromEntries(tasks)).toEqual({
      'sla-replica-heartbeat': {
        id: 'sla-replica-heartbeat',
        scope: 'local',
        frequency: { milliseconds: 10_000 },
        timeout: { milliseconds: 30_000 },
      },
      'sla-snapshots': {
        id: 'sla-snapshots',
        scope: 'local',
        frequency: { hours: 1 },
        timeout: { minutes: 30 },
        initialDelay: { minutes: 2 },
      },
      'sla-overviews': {
        id: 'sla-overviews',
        scope: 'local',
        frequency: { minutes: 5 },
        timeout: { minutes: 10 },
        initialDelay: { minutes: 5 },
      },
      ...globalTasks({
        'sla-catalog-sync': DEFAULT_SCHEDULES.sync,
        'sla-provider-sync': DEFAULT_SCHEDULES.sync,
        'sla-reports': {
          frequency: { hours: 1 },
          timeout: { minutes: 30 },
          initialDelay: { minutes: 5 },
        },
        'sla-notifications': {
          frequency: { minutes: 15 },
          timeout: { minutes: 10 },
          initialDelay: { minutes: 3 },
        },
      }),
    });
  });

  it('reads every schedule from config', async () => {
    const tasks = await scheduledTasks({
      sla: {
        schedule: { frequency: { minutes: 1 }, timeout: { minutes: 2 } },
        schedules: {
          snapshots: { frequency: 'PT10M', timeout: { minutes: 3 } },
          reports: {
            frequency: { cron: '0 6 * * *' },
            timeout: { hours: 1 },
            initialDelay: { seconds: 30 },
          },
          notifications: { frequency: { hours: 2 }, timeout: { minutes: 4 } },
          overviews: { frequency: { minutes: 3 }, timeout: { minutes: 6 } },
        },
        replicas: { heartbeat: { seconds: 2 } },
      },
    });

    const schedules = Object.fromEntries(
      [...tasks].map(([id, { frequency, timeout, initialDelay }]) => [
        id,
        { frequency, timeout, initialDelay },
      ]),
    );
    // The two sync tasks follow sla.schedule.
    const shared = { frequency: { minutes: 1 }, timeout: { minutes: 2 } };
    expect(schedules).toEqual({
      // sla.replicas.heartbeat; its timeout is the TTL, three heartbeats.
      'sla-replica-heartbeat': {
        frequency: { milliseconds: 2_000 },
        timeout: { milliseconds: 6_000 },
      },
      'sla-catalog-sync': shared,
      'sla-provider-sync': shared,
      'sla-snapshots': {
        frequency: { minutes: 10 },
        timeout: { minutes: 3 },
      },
      'sla-reports': {
        frequency: { cron: '0 6 * * *' },
        timeout: { hours: 1 },
        initialDelay: { seconds: 30 },
      },
      'sla-overviews': {
        frequency: { minutes: 3 },
        timeout: { minutes: 6 },
      },
      'sla-notifications': {
        frequency: { hours: 2 },
        timeout: { minutes: 4 },
      },
    });
  });

  it('does not schedule notifications when sla.notifications.enabled is false', async () => {
    const tasks = await scheduledTasks({
      sla: { notifications: { enabled: false } },
    });

    expect([...tasks.keys()].sort()).toEqual([
      'sla-catalog-sync',
      'sla-overviews',
      'sla-provider-sync',
      'sla-replica-heartbeat',
      'sla-reports',
      'sla-snapshots',
    ]);
  });

  it('creates each store once, the plan store included', async () => {
    expect(Object.keys(STORES)).toHaveLength(10);
    const spies = Object.entries(STORES).map(
      ([name, store]) => [name, jest.spyOn(store, 'create')] as const,
    );

    await scheduledTasks();

    expect(
      Object.fromEntries(
        spies.map(([name, spy]) => [name, spy.mock.calls.length]),
      ),
    ).toEqual(Object.fromEntries(Object.keys(STORES).map(name => [name, 1])));
  });
});
