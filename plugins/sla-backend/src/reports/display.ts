import { parseEntityRef } from '@backstage/catalog-model';
import {
  formatDisplayDuration,
  formatPercent,
  objectiveLabel,
} from '@servicelevel/plugin-sla-common';
import { DateTime } from 'luxon';
import type {
  ReportInternal,
  ReportModel,
  ReportObjective,
  ReportService,
  ReportTrendPoint,
} from './model';
import { ReportLanguage, ReportMessages, reportMessages } from './messages';

/**
 * What the people-facing renderings (Markdown, HTML, PDF) show of a report model, in one
 * language: names instead of refs, objectives by name, durations and percentages in
 * sla-common's display formats, long lists capped. Pure.
 */

/** Rows a details table shows before "and N more". */
export const MAX_DETAIL_ROWS = 25;

/** A duration as people write it (`5 d 22 h 24 m`, `5天22小时24分`), sla-common's display format. */
export function duration(
  ms: number | undefined,
  lang: ReportLanguage = 'en',
): string {
  return formatDisplayDuration(ms, { lang, empty: reportMessages(lang).na });
}

/** A percentage rounded half-up to at most 2 decimals (`66.67%`), sla-common's display format. */
export function percent(
  p: number | undefined,
  lang: ReportLanguage = 'en',
): string {
  return formatPercent(p, { empty: reportMessages(lang).na });
}

export function instant(ms: number, zone: string): string {
  return DateTime.fromMillis(ms, { zone }).toFormat('yyyy-MM-dd HH:mm');
}

export function periodText(m: ReportModel): string {
  // The end is exclusive; show the last day of the period.
  const last = DateTime.fromMillis(m.periodEnd - 1, { zone: m.timezone });
  return `${m.periodKey} (${DateTime.fromMillis(m.periodStart, {
    zone: m.timezone,
  }).toFormat('yyyy-MM-dd')} – ${last.toFormat('yyyy-MM-dd')}, ${m.timezone})`;
}

/** An entity as people name it: its catalog title, else the name in its ref. */
export function entityName(
  ref: string | undefined,
  title?: string,
): string | undefined {
  if (title) return title;
  if (!ref) return undefined;
  try {
    return parseEntityRef(ref).name;
  } catch {
    return ref;
  }
}

export function serviceName(s: ReportService): string {
  return entityName(s.entityRef, s.title) ?? s.entityRef;
}

/** The customer's name, "Dispatch Center (customer)". */
export function customerName(m: ReportModel, t: ReportMessages): string {
  return t.customerName(entityName(m.subjectRef, m.subjectTitle)!);
}

export function reportTitle(m: ReportModel, t: ReportMessages): string {
  if (m.subjectKind === 'customer') return t.titleCustomer(customerName(m, t));
  return t.titleEntity(
    m.services[0] ? serviceName(m.services[0]) : entityName(m.subjectRef)!,
  );
}

export function rateText(
  r: {
    met: number;
    committed: number;
    achievementRate?: number;
    unknown?: number;
  },
  lang: ReportLanguage,
): string {
  const t = reportMessages(lang);
  const rate = t.rate(percent(r.achievementRate, lang), r.met, r.committed);
  return r.unknown ? `${rate} · ${t.unknownCount(r.unknown)}` : rate;
}

/**
 * Each service whose data coverage is below 100 % (SPEC §9), as report notices: the coverage,
 * the threshold, how many objectives read unknown, and each short source's gaps.
 */
export function coverageNotices(
  m: ReportModel,
  lang: ReportLanguage,
): string[] {
  const t = reportMessages(lang);
  return m.services.flatMap(s => {
    const c = s.coverage;
    if (!c || c.coverage >= 100) return [];
    const sources = c.sources
      .filter(src => src.coverage < 100)
      .map(src =>
        t.coverageSource(
          `${src.source} (${src.account})`,
          percent(src.coverage, lang),
          src.gaps
            .map(
              g =>
                `${instant(g.start, s.timezone)} – ${instant(
                  g.end,
                  s.timezone,
                )}`,
            )
            .join(', '),
        ),
      );
    return [
      `${t.coverageNote(
        serviceName(s),
        percent(c.coverage, lang),
        // The configured threshold as written (99.999 must not read 100 %).
        `${c.threshold}%`,
        s.unknown ?? 0,
      )} ${sources.join('; ')}`,
    ];
  });
}

