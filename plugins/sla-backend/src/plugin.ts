import {
  coreServices,
  createBackendPlugin,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  RootConfigService,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import {
  actionsRegistryServiceRef,
  metricsServiceRef,
} from '@backstage/backend-plugin-api/alpha';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import { readSlaConfig, slaPermissions } from '@servicelevel/plugin-sla-common';
import {
  IncidentProvider,
  slaIncidentProvidersExtensionPoint,
} from '@servicelevel/plugin-sla-node';
import { registerSlaActions } from './actions';
import { createConfirmationsRouter } from './confirmations/router';
import {
  DatabaseConfirmationStore,
  DatabaseEntityStore,
  DatabaseIncidentStore,
  DatabaseNotificationEventStore,
  DatabasePlanStore,
  DatabaseReplicaStore,
  DatabaseReportStore,
  DatabaseSnapshotStore,
  DatabaseStoreOptions,
  DatabaseSyncStateStore,
  DatabaseTermsStore,
} from './database';
import { SlaNotifier } from './notifications/SlaNotifier';
import { createPlansRouter } from './plans/router';
import { createBuiltInProviders, ProviderSync } from './providers';
import { ReportService } from './reports/ReportService';
import { createReportsRouter } from './reports/router';
import { createValidatedRouter } from './schema/validatedRouter';
import { CalendarSources, createCalendarsRouter } from './calendars';
import { CatalogSync } from './service/CatalogSync';
import { DataCoverage, readCoverageSettings } from './service/coverage';
import { ComplianceService } from './service/ComplianceService';
import { keepOverviewsWarm } from './service/overview';
import { DependencyChain } from './service/DependencyChain';
import { createIncidentsWritten } from './service/liveUpdates';
import { createSlaMetrics } from './service/metrics';
import { ReplicaMembership } from './service/ReplicaMembership';
import { TermsPreview } from './service/TermsPreview';
import { readCustomerFees } from './service/credits';
import { createRouter } from './service/router';
import {
  createSlaEntityResourceLoader,
  slaEntityResourceRef,
  slaEntityRules,
} from './permissions';

/** Every hour, given half an hour to finish. */
const HOURLY = { frequency: { hours: 1 }, timeout: { minutes: 30 } };

/**
 * Default schedules of the scheduled tasks; each can be replaced in app-config (see
 * config.d.ts and docs/configuration.md). Every task but `sla-snapshots` runs on one replica
 * at a time (scope global); `sla-snapshots` runs on every replica, each on its share of the
 * entities (scope local, see ReplicaMembership).
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
  snapshots: { ...HOURLY, initialDelay: { minutes: 2 } },
  /**
   * `sla.schedules.reports`. After the snapshot task's first run, then hourly: a report
   * appears within the hour after its period closes.
   */
  reports: { ...HOURLY, initialDelay: { minutes: 5 } },
  /**
   * `sla.schedules.overviews`: rebuilds the organisation overviews read in the last day
   * once they are no longer fresh, on every replica (each keeps its own), well within the
   * 15 minutes an overview is served while it is rebuilt.
   */
  overviews: {
    frequency: { minutes: 5 },
    timeout: { minutes: 10 },
    initialDelay: { minutes: 5 },
  },
  /** `sla.schedules.notifications`. After the first catalog sync, then every quarter of an hour. */
  notifications: {
    frequency: { minutes: 15 },
    timeout: { minutes: 10 },
    initialDelay: { minutes: 3 },
  },
} satisfies Record<string, SchedulerServiceTaskScheduleDefinition>;

/** `sla.replicas.heartbeat`: a replica silent for three heartbeats (30 s) is gone. */
export const DEFAULT_REPLICA_HEARTBEAT = { seconds: 10 };

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
 * Every store of the plugin on one database, each created (and its schema migrated) once:
 * the only code that speaks SQL (src/database).
 */
