import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import Ajv from 'ajv';
import { readFileSync } from 'fs';
import type { Server } from 'http';
import { Knex } from 'knex';
import { resolve as resolvePath } from 'path';
import request from 'supertest';
import { parse as parseYaml } from 'yaml';
import { webhookP1 } from '../__testUtils__/examples';
import { EXAMPLE_SLA_CONFIG } from '../__testUtils__/slaConfig';
import {
  catalogComponent,
  startSlaBackend,
} from '../__testUtils__/testBackend';
import type { OwnKindResults, SlimResult } from './ComplianceService';
import { overviewPiece } from './overview';

/**
 * GET /overview evaluates every service in its own period kind (issue 11): a quarterly
 * service reads on the organisation page exactly as on its card.
 */

jest.setTimeout(120_000);

const NOW = Date.parse('2026-11-20T02:00:00Z');
const WAREHOUSE = 'component:default/warehouse';
const CAD = 'component:default/cad';

const component = catalogComponent;

const ENTITIES: Entity[] = [
  // Quarterly, like the demo's reporting-warehouse: at most one incident a quarter.
  component(
    'warehouse',
    {
      'servicelevel.io/timezone': 'Asia/Shanghai',
      'servicelevel.io/availability': '99.5%',
      'servicelevel.io/resolution-time': 'P1=1d P2=3d',
      'servicelevel.io/max-incidents': 'all=1',
      'servicelevel.io/period': 'quarterly',
    },
    'group:default/web-team',
  ),
  component(
    'cad',
    {
      'servicelevel.io/timezone': 'UTC',
      'servicelevel.io/availability': '99.9%',
      'servicelevel.io/response-time': 'P1=15m',
    },
    'group:default/dispatch',
  ),
];

const incident = (
  entityRef: string,
  id: string,
  createdAt: string,
  ackMinutes: number,
) => ({
  ...webhookP1(entityRef, id),
  createdAt,
  acknowledgedAt: new Date(
    Date.parse(createdAt) + ackMinutes * 60_000,
  ).toISOString(),
  resolvedAt: new Date(Date.parse(createdAt) + 3_600_000).toISOString(),
});

const INCIDENTS = [
  // Two in February: the warehouse breaches max-incidents for the whole of 2026-Q1.
  incident(WAREHOUSE, 'W1', '2026-02-03T03:00:00Z', 5),
  incident(WAREHOUSE, 'W2', '2026-02-10T03:00:00Z', 5),
  incident(WAREHOUSE, 'W3', '2026-08-10T03:00:00Z', 5),
  // cad answers late in January: response time breached that month.
  incident(CAD, 'C1', '2026-01-15T10:00:00Z', 40),
  incident(CAD, 'C2', '2026-03-15T10:00:00Z', 5),
];

const user = () => mockCredentials.user.header();

/** Neither service has credit rules: nothing owed (credits.test.ts has the sums). */
const NO_CREDITS = {
  owed: [],
  services: 0,
  provisional: [],
  provisionalServices: 0,
};

/** The Overview schema of openapi.yaml: every body served here must match it. */
const matchesOverviewSchema = (() => {
  const doc = parseYaml(
    readFileSync(resolvePath(__dirname, '../schema/openapi.yaml'), 'utf8'),
  );
  return new Ajv({ strict: false, allErrors: true }).compile({
    ...doc.components.schemas.Overview,
    components: doc.components,
  });
})();

type Tally = { met: number; committed: number; rate?: number };
type Body = {
  total: Tally & { services: number };
  groups: Array<Tally & { key: string; services: string[] }>;
  services: Array<
    Tally & {
      entityRef: string;
      period: string;
      periodKind: string;
      periods: string[];
      availability?: number;
      complete: boolean;
    }
  >;
  worst: Array<{ entityRef: string }>;
  previous?: Tally & { change?: number };
  yearToDate: {
    year: string;
    total: Tally & { services: number };
    groups: Array<Tally & { key: string }>;
    months: Array<Tally & { key: string; complete: boolean }>;
  };
  heatmap: {
    year: string;
    months: string[];
    rows: Array<{
      entityRef: string;
      periodKind: string;
      yearToDate: Tally;
      cells: Array<
        Tally & { key: string; span: number; complete: boolean; status: string }
      >;
    }>;
  };
};

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

