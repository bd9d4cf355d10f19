import { TestDatabases } from '@backstage/backend-test-utils';
import {
  createBusinessCalendar,
  evaluatePeriod,
  Incident,
  parseSlaAnnotations,
  PeriodResult,
  readSlaConfig,
  SlaTerms,
} from '@servicelevel/plugin-sla-common';
import { DateTime } from 'luxon';
import {
  componentEntity,
  recordAnnotatedTerms,
  useTestStores,
} from '../__testUtils__/stores';
import { ComplianceService, EntityPeriodResult } from './ComplianceService';

/**
 * Issue 8, clock edge cases: the system running across a DST change and a month end while
 * incidents arrive gives what a fresh recompute gives (ENGINE.md R1–R8, and R8 for closed periods).
 *
 * A clock advances from 2026-10-22 to 2026-11-05 (EU DST ends 2026-10-25, US DST ends
 * 2026-11-01, October ends in between). At every step the incidents that have arrived by then
 * are stored and the running service (default result cache) is read with `now` = the step.
 * Every reading is compared with evaluatePeriod run directly on the incidents known then.
 */

const H = 3_600_000;
const M = 60_000;
const NY = 'America/New_York';
const LDN = 'Europe/London';
const NY_REF = 'component:default/ny-desk';
const LDN_REF = 'component:default/london-api';
const REFS = [LDN_REF, NY_REF];
const ZONE: Record<string, string> = { [NY_REF]: NY, [LDN_REF]: LDN };

const { config: slaConfig } = readSlaConfig({});

const ANNOTATIONS: Record<string, Record<string, string>> = {
  [NY_REF]: {
    'servicelevel.io/timezone': NY,
    'servicelevel.io/service-hours': 'Mon-Fri 09:00-18:00',
    'servicelevel.io/availability': '99.9%',
    'servicelevel.io/response-time': 'P1=1h P2=4h',
    'servicelevel.io/resolution-time': 'P1=8h P2=24h',
    'servicelevel.io/maintenance': 'Wed 17:00-18:00',
  },
  [LDN_REF]: {
    'servicelevel.io/timezone': LDN,
    'servicelevel.io/availability': '99.5%',
    'servicelevel.io/response-time': 'P1=30m P2=2h',
    'servicelevel.io/resolution-time': 'P1=4h P2=24h',
    'servicelevel.io/maintenance': 'Sun 01:00-03:00',
  },
};
const TERMS: Record<string, SlaTerms> = Object.fromEntries(
  REFS.map(ref => {
    const parsed = parseSlaAnnotations(ANNOTATIONS[ref], slaConfig);
    if (!parsed.terms || parsed.problems.length > 0) {
      throw new Error(`bad annotations of ${ref}`);
    }
    return [ref, parsed.terms];
  }),
);

/** A local wall-clock time in a zone, as epoch ms (luxon, independent of the engine). */
const local = (iso: string, zone: string) =>
  DateTime.fromISO(iso, { zone }).toMillis();
const utc = (iso: string) => DateTime.fromISO(iso, { zone: 'utc' }).toMillis();

/** Created, acknowledged and resolved at three times, each read by `at`. */
const lifecycle =
  (at: (iso: string) => number) =>
  (created: string, ack: string, resolved: string) => ({
    created: at(created),
    ack: at(ack),
    resolved: at(resolved),
  });
const inUtc = lifecycle(utc);
const inNY = lifecycle(iso => local(iso, NY));

/** The calendar month containing t in a zone, computed with luxon. */
function monthOf(t: number, zone: string) {
  const start = DateTime.fromMillis(t, { zone }).startOf('month');
  return {
    key: start.toFormat('yyyy-MM'),
    start: start.toMillis(),
    end: start.plus({ months: 1 }).toMillis(),
  };
}
const october = (zone: string) =>
  monthOf(local('2026-10-15T12:00', zone), zone);

