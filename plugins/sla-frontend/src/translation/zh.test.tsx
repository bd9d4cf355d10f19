import { fireEvent, screen } from '@testing-library/react';
import {
  catalog,
  changedSinceConfirmation,
  entitySlaApi,
  freezeNowInTests,
  planView,
  reportSummary,
  overview,
  slaEntity,
  supplierOverview,
} from '../__testUtils__/fixtures';
import { englishMessages, renderSla } from '../__testUtils__/render';
import { EntitySlaCard } from '../components/EntitySlaCard';
import { EntitySlaContent } from '../components/EntitySlaContent';
import { EntityPlansSection, PlansBoard } from '../components/ImprovementPlans';
import { CatalogTab, OverviewTab } from '../components/SlaPage';
import {
  AgreementConfirmationPanel,
  ReportsSection,
} from '../components/Reports';

freezeNowInTests();

/**
 * Words of the English messages that may appear in Chinese too: abbreviations and names
 * that are not translated, and the words of the fixtures' data (ids, refs).
 */
const NOT_ENGLISH = new Set([
  'sla',
  'csv',
  'pdf',
  'markdown',
  'yyyy',
  'catalog',
  'info',
  'yaml',
  'openslo',
]);

/**
 * Texts on the page that are not the plugin's: the fixtures' incident titles (data), and
 * Backstage's own table and link texts (core-components' translations, which the mock
 * translation API does not load).
 */
const NOT_OURS = [
  'Service unavailable for all dispatchers',
  'Slow search results',
  'table.toolbar.search',
  'Clear Search',
  'Search',
  'Opens in a new window',
  // Service hours as written in the annotation (the catalog's fixture).
  'calendar:cn-workdays',
];

/** Every English word (3 letters or more) of the plugin's English messages. */
const ENGLISH_WORDS = new Set(
  Object.values(englishMessages())
    .map(m => m.replace(/\{\{\w+\}\}/g, ' '))
    .flatMap(m => m.match(/[A-Za-z]{3,}/g) ?? [])
    .map(w => w.toLocaleLowerCase('en-US'))
    .filter(w => !NOT_ENGLISH.has(w)),
);