describe.each(databases.eachSupportedId())('GET /overview, %p', databaseId => {
  let server: Server;
  let knex: Knex;

  const get = async (path: string) => {
    const res = await request(server)
      .get(`/api/sla${path}`)
      .set('Authorization', user());
    expect(res.status).toBe(200);
    if (path.startsWith('/overview')) {
      const valid = matchesOverviewSchema(res.body);
      expect(matchesOverviewSchema.errors ?? []).toEqual([]);
      expect(valid).toBe(true);
    }
    return res.body;
  };
  const compliance = async (ref: string, period: string): Promise<Tally> => {
    const name = ref.split('/')[1];
    const body = await get(
      `/entities/component/default/${name}/compliance?period=${period}`,
    );
    return {
      met: body.result.met,
      committed: body.result.committed,
      ...(body.result.achievementRate === undefined
        ? {}
        : { rate: body.result.achievementRate }),
    };
  };
  const sum = (tallies: Tally[]) => {
    const met = tallies.reduce((n, t) => n + t.met, 0);
    const committed = tallies.reduce((n, t) => n + t.committed, 0);
    return committed > 0
      ? { met, committed, rate: (met * 100) / committed }
      : { met, committed };
  };

  beforeAll(async () => {
    jest.spyOn(Date, 'now').mockReturnValue(NOW);
    knex = await databases.init(databaseId);
    server = await startSlaBackend({
      config: { sla: EXAMPLE_SLA_CONFIG },
      entities: ENTITIES,
      knex,
    });
    const res = await request(server)
      .post('/api/sla/incidents')
      .set('Authorization', user())
      .send({ incidents: INCIDENTS });
    if (res.status !== 200) throw new Error(`ingest: ${res.text}`);
  });

  afterAll(async () => {
    jest.restoreAllMocks();
    await knex.destroy();
  });

  it('gives a quarterly service its quarters in the year: cells and year to date equal its own results', async () => {
    const body: Body = await get('/overview?period=2026&groupBy=owner');
    const quarters = ['2026-Q1', '2026-Q2', '2026-Q3', '2026-Q4'];
    const own = await Promise.all(quarters.map(q => compliance(WAREHOUSE, q)));
    // Q1 breached max-incidents: what the card says for 2026-Q1.
    expect(own[0].met).toBeLessThan(own[0].committed);

    const row = body.heatmap.rows.find(r => r.entityRef === WAREHOUSE)!;
    expect(row.periodKind).toBe('quarterly');
    expect(row.cells.map(c => c.key)).toEqual(quarters);
    expect(
      row.cells.map(c => ({ met: c.met, committed: c.committed })),
    ).toEqual(own.map(t => ({ met: t.met, committed: t.committed })));
    expect(row.cells[0].status).toBe('breached');
    // October and November have started; the open quarter is "so far".
    expect(row.cells.map(c => c.span)).toEqual([3, 3, 3, 2]);
    expect(row.cells.map(c => c.complete)).toEqual([true, true, true, false]);

    // The year to date is the sum over its quarters, never an average.
    expect(row.yearToDate).toEqual(sum(own));
    const service = body.services.find(s => s.entityRef === WAREHOUSE)!;
    expect(service).toMatchObject({
      ...sum(own),
      period: '2026',
      periodKind: 'quarterly',
      periods: quarters,
      complete: false,
    });
    expect(service.availability).toBeGreaterThan(0);

    // The monthly service has one cell per started month.
    const cadRow = body.heatmap.rows.find(r => r.entityRef === CAD)!;
    expect(cadRow.cells.map(c => c.key)).toEqual(body.heatmap.months);
    expect(body.heatmap.months).toHaveLength(11);
    const cadMonths = await Promise.all(
      body.heatmap.months.map(m => compliance(CAD, m)),
    );
    expect(cadRow.yearToDate).toEqual(sum(cadMonths));

    // Totals sum services; for a year key they are the year to date.
    expect(body.total).toEqual({
      ...sum([...own, ...cadMonths]),
      services: 2,
      credits: NO_CREDITS,
    });
    expect(body.yearToDate.total).toEqual(body.total);
    expect(body.yearToDate.year).toBe('2026');
    const webTeam = body.yearToDate.groups.find(
      g => g.key === 'group:default/web-team',
    );
    expect(webTeam).toEqual({ key: 'group:default/web-team', ...sum(own) });
    // In February the month's figure counts cad's February and the warehouse's Q1.
    const february = body.yearToDate.months.find(m => m.key === '2026-02')!;
    expect(february).toMatchObject({
      ...sum([cadMonths[1], own[0]]),
      complete: true,
    });
  });

  it('gives a quarterly service the quarter containing a requested month', async () => {
    const body: Body = await get('/overview?period=2026-02&groupBy=owner');
    const q1 = await compliance(WAREHOUSE, '2026-Q1');
    const feb = await compliance(CAD, '2026-02');
    const jan = await compliance(CAD, '2026-01');
    const warehouse = body.services.find(s => s.entityRef === WAREHOUSE)!;
    expect(warehouse).toMatchObject({
      ...q1,
      period: '2026-02',
      periods: ['2026-Q1'],
    });
    expect(body.total).toEqual({
      ...sum([q1, feb]),
      services: 2,
      credits: NO_CREDITS,
    });
    // The month before: cad's January, and again the warehouse's Q1.
    const previous = sum([q1, jan]);
    expect(body.previous).toMatchObject(previous);
    expect(body.previous!.change).toBeCloseTo(
      body.total.rate! - previous.rate!,
      10,
    );
    // The heatmap is the year's, whatever the month.
    expect(
      body.heatmap.rows.find(r => r.entityRef === WAREHOUSE)!.cells,
    ).toHaveLength(4);
  });

  it('lists worst services with their availability, leaving out those at 100 %', async () => {
    const body: Body = await get('/overview?period=2026-03&groupBy=owner');
    const cad = body.services.find(s => s.entityRef === CAD)!;
    // cad met everything in March; the warehouse's Q1 did not.
    expect(cad.met).toBe(cad.committed);
    expect(body.worst.map(s => s.entityRef)).toEqual([WAREHOUSE]);
    expect(body.services.every(s => typeof s.availability === 'number')).toBe(
      true,
    );
  });

  it('answers n/a, not 0 %, for a month where nothing is decided yet', async () => {
    const body: Body = await get('/overview?period=2026-11&groupBy=system');
    const cad = body.services.find(s => s.entityRef === CAD)!;
    expect(cad).toMatchObject({ met: 0, committed: 0, complete: false });
    expect(cad.rate).toBeUndefined();
    expect(body.groups.map(g => g.key)).toEqual(['(none)']);
  });
});

