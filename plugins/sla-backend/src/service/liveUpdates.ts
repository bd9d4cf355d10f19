import type { LoggerService } from '@backstage/backend-plugin-api';
import type { SignalsService } from '@backstage/plugin-signals-node';
import {
  SLA_SIGNAL_CHANNEL,
  type SlaIncidentsSignal,
} from '@servicelevel/plugin-sla-common';

/** Refs per signal: a 5,000-incident batch names at most this many entities in one message. */
const REFS_PER_SIGNAL = 500;

/** Tells open SLA cards and tabs that incidents of some entities were written. */
export type IncidentsWritten = (entityRefs: string[]) => Promise<void>;

/**
 * Publishes `{ entityRefs }` on {@link SLA_SIGNAL_CHANNEL} to every signed-in browser after
 * incidents were written, so the card and the tab of those entities reload their figures
 * without a page reload. The message names entity refs only, never figures: each browser
 * then reads what its user may read through the API. A failed publish is logged and never
 * fails the write that triggered it.
 */
export function createIncidentsWritten(
  signals: SignalsService | undefined,
  logger: LoggerService,
): IncidentsWritten {
  return async entityRefs => {
    if (!signals || entityRefs.length === 0) return;
    const unique = [...new Set(entityRefs)];
    try {
      for (let i = 0; i < unique.length; i += REFS_PER_SIGNAL) {
        await signals.publish<SlaIncidentsSignal>({
          recipients: { type: 'broadcast' },
          channel: SLA_SIGNAL_CHANNEL,
          message: { entityRefs: unique.slice(i, i + REFS_PER_SIGNAL) },
        });
      }
    } catch (e) {
      logger.warn(`Could not signal SLA updates: ${(e as Error).message}`);
    }
  };
}
