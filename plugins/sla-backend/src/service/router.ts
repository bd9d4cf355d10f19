import {
  AuditorService,
  HttpAuthService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  describeProblems,
  openSloName,
  readIncidentBatch,
  slaIncidentImportPermission,
  slaIncidentIngestPermission,
  slaReadPermission,
  slaSnapshotRecomputePermission,
  toOpenSlo,
} from '@servicelevel/plugin-sla-common';
import express, { Request } from 'express';
import Router from 'express-promise-router';
import {
  EntityStore,
  IncidentStore,
  SyncStateStore,
  TermsStore,
} from '../database/types';
import { DependencyChain } from './DependencyChain';
import type { IncidentsWritten } from './liveUpdates';
import type { SlaMetrics } from './metrics';
import { audited } from './audited';
import { createAuthorize, principalName } from './authorize';
import { ComplianceService, PeriodQuery } from './ComplianceService';
import { CrossCheck } from './CrossCheck';
import { importIncidentCsv } from './csvImport';
import type { CalendarWarning } from '../calendars';
import type { TermsPreview } from './TermsPreview';
import { CatalogPageQuery, MaintainedCatalog } from './catalogListing';
import { GROUP_BY, overviewBody, OverviewPageQuery } from './overview';
import { openGapOf } from './coverage';
import { DEFAULT_MAX_GAP_MS } from '../providers/ProviderSync';

export interface RouterOptions {
  logger: LoggerService;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  auditor: AuditorService;
  incidents: IncidentStore;
  entities: EntityStore;
  syncStates: SyncStateStore;
  compliance: ComplianceService;
  /**
   * The terms store the compliance service reads: GET /catalog is rebuilt when this
   * process's writes through it change; without it, terms changes show within the check.
   */
  terms?: TermsStore;
  /** "What if" of proposed annotations on past periods (POST …/preview). */
  preview: TermsPreview;
  /** The chain behind a service (GET …/chain); built from the stores when not given. */
  chain?: DependencyChain;
  /** Called with the entity refs of every ingest, for live cards (signals). */
  incidentsWritten?: IncidentsWritten;
  /** Counts what is ingested (`backstage.plugin.sla.incidents.ingested`). */
  metrics?: SlaMetrics;
  /** Named calendars' warnings (a year a holiday source does not cover), shown with the catalog. */
  calendars?: { getWarnings(): CalendarWarning[] };
  /** `sla.coverage.maxGap`: GET /sources names each account's open gap (SPEC §9). */
  maxGapMs?: number;
  /** The clock; tests pin it. */
  now?: () => number;
}

/** A body encoded once: its JSON, its strong ETag and, for large ones, compressed copies. */
interface SentBody {
  etag: string;
  json: string | Buffer;
  gzip?: Buffer;
  br?: Buffer;
}

/**
 * A body encoded once (JSON and ETag): 304 without a body when the client's If-None-Match
 * names it (express's `req.fresh`); else a stored compressed copy the request accepts, the
 * smaller first whatever order the client lists them in (browsers name gzip first); else the
 * JSON as it is. The root HTTP router of @backstage/backend-defaults puts the `compression`
 * middleware (1.8) in front of every plugin: it would compress a large JSON again on every
 * request (the 35 MB catalog or the 33 MB overview of 20,000 services), but it leaves a
 * response that already names its Content-Encoding as it is, so the stored copies are never
 * compressed twice; it still compresses the JSON for a client that accepts neither.
 */
export function sendEncoded(
  req: Request,
  res: express.Response,
  body: SentBody,
): void {
  res.set('ETag', body.etag);
  if (body.gzip || body.br) res.vary('Accept-Encoding');
  if (req.fresh) {
    res.status(304).end();
    return;
  }
  const encoding = (['br', 'gzip'] as const).find(
    e => body[e] && req.acceptsEncodings(e) === e,
  );
  res.type('application/json');
  if (encoding) {
    res.set('Content-Encoding', encoding);
    res.send(body[encoding]);
    return;
  }
  res.send(body.json);
}

/** The most services one page of GET /overview lists (openapi.yaml says the same). */
const MAX_OVERVIEW_PAGE = 1000;

