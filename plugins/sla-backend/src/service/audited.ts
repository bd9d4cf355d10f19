import type {
  AuditorService,
  AuditorServiceCreateEventOptions,
  AuditorServiceEventSeverityLevel,
} from '@backstage/backend-plugin-api';
import type { JsonObject } from '@backstage/types';

/** What an audited write records, besides the request. */
export interface AuditedEventOptions<T> {
  /** kebab-case, e.g. `plan-create`. */
  eventId: string;
  severityLevel: AuditorServiceEventSeverityLevel;
  /** Recorded when the write starts (who, on what). */
  meta?: JsonObject;
  /** Recorded when the write succeeded, from its result (what it produced). */
  successMeta?: (result: T) => JsonObject;
}

/**
 * Runs one write as an audit event: the event is created before `write` runs, succeeds with
 * `successMeta(result)`, or fails with the error, which is then rethrown so the router's error
 * handling answers as usual. Returns what `write` returned.
 */
export async function audited<T>(
  auditor: AuditorService,
  request: AuditorServiceCreateEventOptions['request'],
  options: AuditedEventOptions<T>,
  write: () => Promise<T>,
): Promise<T> {
  const { eventId, severityLevel, meta, successMeta } = options;
  const event = await auditor.createEvent({
    eventId,
    severityLevel,
    request,
    ...(meta ? { meta } : {}),
  });
  let result: T;
  try {
    result = await write();
  } catch (error) {
    await event.fail({ error: error as Error });
    throw error;
  }
  await event.success(successMeta ? { meta: successMeta(result) } : undefined);
  return result;
}
