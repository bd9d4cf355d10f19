import type { LoggerService } from '@backstage/backend-plugin-api';
import type {
  CalendarConfig,
  SlaConfig,
} from '@servicelevel/plugin-sla-common';
import {
  ResolveCalendarSourcesOptions,
  ResolvedCalendars,
  resolveCalendarSources,
} from './resolve';
import type { CalendarWarning, SourceConfigProblem } from './sources';

/**
 * The named calendars of a running backend with their holiday sources resolved. `refresh`
 * resolves the sources again and writes the result into `slaConfig.calendars` (the object
 * the catalog sync reads), so a source's update becomes a new terms version at the next
 * catalog sync. A source that cannot be read keeps its last resolved dates.
 */
export class CalendarSources {
  private resolved: ResolvedCalendars;

  private constructor(
    private readonly options: {
      rawSla: unknown;
      slaConfig: SlaConfig;
      logger?: LoggerService;
      resolve?: Omit<ResolveCalendarSourcesOptions, 'previous' | 'now'>;
    },
  ) {
    this.resolved = {
      calendars: { ...options.slaConfig.calendars },
      sources: {},
      warnings: [],
      problems: [],
    };
  }

  /** Resolves every source once; `rawSla` is the plain `sla:` config section. */
  static async create(options: {
    rawSla: unknown;
    slaConfig: SlaConfig;
    logger?: LoggerService;
    resolve?: Omit<ResolveCalendarSourcesOptions, 'previous' | 'now'>;
    now?: number;
  }): Promise<CalendarSources> {
    const sources = new CalendarSources(options);
    await sources.refresh(options.now);
    for (const p of sources.resolved.problems) {
      options.logger?.warn(`Ignoring ${p.path}: ${p.message}`);
    }
    return sources;
  }

  /** Resolves the sources again (e.g. a changed ICS file) and updates `slaConfig.calendars`. */
  async refresh(now: number = Date.now()): Promise<ResolvedCalendars> {
    const { rawSla, slaConfig, logger } = this.options;
    const before = new Set(this.resolved.warnings.map(w => w.message));
    const resolved = await resolveCalendarSources(rawSla, slaConfig, {
      ...this.options.resolve,
      now,
      previous: this.resolved.calendars,
    });
    Object.assign(slaConfig.calendars, resolved.calendars);
    this.resolved = resolved;
    for (const w of resolved.warnings) {
      if (!before.has(w.message)) logger?.warn(w.message);
    }
    return resolved;
  }

  /** A named calendar as resolved, or undefined when `sla.calendars` has no such name. */
  getCalendar(name: string): CalendarConfig | undefined {
    return Object.prototype.hasOwnProperty.call(this.resolved.calendars, name)
      ? this.resolved.calendars[name]
      : undefined;
  }

  /** Years a source does not cover and sources that could not be read, for the UI. */
  getWarnings(): CalendarWarning[] {
    return [...this.resolved.warnings];
  }

  /** Malformed `holidaySource` entries. */
  getProblems(): SourceConfigProblem[] {
    return [...this.resolved.problems];
  }
}
