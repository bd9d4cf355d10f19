import os from 'os';
import path from 'path';
import fs from 'fs';
import knexFactory, { Knex } from 'knex';
import { arg } from './args';

export type DatabaseKind = 'sqlite' | 'pg';

/** --pg: the PostgreSQL server the benches create their databases on. */
const PG = arg('pg', 'postgresql://postgres@127.0.0.1:5432');

/** --db sqlite|pg|both: the databases a bench measures, in order. */
export function databaseKinds(): DatabaseKind[] {
  const db = arg('db', 'both');
  return db === 'both' ? ['sqlite', 'pg'] : [db as DatabaseKind];
}

/** A client for an existing database: a SQLite file name or a PostgreSQL connection string. */
export function connectDatabase(kind: DatabaseKind, connection: string): Knex {
  return kind === 'pg'
    ? knexFactory({ client: 'pg', connection })
    : knexFactory({
        client: 'better-sqlite3',
        connection: { filename: connection },
        useNullAsDefault: true,
      });
}

/**
 * A fresh, empty database for one bench (`name` tells apart the benches' temporary
 * directories and PostgreSQL databases): its client, its connection (see connectDatabase),
 * and `drop` to close and delete it.
 */
export async function openDatabase(
  kind: DatabaseKind,
  name: string,
): Promise<{ knex: Knex; connection: string; drop: () => Promise<void> }> {
  let connection: string;
  let remove: () => Promise<void>;
  if (kind === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${name}-`));
    connection = path.join(dir, 'sla.sqlite');
    remove = async () => fs.rmSync(dir, { recursive: true, force: true });
  } else {
    const database = `${name.replace(/-/g, '_')}_${process.pid}`;
    const admin = knexFactory({ client: 'pg', connection: `${PG}/postgres` });
    await admin.raw(`DROP DATABASE IF EXISTS ${database}`);
    await admin.raw(`CREATE DATABASE ${database}`);
    connection = `${PG}/${database}`;
    remove = async () => {
      await admin.raw(`DROP DATABASE IF EXISTS ${database}`);
      await admin.destroy();
    };
  }
  const knex = connectDatabase(kind, connection);
  return {
    knex,
    connection,
    drop: async () => {
      await knex.destroy();
      await remove();
    },
  };
}
