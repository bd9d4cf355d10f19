import {
  coreServices,
  createBackendPlugin,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  RootConfigService,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { readSlaConfig, slaPermissions } from '@servicelevel/plugin-sla-common';
import {
  IncidentProvider,
  slaIncidentProvidersExtensionPoint,
} from '@servicelevel/plugin-sla-node';
import { createConfirmationsRouter } from './confirmations/router';
import {
  DatabaseConfirmationStore,
  DatabaseEntityStore,
  DatabaseIncidentStore,
  DatabaseNotificationEventStore,
  DatabasePlanStore,
  DatabaseReportStore,
  DatabaseSnapshotStore,
  DatabaseSyncStateStore,
  DatabaseTermsStore,
} from './database';
import { SlaNotifier } from './notifications/SlaNotifier';
import { createPlansRouter } from './plans/router';
import { createBuiltInProviders, ProviderSync } from './providers';
import { ReportService } from './reports/ReportService';
import { createReportsRouter } from './reports/router';
import { CatalogSync } from './service/CatalogSync';
import { ComplianceService } from './service/ComplianceService';
import { createRouter } from './service/router';

/**
 * Default schedules of the scheduled tasks; each can be replaced in app-config (see
 * config.d.ts and docs/configuration.md). All tasks run on one replica at a time (scope
 * global).
 */
export const DEFAULT_SCHEDULES = {
  /** `sla.schedule`: the catalog sync and the incident provider sync. */
  sync: {
    frequency: { minutes: 5 },
    timeout: { minutes: 10 },
  },
  /**
   * `sla.schedules.snapshots`. Closed periods are published a while after startup, so that a
   * backfill started with the backend (like the demo seeding) lands before the first snapshot.
   */
  snapshots: {
    frequency: { hours: 1 },
    timeout: { minutes: 30 },
    initialDelay: { minutes: 2 },
  },
  /**
   * `sla.schedules.reports`. After the snapshot task's first run, then hourly: a report
   * appears within the hour after its period closes.
   */
  reports: {
    frequency: { hours: 1 },
    timeout: { minutes: 30 },
    initialDelay: { minutes: 5 },
  },
  /** `sla.schedules.notifications`. After the first catalog sync, then every quarter of an hour. */
  notifications: {
    frequency: { minutes: 15 },
    timeout: { minutes: 10 },
    initialDelay: { minutes: 3 },
  },
} satisfies Record<string, SchedulerServiceTaskScheduleDefinition>;

function readSchedule(
  config: RootConfigService,
  key: string,
  fallback: SchedulerServiceTaskScheduleDefinition,
): SchedulerServiceTaskScheduleDefinition {
  return config.has(key)
    ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
        config.getConfig(key),
      )
    : fallback;
}

/**
 * The SLA backend plugin, mounted at `/api/sla`. Its one wiring: every store, service,
 * scheduled task and route module is created here.
 * @public
 */
