import { Knex } from 'knex';
import { connectStore, DatabaseStoreOptions, toNumber } from './client';
import type { Confirmation, ConfirmationStore } from './types';

const TABLE = 'sla_confirmations';

/** A row of sla_confirmations as the drivers return it. */
export type RawConfirmationRow = {
  id: number | string;
  entity_ref: string;
  terms_version: number | string;
  confirmed_by: string;
  role: string;
  confirmed_at: number | string;
  comment: string | null;
};

function fromRow(row: RawConfirmationRow): Confirmation {
  const c: Confirmation = {
    id: toNumber(row.id),
    entityRef: row.entity_ref,
    termsVersion: toNumber(row.terms_version),
    by: row.confirmed_by,
    role: row.role as Confirmation['role'],
    at: toNumber(row.confirmed_at),
  };
  if (row.comment !== null) c.comment = row.comment;
  return c;
}

/** Confirmations are only ever added: the list is the agreement's sign-off history. */
export class DatabaseConfirmationStore implements ConfirmationStore {
  static async create(
    options: DatabaseStoreOptions,
  ): Promise<DatabaseConfirmationStore> {
    return new DatabaseConfirmationStore(await connectStore(options));
  }

  private constructor(private readonly db: Knex) {}

  async add(c: Omit<Confirmation, 'id'>): Promise<Confirmation> {
    const [row] = await this.db<RawConfirmationRow>(TABLE)
      .insert({
        entity_ref: c.entityRef,
        terms_version: c.termsVersion,
        confirmed_by: c.by,
        role: c.role,
        confirmed_at: c.at,
        comment: c.comment ?? null,
      })
      .returning('id');
    const id =
      typeof row === 'object' ? (row as { id: number | string }).id : row;
    return { ...c, id: toNumber(id) };
  }

  async list(entityRef: string): Promise<Confirmation[]> {
    const rows = await this.db<RawConfirmationRow>(TABLE)
      .where({ entity_ref: entityRef })
      .orderBy([
        { column: 'confirmed_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ]);
    return rows.map(fromRow);
  }
}
