import type {
  Incident,
  Pause,
  VendorClock,
  VendorVerdict,
} from '@servicelevel/plugin-sla-common';
import { Knex } from 'knex';
import {
  chunk,
  connectStore,
  DatabaseStoreOptions,
  rowsPerStatement,
  toNumber,
  toOptionalNumber,
  withOptionalFields,
} from './client';
import { CountingDatabaseStore, EntityWriteCounter } from './DatabaseStore';
import type { IncidentStore, StoredIncident, StoredSourceCount } from './types';

/** A row of sla_incidents as the drivers return it. */
export type RawIncidentRow = {
  source: string;
  incident_id: string;
  entity_ref: string;
  title: string;
  priority: string;
  created_at: number | string;
  acknowledged_at: number | string | null;
  resolved_at: number | string | null;
  /** JSON array of pauses. */
  pauses: string;
  outage_start: number | string | null;
  outage_end: number | string | null;
  /** SQLite returns 0/1. */
  outage_planned: boolean | number;
  outage_impact: string | null;
  url: string | null;
  /** Lower-case region code; null when the incident has none. */
  region: string | null;
  /** Latest instant at which a period still needs the incident (relevantUntil). */
  relevant_until: number | string;
  updated_at: number | string;
};

const TABLE = 'sla_incidents';
const VERDICTS = 'sla_vendor_verdicts';

/** A row of sla_vendor_verdicts as the drivers return it. */
export type RawVendorVerdictRow = {
  source: string;
  incident_id: string;
  clock: string;
  sla_name: string;
  /** SQLite returns 0/1. */
  breached: boolean | number;
  elapsed_ms: number | string | null;
  goal_ms: number | string | null;
  percentage: number | string | null;
  schedule: string | null;
  paused_ms: number | string | null;
  updated_at: number | string;
};

const VERDICT_COLUMN_COUNT = 11;

function toVerdictRow(v: VendorVerdict, now: number): RawVendorVerdictRow {
  return {
    source: v.source,
    incident_id: v.incidentId,
    clock: v.clock,
    sla_name: v.slaName,
    breached: v.breached,
    elapsed_ms: v.elapsedMs ?? null,
    goal_ms: v.goalMs ?? null,
    percentage: v.percentage ?? null,
    schedule: v.schedule ?? null,
    paused_ms: v.pausedMs ?? null,
    updated_at: now,
  };
}

function fromVerdictRow(
  row: RawVendorVerdictRow & { entity_ref: string },
): VendorVerdict & { entityRef: string } {
  return withOptionalFields<VendorVerdict & { entityRef: string }>(
    {
      source: row.source,
      incidentId: row.incident_id,
      clock: row.clock as VendorClock,
      slaName: row.sla_name,
      breached: Boolean(row.breached),
      entityRef: row.entity_ref,
    },
    {
      elapsedMs: toOptionalNumber(row.elapsed_ms),
      goalMs: toOptionalNumber(row.goal_ms),
      percentage: toOptionalNumber(row.percentage),
      schedule: row.schedule,
      pausedMs: toOptionalNumber(row.paused_ms),
    },
  );
}

const COLUMN_COUNT = 18;
/** Identity pairs per existence query (two bound variables each). */
const KEYS_PER_QUERY = 400;
/** Entity refs per IN list. */
const REFS_PER_QUERY = 500;

/** The largest instant a JavaScript Date can hold: an incident that matters to every period. */
export const RELEVANT_FOREVER = 8_640_000_000_000_000;

/**
 * The latest instant at which an incident still matters to a period: the window [from, to)
 * needs it when it was created before `to` and this is at or after `from`. That is the
 * latest of its resolution, first response and outage end, and RELEVANT_FOREVER while it or
 * its outage is open. Stored as relevant_until on every write, so that relevantTo reads an
 * open period through an index (migration 20261204170000).
 */
