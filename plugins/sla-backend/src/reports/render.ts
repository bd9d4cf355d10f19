import { csvCell, roundPercent } from '@servicelevel/plugin-sla-common';
import type { ReportModel, ReportService } from './model';
import {
  actionTable,
  availabilityRows,
  breachTable,
  creditLinesTable,
  creditRows,
  creditSummaryTable,
  duration,
  instant,
  internalTables,
  objectivesTable,
  percent,
  periodText,
  priorityTable,
  rateColour,
  rateText,
  coverageNotices,
  reportTitle,
  scopeRows,
  serviceName,
  serviceSummaryTable,
  Table,
  TREND_CHART,
  trendBars,
  trendPoints,
} from './display';
import { ReportLanguage, reportMessages } from './messages';

/**
 * Renderings of a report model: CSV (machine-friendly, language-neutral), and Markdown and a
 * printable HTML page in the report's language, summary first. The PDF is in pdf.ts. Pure.
 */

export { duration, percent };

export type ReportFormat = 'csv' | 'md' | 'html' | 'pdf';
export const REPORT_FORMATS: readonly ReportFormat[] = [
  'csv',
  'md',
  'html',
  'pdf',
];

/** What a rendering includes beyond what a customer gets. */
export interface RenderOptions {
  /** The internal section: dependencies and downtime attribution (off by default). */
  internal?: boolean;
}

export const REPORT_CONTENT_TYPES: Record<ReportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  md: 'text/markdown; charset=utf-8',
  html: 'text/html; charset=utf-8',
  pdf: 'application/pdf',
};

/** The CSV's confirmation detail (English: the CSV is for machines and spreadsheets). */
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

type Cell = string | number | undefined;

/** A percentage for the CSV: a number, rounded half-up to at most 2 decimals (format rules). */
function csvPercent(p: number | undefined): number | string {
  return p === undefined ? 'n/a' : roundPercent(p);
}

// ---------------------------------------------------------------- CSV

/** The CSV's detail of one credit line: what its share was computed from. */
function creditLineDetail(
  l: NonNullable<ReportService['credits']>['lines'][number],
): string {
  if (l.kind === 'per-breach')
    return `breaches: ${l.breaches ?? 0}; per breach: ${l.ruleShare}%`;
  if (l.kind === 'band') {
    const bands = (l.bands ?? []).map(b => `<${b.below}%=${b.share}%`);
    return `achieved: ${l.achieved ?? 'n/a'}; bands: ${bands.join(' ')}`;
  }
  return `share: ${l.ruleShare}%`;
}

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
 * milliseconds (exact, so every percentage can be recomputed from them); percentages are
 * numbers rounded half-up to at most 2 decimals, as the display formats round them.
 */
