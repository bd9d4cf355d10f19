import { mockCredentials } from '@backstage/backend-test-utils';
import type { Server } from 'http';
import {
  api,
  catalogComponent,
  startSlaBackend,
} from '../__testUtils__/testBackend';

jest.setTimeout(60_000);

const H = 3_600_000;
const ENTITY = '/entities/component/default/regional-desk';

/**
 * Issue 18's done-when: on a `calendar:by-region` service, an incident with `region: us` is
 * clocked on the New York calendar (holidays from `date-holidays`) on the same day as a `cn`
 * one that is not (China's holidays from `chinese-days`), through the API a user calls.
 */
describe('calendar:by-region through the API', () => {
  let server: Server;
  const user = () => api(server, mockCredentials.user.header());

  beforeAll(async () => {
    server = await startSlaBackend({
      config: {
        sla: {
          calendars: {
            'cn-workdays': {
              timezone: 'Asia/Shanghai',
              hours: { 'mon-fri': '09:00-12:00,13:30-18:00' },
              holidaySource: { kind: 'cn-official' },
            },
            'ny-support': {
              timezone: 'America/New_York',
              hours: { 'mon-fri': '08:00-17:00' },
              holidaySource: { kind: 'public', country: 'US', region: 'NY' },
            },
          },
          regions: { cn: 'cn-workdays', us: 'ny-support' },
        },
      },
      entities: [
        catalogComponent(
          'regional-desk',
          {
            'servicelevel.io/service-hours': 'calendar:by-region',
            'servicelevel.io/response-time': 'P2=30m',
            'servicelevel.io/resolution-time': 'P2=4h',
          },
          'group:default/service-desk',
        ),
      ],
    });
  });

  const incident = (id: string, over: object) => ({
    source: 'api',
    id,
    entityRef: 'component:default/regional-desk',
    title: id,
    priority: 'P2',
    ...over,
  });

  it('clocks each incident on its region’s calendar, and says which region', async () => {
    const pushed = await user()
      .post('/incidents')
      .send({
        incidents: [
          // Thursday 2026-10-01, China's National Day; 10:00–16:00 in Shanghai.
          incident('CN-1', {
            region: 'cn',
            createdAt: '2026-10-01T10:00:00+08:00',
            resolvedAt: '2026-10-01T16:00:00+08:00',
          }),
          // The same Thursday, 09:00–14:00 in New York: a working day there.
          incident('US-1', {
            region: 'US',
            createdAt: '2026-10-01T09:00:00-04:00',
            resolvedAt: '2026-10-01T14:00:00-04:00',
          }),
          // Thanksgiving, Thursday 2026-11-26: off in New York, a working day in China.
          incident('US-2', {
            region: 'us',
            createdAt: '2026-11-26T09:00:00-05:00',
            resolvedAt: '2026-11-26T14:00:00-05:00',
          }),
          incident('CN-2', {
            region: 'cn',
            createdAt: '2026-11-26T09:00:00+08:00',
            resolvedAt: '2026-11-26T14:00:00+08:00',
          }),
        ],
      });
    expect(pushed.status).toBe(200);
    expect(pushed.body).toMatchObject({ inserted: 4, updated: 0 });

    const rowsOf = async (period: string) => {
      const res = await user().get(`${ENTITY}/compliance?period=${period}`);
      expect(res.status).toBe(200);
      return Object.fromEntries(
        (res.body.result.incidents as any[]).map(r => [
          r.id,
          [r.region, r.resolution.elapsedMs, r.resolution.status],
        ]),
      );
    };
    expect(await rowsOf('2026-10')).toEqual({
      'CN-1': ['cn', 0, 'met'],
      'US-1': ['us', 5 * H, 'breached'],
    });
    expect(await rowsOf('2026-11')).toEqual({
      // 09:00–12:00 and 13:30–14:00 in Shanghai.
      'CN-2': ['cn', 3.5 * H, 'met'],
      'US-2': ['us', 0, 'met'],
    });
  });

  it('refuses a malformed region with a 400 naming it, and stores nothing of the batch', async () => {
    const res = await user()
      .post('/incidents')
      .send({
        incidents: [
          incident('OK-1', { createdAt: '2026-10-12T10:00:00+08:00' }),
          incident('BAD-1', {
            region: 'north america',
            createdAt: '2026-10-12T10:00:00+08:00',
          }),
        ],
      });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('region');
    const after = await user().get(`${ENTITY}/compliance?period=2026-10`);
    expect((after.body.result.incidents as any[]).map(r => r.id)).toEqual([
      'CN-1',
      'US-1',
    ]);
  });

  it('reads the region column of a CSV import', async () => {
    const csv = [
      'source,id,entityRef,title,priority,createdAt,resolvedAt,region',
      'csv,CSV-US,component:default/regional-desk,t,P2,2026-10-02T09:00:00-04:00,2026-10-02T10:00:00-04:00,us',
    ].join('\n');
    const res = await user()
      .post('/incidents/import')
      .set('Content-Type', 'text/csv')
      .send(csv);
    expect([res.status, res.body.inserted]).toEqual([200, 1]);
    // October is closed and its snapshot was taken above: a custom range is computed live.
    const after = await user().get(
      `${ENTITY}/compliance?from=2026-10-02&to=2026-10-03`,
    );
    expect(after.status).toBe(200);
    const row = (after.body.result.incidents as any[]).find(
      r => r.id === 'CSV-US',
    );
    // Friday 2026-10-02 is a holiday in China, a working hour in New York.
    expect([row.region, row.resolution.elapsedMs]).toEqual(['us', H]);
  });
});
