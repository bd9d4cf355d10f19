import {
  mockServices,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import type {
  NotificationSendOptions,
  NotificationService,
} from '@backstage/plugin-notifications-node';
import { Incident, readSlaConfig } from '@servicelevel/plugin-sla-common';
import { Knex } from 'knex';
import {
  componentEntity,
  createStores,
  recordAnnotatedTerms,
} from '../__testUtils__/stores';
import { ComplianceService } from '../service/ComplianceService';
import { SlaNotifier } from './SlaNotifier';
import { fasterP1Plan } from '../__testUtils__/examples';
import { CAD, GIS } from '../plans/__testUtils__/testBackend';

jest.setTimeout(60_000);

const at = (iso: string) => Date.parse(iso);
/** October 2026 is the current (monthly, UTC) period. */
const NOW = at('2026-10-20T12:00:00Z');

const PLATFORM = 'group:default/dispatch-platform';
const FIELD_OPS = 'group:default/field-ops';
const OLIVIA = 'user:default/olivia';
const NICK = 'user:default/nick';

const CAD_ANNOTATIONS = {
  'servicelevel.io/service-hours': '24x7',
  'servicelevel.io/timezone': 'UTC',
  'servicelevel.io/availability': '99.9%',
  'servicelevel.io/response-time': 'P1=15m',
  // 21 days after NOW: due soon.
  'servicelevel.io/review-by': '2026-11-10',
};
const GIS_ANNOTATIONS = {
  'servicelevel.io/timezone': 'UTC',
  'servicelevel.io/availability': '99%',
  // Passed: overdue.
  'servicelevel.io/review-by': '2026-10-01',
};

/**
 * October 2026 has 744 h of agreed time; 99.9 % leaves a 44.64 min budget.
 * OCT-1: P1 acknowledged after 30 min (> 15m: response-time:P1 breached), 40 min down
 * (> 75 % of the budget: availability at risk).
 */
const OCT_1: Incident = {
  source: 'api',
  id: 'OCT-1',
  entityRef: CAD,
  title: 'Dispatch consoles frozen',
  priority: 'P1',
  createdAt: at('2026-10-10T08:00:00Z'),
  acknowledgedAt: at('2026-10-10T08:30:00Z'),
  resolvedAt: at('2026-10-10T09:00:00Z'),
  pauses: [],
  outage: {
    start: at('2026-10-10T08:00:00Z'),
    end: at('2026-10-10T08:40:00Z'),
  },
};

const EXPECTED = [
  {
    key: `breach|${CAD}|response-time:P1|2026-10`,
    recipients: [PLATFORM],
    link: '/catalog/default/component/cad-core/sla',
    severity: 'high',
  },
  {
    key: `at-risk|${CAD}|availability|2026-10`,
    recipients: [PLATFORM],
    link: '/catalog/default/component/cad-core/sla',
    severity: 'normal',
  },
  {
    key: `review-due|${CAD}|2026-11-10`,
    recipients: [PLATFORM],
    link: '/catalog/default/component/cad-core/sla',
    severity: 'normal',
  },
  {
    key: `review-overdue|${GIS}|2026-10-01`,
    recipients: [FIELD_OPS],
    link: '/catalog/default/component/gis-routing/sla',
    severity: 'high',
  },
  {
    key: `action-overdue|plan-1|a-late|2026-10-15`,
    recipients: [PLATFORM, OLIVIA, NICK],
    link: '/catalog/default/component/cad-core/sla',
    severity: 'normal',
  },
];

/** What a user would see of each sent notification, sorted by key. */
function sentOf(send: jest.Mock) {
  return send.mock.calls
    .map(([options]: [NotificationSendOptions]) => {
      expect(options.recipients.type).toBe('entity');
      const recipients =
        options.recipients.type === 'entity'
          ? options.recipients.entityRef
          : [];
      return {
        key: options.payload.scope,
        recipients,
        link: options.payload.link,
        severity: options.payload.severity,
      };
    })
    .sort((a, b) => String(a.key).localeCompare(String(b.key)));
}

const byKey = <T extends { key: string }>(items: T[]) =>
  [...items].sort((a, b) => a.key.localeCompare(b.key));

describe('SlaNotifier', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

  async function seed(knex: Knex) {
    const { incidents, terms, entities, plans } = await createStores(knex);
    const { config: slaConfig } = readSlaConfig({ defaultTimezone: 'UTC' });

    const seenAt = at('2026-09-01T00:00:00Z');
    await entities.syncEntities(
      [
        componentEntity(CAD, CAD_ANNOTATIONS, seenAt, {
          title: 'CAD core',
          ownerRef: PLATFORM,
        }),
        componentEntity(GIS, GIS_ANNOTATIONS, seenAt, { ownerRef: FIELD_OPS }),
      ],
      seenAt,
    );
    await recordAnnotatedTerms(
      terms,
      [
        [CAD, CAD_ANNOTATIONS],
        [GIS, GIS_ANNOTATIONS],
      ],
      slaConfig,
      seenAt,
    );
    await incidents.upsertIncidents([OCT_1], { now: seenAt });

    const action = {
      title: 'Second on-call engineer',
      done: false,
      createdAt: seenAt,
    };
    await plans.create(
      {
        id: 'plan-1',
        ...fasterP1Plan('2026-09'),
        addresses: [],
        owner: OLIVIA,
        targetDate: '2026-12-31',
        status: 'in-progress',
        actions: [
          { ...action, id: 'a-late', assignee: NICK, dueDate: '2026-10-15' },
          // Done, not due yet, due today (still in time), no due date: none is overdue.
          { ...action, id: 'a-done', dueDate: '2026-10-01', done: true },
          { ...action, id: 'a-later', dueDate: '2026-10-25' },
          { ...action, id: 'a-today', dueDate: '2026-10-20' },
          { ...action, id: 'a-undated' },
        ],
        createdAt: seenAt,
        createdBy: OLIVIA,
        updatedAt: seenAt,
      },
      OLIVIA,
    );
    // A closed plan's late actions are not chased.
    await plans.create(
      {
        id: 'plan-closed',
        entityRef: GIS,
        title: 'Dropped idea',
        description: '',
        origin: { type: 'other' },
        addresses: [],
        owner: FIELD_OPS,
        targetDate: '2026-12-31',
        status: 'dropped',
        actions: [{ ...action, id: 'a-x', dueDate: '2026-10-01' }],
        createdAt: seenAt,
        createdBy: OLIVIA,
        updatedAt: seenAt,
      },
      OLIVIA,
    );
    return { incidents, slaConfig };
  }

  /** A notifier with its own store instances, as one replica of the backend would have. */
  async function replica(knex: Knex, send: jest.Mock) {
    const { config: slaConfig } = readSlaConfig({ defaultTimezone: 'UTC' });
    const stores = await createStores(knex);
    const { entities, terms, incidents, plans, events } = stores;
    const compliance = new ComplianceService({
      ...stores,
      slaConfig,
      cacheMaxAgeMs: 0,
    });
    const logger = mockServices.logger.mock();
    const notifier = new SlaNotifier({
      compliance,
      entities,
      terms,
      plans,
      events,
      notifications: { send } as NotificationService,
      logger,
      defaultTimezone: 'UTC',
    });
    return { notifier, logger, events, incidents };
  }

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    async function setup(id: TestDatabaseId = databaseId) {
      const knex = await databases.init(id);
      await seed(knex);
      const send = jest.fn().mockResolvedValue(undefined);
      return { knex, send, ...(await replica(knex, send)) };
    }

    it('finds each kind of event, with its recipients and link', async () => {
      const { notifier } = await setup();

      const events = await notifier.collect(NOW);

      expect(
        byKey(events).map(e => ({
          key: e.key,
          recipients: e.recipients,
          link: e.payload.link,
          severity: e.payload.severity,
        })),
      ).toEqual(byKey(EXPECTED));
      const breach = events.find(e => e.kind === 'breach')!;
      expect(breach.payload.title).toBe(
        'SLA breached: CAD core response-time:P1',
      );
      expect(breach.payload.description).toContain('target 15m');
      expect(breach.payload.topic).toBe('sla');
    });

    it('tells the owners when a running clock reaches 50, 75 and 100 % of its target, once each, in one scope', async () => {
      const { notifier, incidents, send } = await setup();
      // A P1 not acknowledged yet: its 15 min response clock runs (no resolution target).
      await incidents.upsertIncidents(
        [
          {
            source: 'api',
            id: 'OPEN-1',
            entityRef: CAD,
            title: 'Radio link lost',
            priority: 'P1',
            createdAt: NOW - 12 * 60_000,
            pauses: [],
          },
        ],
        { now: NOW },
      );
      const clockEvents = async (now: number) =>
        (await notifier.collect(now))
          .filter(e => e.kind === 'clock-threshold')
          .map(e => [e.key, e.payload.scope, e.payload.severity]);
      const scope = `clock|${CAD}|api/OPEN-1|response`;
      // 5 min in: 33 %, nothing yet; 12 min: 80 %, the 75 % threshold (50 % is passed over).
      expect(await clockEvents(NOW - 7 * 60_000)).toEqual([]);
      expect(await clockEvents(NOW)).toEqual([
        [`${scope}|75`, scope, 'normal'],
      ]);
      await notifier.run(NOW);
      await notifier.run(NOW + 60_000);
      // 16 min: past the target.
      expect(await clockEvents(NOW + 4 * 60_000)).toEqual([
        [`${scope}|100`, scope, 'high'],
      ]);
      await notifier.run(NOW + 4 * 60_000);
      const clockSends = send.mock.calls
        .map(([o]: [NotificationSendOptions]) => o.payload)
        .filter(p => String(p.scope).startsWith('clock|'));
      expect(clockSends.map(p => [p.scope, p.title])).toEqual([
        [scope, 'CAD core: P1 response clock at 75% of its target'],
        [scope, 'CAD core: P1 response clock at 100% of its target'],
      ]);
    });

    it('sends each event once, and nothing on the next run', async () => {
      const { notifier, send, events } = await setup();

      expect(await notifier.run(NOW)).toEqual({
        events: 5,
        sent: 5,
        failed: 0,
      });
      expect(sentOf(send)).toEqual(byKey(EXPECTED));
      for (const e of EXPECTED) {
        expect((await events.get(e.key))?.sentAt).toEqual(expect.any(Number));
      }

      send.mockClear();
      expect(await notifier.run(NOW + 15 * 60_000)).toEqual({
        events: 5,
        sent: 0,
        failed: 0,
      });
      expect(send).not.toHaveBeenCalled();
    });

    it('sends a breach again in a new period, as a new event', async () => {
      const { notifier, send, incidents } = await setup();
      await notifier.run(NOW);
      send.mockClear();

      const nov = at('2026-11-03T08:00:00Z');
      await incidents.upsertIncidents([
        {
          source: 'api',
          id: 'NOV-1',
          entityRef: CAD,
          title: 'Radio gateway down',
          priority: 'P1',
          createdAt: nov,
          acknowledgedAt: nov + 20 * 60_000,
          pauses: [],
        },
      ]);
      const result = await notifier.run(at('2026-11-05T00:00:00Z'));

      // The reviews and the first late action are October's events: not sent again. Two more
      // actions fell overdue since.
      expect(result.sent).toBe(3);
      const cadTab = '/catalog/default/component/cad-core/sla';
      expect(sentOf(send)).toEqual(
        byKey([
          {
            key: `breach|${CAD}|response-time:P1|2026-11`,
            recipients: [PLATFORM],
            link: cadTab,
            severity: 'high',
          },
          {
            key: 'action-overdue|plan-1|a-later|2026-10-25',
            recipients: [PLATFORM, OLIVIA],
            link: cadTab,
            severity: 'normal',
          },
          {
            key: 'action-overdue|plan-1|a-today|2026-10-20',
            recipients: [PLATFORM, OLIVIA],
            link: cadTab,
            severity: 'normal',
          },
        ]),
      );
    });

    it('retries a failed send on the next run and logs a warning', async () => {
      const { notifier, send, logger, events } = await setup();
      const overdueKey = `review-overdue|${GIS}|2026-10-01`;
      send.mockImplementation(async (options: NotificationSendOptions) => {
        if (options.payload.scope === overdueKey) {
          throw new Error('Failed to send notifications: 404');
        }
      });

      expect(await notifier.run(NOW)).toEqual({
        events: 5,
        sent: 4,
        failed: 1,
      });
      expect(logger.warn).toHaveBeenCalledTimes(1);
      expect(logger.warn).toHaveBeenCalledWith(
        expect.stringContaining(
          `1 of 5 could not be sent and will be retried on the next run`,
        ),
      );
      expect(logger.warn).toHaveBeenCalledWith(
        expect.stringContaining(
          `${overdueKey}: Failed to send notifications: 404`,
        ),
      );
      await expect(events.get(overdueKey)).resolves.toBeUndefined();

      send.mockReset();
      send.mockResolvedValue(undefined);
      expect(await notifier.run(NOW + 15 * 60_000)).toEqual({
        events: 5,
        sent: 1,
        failed: 0,
      });
      expect(sentOf(send).map(s => s.key)).toEqual([overdueKey]);
    });

    it('keeps every event unsent while the notifications backend is missing', async () => {
      const { notifier, send } = await setup();
      send.mockRejectedValue(
        new Error(
          'Failed to send notifications: Error: Request failed with status 404',
        ),
      );

      expect(await notifier.run(NOW)).toEqual({
        events: 5,
        sent: 0,
        failed: 5,
      });

      send.mockReset();
      send.mockResolvedValue(undefined);
      await notifier.run(NOW + 15 * 60_000);
      expect(sentOf(send)).toEqual(byKey(EXPECTED));
    });

    it('sends each event once when two replicas run at the same time', async () => {
      const { knex, notifier, send } = await setup();
      const sendB = jest.fn().mockResolvedValue(undefined);
      const other = await replica(knex, sendB);

      const [a, b] = await Promise.all([
        notifier.run(NOW),
        other.notifier.run(NOW),
      ]);

      expect(a.sent + b.sent).toBe(5);
      const all = [...sentOf(send), ...sentOf(sendB)].sort((x, y) =>
        String(x.key).localeCompare(String(y.key)),
      );
      expect(all).toEqual(byKey(EXPECTED));

      // And neither sends anything afterwards.
      await Promise.all([
        notifier.run(NOW + 60_000),
        other.notifier.run(NOW + 60_000),
      ]);
      expect(send.mock.calls.length + sendB.mock.calls.length).toBe(5);
    });
  });
});
