import type { ObjectiveId } from './evaluate';
import type { WeeklyHours } from './weekly';

/** Incident priority, P1 most urgent. */
export type Priority = 'P1' | 'P2' | 'P3' | 'P4';
/** All priorities, most urgent first. */
export const PRIORITIES: readonly Priority[] = ['P1', 'P2', 'P3', 'P4'];

/** `servicelevel.io/agreement-type`: with a customer, an internal team agreement, a supplier's contract. */
export type AgreementType = 'sla' | 'ola' | 'uc';
/** Every agreement type, the default first. */
export const AGREEMENT_TYPES: readonly AgreementType[] = ['sla', 'ola', 'uc'];

/** Measurement / report period length. */
export type PeriodKind = 'monthly' | 'quarterly' | 'yearly';

/** A stretch during which an SLA clock is stopped (e.g. waiting for the customer). */
export interface Pause {
  start: number;
  /** Absent while the pause is still open. */
  end?: number;
}

/** An incident (the incident model in ENGINE.md). All instants are UTC epoch milliseconds. */
export interface Incident {
  source: string;
  id: string;
  entityRef: string;
  title: string;
  priority: Priority;
  createdAt: number;
  acknowledgedAt?: number;
  resolvedAt?: number;
  pauses: Pause[];
  /** The interval the service was down; only unplanned `down` outages are downtime. */
  outage?: {
    start: number;
    end?: number;
    planned?: boolean;
    impact?: 'down' | 'degraded';
  };
  url?: string;
  /**
   * Region code (lower case, e.g. `cn`, `us`) choosing the calendar of this incident's
   * response and resolution clocks on a `calendar:by-region` service (`sla.regions`).
   * Ignored elsewhere; availability always uses the service's own calendar.
   */
  region?: string;
}

/** A named business calendar from `sla.calendars` (resolved). */
export interface CalendarConfig {
  timezone: string;
  hours: WeeklyHours;
  /** `YYYY-MM-DD` whole days off. */
  holidays: string[];
  /** `YYYY-MM-DD` make-up working days; they keep Monday's (the standard day's) hours. */
  workdays: string[];
  /**
   * Part-day closures: `YYYY-MM-DD` → closed local spans in minutes after midnight
   * (`[start, end)`, normalized like {@link WeeklyHours} spans), removed from that date's
   * working hours (an afternoon off, a shortened working day). Absent when there are none.
   */
  closures?: Record<string, Array<[number, number]>>;
}

/** The `sla:` app-config section (docs/configuration.md), as the engine needs it. */
export interface SlaConfig {
  defaultTimezone: string;
  calendars: Record<string, CalendarConfig>;
  /** Tier templates: annotation keys without the prefix → values. */
  tiers: Record<string, Record<string, string>>;
  /**
   * `sla.regions`: region code (lower case) → name in `calendars`, in the order written.
   * The first region's calendar is the service's own calendar under `calendar:by-region`.
   * Absent when not configured.
   */
  regions?: Record<string, string>;
}

/** A named calendar as stored in terms: its name and a snapshot of its resolved dates. */
export interface CalendarSnapshot {
  /** Name in `sla.calendars`. */
  calendar: string;
  timezone: string;
  hours: WeeklyHours;
  holidays: string[];
  workdays: string[];
  /** Part-day closures of the calendar; absent when there are none. */
  closures?: Record<string, Array<[number, number]>>;
}

/** When SLA clocks run (annotation `service-hours`). */
export type ServiceHours =
  | { kind: '24x7'; spec: '24x7' }
  | { kind: 'weekly'; spec: string; hours: WeeklyHours }
  | ({
      kind: 'calendar';
      spec: string;
      /**
       * `calendar:by-region` only: region code → that region's calendar snapshot, in the
       * order of `sla.regions`. The snapshot fields are the first region's calendar (the
       * service's own: availability, periods, `d`, incidents without a known region).
       */
      regions?: Record<string, CalendarSnapshot>;
    } & CalendarSnapshot); // as it was when the terms were read: old versions keep old holidays

/** A per-priority time target. */
export interface TimeTarget {
  targetMs: number;
  /** Share of incidents that must meet the target, in percent (default 100). */
  percentile: number;
}

/** Targets keyed by priority; absent priorities have no target. */
export type PriorityTargets = Partial<Record<Priority, TimeTarget>>;

/** Effective SLA terms of an entity. Plain JSON; see `serializeTerms`. */
export interface SlaTerms {
  tier?: string;
  serviceHours: ServiceHours;
  /** IANA zone for inline hours, maintenance windows and period boundaries. */
  timezone: string;
  /** One service day (`d`): the standard working day's hours; 24 h for 24x7. */
  serviceDayMs: number;
  /** Availability target in percent, e.g. 99.9. */
  availability?: number;
  responseTime?: PriorityTargets;
  resolutionTime?: PriorityTargets;
  maxIncidents?: Partial<Record<Priority | 'all', number>>;
  maxOutageMs?: number;
  minMtbfMs?: number;
  period: PeriodKind;
  report: PeriodKind;
  maintenance?: { spec: string; hours: WeeklyHours };
  customer?: string;
  agreement?: string;
  /** `agreement-type` when written (absent means `sla`, SPEC §8). */
  agreementType?: AgreementType;
  /** `YYYY-MM-DD`. */
  reviewBy?: string;
  sources?: string[];
  priorityMap?: Record<string, Priority>;
  /** `service-credits`: absent when the annotation is absent or has any problem. */
  serviceCredits?: ServiceCreditTerms;
  /** `monthly-fee`. */
  monthlyFee?: MonthlyFee;
}

/**
 * One service-credit rule (SPEC §7). Shares and thresholds are percent numbers as written
 * (shares have at most 2 decimals, thresholds at most 6), so they convert to integers exactly.
 * - `band`: `availability<99.9%=10%` — `share` when the achieved value is strictly below
 *   `below`; of one objective's bands only the lowest such threshold applies.
 * - `per-breach`: `response-time:P1=5%/breach` — `share` per incident that breached.
 * - `breached`: `max-outage=5%` — `share` once when the objective is breached.
 */
export type CreditRule =
  | { kind: 'band'; objective: ObjectiveId; below: number; share: number }
  | { kind: 'per-breach'; objective: ObjectiveId; share: number }
  | { kind: 'breached'; objective: ObjectiveId; share: number };

/** Parsed `servicelevel.io/service-credits`. */
export interface ServiceCreditTerms {
  /** In canonical order: by objective, then kind, bands by falling threshold. */
  rules: CreditRule[];
  /** Cap on the total share, percent (100 when not written). */
  cap: number;
}

/** Parsed `servicelevel.io/monthly-fee`. */
export interface MonthlyFee {
  /** Canonical decimal text (no leading zeros, no trailing fractional zeros), e.g. `12000`, `2500.5`. */
  amount: string;
  /** ISO 4217 code, upper case. */
  currency: string;
}
