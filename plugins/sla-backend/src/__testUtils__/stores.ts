import {
  parseSlaAnnotations,
  SlaConfig,
  serializeTerms,
} from '@servicelevel/plugin-sla-common';
import { Knex } from 'knex';
import {
  DatabaseConfirmationStore,
  DatabaseEntityStore,
  DatabaseIncidentStore,
  DatabaseNotificationEventStore,
  DatabasePlanStore,
  DatabaseReportStore,
  DatabaseSnapshotStore,
  DatabaseSyncStateStore,
  DatabaseTermsStore,
  SlaEntity,
  TermsStore,
} from '../database';

/** Every store of the plugin on one (test) database; the schema is migrated once. */
export async function createStores(database: Knex) {
  return {
    incidents: await DatabaseIncidentStore.create({ database }),
    terms: await DatabaseTermsStore.create({ database }),
    entities: await DatabaseEntityStore.create({ database }),
    snapshots: await DatabaseSnapshotStore.create({ database }),
    plans: await DatabasePlanStore.create({ database }),
    confirmations: await DatabaseConfirmationStore.create({ database }),
    reports: await DatabaseReportStore.create({ database }),
    events: await DatabaseNotificationEventStore.create({ database }),
    syncStates: await DatabaseSyncStateStore.create({ database }),
  };
}

export type TestStores = Awaited<ReturnType<typeof createStores>>;

/** A catalog component as the entity store keeps it; the name is the ref's last part. */
export function componentEntity(
  entityRef: string,
  annotations: Record<string, string>,
  lastSeenAt: number,
  extra: Partial<Pick<SlaEntity, 'title' | 'ownerRef'>> = {},
): SlaEntity {
  return {
    entityRef,
    kind: 'component',
    namespace: 'default',
    name: entityRef.split('/')[1],
    ...extra,
    annotations,
    lastSeenAt,
  };
}

/** Records the terms each entity's annotations give; annotations with problems fail the test. */
export async function recordAnnotatedTerms(
  terms: TermsStore,
  annotationsByRef: ReadonlyArray<readonly [string, Record<string, string>]>,
  slaConfig: SlaConfig,
  seenAt: number,
): Promise<void> {
  for (const [entityRef, annotations] of annotationsByRef) {
    const { terms: parsed, problems } = parseSlaAnnotations(
      annotations,
      slaConfig,
    );
    expect(problems).toEqual([]);
    await terms.recordTerms({
      entityRef,
      terms: parsed!,
      problems,
      fingerprint: serializeTerms(parsed!),
      seenAt,
    });
  }
}
