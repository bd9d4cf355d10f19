import { Knex } from 'knex';
import {
  connectStore,
  DatabaseStoreOptions,
  forUpdateOnPostgres,
  toNumber,
} from './client';
import { DatabaseStore } from './DatabaseStore';
import type {
  Plan,
  PlanChange,
  PlanHistoryEntry,
} from '@servicelevel/plugin-sla-common';
import type { PlanStoreFilter, PlanStore } from './types';

/** A row of sla_plans as the drivers return it. */
export type RawPlanRow = {
  id: string;
  entity_ref: string;
  title: string;
  description: string;
  /** JSON of PlanOrigin. */
  origin: string;
  /** JSON of PlanTarget[]. */
  addresses: string;
  owner_ref: string;
  target_date: string;
  status: string;
  /** JSON of PlanAction[]. */
  actions: string;
  created_at: number | string;
  created_by: string;
  updated_at: number | string;
  deleted_at: number | string | null;
};

/** A row of sla_plan_history as the drivers return it. */
export type RawPlanHistoryRow = {
  plan_id: string;
  seq: number | string;
  at: number | string;
  by: string;
  kind: string;
  /** JSON of PlanChange[]. */
  changes: string;
};

const PLANS = 'sla_plans';
const HISTORY = 'sla_plan_history';

function toRow(plan: Plan): RawPlanRow {
  return {
    id: plan.id,
    entity_ref: plan.entityRef,
    title: plan.title,
    description: plan.description,
    origin: JSON.stringify(plan.origin),
    addresses: JSON.stringify(plan.addresses),
    owner_ref: plan.owner,
    target_date: plan.targetDate,
    status: plan.status,
    actions: JSON.stringify(plan.actions),
    created_at: plan.createdAt,
    created_by: plan.createdBy,
    updated_at: plan.updatedAt,
    deleted_at: null,
  };
}

function fromRow(row: RawPlanRow): Plan {
  return {
    id: row.id,
    entityRef: row.entity_ref,
    title: row.title,
    description: row.description,
    origin: JSON.parse(row.origin),
    addresses: JSON.parse(row.addresses),
    owner: row.owner_ref,
    targetDate: row.target_date,
    status: row.status as Plan['status'],
    actions: JSON.parse(row.actions),
    createdAt: toNumber(row.created_at),
    createdBy: row.created_by,
    updatedAt: toNumber(row.updated_at),
  };
}

function historyFromRow(row: RawPlanHistoryRow): PlanHistoryEntry {
  return {
    seq: toNumber(row.seq),
    at: toNumber(row.at),
    by: row.by,
    kind: row.kind as PlanHistoryEntry['kind'],
    changes: JSON.parse(row.changes) as PlanChange[],
  };
}

/** Improvement plans and their history; plans are soft-deleted so the history outlives them. */
export class DatabasePlanStore extends DatabaseStore implements PlanStore {
  static async create(options: DatabaseStoreOptions) {
    return new DatabasePlanStore(await connectStore(options));
  }

  async create(plan: Plan, by: string): Promise<Plan> {
    await this.db.transaction(async tx => {
      await tx<RawPlanRow>(PLANS).insert(toRow(plan));
      await this.appendHistory(tx, plan.id, {
        at: plan.createdAt,
        by,
        kind: 'created',
        changes: [],
      });
    });
    return plan;
  }

  async get(id: string): Promise<Plan | undefined> {
    const row = await this.db<RawPlanRow>(PLANS)
      .where({ id })
      .whereNull('deleted_at')
      .first();
    return row ? fromRow(row) : undefined;
  }

  async list(filter: PlanStoreFilter): Promise<Plan[]> {
    if (filter.status?.length === 0) return [];
    let query = this.db<RawPlanRow>(PLANS).whereNull('deleted_at');
    if (filter.entityRef !== undefined) {
      query = query.where('entity_ref', filter.entityRef);
    }
    if (filter.owner !== undefined) {
      query = query.where('owner_ref', filter.owner);
    }
    if (filter.status) {
      query = query.whereIn('status', filter.status);
    }
    const rows = await query.orderBy([
      { column: 'created_at', order: 'desc' },
      { column: 'id', order: 'asc' },
    ]);
    return rows.map(fromRow);
  }

  async update(
    id: string,
    apply: (current: Plan) => { next: Plan; changes: PlanChange[] },
    meta: { by: string; at: number },
  ): Promise<Plan | undefined> {
    return this.db.transaction(async tx => {
      const row = await forUpdateOnPostgres(
        tx,
        tx<RawPlanRow>(PLANS).where({ id }).whereNull('deleted_at'),
      ).first();
      if (!row) return undefined;
      const current = fromRow(row);
      const { next, changes } = apply(current);
      if (changes.length === 0) return current;
      const updated = { ...next, id, updatedAt: meta.at };
      const { id: _id, created_at, created_by, ...rest } = toRow(updated);
      await tx<RawPlanRow>(PLANS).where({ id }).update(rest);
      await this.appendHistory(tx, id, { ...meta, kind: 'updated', changes });
      return updated;
    });
  }

  async delete(id: string, meta: { by: string; at: number }): Promise<boolean> {
    return this.db.transaction(async tx => {
      const n = await tx<RawPlanRow>(PLANS)
        .where({ id })
        .whereNull('deleted_at')
        .update({ deleted_at: meta.at, updated_at: meta.at });
      if (n === 0) return false;
      await this.appendHistory(tx, id, {
        ...meta,
        kind: 'deleted',
        changes: [],
      });
      return true;
    });
  }

  async history(id: string): Promise<PlanHistoryEntry[]> {
    const rows = await this.db<RawPlanHistoryRow>(HISTORY)
      .where({ plan_id: id })
      .orderBy('seq');
    return rows.map(historyFromRow);
  }

  private async appendHistory(
    tx: Knex.Transaction,
    planId: string,
    entry: Omit<PlanHistoryEntry, 'seq'>,
  ): Promise<void> {
    const last = await tx<RawPlanHistoryRow>(HISTORY)
      .where({ plan_id: planId })
      .max({ seq: 'seq' })
      .first();
    const seq =
      last?.seq === null || last?.seq === undefined ? 0 : toNumber(last.seq);
    await tx<RawPlanHistoryRow>(HISTORY).insert({
      plan_id: planId,
      seq: seq + 1,
      at: entry.at,
      by: entry.by,
      kind: entry.kind,
      changes: JSON.stringify(entry.changes),
    });
  }
}
