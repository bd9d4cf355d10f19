import type {
  AvailabilityResult,
  ObjectiveResult,
  PeriodResult,
} from '@servicelevel/plugin-sla-common';

/**
 * Distinct figures remembered at most, per kind. Past that the table starts again: what it
 * gave out stays valid, and a later equal value is merely held once more.
 */
const MAX_SHARED = 50_000;

/**
 * Equal figures held once. The overview keeps a result without incident rows for every
 * service and period it shows (20,000 services × some 13 periods in the bench), and most of
 * their objectives read the same: "no incidents", "1/1 met", the same count under the same
 * target. Each was a separate objective with its own `actual` and display text, about 500 MB
 * at 1,000,000 incidents (the bench's heap profile, issue 14).
 *
 * What is shared is frozen, so a caller that changed one result's figure in place would fail
 * loudly instead of changing every result that shares it.
 */
export class SharedFigures {
  private readonly objectives = new Map<string, ObjectiveResult>();
  private readonly availabilities = new Map<string, AvailabilityResult>();

  /** `result`'s objectives and availability, each the one held for equal figures. */
  figures(
    result: PeriodResult,
  ): Pick<PeriodResult, 'objectives' | 'availability'> {
    return {
      objectives: result.objectives.map(o =>
        shared(this.objectives, o, () =>
          Object.freeze({ ...o, actual: Object.freeze({ ...o.actual }) }),
        ),
      ),
      availability: shared(this.availabilities, result.availability, () =>
        Object.freeze({ ...result.availability }),
      ),
    };
  }

  /** Distinct objectives and availabilities held now (for tests). */
  get size(): number {
    return this.objectives.size + this.availabilities.size;
  }
}

/** The value held under `value`'s JSON, or `copy()` held from now on. */
function shared<T>(table: Map<string, T>, value: T, copy: () => T): T {
  // JSON is equality here: these are plain records of strings, numbers and booleans, made in
  // one order by the engine; a field left undefined is absent from both JSON and reads.
  const key = JSON.stringify(value);
  const held = table.get(key);
  if (held !== undefined) return held;
  if (table.size >= MAX_SHARED) table.clear();
  const made = copy();
  table.set(key, made);
  return made;
}
