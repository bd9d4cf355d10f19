import { createBusinessCalendar } from '../engine/calendar';
import { readSlaConfig } from '../engine/config';
import { evaluatePeriod } from '../engine/evaluate';
import { resolvePeriod } from '../engine/period';
import { parseSlaAnnotations } from '../engine/terms';
import type { Incident, SlaTerms } from '../engine/types';
import { crossCheck, VendorVerdict } from './crossCheck';

const H = 3_600_000;
const config = readSlaConfig({}).config;

const termsOf = (a: Record<string, string>): SlaTerms => {
  const { terms, problems } = parseSlaAnnotations(a, config);
  expect(problems).toEqual([]);
  return terms!;
};

const officeHours = termsOf({
  'servicelevel.io/service-hours': 'Mon-Fri 09:00-17:00',
  'servicelevel.io/timezone': 'UTC',
  'servicelevel.io/resolution-time': 'P1=4h P2=8h',
});
const allHours = termsOf({
  'servicelevel.io/timezone': 'UTC',
  'servicelevel.io/resolution-time': 'P1=4h',
});

/** Monday 2 March 2026 at `hour` UTC (hour 24 + n is Tuesday). */
const mon = (hour: number) => Date.UTC(2026, 2, 2) + hour * H;

const incident = (
  id: string,
  over: Partial<Incident> & Pick<Incident, 'createdAt'>,
): Incident => ({
  source: 'servicenow',
  id,
  entityRef: 'component:default/shop',
  title: id,
  priority: 'P1',
  pauses: [],
  ...over,
});

const vendor = (
  incidentId: string,
  over: Partial<VendorVerdict> & Pick<VendorVerdict, 'breached'>,
): VendorVerdict => ({
  source: 'servicenow',
  incidentId,
  clock: 'resolution',
  slaName: 'P1 resolution (4 hour)',
  ...over,
});

function check(
  terms: SlaTerms,
  incidents: Incident[],
  verdicts: VendorVerdict[],
) {
  const result = evaluatePeriod({
    terms,
    calendar: createBusinessCalendar(terms, config),
    incidents,
    period: resolvePeriod('2026-03', 'UTC'),
    now: Date.UTC(2030, 0),
  });
  return crossCheck(terms, result.incidents, verdicts).disagreements;
}

