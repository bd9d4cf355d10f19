import { figuresOf, type PeriodFigures } from '@servicelevel/plugin-sla-common';

/**
 * Distinct parts remembered at most. Past that the tables start again: what they gave out
 * stays valid, and a later equal part is merely held once more.
 */
const MAX_SHARED = 100_000;

type Objectives = PeriodFigures['objectives'];
type Availability = PeriodFigures['availability'];

/**
 * A period's figures, as the overview keeps them, with their equal parts held once. The
 * overview keeps a result for every service and period it shows (20,000 services × some 13
 * periods in the bench), and reads of each only what the rollups sum (PeriodFigures): the
 * tallies, the availability's sums and each objective's status.
 *
 * Before, it kept whole results without their incident rows, and their objectives' target
 * and actual texts (issue 14, twelfth pass). At 10,000,000 incidents a service-month has
 * some 40 incidents, so those texts mostly differed between services and could not be
 * shared: 324 MB of response and resolution objectives alone.
 *
 * A list of objectives' statuses is held once per distinct list ("availability met,
 * response running, …"), and an availability once per distinct agreed time, downtime and
 * provisional flag. What is shared is frozen, so a caller that changed one result's figures
 * in place would fail loudly instead of changing every result that shares them.
 */
export class SharedFigures {
  /** By each objective's id and status, in order. */
  private readonly objectives = new Map<string, Objectives>();
  /** By agreed service time, then downtime; [not provisional, provisional]. */
  private readonly availabilities = new Map<
    number,
    Map<number, [Availability?, Availability?]>
  >();
  private held = 0;

  /** `result`'s figures (figuresOf), their objectives and availability shared. */
  figures(result: PeriodFigures): PeriodFigures {
    if (this.held >= MAX_SHARED) {
      this.objectives.clear();
      this.availabilities.clear();
      this.held = 0;
    }
    const figures = figuresOf(result);
    figures.objectives = this.objectivesOf(figures.objectives);
    figures.availability = this.availabilityOf(figures.availability);
    return figures;
  }

  /** Distinct objective lists and availabilities held now (for tests). */
  get size(): number {
    return this.held;
  }

  private objectivesOf(list: Objectives): Objectives {
    let key = '';
    for (const o of list) key += `${o.objective}\u0000${o.status}\u0000`;
    let held = this.objectives.get(key);
    if (!held) {
      held = Object.freeze(list.map(o => Object.freeze(o)));
      this.objectives.set(key, held);
      this.held++;
    }
    return held;
  }

  private availabilityOf(a: Availability): Availability {
    let byDowntime = this.availabilities.get(a.astMs);
    if (!byDowntime) {
      byDowntime = new Map();
      this.availabilities.set(a.astMs, byDowntime);
    }
    let pair = byDowntime.get(a.downtimeMs);
    if (!pair) {
      pair = [undefined, undefined];
      byDowntime.set(a.downtimeMs, pair);
    }
    const i = a.provisional ? 1 : 0;
    let held = pair[i];
    if (!held) {
      held = Object.freeze(a);
      pair[i] = held;
      this.held++;
    }
    return held;
  }
}