/** How far back GET /sources lists past gaps, and how many per account. */
const GAP_HISTORY_MS = 90 * 86_400_000;
const GAP_HISTORY_MAX = 20;

/** The HTTP API (docs/api.md). Every route is described in openapi.yaml (checked by a test). */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { auditor, incidents, entities, compliance, syncStates } = options;
  const now = options.now ?? (() => Date.now());
  const authorize = createAuthorize(options);
  const chain =
    options.chain ?? new DependencyChain({ compliance, entities, incidents });
  const crossCheck = new CrossCheck({ compliance, incidents });
  const catalog = new MaintainedCatalog({
    entities,
    terms: options.terms,
    compliance,
    chain,
    calendars: options.calendars,
  });
  // Mounted in createValidatedRouter (plugin.ts): requests arrive parsed and validated.
  const router = Router();

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  /** An ingest route: needs its permission, audited, answers what was written. */
  const ingest = (
    path: string,
    eventId: string,
    permission:
      | typeof slaIncidentIngestPermission
      | typeof slaIncidentImportPermission,
    write: (
      req: Request,
    ) => Promise<{ entityRefs: string[]; inserted: number; updated: number }>,
  ) =>
    router.post(path, async (req, res) => {
      await authorize(req, permission);
      const body = await audited(
        auditor,
        req,
        { eventId, severityLevel: 'medium', successMeta: written => written },
        async () => {
          const { entityRefs, ...written } = await write(req);
          // Flagged, never dropped: refs neither the stores nor the catalog list.
          const unknownEntities = await compliance.unknownEntityRefs(
            entityRefs,
          );
          await options.incidentsWritten?.(entityRefs);
          options.metrics?.ingested(
            written.inserted + written.updated,
            eventId === 'incident-import' ? 'csv' : 'api',
          );
          return { ...written, unknownEntities };
        },
      );
      res.json(body);
    });

  ingest(
    '/incidents',
    'incident-ingest',
    slaIncidentIngestPermission,
    async req => {
      const { incidents: batch, problems } = readIncidentBatch(req.body);
      if (problems.length > 0) {
        throw new InputError(
          `${
            problems.length
          } problem(s) in the batch; nothing was stored\n${describeProblems(
            problems,
          )}`,
        );
      }
      const written = await incidents.upsertIncidents(batch, { now: now() });
      return { ...written, entityRefs: batch.map(i => i.entityRef) };
    },
  );

  ingest(
    '/incidents/import',
    'incident-import',
    slaIncidentImportPermission,
    async req => {
      const written = await importIncidentCsv(req, incidents, now());
      return {
        inserted: written.inserted,
        updated: written.updated,
        rows: written.rows,
        entityRefs: written.entityRefs,
      };
    },
  );

  router.get(
    '/entities/:kind/:namespace/:name/compliance',
    async (req, res) => {
      await authorize(req, slaReadPermission);
      sendEncoded(
        req,
        res,
        await compliance.entityComplianceBody(
          entityRefOf(req),
          periodQueryOf(req),
          now(),
        ),
      );
    },
  );

  router.get('/entities/:kind/:namespace/:name/history', async (req, res) => {
    await authorize(req, slaReadPermission);
    const periods = intParam(req, 'periods', 12, 1, 60);
    res.json({
      entityRef: entityRefOf(req),
      periods: await compliance.entityHistory(entityRefOf(req), periods, now()),
    });
  });

  router.post('/entities/:kind/:namespace/:name/preview', async (req, res) => {
    await authorize(req, slaReadPermission);
    // The document has checked the body's shape and the period bounds.
    const body = req.body as {
      annotations: Record<string, string>;
      periods?: number;
    };
    res.json(
      await options.preview.preview(
        entityRefOf(req),
        body.annotations,
        body.periods ?? 12,
        now(),
      ),
    );
  });

  router.get('/entities/:kind/:namespace/:name/terms', async (req, res) => {
    await authorize(req, slaReadPermission);
    const { entity, versions } = await compliance.loadEntity(entityRefOf(req));
    res.json({
      entityRef: entity.entityRef,
      annotations: entity.annotations,
      versions,
    });
  });

  router.get('/entities/:kind/:namespace/:name/chain', async (req, res) => {
    await authorize(req, slaReadPermission);
    res.json(await chain.chain(entityRefOf(req), periodQueryOf(req), now()));
  });

  router.get('/entities/:kind/:namespace/:name/openslo', async (req, res) => {
    await authorize(req, slaReadPermission);
    const { entity, latest } = await compliance.loadEntity(entityRefOf(req));
    // attachment() sets a type from the file name; the document's type is set after it.
    res
      .attachment(`${openSloName(entity.entityRef)}.openslo.yaml`)
      .type('application/yaml')
      .send(toOpenSlo(entity.entityRef, latest.terms));
  });

  router.get('/overview', async (req, res) => {
    await authorize(req, slaReadPermission);
    const groupBy = stringParam(req, 'groupBy') ?? 'owner';
    if (!GROUP_BY.includes(groupBy as (typeof GROUP_BY)[number])) {
      throw new InputError(
        `groupBy: "${groupBy}" — expected one of ${GROUP_BY.join(', ')}`,
      );
    }
    // Every service in its own period kind; without a period, over the current month.
    // Served pre-serialized: the body is built and hashed once per overview state, a page
    // of its services once per state and page.
    sendEncoded(
      req,
      res,
      await overviewBody(
        compliance,
        periodQueryOf(req),
        groupBy as (typeof GROUP_BY)[number],
        now(),
        overviewPageOf(req),
      ),
    );
  });

  router.get('/overview/suppliers', async (req, res) => {
    await authorize(req, slaReadPermission);
    res.json(await chain.suppliers(periodQueryOf(req), now()));
  });

  router.get('/catalog', async (req, res) => {
    await authorize(req, slaReadPermission);
    // Maintained, not built per request: rebuilt when entities, terms, the calendars'
    // warnings or the 15-minute bucket change, never by incident writes. A page is cut
    // from the same body, once per body and page.
    const page = catalogPageOf(req);
    sendEncoded(
      req,
      res,
      page ? await catalog.page(now(), page) : await catalog.body(now()),
    );
  });

  router.get('/customers', async (req, res) => {
    await authorize(req, slaReadPermission);
    sendEncoded(req, res, await catalog.customers(now()));
  });

  router.get('/sources', async (req, res) => {
    await authorize(req, slaReadPermission);
    const at = now();
    const [states, stored, gaps] = await Promise.all([
      syncStates.list(),
      incidents.countBySource(),
      syncStates.listGaps(at - GAP_HISTORY_MS),
    ]);
    const maxGapMs = options.maxGapMs ?? DEFAULT_MAX_GAP_MS;
    const sources = states.map(state => {
      const openGap = openGapOf(state, at, maxGapMs);
      const past = gaps
        .filter(
          g => g.provider === state.provider && g.account === state.account,
        )
        .reverse()
        .slice(0, GAP_HISTORY_MAX)
        .map(({ start, end, backfilledFrom }) => ({
          start,
          end,
          backfilledFrom,
        }));
      return {
        ...state,
        ...(openGap && { openGap }),
        ...(past.length > 0 && { gaps: past }),
      };
    });
    res.json({ sources, stored });
  });

  router.get('/sources/:source/cross-check', async (req, res) => {
    await authorize(req, slaReadPermission);
    const period = stringParam(req, 'period');
    if (period === undefined) {
      throw new InputError('period: required, e.g. 2026-03, 2026-Q1 or 2026');
    }
    res.json(await crossCheck.forSource(req.params.source, period, now()));
  });

  // Incidents whose entity the catalog does not list: kept, and listed here to be fixed.
  router.get('/incidents/unknown-entities', async (req, res) => {
    await authorize(req, slaReadPermission);
    const known = new Set(
      (await entities.listEntities()).map(e => e.entityRef),
    );
    const counts = await incidents.countByEntity();
    res.json({ items: counts.filter(c => !known.has(c.entityRef)) });
  });

  router.post('/snapshots/recompute', async (req, res) => {
    const credentials = await authorize(req, slaSnapshotRecomputePermission);
    const body = req.body as { period?: unknown; entityRef?: unknown };
    if (typeof body?.period !== 'string' || body.period.trim() === '') {
      throw new InputError('period: required, e.g. 2026-03, 2026-Q1 or 2026');
    }
    if (body.entityRef !== undefined && typeof body.entityRef !== 'string') {
      throw new InputError('entityRef: expected an entity ref string');
    }
    const who = principalName(credentials);
    const { period, entityRef } = body; // narrowed above
    const recomputed = await audited(
      auditor,
      req,
      {
        eventId: 'snapshot-recompute',
        severityLevel: 'high',
        meta: { period, entityRef: entityRef ?? null, by: who },
        successMeta: written => ({ count: written.length }),
      },
      async () => {
        const refs = entityRef
          ? [entityRef.toLowerCase()]
          : await compliance.listEntityRefs();
        const query: PeriodQuery = { kind: 'key', key: period.trim() };
        const written = [];
        for (const ref of refs) {
          const r = await compliance.recompute(ref, query, now(), who);
          written.push({
            entityRef: r.entityRef,
            period: r.period.key,
            met: r.result.met,
            committed: r.result.committed,
          });
        }
        return written;
      },
    );
    res.json({ recomputed });
  });

  return router;
}