/** One incident state that becomes known at `arriveAt`. */
interface Arrival {
  arriveAt: number;
  incident: Incident;
}

function inc(
  entityRef: string,
  id: string,
  fields: Partial<Incident> & Pick<Incident, 'priority' | 'createdAt'>,
): Incident {
  return {
    source: 'webhook',
    id,
    entityRef,
    title: `${id} ${fields.priority}`,
    pauses: [],
    ...fields,
  };
}

// ---- London, 24x7, maintenance Sun 01:00-03:00 local -------------------------------------
// L1: P1 outage over the EU DST night (Sun 2026-10-25, 01:00 local happens twice), paused
// over the changeover itself.
const L1 = {
  created: utc('2026-10-24T23:30Z'),
  ack: utc('2026-10-24T23:50Z'),
  pause: { start: utc('2026-10-25T00:30Z'), end: utc('2026-10-25T02:30Z') },
  resolved: utc('2026-10-25T04:00Z'),
};
// L2: P2 outage spanning the month end (Sat 22:00 GMT → Sun 05:00 GMT), known before London's
// October closes, acknowledged and resolved after.
const L2 = inUtc('2026-10-31T22:00Z', '2026-11-01T01:00Z', '2026-11-01T05:00Z');
// L3: P2 of October that arrives only on November 3 (late for the closed period).
const L3 = inUtc('2026-10-30T10:00Z', '2026-10-30T10:20Z', '2026-10-30T12:00Z');
// L4: P1 of November, arrives in pieces.
const L4 = inUtc('2026-11-03T13:00Z', '2026-11-03T13:10Z', '2026-11-03T19:00Z');

// ---- New York, Mon-Fri 09:00-18:00, maintenance Wed 17:00-18:00 local --------------------
// N1: P2 created Fri 2026-10-30 17:00 EDT; outage Fri 17:30 EDT → Mon 2026-11-02 09:30 EST,
// spanning the month end and the US DST change; paused over the DST night (outside service
// hours: changes nothing); acknowledged Mon 10:00 EST, resolved Tue 12:00 EST.
const N1 = {
  created: local('2026-10-30T17:00', NY),
  outageStart: local('2026-10-30T17:30', NY),
  pause: {
    start: local('2026-10-31T22:00', NY),
    end: local('2026-11-01T03:00', NY),
  },
  ack: local('2026-11-02T10:00', NY),
  outageEnd: local('2026-11-02T09:30', NY),
  resolved: local('2026-11-03T12:00', NY),
};
// N2: P1 outage Wed 2026-10-28 16:00-17:30 EDT, half of it in the maintenance window.
const N2 = inNY('2026-10-28T16:00', '2026-10-28T16:30', '2026-10-28T17:30');
// N3: P1 created Mon 2026-10-26 10:00, acknowledged 11:30 (breached), resolved 15:00.
const N3 = inNY('2026-10-26T10:00', '2026-10-26T11:30', '2026-10-26T15:00');
// N4: P2 created Sat 2026-10-31 23:30 EDT (already November 1 in UTC), known before New York's
// October closes; acknowledged Mon 09:30 EST, resolved Mon 12:00 EST.
const N4 = inNY('2026-10-31T23:30', '2026-11-02T09:30', '2026-11-02T12:00');
// N5: P1 of Thu 2026-10-29 that arrives only on November 4 (late).
const N5 = inNY('2026-10-29T10:00', '2026-10-29T10:15', '2026-10-29T11:00');

/**
 * The states in which one incident becomes known, in order: each is `fixed` plus its own
 * fields, arriving at its instant.
 */
function statesOf(
  entityRef: string,
  id: string,
  fixed: Pick<Incident, 'priority' | 'createdAt'>,
  states: Array<[arriveAt: number, fields: Partial<Incident>]>,
): Arrival[] {
  return states.map(([arriveAt, fields]) => ({
    arriveAt,
    incident: inc(entityRef, id, { ...fixed, ...fields }),
  }));
}

