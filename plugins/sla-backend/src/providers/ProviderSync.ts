import type { SlaMetrics } from '../service/metrics';
import type { LoggerService } from '@backstage/backend-plugin-api';
import { Incident, readIncident } from '@servicelevel/plugin-sla-common';
import type {
  IncidentProvider,
  LinkedEntity,
} from '@servicelevel/plugin-sla-node';
import type {
  EntityStore,
  IncidentStore,
  SyncState,
  SyncStateStore,
  TermsStore,
} from '../database/types';

/** How far before the last checkpoint each run re-reads, so late writes are not missed. */
export const DEFAULT_OVERLAP_MS = 60 * 60_000;
/** How far back the very first run of an account reads. */
export const DEFAULT_INITIAL_LOOKBACK_MS = 90 * 24 * 60 * 60_000;
/** SPEC §9's default `sla.coverage.maxGap`: 3 × the default sync frequency (5 minutes). */
export const DEFAULT_MAX_GAP_MS = 15 * 60_000;

export interface ProviderSyncOptions {
  providers: IncidentProvider[];
  incidents: IncidentStore;
  syncStates: SyncStateStore;
  entities: EntityStore;
  terms: TermsStore;
  logger: LoggerService;
  overlapMs?: number;
  initialLookbackMs?: number;
  /**
   * `sla.coverage.maxGap`: a run that succeeds longer than this after the data was last
   * complete records the stretch in between as a gap (SPEC §9).
   */
  maxGapMs?: number;
  now?: () => number;
  /** Called with the entity refs of every committed page, for live cards (signals). */
  incidentsWritten?: (entityRefs: string[]) => Promise<void>;
  /** Counts incidents written and failed syncs (`backstage.plugin.sla.*`). */
  metrics?: Pick<SlaMetrics, 'ingested' | 'syncError'>;
}

/** The outcome of one provider account in one run. */
export interface ProviderRunResult {
  provider: string;
  account: string;
  /** Incidents committed by this run (new or updated). */
  written: number;
  skipped: number;
  error?: string;
}

/** The stored cursor: everything before `checkpoint` (epoch ms) is committed. */
export interface Cursor {
  checkpoint: number;
}

