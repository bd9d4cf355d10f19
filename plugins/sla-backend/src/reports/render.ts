import {
  csvCell,
  formatDisplayDuration,
  formatPercent,
} from '@servicelevel/plugin-sla-common';
import { DateTime } from 'luxon';
import type { ReportModel, ReportService } from './model';

/** Renderings of a report model: CSV, Markdown and a printable HTML page. Pure. */

export type ReportFormat = 'csv' | 'md' | 'html';
export const REPORT_FORMATS: readonly ReportFormat[] = ['csv', 'md', 'html'];

export const REPORT_CONTENT_TYPES: Record<ReportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  md: 'text/markdown; charset=utf-8',
  html: 'text/html; charset=utf-8',
};

/** A duration as people write it (`5 d 22 h 24 m`), sla-common's display format. */
export function duration(ms: number | undefined): string {
  return formatDisplayDuration(ms, { empty: 'n/a' });
}

/** A percentage rounded half-up to at most 2 decimals (`66.67%`), sla-common's display format. */
export function percent(p: number | undefined): string {
  return formatPercent(p, { empty: 'n/a' });
}

function instant(ms: number, zone: string): string {
  return DateTime.fromMillis(ms, { zone }).toFormat('yyyy-MM-dd HH:mm');
}

function periodText(m: ReportModel): string {
  // The end is exclusive; show the last day of the period.
  const last = DateTime.fromMillis(m.periodEnd - 1, { zone: m.timezone });
  return `${m.periodKey} (${DateTime.fromMillis(m.periodStart, {
    zone: m.timezone,
  }).toFormat('yyyy-MM-dd')} – ${last.toFormat('yyyy-MM-dd')}, ${m.timezone})`;
}

function confirmationText(s: ReportService): string {
  const c = s.confirmation;
  if (!c) return 'not confirmed';
  const base = `version ${c.termsVersion} confirmed by ${c.by} (${
    c.role
  }) on ${instant(c.at, s.timezone)}`;
  return c.coversTermsInForce
    ? base
    : `${base}; terms changed since last confirmation`;
}

function confirmationStateOf(s: ReportService): string {
  if (!s.confirmation) return 'unconfirmed';
  return s.confirmation.coversTermsInForce
    ? 'confirmed'
    : 'changed-since-confirmation';
}

function serviceName(s: ReportService): string {
  return s.title ? `${s.title} (${s.entityRef})` : s.entityRef;
}

// ---------------------------------------------------------------- CSV

const CSV_HEADER = [
  'section',
  'entity_ref',
  'name',
  'target',
  'value',
  'status',
  'detail',
];

/**
 * One row per fact: `section,entity_ref,name,target,value,status,detail`. Durations are in
 * milliseconds and percentages unrounded, so every figure can be recomputed from the inputs.
 */
