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
  SlaConfig,
} from '@servicelevel/plugin-sla-common';

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
  constructor(private readonly slaConfig: SlaConfig) {}

  getProcessorName(): string {
    return 'SlaAnnotationsProcessor';
  }

  async postProcessEntity(
    entity: Entity,
    location: LocationSpec,
    emit: CatalogProcessorEmit,
    cache: CatalogProcessorCache,
  ): Promise<Entity> {
    const { problems } = parseSlaAnnotations(
      entity.metadata.annotations,
      this.slaConfig,
    );
    if (problems.length === 0) {
      return entity;
    }
    if (!(await cache.get<boolean>(ACCEPTED_ONCE))) {
      await cache.set(ACCEPTED_ONCE, true);
      return entity;
    }
    for (const problem of problems) {
      emit(processingResult.inputError(location, problem.message));
    }
    return entity;
  }
}