/** What an objective commits to, in words. */
export function objectiveTarget(
  o: ReportObjective,
  lang: ReportLanguage,
): string {
  const t = reportMessages(lang);
  const v = o.targetValue;
  if (v === undefined) return o.target; // a report stored before the figures were kept
  const [kind] = o.objective.split(':');
  switch (kind) {
    case 'availability':
      return percent(v, lang);
    case 'response-time':
    case 'resolution-time': {
      const d = duration(v, lang);
      return o.percentile === undefined || o.percentile === 100
        ? d
        : t.timeTarget(d, percent(o.percentile, lang));
    }
    case 'max-incidents':
      return t.atMost(String(v));
    case 'max-outage':
      return t.atMost(duration(v, lang));
    case 'min-mtbf':
      return t.atLeast(duration(v, lang));
    default:
      return o.target;
  }
}

/** What an objective achieved, in words. */
export function objectiveAchieved(
  o: ReportObjective,
  lang: ReportLanguage,
): string {
  const t = reportMessages(lang);
  if (o.targetValue === undefined) return o.achieved;
  const v = o.actualValue;
  const [kind] = o.objective.split(':');
  switch (kind) {
    case 'availability':
      return v === undefined ? t.noData : percent(v, lang);
    case 'response-time':
    case 'resolution-time':
      if (!o.counted) return t.noIncidents;
      return t.timeActual(
        o.metCount ?? 0,
        o.counted,
        percent(v, lang),
        duration(o.worstMs, lang),
      );
    case 'max-incidents':
      return v === undefined ? t.noData : String(v);
    case 'max-outage':
      return v ? duration(v, lang) : t.none;
    case 'min-mtbf':
      return v === undefined ? t.noFailures : duration(v, lang);
    default:
      return o.achieved;
  }
}

export function statusText(status: string, t: ReportMessages): string {
  return t.statuses[status] ?? status;
}

/** A table: its heading row and its rows of text. */
export type Table = [head: string[], rows: string[][]];

/** Every service's objectives: [service?, objective, target, achieved, status]. */
export function objectivesTable(
  m: ReportModel,
  lang: ReportLanguage,
): { table: Table; statuses: string[] } {
  const t = reportMessages(lang);
  const many = m.services.length > 1;
  const rows: string[][] = [];
  const statuses: string[] = [];
  for (const s of m.services) {
    for (const o of s.objectives) {
      rows.push([
        ...(many ? [serviceName(s)] : []),
        objectiveLabel(o.objective, lang),
        objectiveTarget(o, lang),
        objectiveAchieved(o, lang),
        statusText(o.status, t),
      ]);
      statuses.push(o.status);
    }
  }
  return {
    table: [
      [
        ...(many ? [t.service] : []),
        t.objective,
        t.target,
        t.achieved,
        t.status,
      ],
      rows,
    ],
    statuses,
  };
}

/** Per service: achievement, availability against target and the error budget left. */
export function serviceSummaryTable(
  m: ReportModel,
  lang: ReportLanguage,
): Table {
  const t = reportMessages(lang);
  return [
    [
      t.service,
      t.objectives,
      t.achievementRate,
      t.availability,
      t.availabilityTarget,
      t.errorBudgetRemaining,
    ],
    m.services.map(s => [
      serviceName(s),
      t.countOf(s.met, s.committed),
      percent(s.achievementRate, lang),
      percent(s.availability.achievedPercent, lang),
      s.availability.targetPercent === undefined
        ? t.none
        : percent(s.availability.targetPercent, lang),
      s.availability.budgetRemainingMs === undefined
        ? t.none
        : duration(s.availability.budgetRemainingMs, lang),
    ]),
  ];
}

function confirmationText(s: ReportService, lang: ReportLanguage): string {
  const t = reportMessages(lang);
  const c = s.confirmation;
  if (!c) return t.notConfirmed;
  const base = t.confirmed(
    c.termsVersion,
    entityName(c.by) ?? c.by,
    t.roles[c.role],
    instant(c.at, s.timezone),
  );
  return c.coversTermsInForce
    ? base
    : `${base}${lang === 'en' ? '; ' : '；'}${t.changedSinceConfirmation}`;
}