/**
 * The entity ref of the request's path, lower case by Unicode's default mapping (the same
 * as en-US's, as readEntityRef explains): `toLocaleLowerCase('en-US')` here took 439 ms of
 * the backend's 10 s under 1,100 compliance reads a second (issue 14, ninth pass).
 */
function entityRefOf(req: Request): string {
  const { kind, namespace, name } = req.params;
  return stringifyEntityRef({ kind, namespace, name }).toLowerCase();
}

function stringParam(req: Request, name: string): string | undefined {
  const v: unknown = req.query[name];
  if (v === undefined) return undefined;
  // The validator has already coerced the numbers the document declares.
  if (typeof v === 'number') return String(v);
  if (typeof v !== 'string')
    throw new InputError(`${name}: expected a single value`);
  return v;
}

function intParam(
  req: Request,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const v = stringParam(req, name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new InputError(
      `${name}: "${v}" — expected a whole number from ${min} to ${max}`,
    );
  }
  return n;
}

/** GET /overview's page (`group`, `q`, `limit`, `offset`); undefined when none is named. */
function overviewPageOf(req: Request): OverviewPageQuery | undefined {
  const group = stringParam(req, 'group');
  const q = stringParam(req, 'q');
  const limit = stringParam(req, 'limit');
  const offset = stringParam(req, 'offset');
  if ([group, q, limit, offset].every(v => v === undefined)) return undefined;
  return {
    group,
    q,
    limit:
      limit === undefined
        ? undefined
        : intParam(req, 'limit', 0, 1, MAX_OVERVIEW_PAGE),
    offset: intParam(req, 'offset', 0, 0, Number.MAX_SAFE_INTEGER),
  };
}

