import {
  isCountedBreach,
  type IncidentRow,
  type PeriodResult,
} from '@servicelevel/plugin-sla-common';
import {
  chunk,
  connectStore,
  DatabaseStoreOptions,
  rowsPerStatement,
  toNumber,
  withOptionalFields,
} from './client';
import { DatabaseStore } from './DatabaseStore';
import type { Snapshot, SnapshotStore } from './types';

/** A row of sla_snapshots as the drivers return it. */
export type RawSnapshotRow = {
  entity_ref: string;
  period_key: string;
  period_start: number | string;
  period_end: number | string;
  terms_version: number | string;
  /** JSON of PeriodResult; null when a read asked for the summary and the row has one. */
  result: string | null;
  /** JSON of summaryOf(result); null in rows stored before it existed. */
  summary?: string | null;
  computed_at: number | string;
  recomputed_by: string | null;
};

const TABLE = 'sla_snapshots';

const COLUMN_COUNT = 9;
/** Entity refs per IN list, leaving room for the period keys under 999 variables. */
const REFS_PER_QUERY = 500;

function toRow(snapshot: Snapshot): RawSnapshotRow {
  return {
    entity_ref: snapshot.entityRef,
    period_key: snapshot.periodKey,
    period_start: snapshot.periodStart,
    period_end: snapshot.periodEnd,
    terms_version: snapshot.termsVersion,
    result: JSON.stringify(snapshot.result),
    summary: JSON.stringify(summaryOf(snapshot.result)),
    computed_at: snapshot.computedAt,
    recomputed_by: snapshot.recomputedBy ?? null,
  };
}

/**
 * Snapshots published before the per-objective flag was renamed from `committed` to
 * `hasTarget` are served under the new name; the figures themselves are untouched.
 */
function readStoredResult(json: string): PeriodResult {
  const result = JSON.parse(json) as PeriodResult;
  for (const objective of result.objectives) {
    const legacy = objective as { committed?: boolean };
    if (objective.hasTarget === undefined && legacy.committed !== undefined) {
      objective.hasTarget = legacy.committed;
      delete legacy.committed;
    }
  }
  return result;
}

/**
 * A result's figures with only the incident rows its credits can count (isCountedBreach,
 * for per-breach rules): a few rows where the whole result has hundreds.
 */
function summaryOf(result: PeriodResult): PeriodResult {
  return { ...result, incidents: result.incidents.filter(countsForCredits) };
}

function countsForCredits(row: IncidentRow): boolean {
  return isCountedBreach(row, 'response') || isCountedBreach(row, 'resolution');
}

/** The row's summary, or for a row stored before summaries existed, that of its result. */
function readSummary(row: RawSnapshotRow): PeriodResult {
  if (row.summary) {
    return readStoredResult(row.summary);
  }
  return summaryOf(readStoredResult(row.result!));
}

/**
 * The columns of a read without incident rows: `result` only where the row has no summary
 * (see readSummary), so that the rows' JSON is neither sent nor parsed.
 */
const SUMMARY_COLUMNS = [
  'entity_ref',
  'period_key',
  'period_start',
  'period_end',
  'terms_version',
  'summary',
  'computed_at',
  'recomputed_by',
];

function fromRow(row: RawSnapshotRow, incidentRows = true): Snapshot {
  return withOptionalFields<Snapshot>(
    {
      entityRef: row.entity_ref,
      periodKey: row.period_key,
      periodStart: toNumber(row.period_start),
      periodEnd: toNumber(row.period_end),
      termsVersion: toNumber(row.terms_version),
      result: incidentRows ? readStoredResult(row.result!) : readSummary(row),
      computedAt: toNumber(row.computed_at),
    },
    { recomputedBy: row.recomputed_by },
  );
}