export function renderCsv(m: ReportModel): string {
  const rows: Array<Array<string | number | undefined>> = [CSV_HEADER];
  const row = (...cells: Array<string | number | undefined>) =>
    rows.push(cells);
  row('report', m.subjectRef, 'kind', undefined, m.subjectKind);
  row(
    'report',
    m.subjectRef,
    'period',
    undefined,
    m.periodKey,
    undefined,
    periodText(m),
  );
  row(
    'report',
    m.subjectRef,
    'generated_at',
    undefined,
    new Date(m.generatedAt).toISOString(),
  );
  row('report', m.subjectRef, 'objectives_met', undefined, m.total.met);
  row(
    'report',
    m.subjectRef,
    'objectives_committed',
    undefined,
    m.total.committed,
  );
  row(
    'report',
    m.subjectRef,
    'achievement_rate_percent',
    undefined,
    m.total.achievementRate ?? 'n/a',
  );
  for (const s of m.services) {
    const e = s.entityRef;
    row('service', e, 'title', undefined, s.title);
    row('service', e, 'agreement', undefined, s.agreement);
    row('service', e, 'customer', undefined, s.customer);
    row('service', e, 'owner', undefined, s.ownerRef);
    row(
      'service',
      e,
      'service_hours',
      undefined,
      s.serviceHours,
      undefined,
      s.timezone,
    );
    row(
      'service',
      e,
      'terms_version',
      undefined,
      s.termsVersion,
      undefined,
      s.termsBackdated ? 'earliest known version applied' : undefined,
    );
    row(
      'service',
      e,
      'confirmation',
      undefined,
      s.confirmation?.termsVersion,
      confirmationStateOf(s),
      confirmationText(s),
    );
    row('service', e, 'provisional', undefined, String(s.provisional));
    row('service', e, 'objectives_met', undefined, s.met);
    row('service', e, 'objectives_committed', undefined, s.committed);
    row(
      'service',
      e,
      'achievement_rate_percent',
      undefined,
      s.achievementRate ?? 'n/a',
    );
    for (const o of s.objectives) {
      row('objective', e, o.objective, o.target, o.achieved, o.status);
    }
    const a = s.availability;
    row(
      'availability',
      e,
      'availability_percent',
      a.targetPercent,
      a.achievedPercent ?? 'n/a',
    );
    row(
      'availability',
      e,
      'agreed_service_time_ms',
      undefined,
      a.agreedServiceTimeMs,
    );
    row('availability', e, 'downtime_ms', undefined, a.downtimeMs);
    row(
      'availability',
      e,
      'maintenance_ms',
      undefined,
      a.maintenanceMs,
      undefined,
      a.maintenanceWindows,
    );
    row('availability', e, 'error_budget_ms', undefined, a.budgetMs);
    row(
      'availability',
      e,
      'error_budget_remaining_ms',
      undefined,
      a.budgetRemainingMs,
    );
    row('availability', e, 'outages', undefined, a.outages);
    row('availability', e, 'longest_outage_ms', undefined, a.longestOutageMs);
    for (const p of s.incidentsByPriority) {
      row('incidents', e, `${p.priority}.incidents`, undefined, p.incidents);
      row(
        'incidents',
        e,
        `${p.priority}.response_breaches`,
        undefined,
        p.responseBreaches,
      );
      row(
        'incidents',
        e,
        `${p.priority}.resolution_breaches`,
        undefined,
        p.resolutionBreaches,
      );
    }
    for (const b of s.breaches) {
      row(
        'breach',
        e,
        `${b.source}/${b.id}`,
        b.targetMs,
        b.elapsedMs,
        `${b.clock}-breached`,
        `${b.priority} ${b.title}`,
      );
    }
    for (const x of s.actions) {
      row(
        'action',
        e,
        x.action,
        x.dueDate,
        instant(x.at, s.timezone),
        x.event,
        `plan: ${x.planTitle}${x.assignee ? `; assignee: ${x.assignee}` : ''}`,
      );
    }
  }
  // Every row has the header's seven fields (RFC 4180).
  return `${rows
    .map(r => CSV_HEADER.map((_, i) => csvCell(r[i])).join(','))
    .join('\r\n')}\r\n`;
}

// ---------------------------------------------------------------- Markdown

function reportTitle(m: ReportModel): string {
  if (m.subjectKind === 'customer') {
    return `Service report for customer ${m.subjectRef}`;
  }
  return `Service report: ${
    m.services[0] ? serviceName(m.services[0]) : m.subjectRef
  }`;
}

type Cell = string | number | undefined;
/** A table both the Markdown and the HTML report show: its heading row and its rows. */
type Table = [head: string[], rows: Cell[][]];

const NO_BREACHES = 'None.';
const NO_ACTIONS = 'None opened or closed in the period.';

function priorityTable(s: ReportService): Table {
  return [
    ['Priority', 'Incidents', 'Response breaches', 'Resolution breaches'],
    s.incidentsByPriority.map(p => [
      p.priority,
      p.incidents,
      p.responseBreaches,
      p.resolutionBreaches,
    ]),
  ];
}

function breachTable(s: ReportService): Table {
  return [
    ['Incident', 'Priority', 'Title', 'Clock', 'Elapsed', 'Target'],
    s.breaches.map(b => [
      `${b.source}/${b.id}`,
      b.priority,
      b.title,
      b.clock,
      duration(b.elapsedMs),
      duration(b.targetMs),
    ]),
  ];
}

function actionTable(s: ReportService): Table {
  return [
    ['Date', 'Event', 'Action', 'Plan', 'Assignee', 'Due'],
    s.actions.map(x => [
      instant(x.at, s.timezone),
      x.event,
      x.action,
      x.planTitle,
      x.assignee,
      x.dueDate,
    ]),
  ];
}

