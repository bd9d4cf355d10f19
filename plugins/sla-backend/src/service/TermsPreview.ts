import { InputError } from '@backstage/errors';
import {
  computeServiceCredits,
  evaluatePeriod,
  granularityOf,
  hasSlaAnnotations,
  parseSlaAnnotations,
  previousPeriods,
  type PeriodResult,
  type SlaConfig,
  type SlaTerms,
  // The API's shape (one contract); this file's class is also named TermsPreview.
  type TermsPreview as TermsPreviewResult,
  type TermsPreviewPeriod,
  type TermsPreviewSide,
} from '@servicelevel/plugin-sla-common';
import type { IncidentStore } from '../database/types';
import {
  termsAsWrittenOf,
  type ComplianceService,
  type EntityPeriodResult,
} from './ComplianceService';

/** Most closed periods one preview evaluates; the default is 12. */
export const MAX_PREVIEW_PERIODS = 36;

/** An incident whose clock is judged differently under the proposed terms. */
type IncidentChange = TermsPreviewPeriod['incidents'][number];

function sideOf(
  result: PeriodResult,
  terms: SlaTerms,
  termsVersion?: number,
): TermsPreviewSide {
  const side: TermsPreviewSide = {
    met: result.met,
    committed: result.committed,
    objectives: result.objectives.map(o => ({
      objective: o.objective,
      target: o.target,
      status: o.status,
    })),
  };
  if (termsVersion !== undefined) side.termsVersion = termsVersion;
  if (result.achievementRate !== undefined)
    side.achievementRate = result.achievementRate;
  if (result.availability.availability !== undefined)
    side.availability = result.availability.availability;
  const credits = computeServiceCredits({
    terms,
    periodKind: terms.period,
    result,
  });
  if (credits) side.creditShareBp = credits.shareBp;
  return side;
}

/** Clock statuses of the incidents that count in the period, by `source\0id\0clock`. */
function countedClocks(result: PeriodResult): Map<string, string> {
  const out = new Map<string, string>();
  for (const row of result.incidents) {
    const id = `${row.source}\u0000${row.id}`;
    if (row.countedForResponse)
      out.set(`${id}\u0000response`, row.response.status);
    if (row.countedForResolution)
      out.set(`${id}\u0000resolution`, row.resolution.status);
  }
  return out;
}

function incidentChanges(
  current: PeriodResult,
  proposed: PeriodResult,
): IncidentChange[] {
  const before = countedClocks(current);
  const after = countedClocks(proposed);
  const rows = new Map(
    [...current.incidents, ...proposed.incidents].map(r => [
      `${r.source}\u0000${r.id}`,
      r,
    ]),
  );
  const changes: IncidentChange[] = [];
  for (const key of new Set([...before.keys(), ...after.keys()])) {
    const was = before.get(key) ?? 'not-counted';
    const will = after.get(key) ?? 'not-counted';
    if (was === will) continue;
    const [source, id, clock] = key.split('\u0000');
    const row = rows.get(`${source}\u0000${id}`)!;
    changes.push({
      source,
      id,
      title: row.title,
      priority: row.priority,
      clock: clock as 'response' | 'resolution',
      current: was,
      proposed: will,
    });
  }
  return changes.sort(
    (a, b) =>
      a.source.localeCompare(b.source) ||
      a.id.localeCompare(b.id) ||
      a.clock.localeCompare(b.clock),
  );
}

/**
 * "What if": the last closed periods of an entity under its terms in force and under proposed
 * annotations, side by side, with the incidents that would be judged differently. The same
 * engine evaluates both sides; nothing of the proposal is stored. (Reading the current side
 * publishes a closed period's snapshot on its first read, as every compliance read does.)
 */
export class TermsPreview {
  constructor(
    private readonly deps: {
      compliance: ComplianceService;
      incidents: IncidentStore;
      slaConfig: SlaConfig;
    },
  ) {}

  async preview(
    entityRef: string,
    annotations: Record<string, string>,
    count: number,
    now: number,
  ): Promise<TermsPreviewResult> {
    if (!Number.isInteger(count) || count < 1 || count > MAX_PREVIEW_PERIODS) {
      throw new InputError(
        `periods: must be a whole number from 1 to ${MAX_PREVIEW_PERIODS} (got ${count})`,
      );
    }
    // Not found (or no SLA) answers 404 before the proposal is read.
    await this.deps.compliance.loadEntity(entityRef);
    if (!hasSlaAnnotations(annotations)) {
      throw new InputError(
        'annotations: the proposal has no servicelevel.io/ objective or tier, so there is nothing to evaluate',
      );
    }
    const { terms, problems } = parseSlaAnnotations(
      annotations,
      this.deps.slaConfig,
    );
    if (!terms) {
      throw new InputError(
        `annotations: no terms could be read from the proposal (${problems
          .map(p => p.message)
          .join('; ')})`,
      );
    }
    // The open period is left out: a preview compares decided figures.
    const periods = previousPeriods(
      count + 1,
      granularityOf(terms.period),
      terms.timezone,
      now,
    ).slice(0, count);
    const incidents = await this.deps.incidents.listForEntity(
      entityRef,
      periods[0].start,
      periods[periods.length - 1].end,
    );
    const calendar = this.deps.compliance.calendarFor(terms);
    const out: TermsPreviewPeriod[] = [];
    for (const period of periods) {
      const current: EntityPeriodResult =
        await this.deps.compliance.entityCompliance(
          entityRef,
          { kind: 'key', key: period.key },
          now,
        );
      const proposed = evaluatePeriod({
        terms,
        calendar,
        incidents,
        period,
        now,
      });
      const row: TermsPreviewPeriod = {
        period: period.key,
        current: sideOf(current.result, current.terms, current.termsVersion),
        proposed: sideOf(proposed, terms),
        incidents: incidentChanges(current.result, proposed),
      };
      const a = row.current.achievementRate;
      const b = row.proposed.achievementRate;
      if (a !== undefined && b !== undefined) row.rateChange = b - a;
      out.push(row);
    }
    return {
      entityRef,
      problems,
      proposedTermsAsWritten: termsAsWrittenOf(terms),
      periods: out,
    };
  }
}
