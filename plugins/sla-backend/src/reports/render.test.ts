import { OCTOBER_COVERAGE_BELOW_THRESHOLD } from '@servicelevel/plugin-sla-common/testUtils';
import type { ReportModel, ReportService } from './model';
import {
  duration,
  percent,
  renderCsv,
  renderHtml,
  renderMarkdown,
} from './render';

const SERVICE: ReportService = {
  entityRef: 'component:default/cad-core',
  title: 'CAD <core> | "dispatch"',
  serviceHours: '24x7',
  timezone: 'UTC',
  termsVersion: 2,
  termsBackdated: false,
  confirmation: {
    termsVersion: 1,
    by: 'user:default/carl',
    role: 'customer',
    at: Date.UTC(2026, 7, 2, 9),
    coversTermsInForce: false,
  },
  provisional: false,
  objectives: [
    {
      objective: 'availability',
      target: '99.9%',
      achieved: '99.99999%',
      status: 'met',
      targetValue: 99.9,
      actualValue: 99.99999,
    },
  ],
  met: 1,
  committed: 1,
  achievementRate: 100,
  availability: {
    targetPercent: 99.9,
    achievedPercent: 99.99999,
    agreedServiceTimeMs: 2_592_000_000,
    downtimeMs: 259,
    maintenanceMs: 0,
    outages: 1,
    longestOutageMs: 259,
  },
  incidentsByPriority: [],
  breaches: [],
  actions: [
    {
      planId: 'p1',
      planTitle: 'Plan, "quoted"',
      action: '=HYPERLINK("http://evil")',
      event: 'opened',
      at: Date.UTC(2026, 8, 15, 8),
    },
  ],
};

const MODEL: ReportModel = {
  subjectKind: 'customer',
  subjectRef: 'group:default/dispatch-center',
  periodKey: '2026-09',
  periodStart: Date.UTC(2026, 8, 1),
  periodEnd: Date.UTC(2026, 9, 1),
  timezone: 'UTC',
  generatedAt: Date.UTC(2026, 9, 1, 1),
  services: [
    SERVICE,
    { ...SERVICE, entityRef: 'component:default/billing', title: 'Billing' },
  ],
  total: { met: 2, committed: 2, achievementRate: 100 },
};

