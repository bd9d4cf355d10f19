import fs from 'fs';
import PDFDocument from 'pdfkit';
import type { ReportModel } from './model';
import {
  internalTables,
  actionTable,
  availabilityRows,
  breachTable,
  creditLinesTable,
  creditRows,
  creditSummaryTable,
  instant,
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
import type { RenderOptions } from './render';

/**
 * The report as a PDF, rendered on the server with pdfkit: the summary page first (achievement
 * rate, trend chart drawn with vector operations, objectives by name, availability and error
 * budget), then one details page per service. Noto Sans SC (an npm font package) is embedded,
 * subset to the characters used, so Chinese prints on any machine.
 */

const FONT_PACKAGE = '@expo-google-fonts/noto-sans-sc';
const FONT_FILES = {
  regular: `${FONT_PACKAGE}/400Regular/NotoSansSC_400Regular.ttf`,
  bold: `${FONT_PACKAGE}/700Bold/NotoSansSC_700Bold.ttf`,
};

let fonts: { regular: Buffer; bold: Buffer } | undefined;

/** The two font files, read once (about 10 MB each). */
function loadFonts(): { regular: Buffer; bold: Buffer } {
  fonts ??= {
    regular: fs.readFileSync(require.resolve(FONT_FILES.regular)),
    bold: fs.readFileSync(require.resolve(FONT_FILES.bold)),
  };
  return fonts;
}

const MARGIN = 48;
const GREY = '#555555';
const LINE = '#cccccc';
const HEAD_FILL = '#f0f0f0';
const STATUS_COLOURS: Record<string, string> = {
  met: '#1b5e20',
  breached: '#b71c1c',
  'at-risk': '#e65100',
};

export async function renderPdf(
  m: ReportModel,
  lang: ReportLanguage = 'en',
  renderOptions: RenderOptions = {},
): Promise<Buffer> {
  const t = reportMessages(lang);
  const title = reportTitle(m, t);
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    bufferPages: true,
    info: {
      Title: `${title} — ${m.periodKey}`,
      Creator: 'Backstage SLA',
      CreationDate: new Date(m.generatedAt),
    },
    lang: t.htmlLang,
  });
  const { regular, bold } = loadFonts();
  doc.registerFont('body', regular);
  doc.registerFont('bold', bold);
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const width = doc.page.width - 2 * MARGIN;
  const bottom = () => doc.page.height - MARGIN;
  const ensure = (h: number) => {
    if (doc.y + h > bottom()) doc.addPage();
  };
  const heading = (text: string, size: number) => {
    ensure(size * 3);
    doc.moveDown(0.6);
    doc.font('bold').fontSize(size).fillColor('#1a1a1a');
    doc.text(text, MARGIN, doc.y, { width });
    doc.moveDown(0.3);
  };
  const paragraph = (text: string, colour = '#1a1a1a', size = 9.5) => {
    doc.font('body').fontSize(size).fillColor(colour);
    doc.text(text, MARGIN, doc.y, { width });
    doc.moveDown(0.3);
  };

  /** A table with wrapped cells, its header repeated on each new page. */
  const table = (
    [head, rows]: Table,
    options: { weights?: number[]; statuses?: string[]; more?: number } = {},
  ) => {
    const weights = options.weights ?? head.map(() => 1);
    const total = weights.reduce((a, b) => a + b, 0);
    const cols = weights.map(w => (w / total) * width);
    const pad = 4;
    const size = 8.5;
    const rowHeight = (cells: string[], font: string) => {
      doc.font(font).fontSize(size);
      return (
        Math.max(
          ...cells.map((c, i) =>
            doc.heightOfString(c || ' ', { width: cols[i] - 2 * pad }),
          ),
        ) +
        2 * pad
      );
    };
    const drawRow = (
      cells: string[],
      font: string,
      fill?: string,
      status?: string,
    ) => {
      const h = rowHeight(cells, font);
      const y = doc.y;
      let x = MARGIN;
      cells.forEach((c, i) => {
        if (fill) doc.rect(x, y, cols[i], h).fill(fill);
        doc.rect(x, y, cols[i], h).lineWidth(0.5).strokeColor(LINE).stroke();
        const last = i === cells.length - 1;
        const colour =
          last && status ? STATUS_COLOURS[status] ?? '#1a1a1a' : '#1a1a1a';
        doc
          .font(last && status && STATUS_COLOURS[status] ? 'bold' : font)
          .fontSize(size)
          .fillColor(colour)
          .text(c, x + pad, y + pad, { width: cols[i] - 2 * pad });
        x += cols[i];
      });
      doc.x = MARGIN;
      doc.y = y + h;
    };
    ensure(
      rowHeight(head, 'bold') + (rows[0] ? rowHeight(rows[0], 'body') : 0),
    );
    drawRow(head, 'bold', HEAD_FILL);
    rows.forEach((r, i) => {
      if (doc.y + rowHeight(r, 'body') > bottom()) {
        doc.addPage();
        drawRow(head, 'bold', HEAD_FILL);
      }
      drawRow(r, 'body', undefined, options.statuses?.[i]);
    });
    doc.moveDown(0.5);
    if (options.more) paragraph(t.andMore(options.more), GREY);
  };

  /** The trend chart: one bar per period, drawn with vector operations. */
  const trendChart = () => {
    const { width: w, height: h, bottom: axis } = TREND_CHART;
    ensure(h + 20);
    doc.font('body').fontSize(9).fillColor(GREY);
    doc.text(t.trend, MARGIN, doc.y, { width });
    const x0 = MARGIN;
    const y0 = doc.y + 2;
    const base = y0 + h - axis;
    doc
      .moveTo(x0, y0 + TREND_CHART.top)
      .lineTo(x0 + w, y0 + TREND_CHART.top)
      .dash(3, { space: 3 })
      .lineWidth(0.5)
      .strokeColor('#dddddd')
      .stroke()
      .undash();
    for (const b of trendBars(trendPoints(m))) {
      if (b.h > 0) {
        doc
          .rect(x0 + b.x, y0 + b.y, b.w, b.h)
          .fill(rateColour(b.point.achievementRate));
      }
      doc
        .font('bold')
        .fontSize(8)
        .fillColor('#1a1a1a')
        .text(
          percent(b.point.achievementRate, lang),
          x0 + b.x - 10,
          y0 + b.y - 12,
          { width: b.w + 20, align: 'center' },
        );
      doc
        .font('body')
        .fontSize(8)
        .fillColor('#333333')
        .text(b.point.periodKey, x0 + b.x - 10, base + 5, {
          width: b.w + 20,
          align: 'center',
        });
    }
    doc
      .moveTo(x0, base)
      .lineTo(x0 + w, base)
      .lineWidth(0.8)
      .strokeColor('#666666')
      .stroke();
    doc.x = MARGIN;
    doc.y = y0 + h + 4;
  };

  // ------------------------------------------------------------ summary page
  doc.font('bold').fontSize(18).fillColor('#1a1a1a');
  doc.text(title, { width });
  doc.moveDown(0.2);
  paragraph(
    `${t.period} ${periodText(m)} · ${t.generated} ${instant(
      m.generatedAt,
      m.timezone,
    )}${
      m.subjectKind === 'customer'
        ? ` · ${t.services} ${m.services.length}`
        : ''
    }`,
    GREY,
    9,
  );
  if (m.services.some(s => s.provisional)) paragraph(t.provisional, '#e65100');
  for (const note of coverageNotices(m, lang)) paragraph(note, '#e65100');

  heading(t.summary, 14);
  const rateY = doc.y;
  doc.font('bold').fontSize(30).fillColor(rateColour(m.total.achievementRate));
  doc.text(percent(m.total.achievementRate, lang), MARGIN, rateY);
  paragraph(`${t.achievementRate} · ${rateText(m.total, lang)}`, GREY, 10);
  doc.moveDown(0.4);
  trendChart();

  heading(t.objectives, 12);
  const objectives = objectivesTable(m, lang);
  const many = m.services.length > 1;
  table(objectives.table, {
    weights: many ? [1.7, 1.9, 1.4, 3.8, 1] : [2.2, 2, 4.4, 1],
    statuses: objectives.statuses,
  });
  heading(`${t.availability} · ${t.errorBudgetRemaining}`, 12);
  table(serviceSummaryTable(m, lang), {
    weights: [2.6, 1.4, 1.4, 1.3, 1.3, 1.8],
  });
  const credits = creditSummaryTable(m, lang);
  if (credits[1].length > 0) {
    heading(t.serviceCredits, 12);
    table(credits, { weights: [3, 1.5, 2.5] });
  }

  // ------------------------------------------------------------ details, one page per service
  for (const s of m.services) {
    doc.addPage();
    heading(`${t.details}${t.colon}${serviceName(s)}`, 14);
    table([[t.scope, ''], scopeRows(s, lang)], { weights: [1, 3] });
    heading(t.availability, 11);
    table([[t.figure, t.value], availabilityRows(s, lang)], {
      weights: [1, 2],
    });
    heading(t.incidentsByPriority, 11);
    table(priorityTable(s, lang));
    heading(t.breaches, 11);
    if (s.breaches.length === 0) paragraph(t.noBreaches);
    else {
      const b = breachTable(s, lang);
      table(b, { weights: [0.8, 1.2, 3.2, 1, 1.4, 1.4], more: b.more });
    }
    if (s.credits) {
      heading(t.serviceCredits, 11);
      paragraph(t.creditsNote, GREY, 8.5);
      table(creditLinesTable(s.credits, lang), { weights: [2, 4, 1.2] });
      table([[t.figure, t.value], creditRows(s.credits, lang)], {
        weights: [1, 2],
      });
    }
    heading(t.actions, 11);
    if (s.actions.length === 0) paragraph(t.noActions);
    else {
      const a = actionTable(s, lang);
      table(a, { weights: [1.5, 0.9, 3, 2.4, 1.3, 1.2], more: a.more });
    }
    if (renderOptions.internal) {
      heading(t.internal, 12);
      paragraph(t.internalNote, GREY, 8.5);
      const internal = internalTables(s, lang);
      if (!internal) paragraph(t.internalMissing);
      else {
        // A heading is not left alone at the foot of a page: room for it and two rows.
        ensure(90);
        heading(t.dependencies, 11);
        if (internal.dependencies[1].length === 0) {
          paragraph(t.noDependencies);
        } else table(internal.dependencies, { weights: [2, 3, 1.5] });
        ensure(90);
        heading(t.downtimeAttribution, 11);
        if (!internal.attribution) paragraph(t.noDowntime);
        else {
          table([[t.figure, t.value], internal.attribution], {
            weights: [3, 2],
          });
        }
      }
    }
  }

  // ------------------------------------------------------------ page numbers
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const marginBottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc
      .font('body')
      .fontSize(8)
      .fillColor(GREY)
      .text(
        `${title} · ${m.periodKey} · ${t.page(i + 1, range.count)}`,
        MARGIN,
        doc.page.height - MARGIN + 14,
        { width, align: 'center', lineBreak: false },
      );
    doc.page.margins.bottom = marginBottom;
  }
  doc.end();
  return done;
}
