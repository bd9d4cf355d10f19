import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { Incident, readSlaConfig } from '@servicelevel/plugin-sla-common';
import {
  componentEntity,
  createStores,
  recordAnnotatedTerms,
} from '../__testUtils__/stores';
import {
  CAD_CORE_ANNOTATIONS,
  DISPATCH_CENTER,
  fasterP1Plan,
} from '../__testUtils__/examples';
import {
  availabilityBandLine,
  creditAmount,
  perBreachLine,
  SPEC_AVAILABILITY_BANDS,
} from '@servicelevel/plugin-sla-common/testUtils';
import { ComplianceService } from '../service/ComplianceService';
import { DependencyChain } from '../service/DependencyChain';
import { CustomerFees, readCustomerFees } from '../service/credits';
import { CustomerSettings, ReportService } from './ReportService';

jest.setTimeout(60_000);

/** Each of `parts` is somewhere in `text` (a failure names the missing one). */
function expectAllIn(text: string, parts: string[]) {
  for (const part of parts) expect(text).toContain(part);
}

const CAD = 'component:default/cad-core';
const BILLING = 'component:default/billing';
const CUSTOMER = DISPATCH_CENTER;
const at = (iso: string) => Date.parse(iso);
/** Early October: September 2026 is closed. */
const NOW = at('2026-10-05T00:00:00Z');
const MIN = 60_000;
const HOUR = 60 * MIN;

/** The subjects of the reports: cad-core alone, and every service of the customer. */
const CAD_REPORT = { subjectKind: 'entity' as const, subjectRef: CAD };
const CUSTOMER_REPORT = {
  subjectKind: 'customer' as const,
  subjectRef: CUSTOMER,
};
const BILLING_ANNOTATIONS = {
  'servicelevel.io/timezone': 'UTC',
  'servicelevel.io/availability': '99%',
  'servicelevel.io/customer': CUSTOMER,
};

/**
 * September 2026 (30 days × 24 h = 720 h agreed service time; Sundays are 6, 13, 20, 27):
 * - INC-1 P1 Thu 3rd: ack 10 min (≤ 15m met), resolved 3 h (≤ 4h met), down 60 min;
 * - INC-2 P1 Thu 10th: ack 30 min (> 15m breached), resolved 6 h (> 4h breached), down 30 min;
 * - INC-3 P2 Sun 13th: ack 20 min (met), resolved 4 h (met), down 01:00–03:00 of which
 *   02:00–03:00 is in the Sunday maintenance window → 60 min downtime;
 * - INC-4 P3: no P3 targets; counted as an incident only.
 */
const INCIDENTS: Incident[] = [
  {
    source: 'api',
    id: 'INC-1',
    entityRef: CAD,
    title: 'Dispatch consoles frozen',
    priority: 'P1',
    createdAt: at('2026-09-03T10:00:00Z'),
    acknowledgedAt: at('2026-09-03T10:10:00Z'),
    resolvedAt: at('2026-09-03T13:00:00Z'),
    pauses: [],
    outage: {
      start: at('2026-09-03T10:00:00Z'),
      end: at('2026-09-03T11:00:00Z'),
    },
  },
  {
    source: 'api',
    id: 'INC-2',
    entityRef: CAD,
    title: 'Radio gateway down',
    priority: 'P1',
    createdAt: at('2026-09-10T08:00:00Z'),
    acknowledgedAt: at('2026-09-10T08:30:00Z'),
    resolvedAt: at('2026-09-10T14:00:00Z'),
    pauses: [],
    outage: {
      start: at('2026-09-10T08:00:00Z'),
      end: at('2026-09-10T08:30:00Z'),
    },
  },
  {
    source: 'api',
    id: 'INC-3',
    entityRef: CAD,
    title: 'Map tiles missing',
    priority: 'P2',
    createdAt: at('2026-09-13T01:00:00Z'),
    acknowledgedAt: at('2026-09-13T01:20:00Z'),
    resolvedAt: at('2026-09-13T05:00:00Z'),
    pauses: [],
    outage: {
      start: at('2026-09-13T01:00:00Z'),
      end: at('2026-09-13T03:00:00Z'),
    },
  },
  {
    source: 'api',
    id: 'INC-4',
    entityRef: CAD,
    title: 'Typo in a status page',
    priority: 'P3',
    createdAt: at('2026-09-20T09:00:00Z'),
    resolvedAt: at('2026-09-21T09:00:00Z'),
    pauses: [],
  },
];