function md(v: string | number | undefined): string {
  if (v === undefined) return '';
  return String(v)
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/[\r\n]+/g, ' ')
    .replace(/([*_`[\]<>])/g, '\\$1');
}

function mdTable(
  head: string[],
  rows: Array<Array<string | number | undefined>>,
): string[] {
  return [
    `| ${head.join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...rows.map(r => `| ${r.map(md).join(' | ')} |`),
  ];
}

export function renderMarkdown(m: ReportModel): string {
  const out: string[] = [];
  const title = reportTitle(m);
  out.push(`# ${md(title)}`, '');
  out.push(`- Period: ${md(periodText(m))}`);
  out.push(`- Generated: ${md(instant(m.generatedAt, m.timezone))}`);
  out.push(`- SLA achievement rate: ${md(rateText(m.total))}`);
  if (m.subjectKind === 'customer') {
    out.push(`- Services: ${m.services.length}`);
  }
  for (const s of m.services) {
    out.push('', `## ${md(serviceName(s))}`, '');
    if (s.provisional) out.push('> Provisional: the period is still open.', '');
    out.push(...mdTable(['Scope', ''], scopeRows(s)), '');
    out.push('### Objectives', '');
    out.push(
      ...mdTable(
        ['Objective', 'Target', 'Achieved', 'Status'],
        s.objectives.map(o => [o.objective, o.target, o.achieved, o.status]),
      ),
      '',
      `Achievement rate: ${md(rateText(s))}`,
      '',
    );
    out.push('### Availability', '');
    out.push(...mdTable(['Figure', 'Value'], availabilityRows(s)), '');
    out.push('### Incidents by priority', '');
    out.push(...mdTable(...priorityTable(s)), '');
    out.push('### Breaches', '');
    if (s.breaches.length === 0) out.push(NO_BREACHES, '');
    else out.push(...mdTable(...breachTable(s)), '');
    out.push('### Improvement actions', '');
    if (s.actions.length === 0) out.push(NO_ACTIONS, '');
    else out.push(...mdTable(...actionTable(s)), '');
  }
  return `${out.join('\n').trimEnd()}\n`;
}

function rateText(r: {
  met: number;
  committed: number;
  achievementRate?: number;
}): string {
  return r.achievementRate === undefined
    ? `n/a (${r.met} of ${r.committed} objectives met)`
    : `${percent(r.achievementRate)} (${r.met} of ${
        r.committed
      } objectives met)`;
}

function scopeRows(s: ReportService): Array<[string, string]> {
  const rows: Array<[string, string | undefined]> = [
    ['Service', s.entityRef],
    ['Agreement', s.agreement ?? 'not set'],
    ['Customer', s.customer],
    ['Owner', s.ownerRef],
    ['System', s.systemRef],
    ['Tier', s.tier],
    ['Service hours', `${s.serviceHours} (${s.timezone})`],
    [
      'Terms version',
      `${s.termsVersion}${
        s.termsBackdated ? ' (earliest known version applied)' : ''
      }`,
    ],
    ['Confirmation', confirmationText(s)],
  ];
  return rows.filter((r): r is [string, string] => r[1] !== undefined);
}

function availabilityRows(s: ReportService): Array<[string, string]> {
  const a = s.availability;
  return [
    ['Target', a.targetPercent === undefined ? 'none' : `${a.targetPercent}%`],
    ['Achieved', percent(a.achievedPercent)],
    ['Agreed service time', duration(a.agreedServiceTimeMs)],
    ['Downtime (unplanned)', duration(a.downtimeMs)],
    [
      'Planned maintenance in service time',
      `${duration(a.maintenanceMs)}${
        a.maintenanceWindows ? ` (${a.maintenanceWindows})` : ''
      }`,
    ],
    ['Error budget', duration(a.budgetMs)],
    ['Error budget remaining', duration(a.budgetRemainingMs)],
    ['Outages', String(a.outages)],
    ['Longest outage', duration(a.longestOutageMs)],
  ];
}

// ---------------------------------------------------------------- HTML

function h(v: string | number | undefined): string {
  if (v === undefined) return '';
  return String(v)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function htmlTable(
  head: string[],
  rows: Array<Array<string | number | undefined>>,
  cls = '',
): string {
  return `<table${cls ? ` class="${cls}"` : ''}><thead><tr>${head
    .map(c => `<th>${h(c)}</th>`)
    .join('')}</tr></thead><tbody>${rows
    .map(r => `<tr>${r.map(c => `<td>${h(c)}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

const STYLE = `
body { font-family: -apple-system, "Segoe UI", Roboto, "Noto Sans", "PingFang SC", sans-serif; color: #1a1a1a; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; line-height: 1.4; }
h1 { font-size: 1.6rem; margin-bottom: .25rem; }
h2 { font-size: 1.3rem; border-bottom: 2px solid #333; padding-bottom: .2rem; margin-top: 2rem; }
h3 { font-size: 1.05rem; margin: 1.2rem 0 .4rem; }
table { border-collapse: collapse; width: 100%; margin: .3rem 0 .8rem; font-size: .9rem; }
th, td { border: 1px solid #bbb; padding: .25rem .5rem; text-align: left; vertical-align: top; }
th { background: #f0f0f0; }
.meta { color: #555; }
.status-met { color: #1b5e20; font-weight: 600; }
.status-breached { color: #b71c1c; font-weight: 600; }
.status-at-risk { color: #e65100; font-weight: 600; }
.provisional { border: 1px solid #e65100; padding: .4rem .6rem; background: #fff3e0; }
.toolbar { margin-bottom: 1rem; }
@page { size: A4; margin: 15mm 12mm; }
@media print {
  body { margin: 0; max-width: none; font-size: 10pt; }
  .toolbar { display: none; }
  .service { break-before: page; page-break-before: always; }
  .service:first-of-type { break-before: auto; page-break-before: auto; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
  table, tr { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }
  th { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
`;

/** A self-contained page (no scripts, no external resources) that prints cleanly to PDF. */
export function renderHtml(m: ReportModel): string {
  const title = reportTitle(m);
  const parts: string[] = [];
  parts.push(
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<title>${h(title)} — ${h(m.periodKey)}</title>`,
    `<style>${STYLE}</style></head><body>`,
    '<p class="toolbar">Use your browser\'s Print command (Ctrl/Cmd+P) and choose “Save as PDF”.</p>',
    `<h1>${h(title)}</h1>`,
    `<p class="meta">Period ${h(periodText(m))} · generated ${h(
      instant(m.generatedAt, m.timezone),
    )}</p>`,
    `<p><strong>SLA achievement rate:</strong> ${h(rateText(m.total))}</p>`,
  );
  for (const s of m.services) {
    parts.push(`<section class="service"><h2>${h(serviceName(s))}</h2>`);
    if (s.provisional)
      parts.push(
        '<p class="provisional">Provisional: the period is still open.</p>',
      );
    parts.push(htmlTable(['Scope', ''], scopeRows(s), 'scope'));
    parts.push('<h3>Objectives</h3>');
    parts.push(
      `<table><thead><tr><th>Objective</th><th>Target</th><th>Achieved</th><th>Status</th></tr></thead><tbody>${s.objectives
        .map(
          o =>
            `<tr><td>${h(o.objective)}</td><td>${h(o.target)}</td><td>${h(
              o.achieved,
            )}</td><td class="status-${h(o.status)}">${h(o.status)}</td></tr>`,
        )
        .join('')}</tbody></table>`,
      `<p>Achievement rate: ${h(rateText(s))}</p>`,
    );
    parts.push(
      '<h3>Availability</h3>',
      htmlTable(['Figure', 'Value'], availabilityRows(s)),
    );
    parts.push(
      '<h3>Incidents by priority</h3>',
      htmlTable(...priorityTable(s)),
    );
    parts.push('<h3>Breaches</h3>');
    parts.push(
      s.breaches.length === 0
        ? `<p>${NO_BREACHES}</p>`
        : htmlTable(...breachTable(s)),
    );
    parts.push('<h3>Improvement actions</h3>');
    parts.push(
      s.actions.length === 0
        ? `<p>${NO_ACTIONS}</p>`
        : htmlTable(...actionTable(s)),
    );
    parts.push('</section>');
  }
  parts.push('</body></html>');
  return `${parts.join('\n')}\n`;
}

export function renderReport(m: ReportModel, format: ReportFormat): string {
  switch (format) {
    case 'csv':
      return renderCsv(m);
    case 'md':
      return renderMarkdown(m);
    default:
      return renderHtml(m);
  }
}
