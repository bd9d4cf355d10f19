import request from 'supertest';
import { expectMatchesDocument } from '../schema/__testUtils__/expectMatchesDocument';
import { as, CUSTOMER, startBackend } from '../plans/__testUtils__/testBackend';

jest.setTimeout(60_000);

const REPORT = '/api/sla/entities/component/default/cad-core/report';

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
  const res = await request(backend.server)
    .post('/api/sla/incidents')
    .set('Authorization', as('olivia'))
    .send({ incidents: [INCIDENT] });
  expect(res.status).toBe(200);
  return backend;
}

describe('report routes', () => {
  describe('GET /entities/{…}/report', () => {
    it('serves CSV and Markdown as downloads and HTML as a printable page', async () => {
      const { server } = await backendWithIncident();

      const csv = await request(server)
        .get(`${REPORT}?period=2026-09&format=csv`)
        .set('Authorization', as('carl'));
      expect(csv.status).toBe(200);
      expectMatchesDocument(csv);
      expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(csv.headers['content-disposition']).toBe(
        'attachment; filename="sla-report-component-default-cad-core-2026-09.csv"',
      );
      expect(csv.text).toContain(
        'availability,component:default/cad-core,downtime_ms,,3600000,,\r\n',
      );

      const md = await request(server)
        .get(`${REPORT}?period=2026-09&format=md`)
        .set('Authorization', as('carl'));
      expectMatchesDocument(md);
      expect(md.headers['content-type']).toBe('text/markdown; charset=utf-8');
      expect(md.text).toContain('| Agreement | TFDL-SLA-2026-07 |');
      expect(md.text).toContain('| Downtime (unplanned) | 1 h |');

      const html = await request(server)
        .get(`${REPORT}?period=2026-09&format=html`)
        .set('Authorization', as('carl'));
      expectMatchesDocument(html);
      expect(html.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(html.headers['content-disposition']).toMatch(/^inline;/);
      expect(html.headers['content-security-policy']).toContain(
        "default-src 'none'",
      );
      expect(html.text).toContain('@media print');

      // The first download of a closed period stored it; it is listed for the tab.
      const list = await request(server)
        .get('/api/sla/entities/component/default/cad-core/reports')
        .set('Authorization', as('carl'));
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
      const res = await request(server)
        .get(`${REPORT}?period=2026-09&format=json`)
        .set('Authorization', as('carl'));
      expect(res.status).toBe(200);
      expectMatchesDocument(res);
      expect(res.body.model.services[0].availability.downtimeMs).toBe(
        3_600_000,
      );
      expect(res.body.csv).toBeUndefined();
    });

    it('answers 400 naming period or format, and 404 for an entity without an SLA', async () => {
      const { server } = await startBackend();
      const get = (url: string) =>
        request(server).get(url).set('Authorization', as('carl'));
      const noPeriod = await get(`${REPORT}?format=csv`);
      expect(noPeriod.status).toBe(400);
      expectMatchesDocument(noPeriod);
      expect(noPeriod.body.error.message).toBe('period: required');
      const badFormat = await get(`${REPORT}?period=2026-09&format=pdf`);
      expect(badFormat.status).toBe(400);
      expect(badFormat.body.error.message).toBe(
        'format: must be equal to one of the allowed values: csv, md, html, json (got "pdf")',
      );
      const badPeriod = await get(`${REPORT}?period=2026-13&format=csv`);
      expect(badPeriod.status).toBe(400);
      expect(badPeriod.body.error.message).toMatch(/^period: /);
      expect(
        (
          await get(
            '/api/sla/entities/component/default/nope/report?period=2026-09',
          )
        ).status,
      ).toBe(404);
    });

    it('answers 401 and 403', async () => {
      const { server } = await startBackend();
      expect(
        (await request(server).get(`${REPORT}?period=2026-09`)).status,
      ).toBe(401);
      expect(
        (
          await request(server).get(
            '/api/sla/entities/component/default/cad-core/reports',
          )
        ).status,
      ).toBe(401);
      const denied = await startBackend({ denyAll: true });
      for (const url of [
        `${REPORT}?period=2026-09`,
        '/api/sla/entities/component/default/cad-core/reports',
      ]) {
        expect(
          (
            await request(denied.server)
              .get(url)
              .set('Authorization', as('olivia'))
          ).status,
        ).toBe(403);
      }
    });
  });

  describe('GET /customers/{…}/report', () => {
    it('covers every service whose customer annotation names the customer', async () => {
      const { server } = await backendWithIncident();
      const res = await request(server)
        .get(
          '/api/sla/customers/group/default/dispatch-center/report?period=2026-09&format=json',
        )
        .set('Authorization', as('carl'));
      expect(res.status).toBe(200);
      expectMatchesDocument(res);
      expect(res.body.subjectRef).toBe(CUSTOMER);
      expect(
        res.body.model.services.map((s: { entityRef: string }) => s.entityRef),
      ).toEqual([
        'component:default/cad-core',
        'component:default/gis-routing',
      ]);
      const list = await request(server)
        .get('/api/sla/customers/group/default/dispatch-center/reports')
        .set('Authorization', as('carl'));
      expectMatchesDocument(list);
      expect(list.body.services).toEqual([
        'component:default/cad-core',
        'component:default/gis-routing',
      ]);
      expect(
        list.body.items.map((i: { periodKey: string }) => i.periodKey),
      ).toEqual(['2026-09']);
    });

    it('answers 404 for a customer of no service, 401 and 403', async () => {
      const { server } = await startBackend();
      const url =
        '/api/sla/customers/group/default/nobody/report?period=2026-09';
      expect(
        (await request(server).get(url).set('Authorization', as('carl')))
          .status,
      ).toBe(404);
      expect((await request(server).get(url)).status).toBe(401);
      const denied = await startBackend({ denyAll: true });
      expect(
        (await request(denied.server).get(url).set('Authorization', as('carl')))
          .status,
      ).toBe(403);
    });
  });

  describe('POST /reports/regenerate', () => {
    const BODY = {
      subjectKind: 'entity',
      subjectRef: 'component:default/cad-core',
      period: '2026-09',
    };

    it('replaces the stored report on purpose, audited, with a new revision', async () => {
      const { server, audits } = await backendWithIncident();
      await request(server)
        .get(`${REPORT}?period=2026-09&format=csv`)
        .set('Authorization', as('carl'));

      const res = await request(server)
        .post('/api/sla/reports/regenerate')
        .set('Authorization', as('mona'))
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
      const res = await request(server)
        .post('/api/sla/reports/regenerate')
        .set('Authorization', as('mona'))
        .send({ ...BODY, subjectKind: 'team', period: '' });
      expect(res.status).toBe(400);
      // The document refuses the first problem it finds, naming the field and the value.
      expect(res.body.error.message).toBe(
        'subjectKind: must be equal to one of the allowed values: entity, customer (got "team")',
      );
    });

    it('answers 401, and 403 to an owner without the recompute permission (nothing audited)', async () => {
      const { server, audits } = await startBackend();
      expect(
        (await request(server).post('/api/sla/reports/regenerate').send(BODY))
          .status,
      ).toBe(401);
      const res = await request(server)
        .post('/api/sla/reports/regenerate')
        .set('Authorization', as('olivia'))
        .send(BODY);
      expect(res.status).toBe(403);
      expect(audits.filter(a => a.eventId === 'report-regenerate')).toEqual([]);
    });
  });
});