describe('ReportService', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

  async function setup(
    databaseId: TestDatabaseId,
    options: {
      customers?: CustomerSettings;
      /** More annotations of cad-core (service credits). */
      cadAnnotations?: Record<string, string>;
      customerFees?: CustomerFees;
    } = {},
  ) {
    const { cadAnnotations, customerFees, ...reportOptions } = options;
    const CAD_ANNOTATIONS = { ...CAD_CORE_ANNOTATIONS, ...cadAnnotations };
    const knex = await databases.init(databaseId);
    const stores = await createStores(knex);
    const { incidents, terms, entities, plans, confirmations, reports } =
      stores;
    const { config: slaConfig } = readSlaConfig({ defaultTimezone: 'UTC' });

    const seenAt = at('2026-08-01T00:00:00Z');
    await entities.syncEntities(
      [
        componentEntity(CAD, CAD_ANNOTATIONS, seenAt, {
          title: 'CAD core',
          ownerRef: 'group:default/dispatch-platform',
        }),
        componentEntity(BILLING, BILLING_ANNOTATIONS, seenAt, {
          ownerRef: 'group:default/finance',
        }),
      ],
      seenAt,
    );
    await recordAnnotatedTerms(
      terms,
      [
        [CAD, CAD_ANNOTATIONS],
        [BILLING, BILLING_ANNOTATIONS],
      ],
      slaConfig,
      seenAt,
    );
    await incidents.upsertIncidents(INCIDENTS, { now: seenAt });
    await plans.create(
      {
        id: 'plan-1',
        ...fasterP1Plan('2026-08'),
        addresses: [],
        owner: 'group:default/dispatch-platform',
        targetDate: '2026-12-31',
        status: 'in-progress',
        actions: [
          {
            id: 'a-old',
            title: 'Page the duty manager on P1',
            done: true,
            createdAt: at('2026-08-20T00:00:00Z'),
            doneAt: at('2026-09-25T08:00:00Z'),
          },
          {
            id: 'a-new',
            title: 'Second on-call engineer',
            assignee: 'user:default/olivia',
            dueDate: '2026-10-31',
            done: false,
            createdAt: at('2026-09-15T08:00:00Z'),
          },
          {
            id: 'a-later',
            title: 'Quarterly drill',
            done: false,
            createdAt: at('2026-10-02T08:00:00Z'),
          },
        ],
        createdAt: at('2026-08-20T00:00:00Z'),
        createdBy: 'user:default/olivia',
        updatedAt: at('2026-10-02T08:00:00Z'),
      },
      'user:default/olivia',
    );
    await confirmations.add({
      entityRef: CAD,
      termsVersion: 1,
      by: 'user:default/carl',
      role: 'customer',
      at: at('2026-08-02T09:00:00Z'),
      comment: 'Signed at the yearly review',
    });
    const compliance = new ComplianceService({
      ...stores,
      slaConfig,
      customerFees,
    });
    const service = new ReportService({
      ...stores,
      compliance,
      chain: new DependencyChain({ compliance, entities, incidents }),
      // The customer group is not in the SLA store; its title comes from the catalog.
      catalogTitle: async ref =>
        ref === CUSTOMER ? 'Dispatch Center' : undefined,
      ...reportOptions,
    });
    return { knex, service, reports, incidents, plans };
  }

  describe.each(databases.eachSupportedId())('%p', databaseId => {
    it('traces every number of the September report to the incidents, plans and terms', async () => {
      const { knex, service } = await setup(databaseId);
      const report = await service.report(CAD_REPORT, '2026-09', NOW);
      const [s] = report.model.services;

      expect(s).toMatchObject({
        entityRef: CAD,
        agreement: 'TFDL-SLA-2026-07',
        customer: CUSTOMER,
        ownerRef: 'group:default/dispatch-platform',
        serviceHours: '24x7',
        termsVersion: 1,
        provisional: false,
        confirmation: {
          termsVersion: 1,
          by: 'user:default/carl',
          role: 'customer',
          coversTermsInForce: true,
        },
      });
      // Availability: 720 h agreed; downtime 60 + 30 + 60 min; maintenance 4 Sundays × 2 h.
      expect(s.availability).toEqual({
        targetPercent: 99.9,
        // part × 100 / whole, as the engine computes percentages (ENGINE.md).
        achievedPercent: ((720 * HOUR - 150 * MIN) * 100) / (720 * HOUR),
        agreedServiceTimeMs: 720 * HOUR,
        downtimeMs: 150 * MIN,
        maintenanceMs: 8 * HOUR,
        maintenanceWindows: 'Sun 02:00-04:00',
        budgetMs: 0.001 * 720 * HOUR,
        budgetRemainingMs: 0.001 * 720 * HOUR - 150 * MIN,
        outages: 3,
        longestOutageMs: 60 * MIN,
      });
      expect(s.objectives.map(o => [o.objective, o.status])).toEqual([
        ['availability', 'breached'],
        ['response-time:P1', 'breached'],
        ['response-time:P2', 'met'],
        ['resolution-time:P1', 'breached'],
        ['resolution-time:P2', 'met'],
      ]);
      expect([s.met, s.committed, s.achievementRate]).toEqual([2, 5, 40]);
      expect(s.incidentsByPriority).toEqual([
        {
          priority: 'P1',
          incidents: 2,
          responseBreaches: 1,
          resolutionBreaches: 1,
        },
        {
          priority: 'P2',
          incidents: 1,
          responseBreaches: 0,
          resolutionBreaches: 0,
        },
        {
          priority: 'P3',
          incidents: 1,
          responseBreaches: 0,
          resolutionBreaches: 0,
        },
        {
          priority: 'P4',
          incidents: 0,
          responseBreaches: 0,
          resolutionBreaches: 0,
        },
      ]);
      expect(s.breaches).toEqual([
        {
          source: 'api',
          id: 'INC-2',
          title: 'Radio gateway down',
          priority: 'P1',
          clock: 'response',
          elapsedMs: 30 * MIN,
          targetMs: 15 * MIN,
        },
        {
          source: 'api',
          id: 'INC-2',
          title: 'Radio gateway down',
          priority: 'P1',
          clock: 'resolution',
          elapsedMs: 6 * HOUR,
          targetMs: 4 * HOUR,
        },
      ]);
      // Opened in September: a-new; closed in September: a-old. a-later is October's.
      expect(s.actions.map(a => [a.event, a.action])).toEqual([
        ['opened', 'Second on-call engineer'],
        ['closed', 'Page the duty manager on P1'],
      ]);

      // The same figures, as the customer reads them.
      expectAllIn(report.markdown, [
        '| Downtime (unplanned) | 2 h 30 m |',
        '| Planned maintenance in service time | 8 h (Sun 02:00-04:00) |',
        '| Error budget remaining | −1 h 46 m |',
        '| Achieved | 99.65% |',
        '| P1 | 2 | 1 | 1 |',
        '| P1 | INC-2 | Radio gateway down | Resolution | 6 h | 4 h |',
        '**SLA achievement rate: 40% (2 of 5 objectives met)**',
        '| Agreement | TFDL-SLA-2026-07 |',
        '| Customer | Dispatch Center |',
        '| Owner | dispatch-platform |',
        '| Terms version | 1 |',
        '| Confirmation | version 1 confirmed by carl (customer) on 2026-08-02 09:00 |',
      ]);
      expectAllIn(report.csv, [
        'availability,component:default/cad-core,downtime_ms,,9000000,,\r\n',
        'availability,component:default/cad-core,maintenance_ms,,28800000,,Sun 02:00-04:00\r\n',
        'breach,component:default/cad-core,api/INC-2,900000,1800000,response-breached,P1 Radio gateway down\r\n',
      ]);
      expect(report.html).toContain('<td>Radio gateway down</td>');
      await knex.destroy();
    });

    it('traces the service credit of September to the incidents, the band and the cap', async () => {
      const { knex, service } = await setup(databaseId, {
        cadAnnotations: {
          'servicelevel.io/service-credits':
            'availability<99.9%=10% availability<99%=25% response-time:P1=5%/breach resolution-time:P1=5%/breach cap=15%',
        },
        // cad-core has no fee of its own: its customer's from config applies.
        customerFees: readCustomerFees({
          'dispatch-center': { monthlyFee: '12000 CNY' },
        }).fees,
      });
      const report = await service.report(CAD_REPORT, '2026-09', NOW);
      const [s] = report.model.services;

      // From the incidents: downtime 60 + 30 + (120 − 60 in maintenance) min in 720 h.
      const achieved = ((720 * HOUR - 150 * MIN) * 100) / (720 * HOUR);
      expect(achieved).toBeLessThan(99.9); // 99.65 %: the 10 % band
      expect(achieved).not.toBeLessThan(99); // not the 25 % one
      const p1 = INCIDENTS.filter(i => i.priority === 'P1');
      const lateResponses = p1.filter(
        i => i.acknowledgedAt! - i.createdAt > 15 * MIN,
      ).length;
      const lateResolutions = p1.filter(
        i => i.resolvedAt! - i.createdAt > 4 * HOUR,
      ).length;
      expect([lateResponses, lateResolutions]).toEqual([1, 1]); // INC-2
      // 10 % + 1 × 5 % + 1 × 5 % = 20 %, capped at 15 %: 15 % of 12 000 CNY.
      const totalPercent = 10 + 5 * lateResponses + 5 * lateResolutions;
      const creditedPercent = Math.min(totalPercent, 15);
      const amount = ((12_000 * creditedPercent) / 100).toFixed(2);
      expect(s.credits).toEqual({
        lines: [
          availabilityBandLine(
            achieved,
            SPEC_AVAILABILITY_BANDS,
            { below: 99.9, share: 10 },
            1000,
          ),
          perBreachLine('response-time:P1', 'breached', lateResponses, 5, 500),
          perBreachLine(
            'resolution-time:P1',
            'breached',
            lateResolutions,
            5,
            500,
          ),
        ],
        totalShareBp: totalPercent * 100,
        capBp: 1500,
        shareBp: creditedPercent * 100,
        capped: true,
        provisional: false,
        months: 1,
        periodFee: creditAmount('12000.00', 'CNY'),
        amount: creditAmount(amount, 'CNY'),
      });

      // As the customer reads it: the band, the breaches, the cap and the amount.
      expectAllIn(report.markdown, [
        '| Service | Share credited | Credit |',
        '| CAD core | 15% | 1800.00 CNY |',
        '#### Service credits',
        // Markdown escapes the "<".
        '| Availability | 99.65% \\< 99.9% → 10% | 10% |',
        '| Response time · P1 | 1 breach × 5% = 5% | 5% |',
        '| Resolution time · P1 | 1 breach × 5% = 5% | 5% |',
        '| Total of the rules | 20% |',
        '| Cap | 15% (applied) |',
        '| Share credited | 15% |',
        '| Fee for the period | 12000.00 CNY |',
        '| Credit | 1800.00 CNY |',
      ]);
      expectAllIn(report.csv, [
        'credit,component:default/cad-core,availability.band,99.9,10,breached,achieved:',
        'credit,component:default/cad-core,response-time:P1.per-breach,,5,breached,breaches: 1; per breach: 5%\r\n',
        'credit,component:default/cad-core,share_percent,15,15,capped,\r\n',
        'credit,component:default/cad-core,amount,,1800.00,owed,CNY\r\n',
      ]);
      expect(report.html).toContain('<td>99.65% &lt; 99.9% → 10%</td>');
      expect(report.html).toContain('<td>15% (applied)</td>');
      const zh = (await service.render(report, 'md', 'zh-CN')) as string;
      expectAllIn(zh, [
        '#### 服务赔偿',
        '| 可用性 | 99.65% \\< 99.9% → 10% | 10% |',
        '| 赔偿上限 | 15%（已封顶） |',
        '| 赔偿金额 | 1800.00 CNY |',
      ]);
      const pdf = await service.render(report, 'pdf', 'zh-CN');
      expect(Buffer.isBuffer(pdf) && pdf.subarray(0, 5).toString()).toBe(
        '%PDF-',
      );
      await knex.destroy();
    });

    it('covers every service of a customer and sums achievement over sums', async () => {
      const { knex, service } = await setup(databaseId);
      const report = await service.report(CUSTOMER_REPORT, '2026-09', NOW);
      expect(
        report.model.services.map(s => [s.entityRef, s.met, s.committed]),
      ).toEqual([
        [BILLING, 1, 1],
        [CAD, 2, 5],
      ]);
      expect(report.model.total).toEqual({
        met: 3,
        committed: 6,
        achievementRate: 50,
      });
      expect(report.markdown).toContain(
        '# Service report for Dispatch Center (customer)',
      );
      expect(report.markdown).toContain(
        '**SLA achievement rate: 50% (3 of 6 objectives met)**',
      );
      await knex.destroy();
    });

    it('stores a closed period immutably; only regeneration replaces it, with a new revision', async () => {
      const { knex, service, incidents } = await setup(databaseId);

      expect(await service.generateDue(NOW)).toBe(3); // cad-core, billing, the customer
      expect(await service.generateDue(NOW)).toBe(0);
      const first = await service.report(CAD_REPORT, '2026-09', NOW + HOUR);
      expect(first).toMatchObject({
        stored: true,
        generatedBy: 'scheduler',
        revision: 1,
        generatedAt: NOW,
      });

      // A late incident for September changes nothing already published…
      await incidents.upsertIncidents([
        {
          source: 'api',
          id: 'INC-LATE',
          entityRef: CAD,
          title: 'Late report of slow search',
          priority: 'P2',
          createdAt: at('2026-09-28T10:00:00Z'),
          acknowledgedAt: at('2026-09-28T12:00:00Z'),
          resolvedAt: at('2026-09-28T13:00:00Z'),
          pauses: [],
        },
      ]);
      const again = await service.report(CAD_REPORT, '2026-09', NOW + 2 * HOUR);
      expect(again.markdown).toBe(first.markdown);
      expect(again.csv).toBe(first.csv);
      expect(again.html).toBe(first.html);

      // …until someone regenerates it on purpose: then the 2 h response breaches P2's 30m.
      const regenerated = await service.regenerate(
        CAD_REPORT,
        '2026-09',
        NOW + 3 * HOUR,
        'user:default/mona',
      );
      expect(regenerated).toMatchObject({
        revision: 2,
        generatedBy: 'user:default/mona',
        generatedAt: NOW + 3 * HOUR,
      });
      const [s] = regenerated.model.services;
      expect(s.incidentsByPriority[1]).toEqual({
        priority: 'P2',
        incidents: 2,
        responseBreaches: 1,
        resolutionBreaches: 0,
      });
      expect([s.met, s.committed]).toEqual([1, 5]);
      expect(regenerated.markdown).toContain(
        '| P2 | INC-LATE | Late report of slow search | Response | 2 h | 30 m |',
      );
      expect(
        (await service.report(CAD_REPORT, '2026-09', NOW + 4 * HOUR)).revision,
      ).toBe(2);
      await knex.destroy();
    });

    it('keeps the internal section in the stored model and out of the stored documents', async () => {
      const { knex, service } = await setup(databaseId);
      const report = await service.report(CAD_REPORT, '2026-09', NOW);
      expect(report.stored).toBe(true);
      const [s] = report.model.services;
      expect(s.agreementType).toBe('sla');
      // cad-core depends on nothing: its whole downtime is its own.
      expect(s.internal).toEqual({
        dependencies: [],
        attribution: {
          downtimeMs: s.availability.downtimeMs,
          dependencyMs: 0,
          ownMs: s.availability.downtimeMs,
          dependencies: [],
          bySet: [],
        },
      });
      expect(s.availability.downtimeMs).toBeGreaterThan(0);
      // The documents stored with it are the customer's: no internal section.
      for (const text of [report.markdown, report.html, report.csv]) {
        expect(text).toMatch(/Agreement type|agreement_type,,sla/);
        expect(text).not.toMatch(/Internal|attribution/);
      }
      const internal = await service.render(report, 'md', 'en', {
        internal: true,
      });
      expect(internal).toContain(
        '#### Internal: dependencies and downtime attribution',
      );
      expect(internal).toContain('No dependencies (dependsOn).');
      await knex.destroy();
    });

    it('writes a customer report in its configured language, summary first, with names instead of refs', async () => {
      const { knex, service } = await setup(databaseId, {
        customers: { 'dispatch-center': { language: 'zh-CN' } },
      });
      const report = await service.report(CUSTOMER_REPORT, '2026-09', NOW);
      const zh = report.markdown;
      expectAllIn(zh, [
        '# 服务报告：Dispatch Center（客户）',
        '## 摘要',
        '**SLA 达成率：50%（6 项目标中 3 项达成）**',
        '### 服务目标',
        '| CAD core | 响应时间 · P1 | 15分 | 2 项中 1 项达标（50%），最长 30分 | 未达成 |',
        '| CAD core | 解决时间 · P2 | 8小时 | 1 项中 1 项达标（100%），最长 4小时 | 达成 |',
        '| billing | 可用性 | 99% | 100% | 达成 |',
        '## 明细',
        '#### 改进措施',
        '| 2026-09-15 08:00 | 新建 | Second on-call engineer | Faster P1 response | olivia | 2026-10-31 |',
      ]);
      // The summary comes before the details.
      expect(zh.indexOf('## 摘要')).toBeLessThan(zh.indexOf('## 明细'));
      expect(zh).not.toMatch(/(component|group|user):default\//);
      expect(zh).not.toMatch(/(response-time|max-incidents):/);
      expect(report.html).toContain('<html lang="zh-CN">');
      expect(report.html).toContain('<svg class="trend"');

      // The trend: the five months before September, then September itself.
      expect(report.model.trend?.map(p => p.periodKey)).toEqual([
        '2026-04',
        '2026-05',
        '2026-06',
        '2026-07',
        '2026-08',
        '2026-09',
      ]);
      expect(report.model.trend?.[5]).toEqual({
        periodKey: '2026-09',
        met: 3,
        committed: 6,
        achievementRate: 50,
      });

      // `lang` overrides the customer's language; the stored model is the same.
      const en = (await service.render(report, 'md', 'en')) as string;
      expectAllIn(en, [
        '# Service report for Dispatch Center (customer)',
        '## Summary',
        '| CAD core | Response time · P1 | 15 m | 1 of 2 within target (50%), longest 30 m | Breached |',
        '| CAD core | Resolution time · P2 | 8 h | 1 of 1 within target (100%), longest 4 h | Met |',
      ]);
      expect(en).not.toMatch(/(component|group|user):default\//);
      await knex.destroy();
    });

    it('renders an open period live and never stores it', async () => {
      const { knex, service, reports } = await setup(databaseId);
      const report = await service.report(CAD_REPORT, '2026-10', NOW);
      expect(report.stored).toBe(false);
      expect(report.model.services[0].provisional).toBe(true);
      expect(report.markdown).toContain(
        '> Provisional: the period is still open.',
      );
      expect(await reports.list('entity', CAD)).toEqual([]);
      await expect(
        service.regenerate(CAD_REPORT, '2026-10', NOW, 'x'),
      ).rejects.toThrow('period: 2026-10 is still open');
      await knex.destroy();
    });
  });
});
