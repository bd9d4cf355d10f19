import { Config, readDurationFromConfig } from '@backstage/config';
import type { SchedulerServiceTaskScheduleDefinition } from '@backstage/backend-plugin-api';
import { durationToMilliseconds } from '@backstage/types';
import {
  DEFAULT_COVERAGE_THRESHOLD,
  SlaTerms,
  SourceCoverageInput,
} from '@servicelevel/plugin-sla-common';
import type {
  IncidentProvider,
  LinkedEntity,
} from '@servicelevel/plugin-sla-node';
import type { SlaEntity, SyncState, SyncStateStore } from '../database/types';
import { DEFAULT_MAX_GAP_MS, readCursor } from '../providers/ProviderSync';

/** `sla.coverage`, read once at startup. */
export interface CoverageSettings {
  /** Percent; a linked source below it makes the objectives it feeds `unknown`. */
  threshold: number;
  /** A stretch longer than this with no successful sync is a gap. */
  maxGapMs: number;
}

/**
 * `sla.coverage.threshold` (percent, default 95) and `sla.coverage.maxGap` (a duration,
 * default 3 × the provider sync's frequency). A malformed value is an error naming the key:
 * the backend does not start on a coverage rule it cannot read.
 */
export function readCoverageSettings(
  config: Config,
  syncSchedule: SchedulerServiceTaskScheduleDefinition,
): CoverageSettings {
  const threshold =
    config.getOptionalNumber('sla.coverage.threshold') ??
    DEFAULT_COVERAGE_THRESHOLD;
  if (!(threshold >= 0 && threshold <= 100)) {
    throw new Error(
      `sla.coverage.threshold must be a percentage from 0 to 100, got ${threshold}`,
    );
  }
  let maxGapMs = 3 * frequencyMs(syncSchedule.frequency);
  if (config.has('sla.coverage.maxGap')) {
    maxGapMs = durationToMilliseconds(
      readDurationFromConfig(config, { key: 'sla.coverage.maxGap' }),
    );
    if (!(maxGapMs > 0)) {
      throw new Error('sla.coverage.maxGap must be a positive duration');
    }
  }
  return { threshold, maxGapMs };
}

/** A schedule's period in ms: a duration's length; 5 minutes for a cron or manual trigger. */
function frequencyMs(
  frequency: SchedulerServiceTaskScheduleDefinition['frequency'],
): number {
  if (typeof frequency !== 'object' || frequency === null) {
    return DEFAULT_MAX_GAP_MS / 3;
  }
  if ('toMillis' in frequency && typeof frequency.toMillis === 'function') {
    return frequency.toMillis();
  }
  if ('cron' in frequency || 'trigger' in frequency) {
    return DEFAULT_MAX_GAP_MS / 3;
  }
  return durationToMilliseconds(frequency);
}

/**
 * Where an account's data stops being complete and since when that is a gap (SPEC §9): the
 * committed checkpoint (or, before any success, the first attempt), when `now` is more than
 * `maxGapMs` past it. A stretch that a later sync re-read is complete again (the cursor
 * restarts from the checkpoint), so only the open gap counts; past ones are history.
 */
export function openGapOf(
  state: SyncState,
  now: number,
  maxGapMs: number,
): { start: number; end: number } | undefined {
  // The stored cursor's checkpoint: the sync's data is complete up to it.
  const completeUpTo =
    readCursor(state.cursor)?.checkpoint ?? state.firstAttemptAt;
  if (completeUpTo === undefined || now - completeUpTo <= maxGapMs) {
    return undefined;
  }
  return { start: completeUpTo, end: now };
}

/** The linked sources of entities at one instant (one read of the sync state). */
export interface CoverageView {
  threshold: number;
  /** Each provider account that feeds the entity and counts under its terms' `sources`. */
  sourcesOf(
    entity: Pick<SlaEntity, 'entityRef' | 'annotations'>,
    terms: Pick<SlaTerms, 'sources'>,
  ): SourceCoverageInput[];
}

/**
 * Data coverage of the incident sources (SPEC §9): which provider accounts feed an entity
 * (IncidentProvider.feeds) and each one's open gap (from the sync state).
 */
export class DataCoverage {
  constructor(
    private readonly options: {
      providers: IncidentProvider[];
      syncStates: Pick<SyncStateStore, 'list'>;
      settings: CoverageSettings;
    },
  ) {}

  get settings(): CoverageSettings {
    return this.options.settings;
  }

  /** Reads the sync state once; the view answers for any entity at `now`. */
  async read(now: number): Promise<CoverageView> {
    const { providers, settings } = this.options;
    const linking = providers.filter(p => p.feeds);
    const gaps = new Map<string, Array<{ start: number; end: number }>>();
    if (linking.length > 0) {
      for (const state of await this.options.syncStates.list()) {
        const gap = openGapOf(state, now, settings.maxGapMs);
        gaps.set(`${state.provider}\u0000${state.account}`, gap ? [gap] : []);
      }
    }
    return {
      threshold: settings.threshold,
      sourcesOf(entity, terms) {
        const linked: LinkedEntity = {
          entityRef: entity.entityRef,
          annotations: entity.annotations ?? {},
        };
        const sources: SourceCoverageInput[] = [];
        for (const provider of linking) {
          if (terms.sources && !terms.sources.includes(provider.id)) continue;
          for (const account of provider.accounts()) {
            const feeds = provider.feeds!(account, linked);
            if (!feeds) continue;
            sources.push({
              source: provider.id,
              account,
              feeds,
              // An account that has never run (the backend just started) has no state: no gap yet.
              gaps: gaps.get(`${provider.id}\u0000${account}`) ?? [],
            });
          }
        }
        return sources;
      },
    };
  }
}
