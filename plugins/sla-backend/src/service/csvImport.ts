import { InputError } from '@backstage/errors';
import {
  describeProblems,
  Incident,
  IncidentProblem,
  readIncident,
} from '@servicelevel/plugin-sla-common';
import { parse } from 'csv-parse';
import fs from 'fs';
import os from 'os';
import path from 'path';
import readline from 'readline';
import { Readable } from 'stream';
import { once } from 'events';
import { IncidentStore } from '../database/types';

/** The CSV columns; the first line of the file must name them (in any order). */
export const CSV_COLUMNS = [
  'source',
  'id',
  'entityRef',
  'title',
  'priority',
  'createdAt',
  'acknowledgedAt',
  'resolvedAt',
  'pauses',
  'outageStart',
  'outageEnd',
  'outagePlanned',
  'outageImpact',
  'url',
  'region',
] as const;

/** The columns every row must fill: the first six, `source` to `createdAt`. */
const REQUIRED: readonly string[] = CSV_COLUMNS.slice(0, 6);
const CHUNK = 1000;
const MAX_PROBLEMS = 200;

/** `pauses` in CSV: `start/end;start/end` with ISO date-times, the last end may be empty. */
function pausesOf(cell: string | undefined): unknown {
  if (!cell || cell.trim() === '') return [];
  return cell.split(';').map(part => {
    const [start, end] = part.split('/').map(s => s.trim());
    return end ? { start, end } : { start };
  });
}

/** `true`/`false` become booleans; anything else is passed on for validation to reject. */
function booleanCell(cell: string | undefined): unknown {
  const v = cell?.toLowerCase();
  if (v === 'true') return true;
  if (v === 'false') return false;
  return cell;
}

function rowToRaw(row: Record<string, string>): Record<string, unknown> {
  const blank = (v: string | undefined) =>
    v === undefined || v.trim() === '' ? undefined : v.trim();
  const raw: Record<string, unknown> = {
    source: row.source,
    id: row.id,
    entityRef: row.entityRef,
    title: row.title,
    priority: row.priority,
    createdAt: blank(row.createdAt),
    acknowledgedAt: blank(row.acknowledgedAt),
    resolvedAt: blank(row.resolvedAt),
    pauses: pausesOf(row.pauses),
    url: blank(row.url),
    region: blank(row.region),
  };
  if (blank(row.outageStart)) {
    raw.outage = {
      start: blank(row.outageStart),
      end: blank(row.outageEnd),
      planned: booleanCell(blank(row.outagePlanned)),
      impact: blank(row.outageImpact),
    };
  }
  return raw;
}

/** Destroys `spool` and waits until its file is closed. */
async function closed(spool: fs.WriteStream): Promise<void> {
  if (spool.closed) return;
  const done = new Promise(resolve => spool.once('close', resolve));
  spool.destroy();
  await done;
}

/** The spooled incidents, read back in chunks. */
async function* spooledChunks(spoolPath: string): AsyncIterable<Incident[]> {
  let chunk: Incident[] = [];
  const lines = readline.createInterface({
    input: fs.createReadStream(spoolPath),
    crlfDelay: Infinity,
  });
  for await (const line of lines) {
    if (!line) continue;
    chunk.push(JSON.parse(line) as Incident);
    if (chunk.length >= CHUNK) {
      yield chunk;
      chunk = [];
    }
  }
  if (chunk.length > 0) yield chunk;
}

/**
 * Imports a CSV body as a stream. Rows are validated as they arrive and spooled to a temp
 * file, so a 100 MB upload never sits in memory; only when every row is valid are they
 * written, in chunks, through the same idempotent upsert as `POST /incidents`, in one transaction. Any bad row
 * means nothing is stored, and the error names each row number (1 = first data row).
 */
