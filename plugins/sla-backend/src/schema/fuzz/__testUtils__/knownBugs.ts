import type { HostileRequest } from './arbitraries';

/**
 * Bugs the fuzz has found and that are not fixed yet (issue 13, part 3: "NUL and other
 * control characters are refused in every text field", length caps). A finding whose request
 * matches one is counted apart instead of failing the run, and each bug has a fixed
 * regression case in fuzz.test.ts marked `it.failing`: when a bug is fixed, its case starts
 * passing, jest reports it, and the entry is deleted here.
 */
export interface KnownBug {
  name: string;
  matches(r: HostileRequest): boolean;
  /** The smallest request showing it (`{planId}` is replaced by the seeded plan's id). */
  example: Omit<HostileRequest, 'changes' | 'operation'>;
}

/**
 * None open. Fixed, with their regression cases in fuzz.test.ts (`FIXED_BUGS`): control
 * characters, over-cap text and NUL (a 500 on PostgreSQL) in plan bodies and in GET /plans
 * filters, refused centrally by schema/requestChecks.ts and openapi.yaml's caps.
 */
export const KNOWN_BUGS: KnownBug[] = [];

/**
 * The bugs the fuzz found and that are fixed, each with its smallest request: regression
 * cases that must answer a 4xx and change no row.
 */
export const FIXED_BUGS: Array<Pick<KnownBug, 'name' | 'example'>> = [
  {
    name: 'plan bodies: control characters and over-cap text were stored (NUL a 500 on PostgreSQL)',
    example: {
      method: 'patch',
      url: '/plans/{planId}',
      contentType: 'application/json',
      body: JSON.stringify({ description: '\u0000', title: 'tab\u007fdel' }),
    },
  },
  {
    name: 'plan bodies: a backspace in a description was stored',
    example: {
      method: 'post',
      url: '/plans',
      contentType: 'application/json',
      body: JSON.stringify({
        entityRef: 'component:default/cad-core',
        title: 'x',
        description: 'x\b',
        origin: { type: 'other' },
        owner: 'group:default/ops',
        targetDate: '2099-01-01',
      }),
    },
  },
  {
    name: 'GET /plans: a NUL in a filter was a 500 on PostgreSQL',
    example: { method: 'get', url: '/plans?entity=a%00b' },
  },
  {
    name: 'GET /plans: a NUL in the owner filter was a 500 on PostgreSQL',
    example: { method: 'get', url: '/plans?owner=%00' },
  },
  {
    name: 'a NUL in a path parameter was a 500 on PostgreSQL',
    example: { method: 'get', url: '/entities/component/default/%00/history' },
  },
  {
    name: 'a NUL in a plan id was a 500 on PostgreSQL',
    example: { method: 'delete', url: '/plans/a%00b' },
  },
  {
    name: 'a NUL in a recompute entityRef was a 500 on PostgreSQL',
    example: {
      method: 'post',
      url: '/snapshots/recompute',
      contentType: 'application/json',
      body: JSON.stringify({ period: '2026-09', entityRef: '\u0000' }),
    },
  },
  {
    name: 'a range to year 9999 stalled the backend',
    example: { method: 'get', url: '/overview?from=2026-01-01&to=9999-12-31' },
  },
];

export function knownBugOf(r: HostileRequest): KnownBug | undefined {
  return KNOWN_BUGS.find(b => b.matches(r));
}