/** GET /catalog's page (openapi.yaml), or undefined for the whole catalog. */
function catalogPageOf(req: Request): CatalogPageQuery | undefined {
  const groupBy = stringParam(req, 'groupBy');
  const review = stringParam(req, 'review');
  const page = overviewPageOf(req);
  if (groupBy === undefined && review === undefined && !page) return undefined;
  if (
    groupBy !== undefined &&
    !GROUP_BY.includes(groupBy as (typeof GROUP_BY)[number])
  ) {
    throw new InputError(
      `groupBy: "${groupBy}" — expected one of ${GROUP_BY.join(', ')}`,
    );
  }
  if (review !== undefined && review !== 'due') {
    throw new InputError(`review: "${review}" — expected due`);
  }
  return {
    offset: 0,
    ...page,
    groupBy: groupBy as CatalogPageQuery['groupBy'],
    review,
  };
}

function periodQueryOf(req: Request): PeriodQuery {
  const period = stringParam(req, 'period');
  const from = stringParam(req, 'from');
  const to = stringParam(req, 'to');
  if (period !== undefined && (from !== undefined || to !== undefined)) {
    throw new InputError('period: give either period or from/to, not both');
  }
  if ((from === undefined) !== (to === undefined)) {
    throw new InputError(
      `${from === undefined ? 'from' : 'to'}: required together with ${
        from === undefined ? 'to' : 'from'
      }`,
    );
  }
  if (from !== undefined && to !== undefined)
    return { kind: 'range', from, to };
  if (period !== undefined) return { kind: 'key', key: period };
  return { kind: 'current' };
}
