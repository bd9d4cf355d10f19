import { InputError, NotFoundError } from '@backstage/errors';
import {
  crossCheck,
  CrossCheckDisagreement,
  isPeriodKey,
  resolvePeriod,
  VendorVerdict,
} from '@servicelevel/plugin-sla-common';
import type { IncidentStore } from '../database/types';
import type { ComplianceService } from './ComplianceService';

/** The widest zone offset (±14 h) and then some: the window read before each entity's own period. */
const ZONE_MARGIN_MS = 24 * 3_600_000;

/** One source's cross-check for one period (GET /sources/{source}/cross-check). */
export interface CrossCheckView {
  source: string;
  period: string;
  /** Vendor verdicts read for the period's incidents. */
  verdicts: number;
  /** Clocks compared: both sides decided (met or breached). */
  compared: number;
  /** Clocks where our met/breached differs from the vendor's, with the likely reason. */
  disagreements: Array<CrossCheckDisagreement & { entityRef: string }>;
  /** Entities whose incidents have verdicts but which carry no SLA: nothing to compare. */
  withoutSla: string[];
}

/**
 * Our verdict beside the vendor's (issue 17 §3), per source and period: each entity with
 * verdicts is evaluated as the compliance endpoint evaluates it (snapshots for closed periods),
 * then sla-common's crossCheck names the disagreements.
 */
export class CrossCheck {
  constructor(
    private readonly deps: {
      compliance: ComplianceService;
      incidents: IncidentStore;
    },
  ) {}

  async forSource(
    source: string,
    period: string,
    now: number,
  ): Promise<CrossCheckView> {
    const key = period.trim();
    if (!isPeriodKey(key)) {
      throw new InputError(
        `period: "${period}" — expected 2026-03, 2026-Q1 or 2026`,
      );
    }
    // Entities resolve the key in their own zone: read a window wide enough for any zone.
    const utc = resolvePeriod(key, 'UTC');
    const verdicts = await this.deps.incidents.listVendorVerdicts(
      source,
      utc.start - ZONE_MARGIN_MS,
      utc.end + ZONE_MARGIN_MS,
    );
    const byEntity = new Map<string, VendorVerdict[]>();
    for (const { entityRef, ...verdict } of verdicts) {
      byEntity.set(entityRef, [...(byEntity.get(entityRef) ?? []), verdict]);
    }
    const view: CrossCheckView = {
      source,
      period: key,
      verdicts: 0,
      compared: 0,
      disagreements: [],
      withoutSla: [],
    };
    for (const [entityRef, ofEntity] of byEntity) {
      let evaluated;
      try {
        evaluated = await this.deps.compliance.entityCompliance(
          entityRef,
          { kind: 'key', key },
          now,
        );
      } catch (e) {
        if (!(e instanceof NotFoundError)) throw e;
        view.withoutSla.push(entityRef);
        continue;
      }
      const inPeriod = new Set(
        evaluated.result.incidents
          .filter(i => i.source === source)
          .map(i => i.id),
      );
      view.verdicts += ofEntity.filter(v => inPeriod.has(v.incidentId)).length;
      const checked = crossCheck(
        evaluated.terms,
        evaluated.result.incidents,
        ofEntity,
      );
      view.compared += checked.compared;
      for (const d of checked.disagreements) {
        view.disagreements.push({ entityRef, ...d });
      }
    }
    return view;
  }
}