export function relevantUntil(incident: Incident): number {
  const { resolvedAt, acknowledgedAt, outage } = incident;
  if (resolvedAt === undefined || (outage && outage.end === undefined)) {
    return RELEVANT_FOREVER;
  }
  return Math.max(
    resolvedAt,
    acknowledgedAt ?? resolvedAt,
    outage?.end ?? resolvedAt,
  );
}

function toRow(incident: Incident, now: number): RawIncidentRow {
  return {
    source: incident.source,
    incident_id: incident.id,
    entity_ref: incident.entityRef,
    title: incident.title,
    priority: incident.priority,
    created_at: incident.createdAt,
    acknowledged_at: incident.acknowledgedAt ?? null,
    resolved_at: incident.resolvedAt ?? null,
    pauses: JSON.stringify(incident.pauses),
    outage_start: incident.outage?.start ?? null,
    outage_end: incident.outage?.end ?? null,
    outage_planned: incident.outage?.planned ?? false,
    outage_impact: incident.outage?.impact ?? null,
    url: incident.url ?? null,
    region: incident.region?.toLowerCase() ?? null,
    relevant_until: relevantUntil(incident),
    updated_at: now,
  };
}

/**
 * Builds a StoredIncident from a row with `new`, not an object literal, so that V8 never
 * allocates it directly in the old generation. V8 decides per literal site from the first
 * collection that sees 100 of its objects whether to pretenure it, and a recompute's first
 * page of 500 rows is all alive then; once pretenured, each of a million incidents went to
 * the old generation and died there (513 MB promoted in a full recompute at 20,000 services
 * and 1,000,000 incidents, against 206 MB with `new`, which has no allocation site). Its
 * prototype is Object.prototype, so the objects are plain: the same to JSON, to equality in
 * tests and to every reader as the literals they replace. Optional fields are set only when
 * present, in the order the literal had them (see fromRow).
 */
const IncidentFromRow = function (this: StoredIncident, row: RawIncidentRow) {
  this.source = row.source;
  this.id = row.incident_id;
  this.entityRef = row.entity_ref;
  this.title = row.title;
  this.priority = row.priority as Incident['priority'];
  this.createdAt = toNumber(row.created_at);
  this.pauses = JSON.parse(row.pauses) as Pause[];
  this.updatedAt = toNumber(row.updated_at);
  const acknowledgedAt = toOptionalNumber(row.acknowledged_at);
  if (acknowledgedAt !== undefined) this.acknowledgedAt = acknowledgedAt;
  const resolvedAt = toOptionalNumber(row.resolved_at);
  if (resolvedAt !== undefined) this.resolvedAt = resolvedAt;
  const outage = outageFromRow(row);
  if (outage !== undefined) this.outage = outage;
  if (row.url !== null && row.url !== undefined) this.url = row.url;
  if (row.region !== null && row.region !== undefined) this.region = row.region;
} as unknown as new (row: RawIncidentRow) => StoredIncident;
IncidentFromRow.prototype = Object.prototype;

/**
 * The one place rows become incidents. Optional fields that are null in the row are left
 * out, not set to null. `outage.planned` is stored NOT NULL with default false, so false and
 * absent are the same fact; it is read back only when true.
 */
function fromRow(row: RawIncidentRow): StoredIncident {
  return new IncidentFromRow(row);
}

function outageFromRow(row: RawIncidentRow): Incident['outage'] {
  const start = toOptionalNumber(row.outage_start);
  if (start === undefined) {
    return undefined;
  }
  return withOptionalFields<NonNullable<Incident['outage']>>(
    { start },
    {
      end: toOptionalNumber(row.outage_end),
      planned: Boolean(row.outage_planned) || undefined,
      impact: row.outage_impact as 'down' | 'degraded' | null,
    },
  );
}

function identity(source: string, id: string): string {
  return JSON.stringify([source, id]);
}

/**
 * One row per identity: one INSERT … ON CONFLICT may not touch a row twice (PostgreSQL), so
 * the last copy of a repeated (source, id) wins, as it would if the copies were sent one after
 * the other. Sorted by identity: concurrent writers then lock rows in the same order, so
 * overlapping batches wait for each other instead of deadlocking.
 */
