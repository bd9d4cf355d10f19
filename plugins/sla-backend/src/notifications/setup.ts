import {
  LoggerService,
  RootConfigService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import type { DatabaseStoreOptions } from '../database/client';
import type { EntityStore, TermsStore } from '../database/types';
import { DatabasePlanStore } from '../plans/DatabasePlanStore';
import type { ComplianceService } from '../service/ComplianceService';
import { DatabaseNotificationEventStore } from './DatabaseNotificationEventStore';
import { SlaNotifier } from './SlaNotifier';

/** After the first catalog sync, then every quarter of an hour. */
const NOTIFICATION_SCHEDULE = {
  frequency: { minutes: 15 },
  timeout: { minutes: 10 },
  initialDelay: { minutes: 3 },
};

/**
 * Schedules the owner notifications (issue 7) unless `sla.notifications.enabled` is false.
 *
 * `notificationService` has a default factory, so it always resolves, whether or not the
 * notifications backend is installed; when it is not, sends fail. A failed send is logged and
 * not recorded, so the event goes out once the notifications backend is there.
 */
export async function setupSlaNotifications(deps: {
  config: RootConfigService;
  database: DatabaseStoreOptions['database'];
  scheduler: SchedulerService;
  logger: LoggerService;
  notifications: NotificationService;
  entities: EntityStore;
  terms: TermsStore;
  compliance: ComplianceService;
  defaultTimezone: string;
}): Promise<SlaNotifier | undefined> {
  const { config, database, scheduler, logger } = deps;
  if (config.getOptionalBoolean('sla.notifications.enabled') === false) {
    logger.info('SLA notifications are turned off (sla.notifications.enabled)');
    return undefined;
  }
  const notifier = new SlaNotifier({
    compliance: deps.compliance,
    entities: deps.entities,
    terms: deps.terms,
    plans: await DatabasePlanStore.create({ database }),
    events: await DatabaseNotificationEventStore.create({ database }),
    notifications: deps.notifications,
    logger,
    defaultTimezone: deps.defaultTimezone,
  });
  // One replica at a time (scope global); the event store keeps it once-only even if not.
  await scheduler.scheduleTask({
    id: 'sla-notifications',
    scope: 'global',
    ...NOTIFICATION_SCHEDULE,
    fn: async () => {
      const { events, sent } = await notifier.run(Date.now());
      logger.info(`SLA notifications: ${sent} sent (${events} events)`);
    },
  });
  return notifier;
}
