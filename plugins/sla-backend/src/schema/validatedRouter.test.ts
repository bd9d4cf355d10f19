import { mockServices } from '@backstage/backend-test-utils';
import request from 'supertest';
import { as, CAD, startBackend } from '../plans/__testUtils__/testBackend';
import type { ReportStore } from '../database';
import type { ReportService } from '../reports/ReportService';
import { createReportsRouter } from '../reports/router';
import { validatedApp } from './__testUtils__/validatedApp';

jest.setTimeout(60_000);

/** `METHOD path` of every request the OpenAPI validator has seen. */
const mockValidated: string[] = [];

jest.mock('./openapi/generated/router', () => {
  const actual = jest.requireActual('./openapi/generated/router');
  return {
    ...actual,
    createOpenApiRouter: async (options: unknown) => {
      const validator = await actual.createOpenApiRouter(options);
      return (req: any, res: unknown, next: unknown) => {
        mockValidated.push(`${req.method} ${req.path}`);
        return validator(req, res, next);
      };
    },
  };
});

describe('createValidatedRouter', () => {
  it('validates each request through the plugin once, whichever route module serves it', async () => {
    const { server } = await startBackend();
    mockValidated.length = 0;

    // Served by the first route module and by the last.
    const catalog = await request(server)
      .get('/api/sla/catalog')
      .set('Authorization', as('olivia'));
    expect(catalog.status).toBe(200);
    const confirmation = await request(server)
      .get('/api/sla/entities/component/default/cad-core/confirmation')
      .set('Authorization', as('olivia'));
    expect(confirmation.status).toBe(200);
    // Refused by the validator, before any route module.
    const refused = await request(server)
      .post('/api/sla/plans')
      .set('Authorization', as('olivia'))
      .send({ entityRef: CAD });
    expect(refused.status).toBe(400);

    expect(mockValidated).toEqual([
      'GET /catalog',
      'GET /entities/component/default/cad-core/confirmation',
      'POST /plans',
    ]);
  });

  it('validates a route module mounted alone, with readable messages and body limits', async () => {
    const report = jest.fn();
    const app = validatedApp(
      createReportsRouter({
        httpAuth: mockServices.httpAuth(),
        permissions: mockServices.permissions(),
        auditor: mockServices.auditor.mock(),
        reports: { list: async () => [] } as unknown as ReportStore,
        reportService: { report } as unknown as ReportService,
      }),
    );
    mockValidated.length = 0;
    const reportOf = (query: string) =>
      request(app)
        .get(`/entities/component/default/cad-core/report${query}`)
        .set('Authorization', as('carl'));

    const bad = await reportOf('?period=2026-09&format=xlsx');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toBe(
      'format: must be equal to one of the allowed values: csv, md, html, pdf, json (got "xlsx")',
    );
    expect((await reportOf('')).body.error.message).toBe('period: required');
    expect(report).not.toHaveBeenCalled();

    const big = await request(app)
      .post('/reports/regenerate')
      .set('Authorization', as('mona'))
      .send({ subjectRef: 'x'.repeat(1024 * 1024 + 1) });
    expect(big.status).toBe(413);

    const list = await request(app)
      .get('/entities/component/default/cad-core/reports')
      .set('Authorization', as('carl'));
    expect(list.status).toBe(200);
    expect(list.body).toEqual({ items: [] });
    expect(mockValidated).toEqual([
      'GET /entities/component/default/cad-core/report',
      'GET /entities/component/default/cad-core/report',
      'GET /entities/component/default/cad-core/reports',
    ]);
  });
});