export function renderCsv(m: ReportModel, options: RenderOptions = {}): string {
  const rows: Array<Array<string | number | undefined>> = [CSV_HEADER];
  const row = (...cells: Array<string | number | undefined>) =>
    rows.push(cells);
  /** A fact about the report: no target. */
  const fact = (field: string, ...rest: Cell[]) =>
    row('report', m.subjectRef, field, undefined, ...rest);
  fact('kind', m.subjectKind);
  fact('period', m.periodKey, undefined, periodText(m));
  fact('generated_at', new Date(m.generatedAt).toISOString());
  fact('objectives_met', m.total.met);
  fact('objectives_committed', m.total.committed);
  fact('achievement_rate_percent', csvPercent(m.total.achievementRate));
  for (const s of m.services) {
    const e = s.entityRef;
    /** A fact about the service: no target. */
    const serviceFact = (field: string, ...rest: Cell[]) =>
      row('service', e, field, undefined, ...rest);
    serviceFact('title', s.title);
    serviceFact('agreement', s.agreement);
    serviceFact('agreement_type', s.agreementType);
    serviceFact('customer', s.customer);
    serviceFact('owner', s.ownerRef);
    serviceFact('service_hours', s.serviceHours, undefined, s.timezone);
    serviceFact(
      'terms_version',
      s.termsVersion,
      undefined,
      s.termsBackdated ? 'earliest known version applied' : undefined,
    );
    serviceFact(
      'confirmation',
      s.confirmation?.termsVersion,
      confirmationStateOf(s),
      confirmationText(s),
    );
    serviceFact('provisional', String(s.provisional));
    serviceFact('objectives_met', s.met);
    serviceFact('objectives_committed', s.committed);
    serviceFact('achievement_rate_percent', csvPercent(s.achievementRate));
    for (const o of s.objectives) {
      row('objective', e, o.objective, o.target, o.achieved, o.status);
    }
    const a = s.availability;
    row(
      'availability',
      e,
      'availability_percent',
      a.targetPercent,
      csvPercent(a.achievedPercent),
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
    const c = s.credits;
    if (c) {
      // Shares in percent (hundredths exact); amounts as exact decimal text.
      for (const l of c.lines) {
        row(
          'credit',
          e,
          `${l.objective}.${l.kind}`,
          l.band ? l.band.below : undefined,
          l.shareBp / 100,
          l.excluded ?? l.status,
          creditLineDetail(l),
        );
      }
      row('credit', e, 'total_share_percent', undefined, c.totalShareBp / 100);
      row(
        'credit',
        e,
        'share_percent',
        c.capBp / 100,
        c.shareBp / 100,
        c.capped ? 'capped' : undefined,
      );
      if (c.periodFee) {
        row(
          'credit',
          e,
          'period_fee',
          undefined,
          c.periodFee.decimal,
          undefined,
          `${c.periodFee.currency}; months: ${c.months}`,
        );
      }
      if (c.amount) {
        row(
          'credit',
          e,
          'amount',
          undefined,
          c.amount.decimal,
          c.provisional ? 'provisional' : 'owed',
          c.amount.currency,
        );
      }
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
    if (options.internal && s.internal) {
      for (const d of s.internal.dependencies) {
        row(
          'dependency',
          e,
          d.entityRef,
          undefined,
          d.agreementType ?? 'no-sla',
          `depth-${d.depth}`,
          d.via ? `via: ${d.via}` : undefined,
        );
      }
      const split = s.internal.attribution;
      row('attribution', e, 'downtime_ms', undefined, split.downtimeMs);
      row('attribution', e, 'own_ms', undefined, split.ownMs);
      row('attribution', e, 'dependency_ms', undefined, split.dependencyMs);
      for (const d of split.dependencies) {
        row(
          'attribution',
          e,
          `attributed_ms:${d.ref}`,
          undefined,
          d.attributedMs,
          undefined,
          `alone_ms: ${d.soleMs}`,
        );
      }
      for (const set of split.bySet) {
        row(
          'attribution',
          e,
          `set_ms:${set.refs.join('+')}`,
          undefined,
          set.ms,
        );
      }
    }
  }
  // Every row has the header's seven fields (RFC 4180).
  return `${rows
    .map(r => CSV_HEADER.map((_, i) => csvCell(r[i])).join(','))
    .join('\r\n')}\r\n`;
}

// ---------------------------------------------------------------- Markdown

function md(v: string | number | undefined): string {
  if (v === undefined) return '';
  return String(v)
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/[\r\n]+/g, ' ')
    .replace(/([*_`[\]<>])/g, '\\$1');
}

function mdTable([head, rows]: Table): string[] {
  return [
    `| ${head.map(md).join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...rows.map(r => `| ${r.map(md).join(' | ')} |`),
  ];
}

/** A capped table and its "and N more" line. */
function mdCapped(table: Table & { more?: number }, more: string): string[] {
  return [...mdTable(table), ...(table.more ? ['', more] : [])];
}

export function renderMarkdown(
  m: ReportModel,
  lang: ReportLanguage = 'en',
  options: RenderOptions = {},
): string {
  const t = reportMessages(lang);
  const out: string[] = [];
  out.push(`# ${md(reportTitle(m, t))}`, '');
  out.push(`- ${t.period}${t.colon}${md(periodText(m))}`);
  out.push(
    `- ${t.generated}${t.colon}${md(instant(m.generatedAt, m.timezone))}`,
  );
  if (m.subjectKind === 'customer') {
    out.push(`- ${t.services}${t.colon}${m.services.length}`);
  }
  if (m.services.some(s => s.provisional)) out.push('', `> ${t.provisional}`);
  for (const note of coverageNotices(m, lang)) out.push('', `> ${md(note)}`);

  out.push('', `## ${t.summary}`, '');
  out.push(
    `**${t.achievementRate}${t.colon}${md(rateText(m.total, lang))}**`,
    '',
  );
  out.push(`### ${t.objectives}`, '');
  out.push(...mdTable(objectivesTable(m, lang).table), '');
  out.push(`### ${t.availability}`, '');
  out.push(...mdTable(serviceSummaryTable(m, lang)), '');
  const credits = creditSummaryTable(m, lang);
  if (credits[1].length > 0) {
    out.push(`### ${t.serviceCredits}`, '', ...mdTable(credits), '');
  }
  out.push(`### ${t.trend}`, '');
  out.push(
    ...mdTable([
      [t.period, t.achievementRate],
      trendPoints(m).map(p => [p.periodKey, rateText(p, lang)]),
    ]),
  );

  out.push('', `## ${t.details}`);
  for (const s of m.services) {
    out.push('', `### ${md(serviceName(s))}`, '');
    out.push(...mdTable([[t.scope, ''], scopeRows(s, lang)]), '');
    out.push(`#### ${t.availability}`, '');
    out.push(...mdTable([[t.figure, t.value], availabilityRows(s, lang)]), '');
    out.push(`#### ${t.incidentsByPriority}`, '');
    out.push(...mdTable(priorityTable(s, lang)), '');
    out.push(`#### ${t.breaches}`, '');
    const breaches = breachTable(s, lang);
    if (s.breaches.length === 0) out.push(t.noBreaches, '');
    else out.push(...mdCapped(breaches, t.andMore(breaches.more ?? 0)), '');
    if (s.credits) {
      out.push(`#### ${t.serviceCredits}`, '', md(t.creditsNote), '');
      out.push(...mdTable(creditLinesTable(s.credits, lang)), '');
      out.push(...mdTable([[t.figure, t.value], creditRows(s.credits, lang)]));
      out.push('');
    }
    out.push(`#### ${t.actions}`, '');
    const actions = actionTable(s, lang);
    if (s.actions.length === 0) out.push(t.noActions, '');
    else out.push(...mdCapped(actions, t.andMore(actions.more ?? 0)), '');
    if (options.internal) {
      out.push(`#### ${t.internal}`, '', `> ${md(t.internalNote)}`, '');
      const internal = internalTables(s, lang);
      if (!internal) out.push(md(t.internalMissing), '');
      else {
        out.push(`##### ${t.dependencies}`, '');
        if (internal.dependencies[1].length === 0) {
          out.push(md(t.noDependencies), '');
        } else out.push(...mdTable(internal.dependencies), '');
        out.push(`##### ${t.downtimeAttribution}`, '');
        if (!internal.attribution) out.push(md(t.noDowntime), '');
        else {
          out.push(...mdTable([[t.figure, t.value], internal.attribution]), '');
        }
      }
    }
  }
  return `${out.join('\n').trimEnd()}\n`;
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
  [head, rows]: Table,
  options: { cls?: string; statuses?: string[]; more?: string } = {},
): string {
  const { cls, statuses, more } = options;
  const last = head.length - 1;
  return `<table${cls ? ` class="${cls}"` : ''}><thead><tr>${head
    .map(c => `<th>${h(c)}</th>`)
    .join('')}</tr></thead><tbody>${rows
    .map(
      (r, i) =>
        `<tr>${r
          .map((c, j) =>
            statuses && j === last
              ? `<td class="status-${h(statuses[i])}">${h(c)}</td>`
              : `<td>${h(c)}</td>`,
          )
          .join('')}</tr>`,
    )
    .join('')}</tbody></table>${more ? `<p class="more">${h(more)}</p>` : ''}`;
}

/** The achievement rate of the last periods as bars: a small inline SVG, no script, no fonts. */
export function trendSvg(m: ReportModel, lang: ReportLanguage): string {
  const t = reportMessages(lang);
  const { width, height, top, bottom } = TREND_CHART;
  const base = height - bottom;
  const bars = trendBars(trendPoints(m))
    .map(
      b =>
        `<rect x="${b.x.toFixed(1)}" y="${b.y.toFixed(1)}" width="${b.w.toFixed(
          1,
        )}" height="${b.h.toFixed(1)}" fill="${rateColour(
          b.point.achievementRate,
        )}"><title>${h(b.point.periodKey)}: ${h(
          rateText(b.point, lang),
        )}</title></rect><text x="${(b.x + b.w / 2).toFixed(1)}" y="${(
          b.y - 5
        ).toFixed(1)}" text-anchor="middle" class="v">${h(
          percent(b.point.achievementRate, lang),
        )}</text><text x="${(b.x + b.w / 2).toFixed(1)}" y="${
          base + 16
        }" text-anchor="middle">${h(b.point.periodKey)}</text>`,
    )
    .join('');
  return `<svg class="trend" role="img" aria-label="${h(
    t.trend,
  )}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg"><line x1="0" y1="${top}" x2="${width}" y2="${top}" class="grid"/><line x1="0" y1="${base}" x2="${width}" y2="${base}" class="axis"/>${bars}</svg>`;
}

const STYLE = `
body { font-family: -apple-system, "Segoe UI", Roboto, "Noto Sans", "Noto Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif; color: #1a1a1a; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; line-height: 1.45; }
h1 { font-size: 1.6rem; margin-bottom: .25rem; }
h2 { font-size: 1.3rem; border-bottom: 2px solid #333; padding-bottom: .2rem; margin-top: 2rem; }
h3 { font-size: 1.05rem; margin: 1.2rem 0 .4rem; }
table { border-collapse: collapse; width: 100%; margin: .3rem 0 .8rem; font-size: .9rem; }
th, td { border: 1px solid #ccc; padding: .25rem .5rem; text-align: left; vertical-align: top; }
th { background: #f0f0f0; }
.meta { color: #555; }
.headline { display: flex; gap: 2rem; align-items: center; flex-wrap: wrap; margin: 1rem 0; }
.rate { font-size: 2.6rem; font-weight: 700; line-height: 1; }
.rate-label { color: #555; }
.trend text { font-size: 11px; fill: #333; }
.trend text.v { font-weight: 600; }
.trend .axis { stroke: #666; }
.trend .grid { stroke: #ddd; stroke-dasharray: 3 3; }
.status-met { color: #1b5e20; font-weight: 600; }
.status-breached { color: #b71c1c; font-weight: 600; }
.status-at-risk { color: #e65100; font-weight: 600; }
.provisional { border: 1px solid #e65100; padding: .4rem .6rem; background: #fff3e0; }
.more { color: #555; font-style: italic; }
.internal { border-left: 4px solid #6a1b9a; padding-left: .8rem; margin-top: 1.2rem; }
h4 { font-size: .95rem; margin: .8rem 0 .3rem; }
.toolbar { margin-bottom: 1rem; color: #555; }
details > summary { cursor: pointer; }
@page { size: A4; margin: 15mm 12mm; }
@media print {
  body { margin: 0; max-width: none; font-size: 10pt; }
  .toolbar { display: none; }
  .service { break-before: page; page-break-before: always; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
  table, tr { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }
  th { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
`;

/**
 * A self-contained page (no scripts, no external resources) that prints cleanly: the summary
 * (achievement rate, objectives by name, availability and error budget, trend chart) first,
 * then each service's details with long lists capped.
 */
export function renderHtml(
  m: ReportModel,
  lang: ReportLanguage = 'en',
  options: RenderOptions = {},
): string {
  const t = reportMessages(lang);
  const title = reportTitle(m, t);
  const objectives = objectivesTable(m, lang);
  const parts: string[] = [];
  parts.push(
    '<!DOCTYPE html>',
    `<html lang="${t.htmlLang}"><head><meta charset="utf-8">`,
    `<title>${h(title)} — ${h(m.periodKey)}</title>`,
    `<style>${STYLE}</style></head><body>`,
    `<p class="toolbar">${h(t.printHint)}</p>`,
    `<h1>${h(title)}</h1>`,
    `<p class="meta">${h(t.period)} ${h(periodText(m))} · ${h(t.generated)} ${h(
      instant(m.generatedAt, m.timezone),
    )}${
      m.subjectKind === 'customer'
        ? ` · ${h(t.services)} ${m.services.length}`
        : ''
    }</p>`,
  );
  if (m.services.some(s => s.provisional)) {
    parts.push(`<p class="provisional">${h(t.provisional)}</p>`);
  }
  for (const note of coverageNotices(m, lang)) {
    parts.push(`<p class="provisional coverage">${h(note)}</p>`);
  }
  parts.push(
    `<section class="summary"><h2>${h(t.summary)}</h2>`,
    `<div class="headline"><div><div class="rate">${h(
      percent(m.total.achievementRate, lang),
    )}</div><div class="rate-label">${h(t.achievementRate)} · ${h(
      t.countOf(m.total.met, m.total.committed),
    )}${
      m.total.unknown ? ` · ${h(t.unknownCount(m.total.unknown))}` : ''
    }</div></div><figure style="margin:0"><figcaption class="rate-label">${h(
      t.trend,
    )}</figcaption>${trendSvg(m, lang)}</figure></div>`,
    `<h3>${h(t.objectives)}</h3>`,
    htmlTable(objectives.table, { statuses: objectives.statuses }),
    `<h3>${h(t.availability)} · ${h(t.errorBudgetRemaining)}</h3>`,
    htmlTable(serviceSummaryTable(m, lang)),
  );
  const credits = creditSummaryTable(m, lang);
  if (credits[1].length > 0) {
    parts.push(`<h3>${h(t.serviceCredits)}</h3>`, htmlTable(credits));
  }
  parts.push('</section>');
  for (const s of m.services) {
    parts.push(
      `<section class="service"><h2>${h(t.details)}${h(t.colon)}${h(
        serviceName(s),
      )}</h2>`,
      htmlTable([[t.scope, ''], scopeRows(s, lang)], { cls: 'scope' }),
      `<h3>${h(t.availability)}</h3>`,
      htmlTable([[t.figure, t.value], availabilityRows(s, lang)]),
      `<h3>${h(t.incidentsByPriority)}</h3>`,
      htmlTable(priorityTable(s, lang)),
      `<h3>${h(t.breaches)}</h3>`,
    );
    const breaches = breachTable(s, lang);
    parts.push(
      s.breaches.length === 0
        ? `<p>${h(t.noBreaches)}</p>`
        : htmlTable(breaches, {
            more: breaches.more ? t.andMore(breaches.more) : undefined,
          }),
    );
    if (s.credits) {
      parts.push(
        `<h3>${h(t.serviceCredits)}</h3>`,
        `<p class="meta">${h(t.creditsNote)}</p>`,
        htmlTable(creditLinesTable(s.credits, lang)),
        htmlTable([[t.figure, t.value], creditRows(s.credits, lang)], {
          cls: 'credits',
        }),
      );
    }
    parts.push(`<h3>${h(t.actions)}</h3>`);
    const actions = actionTable(s, lang);
    parts.push(
      s.actions.length === 0
        ? `<p>${h(t.noActions)}</p>`
        : htmlTable(actions, {
            more: actions.more ? t.andMore(actions.more) : undefined,
          }),
    );
    if (options.internal) parts.push(htmlInternal(s, lang));
    parts.push('</section>');
  }
  parts.push('</body></html>');
  return `${parts.join('\n')}\n`;
}

/** A service's internal section as HTML (see internalTables). */
function htmlInternal(s: ReportService, lang: ReportLanguage): string {
  const t = reportMessages(lang);
  const parts = [
    `<div class="internal"><h3>${h(t.internal)}</h3>`,
    `<p class="meta">${h(t.internalNote)}</p>`,
  ];
  const internal = internalTables(s, lang);
  if (!internal) parts.push(`<p>${h(t.internalMissing)}</p>`);
  else {
    parts.push(
      `<h4>${h(t.dependencies)}</h4>`,
      internal.dependencies[1].length === 0
        ? `<p>${h(t.noDependencies)}</p>`
        : htmlTable(internal.dependencies),
      `<h4>${h(t.downtimeAttribution)}</h4>`,
      internal.attribution
        ? htmlTable([[t.figure, t.value], internal.attribution], {
            cls: 'attribution',
          })
        : `<p>${h(t.noDowntime)}</p>`,
    );
  }
  parts.push('</div>');
  return parts.join('\n');
}

/** A text rendering of the report (the PDF is pdf.ts's renderPdf). */
export function renderReport(
  m: ReportModel,
  format: Exclude<ReportFormat, 'pdf'>,
  lang: ReportLanguage = 'en',
  options: RenderOptions = {},
): string {
  switch (format) {
    case 'csv':
      return renderCsv(m, options);
    case 'md':
      return renderMarkdown(m, lang, options);
    default:
      return renderHtml(m, lang, options);
  }
}