/** Immutable results of closed periods, one per (entityRef, periodKey). */
export class DatabaseSnapshotStore
  extends DatabaseStore
  implements SnapshotStore
{
  static async create(options: DatabaseStoreOptions) {
    return new DatabaseSnapshotStore(await connectStore(options));
  }

  async insertIfAbsent(snapshot: Snapshot): Promise<boolean> {
    // With DO NOTHING, RETURNING yields no row when the snapshot already existed.
    const inserted = await this.db<RawSnapshotRow>(TABLE)
      .insert(toRow(snapshot))
      .onConflict(['entity_ref', 'period_key'])
      .ignore()
      .returning('period_key');
    return inserted.length > 0;
  }

  async insertAllIfAbsent(snapshots: Snapshot[]): Promise<number> {
    if (snapshots.length === 0) {
      return 0;
    }
    return this.db.transaction(async tx => {
      let stored = 0;
      for (const batch of chunk(snapshots, rowsPerStatement(COLUMN_COUNT))) {
        const inserted = await tx<RawSnapshotRow>(TABLE)
          .insert(batch.map(toRow))
          .onConflict(['entity_ref', 'period_key'])
          .ignore()
          .returning('period_key');
        stored += inserted.length;
      }
      return stored;
    });
  }

  async replace(snapshot: Snapshot): Promise<void> {
    await this.db<RawSnapshotRow>(TABLE)
      .insert(toRow(snapshot))
      .onConflict(['entity_ref', 'period_key'])
      .merge();
  }

  async get(
    entityRef: string,
    periodKey: string,
  ): Promise<Snapshot | undefined> {
    const row = await this.db<RawSnapshotRow>(TABLE)
      .where({ entity_ref: entityRef, period_key: periodKey })
      .first();
    return row ? fromRow(row) : undefined;
  }

  /**
   * An absent filter field matches everything; an empty list matches nothing. Sorted by
   * entityRef (code-point order, the same on every engine), then periodStart. One query unless there are more than 500 entity refs.
   * With `incidentRows: false`, each result holds only the incident rows its credits count
   * (a breached clock counted in the period), and the rest of the rows' JSON is not read.
   */
  async list(
    filter: {
      entityRefs?: string[];
      periodKeys?: string[];
    },
    options: { incidentRows?: boolean } = {},
  ): Promise<Snapshot[]> {
    const { incidentRows = true } = options;
    const { entityRefs, periodKeys } = filter;
    if (entityRefs?.length === 0 || periodKeys?.length === 0) {
      return [];
    }
    const refChunks = entityRefs
      ? chunk([...new Set(entityRefs)], REFS_PER_QUERY)
      : [undefined];
    const snapshots: Snapshot[] = [];
    for (const refs of refChunks) {
      let query = incidentRows
        ? this.db<RawSnapshotRow>(TABLE)
        : this.db<RawSnapshotRow>(TABLE).select(
            ...SUMMARY_COLUMNS,
            this.db.raw('case when summary is null then result end as result'),
          );
      if (refs) {
        query = query.whereIn('entity_ref', refs);
      }
      if (periodKeys) {
        query = query.whereIn('period_key', [...new Set(periodKeys)]);
      }
      for (const row of await query) {
        snapshots.push(fromRow(row, incidentRows));
      }
    }
    // Sorted here, not in SQL: results come from several queries when there are many refs.
    return snapshots.sort(
      (a, b) =>
        compareCodePoints(a.entityRef, b.entityRef) ||
        a.periodStart - b.periodStart,
    );
  }
  /**
   * The count of recomputed snapshots and the sum of their `computed_at`: a recompute either
   * adds a recomputed row or moves one's `computed_at`. Read through the partial index on
   * them (migration 20261205120000), so it costs the same whatever the table's size.
   */
  async changeMark(): Promise<string> {
    const row = (await this.db<RawSnapshotRow>(TABLE)
      .whereNotNull('recomputed_by')
      .count({ recomputed: '*' })
      .sum({ computedAt: 'computed_at' })
      .first()) as Record<string, number | string | null> | undefined;
    return `${row?.recomputed ?? 0}:${row?.computedAt ?? ''}`;
  }
}

function compareCodePoints(a: string, b: string): number {
  if (a === b) {
    return 0;
  }
  return a < b ? -1 : 1;
}