export async function importIncidentCsv(
  body: Readable,
  store: IncidentStore,
  now: number,
): Promise<{
  rows: number;
  inserted: number;
  updated: number;
  entityRefs: string[];
}> {
  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'sla-import-'));
  const spoolPath = path.join(dir, 'incidents.ndjson');
  try {
    const problems: IncidentProblem[] = [];
    const entityRefs = new Set<string>();
    const seen = new Map<string, number>();
    let rows = 0;
    // The file is opened before the first row is read and closed before the folder is
    // removed: a refused first row used to destroy the stream while its open was still
    // queued, the folder went first, and the late open threw ENOENT outside the request.
    const spool = fs.createWriteStream(spoolPath);
    await once(spool, 'open');
    // A write error (a full disk) reaches `drain` and `end` below; without a listener it
    // would also be thrown outside the request.
    spool.on('error', () => {});
    const parser = body.pipe(
      parse({
        // csv-parse keeps the last of two equal column names and drops the other cell
        // silently; a header naming a column twice is refused instead.
        columns: (header: string[]) => {
          const repeated = [
            ...new Set(header.filter((c, i) => header.indexOf(c) !== i)),
          ];
          if (repeated.length) {
            throw new InputError(
              `CSV header: column(s) ${repeated.join(
                ', ',
              )} named more than once`,
            );
          }
          return header;
        },
        bom: true,
        skip_empty_lines: true,
        trim: false,
        relax_column_count: false,
      }),
    );
    let headerChecked = false;
    try {
      for await (const row of parser as AsyncIterable<Record<string, string>>) {
        if (!headerChecked) {
          headerChecked = true;
          const missing = REQUIRED.filter(c => !(c in row));
          const unknown = Object.keys(row).filter(
            c => !(CSV_COLUMNS as readonly string[]).includes(c),
          );
          if (missing.length || unknown.length) {
            throw new InputError(
              `CSV header: ${
                missing.length ? `missing column(s) ${missing.join(', ')}` : ''
              }${missing.length && unknown.length ? '; ' : ''}${
                unknown.length ? `unknown column(s) ${unknown.join(', ')}` : ''
              } — expected ${CSV_COLUMNS.join(',')}`,
            );
          }
        }
        rows++;
        const { incident, problems: rowProblems } = readIncident(
          rowToRaw(row),
          rows,
        );
        if (problems.length < MAX_PROBLEMS) problems.push(...rowProblems);
        if (!incident) continue;
        const key = `${incident.source}\u0000${incident.id}`;
        const first = seen.get(key);
        if (first !== undefined) {
          problems.push({
            index: rows,
            field: 'id',
            message: `repeats ${incident.source}/${incident.id} of row ${first}`,
          });
          continue;
        }
        seen.set(key, rows);
        entityRefs.add(incident.entityRef);
        if (
          problems.length === 0 &&
          !spool.write(`${JSON.stringify(incident)}\n`)
        ) {
          await once(spool, 'drain');
        }
      }
    } catch (e) {
      await closed(spool);
      if (e instanceof InputError) throw e;
      // The spool's own failure (a full disk) is the server's, not the CSV's.
      if ((e as NodeJS.ErrnoException).syscall) throw e;
      throw new InputError(`CSV: ${(e as Error).message}`);
    }
    await new Promise<void>((resolve, reject) =>
      spool.end((err?: Error | null) => (err ? reject(err) : resolve())),
    );
    if (rows === 0)
      throw new InputError(
        'CSV: no data rows; the first line must name the columns',
      );
    if (problems.length > 0) {
      throw new InputError(
        `${
          problems.length >= MAX_PROBLEMS ? `${MAX_PROBLEMS}+` : problems.length
        } problem(s) in the CSV; nothing was stored\n${describeProblems(
          problems,
          'row',
        )}`,
      );
    }

    // Written in ONE transaction: a failure in a late chunk (e.g. the database refusing a
    // value) leaves nothing of the earlier ones behind.
    const { inserted, updated } = await store.upsertIncidentBatches(
      spooledChunks(spoolPath),
      { now },
    );
    return { rows, inserted, updated, entityRefs: [...entityRefs] };
  } finally {
    await fs.promises.rm(dir, { recursive: true, force: true });
  }
}
