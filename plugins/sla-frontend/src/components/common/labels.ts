import {
  TranslationFunction,
  useTranslationRef,
} from '@backstage/frontend-plugin-api';
import {
  formatDisplayDuration,
  formatPercent,
  type DisplayLanguage,
} from '@servicelevel/plugin-sla-common';
import type { ObjectiveResult } from '../../api';
import { slaTranslationRef } from '../../translation';
import { splitObjective } from './format';

/** What {@link useSlaFormat} needs of an objective result. */
export interface ObjectiveFigures {
  objective: string;
  target: ObjectiveResult['target'];
  actual: ObjectiveResult['actual'];
}

/** The plugin's translate function. */
export type SlaTranslate = TranslationFunction<typeof slaTranslationRef.T>;

/**
 * What {@link useSlaFormat} gives. Declared, not inferred: the inferred type spells out every
 * message key, and emitting it made tsc's declaration output run out of memory.
 */
export interface SlaFormat {
  t: SlaTranslate;
  lang: DisplayLanguage;
  duration(ms: number | undefined): string;
  percent(value: number | undefined): string;
  objective(id: string): string;
  target(o: Pick<ObjectiveFigures, 'objective' | 'target'>): string;
  actual(o: ObjectiveFigures): string;
  rateOf(met: number, total: number, unknown?: number): string;
  achievement(r: {
    met: number;
    committed: number;
    unknown?: number;
    achievementRate?: number;
    complete: boolean;
    objectives?: Array<{ objective: string; status: string }>;
  }): string;
}

/**
 * Display formats in the user's language: sla-common's percent and duration formats, and
 * objective names, targets and actuals built from the API's figures through the translation
 * ref. Nothing is recomputed: every number is the API's, only formatted.
 */
export function useSlaFormat(): SlaFormat {
  const { t } = useTranslationRef(slaTranslationRef);
  const lang: DisplayLanguage =
    (t('format.lang') as string) === 'zh-CN' ? 'zh-CN' : 'en';
  const duration = (ms: number | undefined) =>
    formatDisplayDuration(ms, { lang });
  const percent = (value: number | undefined) => formatPercent(value);

  /** Human name of an objective id (`response-time:P1` → "Response time · P1"). */
  const objective = (id: string): string => {
    const { kind, priority } = splitObjective(id);
    switch (kind) {
      case 'availability':
        return t('objective.availability');
      case 'response-time':
        return t('objective.responseTime', { priority: priority ?? '' });
      case 'resolution-time':
        return t('objective.resolutionTime', { priority: priority ?? '' });
      case 'max-incidents':
        return priority === 'all'
          ? t('objective.maxIncidentsAll')
          : t('objective.maxIncidents', { priority: priority ?? '' });
      case 'max-outage':
        return t('objective.maxOutage');
      case 'min-mtbf':
        return t('objective.minMtbf');
      default:
        return id;
    }
  };

  /** The target of an objective (`15 m for 95% of incidents`, `at most 2`). */
  const target = (o: Pick<ObjectiveFigures, 'objective' | 'target'>) => {
    const { value, percentile } = o.target;
    switch (splitObjective(o.objective).kind) {
      case 'availability':
        return percent(value);
      case 'response-time':
      case 'resolution-time':
        return percentile === undefined || percentile === 100
          ? t('target.timeAll', { duration: duration(value) })
          : t('target.time', {
              duration: duration(value),
              percentile: percent(percentile),
            });
      case 'max-incidents':
        return t('target.atMost', { value: String(value) });
      case 'max-outage':
        return t('target.atMost', { value: duration(value) });
      case 'min-mtbf':
        return t('target.atLeast', { value: duration(value) });
      default:
        return o.target.display;
    }
  };

  /** The actual of an objective (`no incidents`, `10 of 12 met (83.33%), worst 4 h 4 m`). */
  const actual = (o: ObjectiveFigures): string => {
    const a = o.actual;
    switch (splitObjective(o.objective).kind) {
      case 'availability':
        return a.value === undefined ? t('actual.noData') : percent(a.value);
      case 'response-time':
      case 'resolution-time':
        if (a.value === undefined) return t('actual.noIncidents');
        if (a.counted !== undefined && a.metCount !== undefined) {
          return t('actual.shareWithCounts', {
            met: String(a.metCount),
            counted: String(a.counted),
            share: percent(a.value),
            worst: duration(a.worstMs),
          });
        }
        return t('actual.share', { share: percent(a.value) });
      case 'max-incidents':
        return a.value === undefined
          ? '—'
          : t('actual.count', { count: a.value });
      case 'max-outage':
        return duration(a.value);
      case 'min-mtbf':
        return a.value === undefined
          ? t('actual.noFailures')
          : duration(a.value);
      default:
        return a.value === undefined ? '—' : String(a.value);
    }
  };

  /** ", 2 unknown" when objectives read unknown for lack of data coverage (SPEC §9). */
  const unknownSuffix = (unknown: number | undefined) =>
    unknown
      ? `${t('common.listSeparator')}${t('coverage.unknownCount', {
          count: unknown,
        })}`
      : '';

  /** A rate's counts: "10 of 12" / "12 项中 10 项", and ", 2 unknown" when some are. */
  const rateOf = (met: number, total: number, unknown?: number) =>
    `${t('common.rateOf', {
      met: String(met),
      total: String(total),
    })}${unknownSuffix(unknown)}`;

  /**
   * A period's achievement: "7 of 10 objectives met (70%)" once it has closed; while it is
   * open, "so far: 8 of 9 decided objectives met" and the objectives still running, never a
   * rate from undecided objectives.
   */
  const achievement = (r: {
    met: number;
    committed: number;
    unknown?: number;
    achievementRate?: number;
    complete: boolean;
    objectives?: Array<{ objective: string; status: string }>;
  }): string => {
    const counts = { met: String(r.met), committed: String(r.committed) };
    const rate = `${
      r.achievementRate === undefined ? '' : ` (${percent(r.achievementRate)})`
    }${unknownSuffix(r.unknown)}`;
    if (r.complete) return `${t('common.achievementValue', counts)}${rate}`;
    const running = (r.objectives ?? [])
      .filter(o => o.status === 'running' || o.status === 'at-risk')
      .map(o => objective(o.objective));
    return `${t('common.soFar', counts)}${rate}${
      running.length > 0
        ? ` · ${t('common.stillRunning', {
            objectives: running.join(t('common.listSeparator')),
          })}`
        : ''
    }`;
  };

  return {
    t,
    lang,
    duration,
    percent,
    objective,
    target,
    actual,
    rateOf,
    achievement,
  };
}

/** Human name of an objective id (`response-time:P1` → "Response time · P1"). */
export function useObjectiveLabel(): (id: string) => string {
  return useSlaFormat().objective;
}
