import {
  AuthService,
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import {
  Entity,
  RELATION_DEPENDS_ON,
  RELATION_OWNED_BY,
  parseEntityRef,
  RELATION_PART_OF,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  hasSlaAnnotations,
  parseSlaAnnotations,
  serializeTerms,
  SLA_ANNOTATIONS,
  SLA_OBJECTIVE_KEYS,
  SLA_ANNOTATION_PREFIX,
  SlaConfig,
} from '@servicelevel/plugin-sla-common';
import { EntityStore, SlaEntity, TermsStore } from '../database/types';
import type { EntitySource } from './ComplianceService';

/**
 * Reads every entity with SLA annotations from the catalog (with the plugin's own
 * credentials), records it, and stores a new terms version whenever its effective terms
 * change — whether the annotations changed in Git or a tier changed in config.
 */
export class CatalogSync implements EntitySource {
  constructor(
    private readonly deps: {
      catalog: CatalogService;
      auth: AuthService;
      entities: EntityStore;
      terms: TermsStore;
      slaConfig: SlaConfig;
      logger: LoggerService;
    },
  ) {}

  async run(
    now: number = Date.now(),
  ): Promise<{ entities: number; newVersions: number }> {
    const credentials = await this.deps.auth.getOwnServiceCredentials();
    const filter = [
      SLA_ANNOTATIONS.tier,
      ...SLA_OBJECTIVE_KEYS.map(k => SLA_ANNOTATION_PREFIX + k),
    ].map(key => ({ [`metadata.annotations.${key}`]: CATALOG_FILTER_EXISTS }));
    const { items } = await this.deps.catalog.getEntities(
      { filter },
      { credentials },
    );
    const { rows, newVersions } = await this.record(items, credentials, now);
    await this.deps.entities.syncEntities(rows, now);
    return { entities: items.length, newVersions };
  }

  /**
   * Reads one entity right away, for a request about an entity the scheduled sync has not
   * seen yet (just registered, or the backend just started). Returns whether it has an SLA.
   */
  async syncEntity(
    entityRef: string,
    now: number = Date.now(),
  ): Promise<boolean> {
    try {
      parseEntityRef(entityRef);
    } catch {
      return false; // not a ref at all: nothing to ask the catalog
    }
    if (entityRef.length > 255) {
      return false; // longer than any ref the stores accept
    }
    const credentials = await this.deps.auth.getOwnServiceCredentials();
    const entity = await this.deps.catalog.getEntityByRef(entityRef, {
      credentials,
    });
    if (!entity || !hasSlaAnnotations(entity.metadata.annotations)) {
      return false;
    }
    const { rows } = await this.record([entity], credentials, now);
    await this.deps.entities.upsertEntity(rows[0]);
    return true;
  }

  /** Which of `entityRefs` the catalog lists, in one query ({@link EntitySource.listedRefs}). */
  async listedRefs(entityRefs: string[]): Promise<Set<string>> {
    if (entityRefs.length === 0) return new Set();
    const credentials = await this.deps.auth.getOwnServiceCredentials();
    const { items } = await this.deps.catalog.getEntitiesByRefs(
      { entityRefs, fields: ['kind', 'metadata.namespace', 'metadata.name'] },
      { credentials },
    );
    return new Set(
      items
        .filter((e): e is Entity => !!e)
        .map(e => stringifyEntityRef(e).toLowerCase()),
    );
  }

  /** Stores a terms version for each entity whose effective terms changed; returns the rows. */
  private async record(
    items: Entity[],
    credentials: BackstageCredentials,
    now: number,
  ) {
    const { catalog, logger } = this.deps;
    const systemRefs = new Set<string>();
    for (const e of items) {
      const system = relationTarget(e, RELATION_PART_OF, 'system');
      if (system) systemRefs.add(system);
    }
    const domainBySystem = new Map<string, string>();
    if (systemRefs.size > 0) {
      const { items: systems } = await catalog.getEntitiesByRefs(
        { entityRefs: [...systemRefs] },
        { credentials },
      );
      for (const s of systems) {
        if (!s) continue;
        const domain = relationTarget(s, RELATION_PART_OF, 'domain');
        if (domain) domainBySystem.set(stringifyEntityRef(s), domain);
      }
    }

    let newVersions = 0;
    const rows: Omit<SlaEntity, 'removedAt'>[] = [];
    for (const e of items) {
      const entityRef = stringifyEntityRef(e);
      const annotations = e.metadata.annotations ?? {};
      const { terms, problems } = parseSlaAnnotations(
        annotations,
        this.deps.slaConfig,
      );
      const systemRef = relationTarget(e, RELATION_PART_OF, 'system');
      rows.push({
        entityRef,
        kind: e.kind,
        namespace: e.metadata.namespace ?? 'default',
        name: e.metadata.name,
        title: e.metadata.title,
        ownerRef: relationTarget(e, RELATION_OWNED_BY),
        systemRef,
        domainRef: systemRef ? domainBySystem.get(systemRef) : undefined,
        annotations,
        dependsOn: dependsOnOf(e),
        lastSeenAt: now,
      });
      if (!terms) continue;
      const before = (await this.deps.terms.listVersions(entityRef)).length;
      const latest = await this.deps.terms.recordTerms({
        entityRef,
        terms,
        problems,
        fingerprint: serializeTerms(terms),
        seenAt: now,
      });
      if (latest.version > before) {
        newVersions++;
        logger.info(
          `SLA terms of ${entityRef} are now version ${latest.version}`,
        );
      }
    }
    return { rows, newVersions };
  }
}

/** Targets of the entity's dependsOn relations that are components or resources, sorted. */
function dependsOnOf(entity: Entity): string[] | undefined {
  const refs = (entity.relations ?? [])
    .filter(r => r.type === RELATION_DEPENDS_ON)
    .map(r => r.targetRef.toLowerCase())
    .filter(ref => /^(component|resource):/.test(ref));
  return refs.length ? [...new Set(refs)].sort() : undefined;
}

function relationTarget(
  entity: Entity,
  type: string,
  kind?: string,
): string | undefined {
  return entity.relations?.find(
    r => r.type === type && (!kind || r.targetRef.startsWith(`${kind}:`)),
  )?.targetRef;
}
