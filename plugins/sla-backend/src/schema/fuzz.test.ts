import { TestDatabases } from '@backstage/backend-test-utils';
import fc from 'fast-check';
import type { Server } from 'http';
import { Knex } from 'knex';
import {
  hostileRequest,
  Seeds,
  validRequest,
} from './fuzz/__testUtils__/arbitraries';
import {
  rowCounts,
  rowDigest,
  seed,
  startFuzzBackend,
} from './fuzz/__testUtils__/backend';
import { loadOperations } from './fuzz/__testUtils__/document';
import { FIXED_BUGS, KNOWN_BUGS } from './fuzz/__testUtils__/knownBugs';

type FixedBug = (typeof FIXED_BUGS)[number];
import {
  FuzzResult,
  hostileRequests,
  newFindings,
  runFuzz,
  send,
} from './fuzz/__testUtils__/run';

/**
 * The permanent, schema-driven fuzz suite (issue 13, part 6): for every operation of
 * openapi.yaml, hostile requests built from the operation's parameter and body schemas and
 * from a dictionary of known-bad values (fuzz/__testUtils__/dictionary.ts), sent to the whole plugin on
 * SQLite and PostgreSQL. Every request is invalid in at least one place (fuzz/__testUtils__/arbitraries.ts
 * says why that beats excluding valid writes from the digest), so the API must answer each
 * one without a 5xx and leave every stored row as it was. A fixed number of requests with a
 * fixed seed runs here; `scripts/fuzz.ts` runs as many as FUZZ_RUNS asks for.
 */

const SEED = 20261304;
/** Requests per operation: about 500 a database, well under a minute on two cores. */
const RUNS = 20;

const operations = loadOperations();
const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

describe.each(databases.eachSupportedId())(
  'schema-driven fuzz, %p',
  databaseId => {
    let knex: Knex;
    let seeded: Record<string, number>;
    let result: FuzzResult;
    let server: Server;
    let seeds: Seeds;

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      server = await startFuzzBackend(knex, 'allow');
      seeds = await seed(server);
      seeded = await rowCounts(knex);
      result = await runFuzz({
        server,
        knex,
        operations,
        requests: hostileRequests(operations, seeds, RUNS, SEED),
      });
    }, 120_000);

    it('seeds real data for the routes to corrupt', () => {
      expect(seeded).toMatchObject({
        sla_entities: 2,
        sla_incidents: 3,
        sla_plans: 1,
        sla_confirmations: 1,
      });
      expect(seeded.sla_snapshots).toBeGreaterThan(0);
      expect(seeded.sla_reports).toBeGreaterThan(0);
    });

    it('sends hostile requests to every documented operation', () => {
      expect(result.counts).toMatchObject({
        requests: RUNS * operations.length,
        operations: operations.length,
        covered: operations.length,
      });
    });

    // Findings that a known bug explains (fuzz/__testUtils__/knownBugs.ts) are left to its regression case below.
    it('never answers a hostile request with a 5xx', () => {
      expect(newFindings(result, '5xx')).toEqual([]);
    });

    // The digest is compared after every request, so a change is pinned on the request that made it.
    it('changes no stored row', () => {
      expect(newFindings(result, 'rows changed')).toEqual([]);
    });

    it('sums up the run: requests, operations covered, 5xx, rows changed', () => {
      expect({
        requests: result.counts.requests,
        covered: result.counts.covered,
        serverErrors: newFindings(result, '5xx').length,
        rowsChanged: newFindings(result, 'rows changed').length,
      }).toEqual({
        requests: RUNS * operations.length,
        covered: operations.length,
        serverErrors: 0,
        rowsChanged: 0,
      });
    });

    /**
     * Sends a bug's smallest request; resolves its status, whether that is a 4xx, and whether
     * no row changed.
     */
    async function replay(example: FixedBug['example']) {
      const digest = await rowDigest(knex);
      const res = await send(server, {
        ...example,
        url: example.url.replace('{planId}', seeds.planIds[0]),
        operation: 'known bug',
        changes: [],
      });
      return {
        status: res.status,
        clientError: res.status >= 400 && res.status < 500,
        unchanged: (await rowDigest(knex)) === digest,
      };
    }
    /** What a fixed bug's request gets: refused with a 4xx, and nothing changed. */
    const REFUSED_UNCHANGED = { clientError: true, unchanged: true };

    // Bugs the fuzz found, now fixed: each smallest request is refused and changes nothing.
    it.each(FIXED_BUGS.map(b => [b.name, b] as const))(
      'fixed bug: %s',
      async (_name, bug) => {
        expect(await replay(bug.example)).toMatchObject(REFUSED_UNCHANGED);
      },
    );

    // Known bugs, each with its smallest request. They fail today; when one is fixed its
    // case passes, jest says so, and the bug moves to FIXED_BUGS in fuzz/__testUtils__/knownBugs.ts.
    if (KNOWN_BUGS.length > 0) {
      it.failing.each(KNOWN_BUGS.map(b => [b.name, b] as const))(
        'known bug: %s',
        async (_name, bug) => {
          expect(await replay(bug.example)).toMatchObject(REFUSED_UNCHANGED);
        },
      );
    }
  },
  120_000,
);

/** Seeds for a backend with no data: the permission is checked before anything is looked up. */
const NO_DATA: Seeds = {
  entity: { kind: 'component', namespace: 'default', name: 'cad-core' },
  customer: { kind: 'group', namespace: 'default', name: 'dispatch-center' },
  planIds: ['1'],
  termsVersion: 1,
};

const guarded = operations.filter(op => !op.isPublic);
const open = operations.filter(op => op.isPublic);

describe.each(databases.eachSupportedId())(
  'credentials and permissions on every operation, %p',
  databaseId => {
    let server: Server;

    beforeAll(async () => {
      server = await startFuzzBackend(await databases.init(databaseId), 'deny');
    }, 120_000);

    it('reads the permission of every operation from the document', () => {
      expect(guarded.filter(op => !/^sla\./.test(op.permission))).toEqual([]);
      expect(open.map(op => `${op.key} ${op.permission}`)).toEqual([
        'GET /health none',
      ]);
    });

    it.each(guarded.map(op => [op.key, op] as const))(
      '%s answers 401 without credentials, valid or hostile',
      async (_key, op) => {
        const hostile = fc.sample(hostileRequest(op, NO_DATA), {
          numRuns: 3,
          seed: SEED,
        });
        for (const r of [validRequest(op, NO_DATA), ...hostile]) {
          const res = await send(server, r, false);
          expect(res.status).toBe(401);
        }
      },
    );

    // The document is checked before the permission, so the request must be valid to get
    // as far as the permission check: a 400 here means validRequest breaks the document.
    it.each(guarded.map(op => [op.key, op] as const))(
      '%s answers 403 when its permission is denied',
      async (_key, op) => {
        const res = await send(server, validRequest(op, NO_DATA));
        expect(res.status).toBe(403);
        expect(res.body.error.name).toBe('NotAllowedError');
      },
    );

    it.each(open.map(op => [op.key, op] as const))(
      '%s is public, as documented',
      async (_key, op) => {
        const res = await send(server, validRequest(op, NO_DATA), false);
        expect(res.status).toBe(200);
      },
    );
  },
  120_000,
);