/** English words of the page's text and of its labels (aria-label, title, placeholder). */
function englishOnPage(): string[] {
  // The table's drag-and-drop instructions (react-beautiful-dnd) are Backstage's, not ours.
  const dnd = [...document.querySelectorAll('[id^="rbd-"]')].map(
    e => e.textContent ?? '',
  );
  const texts = [
    dnd.reduce(
      (all, t) => (t ? all.split(t).join(' ') : all),
      document.body.textContent ?? '',
    ),
  ];
  document.body
    .querySelectorAll('[aria-label],[title],[placeholder]')
    .forEach(e => {
      for (const a of ['aria-label', 'title', 'placeholder']) {
        const v = e.getAttribute(a);
        if (v) texts.push(v);
      }
    });
  // Entity refs (`user:default/carl`) and annotation keys are data, not language.
  const text = NOT_OURS.reduce(
    (all, t) => all.split(t).join(' '),
    texts.join(' '),
  )
    .replace(/\b[a-z]+:[a-z0-9_-]+\/[\w.-]+/gi, ' ')
    .replace(
      /(servicelevel\.io\/)?\b(tier|availability|response-time|resolution-time|max-incidents|max-outage|min-mtbf)/g,
      ' ',
    )
    .replace(/servicelevel\.io\//g, ' ');
  const words = text.match(/[A-Za-z]{3,}/g) ?? [];
  return [
    ...new Set(
      words.filter(w => ENGLISH_WORDS.has(w.toLocaleLowerCase('en-US'))),
    ),
  ];
}

const PLAN = planView({
  title: '缩短 P1 响应时间',
  description: '增加二线值班',
  origin: { type: 'breach', objective: 'response-time:P1', period: '2026-09' },
  status: 'in-progress',
  actions: [{ id: 'a1', title: '二线值班', done: true, createdAt: 1 }],
  overdue: true,
});

const CONFIRMATION = changedSinceConfirmation({
  state: 'due-soon',
  reviewBy: '2026-12-06',
  daysLeft: 16,
});

describe('in Simplified Chinese', () => {
  it('the English word list is the English messages’ (the check can fail)', () => {
    expect(ENGLISH_WORDS.has('improvement')).toBe(true);
    expect(ENGLISH_WORDS.has('breached')).toBe(true);
  });

  it('the plans board and the plan dialog show no English word', async () => {
    await renderSla(
      <>
        <PlansBoard />
        <EntityPlansSection
          entityRef={PLAN.entityRef}
          ownerRef="group:default/dispatch-platform"
        />
      </>,
      { listPlans: async () => ({ items: [PLAN] }) },
      undefined,
      undefined,
      { language: 'zh' },
    );
    expect(await screen.findAllByText('缩短 P1 响应时间')).toHaveLength(2);
    expect(screen.getByText('进行中（1）')).toBeInTheDocument();
    expect(screen.getByText('2026-09 响应时间 · P1 违约')).toBeInTheDocument();
    expect(englishOnPage()).toEqual([]);

    fireEvent.click(screen.getByText('新建计划'));
    fireEvent.click(await screen.findByText('创建计划'));
    expect(await screen.findByText('请填写计划标题')).toBeInTheDocument();
    expect(englishOnPage()).toEqual([]);
  });

  it('the agreement and report panels show no English word', async () => {
    await renderSla(
      <>
        <AgreementConfirmationPanel
          entityRef="component:default/cad-core"
          timeZone="Asia/Shanghai"
        />
        <ReportsSection
          subject="entity"
          subjectRef="component:default/cad-core"
          timeZone="Asia/Shanghai"
        />
      </>,
      {
        getConfirmation: async () => CONFIRMATION,
        listReports: async () => ({
          items: [{ ...reportSummary, generatedBy: 'scheduler' }],
        }),
      },
      undefined,
      undefined,
      { language: 'zh' },
    );
    expect(await screen.findByText('确认条款版本 3')).toBeInTheDocument();
    expect(await screen.findByText('已发布的报告')).toBeInTheDocument();
    expect(screen.getAllByText('打印 / PDF').length).toBeGreaterThan(0);
    expect(englishOnPage()).toEqual([]);
  });

  it('the catalog’s chain warnings and the organisation page by supplier show no English word', async () => {
    const [supplier] = supplierOverview.suppliers;
    const [contract] = supplier.contracts;
    await renderSla(
      <>
        <CatalogTab />
        <OverviewTab />
      </>,
      {
        // The calendar warning names config keys (holidays, workdays): not the check's subject.
        getCatalog: async () => ({ ...catalog, calendarWarnings: [] }),
        getOverview: async () => overview,
        getSupplierOverview: async () => ({
          ...supplierOverview,
          suppliers: [
            {
              ...supplier,
              contracts: [
                {
                  ...contract,
                  title: '短信网关',
                  dependents: contract.dependents.map(d => ({
                    ...d,
                    title: '通知服务',
                  })),
                },
              ],
            },
          ],
        }),
      },
      undefined,
      ['/?groupBy=supplier&period=2026-10'],
      { language: 'zh' },
    );
    expect(await screen.findByText('按供应商的支撑合同')).toBeInTheDocument();
    expect(
      screen.getByText(
        '通知服务：1小时10分 停机中有 1小时10分 发生在其停机期间（可用性）',
      ),
    ).toBeInTheDocument();
    expect(screen.getByTestId('sla-catalog-chain-warnings')).toHaveTextContent(
      '依赖项无法支撑的目标（仅为警告，非错误）',
    );
    expect(englishOnPage()).toEqual([]);
  });

  it('the card and the tab build every objective text in Chinese', async () => {
    const entity = slaEntity();
    await renderSla(<EntitySlaCard />, entitySlaApi(), entity, undefined, {
      language: 'zh',
    });
    expect(await screen.findByText('响应时间 · P1')).toBeInTheDocument();
    expect(englishOnPage()).toEqual([]);
  });

  it('the SLA tab shows no English word', async () => {
    await renderSla(
      <EntitySlaContent />,
      entitySlaApi(),
      slaEntity(),
      undefined,
      {
        language: 'zh',
      },
    );
    expect(
      (await screen.findAllByText('响应时间 · P1')).length,
    ).toBeGreaterThan(0);
    expect(englishOnPage()).toEqual([]);
  });
});
