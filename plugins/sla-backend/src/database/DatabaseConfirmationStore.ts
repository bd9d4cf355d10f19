import {
  connectStore,
  DatabaseStoreOptions,
  toNumber,
  withOptionalFields,
} from './client';
import { DatabaseStore } from './DatabaseStore';
import type { Confirmation, ConfirmationStore } from './types';

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

const TABLE = 'sla_confirmations';

function fromRow(row: RawConfirmationRow): Confirmation {
  return withOptionalFields<Confirmation>(
    {
      id: toNumber(row.id),
      entityRef: row.entity_ref,
      termsVersion: toNumber(row.terms_version),
      by: row.confirmed_by,
      role: row.role as Confirmation['role'],
      at: toNumber(row.confirmed_at),
    },
    { comment: row.comment },
  );
}

/** Confirmations are only ever added: the list is the agreement's sign-off history. */
export class DatabaseConfirmationStore
  extends DatabaseStore
  implements ConfirmationStore
{
  static async create(options: DatabaseStoreOptions) {
    return new DatabaseConfirmationStore(await connectStore(options));
  }

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
