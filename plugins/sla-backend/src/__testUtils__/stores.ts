import {
  parseSlaAnnotations,
  SlaConfig,
  serializeTerms,
} from '@servicelevel/plugin-sla-common';
import type {
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import type { Knex } from 'knex';
import { SlaEntity, TermsStore } from '../database';
import { createStores } from '../plugin';

/** Every store of the plugin on one (test) database, as plugin.ts creates them. */
export { createStores };

export type TestStores = Awaited<ReturnType<typeof createStores>>;

/**
 * For the describe block it is called in: a fresh, migrated `databaseId` database and every
 * store on it, ready from the first beforeAll and destroyed after the block.
 */
export function useTestStores(
  databases: TestDatabases,
  databaseId: TestDatabaseId,
): { knex: Knex; stores: TestStores } {
  const db = {} as { knex: Knex; stores: TestStores };
  beforeAll(async () => {
    db.knex = await databases.init(databaseId);
    db.stores = await createStores(db.knex);
  });
  afterAll(async () => {
    await db.knex?.destroy();
  });
  return db;
}

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

/**
 * Catalog components with SLA annotations, as a sync leaves them: seen at `seenAt`, with
 * their terms recorded a day before (so every period from `seenAt` on uses them).
 */
export async function seedServices(
  stores: Pick<TestStores, 'entities' | 'terms'>,
  services: ReadonlyArray<{
    entityRef: string;
    annotations: Record<string, string>;
    ownerRef?: string;
  }>,
  slaConfig: SlaConfig,
  seenAt: number,
): Promise<void> {
  await stores.entities.syncEntities(
    services.map(s =>
      componentEntity(
        s.entityRef,
        s.annotations,
        seenAt,
        s.ownerRef ? { ownerRef: s.ownerRef } : {},
      ),
    ),
    seenAt,
  );
  await recordAnnotatedTerms(
    stores.terms,
    services.map(s => [s.entityRef, s.annotations] as const),
    slaConfig,
    seenAt - 86_400_000,
  );
}
