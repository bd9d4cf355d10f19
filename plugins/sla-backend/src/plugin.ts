import {
  coreServices,
  createBackendPlugin,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { readSlaConfig, slaPermissions } from '@servicelevel/plugin-sla-common';
import {
  DatabaseEntityStore,
  DatabaseIncidentStore,
  DatabaseSnapshotStore,
  DatabaseSyncStateStore,
  DatabaseTermsStore,
} from './database';
import { CatalogSync } from './service/CatalogSync';
import { ComplianceService } from './service/ComplianceService';
import { createRouter } from './service/router';
import {
  IncidentProvider,
  slaIncidentProvidersExtensionPoint,
} from '@servicelevel/plugin-sla-node';
import { createBuiltInProviders, ProviderSync } from './providers';
import { setupReportAndImprove } from './reports/setup';
import { notificationService } from '@backstage/plugin-notifications-node';
import { setupSlaNotifications } from './notifications/setup';

const DEFAULT_SCHEDULE: SchedulerServiceTaskScheduleDefinition = {
  frequency: { minutes: 5 },
  timeout: { minutes: 10 },
};

/**
 * Closed periods are published a while after startup, so that a backfill started with the
 * backend (like the demo seeding) lands before the first snapshot.
 */
const SNAPSHOT_SCHEDULE: SchedulerServiceTaskScheduleDefinition = {
  frequency: { hours: 1 },
  timeout: { minutes: 30 },
  initialDelay: { minutes: 2 },
};

/**
 * The SLA backend plugin, mounted at `/api/sla`.
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
        // Always resolves (default factory); see notifications/setup.ts.
        notifications: notificationService,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        scheduler: coreServices.scheduler,
        userInfo: coreServices.userInfo,
      },
      async init(deps) {
        const { config, database, logger, scheduler } = deps;
        const { config: slaConfig, problems } = readSlaConfig(
          config.getOptional('sla') ?? {},
        );
        for (const problem of problems) {
          logger.warn(`Ignoring sla.${problem.path}: ${problem.message}`);
        }

        const incidents = await DatabaseIncidentStore.create({ database });
        const terms = await DatabaseTermsStore.create({ database });
        const entities = await DatabaseEntityStore.create({ database });
        const snapshots = await DatabaseSnapshotStore.create({ database });
        const syncStates = await DatabaseSyncStateStore.create({ database });
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
          readMissingEntity: ref => catalogSync.syncEntity(ref),
        });

        deps.permissionsRegistry.addPermissions(slaPermissions);

        const schedule = config.has('sla.schedule')
          ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
              config.getConfig('sla.schedule'),
            )
          : DEFAULT_SCHEDULE;
        // Both run on one replica at a time (scope global).
        await scheduler.scheduleTask({
          id: 'sla-catalog-sync',
          scope: 'global',
          ...schedule,
          fn: async () => {
            const synced = await catalogSync.run();
            logger.info(
              `SLA catalog sync: ${synced.entities} entities, ${synced.newVersions} new terms versions`,
            );
          },
        });
        await scheduler.scheduleTask({
          id: 'sla-snapshots',
          scope: 'global',
          ...SNAPSHOT_SCHEDULE,
          fn: async () => {
            const written = await compliance.snapshotClosedPeriods(Date.now());
            logger.info(`SLA snapshots: ${written} closed periods published`);
          },
        });

        const providerSync = new ProviderSync({
          providers: [...createBuiltInProviders(config), ...addedProviders],
          incidents,
          syncStates,
          entities,
          terms,
          logger,
        });
        await scheduler.scheduleTask({
          id: 'sla-provider-sync',
          scope: 'global',
          ...schedule,
          fn: async abortSignal => {
            await providerSync.run(abortSignal);
          },
        });

        deps.httpRouter.use(
          await createRouter({
            logger,
            httpAuth: deps.httpAuth,
            permissions: deps.permissions,
            auditor: deps.auditor,
            incidents,
            entities,
            syncStates,
            compliance,
          }),
        );
        // Improvement plans, period reports and agreement confirmations (issue 7).
        deps.httpRouter.use(
          await setupReportAndImprove({ ...deps, entities, terms, compliance }),
        );
        // Owner notifications: breach, at risk, review due, action overdue (issue 7).
        await setupSlaNotifications({
          ...deps,
          entities,
          terms,
          compliance,
          defaultTimezone: slaConfig.defaultTimezone,
        });
        deps.httpRouter.addAuthPolicy({
          path: '/health',
          allow: 'unauthenticated',
        });
      },
    });
  },
});
