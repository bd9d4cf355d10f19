import { DatabaseService } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import { applyDatabaseMigrations } from './migrations';

/** What every Database*Store.create accepts. */
export interface DatabaseStoreOptions {
  /** The plugin's database service, or a Knex client (tests). */
  database: DatabaseService | Knex;
  /** Do not run migrations (they ran elsewhere). */
  skipMigrations?: boolean;
}

/** Knex's migration lock fails concurrent runs, so stores created together share one run. */
const migrationRuns = new WeakMap<Knex, Promise<void>>();

function isDatabaseService(
  database: DatabaseService | Knex,
): database is DatabaseService {
  return typeof (database as DatabaseService).getClient === 'function';
}

/** Resolves the Knex client of a store and brings the schema up to date unless told not to. */
export async function connectStore(
  options: DatabaseStoreOptions,
): Promise<Knex> {
  const { database } = options;
  let client: Knex;
  let skip = options.skipMigrations ?? false;
  if (isDatabaseService(database)) {
    client = await database.getClient();
    skip = skip || Boolean(database.migrations?.skip);
  } else {
    client = database;
  }
  if (!skip) {
    let run = migrationRuns.get(client);
    if (!run) {
      run = applyDatabaseMigrations(client);
      migrationRuns.set(client, run);
      // A failed run must not be cached: the next store retries it.
      run.catch(() => migrationRuns.delete(client));
    }
    await run;
  }
  return client;
}

/**
 * Rows per statement so that rows × columns stays under 999 bound variables, the limit of
 * SQLite builds compiled with the old default.
 */
export function rowsPerStatement(columns: number): number {
  return Math.max(1, Math.floor(999 / columns));
}

/** Splits a list into consecutive chunks of at most `size` items. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) {
    chunks.push(items.slice(i, i + size));
  }
  return chunks;
}

/** PostgreSQL returns bigint columns as strings, SQLite as numbers. */
export function toNumber(value: number | string): number {
  return Number(value);
}

/** Same for nullable bigint columns; null becomes undefined. */
export function toOptionalNumber(
  value: number | string | null | undefined,
): number | undefined {
  return value === null || value === undefined ? undefined : Number(value);
}

/**
 * Sets each of `fields` that has a value on `target`, in the order given, and leaves the
 * others absent: rows hold null where an optional field has no value, objects leave it out.
 */
export function withOptionalFields<T extends object>(
  target: T,
  fields: { [K in keyof T]?: T[K] | null },
): T {
  for (const [key, value] of Object.entries(fields)) {
    if (value !== null && value !== undefined) {
      (target as Record<string, unknown>)[key] = value;
    }
  }
  return target;
}

/**
 * Reads with FOR UPDATE on PostgreSQL, which serialises concurrent read-modify-write
 * transactions on the rows read; SQLite has one writer, and no FOR UPDATE.
 */
export function forUpdateOnPostgres<TRecord extends {}, TResult>(
  tx: Knex.Transaction,
  query: Knex.QueryBuilder<TRecord, TResult>,
): Knex.QueryBuilder<TRecord, TResult> {
  return tx.client.config.client === 'pg' ? query.forUpdate() : query;
}
