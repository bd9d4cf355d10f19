import type {
  FactSchemaDefinition,
  FlatTechInsightFact,
  TechInsightFact,
  TechInsightsStore,
} from '@backstage-community/plugin-tech-insights-node';
import type { FactSchema } from '@backstage-community/plugin-tech-insights-common';
import { stringifyEntityRef } from '@backstage/catalog-model';

/**
 * A Tech Insights store in memory: the latest fact row per retriever and entity, stored as
 * JSON the way the database stores it, and the schema of each retriever. Enough for a fact
 * checker's `runChecks` and `validate`.
 */
export class MemoryTechInsightsStore implements TechInsightsStore {
  private readonly rows = new Map<string, FlatTechInsightFact>();
  private readonly schemas = new Map<string, FactSchema>();

  async insertFacts(options: {
    id: string;
    facts: TechInsightFact[];
  }): Promise<void> {
    for (const fact of options.facts) {
      const entity = stringifyEntityRef(fact.entity);
      this.rows.set(`${options.id}\u0000${entity}`, {
        id: options.id,
        entity: fact.entity,
        facts: JSON.parse(JSON.stringify(fact.facts)),
      });
    }
  }

  async getLatestFactsByIds(
    ids: string[],
    entity: string,
  ): Promise<{ [factRef: string]: FlatTechInsightFact }> {
    const found: { [factRef: string]: FlatTechInsightFact } = {};
    for (const id of ids) {
      const row = this.rows.get(`${id}\u0000${entity}`);
      if (row) found[id] = row;
    }
    return found;
  }

  async getEntities() {
    return [...this.rows.values()].map(r => r.entity);
  }

  async getFactsBetweenTimestampsByIds(): Promise<{
    [factRef: string]: FlatTechInsightFact[];
  }> {
    throw new Error('not kept in memory');
  }

  async insertFactSchema(definition: FactSchemaDefinition): Promise<void> {
    this.schemas.set(definition.id, definition.schema);
  }

  async getLatestSchemas(ids?: string[]): Promise<FactSchema[]> {
    return [...this.schemas.entries()]
      .filter(([id]) => !ids || ids.includes(id))
      .map(([, schema]) => schema);
  }
}
