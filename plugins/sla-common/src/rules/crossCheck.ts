import type { IncidentRow } from '../engine/evaluate';
import type { Pause, Priority, SlaTerms } from '../engine/types';

/** Which of an incident's two clocks a vendor SLA record times. */
export type VendorClock = 'response' | 'resolution';

/**
 * The verdict an ITSM tool's own SLA module gave an incident (a Jira Service Management
 * request SLA cycle, a ServiceNow task_sla row), stored beside ours as the provider read it.
 */
export interface VendorVerdict {
  source: string;
  incidentId: string;
  clock: VendorClock;
  /** The vendor's SLA name, e.g. `Time to resolution` or a contract_sla sys_id. */
  slaName: string;
  breached: boolean;
  /** Elapsed time the vendor counted (business elapsed when it gives one), in ms. */
  elapsedMs?: number;
  /** The vendor's goal for this incident, in ms. */
  goalMs?: number;
  /** The vendor's elapsed share of the goal, as the vendor wrote it (ServiceNow: two decimals). */
  percentage?: number;
  /** The vendor's schedule (calendar) name or id; absent when 24x7 or not given. */
  schedule?: string;
  /** Time the vendor paused the clock, in ms, when it gives it. */
  pausedMs?: number;
}

/**
 * Why our verdict and the vendor's likely differ, in the order the rules are tried:
 * - `priority-mapping`: the vendor's goal is not our target for the incident's priority but
 *   is our target for another priority (the incident was mapped to another priority);
 * - `rounding`: both sides counted the same time (within a second) or the vendor's
 *   percentage rounds to 100.00: the verdicts differ only at the target's edge;
 * - `pause`: the elapsed times differ by the time one side paused the clock;
 * - `calendar`: one side counted every hour (its elapsed equals our 24×7 elapsed) and the
 *   other did not, or the vendor names a schedule while our service hours are 24x7;
 * - `unexplained`: none of the above.
 */
export type CrossCheckReason =
  | 'priority-mapping'
  | 'rounding'
  | 'pause'
  | 'calendar'
  | 'unexplained';

/** One clock of one incident where our met/breached differs from the vendor's. */
export interface CrossCheckDisagreement {
  incidentId: string;
  title: string;
  priority: Priority;
  url?: string;
  clock: VendorClock;
  ours: {
    status: 'met' | 'breached';
    /** Business elapsed, minus paused business time. */
    elapsedMs: number;
    /** Wall-clock elapsed from creation to the stop, minus pauses (what a 24×7 clock counts). */
    wallElapsedMs: number;
    pausedMs: number;
    targetMs?: number;
    /** Our service hours as written (`24x7`, `calendar:cn`, …). */
    serviceHours: string;
  };
  vendor: VendorVerdict;
  reason: CrossCheckReason;
}

/** Durations closer than this are equal: vendors count in whole seconds. */
export const CROSS_CHECK_TOLERANCE_MS = 1000;

const near = (a: number, b: number) =>
  Math.abs(a - b) <= CROSS_CHECK_TOLERANCE_MS;

function pausedMs(pauses: Pause[], start: number, stop: number): number {
  let total = 0;
  for (const p of pauses) {
    const from = Math.max(p.start, start);
    const to = Math.min(p.end ?? stop, stop);
    if (to > from) total += to - from;
  }
  return total;
}

function targetsOf(terms: SlaTerms, clock: VendorClock) {
  return (
    (clock === 'response' ? terms.responseTime : terms.resolutionTime) ?? {}
  );
}

/** The likely reason, by the rules of {@link CrossCheckReason}, tried in that order. */
export function crossCheckReason(
  ours: CrossCheckDisagreement['ours'],
  vendor: VendorVerdict,
  otherTargetsMs: number[],
): CrossCheckReason {
  if (
    vendor.goalMs !== undefined &&
    ours.targetMs !== undefined &&
    !near(vendor.goalMs, ours.targetMs) &&
    otherTargetsMs.some(t => near(t, vendor.goalMs!))
  ) {
    return 'priority-mapping';
  }
  const elapsed = vendor.elapsedMs;
  if (elapsed !== undefined && near(elapsed, ours.elapsedMs)) return 'rounding';
  if (
    vendor.percentage !== undefined &&
    vendor.percentage.toFixed(2) === '100.00'
  ) {
    return 'rounding';
  }
  if (elapsed === undefined) return 'unexplained';
  const vendorPaused = vendor.pausedMs ?? 0;
  if (
    (ours.pausedMs > 0 && near(elapsed, ours.elapsedMs + ours.pausedMs)) ||
    (vendorPaused > 0 && near(elapsed + vendorPaused, ours.elapsedMs))
  ) {
    return 'pause';
  }
  const oursIs24x7 = near(ours.elapsedMs, ours.wallElapsedMs);
  if (
    (!oursIs24x7 && near(elapsed, ours.wallElapsedMs)) ||
    (oursIs24x7 && elapsed < ours.elapsedMs && vendor.schedule !== undefined)
  ) {
    return 'calendar';
  }
  return 'unexplained';
}

/**
 * The clocks of one evaluated period where our met/breached differs from the vendor's, and
 * how many clocks were compared. Clocks still running, without a target, or without a
 * vendor verdict are not compared.
 */
export function crossCheck(
  terms: SlaTerms,
  incidents: IncidentRow[],
  verdicts: VendorVerdict[],
): { compared: number; disagreements: CrossCheckDisagreement[] } {
  const byIncident = new Map<string, VendorVerdict[]>();
  for (const v of verdicts) {
    const key = JSON.stringify([v.source, v.incidentId]);
    byIncident.set(key, [...(byIncident.get(key) ?? []), v]);
  }
  const out: CrossCheckDisagreement[] = [];
  let compared = 0;
  for (const incident of incidents) {
    const key = JSON.stringify([incident.source, incident.id]);
    for (const vendor of byIncident.get(key) ?? []) {
      const clock = incident[vendor.clock];
      if (clock.status !== 'met' && clock.status !== 'breached') continue;
      compared++;
      if ((clock.status === 'breached') === vendor.breached) continue;
      const stop =
        clock.stoppedAt ??
        (vendor.clock === 'response'
          ? incident.acknowledgedAt
          : incident.resolvedAt);
      // A breach while open: our elapsed then runs to the breach.
      const end = stop ?? clock.breachedAt ?? incident.createdAt;
      const paused = pausedMs(incident.pauses, incident.createdAt, end);
      const ours: CrossCheckDisagreement['ours'] = {
        status: clock.status,
        elapsedMs: clock.elapsedMs,
        wallElapsedMs: Math.max(0, end - incident.createdAt - paused),
        pausedMs: paused,
        ...(clock.targetMs !== undefined && { targetMs: clock.targetMs }),
        serviceHours: terms.serviceHours.spec,
      };
      const others = Object.entries(targetsOf(terms, vendor.clock))
        .filter(([p]) => p !== incident.priority)
        .map(([, t]) => t!.targetMs);
      out.push({
        incidentId: incident.id,
        title: incident.title,
        priority: incident.priority,
        ...(incident.url !== undefined && { url: incident.url }),
        clock: vendor.clock,
        ours,
        vendor,
        reason: crossCheckReason(ours, vendor, others),
      });
    }
  }
  return { compared, disagreements: out };
}
