import fc from 'fast-check';
import type { Server } from 'http';
import { Knex } from 'knex';
import request from 'supertest';
import { HostileRequest, hostileRequest, Seeds, shown } from './arbitraries';
import { rowDigest, userHeader } from './backend';
import { OperationSpec } from './document';
import { knownBugOf } from './knownBugs';

/** What a fuzz run did and found. */
export interface FuzzCounts {
  /** Requests sent. */
  requests: number;
  /** Operations of the document that got at least one request, of `operations`. */
  covered: number;
  operations: number;
  /** Answers with a status of 500 or more. */
  serverErrors: number;
  /** Requests after which the row digest differed from the one before. */
  rowsChanged: number;
  /** Answers in 2xx to an invalid request (a read that did not refuse, or a write). */
  accepted: number;
  /** Answers in 4xx. */
  refused: number;
}

export interface Finding {
  kind: '5xx' | 'rows changed' | '2xx';
  request: string;
  status: number;
  body: string;
  /** The known bug (knownBugs.ts) the request matches, if any. */
  knownBug?: string;
}

export interface FuzzResult {
  counts: FuzzCounts;
  findings: Finding[];
  /** Accepted requests per operation, to show where the API is lenient. */
  acceptedBy: Record<string, number>;
}

/** The requests of a run: `runs` per operation, the same ones for the same seed. */
export function hostileRequests(
  operations: OperationSpec[],
  seeds: Seeds,
  runs: number,
  seed: number,
): HostileRequest[] {
  return operations.flatMap((op, i) =>
    fc.sample(hostileRequest(op, seeds), { numRuns: runs, seed: seed + i }),
  );
}

export function describeRequest(r: HostileRequest): string {
  const body = r.body === undefined ? '' : ` body ${shown(r.body)}`;
  const type = r.contentType ? ` [${r.contentType}]` : '';
  return `${r.method.toUpperCase()} ${shown(
    r.url,
  )}${type}${body} — ${r.changes.join('; ')}`;
}

/** Sends one request as the fuzzing user (or without credentials). */
export function send(
  server: Server,
  r: HostileRequest,
  credentials = true,
): request.Test {
  let req = request(server)[r.method](`/api/sla${r.url}`).timeout(60_000);
  if (credentials) req = req.set('Authorization', userHeader());
  if (r.contentType) req = req.set('Content-Type', r.contentType);
  return r.body === undefined ? req : req.send(r.body);
}

/**
 * Sends every request in turn and checks each answer: never a 5xx, and the row digest after
 * it equal to the one before it (so a change is pinned on one request). Every request is
 * invalid in at least one place (see arbitraries.ts), so a 2xx is counted as "accepted":
 * a write that was accepted shows up as a row change too.
 */
export async function runFuzz(options: {
  server: Server;
  knex: Knex;
  operations: OperationSpec[];
  requests: HostileRequest[];
}): Promise<FuzzResult> {
  const { server, knex, operations, requests } = options;
  const findings: Finding[] = [];
  const covered = new Set<string>();
  const acceptedBy: Record<string, number> = {};
  const counts: FuzzCounts = {
    requests: 0,
    covered: 0,
    operations: operations.length,
    serverErrors: 0,
    rowsChanged: 0,
    accepted: 0,
    refused: 0,
  };
  let digest = await rowDigest(knex);
  for (const r of requests) {
    let status: number;
    let text: string;
    try {
      const res = await send(server, r);
      status = res.status;
      text = res.text ?? '';
    } catch (e) {
      status = 599;
      text = `no answer: ${(e as Error).message}`;
    }
    counts.requests += 1;
    covered.add(r.operation);
    const finding = (kind: Finding['kind']) =>
      findings.push({
        kind,
        request: describeRequest(r),
        status,
        body: text.slice(0, 300),
        knownBug: knownBugOf(r)?.name,
      });
    if (status >= 500) {
      counts.serverErrors += 1;
      finding('5xx');
    } else if (status >= 400) {
      counts.refused += 1;
    } else {
      counts.accepted += 1;
      acceptedBy[r.operation] = (acceptedBy[r.operation] ?? 0) + 1;
      if (r.method !== 'get') finding('2xx');
    }
    const after = await rowDigest(knex);
    if (after !== digest) {
      counts.rowsChanged += 1;
      finding('rows changed');
      digest = after;
    }
  }
  counts.covered = operations.filter(op => covered.has(op.key)).length;
  return { counts, findings, acceptedBy };
}

/** Findings no known bug explains: what must stay empty. */
export function newFindings(result: FuzzResult, kind: Finding['kind']) {
  return result.findings.filter(f => f.kind === kind && !f.knownBug);
}