describe('report renderings', () => {
  it('rounds percentages half-up to at most 2 decimals and writes durations as people do', () => {
    expect(percent(200 / 3)).toBe('66.67%');
    expect(percent(99.95)).toBe('99.95%');
    expect(percent(100)).toBe('100%');
    expect(percent(undefined)).toBe('n/a');
    expect(duration(142 * 3_600_000 + 24 * 60_000 + 27_527)).toBe(
      '5 d 22 h 24 m',
    );
    expect(duration(undefined)).toBe('n/a');
  });

  it('CSV: quotes commas and quotes, neutralises formulas, keeps seven fields per row', () => {
    const csv = renderCsv(MODEL);
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe('section,entity_ref,name,target,value,status,detail');
    expect(csv).toContain(
      `action,component:default/cad-core,"'=HYPERLINK(""http://evil"")",,2026-09-15 08:00,opened,"plan: Plan, ""quoted"""`,
    );
    expect(csv).toContain(
      'service,component:default/cad-core,confirmation,,1,changed-since-confirmation,version 1 confirmed by user:default/carl (customer) on 2026-08-02 09:00; terms changed since last confirmation',
    );
    // Negative numbers are data, not formulas.
    expect(
      renderCsv({
        ...MODEL,
        services: [
          {
            ...SERVICE,
            availability: { ...SERVICE.availability, budgetRemainingMs: -5 },
          },
        ],
      }),
    ).toContain('error_budget_remaining_ms,,-5,,');
    // Percentages are numbers rounded as the display formats round them.
    const rounded = renderCsv({
      ...MODEL,
      total: { met: 10, committed: 12, achievementRate: 250 / 3 },
    });
    expect(rounded).toContain(
      'report,group:default/dispatch-center,achievement_rate_percent,,83.33,,\r\n',
    );
    expect(rounded).toContain(
      'availability,component:default/cad-core,availability_percent,99.9,100,,\r\n',
    );
  });

  it('zh-CN: headings, names and figures in Chinese, summary first, no machine refs', () => {
    const zh = renderHtml(MODEL, 'zh-CN');
    expect(zh).toContain('<html lang="zh-CN">');
    expect(zh).toContain('<h1>服务报告：dispatch-center（客户）</h1>');
    expect(zh).toContain('<h2>摘要</h2>');
    expect(zh).toContain('<td>可用性</td><td>99.9%</td><td>100%</td>');
    expect(zh).toContain('<td class="status-met">达成</td>');
    expect(zh).toContain('<h3>改进措施</h3>');
    expect(zh.indexOf('<h2>摘要</h2>')).toBeLessThan(zh.indexOf('<h2>明细'));
    expect(zh).not.toMatch(/(component|group|user):default\//);
    const md = renderMarkdown(MODEL, 'zh-CN');
    expect(md).toContain('**SLA 达成率：100%（2 项目标中 2 项达成）**');
    expect(md).toContain('| 非计划停机时间 | 0秒 |');
  });

  it('caps long lists with "and N more"', () => {
    const breach = {
      source: 'api',
      id: 'INC',
      title: 'Slow',
      priority: 'P3' as const,
      clock: 'response' as const,
      elapsedMs: 7_200_000,
      targetMs: 3_600_000,
    };
    const many: ReportModel = {
      ...MODEL,
      services: [
        {
          ...SERVICE,
          breaches: Array.from({ length: 40 }, (_, i) => ({
            ...breach,
            id: `INC-${i}`,
          })),
        },
      ],
    };
    const html = renderHtml(many);
    expect(html.match(/<td>Slow<\/td>/g)).toHaveLength(25);
    expect(html).toContain('<p class="more">… and 15 more</p>');
    expect(renderMarkdown(many, 'zh-CN')).toContain('……另有 15 项');
  });

  it('Markdown: escapes table syntax in titles', () => {
    const md = renderMarkdown(MODEL);
    expect(md).toContain('### CAD \\<core\\> \\| "dispatch"');
    expect(md).toContain('- Period: 2026-09 (2026-09-01 – 2026-09-30, UTC)');
    expect(md).toContain('- Services: 2');
  });

  it('HTML: escapes text, carries a print stylesheet with page breaks between services, and no scripts', () => {
    const html = renderHtml(MODEL);
    expect(html).toContain(
      '<h2>Details: CAD &lt;core&gt; | &quot;dispatch&quot;</h2>',
    );
    expect(html).toContain('@media print');
    expect(html).toContain('@page { size: A4;');
    expect(html).toContain(
      '.service { break-before: page; page-break-before: always; }',
    );
    expect(html).toContain('thead { display: table-header-group; }');
    expect(html.match(/<section class="service">/g)).toHaveLength(2);
    expect(html).not.toContain('<script');
  });

  it('shows an open quarter’s credit as provisional, and a credit without a fee as a share only', () => {
    const credited = (credits: ReportService['credits']): ReportModel => ({
      ...MODEL,
      services: [{ ...SERVICE, provisional: true, credits }],
    });
    const base = {
      lines: [
        {
          objective: 'availability',
          kind: 'band' as const,
          status: 'running' as const,
          achieved: 99.95,
          bands: [{ below: 99.9, share: 10 }],
          shareBp: 0,
        },
        {
          objective: 'max-outage',
          kind: 'breached' as const,
          status: 'breached' as const,
          ruleShare: 5,
          shareBp: 500,
        },
        {
          objective: 'response-time:P1',
          kind: 'per-breach' as const,
          status: 'no-data' as const,
          breaches: 0,
          ruleShare: 5,
          shareBp: 0,
          excluded: 'no-data' as const,
        },
      ],
      totalShareBp: 500,
      capBp: 10_000,
      shareBp: 500,
      capped: false,
      provisional: true,
      months: 3,
    };
    const quarter = credited({
      ...base,
      periodFee: {
        currency: 'JPY',
        minorUnits: 0,
        minor: 4_500_000,
        decimal: '4500000',
      },
      amount: {
        currency: 'JPY',
        minorUnits: 0,
        minor: 225_000,
        decimal: '225000',
      },
    });
    const en = renderMarkdown(quarter);
    for (const line of [
      '| Availability | 99.95%: no band applies (below 99.9% → 10%) | 0% |',
      '| Longest outage | breached → 5% | 5% |',
      '| Response time · P1 | No data: no credit | 0% |',
      '| Cap | 100% |',
      '| Fee for the period | 4500000 JPY (3 months) |',
      '| Credit | 225000 JPY (provisional) |',
    ]) {
      expect(en).toContain(line);
    }
    const zh = renderMarkdown(quarter, 'zh-CN');
    expect(zh).toContain('| 本周期服务费 | 4500000 JPY（3 个月） |');
    expect(zh).toContain('| 赔偿金额 | 225000 JPY（临时） |');
    expect(renderCsv(quarter)).toContain(
      'credit,component:default/cad-core,amount,,225000,provisional,JPY\r\n',
    );

    const shareOnly = renderMarkdown(credited(base));
    expect(shareOnly).toContain('| Share credited | 5% |');
    expect(shareOnly).toContain('| Credit | no fee set: share only |');
    expect(renderCsv(credited(base))).not.toContain(',amount,');
  });

  it('names every service whose data coverage is below 100 %, its gaps and its unknown objectives (SPEC §9)', () => {
    const short: ReportService = {
      ...SERVICE,
      title: 'Billing',
      entityRef: 'component:default/billing',
      objectives: [{ ...SERVICE.objectives[0], status: 'unknown' }],
      met: 0,
      committed: 0,
      unknown: 1,
      coverage: OCTOBER_COVERAGE_BELOW_THRESHOLD,
    };
    const model: ReportModel = {
      ...MODEL,
      services: [SERVICE, short],
      total: { met: 1, committed: 1, achievementRate: 100, unknown: 1 },
    };
    const en = renderMarkdown(model, 'en');
    expect(en).toContain(
      '> Data coverage of Billing: 77.42% (threshold 95%). 1 objective(s) read "Unknown"',
    );
    expect(en).toContain(
      'pagerduty (default): 77.42%, not synced 2026-10-25 00:00 – 2026-11-01 00:00',
    );
    expect(en).toContain('100% (1 of 1 objectives met) · 1 unknown');
    // Only the short service gets a notice.
    expect(en.match(/Data coverage of/g)).toHaveLength(1);
    const zh = renderMarkdown(model, 'zh-CN');
    expect(zh).toContain(
      'Billing 的数据覆盖率：77.42%（阈值 95%）。1 项指标为“未知”',
    );
    expect(zh).toContain('未知');
    expect(renderHtml(model, 'en')).toContain(
      '<p class="provisional coverage">Data coverage of Billing: 77.42%',
    );
    // A fully covered report has no notice.
    expect(renderMarkdown(MODEL, 'en')).not.toContain('Data coverage');
  });
});

describe('the internal section', () => {
  const MIN = 60_000;
  const WITH_CHAIN: ReportService = {
    ...SERVICE,
    agreementType: 'sla',
    internal: {
      dependencies: [
        {
          entityRef: 'resource:default/db-cluster',
          title: 'DB cluster',
          depth: 1,
          hasSla: true,
          agreementType: 'ola',
        },
        {
          entityRef: 'component:default/sms-gateway',
          depth: 1,
          hasSla: true,
          agreementType: 'uc',
        },
      ],
      // 60 min: db-cluster 42 (30 alone), sms-gateway 20 (8 alone), 12 both, 10 own.
      attribution: {
        downtimeMs: 60 * MIN,
        dependencyMs: 50 * MIN,
        ownMs: 10 * MIN,
        dependencies: [
          {
            ref: 'resource:default/db-cluster',
            attributedMs: 42 * MIN,
            soleMs: 30 * MIN,
          },
          {
            ref: 'component:default/sms-gateway',
            attributedMs: 20 * MIN,
            soleMs: 8 * MIN,
          },
        ],
        bySet: [
          { refs: ['resource:default/db-cluster'], ms: 30 * MIN },
          {
            refs: [
              'resource:default/db-cluster',
              'component:default/sms-gateway',
            ],
            ms: 12 * MIN,
          },
          { refs: ['component:default/sms-gateway'], ms: 8 * MIN },
        ],
      },
    },
  };
  const model: ReportModel = {
    ...MODEL,
    subjectKind: 'entity',
    subjectRef: WITH_CHAIN.entityRef,
    services: [WITH_CHAIN],
    total: { met: 1, committed: 1, achievementRate: 100 },
  };

  it('is only in a rendering that asks for it; the agreement type always is', () => {
    for (const text of [renderMarkdown(model), renderHtml(model)]) {
      expect(text).toContain('SLA (agreement with a customer)');
      expect(text).not.toContain('DB cluster');
      expect(text).not.toContain('Downtime attribution');
    }
    expect(renderCsv(model)).not.toContain('attribution');
  });

  it('names every dependency with its type and counts a minute of two outages once in the total', () => {
    const md = renderMarkdown(model, 'en', { internal: true });
    expect(md).toContain('| DB cluster | OLA (internal team agreement) | 1 |');
    expect(md).toContain(
      '| sms-gateway | UC (underpinning contract with a supplier) | 1 |',
    );
    expect(md).toContain('| Own downtime (no dependency down) | 10 m |');
    expect(md).toContain('| During dependency outages (counted once) | 50 m |');
    expect(md).toContain(
      '| During DB cluster (OLA) outages | 42 m (alone 30 m) |',
    );
    expect(md).toContain(
      '| During sms-gateway (UC) outages | 20 m (alone 8 m) |',
    );
    expect(md).toContain(
      '| DB cluster (OLA) + sms-gateway (UC), all down together | 12 m |',
    );

    const html = renderHtml(model, 'zh-CN', { internal: true });
    expect(html).toContain('<h3>内部：依赖与停机归因</h3>');
    expect(html).toContain(
      '<td>DB cluster（OLA） 停机期间</td><td>42分（其中单独 30分）</td>',
    );
    expect(html).toContain('<td>OLA（内部团队运营级别协议）</td>');

    const csv = renderCsv(model, { internal: true });
    expect(csv).toContain(
      'attribution,component:default/cad-core,set_ms:resource:default/db-cluster+component:default/sms-gateway,,720000,,',
    );
  });

  it('says so for a report stored before dependencies were recorded, and when there was no downtime', () => {
    const stored: ReportModel = {
      ...model,
      services: [{ ...SERVICE }],
    };
    expect(renderMarkdown(stored, 'en', { internal: true })).toContain(
      'This report was stored before dependencies were recorded with reports; it has no internal section.',
    );
    const quiet: ReportModel = {
      ...model,
      services: [
        {
          ...WITH_CHAIN,
          internal: {
            dependencies: [],
            attribution: {
              downtimeMs: 0,
              dependencyMs: 0,
              ownMs: 0,
              dependencies: [],
              bySet: [],
            },
          },
        },
      ],
    };
    const md = renderMarkdown(quiet, 'en', { internal: true });
    expect(md).toContain('No dependencies (dependsOn).');
    expect(md).toContain('No unplanned downtime in the period.');
  });
});
