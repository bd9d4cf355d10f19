import {
  formatPercent,
  formatPoints,
  SLA_ANNOTATION_PREFIX,
  type TermsPreview,
} from '@servicelevel/plugin-sla-common';
import { parseAllDocuments } from 'yaml';
import type { SourceText } from './validate';

/** An entity of the catalog files whose SLA annotations are proposed. */
export interface ProposedEntity {
  file: string;
  /** `kind:namespace/name`, as the catalog writes it (lower-cased by the backend). */
  ref: string;
  kind: string;
  namespace: string;
  name: string;
  /** Its `servicelevel.io/` annotations only. */
  annotations: Record<string, string>;
}

/** Every entity with `servicelevel.io/` annotations in the files; YAML errors are skipped (validate reports them). */
export function proposedEntities(catalogs: SourceText[]): ProposedEntity[] {
  const out: ProposedEntity[] = [];
  for (const { file, text } of catalogs) {
    for (const doc of parseAllDocuments(text)) {
      if (!('errors' in doc) || doc.errors.length) continue;
      const entity = doc.toJS() as {
        kind?: unknown;
        metadata?: {
          name?: unknown;
          namespace?: unknown;
          annotations?: unknown;
        };
      } | null;
      const all = entity?.metadata?.annotations;
      if (!entity || typeof all !== 'object' || all === null) continue;
      const annotations = Object.fromEntries(
        Object.entries(all as Record<string, unknown>)
          .filter(([k]) => k.startsWith(SLA_ANNOTATION_PREFIX))
          .map(([k, v]) => [k, String(v)]),
      );
      const kind = typeof entity.kind === 'string' ? entity.kind : '';
      const name =
        typeof entity.metadata?.name === 'string' ? entity.metadata.name : '';
      if (!kind || !name || Object.keys(annotations).length === 0) continue;
      const namespace =
        typeof entity.metadata?.namespace === 'string'
          ? entity.metadata.namespace
          : 'default';
      out.push({
        file,
        ref: `${kind.toLowerCase()}:${namespace}/${name}`,
        kind,
        namespace,
        name,
        annotations,
      });
    }
  }
  return out;
}

/** What the backend answered for one entity. */
export type PreviewOutcome =
  | { entity: ProposedEntity; preview: TermsPreview }
  | { entity: ProposedEntity; notKnown: true }
  | { entity: ProposedEntity; error: string };

/** Asks the backend's `POST …/preview` for each entity, one after another. */
export async function previewEntities(
  entities: ProposedEntity[],
  options: {
    backend: string;
    token?: string;
    periods: number;
    fetch?: typeof fetch;
  },
): Promise<PreviewOutcome[]> {
  const doFetch = options.fetch ?? fetch;
  const base = options.backend.replace(/\/+$/, '');
  const outcomes: PreviewOutcome[] = [];
  for (const entity of entities) {
    const path = [entity.kind, entity.namespace, entity.name]
      .map(encodeURIComponent)
      .join('/');
    try {
      const res = await doFetch(`${base}/api/sla/entities/${path}/preview`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          ...(options.token
            ? { Authorization: `Bearer ${options.token}` }
            : {}),
        },
        body: JSON.stringify({
          annotations: entity.annotations,
          periods: options.periods,
        }),
      });
      if (res.status === 404) {
        outcomes.push({ entity, notKnown: true });
        continue;
      }
      const body = (await res.json().catch(() => undefined)) as
        | (TermsPreview & { error?: { message?: string } })
        | undefined;
      if (!res.ok || !body) {
        outcomes.push({
          entity,
          error: `${res.status} ${body?.error?.message ?? res.statusText}`,
        });
        continue;
      }
      outcomes.push({ entity, preview: body });
    } catch (e) {
      outcomes.push({
        entity,
        error: e instanceof Error ? e.message : String(e),
      });
    }
  }
  return outcomes;
}

const rateOf = (side: TermsPreview['periods'][number]['current']) =>
  side.committed === 0
    ? 'n/a'
    : `${formatPercent(side.achievementRate)} (${side.met} of ${
        side.committed
      })`;

/** The outcomes as Markdown, ready to paste as a pull-request comment. */
export function previewMarkdown(outcomes: PreviewOutcome[]): string {
  const parts: string[] = ['## SLA terms: what the change would have done'];
  for (const o of outcomes) {
    parts.push('', `### ${o.entity.ref} (${o.entity.file})`, '');
    if ('notKnown' in o) {
      parts.push(
        'Not known to the backend yet (a new entity, or not synced): no history to compare.',
      );
      continue;
    }
    if ('error' in o) {
      parts.push(`Preview failed: ${o.error}`);
      continue;
    }
    const { preview } = o;
    for (const p of preview.problems) parts.push(`- Problem: ${p.message}`);
    if (preview.problems.length) parts.push('');
    const changed = preview.periods.filter(
      p => (p.rateChange ?? 0) !== 0 || p.incidents.length > 0,
    );
    if (changed.length === 0) {
      parts.push(
        `No change in the last ${preview.periods.length} closed periods.`,
      );
      continue;
    }
    parts.push(
      '| Period | In force | Proposed | Change | Incidents judged differently |',
      '|---|---|---|---|---|',
    );
    for (const p of changed) {
      const change =
        p.rateChange === undefined || p.rateChange === 0
          ? '—'
          : `${formatPoints(p.rateChange)} points`;
      const incidents = p.incidents
        .map(
          i =>
            `${i.source}: ${i.id} ${i.clock} ${i.priority}: ${i.current} → ${i.proposed}`,
        )
        .join('; ');
      parts.push(
        `| ${p.period} | ${rateOf(p.current)} | ${rateOf(
          p.proposed,
        )} | ${change} | ${incidents || '—'} |`,
      );
    }
  }
  return `${parts.join('\n')}\n`;
}