/** Acknowledged and resolved at the times of `t`. */
const settled = (t: { ack: number; resolved: number }) => ({
  acknowledgedAt: t.ack,
  resolvedAt: t.resolved,
});

// Incidents are listed by their first arrival; an id's states follow one another.
const ARRIVALS: Arrival[] = [
  // London
  ...statesOf(LDN_REF, 'L1', { priority: 'P1', createdAt: L1.created }, [
    [L1.created + 5 * M, { outage: { start: L1.created } }],
    [
      L1.ack,
      {
        acknowledgedAt: L1.ack,
        pauses: [{ start: L1.pause.start }],
        outage: { start: L1.created },
      },
    ],
    [
      L1.resolved + 10 * M,
      {
        ...settled(L1),
        pauses: [L1.pause],
        outage: { start: L1.created, end: L1.resolved },
      },
    ],
  ]),
  ...statesOf(LDN_REF, 'L2', { priority: 'P2', createdAt: L2.created }, [
    [L2.created + 15 * M, { outage: { start: L2.created } }],
    [L2.ack, { acknowledgedAt: L2.ack, outage: { start: L2.created } }],
    [
      L2.resolved,
      { ...settled(L2), outage: { start: L2.created, end: L2.resolved } },
    ],
  ]),
  ...statesOf(LDN_REF, 'L3', { priority: 'P2', createdAt: L3.created }, [
    [utc('2026-11-03T00:00Z'), settled(L3)],
  ]),
  ...statesOf(LDN_REF, 'L4', { priority: 'P1', createdAt: L4.created }, [
    [L4.created, {}],
    [L4.resolved + M, settled(L4)],
  ]),
  // New York
  ...statesOf(NY_REF, 'N3', { priority: 'P1', createdAt: N3.created }, [
    [N3.created + M, {}],
    [N3.resolved, settled(N3)],
  ]),
  ...statesOf(NY_REF, 'N2', { priority: 'P1', createdAt: N2.created }, [
    [N2.created + 2 * M, { outage: { start: N2.created } }],
    [
      N2.resolved + M,
      { ...settled(N2), outage: { start: N2.created, end: N2.resolved } },
    ],
  ]),
  ...statesOf(NY_REF, 'N1', { priority: 'P2', createdAt: N1.created }, [
    [N1.outageStart + M, { outage: { start: N1.outageStart } }],
    [
      N1.pause.start + M,
      {
        pauses: [{ start: N1.pause.start }],
        outage: { start: N1.outageStart },
      },
    ],
    [
      N1.pause.end + 30 * M,
      { pauses: [N1.pause], outage: { start: N1.outageStart } },
    ],
    [
      N1.ack,
      {
        acknowledgedAt: N1.ack,
        pauses: [N1.pause],
        outage: { start: N1.outageStart, end: N1.outageEnd },
      },
    ],
    [
      N1.resolved + 5 * M,
      {
        ...settled(N1),
        pauses: [N1.pause],
        outage: { start: N1.outageStart, end: N1.outageEnd },
      },
    ],
  ]),
  ...statesOf(NY_REF, 'N4', { priority: 'P2', createdAt: N4.created }, [
    [N4.created + 15 * M, {}],
    [N4.resolved, settled(N4)],
  ]),
  ...statesOf(NY_REF, 'N5', { priority: 'P1', createdAt: N5.created }, [
    [utc('2026-11-04T00:00Z'), settled(N5)],
  ]),
];

const START = utc('2026-10-22T00:00Z');
const END = utc('2026-11-05T12:00Z');

