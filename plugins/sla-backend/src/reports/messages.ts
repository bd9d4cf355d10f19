import type { DisplayLanguage } from '@servicelevel/plugin-sla-common';

/**
 * Every string a report shows, one table per language (issue 12: customer-ready reports in
 * en and zh-CN). The renderings (render.ts, pdf.ts) take one table and never write prose of
 * their own. The CSV stays machine-friendly and language-neutral.
 */

export type ReportLanguage = DisplayLanguage;
export const REPORT_LANGUAGES: readonly ReportLanguage[] = ['en', 'zh-CN'];

export function isReportLanguage(v: unknown): v is ReportLanguage {
  return REPORT_LANGUAGES.includes(v as ReportLanguage);
}

export interface ReportMessages {
  /** The `lang` attribute of the HTML page. */
  htmlLang: string;
  titleEntity: (service: string) => string;
  titleCustomer: (customer: string) => string;
  /** A customer's name in running text: "Dispatch Center (customer)". */
  customerName: (name: string) => string;
  /** Between a label and its value: ": " / "：". */
  colon: string;
  period: string;
  generated: string;
  printHint: string;
  provisional: string;
  /** SPEC §9: ", 2 unknown" after a rate whose objectives were not all decidable. */
  unknownCount: (n: number) => string;
  /** A service's data coverage below 100 %, with the threshold it was judged by. */
  coverageNote: (
    service: string,
    coverage: string,
    threshold: string,
    unknown: number,
  ) => string;
  /** One source's coverage and the stretches it was not synced. */
  coverageSource: (source: string, coverage: string, gaps: string) => string;
  summary: string;
  achievementRate: string;
  /** "83.33% (10 of 12 objectives met)". */
  rate: (percent: string, met: number, committed: number) => string;
  /** "10 of 12" / "12 项中 10 项". */
  countOf: (met: number, committed: number) => string;
  services: string;
  trend: string;
  trendEmpty: string;
  objectives: string;
  service: string;
  objective: string;
  target: string;
  achieved: string;
  status: string;
  availability: string;
  errorBudgetRemaining: string;
  details: string;
  scope: string;
  figure: string;
  value: string;
  notSet: string;
  none: string;
  agreement: string;
  agreementType: string;
  agreementTypes: Record<'sla' | 'ola' | 'uc', string>;
  /** Heading of the internal section (only with internal=true). */
  internal: string;
  internalNote: string;
  /** A report stored before its internal section was recorded. */
  internalMissing: string;
  dependencies: string;
  dependency: string;
  noDependencies: string;
  level: string;
  /** "2 (via db-cluster)". */
  levelVia: (level: number, via: string) => string;
  noSla: string;
  downtimeAttribution: string;
  noDowntime: string;
  ownDowntime: string;
  duringDependencyOutages: string;
  /** "During sms-gateway (UC) outages". */
  duringOutagesOf: (name: string) => string;
  /** "70 m (alone 70 m)". */
  attributedAlone: (attributed: string, alone: string) => string;
  /** "db-cluster + sms-gateway, both down". */
  downTogether: (names: string) => string;
  customer: string;
  owner: string;
  system: string;
  tier: string;
  serviceHours: string;
  termsVersion: string;
  termsBackdated: string;
  confirmation: string;
  notConfirmed: string;
  confirmed: (version: number, by: string, role: string, at: string) => string;
  changedSinceConfirmation: string;
  roles: Record<'owner' | 'customer', string>;
  availabilityTarget: string;
  agreedServiceTime: string;
  downtime: string;
  maintenance: string;
  errorBudget: string;
  outages: string;
  longestOutage: string;
  incidentsByPriority: string;
  priority: string;
  incidents: string;
  responseBreaches: string;
  resolutionBreaches: string;
  breaches: string;
  noBreaches: string;
  incident: string;
  title: string;
  clock: string;
  clocks: Record<'response' | 'resolution', string>;
  elapsed: string;
  actions: string;
  noActions: string;
  date: string;
  event: string;
  events: Record<'opened' | 'closed', string>;
  action: string;
  plan: string;
  assignee: string;
  due: string;
  /** "and 12 more". */
  andMore: (n: number) => string;
  statuses: Record<string, string>;
  noData: string;
  /** A figure there is none of (no target, no service time). */
  na: string;
  noIncidents: string;
  noFailures: string;
  /** The target of a time objective met by a share of incidents: "4 h for 95% of incidents". */
  timeTarget: (duration: string, percentile: string) => string;
  /** "10 of 12 within target (83.33%), longest 4 h 4 m". */
  timeActual: (
    met: number,
    counted: number,
    share: string,
    worst: string,
  ) => string;
  atMost: (n: string) => string;
  atLeast: (n: string) => string;
  page: (n: number, of: number) => string;
  serviceCredits: string;
  /** Under the credits heading: how the amount comes about. */
  creditsNote: string;
  creditRule: string;
  creditShare: string;
  /** "99.5% < 99.9% → 10%": the achieved value, the band it fell below, its share. */
  bandApplied: (achieved: string, below: string, share: string) => string;
  /** "99.95%: no band (below 99.9% → 10%, below 99% → 25%)". */
  noBand: (achieved: string, bands: string) => string;
  /** One band as a rule: "below 99.9% → 10%". */
  band: (below: string, share: string) => string;
  /** "3 breaches × 5% = 15%". */
  perBreach: (breaches: number, share: string, total: string) => string;
  /** A `breached` rule: "breached → 5%" when it applied. */
  breachedRule: (share: string) => string;
  /** A rule that earned nothing because of its objective's status: "No data: no credit". */
  noCredit: (status: string) => string;
  creditTotal: string;
  creditCap: string;
  /** Appended to the cap when it applied. */
  capped: string;
  creditedShare: string;
  periodFee: string;
  /** A quarterly or yearly period's fee: "36000.00 CNY (3 months)". */
  feeMonths: (fee: string, months: number) => string;
  creditAmount: string;
  /** No fee in the terms or the customer's config: the credit is a share only. */
  noFee: string;
  /** Appended to an open period's amount. */
  creditProvisional: string;
}

