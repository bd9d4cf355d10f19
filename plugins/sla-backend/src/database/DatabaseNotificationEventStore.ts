import {
  chunk,
  connectStore,
  DatabaseStoreOptions,
  toNumber,
  toOptionalNumber,
  withOptionalFields,
} from './client';
import { DatabaseStore } from './DatabaseStore';
import type {
  NotificationEventRecord,
  NotificationEventStore,
  SlaEventKind,
} from './types';

/** A row of sla_notification_events as the drivers return it. */
export type RawNotificationEventRow = {
  event_key: string;
  kind: string;
  entity_ref: string;
  /** JSON of string[]. */
  recipients: string;
  claimed_at: number | string;
  sent_at: number | string | null;
};

const TABLE = 'sla_notification_events';

function fromRow(row: RawNotificationEventRow): NotificationEventRecord {
  return withOptionalFields<NotificationEventRecord>(
    {
      key: row.event_key,
      kind: row.kind as SlaEventKind,
      entityRef: row.entity_ref,
      recipients: JSON.parse(row.recipients),
      claimedAt: toNumber(row.claimed_at),
    },
    { sentAt: toOptionalNumber(row.sent_at) },
  );
}

/** Keys per IN (…) list, well under SQLite's 999 bound variables. */
const KEYS_PER_QUERY = 500;

/** The de-duplication record of owner notifications. */
export class DatabaseNotificationEventStore
  extends DatabaseStore
  implements NotificationEventStore
{
  static async create(options: DatabaseStoreOptions) {
    return new DatabaseNotificationEventStore(await connectStore(options));
  }

  async claim(
    event: Pick<
      NotificationEventRecord,
      'key' | 'kind' | 'entityRef' | 'recipients'
    >,
    now: number,
    staleBefore: number,
  ): Promise<boolean> {
    // With DO NOTHING, RETURNING yields no row when another run inserted the key first.
    const inserted = await this.db<RawNotificationEventRow>(TABLE)
      .insert({
        event_key: event.key,
        kind: event.kind,
        entity_ref: event.entityRef,
        recipients: JSON.stringify(event.recipients),
        claimed_at: now,
        sent_at: null,
      })
      .onConflict('event_key')
      .ignore()
      .returning('event_key');
    if (inserted.length > 0) return true;
    // A conditional update is atomic on both engines: of two runs taking over the same stale
    // claim, only one sees an affected row.
    const taken = await this.db<RawNotificationEventRow>(TABLE)
      .where('event_key', event.key)
      .whereNull('sent_at')
      .where('claimed_at', '<', staleBefore)
      .update({
        claimed_at: now,
        recipients: JSON.stringify(event.recipients),
      });
    return taken > 0;
  }

  async markSent(key: string, at: number): Promise<void> {
    await this.db<RawNotificationEventRow>(TABLE)
      .where('event_key', key)
      .update({ sent_at: at });
  }

  async release(key: string): Promise<void> {
    await this.db<RawNotificationEventRow>(TABLE)
      .where('event_key', key)
      .whereNull('sent_at')
      .delete();
  }

  async sentKeys(keys: string[]): Promise<Set<string>> {
    const sent = new Set<string>();
    for (const part of chunk([...new Set(keys)], KEYS_PER_QUERY)) {
      const rows = await this.db<RawNotificationEventRow>(TABLE)
        .whereIn('event_key', part)
        .whereNotNull('sent_at')
        .select('event_key');
      for (const row of rows) sent.add(row.event_key);
    }
    return sent;
  }

  async get(key: string): Promise<NotificationEventRecord | undefined> {
    const row = await this.db<RawNotificationEventRow>(TABLE)
      .where('event_key', key)
      .first();
    return row ? fromRow(row) : undefined;
  }
}