function uniqueRows(incidents: Incident[], now: number): RawIncidentRow[] {
  const byIdentity = new Map<string, RawIncidentRow>();
  for (const incident of incidents) {
    byIdentity.set(
      identity(incident.source, incident.id),
      toRow(incident, now),
    );
  }
  return [...byIdentity.entries()]
    .sort(([a], [b]) => (a < b ? -1 : Number(a > b)))
    .map(([, row]) => row);
}

/** PostgreSQL's deadlock and serialization failures: the transaction may simply be retried. */
function isRetryableConflict(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return code === '40P01' || code === '40001';
}

const WRITE_ATTEMPTS = 4;

/**
 * The incidents a window [from, to) needs: created before `to` and not finished before
 * `from` (still open, resolved, acknowledged or with an outage running at or after `from`),
 * which relevant_until holds (relevantUntil). Exported for the benchmark, which measures
 * this query.
 */
export function relevantTo(
  query: Knex.QueryBuilder,
  from: number,
  to: number,
): Knex.QueryBuilder {
  return query
    .where('created_at', '<', to)
    .andWhere('relevant_until', '>=', from);
}

/** listForEntity's order: by creation, ties broken by identity. */
const INCIDENT_ORDER = [
  { column: 'created_at' },
  { column: 'source' },
  { column: 'incident_id' },
];

