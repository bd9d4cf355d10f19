import { spawnSync } from 'child_process';
import type { Server } from 'http';
import { expectMatchesDocument } from '../schema/__testUtils__/expectMatchesDocument';
import {
  api,
  itAnswersNotFound,
  itEnforcesAuth,
} from '../__testUtils__/testBackend';
import { as, CUSTOMER, startBackend } from '../plans/__testUtils__/testBackend';

jest.setTimeout(60_000);

const REPORT = '/entities/component/default/cad-core/report';

/** P1 down 60 min on 3 September, acknowledged in 10 min, resolved in 3 h. */
const INCIDENT = {
  source: 'api',
  id: 'INC-1',
  entityRef: 'component:default/cad-core',
  title: 'Dispatch consoles frozen',
  priority: 'P1',
  createdAt: '2026-09-03T10:00:00Z',
  acknowledgedAt: '2026-09-03T10:10:00Z',
  resolvedAt: '2026-09-03T13:00:00Z',
  outage: { start: '2026-09-03T10:00:00Z', end: '2026-09-03T11:00:00Z' },
};

async function backendWithIncident() {
  const backend = await startBackend();
  const res = await api(backend.server, as('olivia'))
    .post('/incidents')
    .send({ incidents: [INCIDENT] });
  expect(res.status).toBe(200);
  return backend;
}

const BODY = {
  subjectKind: 'entity',
  subjectRef: 'component:default/cad-core',
  period: '2026-09',
};

/** cad-core's September report in one format, as carl (the customer) downloads it. */
const septemberReport = (server: Server, format: string) =>
  api(server, as('carl')).get(`${REPORT}?period=2026-09&format=${format}`);