export function scopeRows(s: ReportService, lang: ReportLanguage): string[][] {
  const t = reportMessages(lang);
  const rows: Array<[string, string | undefined]> = [
    [t.agreement, s.agreement ?? t.notSet],
    [
      t.agreementType,
      s.agreementType ? t.agreementTypes[s.agreementType] : undefined,
    ],
    [t.customer, entityName(s.customer, s.customerTitle)],
    [t.owner, entityName(s.ownerRef)],
    [t.system, entityName(s.systemRef)],
    [t.tier, s.tier],
    [t.serviceHours, `${s.serviceHours} (${s.timezone})`],
    [
      t.termsVersion,
      `${s.termsVersion}${s.termsBackdated ? ` (${t.termsBackdated})` : ''}`,
    ],
    [t.confirmation, confirmationText(s, lang)],
  ];
  return rows.filter((r): r is [string, string] => r[1] !== undefined);
}

export function availabilityRows(
  s: ReportService,
  lang: ReportLanguage,
): string[][] {
  const t = reportMessages(lang);
  const a = s.availability;
  return [
    [
      t.availabilityTarget,
      a.targetPercent === undefined ? t.none : percent(a.targetPercent, lang),
    ],
    [t.achieved, percent(a.achievedPercent, lang)],
    [t.agreedServiceTime, duration(a.agreedServiceTimeMs, lang)],
    [t.downtime, duration(a.downtimeMs, lang)],
    [
      t.maintenance,
      `${duration(a.maintenanceMs, lang)}${
        a.maintenanceWindows ? ` (${a.maintenanceWindows})` : ''
      }`,
    ],
    [
      t.errorBudget,
      a.budgetMs === undefined ? t.none : duration(a.budgetMs, lang),
    ],
    [
      t.errorBudgetRemaining,
      a.budgetRemainingMs === undefined
        ? t.none
        : duration(a.budgetRemainingMs, lang),
    ],
    [t.outages, String(a.outages)],
    [t.longestOutage, a.outages ? duration(a.longestOutageMs, lang) : t.none],
  ];
}

/** "SMS Gateway (UC)": a dependency by its title (else name) and agreement type. */
function dependencyName(
  d: ReportInternal['dependencies'][number],
  lang: ReportLanguage,
): string {
  const name = entityName(d.entityRef, d.title) ?? d.entityRef;
  const type = d.agreementType
    ? d.agreementType.toUpperCase()
    : reportMessages(lang).noSla;
  return withNote(name, type, lang);
}

/**
 * A service's internal section (shown only with internal=true): its dependencies with their
 * agreement types, and its downtime attributed to their outages (SPEC §8), as figures the
 * chain computed when the report was written. Undefined for a report stored before.
 */
export function internalTables(
  s: ReportService,
  lang: ReportLanguage,
): { dependencies: Table; attribution?: string[][] } | undefined {
  const t = reportMessages(lang);
  const internal = s.internal;
  if (!internal) return undefined;
  const names = new Map(
    internal.dependencies.map(d => [d.entityRef, dependencyName(d, lang)]),
  );
  const nameOf = (ref: string) => names.get(ref) ?? entityName(ref) ?? ref;
  const dependencies: Table = [
    [t.dependency, t.agreementType, t.level],
    internal.dependencies.map(d => [
      entityName(d.entityRef, d.title) ?? d.entityRef,
      d.agreementType ? t.agreementTypes[d.agreementType] : t.noSla,
      d.via ? t.levelVia(d.depth, nameOf(d.via)) : String(d.depth),
    ]),
  ];
  const a = internal.attribution;
  if (a.downtimeMs === 0) return { dependencies };
  const availability = s.objectives.find(o => o.objective === 'availability');
  const rows: string[][] = [];
  if (availability) {
    // The objective the attribution explains: achieved / target (status).
    rows.push([
      t.availability,
      withNote(
        `${objectiveAchieved(availability, lang)} / ${objectiveTarget(
          availability,
          lang,
        )}`,
        statusText(availability.status, t),
        lang,
      ),
    ]);
  }
  rows.push(
    [t.downtime, duration(a.downtimeMs, lang)],
    [t.ownDowntime, duration(a.ownMs, lang)],
    [t.duringDependencyOutages, duration(a.dependencyMs, lang)],
  );
  for (const d of a.dependencies) {
    if (d.attributedMs === 0) continue;
    rows.push([
      t.duringOutagesOf(nameOf(d.ref)),
      d.soleMs === d.attributedMs
        ? duration(d.attributedMs, lang)
        : t.attributedAlone(
            duration(d.attributedMs, lang),
            duration(d.soleMs, lang),
          ),
    ]);
  }
  for (const set of a.bySet) {
    if (set.refs.length < 2) continue;
    rows.push([
      t.downTogether(set.refs.map(nameOf).join(' + ')),
      duration(set.ms, lang),
    ]);
  }
  return { dependencies, attribution: rows };
}