export function readCursor(text: string | undefined): Cursor | undefined {
  if (!text) return undefined;
  try {
    const parsed = JSON.parse(text);
    return typeof parsed?.checkpoint === 'number' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A vendor record as it may be stored, or why not: the same validator as the webhook and the
 * CSV import (sla-common's readIncident), plus the provider's own source.
 */
function checkIncident(
  incident: Incident,
  source: string,
): { incident: Incident } | { reason: string } {
  const { incident: valid, problems } = readIncident(incident, 0);
  if (!valid) {
    return {
      reason: problems.map(p => `${p.field}: ${p.message}`).join('; '),
    };
  }
  if (valid.source !== source) {
    return { reason: `source is "${incident.source}", expected "${source}"` };
  }
  return { incident: valid };
}

/**
 * The sync engine shared by every incident provider. For each provider × account it reads
 * the committed checkpoint, asks the provider for everything changed since (checkpoint −
 * overlap), commits each page with upsertIncidents (idempotent by (source, id)) and only
 * then moves the cursor. A failing account records its error and the others carry on.
 */
export class ProviderSync {
  private readonly providers: IncidentProvider[];
  private readonly overlapMs: number;
  private readonly initialLookbackMs: number;
  private readonly maxGapMs: number;
  private readonly now: () => number;

  constructor(private readonly options: ProviderSyncOptions) {
    const ids = new Set<string>();
    for (const p of options.providers) {
      if (ids.has(p.id)) {
        throw new Error(`Two incident providers have the id "${p.id}"`);
      }
      ids.add(p.id);
    }
    this.providers = options.providers;
    this.overlapMs = options.overlapMs ?? DEFAULT_OVERLAP_MS;
    this.initialLookbackMs =
      options.initialLookbackMs ?? DEFAULT_INITIAL_LOOKBACK_MS;
    this.maxGapMs = options.maxGapMs ?? DEFAULT_MAX_GAP_MS;
    this.now = options.now ?? Date.now;
  }

  /** Runs every account of every provider once, one after the other. */
  async run(signal?: AbortSignal): Promise<ProviderRunResult[]> {
    const results: ProviderRunResult[] = [];
    if (this.providers.length === 0) return results;
    const entities = await this.linkedEntities();
    for (const provider of this.providers) {
      let accounts: string[];
      try {
        accounts = provider.accounts();
      } catch (e) {
        this.options.logger.error(
          `Incident provider ${provider.id} failed to list its accounts: ${e}`,
        );
        continue;
      }
      for (const account of accounts) {
        if (signal?.aborted) return results;
        results.push(
          await this.runAccount(
            provider,
            account,
            entities,
            signal ?? new AbortController().signal,
          ),
        );
      }
    }
    return results;
  }

  private async linkedEntities(): Promise<LinkedEntity[]> {
    const [entities, latest] = await Promise.all([
      this.options.entities.listEntities(),
      this.options.terms.listLatest(),
    ]);
    const priorityMaps = new Map(
      latest.map(v => [v.entityRef, v.terms.priorityMap]),
    );
    return entities.map(e => {
      const linked: LinkedEntity = {
        entityRef: e.entityRef,
        annotations: e.annotations,
      };
      const priorityMap = priorityMaps.get(e.entityRef);
      if (priorityMap) linked.priorityMap = priorityMap;
      return linked;
    });
  }

  private async runAccount(
    provider: IncidentProvider,
    account: string,
    entities: LinkedEntity[],
    signal: AbortSignal,
  ): Promise<ProviderRunResult> {
    const { incidents, syncStates } = this.options;
    const logger = this.options.logger.child({
      provider: provider.id,
      account,
    });
    const result: ProviderRunResult = {
      provider: provider.id,
      account,
      written: 0,
      skipped: 0,
    };
    const startedAt = this.now();
    let previous: SyncState | undefined;
    let cursor: string | undefined;
    let firstSkip: string | undefined;
    let firstAttemptAt = startedAt;
    try {
      previous = await syncStates.get(provider.id, account);
      cursor = previous?.cursor;
      firstAttemptAt = previous?.firstAttemptAt ?? startedAt;
      const committed = readCursor(cursor)?.checkpoint;
      const since =
        committed !== undefined
          ? committed - this.overlapMs
          : startedAt - this.initialLookbackMs;

      for await (const page of provider.sync({
        account,
        since,
        until: startedAt,
        entities,
        signal,
        logger,
      })) {
        const valid: Incident[] = [];
        for (const incident of page.incidents) {
          const checked = checkIncident(incident, provider.id);
          if ('reason' in checked) {
            logger.warn(`Skipping incident ${incident.id}: ${checked.reason}`);
            result.skipped++;
            firstSkip ??= `${incident.id}: ${checked.reason}`;
          } else {
            valid.push(checked.incident);
          }
        }
        result.skipped += page.skipped;
        firstSkip ??= page.skipReason;
        if (valid.length > 0) {
          await incidents.upsertIncidents(valid, {
            now: this.now(),
            // The store keeps only verdicts of incidents written here.
            ...(page.vendorVerdicts && { vendorVerdicts: page.vendorVerdicts }),
          });
          result.written += valid.length;
          await this.options.incidentsWritten?.(valid.map(i => i.entityRef));
          this.options.metrics?.ingested(valid.length, provider.id);
        }
        // Only after the commit above: a crash before this line re-reads the page.
        if (
          page.checkpoint !== undefined &&
          page.checkpoint > (readCursor(cursor)?.checkpoint ?? -Infinity)
        ) {
          cursor = JSON.stringify({
            checkpoint: Math.min(page.checkpoint, startedAt),
          });
          await syncStates.put({
            ...previous,
            provider: provider.id,
            account,
            cursor,
            firstAttemptAt,
          });
        }
      }

      // The data was complete up to the checkpoint this run started from (or, before any
      // success, up to the first attempt). A longer stretch than maxGap is a gap (SPEC §9);
      // this run re-read it from `since`.
      const completeUpTo = committed ?? previous?.firstAttemptAt;
      if (
        completeUpTo !== undefined &&
        startedAt - completeUpTo > this.maxGapMs
      ) {
        await syncStates.recordGap({
          provider: provider.id,
          account,
          start: completeUpTo,
          end: startedAt,
          backfilledFrom: since,
        });
      }
      cursor = JSON.stringify({ checkpoint: startedAt });
      await syncStates.put({
        provider: provider.id,
        account,
        cursor,
        firstAttemptAt,
        lastSyncAt: startedAt,
        lastSuccessAt: startedAt,
        lastCount: result.written,
        ...(result.skipped > 0 && {
          lastError: `Skipped ${result.skipped} malformed record(s), first: ${firstSkip}`,
        }),
      });
      logger.info(
        `Incident sync ${provider.id}/${account}: ${result.written} incidents, ${result.skipped} skipped`,
      );
    } catch (e) {
      result.error = e instanceof Error ? e.message : String(e);
      this.options.metrics?.syncError(provider.id, account);
      logger.error(
        `Incident sync ${provider.id}/${account} failed after ${result.written} incidents: ${result.error}`,
      );
      try {
        await syncStates.put({
          provider: provider.id,
          account,
          cursor,
          firstAttemptAt,
          lastSyncAt: startedAt,
          lastSuccessAt: previous?.lastSuccessAt,
          lastCount: result.written,
          lastError: result.error,
        });
      } catch (stateError) {
        logger.error(`Could not record the sync state: ${stateError}`);
      }
    }
    return result;
  }
}