export const slaPlugin = createBackendPlugin({
  pluginId: 'sla',
  register(env) {
    // Providers added by backend modules; the built-in ones are added from config at init.
    const addedProviders: IncidentProvider[] = [];
    env.registerExtensionPoint(slaIncidentProvidersExtensionPoint, {
      addProvider(provider) {
        addedProviders.push(provider);
      },
    });
    env.registerInit({
      deps: {
        auditor: coreServices.auditor,
        auth: coreServices.auth,
        catalog: catalogServiceRef,
        config: coreServices.rootConfig,
        database: coreServices.database,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        logger: coreServices.logger,
        // Always resolves (default factory), whether or not the notifications backend is
        // installed; when it is not, sends fail, are logged and are retried on the next run.
        notifications: notificationService,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        scheduler: coreServices.scheduler,
        userInfo: coreServices.userInfo,
      },
      async init(deps) {
        const { auditor, config, database, httpAuth, logger, scheduler } = deps;
        const { permissions, userInfo } = deps;
        const { config: slaConfig, problems } = readSlaConfig(
          config.getOptional('sla') ?? {},
        );
        for (const problem of problems) {
          logger.warn(`Ignoring sla.${problem.path}: ${problem.message}`);
        }
        deps.permissionsRegistry.addPermissions(slaPermissions);

        // Stores: the only code that speaks SQL (src/database).
        const incidents = await DatabaseIncidentStore.create({ database });
        const terms = await DatabaseTermsStore.create({ database });
        const entities = await DatabaseEntityStore.create({ database });
        const snapshots = await DatabaseSnapshotStore.create({ database });
        const syncStates = await DatabaseSyncStateStore.create({ database });
        const plans = await DatabasePlanStore.create({ database });
        const reports = await DatabaseReportStore.create({ database });
        const confirmations = await DatabaseConfirmationStore.create({
          database,
        });
        const notificationEvents = await DatabaseNotificationEventStore.create({
          database,
        });

        // Services.
        const catalogSync = new CatalogSync({
          catalog: deps.catalog,
          auth: deps.auth,
          entities,
          terms,
          slaConfig,
          logger,
        });
        const compliance = new ComplianceService({
          incidents,
          terms,
          entities,
          snapshots,
          slaConfig,
          // A just-registered entity gets its SLA at once, not at the next scheduled sync.
          entitySource: catalogSync,
        });
        const providerSync = new ProviderSync({
          providers: [...createBuiltInProviders(config), ...addedProviders],
          incidents,
          syncStates,
          entities,
          terms,
          logger,
        });
        const reportService = new ReportService({
          compliance,
          entities,
          terms,
          plans,
          confirmations,
          reports,
        });

        // Scheduled tasks, one replica at a time (scope global). Snapshots and reports are
        // written insert-if-absent and notifications are claimed once, so an overlapping run
        // elsewhere repeats nothing.
        const syncSchedule = readSchedule(
          config,
          'sla.schedule',
          DEFAULT_SCHEDULES.sync,
        );
        await scheduler.scheduleTask({
          id: 'sla-catalog-sync',
          ...syncSchedule,
          scope: 'global',
          fn: async () => {
            const synced = await catalogSync.run();
            logger.info(
              `SLA catalog sync: ${synced.entities} entities, ${synced.newVersions} new terms versions`,
            );
          },
        });
        await scheduler.scheduleTask({
          id: 'sla-provider-sync',
          ...syncSchedule,
          scope: 'global',
          fn: async abortSignal => {
            await providerSync.run(abortSignal);
          },
        });
        await scheduler.scheduleTask({
          id: 'sla-snapshots',
          ...readSchedule(
            config,
            'sla.schedules.snapshots',
            DEFAULT_SCHEDULES.snapshots,
          ),
          scope: 'global',
          fn: async () => {
            const written = await compliance.snapshotClosedPeriods(Date.now());
            logger.info(`SLA snapshots: ${written} closed periods published`);
          },
        });
        await scheduler.scheduleTask({
          id: 'sla-reports',
          ...readSchedule(
            config,
            'sla.schedules.reports',
            DEFAULT_SCHEDULES.reports,
          ),
          scope: 'global',
          fn: async () => {
            const written = await reportService.generateDue(Date.now());
            logger.info(`SLA reports: ${written} period reports generated`);
          },
        });
        if (config.getOptionalBoolean('sla.notifications.enabled') !== false) {
          // Owner notifications: breach, at risk, review due, action overdue.
          const notifier = new SlaNotifier({
            compliance,
            entities,
            terms,
            plans,
            events: notificationEvents,
            notifications: deps.notifications,
            logger,
            defaultTimezone: slaConfig.defaultTimezone,
          });
          await scheduler.scheduleTask({
            id: 'sla-notifications',
            ...readSchedule(
              config,
              'sla.schedules.notifications',
              DEFAULT_SCHEDULES.notifications,
            ),
            scope: 'global',
            fn: async () => {
              const { events, sent } = await notifier.run(Date.now());
              logger.info(`SLA notifications: ${sent} sent (${events} events)`);
            },
          });
        } else {
          logger.info(
            'SLA notifications are turned off (sla.notifications.enabled)',
          );
        }

        // Routes: compliance and incidents, improvement plans, period reports, confirmations.
        const common = { httpAuth, permissions, auditor };
        deps.httpRouter.use(
          await createRouter({
            ...common,
            logger,
            incidents,
            entities,
            syncStates,
            compliance,
          }),
        );
        deps.httpRouter.use(
          createPlansRouter({
            ...common,
            userInfo,
            entities,
            plans,
            // "Overdue" is decided by the date in the entity's own zone.
            terms,
            defaultTimezone: slaConfig.defaultTimezone,
          }),
        );
        deps.httpRouter.use(
          createReportsRouter({ ...common, reports, reportService }),
        );
        deps.httpRouter.use(
          createConfirmationsRouter({
            ...common,
            userInfo,
            compliance,
            confirmations,
          }),
        );
        deps.httpRouter.addAuthPolicy({
          path: '/health',
          allow: 'unauthenticated',
        });
      },
    });
  },
});
