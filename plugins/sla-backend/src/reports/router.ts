import {
  AuditorService,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  slaReadPermission,
  slaReportRegeneratePermission,
} from '@servicelevel/plugin-sla-common';
import express, { Request, Response } from 'express';
import Router from 'express-promise-router';
import { audited } from '../service/audited';
import { createAuthorize, principalName } from '../service/authorize';
import { normalizeEntityRef } from '../plans/planInput';
import { REPORT_CONTENT_TYPES, REPORT_FORMATS, ReportFormat } from './render';
import { isReportLanguage, REPORT_LANGUAGES, ReportLanguage } from './messages';
import type { ReportStore } from '../database';
import { ReportService, ReportSubject, ServedReport } from './ReportService';

export interface ReportsRouterOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  auditor: AuditorService;
  reports: ReportStore;
  reportService: ReportService;
  now?: () => number;
}

/**
 * Period service reports: download per entity or per customer, list stored ones, and the
 * deliberate (audited) regeneration.
 */
export function createReportsRouter(
  options: ReportsRouterOptions,
): express.Router {
  const { auditor, reports, reportService } = options;
  const now = options.now ?? (() => Date.now());
  const authorize = createAuthorize(options);
  // Mounted in createValidatedRouter (plugin.ts): requests arrive parsed and validated.
  const router = Router();

  // The report of one entity, and of every service naming a customer.
  for (const [base, subjectKind] of [
    ['entities', 'entity'],
    ['customers', 'customer'],
  ] as const) {
    router.get(`/${base}/:kind/:namespace/:name/report`, async (req, res) => {
      await authorize(req, slaReadPermission);
      const { period, format, lang, internal } = reportQuery(req);
      const subject: ReportSubject = { subjectKind, subjectRef: refOf(req) };
      const report = await reportService.report(subject, period, now());
      await send(res, report, format, internal, () =>
        reportService.render(report, format as ReportFormat, lang, {
          internal,
        }),
      );
    });
  }

  router.get('/entities/:kind/:namespace/:name/reports', async (req, res) => {
    await authorize(req, slaReadPermission);
    res.json({ items: await reports.list('entity', refOf(req)) });
  });

  router.get('/customers/:kind/:namespace/:name/reports', async (req, res) => {
    await authorize(req, slaReadPermission);
    const customerRef = refOf(req);
    res.json({
      services: await reportService.customerServices(customerRef),
      items: await reports.list('customer', customerRef),
    });
  });

  router.post('/reports/regenerate', async (req, res) => {
    const credentials = await authorize(req, slaReportRegeneratePermission);
    const body = req.body as Record<string, unknown> | undefined;
    const problems: string[] = [];
    const subjectKind = body?.subjectKind;
    if (subjectKind !== 'entity' && subjectKind !== 'customer') {
      problems.push(
        `subjectKind: "${String(subjectKind)}" — expected entity or customer`,
      );
    }
    const subjectRef = normalizeEntityRef(
      body?.subjectRef,
      'subjectRef',
      problems,
      subjectKind === 'customer' ? 'group' : 'component',
    );
    const period = body?.period;
    if (typeof period !== 'string' || period.trim() === '') {
      problems.push('period: required, e.g. 2026-03, 2026-Q1 or 2026');
    }
    if (problems.length > 0) throw new InputError(problems.join('\n'));
    const kind = subjectKind as ReportSubject['subjectKind'];
    const key = (period as string).trim();
    const by = principalName(credentials);
    const report = await audited(
      auditor,
      req,
      {
        eventId: 'report-regenerate',
        severityLevel: 'high',
        meta: { subjectKind: kind, subjectRef, period: key, by },
        successMeta: r => ({ revision: r.revision }),
      },
      () =>
        reportService.regenerate(
          { subjectKind: kind, subjectRef: subjectRef! },
          key,
          now(),
          by,
        ),
    );
    const { model, csv, markdown, html, ...summary } = report;
    res.json(summary);
  });

  return router;
}

function refOf(req: Request): string {
  const { kind, namespace, name } = req.params;
  return stringifyEntityRef({ kind, namespace, name }).toLowerCase();
}

function reportQuery(req: Request): {
  period: string;
  format: ReportFormat | 'json';
  lang?: ReportLanguage;
  internal: boolean;
} {
  const { period, format = 'html', lang, internal = false } = req.query;
  const problems: string[] = [];
  if (typeof period !== 'string' || period.trim() === '') {
    problems.push('period: required, e.g. 2026-03, 2026-Q1 or 2026');
  }
  if (
    typeof format !== 'string' ||
    (format !== 'json' && !REPORT_FORMATS.includes(format as ReportFormat))
  ) {
    problems.push(
      `format: "${String(format)}" — expected one of ${REPORT_FORMATS.join(
        ', ',
      )} or json`,
    );
  }
  if (lang !== undefined && !isReportLanguage(lang)) {
    problems.push(
      `lang: "${String(lang)}" — expected one of ${REPORT_LANGUAGES.join(
        ', ',
      )}`,
    );
  }
  // The validator coerces the boolean the document declares; a direct call may pass text.
  const flag: unknown = internal;
  let internalFlag: boolean | undefined;
  if (flag === true || flag === 'true') internalFlag = true;
  else if (flag === false || flag === 'false') internalFlag = false;
  if (internalFlag === undefined) {
    problems.push(`internal: "${String(internal)}" — expected true or false`);
  }
  if (problems.length > 0) throw new InputError(problems.join('\n'));
  return {
    internal: internalFlag!,
    period: (period as string).trim(),
    format: format as ReportFormat | 'json',
    lang: lang as ReportLanguage | undefined,
  };
}

function fileName(report: ServedReport, ext: string): string {
  const name = report.subjectRef.replace(/[^a-z0-9._-]+/gi, '-');
  return `sla-report-${name}-${report.periodKey}.${ext}`;
}

/**
 * Sends a report: its data as JSON, or a document rendered from its model (stored models are
 * immutable; the document is rendered in the language asked for, else the customer's). The
 * internal section, kept in the model, is left out unless `internal` is set.
 */
async function send(
  res: Response,
  report: ServedReport,
  format: ReportFormat | 'json',
  internal: boolean,
  render: () => Promise<string | Buffer>,
) {
  res.setHeader('X-SLA-Report-Stored', String(report.stored));
  res.setHeader(
    'X-SLA-Report-Generated-At',
    new Date(report.generatedAt).toISOString(),
  );
  if (report.revision !== undefined) {
    res.setHeader('X-SLA-Report-Revision', String(report.revision));
  }
  if (format === 'json') {
    const { csv, markdown, html, ...rest } = report;
    // The internal section is served only when asked for, as in the documents.
    res.json(
      internal
        ? rest
        : {
            ...rest,
            model: {
              ...rest.model,
              services: rest.model.services.map(({ internal: _, ...s }) => s),
            },
          },
    );
    return;
  }
  const body = await render();
  res.setHeader('Content-Type', REPORT_CONTENT_TYPES[format]);
  // The HTML page opens in the browser; CSV, Markdown and PDF download as files.
  res.setHeader(
    'Content-Disposition',
    `${format === 'html' ? 'inline' : 'attachment'}; filename="${fileName(
      report,
      format,
    )}"`,
  );
  if (format === 'html') {
    // A stored document with no scripts: forbid any, and any external loads.
    res.setHeader(
      'Content-Security-Policy',
      "default-src 'none'; style-src 'unsafe-inline'; img-src data:",
    );
  }
  res.send(body);
}