export async function createStores(database: DatabaseStoreOptions['database']) {
  return {
    incidents: await DatabaseIncidentStore.create({ database }),
    terms: await DatabaseTermsStore.create({ database }),
    entities: await DatabaseEntityStore.create({ database }),
    snapshots: await DatabaseSnapshotStore.create({ database }),
    plans: await DatabasePlanStore.create({ database }),
    confirmations: await DatabaseConfirmationStore.create({ database }),
    reports: await DatabaseReportStore.create({ database }),
    events: await DatabaseNotificationEventStore.create({ database }),
    syncStates: await DatabaseSyncStateStore.create({ database }),
    replicas: await DatabaseReplicaStore.create({ database }),
  };
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
        // SLA answers for AI agents (src/actions), exposed over MCP by the MCP actions backend.
        actionsRegistry: actionsRegistryServiceRef,
        auditor: coreServices.auditor,
        auth: coreServices.auth,
        catalog: catalogServiceRef,
        config: coreServices.rootConfig,
        database: coreServices.database,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        lifecycle: coreServices.lifecycle,
        logger: coreServices.logger,
        // Always resolves (default factory), whether or not the notifications backend is
        // installed; when it is not, sends fail, are logged and are retried on the next run.
        notifications: notificationService,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        scheduler: coreServices.scheduler,
        // Live cards: resolves with or without the signals backend; without it, nobody listens.
        signals: signalsServiceRef,
        // Counters and histograms, backstage.plugin.sla.* (an OpenTelemetry meter).
        metrics: metricsServiceRef,
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
        // Holiday sources (cn-official, public, ics) resolved into slaConfig.calendars, in
        // place, before anything reads the calendars.
        const calendarSources = await CalendarSources.create({
          rawSla: config.getOptional('sla') ?? {},
          slaConfig,
          logger,
        });
        // Customers' default monthly fees, checked once here: a malformed one is named in the
        // log and left out (its services then show credits as a share only).
        const customerFees = readCustomerFees(
          config.getOptional('sla.customers'),
        );
        for (const problem of customerFees.problems) {
          logger.warn(`Ignoring ${problem}`);
        }
        deps.permissionsRegistry.addPermissions(slaPermissions);

        // Stores: the only code that speaks SQL (src/database).
        const stores = await createStores(database);
        const { incidents, terms, entities, snapshots, syncStates } = stores;
        const { plans, reports, confirmations } = stores;
        // The sla-entity resource type: the plan and confirmation permissions name an entity,
        // and a policy's conditions on it (isEntityOwner, isEntityCustomer) are applied here.
        deps.permissionsRegistry.addResourceType({
          resourceRef: slaEntityResourceRef,
          rules: Object.values(slaEntityRules),
          getResources: createSlaEntityResourceLoader({ entities, terms }),
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
        const slaMetrics = createSlaMetrics(deps.metrics);
        const providers = [
          ...createBuiltInProviders(config),
          ...addedProviders,
        ];
        // SPEC §9: sla.coverage; maxGap defaults to 3 × the provider sync's frequency.
        const coverageSettings = readCoverageSettings(
          config,
          readSchedule(config, 'sla.schedule', DEFAULT_SCHEDULES.sync),
        );
        const compliance = new ComplianceService({
          coverage: new DataCoverage({
            providers,
            syncStates,
            settings: coverageSettings,
          }),
          metrics: slaMetrics,
          incidents,
          terms,
          entities,
          snapshots,
          slaConfig,
          // A just-registered entity gets its SLA at once, not at the next scheduled sync.
          entitySource: catalogSync,
          customerFees: customerFees.fees,
          logger,
        });
        const incidentsWritten = createIncidentsWritten(deps.signals, logger);
        const providerSync = new ProviderSync({
          incidentsWritten,
          metrics: slaMetrics,
          providers,
          maxGapMs: coverageSettings.maxGapMs,
          incidents,
          syncStates,
          entities,
          terms,
          logger,
        });
        const chain = new DependencyChain({
          compliance,
          entities,
          incidents,
          depth: config.getOptionalNumber('sla.dependencies.depth'),
        });
        const reportService = new ReportService({
          chain,
          compliance,
          entities,
          terms,
          plans,
          confirmations,
          reports,
          customers: config.getOptional('sla.customers'),
          // Customer groups are not in the SLA store: their title comes from the catalog.
          catalogTitle: async ref => {
            const entity = await deps.catalog.getEntityByRef(ref, {
              credentials: await deps.auth.getOwnServiceCredentials(),
            });
            const profile = entity?.spec?.profile as
              | { displayName?: string }
              | undefined;
            return entity?.metadata.title ?? profile?.displayName;
          },
        });

        // This replica among those on the same database: each beats every heartbeat, and the
        // snapshot runs split the entities between the live ones (issue 14.6).
        const heartbeatMs = durationToMilliseconds(
          config.has('sla.replicas.heartbeat')
            ? readDurationFromConfig(config, { key: 'sla.replicas.heartbeat' })
            : DEFAULT_REPLICA_HEARTBEAT,
        );
        const membership = new ReplicaMembership({
          store: stores.replicas,
          heartbeatMs,
        });
        await membership.beat(Date.now());
        logger.info(
          `SLA replica ${membership.replicaId} joined (heartbeat every ${
            heartbeatMs / 1000
          } s, gone after ${membership.ttlMs / 1000} s without one)`,
        );
        deps.lifecycle.addShutdownHook(() => membership.leave());
        await scheduler.scheduleTask({
          id: 'sla-replica-heartbeat',
          frequency: { milliseconds: heartbeatMs },
          timeout: { milliseconds: membership.ttlMs },
          scope: 'local',
          fn: async () => {
            const gone = await membership.heartbeat(Date.now());
            if (gone.length === 0) return;
            // Their entities are ours now: publish what they left at once, within a TTL and a
            // heartbeat of the kill, not at our next snapshot run.
            logger.info(
              `SLA replicas gone: ${gone.join(', ')}; taking their share over`,
            );
            await scheduler.triggerTask('sla-snapshots').catch(error => {
              // Running already (it took its share before they left): the next run takes it.
              logger.info(`sla-snapshots not triggered: ${error}`);
            });
          },
        });

        // Scheduled tasks, one replica at a time (scope global) unless `scope` says local.
        // Snapshots and reports are written insert-if-absent and notifications are claimed
        // once, so an overlapping run elsewhere repeats nothing.
        const schedule = (
          id: string,
          configKey: string,
          fallback: SchedulerServiceTaskScheduleDefinition,
          fn: (abortSignal: AbortSignal) => Promise<void>,
          scope: 'global' | 'local' = 'global',
        ) =>
          scheduler.scheduleTask({
            id,
            ...readSchedule(config, configKey, fallback),
            scope,
            fn,
          });
        const { sync } = DEFAULT_SCHEDULES;
        await schedule('sla-catalog-sync', 'sla.schedule', sync, async () => {
          // An ICS source may have changed: a new resolution makes new terms versions.
          await calendarSources.refresh();
          const synced = await catalogSync.run();
          logger.info(
            `SLA catalog sync: ${synced.entities} entities, ${synced.newVersions} new terms versions`,
          );
        });
        await schedule(
          'sla-provider-sync',
          'sla.schedule',
          sync,
          async signal => {
            await providerSync.run(signal);
          },
        );
        /** A task of `sla.schedules.<name>`, with id `sla-<name>`. */
        const scheduleNamed = (
          name: 'snapshots' | 'reports' | 'notifications' | 'overviews',
          fn: () => Promise<void>,
          scope: 'global' | 'local' = 'global',
        ) =>
          schedule(
            `sla-${name}`,
            `sla.schedules.${name}`,
            DEFAULT_SCHEDULES[name],
            fn,
            scope,
          );
        // On every replica, each on its share of the entities among the live replicas: a
        // killed replica's share moves to the others after its TTL (their heartbeat triggers
        // this task), not after the task's timeout.
        await scheduleNamed(
          'snapshots',
          async () => {
            const share = await membership.share(Date.now());
            const run = await compliance.snapshotClosedPeriods(Date.now(), {
              owns: share.owns,
            });
            logger.info(
              `SLA snapshots: ${run.written} closed periods published for ${run.entities} entities (replica ${membership.replicaId}, 1 of ${share.replicas.length} live)`,
            );
          },
          'local',
        );
        // On every replica: each serves the overviews from its own memory.
        await scheduleNamed(
          'overviews',
          async () => {
            const { rebuilt, read } = await keepOverviewsWarm(
              compliance,
              Date.now(),
            );
            if (rebuilt > 0) {
              logger.info(
                `SLA overviews: ${rebuilt} rebuilt of ${read} read in the last day`,
              );
            }
          },
          'local',
        );
        await scheduleNamed('reports', async () => {
          const written = await reportService.generateDue(Date.now());
          logger.info(`SLA reports: ${written} period reports generated`);
        });
        if (config.getOptionalBoolean('sla.notifications.enabled') !== false) {
          // Owner notifications: breach, at risk, review due, action overdue.
          const notifier = new SlaNotifier({
            compliance,
            entities,
            terms,
            plans,
            events: stores.events,
            notifications: deps.notifications,
            logger,
            defaultTimezone: slaConfig.defaultTimezone,
            clockThresholds: config.getOptional<number[]>(
              'sla.notifications.clockThresholds',
            ),
          });
          await scheduleNamed('notifications', async () => {
            const { events, sent } = await notifier.run(Date.now());
            logger.info(`SLA notifications: ${sent} sent (${events} events)`);
          });
        } else {
          logger.info(
            'SLA notifications are turned off (sla.notifications.enabled)',
          );
        }

        // Routes: compliance and incidents, improvement plans, period reports, confirmations,
        // behind one body parser and one validation against openapi.yaml.
        const common = { httpAuth, permissions, auditor };
        deps.httpRouter.use(
          createValidatedRouter(
            {
              // Bounded work per request: the longest from/to range evaluated.
              maxRangeYears: config.getOptionalNumber(
                'sla.limits.maxRangeYears',
              ),
            },
            await createRouter({
              ...common,
              logger,
              incidents,
              entities,
              syncStates,
              compliance,
              terms,
              preview: new TermsPreview({ compliance, incidents, slaConfig }),
              incidentsWritten,
              metrics: slaMetrics,
              chain,
              calendars: calendarSources,
              maxGapMs: coverageSettings.maxGapMs,
            }),
            createPlansRouter({
              ...common,
              entities,
              plans,
              // "Overdue" is decided by the date in the entity's own zone.
              terms,
              defaultTimezone: slaConfig.defaultTimezone,
            }),
            createReportsRouter({ ...common, reports, reportService }),
            createConfirmationsRouter({
              ...common,
              userInfo,
              compliance,
              confirmations,
            }),
            createCalendarsRouter({ ...common, calendars: calendarSources }),
          ),
        );
        registerSlaActions({
          actionsRegistry: deps.actionsRegistry,
          permissions,
          auditor,
          compliance,
          entities,
          plans,
          terms,
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