/** Every 3 hours, plus DST changes, month ends (and 1 ms before), and each arrival (and 1 s before). */
const STEPS: number[] = (() => {
  const s = new Set<number>();
  for (let t = START; t <= END; t += 3 * H) s.add(t);
  const edges = [
    utc('2026-10-25T01:00Z'), // EU DST ends
    utc('2026-11-01T06:00Z'), // US DST ends
    october(LDN).end,
    october(NY).end,
  ];
  for (const e of edges) {
    s.add(e - 1);
    s.add(e);
  }
  for (const a of ARRIVALS) {
    s.add(a.arriveAt - 1000);
    s.add(a.arriveAt);
  }
  return [...s].filter(t => t >= START && t <= END).sort((a, b) => a - b);
})();

/** Incidents as known at t: the latest state of each that arrived by then. */
function knownAt(t: number, entityRef?: string): Incident[] {
  const byId = new Map<string, Incident>();
  for (const a of ARRIVALS) {
    if (a.arriveAt <= t) byId.set(a.incident.id, a.incident);
  }
  return [...byId.values()].filter(
    i => entityRef === undefined || i.entityRef === entityRef,
  );
}

/** The fresh computation: sla-common's engine on every incident known at `at`. */
function fresh(
  entityRef: string,
  period: { key: string; start: number; end: number },
  at: number,
  incidentsKnownAt = at,
): PeriodResult {
  const terms = TERMS[entityRef];
  return evaluatePeriod({
    terms,
    calendar: createBusinessCalendar(terms, slaConfig),
    incidents: knownAt(incidentsKnownAt, entityRef),
    period: { key: period.key, start: period.start, end: period.end },
    now: at,
  });
}

/** Results compared as the API serves them. */
const json = (r: unknown) => JSON.parse(JSON.stringify(r));

const OCTOBER = { kind: 'key', key: '2026-10' } as const;
/** `ref`'s October 2026 as `service` reads it at `at`. */
const octoberOf = (service: ComplianceService, ref: string, at = END) =>
  service.entityCompliance(ref, OCTOBER, at);

const row = (r: PeriodResult, id: string) => r.incidents.find(i => i.id === id);
/** Incident `id`'s `clock` in `r` ran `elapsedMs` of agreed time and ended `status`. */
const expectClock = (
  r: PeriodResult,
  id: string,
  clock: 'response' | 'resolution',
  elapsedMs: number,
  status: string,
) => expect(row(r, id)?.[clock]).toMatchObject({ elapsedMs, status });

// Creating and migrating a fresh PostgreSQL database alone can take longer than Jest's 5 s
// default on a busy machine; every assertion here is on simulated time, none on speed.
jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