const en: ReportMessages = {
  htmlLang: 'en',
  titleEntity: s => `Service report: ${s}`,
  titleCustomer: c => `Service report for ${c}`,
  customerName: n => `${n} (customer)`,
  colon: ': ',
  period: 'Period',
  generated: 'Generated',
  printHint:
    'To save a PDF, download format=pdf, or use your browser’s Print command.',
  provisional: 'Provisional: the period is still open.',
  unknownCount: n => `${n} unknown`,
  coverageNote: (service, coverage, threshold, unknown) =>
    `Data coverage of ${service}: ${coverage} (threshold ${threshold}). ${
      unknown > 0
        ? `${unknown} objective(s) read "Unknown": their sources were not synced for enough of the period, so they are neither met nor counted as committed.`
        : 'At or above the threshold: the figures are decided on the data received.'
    }`,
  coverageSource: (source, coverage, gaps) =>
    `${source}: ${coverage}, not synced ${gaps}`,
  summary: 'Summary',
  achievementRate: 'SLA achievement rate',
  rate: (p, met, committed) => `${p} (${met} of ${committed} objectives met)`,
  countOf: (met, committed) => `${met} of ${committed}`,
  services: 'Services',
  trend: 'Achievement rate, last periods',
  trendEmpty: 'No earlier periods.',
  objectives: 'Objectives',
  service: 'Service',
  objective: 'Objective',
  target: 'Target',
  achieved: 'Achieved',
  status: 'Status',
  availability: 'Availability',
  errorBudgetRemaining: 'Error budget remaining',
  details: 'Details',
  scope: 'Scope',
  figure: 'Figure',
  value: 'Value',
  notSet: 'not set',
  none: 'none',
  agreement: 'Agreement',
  agreementType: 'Agreement type',
  agreementTypes: {
    sla: 'SLA (agreement with a customer)',
    ola: 'OLA (internal team agreement)',
    uc: 'UC (underpinning contract with a supplier)',
  },
  internal: 'Internal: dependencies and downtime attribution',
  internalNote:
    'Internal only, not for the customer. Attribution states that outages happened at the same time, not that one caused the other. A minute during the outages of two dependencies counts for each of them.',
  internalMissing:
    'This report was stored before dependencies were recorded with reports; it has no internal section.',
  dependencies: 'Dependencies',
  dependency: 'Dependency',
  noDependencies: 'No dependencies (dependsOn).',
  level: 'Level',
  levelVia: (level, via) => `${level} (via ${via})`,
  noSla: 'no SLA',
  downtimeAttribution: 'Downtime attribution',
  noDowntime: 'No unplanned downtime in the period.',
  ownDowntime: 'Own downtime (no dependency down)',
  duringDependencyOutages: 'During dependency outages (counted once)',
  duringOutagesOf: name => `During ${name} outages`,
  attributedAlone: (attributed, alone) => `${attributed} (alone ${alone})`,
  downTogether: names => `${names}, all down together`,
  customer: 'Customer',
  owner: 'Owner',
  system: 'System',
  tier: 'Tier',
  serviceHours: 'Service hours',
  termsVersion: 'Terms version',
  termsBackdated: 'earliest known version applied',
  confirmation: 'Confirmation',
  notConfirmed: 'not confirmed',
  confirmed: (v, by, role, at) =>
    `version ${v} confirmed by ${by} (${role}) on ${at}`,
  changedSinceConfirmation: 'terms changed since the last confirmation',
  roles: { owner: 'owner', customer: 'customer' },
  availabilityTarget: 'Availability target',
  agreedServiceTime: 'Agreed service time',
  downtime: 'Downtime (unplanned)',
  maintenance: 'Planned maintenance in service time',
  errorBudget: 'Error budget',
  outages: 'Outages',
  longestOutage: 'Longest outage',
  incidentsByPriority: 'Incidents by priority',
  priority: 'Priority',
  incidents: 'Incidents',
  responseBreaches: 'Response breaches',
  resolutionBreaches: 'Resolution breaches',
  breaches: 'Breaches',
  noBreaches: 'None.',
  incident: 'Incident',
  title: 'Title',
  clock: 'Clock',
  clocks: { response: 'Response', resolution: 'Resolution' },
  elapsed: 'Took',
  actions: 'Improvement actions',
  noActions: 'None opened or closed in the period.',
  date: 'Date',
  event: 'Event',
  events: { opened: 'Opened', closed: 'Closed' },
  action: 'Action',
  plan: 'Plan',
  assignee: 'Assignee',
  due: 'Due',
  andMore: n => `… and ${n} more`,
  statuses: {
    met: 'Met',
    breached: 'Breached',
    'at-risk': 'At risk',
    'no-data': 'No data',
    running: 'Running',
    unknown: 'Unknown',
    'not-evaluated': 'Not evaluated',
  },
  noData: 'no data',
  na: 'n/a',
  noIncidents: 'no incidents',
  noFailures: 'no failures',
  timeTarget: (d, p) => `${d} for ${p} of incidents`,
  timeActual: (met, counted, share, worst) =>
    `${met} of ${counted} within target (${share}), longest ${worst}`,
  atMost: n => `at most ${n}`,
  atLeast: n => `at least ${n}`,
  page: (n, of) => `Page ${n} of ${of}`,
  serviceCredits: 'Service credits',
  creditsNote:
    'Credit = share credited × the period’s fee. Bands of one objective do not add: the lowest threshold the achieved value is below applies.',
  creditRule: 'Rule applied',
  creditShare: 'Share of fee',
  bandApplied: (a, below, share) => `${a} < ${below} → ${share}`,
  noBand: (a, bands) => `${a}: no band applies (${bands})`,
  band: (below, share) => `below ${below} → ${share}`,
  perBreach: (n, share, total) =>
    `${n} ${n === 1 ? 'breach' : 'breaches'} × ${share} = ${total}`,
  breachedRule: share => `breached → ${share}`,
  noCredit: status => `${status}: no credit`,
  creditTotal: 'Total of the rules',
  creditCap: 'Cap',
  capped: 'applied',
  creditedShare: 'Share credited',
  periodFee: 'Fee for the period',
  feeMonths: (fee, months) => `${fee} (${months} months)`,
  creditAmount: 'Credit',
  noFee: 'no fee set: share only',
  creditProvisional: 'provisional',
};

