import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TermsPreview } from '@servicelevel/plugin-sla-common';
import { main } from './cli';

const CATALOG = `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: cad-core
  annotations:
    backstage.io/techdocs-ref: dir:.
    servicelevel.io/tier: gold
    servicelevel.io/response-time: P1=5m
spec: { type: service, owner: team-a }
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: brand-new
  annotations:
    servicelevel.io/availability: '99.9%'
spec: { type: service, owner: team-a }
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: no-sla
spec: { type: service, owner: team-a }
`;

const PREVIEW: TermsPreview = {
  entityRef: 'component:default/cad-core',
  problems: [],
  proposedTermsAsWritten: {},
  periods: [
    {
      period: '2026-08',
      current: { met: 2, committed: 2, achievementRate: 100, objectives: [] },
      proposed: { met: 2, committed: 2, achievementRate: 100, objectives: [] },
      rateChange: 0,
      incidents: [],
    },
    {
      period: '2026-09',
      current: { met: 6, committed: 6, achievementRate: 100, objectives: [] },
      proposed: {
        met: 4,
        committed: 6,
        achievementRate: (4 / 6) * 100,
        objectives: [],
      },
      rateChange: (4 / 6) * 100 - 100,
      incidents: [
        {
          source: 'pagerduty',
          id: 'Q1',
          title: 't',
          priority: 'P1',
          clock: 'response',
          current: 'met',
          proposed: 'breached',
        },
      ],
    },
  ],
};

describe('sla-terms preview', () => {
  let server: Server;
  let base: string;
  const seen: Array<{ url: string; auth?: string; body: unknown }> = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let text = '';
      req.on('data', c => (text += c));
      req.on('end', () => {
        seen.push({
          url: req.url ?? '',
          auth: req.headers.authorization,
          body: JSON.parse(text),
        });
        res.setHeader('Content-Type', 'application/json');
        if (req.url?.includes('/brand-new/')) {
          res.statusCode = 404;
          res.end(JSON.stringify({ error: { message: 'No SLA is known' } }));
          return;
        }
        res.end(JSON.stringify(PREVIEW));
      });
    });
    await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>(r => server.close(() => r())));

  it('asks the backend for each entity with SLA annotations and prints a Markdown table', async () => {
    let out = '';
    const code = await main(
      ['preview', 'catalog-info.yaml', '--backend', `${base}/`, '-t', 'T0K'],
      {
        stdout: { write: t => (out += t) },
        stderr: { write: () => undefined },
        readFile: async () => CATALOG,
        cwd: '/repo',
      },
    );
    expect(code).toBe(0);
    expect(seen).toEqual([
      {
        url: '/api/sla/entities/Component/default/cad-core/preview',
        auth: 'Bearer T0K',
        body: {
          annotations: {
            'servicelevel.io/tier': 'gold',
            'servicelevel.io/response-time': 'P1=5m',
          },
          periods: 12,
        },
      },
      {
        url: '/api/sla/entities/Component/default/brand-new/preview',
        auth: 'Bearer T0K',
        body: {
          annotations: { 'servicelevel.io/availability': '99.9%' },
          periods: 12,
        },
      },
    ]);
    expect(out).toBe(
      [
        '## SLA terms: what the change would have done',
        '',
        '### component:default/cad-core (catalog-info.yaml)',
        '',
        '| Period | In force | Proposed | Change | Incidents judged differently |',
        '|---|---|---|---|---|',
        '| 2026-09 | 100% (6 of 6) | 66.67% (4 of 6) | −33.33 points | pagerduty: Q1 response P1: met → breached |',
        '',
        '### component:default/brand-new (catalog-info.yaml)',
        '',
        'Not known to the backend yet (a new entity, or not synced): no history to compare.',
        '',
      ].join('\n'),
    );
  });

  it('refuses a bad period count and a missing backend, and says when the backend cannot answer', async () => {
    const run = async (args: string[]) => {
      let err = '';
      let out = '';
      const code = await main(['preview', 'c.yaml', ...args], {
        stdout: { write: t => (out += t) },
        stderr: { write: t => (err += t) },
        readFile: async () => CATALOG,
      });
      return { code, err, out };
    };
    expect(await run(['--backend', base, '--periods', '40'])).toMatchObject({
      code: 2,
      err: expect.stringContaining(
        '--periods "40" — expected a whole number from 1 to 36',
      ),
    });
    expect(await run([])).toMatchObject({
      code: 2,
      err: expect.stringContaining('preview needs --backend <url>'),
    });
    const down = await run(['--backend', 'http://127.0.0.1:1']);
    expect(down.code).toBe(2);
    expect(down.out).toContain('Preview failed:');
  });
});
