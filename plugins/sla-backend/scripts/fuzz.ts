/* eslint-disable no-console */
/**
 * The long run of the schema-driven fuzz suite (src/schema/fuzz.test.ts runs a fixed short
 * one): hostile requests for every operation of openapi.yaml against the whole plugin, on
 * SQLite and, when BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING is set, on
 * PostgreSQL. Prints, per database, the requests sent, the operations covered, the 5xx
 * answers and the requests that changed stored rows, then every finding; exits 1 when a
 * finding is not one of the known bugs (src/schema/fuzz/__testUtils__/knownBugs.ts).
 *
 *   cd plugins/sla-backend
 *   FUZZ_RUNS=2000 [FUZZ_SEED=1] node -r @backstage/cli/config/nodeTransform.cjs scripts/fuzz.ts
 *
 * FUZZ_RUNS is the number of requests per database, spread evenly over the operations.
 */
import fs from 'fs';
import knexFactory, { Knex } from 'knex';
import os from 'os';
import path from 'path';
import {
  rowCounts,
  seed,
  startFuzzBackend,
} from '../src/schema/fuzz/__testUtils__/backend';
import { loadOperations } from '../src/schema/fuzz/__testUtils__/document';
import {
  hostileRequests,
  newFindings,
  runFuzz,
} from '../src/schema/fuzz/__testUtils__/run';

const RUNS = Number(process.env.FUZZ_RUNS ?? '2000');
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000);
const PG = process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING;

async function openDatabase(
  kind: 'sqlite' | 'pg',
): Promise<{ knex: Knex; drop: () => Promise<void> }> {
  if (kind === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sla-fuzz-'));
    const knex = knexFactory({
      client: 'better-sqlite3',
      connection: { filename: path.join(dir, 'sla.sqlite') },
      useNullAsDefault: true,
    });
    return {
      knex,
      drop: async () => {
        await knex.destroy();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const database = `sla_fuzz_${process.pid}`;
  const admin = knexFactory({ client: 'pg', connection: `${PG}/postgres` });
  await admin.raw(`DROP DATABASE IF EXISTS ${database}`);
  await admin.raw(`CREATE DATABASE ${database}`);
  const knex = knexFactory({ client: 'pg', connection: `${PG}/${database}` });
  return {
    knex,
    drop: async () => {
      await knex.destroy();
      await admin.raw(`DROP DATABASE IF EXISTS ${database}`);
      await admin.destroy();
    },
  };
}

async function main() {
  const operations = loadOperations();
  const perOperation = Math.max(1, Math.ceil(RUNS / operations.length));
  let failed = false;
  console.log(
    `fuzz: seed ${SEED}, ${perOperation} requests for each of ${operations.length} operations`,
  );
  for (const kind of PG ? (['sqlite', 'pg'] as const) : (['sqlite'] as const)) {
    const { knex, drop } = await openDatabase(kind);
    try {
      const server = await startFuzzBackend(knex, 'allow');
      const seeds = await seed(server);
      const seeded = await rowCounts(knex);
      const started = Date.now();
      const result = await runFuzz({
        server,
        knex,
        operations,
        requests: hostileRequests(operations, seeds, perOperation, SEED),
      });
      const { counts } = result;
      const fresh = [
        ...newFindings(result, '5xx'),
        ...newFindings(result, 'rows changed'),
      ];
      failed ||= fresh.length > 0;
      console.log(`\n${kind}: seeded ${JSON.stringify(seeded)}`);
      console.log(
        [
          `requests sent:      ${counts.requests}`,
          `operations covered: ${counts.covered} of ${counts.operations}`,
          `5xx:                ${counts.serverErrors} (${
            newFindings(result, '5xx').length
          } not a known bug)`,
          `rows changed:       ${counts.rowsChanged} (${
            newFindings(result, 'rows changed').length
          } not a known bug)`,
          `refused (4xx):      ${counts.refused}`,
          `accepted (2xx):     ${counts.accepted}`,
          `seconds:            ${((Date.now() - started) / 1000).toFixed(1)}`,
        ].join('\n'),
      );
      console.log(
        `accepted by operation: ${JSON.stringify(result.acceptedBy)}`,
      );
      for (const f of result.findings) {
        console.log(
          `- ${f.kind}${f.knownBug ? ` [known: ${f.knownBug}]` : ''}: ${
            f.status
          } ${f.request}\n    ${f.body.replace(/\s+/g, ' ').slice(0, 200)}`,
        );
      }
    } finally {
      await drop();
    }
  }
  process.exit(failed ? 1 : 0);
}

main().catch(e => {
  console.error(e);
  process.exit(2);
});