describe.each(databases.eachSupportedId())(
  'clock edge cases (DST ends, month end, arrivals), %p',
  databaseId => {
    const db = useTestStores(databases, databaseId);
    /** Instants at which incidents were written. */
    /** When incidents were written, and the entities each write touched. */
    const writes: Array<{ at: number; refs: Set<string> }> = [];
    /** The running system's readings: ref → period key → [now, result] in order. */
    const readings = new Map<string, Array<[number, EntityPeriodResult]>>();
    /** Instant of the first step at which each entity's October was read as closed. */
    const closedAt = new Map<string, number>();
    let running: ComplianceService;
    /** Readings served from the cache (computed at an earlier step) and all readings. */
    let servedFromCache = 0;
    let readCount = 0;

    beforeAll(async () => {
      const seenAt = utc('2025-12-15T00:00Z');
      await db.stores.entities.syncEntities(
        REFS.map(ref => componentEntity(ref, ANNOTATIONS[ref], seenAt)),
        seenAt,
      );
      await recordAnnotatedTerms(
        db.stores.terms,
        REFS.map(ref => [ref, ANNOTATIONS[ref]] as const),
        slaConfig,
        seenAt,
      );
      running = new ComplianceService({ ...db.stores, slaConfig });
    });

    it('has October and November boundaries at local midnights, of the true length', () => {
      // Independent of the engine: hard instants, cross-checked with luxon.
      expect(october(NY)).toEqual({
        key: '2026-10',
        start: utc('2026-10-01T04:00Z'),
        end: utc('2026-11-01T04:00Z'),
      });
      expect(october(LDN)).toEqual({
        key: '2026-10',
        start: utc('2026-09-30T23:00Z'),
        end: utc('2026-11-01T00:00Z'),
      });
      // New York leaves DST on November 1 at 02:00, after its October ended: 31 × 24 h.
      expect((october(NY).end - october(NY).start) / H).toBe(744);
      // London left DST on October 25: one hour more.
      expect((october(LDN).end - october(LDN).start) / H).toBe(745);
      const novNY = monthOf(october(NY).end, NY);
      const novLDN = monthOf(october(LDN).end, LDN);
      expect((novNY.end - novNY.start) / H).toBe(721);
      expect((novLDN.end - novLDN.start) / H).toBe(720);
    });

    it('reads, at every step of a running clock, what a fresh computation gives', async () => {
      let next = 0;
      const arrivalsSorted = [...ARRIVALS].sort(
        (a, b) => a.arriveAt - b.arriveAt,
      );

      /** Checks one reading of the running service against the fresh computation. */
      const check = (
        r: EntityPeriodResult,
        now: number,
        expectedKey?: string,
      ) => {
        const zone = ZONE[r.entityRef];
        const list = readings.get(`${r.entityRef}\u0000${r.period.key}`) ?? [];
        list.push([now, r]);
        readings.set(`${r.entityRef}\u0000${r.period.key}`, list);
        const month = expectedKey
          ? monthOf(local(`${expectedKey}-15T12:00`, zone), zone)
          : monthOf(now, zone);
        expect({
          ref: r.entityRef,
          key: r.period.key,
          start: r.period.start,
          end: r.period.end,
        }).toEqual({ ref: r.entityRef, ...month });
        const closed = month.end <= now;
        if (closed && !closedAt.has(r.entityRef))
          closedAt.set(r.entityRef, now);
        const at = r.result.evaluatedAt;
        readCount++;
        if (!closed && at < now) servedFromCache++;
        // Closed: the snapshot published on the first read after the period ended, immutable
        // since. Open: computed live; a cached result may be served, at most cacheMaxAgeMs
        // old and only when nothing touching its entity was written since it was computed.
        const expectedAt = closed ? closedAt.get(r.entityRef)! : at;
        const writesSince = writes
          .filter(w => w.at > expectedAt && w.at <= now)
          .filter(w => w.refs.has(r.entityRef))
          .map(w => w.at);
        expect({
          source: r.source,
          evaluatedAt: at,
          fresh: closed || (at <= now && now - at < 10_000),
          writesSince,
          result: json(r.result),
        }).toEqual({
          source: closed ? 'snapshot' : 'live',
          evaluatedAt: expectedAt,
          fresh: true,
          writesSince: closed ? writesSince : [],
          result: json(fresh(r.entityRef, month, expectedAt)),
        });
      };

      for (const now of STEPS) {
        const batch: Incident[] = [];
        while (
          next < arrivalsSorted.length &&
          arrivalsSorted[next].arriveAt <= now
        ) {
          batch.push(arrivalsSorted[next].incident);
          next++;
        }
        if (batch.length > 0) {
          // One incident may change twice in a step; keep its latest state.
          const latest = new Map(batch.map(i => [i.id, i]));
          await db.stores.incidents.upsertIncidents([...latest.values()], {
            now,
          });
          writes.push({ at: now, refs: new Set(batch.map(i => i.entityRef)) });
        }
        // The scheduled snapshot task runs every 6 hours.
        if (now % (6 * H) === 0) await running.snapshotClosedPeriods(now);

        const overview = await running.evaluateMany({ kind: 'current' }, now);
        expect(overview.map(r => r.entityRef)).toEqual(REFS);
        for (const r of overview) check(r, now);
        for (const ref of REFS) {
          check(
            await running.entityCompliance(ref, { kind: 'current' }, now),
            now,
          );
          check(await octoberOf(running, ref, now), now, '2026-10');
        }
        const octoberOverview = await running.evaluateMany(OCTOBER, now);
        for (const r of octoberOverview) check(r, now, '2026-10');
      }
      expect(next).toBe(ARRIVALS.length);
      // The default cache was exercised: some readings came from it, most were computed.
      expect(servedFromCache).toBeGreaterThan(0);
      expect(servedFromCache).toBeLessThan(readCount);
      // Each October was closed at the first step at or after its end.
      expect(closedAt.get(LDN_REF)).toBe(october(LDN).end);
      expect(closedAt.get(NY_REF)).toBe(october(NY).end);
    });

    it('published October with the incidents known at its end, and hand-checked figures', async () => {
      // London: L1 outage 23:30Z–04:00Z on the DST night minus maintenance Sun 01:00–03:00
      // local (01:00 is ambiguous: the earlier offset, BST, i.e. 00:00Z–03:00Z) = 1.5 h;
      // plus L2 from 22:00Z to the month end = 2 h (open: provisional).
      const ldn = (await octoberOf(running, LDN_REF)).result;
      expect(ldn.availability.astMs).toBe(745 * H);
      expect(ldn.availability.downtimeMs).toBe(3.5 * H);
      expect(ldn.availability.provisional).toBe(true);
      // L1: response 20 min (P1 30 m: met); resolution 4.5 h minus a 2 h pause = 2.5 h (met).
      expectClock(ldn, 'L1', 'response', 20 * M, 'met');
      expectClock(ldn, 'L1', 'resolution', 2.5 * H, 'met');
      expect(row(ldn, 'L3')).toBeUndefined();

      // New York: AST = weekdays of October (luxon) × 9 h = 22 × 9 h.
      let weekdays = 0;
      for (
        let d = DateTime.fromISO('2026-10-01', { zone: NY });
        d.month === 10;
        d = d.plus({ days: 1 })
      ) {
        if (d.weekday <= 5) weekdays++;
      }
      expect(weekdays).toBe(22);
      const ny = (await octoberOf(running, NY_REF)).result;
      expect(ny.availability.astMs).toBe(weekdays * 9 * H);
      // N2 16:00–17:30 minus maintenance 17:00–18:00 = 1 h; N1 Fri 17:30–18:00 = 0.5 h.
      expect(ny.availability.downtimeMs).toBe(1.5 * H);
      expect(ny.availability.provisional).toBe(true);
      expect(row(ny, 'N4')?.createdInPeriod).toBe(true);
      expect(ny.faults.P2).toBe(2);
      expectClock(ny, 'N3', 'response', 1.5 * H, 'breached');
      expect(row(ny, 'N5')).toBeUndefined();
    });

    it('keeps each published October through late arrivals, and recompute equals a fresh computation', async () => {
      for (const ref of REFS) {
        const oct = october(ZONE[ref]);
        const published = fresh(ref, oct, closedAt.get(ref)!);
        const now = await octoberOf(running, ref);
        expect(json(now.result)).toEqual(json(published));
        // A fresh service, cache off, reads the same snapshot.
        const other = new ComplianceService({
          ...db.stores,
          slaConfig,
          cacheMaxAgeMs: 0,
        });
        expect(json((await octoberOf(other, ref)).result)).toEqual(
          json(published),
        );
        // The late arrivals and the ends of the outages make a fresh computation differ...
        const recomputedFresh = fresh(ref, oct, END);
        expect(json(recomputedFresh)).not.toEqual(json(published));
        // ...until someone recomputes on purpose.
        const recomputed = await running.recompute(
          ref,
          OCTOBER,
          END,
          'user:default/auditor',
        );
        expect(recomputed.source).toBe('snapshot');
        expect(json(recomputed.result)).toEqual(json(recomputedFresh));
        // The running service (default cache) serves the recomputed snapshot at once.
        expect(json((await octoberOf(running, ref)).result)).toEqual(
          json(recomputedFresh),
        );
        expect(
          json(
            (await running.evaluateMany(OCTOBER, END)).find(
              r => r.entityRef === ref,
            )!.result,
          ),
        ).toEqual(json(recomputedFresh));
        expect(recomputedFresh.availability.provisional).toBe(false);
        expect(recomputedFresh.availability.downtimeMs).toBe(
          published.availability.downtimeMs,
        );
      }
    });

    it('agrees at the end with evaluateAll and a cache-off service over the same stores', async () => {
      const results: EntityPeriodResult[] = [];
      await running.evaluateAll({
        from: october(LDN).start,
        to: END,
        now: END,
        onResult: r => {
          results.push(r);
        },
      });
      const fresher = new ComplianceService({
        ...db.stores,
        slaConfig,
        cacheMaxAgeMs: 0,
      });
      for (const ref of REFS) {
        const zone = ZONE[ref];
        const mine = results.filter(r => r.entityRef === ref);
        // London's October starts before New York's: New York also has its September.
        const months = mine.map(r => r.period.key);
        expect(months).toEqual(
          ref === NY_REF
            ? ['2026-09', '2026-10', '2026-11']
            : ['2026-10', '2026-11'],
        );
        for (const r of mine) {
          const month = monthOf(r.period.start, zone);
          expect(r.period).toMatchObject(month);
          expect(json(r.result)).toEqual(json(fresh(ref, month, END)));
        }
        // The last reading of the open November by the running clock equals a fresh service.
        const november = monthOf(END, zone);
        const novReadings = readings.get(`${ref}\u0000${november.key}`)!;
        const last = novReadings[novReadings.length - 1];
        expect(last[0]).toBe(END);
        const again = await fresher.entityCompliance(
          ref,
          { kind: 'current' },
          END,
        );
        expect(json(again.result)).toEqual(json(last[1].result));
        expect(json(again.result)).toEqual(json(fresh(ref, november, END)));
        // The last readings of each open October before it closed equal fresh computations
        // at their instants with what was known then (checked at each step); the very last
        // one was 1 ms before the end.
        const openOcts = readings
          .get(`${ref}\u00002026-10`)!
          .filter(([, r]) => r.source === 'live');
        const openOct = openOcts[openOcts.length - 1];
        expect(openOct[0]).toBe(october(zone).end - 1);
      }
      // Hand-checked November figures.
      const ldnNov = fresh(LDN_REF, monthOf(END, LDN), END);
      // L2 00:00Z–05:00Z on Sun Nov 1 minus maintenance 01:00–03:00 GMT = 3 h.
      expect(ldnNov.availability.downtimeMs).toBe(3 * H);
      expect(ldnNov.availability.astMs).toBe(720 * H);
      const nyNov = fresh(NY_REF, monthOf(END, NY), END);
      // N1 Mon Nov 2 09:00–09:30 EST.
      expect(nyNov.availability.downtimeMs).toBe(30 * M);
      // 21 weekdays in November 2026.
      expect(nyNov.availability.astMs).toBe(21 * 9 * H);
      // N1: response Fri 17:00–18:00 + Mon 09:00–10:00 = 2 h; resolution Fri 1 h + Mon 9 h +
      // Tue 3 h = 13 h; the pause over the DST night is outside service hours.
      expectClock(nyNov, 'N1', 'response', 2 * H, 'met');
      expectClock(nyNov, 'N1', 'resolution', 13 * H, 'met');
      // L2: response 3 h (P2 2 h: breached), counted in November.
      expectClock(ldnNov, 'L2', 'response', 3 * H, 'breached');
      expect(row(ldnNov, 'L2')?.countedForResponse).toBe(true);
    });
  },
);
