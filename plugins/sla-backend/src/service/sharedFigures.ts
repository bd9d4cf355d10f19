import type {
  AvailabilityResult,
  ObjectiveResult,
  PeriodResult,
} from '@servicelevel/plugin-sla-common';

/**
 * Distinct figures remembered at most. Past that the tables start again: what they gave out
 * stays valid, and a later equal value is merely held once more.
 */
const MAX_SHARED = 100_000;
/** Different figures kept under one lookup key (see SharedFigures), the latest first. */
const MAX_CANDIDATES = 8;

type Actual = ObjectiveResult['actual'];

/**
 * Equal figures held once. The overview keeps a result without incident rows for every
 * service and period it shows (20,000 services × some 13 periods in the bench), and most of
 * their objectives read the same: "no incidents", "1/1 met", the same count under the same
 * target. Each was a separate objective with its own `actual` and display text: at 1,000,000
 * incidents, sharing them took 280–350 MB off the live heap (issue 14, eleventh pass).
 *
 * Objectives are looked up by their objective and their target's and actual's texts,
 * availabilities by their agreed and down times; then every field is compared. Keys made of
 * the whole value (its JSON) cost 4 % of the CPU of a first overview. What is shared is
 * frozen, so a caller that changed one result's figure in place would fail loudly instead of
 * changing every result that shares it.
 */
export class SharedFigures {
  /** By objective, target text and actual text. */
  private readonly objectives = new Map<
    string,
    Map<string, Map<string, ObjectiveResult[]>>
  >();
  /** By agreed service time and downtime. */
  private readonly availabilities = new Map<
    number,
    Map<number, AvailabilityResult[]>
  >();
  private held = 0;

  /** `result`'s objectives and availability, each the one held for equal figures. */
  figures(
    result: PeriodResult,
  ): Pick<PeriodResult, 'objectives' | 'availability'> {
    if (this.held >= MAX_SHARED) {
      this.objectives.clear();
      this.availabilities.clear();
      this.held = 0;
    }
    const objectives: ObjectiveResult[] = new Array(result.objectives.length);
    for (let i = 0; i < objectives.length; i++) {
      objectives[i] = this.objective(result.objectives[i]);
    }
    return { objectives, availability: this.availability(result.availability) };
  }

  /** Distinct objectives and availabilities held now (for tests). */
  get size(): number {
    return this.held;
  }

  private objective(o: ObjectiveResult): ObjectiveResult {
    const list = listIn(
      subMap(this.objectives, o.objective),
      o.target.display,
      o.actual.display,
    );
    const found = list.find(h => sameObjective(h, o));
    return found ?? this.hold(list, freezeObjective(o));
  }

  private availability(a: AvailabilityResult): AvailabilityResult {
    const list = listIn(this.availabilities, a.astMs, a.downtimeMs);
    const found = list.find(h => sameAvailability(h, a));
    return found ?? this.hold(list, Object.freeze({ ...a }));
  }

  private hold<T>(list: T[], value: T): T {
    if (list.length >= MAX_CANDIDATES) list.pop();
    else this.held++;
    list.unshift(value);
    return value;
  }
}

function subMap<K, L, V>(table: Map<K, Map<L, V>>, key: K): Map<L, V> {
  let sub = table.get(key);
  if (!sub) table.set(key, (sub = new Map()));
  return sub;
}

function listIn<K, L, T>(table: Map<K, Map<L, T[]>>, k: K, l: L): T[] {
  const byL = subMap(table, k);
  let list = byL.get(l);
  if (!list) byL.set(l, (list = []));
  return list;
}

function freezeObjective(o: ObjectiveResult): ObjectiveResult {
  return Object.freeze({ ...o, actual: Object.freeze({ ...o.actual }) });
}

const OBJECTIVE_FIELDS = [
  'objective',
  'status',
  'statusOnDataReceived',
  'hasTarget',
] as const;
const TARGET_FIELDS = ['display', 'value', 'percentile'] as const;
const ACTUAL_FIELDS = [
  'display',
  'value',
  'counted',
  'metCount',
  'worstMs',
] as const;
const AVAILABILITY_FIELDS = [
  'astMs',
  'elapsedAstMs',
  'downtimeMs',
  'availability',
  'target',
  'budgetMs',
  'budgetRemainingMs',
  'provisional',
  'status',
  'statusOnDataReceived',
] as const;

type Unlisted<T, F extends readonly unknown[]> = Exclude<keyof T, F[number]>;
type Assert<T extends true> = T;
/**
 * Every field is compared: a field added to one of these types and not listed above fails
 * the build, instead of two results that differ in it sharing one object.
 */
export type EveryFieldCompared = Assert<
  [
    Unlisted<ObjectiveResult, [...typeof OBJECTIVE_FIELDS, 'target', 'actual']>,
    Unlisted<ObjectiveResult['target'], typeof TARGET_FIELDS>,
    Unlisted<Actual, typeof ACTUAL_FIELDS>,
    Unlisted<AvailabilityResult, typeof AVAILABILITY_FIELDS>,
  ] extends [never, never, never, never]
    ? true
    : false
>;

/** Equal in every field, the target's and actual's too. */
function sameObjective(a: ObjectiveResult, b: ObjectiveResult): boolean {
  return (
    sameFields(a, b, OBJECTIVE_FIELDS) &&
    sameFields(a.target, b.target, TARGET_FIELDS) &&
    sameFields(a.actual, b.actual, ACTUAL_FIELDS)
  );
}

function sameAvailability(
  a: AvailabilityResult,
  b: AvailabilityResult,
): boolean {
  return sameFields(a, b, AVAILABILITY_FIELDS);
}

function sameFields<T>(a: T, b: T, fields: readonly (keyof T)[]): boolean {
  for (const f of fields) if (a[f] !== b[f]) return false;
  return true;
}