/** The credit of a service's section (absent when its terms have no credit rules). */
export type ReportCredits = NonNullable<ReportService['credits']>;
type ReportCreditLine = ReportCredits['lines'][number];

/** A share in hundredths of a percent as a percentage: 1000 → `10%`. */
function shareText(bp: number, lang: ReportLanguage): string {
  return percent(bp / 100, lang);
}

/** An amount as `3600.00 CNY`: exact decimal text, the ISO code in both languages. */
export function amountText(a: { decimal: string; currency: string }): string {
  return `${a.decimal} ${a.currency}`;
}

/** How one credit rule came to its share, in words. */
export function creditRuleText(
  l: ReportCreditLine,
  lang: ReportLanguage,
): string {
  const t = reportMessages(lang);
  if (l.excluded) return t.noCredit(statusText(l.status, t));
  switch (l.kind) {
    case 'band': {
      const achieved =
        l.achieved === undefined ? t.noData : percent(l.achieved, lang);
      if (l.band) {
        return t.bandApplied(
          achieved,
          percent(l.band.below, lang),
          percent(l.band.share, lang),
        );
      }
      const bands = (l.bands ?? [])
        .map(b => t.band(percent(b.below, lang), percent(b.share, lang)))
        .join(lang === 'en' ? ', ' : '，');
      return t.noBand(achieved, bands);
    }
    case 'per-breach':
      return t.perBreach(
        l.breaches ?? 0,
        percent(l.ruleShare, lang),
        shareText(l.shareBp, lang),
      );
    default:
      return l.shareBp > 0
        ? t.breachedRule(percent(l.ruleShare, lang))
        : `${statusText(l.status, t)} → ${shareText(0, lang)}`;
  }
}

/** A service's credit rules: [objective, rule applied, share]. */
export function creditLinesTable(
  c: ReportCredits,
  lang: ReportLanguage,
): Table {
  const t = reportMessages(lang);
  return [
    [t.objective, t.creditRule, t.creditShare],
    c.lines.map(l => [
      objectiveLabel(l.objective, lang),
      creditRuleText(l, lang),
      shareText(l.shareBp, lang),
    ]),
  ];
}

/** "text (note)" / "text（note）": a remark after a figure, in the language's brackets. */
function withNote(text: string, note: string, lang: ReportLanguage): string {
  return lang === 'en' ? `${text} (${note})` : `${text}（${note}）`;
}

/** The credit's amount as a report shows it: `1200.00 CNY`, marked provisional when open. */
export function creditAmountText(
  c: ReportCredits,
  lang: ReportLanguage,
): string {
  const t = reportMessages(lang);
  if (!c.amount) return t.noFee;
  const text = amountText(c.amount);
  return c.provisional ? withNote(text, t.creditProvisional, lang) : text;
}

function periodFeeText(c: ReportCredits, lang: ReportLanguage): string {
  const t = reportMessages(lang);
  if (!c.periodFee) return t.noFee;
  const fee = amountText(c.periodFee);
  return c.months > 1 ? t.feeMonths(fee, c.months) : fee;
}

/** A service's credit from its rules to its amount: total, cap, share credited, fee, amount. */
export function creditRows(c: ReportCredits, lang: ReportLanguage): string[][] {
  const t = reportMessages(lang);
  const cap = shareText(c.capBp, lang);
  return [
    [t.creditTotal, shareText(c.totalShareBp, lang)],
    [t.creditCap, c.capped ? withNote(cap, t.capped, lang) : cap],
    [t.creditedShare, shareText(c.shareBp, lang)],
    [t.periodFee, periodFeeText(c, lang)],
    [t.creditAmount, creditAmountText(c, lang)],
  ];
}

