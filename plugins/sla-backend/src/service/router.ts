import {
  AuditorService,
  HttpAuthService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  slaIncidentIngestPermission,
  slaReadPermission,
  slaSnapshotRecomputePermission,
} from '@servicelevel/plugin-sla-common';
import express, { Request } from 'express';
import Router from 'express-promise-router';
import { EntityStore, IncidentStore, SyncStateStore } from '../database/types';
import { createAuthorize, principalName } from './authorize';
import { ComplianceService, PeriodQuery } from './ComplianceService';
import { importIncidentCsv } from './csvImport';
import { describeProblems, readIncidentBatch } from './incidentInput';
import { catalogListingJson, GROUP_BY, overviewJson } from './views';

export interface RouterOptions {
  logger: LoggerService;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  auditor: AuditorService;
  incidents: IncidentStore;
  entities: EntityStore;
  syncStates: SyncStateStore;
  compliance: ComplianceService;
  /** The clock; tests pin it. */
  now?: () => number;
}

/** The HTTP API of SPEC §6. Every route is described in openapi.yaml (checked by a test). */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { auditor, incidents, entities, compliance, syncStates } = options;
  const now = options.now ?? (() => Date.now());
  const authorize = createAuthorize(options);
  const router = Router();
  router.use(express.json({ limit: '20mb' }));

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.post('/incidents', async (req, res) => {
    await authorize(req, slaIncidentIngestPermission);
    const event = await auditor.createEvent({
      eventId: 'incident-ingest',
      request: req,
      severityLevel: 'medium',
    });
    try {
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
      const unknownEntities = await findUnknownEntities(
        entities,
        batch.map(i => i.entityRef),
      );
      await event.success({ meta: { ...written, unknownEntities } });
      res.json({ ...written, unknownEntities });
    } catch (error) {
      await event.fail({ error: error as Error });
      throw error;
    }
  });

  router.post('/incidents/import', async (req, res) => {
    await authorize(req, slaIncidentIngestPermission);
    const event = await auditor.createEvent({
      eventId: 'incident-import',
      request: req,
      severityLevel: 'medium',
    });
    try {
      const written = await importIncidentCsv(req, incidents, now());
      const unknownEntities = await findUnknownEntities(
        entities,
        written.entityRefs,
      );
      const body = {
        inserted: written.inserted,
        updated: written.updated,
        rows: written.rows,
        unknownEntities,
      };
      await event.success({ meta: body });
      res.json(body);
    } catch (error) {
      await event.fail({ error: error as Error });
      throw error;
    }
  });

  router.get(
    '/entities/:kind/:namespace/:name/compliance',
    async (req, res) => {
      await authorize(req, slaReadPermission);
      res.json(
        await compliance.entityCompliance(
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

  router.get('/entities/:kind/:namespace/:name/terms', async (req, res) => {
    await authorize(req, slaReadPermission);
    const { entity, versions } = await compliance.loadEntity(entityRefOf(req));
    res.json({
      entityRef: entity.entityRef,
      annotations: entity.annotations,
      versions,
    });
  });

  router.get('/overview', async (req, res) => {
    await authorize(req, slaReadPermission);
    const groupBy = stringParam(req, 'groupBy') ?? 'owner';
    if (!GROUP_BY.includes(groupBy as (typeof GROUP_BY)[number])) {
      throw new InputError(
        `groupBy: "${groupBy}" — expected one of ${GROUP_BY.join(', ')}`,
      );
    }
    const query = periodQueryOf(req);
    // Without a period, every service is compared over the current month.
    const results = await compliance.evaluateMany(
      query,
      now(),
      query.kind === 'current' ? 'month' : undefined,
    );
    // Served pre-serialized: the body for 2,000 services is built once per cached result.
    res
      .type('application/json')
      .send(
        await overviewJson(results, groupBy as (typeof GROUP_BY)[number], () =>
          entities.listEntities(),
        ),
      );
  });

  router.get('/catalog', async (req, res) => {
    await authorize(req, slaReadPermission);
    res
      .type('application/json')
      .send(await catalogListingJson(entities, compliance, now()));
  });

  router.get('/sources', async (req, res) => {
    await authorize(req, slaReadPermission);
    res.json({ sources: await syncStates.list() });
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
    const event = await auditor.createEvent({
      eventId: 'snapshot-recompute',
      request: req,
      severityLevel: 'high',
      meta: { period: body.period, entityRef: body.entityRef ?? null, by: who },
    });
    try {
      const refs = body.entityRef
        ? [body.entityRef.toLocaleLowerCase('en-US')]
        : await compliance.listEntityRefs();
      const query: PeriodQuery = { kind: 'key', key: body.period.trim() };
      const recomputed = [];
      for (const ref of refs) {
        const r = await compliance.recompute(ref, query, now(), who);
        recomputed.push({
          entityRef: r.entityRef,
          period: r.period.key,
          met: r.result.met,
          committed: r.result.committed,
        });
      }
      await event.success({ meta: { count: recomputed.length } });
      res.json({ recomputed });
    } catch (error) {
      await event.fail({ error: error as Error });
      throw error;
    }
  });

  return router;
}

function entityRefOf(req: Request): string {
  const { kind, namespace, name } = req.params;
  return stringifyEntityRef({ kind, namespace, name }).toLocaleLowerCase(
    'en-US',
  );
}

function stringParam(req: Request, name: string): string | undefined {
  const v = req.query[name];
  if (v === undefined) return undefined;
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

/** Incidents for entities the catalog does not list are stored and flagged, never dropped. */
async function findUnknownEntities(
  entities: EntityStore,
  refs: string[],
): Promise<string[]> {
  const known = new Set((await entities.listEntities()).map(e => e.entityRef));
  return [...new Set(refs)].filter(r => !known.has(r)).sort();
}
