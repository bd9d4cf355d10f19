import { Entity } from '@backstage/catalog-model';
import { LocationSpec } from '@backstage/plugin-catalog-common';
import {
  CatalogProcessor,
  CatalogProcessorCache,
  CatalogProcessorEmit,
  processingResult,
} from '@backstage/plugin-catalog-node';
import {
  parseSlaAnnotations,
  SLA_ANNOTATIONS,
  SlaConfig,
} from '@servicelevel/plugin-sla-common';
import { mergeOpenSlo, OpenSloFileReader } from './openSloFile';

const ACCEPTED_ONCE = 'accepted-once';

/**
 * Validates `servicelevel.io/` annotations with the sla-common parser and reports each
 * problem as a processing error on the entity, naming the key, the bad value and the
 * expected form.
 *
 * The catalog never publishes an entity whose very first processing failed, so a new
 * entity with a typo would vanish instead of showing its error. This processor therefore
 * lets an entity through once (remembered in the processor cache) and reports its problems
 * from the next processing run on, when the catalog keeps the entity and shows the errors.
 * The SLA card shows the same problems from the first moment.
 */
export class SlaAnnotationsProcessor implements CatalogProcessor {
  /**
   * `readOpenSlo` reads the file a `servicelevel.io/openslo` annotation names; without it
   * the annotation is reported as not supported here.
   */
  constructor(
    private readonly slaConfig: SlaConfig,
    private readonly readOpenSloFile?: OpenSloFileReader,
  ) {}

  getProcessorName(): string {
    return 'SlaAnnotationsProcessor';
  }

  async postProcessEntity(
    entity: Entity,
    location: LocationSpec,
    emit: CatalogProcessorEmit,
    cache: CatalogProcessorCache,
  ): Promise<Entity> {
    // Terms from an OpenSLO file become annotations of the stored entity, so the SLA
    // backend, the card and every report read them like written ones.
    const merged = await this.withOpenSlo(entity, location);
    const { problems } = parseSlaAnnotations(
      merged.entity.metadata.annotations,
      this.slaConfig,
    );
    const messages = [...merged.problems, ...problems.map(p => p.message)];
    if (messages.length === 0) {
      return merged.entity;
    }
    if (!(await cache.get<boolean>(ACCEPTED_ONCE))) {
      await cache.set(ACCEPTED_ONCE, true);
      return merged.entity;
    }
    for (const message of messages) {
      emit(processingResult.inputError(location, message));
    }
    return merged.entity;
  }

  private async withOpenSlo(
    entity: Entity,
    location: LocationSpec,
  ): Promise<{ entity: Entity; problems: string[] }> {
    const annotations = entity.metadata.annotations ?? {};
    if (!annotations[SLA_ANNOTATIONS.openslo]) return { entity, problems: [] };
    if (!this.readOpenSloFile) {
      return {
        entity,
        problems: [
          `${SLA_ANNOTATIONS.openslo}: OpenSLO files are read by the catalog module catalogModuleSlaAnnotations, which is given no reader here`,
        ],
      };
    }
    const merged = await mergeOpenSlo(
      annotations,
      location,
      this.readOpenSloFile,
    );
    return {
      entity: {
        ...entity,
        metadata: { ...entity.metadata, annotations: merged.annotations },
      },
      problems: merged.problems,
    };
  }
}