describe('crossCheck', () => {
  it('lists nothing when the vendor agrees, or has nothing to compare', () => {
    const rows = check(
      officeHours,
      [
        incident('agree', { createdAt: mon(9), resolvedAt: mon(12) }),
        incident('open', { createdAt: mon(9) }),
        incident('no-verdict', { createdAt: mon(9), resolvedAt: mon(16) }),
      ],
      [
        vendor('agree', { breached: false, elapsedMs: 3 * H }),
        // An open P1 is breached by now on both sides.
        vendor('open', { breached: true }),
      ],
    );
    expect(rows).toEqual([]);
  });

  it('names a priority mapping when the vendor goal is another priority target', () => {
    const [row, ...rest] = check(
      officeHours,
      [
        incident('p2', {
          priority: 'P2',
          createdAt: mon(9),
          resolvedAt: mon(14),
        }),
      ],
      [vendor('p2', { breached: true, elapsedMs: 5 * H, goalMs: 4 * H })],
    );
    expect(rest).toEqual([]);
    expect(row).toMatchObject({
      incidentId: 'p2',
      clock: 'resolution',
      reason: 'priority-mapping',
      ours: { status: 'met', elapsedMs: 5 * H, targetMs: 8 * H },
      vendor: { breached: true, elapsedMs: 5 * H },
    });
  });

  it("names rounding when ServiceNow's two-decimal percentage hides the breach", () => {
    const rows = check(
      officeHours,
      [incident('edge', { createdAt: mon(9), resolvedAt: mon(13) + 200 })],
      [
        vendor('edge', {
          breached: false,
          elapsedMs: 4 * H,
          goalMs: 4 * H,
          percentage: 100,
        }),
      ],
    );
    expect(rows.map(r => [r.incidentId, r.ours.status, r.reason])).toEqual([
      ['edge', 'breached', 'rounding'],
    ]);
    expect(rows[0].ours.elapsedMs).toBe(4 * H + 200);
  });

  it('names rounding from the percentage alone when the vendor gives no elapsed time', () => {
    const rows = check(
      officeHours,
      [incident('edge', { createdAt: mon(9), resolvedAt: mon(13) + 30 })],
      // 100.0002 % written as ServiceNow rounds it.
      [vendor('edge', { breached: false, percentage: 100.0 })],
    );
    expect(rows.map(r => r.reason)).toEqual(['rounding']);
  });

  it('counts the clocks both sides decided', () => {
    const terms = officeHours;
    const result = evaluatePeriod({
      terms,
      calendar: createBusinessCalendar(terms, config),
      incidents: [
        incident('agree', { createdAt: mon(9), resolvedAt: mon(12) }),
        incident('differ', { createdAt: mon(9), resolvedAt: mon(11) }),
      ],
      period: resolvePeriod('2026-03', 'UTC'),
      now: Date.UTC(2030, 0),
    });
    const checked = crossCheck(terms, result.incidents, [
      vendor('agree', { breached: false }),
      vendor('differ', { breached: true }),
      vendor('elsewhere', { breached: true }),
    ]);
    expect(checked.compared).toBe(2);
    expect(checked.disagreements.map(d => d.incidentId)).toEqual(['differ']);
  });

  it('names a pause when the vendor counted the time we paused', () => {
    const rows = check(
      officeHours,
      [
        incident('paused', {
          createdAt: mon(9),
          resolvedAt: mon(14),
          pauses: [{ start: mon(10), end: mon(12) }],
        }),
      ],
      [vendor('paused', { breached: true, elapsedMs: 5 * H, goalMs: 4 * H })],
    );
    expect(
      rows.map(r => [r.reason, r.ours.elapsedMs, r.ours.pausedMs]),
    ).toEqual([['pause', 3 * H, 2 * H]]);
  });

  it('names a pause when the vendor paused and we did not', () => {
    const rows = check(
      officeHours,
      [incident('vendor-paused', { createdAt: mon(9), resolvedAt: mon(14) })],
      [
        vendor('vendor-paused', {
          breached: false,
          elapsedMs: 2 * H,
          pausedMs: 3 * H,
        }),
      ],
    );
    expect(rows.map(r => [r.ours.status, r.reason])).toEqual([
      ['breached', 'pause'],
    ]);
  });

  it('names the calendar when the vendor counted every hour and we count office hours', () => {
    const rows = check(
      officeHours,
      // Monday 16:00 to Tuesday 10:00: 2 office hours, 18 wall-clock hours.
      [incident('overnight', { createdAt: mon(16), resolvedAt: mon(34) })],
      [vendor('overnight', { breached: true, elapsedMs: 18 * H })],
    );
    expect(
      rows.map(r => [r.reason, r.ours.elapsedMs, r.ours.wallElapsedMs]),
    ).toEqual([['calendar', 2 * H, 18 * H]]);
  });

  it('names the calendar when the vendor has a schedule and we count 24x7', () => {
    const saturday = Date.UTC(2026, 2, 7, 9);
    const rows = check(
      allHours,
      [
        incident('weekend', {
          createdAt: saturday,
          resolvedAt: saturday + 5 * H,
        }),
      ],
      [
        vendor('weekend', {
          breached: false,
          elapsedMs: 0,
          schedule: '8-5 weekdays excluding holidays',
        }),
      ],
    );
    expect(
      rows.map(r => [r.ours.status, r.ours.serviceHours, r.reason]),
    ).toEqual([['breached', '24x7', 'calendar']]);
  });

  it('leaves a disagreement no rule explains unexplained', () => {
    const rows = check(
      officeHours,
      [incident('odd', { createdAt: mon(9), resolvedAt: mon(11) })],
      [vendor('odd', { breached: true, elapsedMs: 7 * H })],
    );
    expect(rows.map(r => r.reason)).toEqual(['unexplained']);
  });

  it('compares each clock with its own verdict', () => {
    const rows = check(
      officeHours,
      [incident('both', { createdAt: mon(9), resolvedAt: mon(11) })],
      [
        vendor('both', { clock: 'response', breached: true, elapsedMs: H }),
        vendor('both', { breached: true, elapsedMs: 7 * H }),
      ],
    );
    // No response target in these terms: only the resolution clock is compared.
    expect(rows.map(r => r.clock)).toEqual(['resolution']);
  });
});