/** Services with credit rules: [service, share credited, credit]; empty when none has any. */
export function creditSummaryTable(
  m: ReportModel,
  lang: ReportLanguage,
): Table {
  const t = reportMessages(lang);
  return [
    [t.service, t.creditedShare, t.creditAmount],
    m.services.flatMap(s =>
      s.credits
        ? [
            [
              serviceName(s),
              shareText(s.credits.shareBp, lang),
              creditAmountText(s.credits, lang),
            ],
          ]
        : [],
    ),
  ];
}

export function priorityTable(s: ReportService, lang: ReportLanguage): Table {
  const t = reportMessages(lang);
  return [
    [t.priority, t.incidents, t.responseBreaches, t.resolutionBreaches],
    s.incidentsByPriority.map(p => [
      p.priority,
      String(p.incidents),
      String(p.responseBreaches),
      String(p.resolutionBreaches),
    ]),
  ];
}

/** Breaches, most overdue first, at most {@link MAX_DETAIL_ROWS}; `more` is how many are left out. */
export function breachTable(
  s: ReportService,
  lang: ReportLanguage,
): Table & { more?: number } {
  const t = reportMessages(lang);
  const sorted = [...s.breaches].sort(
    (a, b) =>
      a.priority.localeCompare(b.priority) ||
      b.elapsedMs - b.targetMs - (a.elapsedMs - a.targetMs),
  );
  return capped(
    [t.priority, t.incident, t.title, t.clock, t.elapsed, t.target],
    sorted.map(b => [
      b.priority,
      b.id,
      b.title,
      t.clocks[b.clock],
      duration(b.elapsedMs, lang),
      duration(b.targetMs, lang),
    ]),
  );
}

export function actionTable(
  s: ReportService,
  lang: ReportLanguage,
): Table & { more?: number } {
  const t = reportMessages(lang);
  return capped(
    [t.date, t.event, t.action, t.plan, t.assignee, t.due],
    s.actions.map(x => [
      instant(x.at, s.timezone),
      t.events[x.event],
      x.action,
      x.planTitle,
      entityName(x.assignee) ?? '',
      x.dueDate ?? '',
    ]),
  );
}

function capped(head: string[], rows: string[][]): Table & { more?: number } {
  const table: Table & { more?: number } = [
    head,
    rows.slice(0, MAX_DETAIL_ROWS),
  ];
  if (rows.length > MAX_DETAIL_ROWS) table.more = rows.length - MAX_DETAIL_ROWS;
  return table;
}

/** The trend points of a model: its stored trend, else this period alone. */
export function trendPoints(m: ReportModel): ReportTrendPoint[] {
  return (
    m.trend ?? [
      {
        periodKey: m.periodKey,
        met: m.total.met,
        committed: m.total.committed,
        achievementRate: m.total.achievementRate,
      },
    ]
  );
}

/** Geometry of the trend chart, shared by the SVG and the PDF drawing. */
export const TREND_CHART = { width: 480, height: 170, top: 22, bottom: 36 };

/** Bars of the trend chart: x, width, height and top of each (in TREND_CHART units). */
export function trendBars(points: ReportTrendPoint[]): Array<{
  point: ReportTrendPoint;
  x: number;
  w: number;
  y: number;
  h: number;
}> {
  const { width, height, top, bottom } = TREND_CHART;
  const plot = height - top - bottom;
  const slot = width / Math.max(points.length, 1);
  const w = Math.min(56, slot * 0.6);
  return points.map((point, i) => {
    const h = ((point.achievementRate ?? 0) / 100) * plot;
    return {
      point,
      x: i * slot + (slot - w) / 2,
      w,
      y: top + plot - h,
      h,
    };
  });
}

/** The bar colour of an achievement rate: green at 100%, amber from 90%, red below. */
export function rateColour(rate: number | undefined): string {
  if (rate === undefined) return '#9e9e9e';
  if (rate >= 100) return '#2e7d32';
  return rate >= 90 ? '#ef6c00' : '#c62828';
}