/** Incidents in sla_incidents, identified by (source, incident_id). */
export class DatabaseIncidentStore
  extends CountingDatabaseStore
  implements IncidentStore
{
  static async create(options: DatabaseStoreOptions) {
    return new DatabaseIncidentStore(await connectStore(options));
  }

  /** Writes per entity ref, for readers that cache per entity (entityChanges). */
  private readonly entityWrites = new EntityWriteCounter();

  entityChanges(entityRef: string): number {
    return this.entityWrites.of(entityRef);
  }

  async upsertIncidents(
    incidents: Incident[],
    options?: { now?: number; vendorVerdicts?: VendorVerdict[] },
  ): Promise<{ inserted: number; updated: number }> {
    const now = options?.now ?? Date.now();
    const rows = uniqueRows(incidents, now);
    if (rows.length === 0) {
      return { inserted: 0, updated: 0 };
    }
    const verdicts = options?.vendorVerdicts;

    return this.countedWrite(async () => {
      for (let attempt = 1; ; attempt++) {
        try {
          const { touched, ...written } = await this.db.transaction(
            async tx => {
              const w = await this.writeRows(tx, rows);
              if (verdicts) await this.writeVerdicts(tx, rows, verdicts, now);
              return w;
            },
          );
          // Counted once committed: a read that began before sees an older count.
          this.entityWrites.touch(touched);
          return written;
        } catch (error) {
          // Sorted rows rule out deadlocks between batches of this store, but other writers
          // (another version, manual SQL) may still collide; the rolled-back batch is redone.
          if (attempt >= WRITE_ATTEMPTS || !isRetryableConflict(error)) {
            throw error;
          }
          await new Promise(r =>
            setTimeout(r, 20 * attempt * (1 + Math.random())),
          );
        }
      }
    });
  }

  async upsertIncidentBatches(
    batches: AsyncIterable<Incident[]>,
    options?: { now?: number },
  ): Promise<{ inserted: number; updated: number }> {
    const now = options?.now ?? Date.now();
    return this.countedWrite(async () => {
      const touched = new Set<string>();
      const written = await this.db.transaction(async tx => {
        let inserted = 0;
        let updated = 0;
        for await (const batch of batches) {
          const rows = uniqueRows(batch, now);
          if (rows.length === 0) continue;
          const w = await this.writeRows(tx, rows);
          inserted += w.inserted;
          updated += w.updated;
          for (const ref of w.touched) touched.add(ref);
        }
        return { inserted, updated };
      });
      this.entityWrites.touch(touched);
      return written;
    });
  }

  /**
   * Writes the rows; `touched` holds the entity ref of every row and, for a row that existed,
   * the entity ref it had before (an incident re-sent under another entity moves: both change).
   */
  private async writeRows(
    tx: Knex.Transaction,
    rows: RawIncidentRow[],
  ): Promise<{ inserted: number; updated: number; touched: Set<string> }> {
    const touched = new Set(rows.map(r => r.entity_ref));
    if (tx.client.config.client === 'pg') {
      return { ...(await this.writeRowsPg(tx, rows, touched)), touched };
    }
    // SQLite plans the existence query on the primary key whatever its statistics.
    let existing = 0;
    for (const keys of chunk(rows, KEYS_PER_QUERY)) {
      const found = await tx<RawIncidentRow>(TABLE)
        .whereIn(
          ['source', 'incident_id'],
          keys.map(r => [r.source, r.incident_id]),
        )
        .select('entity_ref');
      existing += found.length;
      for (const f of found) touched.add(f.entity_ref);
    }
    for (const batch of chunk(rows, rowsPerStatement(COLUMN_COUNT))) {
      await tx<RawIncidentRow>(TABLE)
        .insert(batch)
        .onConflict(['source', 'incident_id'])
        .merge();
    }
    return { inserted: rows.length - existing, updated: existing, touched };
  }

  /**
   * One statement per chunk on PostgreSQL: the upsert reports, row by row, whether it inserted
   * (`xmax = 0`: no earlier row version was locked or replaced) or updated. A separate
   * existence count was planned from table statistics, and without them (autovacuum off, or
   * a first bulk load before auto-analyze) it checked every row of a source against a 400-way
   * filter: 2 s per batch at 300,000 rows (issue 14). The upsert goes through the primary key
   * whatever the statistics say.
   *
   * The same statement returns the entity ref an updated row had before (added to
   * `touched`): a subquery in RETURNING reads with the statement's snapshot, which does not
   * see the statement's own writes, so it finds the row's old version. It is planned per row
   * as an index scan of the primary key with both columns as conditions (a unique lookup,
   * whatever the statistics), not as a separate query over the batch.
   */
  private async writeRowsPg(
    tx: Knex.Transaction,
    rows: RawIncidentRow[],
    touched: Set<string>,
  ): Promise<{ inserted: number; updated: number }> {
    let inserted = 0;
    for (const batch of chunk(rows, rowsPerStatement(COLUMN_COUNT))) {
      const written = (await tx<RawIncidentRow>(TABLE)
        .insert(batch)
        .onConflict(['source', 'incident_id'])
        .merge()
        .returning(
          tx.raw(
            '(xmax = 0) as inserted, (select o.entity_ref from ?? as o where o.source = ??.source and o.incident_id = ??.incident_id) as previous_entity_ref',
            [TABLE, TABLE, TABLE],
          ),
        )) as unknown as Array<{
        inserted: boolean;
        previous_entity_ref: string | null;
      }>;
      for (const w of written) {
        if (w.inserted) inserted++;
        if (w.previous_entity_ref !== null) touched.add(w.previous_entity_ref);
      }
    }
    return { inserted, updated: rows.length - inserted };
  }

  /** Replaces the verdicts of the written incidents (rows) by those given for them. */
  private async writeVerdicts(
    tx: Knex.Transaction,
    rows: RawIncidentRow[],
    verdicts: VendorVerdict[],
    now: number,
  ): Promise<void> {
    const written = new Set(rows.map(r => identity(r.source, r.incident_id)));
    for (const keys of chunk(rows, KEYS_PER_QUERY)) {
      await tx(VERDICTS)
        .whereIn(
          ['source', 'incident_id'],
          keys.map(r => [r.source, r.incident_id]),
        )
        .delete();
    }
    // The last verdict of a repeated (source, id, clock) wins, as for incidents.
    const unique = new Map<string, RawVendorVerdictRow>();
    for (const v of verdicts) {
      if (!written.has(identity(v.source, v.incidentId))) continue;
      unique.set(
        JSON.stringify([v.source, v.incidentId, v.clock]),
        toVerdictRow(v, now),
      );
    }
    for (const batch of chunk(
      [...unique.values()],
      rowsPerStatement(VERDICT_COLUMN_COUNT),
    )) {
      await tx<RawVendorVerdictRow>(VERDICTS).insert(batch);
    }
  }

  async listVendorVerdicts(
    source: string,
    from: number,
    to: number,
  ): Promise<Array<VendorVerdict & { entityRef: string }>> {
    const rows = (await this.db(`${VERDICTS} as v`)
      .join(`${TABLE} as i`, join =>
        join.on('i.source', 'v.source').andOn('i.incident_id', 'v.incident_id'),
      )
      .where('v.source', source)
      .where(q => relevantTo(q, from, to))
      .select('v.*', 'i.entity_ref')
      .orderBy([
        { column: 'i.entity_ref' },
        { column: 'v.incident_id' },
        { column: 'v.clock' },
      ])) as Array<RawVendorVerdictRow & { entity_ref: string }>;
    return rows.map(fromVerdictRow);
  }

  async listForEntity(
    entityRef: string,
    from: number,
    to: number,
  ): Promise<StoredIncident[]> {
    const rows = await this.db<RawIncidentRow>(TABLE)
      .where('entity_ref', entityRef)
      .where(q => relevantTo(q, from, to))
      .orderBy(INCIDENT_ORDER);
    return rows.map(fromRow);
  }

  /** Every requested entity ref is a key of the result, with [] when it has no incidents. */
  async listForEntities(
    entityRefs: string[],
    from: number,
    to: number,
  ): Promise<Map<string, StoredIncident[]>> {
    const result = new Map<string, StoredIncident[]>();
    const unique = [...new Set(entityRefs)];
    for (const ref of unique) {
      result.set(ref, []);
    }
    for (const refs of chunk(unique, REFS_PER_QUERY)) {
      const rows = await this.db<RawIncidentRow>(TABLE)
        .whereIn('entity_ref', refs)
        .where(q => relevantTo(q, from, to))
        // Entity first: the (entity_ref, created_at, source, incident_id, relevant_until)
        // index then yields the rows in order and no large sort is needed (SQLite spilled it
        // to temp files at 50,000 rows a query); PostgreSQL may prefer the
        // (entity_ref, relevant_until) index and sort the few rows an open period needs.
        // Within each entity the order is listForEntity's.
        .orderBy([{ column: 'entity_ref' }, ...INCIDENT_ORDER]);
      for (const row of rows) {
        result.get(row.entity_ref)!.push(fromRow(row));
      }
    }
    return result;
  }

  async get(source: string, id: string): Promise<StoredIncident | undefined> {
    const row = await this.db<RawIncidentRow>(TABLE)
      .where({ source, incident_id: id })
      .first();
    return row ? fromRow(row) : undefined;
  }

  async countByEntity(): Promise<Array<{ entityRef: string; count: number }>> {
    // PostgreSQL returns count(*) as a bigint string.
    const rows = (await this.db(TABLE)
      .select('entity_ref')
      .count({ count: '*' })
      .groupBy('entity_ref')
      .orderBy('entity_ref')) as Array<{
      entity_ref: string;
      count: number | string;
    }>;
    return rows.map(r => ({ entityRef: r.entity_ref, count: Number(r.count) }));
  }

  async countBySource(): Promise<StoredSourceCount[]> {
    // The primary key starts with source, so this groups along the index. PostgreSQL returns
    // count(*) and max() of bigint columns as strings.
    const rows = (await this.db(TABLE)
      .select('source')
      .count({ count: '*' })
      .max({ last_created: 'created_at', last_written: 'updated_at' })
      .groupBy('source')
      .orderBy('source')) as Array<{
      source: string;
      count: number | string;
      last_created: number | string;
      last_written: number | string;
    }>;
    return rows.map(r => ({
      source: r.source,
      incidents: Number(r.count),
      lastIncidentAt: Number(r.last_created),
      lastWrittenAt: Number(r.last_written),
    }));
  }

  /**
   * listForEntities' rows as one stream, in pages: the incidents of `entityRefs` that can
   * matter for [from, to), in the order (entity_ref, created_at, source, incident_id), each
   * entity's rows in listForEntity's order and the entities in the order the database sorts
   * their refs (that of EntityStore.listEntities, which sorts the same column type); an
   * entity's rows may continue on the next page. Memory holds one page of `pageSize` rows
   * (default 500) and the next, read while the caller works through the current one.
   *
   * Pages are read by keyset pagination, not by a cursor: each page is its own query,
   * starting after the last row of the one before, so no connection is held between pages
   * (SQLite's only connection would otherwise block every write for the whole stream) and
   * no new dependency is needed (pg-query-stream). Rows written meanwhile may or may not be
   * seen, as with any sequence of queries; none is seen twice.
   */
  async *streamForEntities(
    entityRefs: string[],
    from: number,
    to: number,
    options?: { pageSize?: number },
  ): AsyncGenerator<StoredIncident[]> {
    // 500 rows a page (issue 14, a full recompute of 1,000,000 incidents in a process of its
    // own): pages of 5,000 rows outlived young-generation collections, were promoted and let
    // the old generation grow (peak RSS 372 MB on SQLite, 327 MB on PostgreSQL, against 225
    // and 200 MB at 500), and took longer; at 250 rows PostgreSQL's per-query cost shows.
    const pageSize = Math.max(1, options?.pageSize ?? 500);
    const wanted = new Set(entityRefs);
    if (wanted.size === 0) return;
    // Up to one IN list, the refs are a condition of the query. Beyond it, every row of the
    // window is read and the others dropped here: chunks of refs would each be sorted on
    // their own, and the order of the whole is the point of this method.
    const inSql = wanted.size <= REFS_PER_QUERY;
    const page = (after: RawIncidentRow | undefined) => {
      let query = this.db<RawIncidentRow>(TABLE).where(q =>
        relevantTo(q, from, to),
      );
      if (inSql) query = query.whereIn('entity_ref', [...wanted]);
      if (after) {
        // The pair (entity_ref, created_at) matches the index, so each page seeks to its
        // start; the quadruple then skips the rows of that instant already read. Values go
        // back as the driver returned them (PostgreSQL bigints as strings), so each is
        // compared with its own column's type.
        query = query
          .whereRaw('(??, ??) >= (?, ?)', [
            'entity_ref',
            'created_at',
            after.entity_ref,
            after.created_at,
          ])
          .whereRaw('(??, ??, ??, ??) > (?, ?, ?, ?)', [
            'entity_ref',
            'created_at',
            'source',
            'incident_id',
            after.entity_ref,
            after.created_at,
            after.source,
            after.incident_id,
          ]);
      }
      // A promise now, so that the next page is read while the caller evaluates this one.
      return Promise.resolve(
        query
          .orderBy([{ column: 'entity_ref' }, ...INCIDENT_ORDER])
          .limit(pageSize),
      ) as Promise<RawIncidentRow[]>;
    };
    let next: Promise<RawIncidentRow[]> | undefined = page(undefined);
    while (next) {
      const rows: RawIncidentRow[] = await next;
      next = rows.length === pageSize ? page(rows[rows.length - 1]) : undefined;
      // A rejected read ahead surfaces when it is awaited, or not at all when the caller
      // stops early; either way Node must not call it unhandled meanwhile.
      next?.catch(() => {});
      // A page at a time, not a row: an async step per row cost a second per million rows.
      const incidents = inSql
        ? rows.map(fromRow)
        : rows.filter(r => wanted.has(r.entity_ref)).map(fromRow);
      if (incidents.length > 0) yield incidents;
    }
  }
}
