import { Knex } from 'knex';

/**
 * The indexes of `table` with their columns in order, by name (primary key left out). A
 * partial index's columns end with `where <predicate>`, without the engine's quotes and
 * outer parentheses (both print `where recomputed_by is not null`).
 */
export async function tableIndexes(
  knex: Knex,
  table: string,
): Promise<Record<string, string[]>> {
  const indexes: Record<string, string[]> = {};
  if (knex.client.config.client === 'pg') {
    const { rows } = await knex.raw(
      `select i.relname as name, a.attname as column,
              pg_get_expr(x.indpred, x.indrelid) as predicate
         from pg_index x
         join pg_class i on i.oid = x.indexrelid
         join pg_class t on t.oid = x.indrelid
         join unnest(x.indkey) with ordinality as k(attnum, n) on true
         join pg_attribute a on a.attrelid = t.oid and a.attnum = k.attnum
        where t.relname = ? and not x.indisprimary
        order by i.relname, k.n`,
      [table],
    );
    const predicates: Record<string, string> = {};
    for (const r of rows as Array<{
      name: string;
      column: string;
      predicate: string | null;
    }>) {
      (indexes[r.name] ??= []).push(r.column);
      if (r.predicate) predicates[r.name] = plainPredicate(r.predicate);
    }
    for (const [name, predicate] of Object.entries(predicates)) {
      indexes[name].push(`where ${predicate}`);
    }
    return indexes;
  }
  const found = (await knex('sqlite_master')
    .where({ type: 'index', tbl_name: table })
    .whereNotNull('sql')
    .select('name', 'sql')) as Array<{ name: string; sql: string }>;
  for (const { name, sql } of found) {
    const columns = (await knex.raw(`pragma index_info(??)`, [name])) as Array<{
      seqno: number;
      name: string;
    }>;
    indexes[name] = columns.sort((a, b) => a.seqno - b.seqno).map(c => c.name);
    const predicate = /\swhere\s(.+)$/is.exec(sql)?.[1];
    if (predicate) indexes[name].push(`where ${plainPredicate(predicate)}`);
  }
  return indexes;
}

function plainPredicate(predicate: string): string {
  return predicate
    .replace(/[`"]/g, '')
    .trim()
    .replace(/^\((.*)\)$/s, '$1')
    .toLowerCase();
}