describe('overviewPiece', () => {
  it("makes a quarter's cell again when one more of its months has started, from the same result", () => {
    const q4 = {
      entityRef: WAREHOUSE,
      period: {
        key: '2026-Q4',
        start: Date.UTC(2026, 9, 1),
        end: Date.UTC(2027, 0, 1),
        granularity: 'quarter',
      },
      terms: { timezone: 'UTC' },
      result: {
        period: { key: '2026-Q4', start: 0, end: 1 },
        complete: false,
        evaluatedAt: 0,
        met: 1,
        committed: 2,
        objectives: [
          { objective: 'availability', status: 'met' },
          { objective: 'max-incidents:all', status: 'breached' },
        ],
        availability: { astMs: 10, downtimeMs: 1, provisional: false },
      },
    } as unknown as SlimResult;
    const own = {
      entity: { entityRef: WAREHOUSE },
      periodKind: 'quarterly',
      period: q4.period,
      selected: [q4],
      year: [q4],
      previous: [],
    } as unknown as OwnKindResults;
    const cell = (now: number) => overviewPiece(own, now).row.cells[0];
    const october = cell(Date.UTC(2026, 9, 20));
    const november = cell(Date.UTC(2026, 10, 20));
    expect([october.span, november.span]).toEqual([1, 2]);
    // The same figures either way, and the same cell while the span stays.
    const { span: _a, ...octoberFigures } = october;
    const { span: _b, ...novemberFigures } = november;
    expect(novemberFigures).toEqual(octoberFigures);
    expect(novemberFigures).toMatchObject({
      met: 1,
      committed: 2,
      breached: 1,
    });
    expect(cell(Date.UTC(2026, 10, 25))).toBe(november);
  });
});