const zhCN: ReportMessages = {
  htmlLang: 'zh-CN',
  titleEntity: s => `服务报告：${s}`,
  titleCustomer: c => `服务报告：${c}`,
  customerName: n => `${n}（客户）`,
  colon: '：',
  period: '统计周期',
  generated: '生成时间',
  printHint: '如需 PDF，请下载 format=pdf，或使用浏览器的打印功能。',
  provisional: '临时数据：本周期尚未结束。',
  unknownCount: n => `${n} 项未知`,
  coverageNote: (service, coverage, threshold, unknown) =>
    `${service} 的数据覆盖率：${coverage}（阈值 ${threshold}）。${
      unknown > 0
        ? `${unknown} 项指标为“未知”：其数据源在本周期内同步不足，因此既不计为达成，也不计入承诺指标。`
        : '不低于阈值：各项结果按已收到的数据判定。'
    }`,
  coverageSource: (source, coverage, gaps) =>
    `${source}：${coverage}，未同步时段 ${gaps}`,
  summary: '摘要',
  achievementRate: 'SLA 达成率',
  rate: (p, met, committed) => `${p}（${committed} 项目标中 ${met} 项达成）`,
  countOf: (met, committed) => `${committed} 项中 ${met} 项`,
  services: '服务数',
  trend: '近期各周期达成率',
  trendEmpty: '没有更早的周期。',
  objectives: '服务目标',
  service: '服务',
  objective: '目标项',
  target: '目标值',
  achieved: '实际值',
  status: '状态',
  availability: '可用性',
  errorBudgetRemaining: '剩余错误预算',
  details: '明细',
  scope: '范围',
  figure: '指标',
  value: '数值',
  notSet: '未设置',
  none: '无',
  agreement: '协议',
  agreementType: '协议类型',
  agreementTypes: {
    sla: 'SLA（与客户的服务级别协议）',
    ola: 'OLA（内部团队运营级别协议）',
    uc: 'UC（与供应商的支撑合同）',
  },
  internal: '内部：依赖与停机归因',
  internalNote:
    '仅供内部使用，请勿发给客户。归因只说明停机同时发生，不说明因果关系。两个依赖同时停机的时间分别计入每个依赖。',
  internalMissing: '此报告存储时报告尚未记录依赖，因此没有内部部分。',
  dependencies: '依赖',
  dependency: '依赖项',
  noDependencies: '无依赖（dependsOn）。',
  level: '层级',
  levelVia: (level, via) => `${level}（经由 ${via}）`,
  noSla: '无 SLA',
  downtimeAttribution: '停机归因',
  noDowntime: '本周期内没有计划外停机。',
  ownDowntime: '自身停机（无依赖停机）',
  duringDependencyOutages: '依赖停机期间（只计一次）',
  duringOutagesOf: name => `${name} 停机期间`,
  attributedAlone: (attributed, alone) => `${attributed}（其中单独 ${alone}）`,
  downTogether: names => `${names} 同时停机`,
  customer: '客户',
  owner: '负责团队',
  system: '所属系统',
  tier: '服务等级',
  serviceHours: '服务时间',
  termsVersion: '条款版本',
  termsBackdated: '采用已知最早版本',
  confirmation: '确认情况',
  notConfirmed: '未确认',
  confirmed: (v, by, role, at) =>
    `第 ${v} 版已由 ${by}（${role}）于 ${at} 确认`,
  changedSinceConfirmation: '上次确认后条款已变更',
  roles: { owner: '服务负责方', customer: '客户' },
  availabilityTarget: '可用性目标',
  agreedServiceTime: '约定服务时间',
  downtime: '非计划停机时间',
  maintenance: '服务时间内的计划维护',
  errorBudget: '错误预算',
  outages: '中断次数',
  longestOutage: '最长中断',
  incidentsByPriority: '按优先级统计的故障',
  priority: '优先级',
  incidents: '故障数',
  responseBreaches: '响应超时',
  resolutionBreaches: '解决超时',
  breaches: '违约明细',
  noBreaches: '无。',
  incident: '故障单',
  title: '标题',
  clock: '计时项',
  clocks: { response: '响应', resolution: '解决' },
  elapsed: '用时',
  actions: '改进措施',
  noActions: '本周期内没有新建或完成的措施。',
  date: '日期',
  event: '事件',
  events: { opened: '新建', closed: '完成' },
  action: '措施',
  plan: '改进计划',
  assignee: '负责人',
  due: '截止日期',
  andMore: n => `……另有 ${n} 项`,
  statuses: {
    met: '达成',
    breached: '未达成',
    'at-risk': '有风险',
    'no-data': '无数据',
    running: '进行中',
    unknown: '未知',
    'not-evaluated': '未评估',
  },
  noData: '无数据',
  na: '不适用',
  noIncidents: '无故障',
  noFailures: '无故障',
  timeTarget: (d, p) => `${p} 的故障在 ${d} 内`,
  timeActual: (met, counted, share, worst) =>
    `${counted} 项中 ${met} 项达标（${share}），最长 ${worst}`,
  atMost: n => `不超过 ${n}`,
  atLeast: n => `不少于 ${n}`,
  page: (n, of) => `第 ${n} 页，共 ${of} 页`,
  serviceCredits: '服务赔偿',
  creditsNote:
    '赔偿金额 = 赔偿比例 × 本周期服务费。同一目标的多个档位不累加：取实际值低于的最低档位。',
  creditRule: '适用规则',
  creditShare: '占服务费比例',
  bandApplied: (a, below, share) => `${a} < ${below} → ${share}`,
  noBand: (a, bands) => `${a}：未落入任何档位（${bands}）`,
  band: (below, share) => `低于 ${below} → ${share}`,
  perBreach: (n, share, total) => `${n} 次超时 × ${share} = ${total}`,
  breachedRule: share => `未达成 → ${share}`,
  noCredit: status => `${status}：不计赔偿`,
  creditTotal: '各规则合计',
  creditCap: '赔偿上限',
  capped: '已封顶',
  creditedShare: '赔偿比例',
  periodFee: '本周期服务费',
  feeMonths: (fee, months) => `${fee}（${months} 个月）`,
  creditAmount: '赔偿金额',
  noFee: '未设置服务费，仅计比例',
  creditProvisional: '临时',
};

const MESSAGES: Record<ReportLanguage, ReportMessages> = {
  en,
  'zh-CN': zhCN,
};

/** The message table of a language. */
export function reportMessages(lang: ReportLanguage): ReportMessages {
  return MESSAGES[lang];
}