describe('report routes', () => {
  describe('GET /entities/{…}/report', () => {
    it('serves CSV and Markdown as downloads and HTML as a printable page', async () => {
      const { server } = await backendWithIncident();

      const csv = await septemberReport(server, 'csv');
      expect(csv.status).toBe(200);
      expectMatchesDocument(csv);
      expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(csv.headers['content-disposition']).toBe(
        'attachment; filename="sla-report-component-default-cad-core-2026-09.csv"',
      );
      expect(csv.text).toContain(
        'availability,component:default/cad-core,downtime_ms,,3600000,,\r\n',
      );

      const md = await septemberReport(server, 'md');
      expectMatchesDocument(md);
      expect(md.headers['content-type']).toBe('text/markdown; charset=utf-8');
      expect(md.text).toContain('| Agreement | TFDL-SLA-2026-07 |');
      expect(md.text).toContain('| Downtime (unplanned) | 1 h |');

      const html = await septemberReport(server, 'html');
      expectMatchesDocument(html);
      expect(html.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(html.headers['content-disposition']).toMatch(/^inline;/);
      expect(html.headers['content-security-policy']).toContain(
        "default-src 'none'",
      );
      expect(html.text).toContain('@media print');

      // The first download of a closed period stored it; it is listed for the tab.
      const list = await api(server, as('carl')).get(
        '/entities/component/default/cad-core/reports',
      );
      expectMatchesDocument(list);
      expect(list.body.items).toEqual([
        expect.objectContaining({
          periodKey: '2026-09',
          revision: 1,
          generatedBy: 'on-demand',
        }),
      ]);
    });

    it('serves the report model as JSON', async () => {
      const { server } = await backendWithIncident();
      const res = await septemberReport(server, 'json');
      expect(res.status).toBe(200);
      expectMatchesDocument(res);
      expect(res.body.model.services[0].availability.downtimeMs).toBe(
        3_600_000,
      );
      expect(res.body.csv).toBeUndefined();
    });

    it('answers 400 naming period or format, and 404 for an entity without an SLA', async () => {
      const { server } = await startBackend();
      const get = (url: string) => api(server, as('carl')).get(url);
      const noPeriod = await get(`${REPORT}?format=csv`);
      expect(noPeriod.status).toBe(400);
      expectMatchesDocument(noPeriod);
      expect(noPeriod.body.error.message).toBe('period: required');
      const badFormat = await get(`${REPORT}?period=2026-09&format=xlsx`);
      expect(badFormat.status).toBe(400);
      expect(badFormat.body.error.message).toBe(
        'format: must be equal to one of the allowed values: csv, md, html, pdf, json (got "xlsx")',
      );
      const badLang = await get(`${REPORT}?period=2026-09&lang=fr`);
      expect(badLang.status).toBe(400);
      expect(badLang.body.error.message).toBe(
        'lang: must be equal to one of the allowed values: en, zh-CN (got "fr")',
      );
      const badPeriod = await get(`${REPORT}?period=2026-13&format=csv`);
      expect(badPeriod.status).toBe(400);
      expect(badPeriod.body.error.message).toMatch(/^period: /);
      expect(
        (await get('/entities/component/default/nope/report?period=2026-09'))
          .status,
      ).toBe(404);
    });
  });

  describe('GET /customers/{…}/report', () => {
    it('covers every service whose customer annotation names the customer', async () => {
      const { server } = await backendWithIncident();
      const res = await api(server, as('carl')).get(
        '/customers/group/default/dispatch-center/report?period=2026-09&format=json',
      );
      expect(res.status).toBe(200);
      expectMatchesDocument(res);
      expect(res.body.subjectRef).toBe(CUSTOMER);
      expect(
        res.body.model.services.map((s: { entityRef: string }) => s.entityRef),
      ).toEqual([
        'component:default/cad-core',
        'component:default/gis-routing',
      ]);
      const list = await api(server, as('carl')).get(
        '/customers/group/default/dispatch-center/reports',
      );
      expectMatchesDocument(list);
      expect(list.body.services).toEqual([
        'component:default/cad-core',
        'component:default/gis-routing',
      ]);
      expect(
        list.body.items.map((i: { periodKey: string }) => i.periodKey),
      ).toEqual(['2026-09']);
    });
  });

  describe('languages and the PDF', () => {
    it('serves the report in the language asked for, summary first, with names instead of refs', async () => {
      const { server } = await backendWithIncident();
      const zh = await api(server, as('carl')).get(
        `${REPORT}?period=2026-09&format=html&lang=zh-CN`,
      );
      expect(zh.status).toBe(200);
      expectMatchesDocument(zh);
      for (const text of [
        '<html lang="zh-CN">',
        '<h2>摘要</h2>',
        '<td>响应时间 · P1</td>',
        '<td>解决时间 · P1</td>',
        '<td>可用性</td>',
        '<svg class="trend"',
      ]) {
        expect(zh.text).toContain(text);
      }
      expect(zh.text).not.toMatch(/(component|group|user):default\//);

      // The stored report is the same; only the rendering's language differs.
      const en = await septemberReport(server, 'html');
      for (const text of [
        '<h2>Summary</h2>',
        '<td>Response time · P1</td>',
        '<td>Availability</td>',
      ]) {
        expect(en.text).toContain(text);
      }
      expect(en.text).not.toMatch(/(component|group|user):default\//);
      expect(en.headers['x-sla-report-revision']).toBe('1');
    });

    it('renders the customer PDF on the server with Noto Sans SC embedded, in Chinese', async () => {
      const { server } = await backendWithIncident();
      const res = await api(server, as('carl'))
        .get(
          '/customers/group/default/dispatch-center/report?period=2026-09&format=pdf&lang=zh-CN',
        )
        .buffer(true)
        .parse((r, done) => {
          const chunks: Buffer[] = [];
          r.on('data', (c: Buffer) => chunks.push(c));
          r.on('end', () => done(null, Buffer.concat(chunks)));
        });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/pdf');
      expect(res.headers['content-disposition']).toBe(
        'attachment; filename="sla-report-group-default-dispatch-center-2026-09.pdf"',
      );
      const pdf = res.body as Buffer;
      expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      // Subset fonts are named ABCDEF+NotoSansSC-…
      expect(pdf.toString('latin1')).toMatch(
        /\/FontName \/[A-Z]{6}\+NotoSansSC/,
      );

      // With poppler-utils installed, the text reads back in Chinese.
      const pdftotext = spawnSync('pdftotext', ['-', '-'], { input: pdf });
      if (pdftotext.error) return; // pdftotext is not on this machine
      const text = pdftotext.stdout.toString('utf8');
      expect(text).toContain('摘要');
      expect(text).toContain('SLA 达成率');
      expect(text).toContain('响应时间 · P1');
    });
  });

  describe('POST /reports/regenerate', () => {
    it('replaces the stored report on purpose, audited, with a new revision', async () => {
      const { server, audits } = await backendWithIncident();
      await septemberReport(server, 'csv');

      const res = await api(server, as('mona'))
        .post('/reports/regenerate')
        .send(BODY);
      expect(res.status).toBe(200);
      expectMatchesDocument(res);
      expect(res.body).toMatchObject({
        periodKey: '2026-09',
        revision: 2,
        generatedBy: 'user:default/mona',
      });
      expect(audits).toContainEqual({
        eventId: 'report-regenerate',
        outcome: 'success',
      });
    });

    it('answers 400 naming the field', async () => {
      const { server } = await startBackend();
      const res = await api(server, as('mona'))
        .post('/reports/regenerate')
        .send({ ...BODY, subjectKind: 'team', period: '' });
      expect(res.status).toBe(400);
      // The document refuses the first problem it finds, naming the field and the value.
      expect(res.body.error.message).toBe(
        'subjectKind: must be equal to one of the allowed values: entity, customer (got "team")',
      );
    });

    it('answers 403 to an owner without the recompute permission (nothing audited)', async () => {
      const { server, audits } = await startBackend();
      const res = await api(server, as('olivia'))
        .post('/reports/regenerate')
        .send(BODY);
      expect(res.status).toBe(403);
      expect(audits.filter(a => a.eventId === 'report-regenerate')).toEqual([]);
    });
  });

  describe('a customer of no service', () => {
    itAnswersNotFound(
      [
        {
          method: 'get',
          path: '/customers/group/default/nobody/report?period=2026-09',
        },
      ],
      async () => (await startBackend()).server,
      as('carl'),
    );
  });

  describe('credentials', () => {
    itEnforcesAuth(
      [
        {
          method: 'get',
          path: '/entities/component/default/cad-core/report?period=2026-09',
        },
        {
          method: 'get',
          path: '/entities/component/default/cad-core/report?period=2026-09&format=json&internal=true',
        },
        { method: 'get', path: '/entities/component/default/cad-core/reports' },
        {
          method: 'get',
          path: '/customers/group/default/nobody/report?period=2026-09',
        },
        { method: 'post', path: '/reports/regenerate', body: BODY },
      ],
      async () => (await startBackend({ denyAll: true })).server,
      as('olivia'),
    );
  });
});
