import {
  chunk,
  connectStore,
  DatabaseStoreOptions,
  rowsPerStatement,
  toNumber,
  toOptionalNumber,
  withOptionalFields,
} from './client';
import { CountingDatabaseStore } from './DatabaseStore';
import type { EntityStore, SlaEntity } from './types';

/** A row of sla_entities as the drivers return it. */
export type RawEntityRow = {
  entity_ref: string;
  kind: string;
  namespace: string;
  name: string;
  title: string | null;
  owner_ref: string | null;
  system_ref: string | null;
  domain_ref: string | null;
  /** JSON object of annotations. */
  annotations: string;
  /** JSON array of dependsOn targets; null when never synced with them. */
  depends_on: string | null;
  last_seen_at: number | string;
  removed_at: number | string | null;
};

const TABLE = 'sla_entities';

const COLUMN_COUNT = 12;
/** Entity refs per IN list. */
const REFS_PER_QUERY = 500;

/** A present entity: writing it clears removed_at, so an entity that reappears is current again. */
function toRow(entity: Omit<SlaEntity, 'removedAt'>): RawEntityRow {
  return {
    entity_ref: entity.entityRef,
    kind: entity.kind,
    namespace: entity.namespace,
    name: entity.name,
    title: entity.title ?? null,
    owner_ref: entity.ownerRef ?? null,
    system_ref: entity.systemRef ?? null,
    domain_ref: entity.domainRef ?? null,
    annotations: JSON.stringify(entity.annotations),
    depends_on: entity.dependsOn ? JSON.stringify(entity.dependsOn) : null,
    last_seen_at: entity.lastSeenAt,
    removed_at: null,
  };
}

function fromRow(row: RawEntityRow): SlaEntity {
  return withOptionalFields<SlaEntity>(
    {
      entityRef: row.entity_ref,
      kind: row.kind,
      namespace: row.namespace,
      name: row.name,
      annotations: JSON.parse(row.annotations) as Record<string, string>,
      lastSeenAt: toNumber(row.last_seen_at),
    },
    {
      title: row.title,
      ownerRef: row.owner_ref,
      systemRef: row.system_ref,
      domainRef: row.domain_ref,
      dependsOn: row.depends_on
        ? (JSON.parse(row.depends_on) as string[])
        : undefined,
      removedAt: toOptionalNumber(row.removed_at),
    },
  );
}

/** Catalog entities with SLA annotations; rows are marked removed, never deleted. */
export class DatabaseEntityStore
  extends CountingDatabaseStore
  implements EntityStore
{
  static async create(options: DatabaseStoreOptions) {
    return new DatabaseEntityStore(await connectStore(options));
  }

  /**
   * An empty list marks every entity removed: callers must not pass [] when the catalog
   * could not be read.
   */
  async syncEntities(
    entities: Omit<SlaEntity, 'removedAt'>[],
    now: number,
  ): Promise<void> {
    // One INSERT … ON CONFLICT may not touch a row twice (PostgreSQL): the last copy wins.
    const rows = [
      ...new Map(entities.map(e => [e.entityRef, toRow(e)])).values(),
    ];
    const present = new Set(rows.map(r => r.entity_ref));

    await this.countedWrite(() =>
      this.db.transaction(async tx => {
        for (const batch of chunk(rows, rowsPerStatement(COLUMN_COUNT))) {
          await tx<RawEntityRow>(TABLE)
            .insert(batch)
            .onConflict('entity_ref')
            .merge();
        }
        // The difference is taken here rather than with NOT IN, whose list could exceed the
        // bound-variable limit for a large catalog.
        const current = await tx<RawEntityRow>(TABLE)
          .whereNull('removed_at')
          .select('entity_ref');
        const gone = current
          .map(r => r.entity_ref)
          .filter(ref => !present.has(ref));
        for (const refs of chunk(gone, REFS_PER_QUERY)) {
          await tx<RawEntityRow>(TABLE)
            .whereIn('entity_ref', refs)
            .whereNull('removed_at')
            .update({ removed_at: now });
        }
      }),
    );
  }

  async upsertEntity(entity: Omit<SlaEntity, 'removedAt'>): Promise<void> {
    await this.countedWrite(() =>
      this.db<RawEntityRow>(TABLE)
        .insert(toRow(entity))
        .onConflict('entity_ref')
        .merge(),
    );
  }

  async listEntities(): Promise<SlaEntity[]> {
    const rows = await this.db<RawEntityRow>(TABLE)
      .whereNull('removed_at')
      .orderBy('entity_ref');
    return rows.map(fromRow);
  }

  async currentRefs(entityRefs: string[]): Promise<Set<string>> {
    const current = new Set<string>();
    for (const refs of chunk([...new Set(entityRefs)], REFS_PER_QUERY)) {
      const rows = await this.db<RawEntityRow>(TABLE)
        .whereIn('entity_ref', refs)
        .whereNull('removed_at')
        .select('entity_ref');
      for (const row of rows) current.add(row.entity_ref);
    }
    return current;
  }

  async changeMark(): Promise<string> {
    const row = (await this.db<RawEntityRow>(TABLE)
      .count({ entities: '*' })
      .count({ removed: 'removed_at' })
      .max({ seen: 'last_seen_at' })
      .max({ lastRemoved: 'removed_at' })
      .first()) as Record<string, number | string | null> | undefined;
    return [row?.entities, row?.removed, row?.seen, row?.lastRemoved]
      .map(v => String(v ?? ''))
      .join(':');
  }

  /** Also finds removed entities (with removedAt set). */
  async getEntity(entityRef: string): Promise<SlaEntity | undefined> {
    const row = await this.db<RawEntityRow>(TABLE)
      .where('entity_ref', entityRef)
      .first();
    return row ? fromRow(row) : undefined;
  }
}
