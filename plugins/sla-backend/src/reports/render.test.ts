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
  });

  it('Markdown: escapes table syntax in titles', () => {
    const md = renderMarkdown(MODEL);
    expect(md).toContain(
      '## CAD \\<core\\> \\| "dispatch" (component:default/cad-core)',
    );
    expect(md).toContain('- Period: 2026-09 (2026-09-01 – 2026-09-30, UTC)');
    expect(md).toContain('- Services: 2');
  });

  it('HTML: escapes text, carries a print stylesheet with page breaks between services, and no scripts', () => {
    const html = renderHtml(MODEL);
    expect(html).toContain(
      '<h2>CAD &lt;core&gt; | &quot;dispatch&quot; (component:default/cad-core)</h2>',
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
});
