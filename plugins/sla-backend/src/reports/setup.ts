import {
  AuditorService,
  DatabaseService,
  HttpAuthService,
  LoggerService,
  PermissionsService,
  SchedulerService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import express from 'express';
import Router from 'express-promise-router';
import type { EntityStore, TermsStore } from '../database/types';
import type { ComplianceService } from '../service/ComplianceService';
import { DatabasePlanStore } from '../plans/DatabasePlanStore';
import { createPlansRouter } from '../plans/router';
import { DatabaseConfirmationStore } from '../confirmations/DatabaseConfirmationStore';
import { createConfirmationsRouter } from '../confirmations/router';
import { DatabaseReportStore } from './DatabaseReportStore';
import { ReportService } from './ReportService';
import { createReportsRouter } from './router';

/**
 * Reports are generated a while after startup (after the snapshot task's first run) and then
 * hourly: a report appears within the hour after its period closes.
 */
const REPORT_SCHEDULE = {
  frequency: { hours: 1 },
  timeout: { minutes: 30 },
  initialDelay: { minutes: 5 },
};

/**
 * Stores, routes and the scheduled report task of the "report and improve" half (issue 7):
 * improvement plans, period service reports and agreement confirmations.
 */
export async function setupReportAndImprove(deps: {
  database: DatabaseService;
  scheduler: SchedulerService;
  logger: LoggerService;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  userInfo: UserInfoService;
  auditor: AuditorService;
  entities: EntityStore;
  terms: TermsStore;
  compliance: ComplianceService;
}): Promise<express.Router> {
  const { database, scheduler, logger } = deps;
  const plans = await DatabasePlanStore.create({ database });
  const reports = await DatabaseReportStore.create({ database });
  const confirmations = await DatabaseConfirmationStore.create({ database });
  const reportService = new ReportService({
    compliance: deps.compliance,
    entities: deps.entities,
    terms: deps.terms,
    plans,
    confirmations,
    reports,
  });

  // One replica at a time (scope global); each report is written once (insert if absent).
  await scheduler.scheduleTask({
    id: 'sla-reports',
    scope: 'global',
    ...REPORT_SCHEDULE,
    fn: async () => {
      const written = await reportService.generateDue(Date.now());
      logger.info(`SLA reports: ${written} period reports generated`);
    },
  });

  const router = Router();
  router.use(createPlansRouter({ ...deps, plans }));
  router.use(createReportsRouter({ ...deps, reports, reportService }));
  router.use(createConfirmationsRouter({ ...deps, confirmations }));
  return router;
}
