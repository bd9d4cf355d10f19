/**
 * SLA arithmetic engine: annotation grammar, business calendars, incident
 * clocks and period evaluation. Pure and isomorphic (luxon only).
 * See ../../ENGINE.md.
 */
export {
  SLA_ANNOTATION_PREFIX,
  SLA_ANNOTATIONS,
  INCIDENT_SOURCE_ANNOTATIONS,
  SLA_OBJECTIVE_KEYS,
  ANNOTATION_REFERENCE,
  annotationReferenceMarkdown,
  hasSlaAnnotations,
} from './annotations';
export type { AnnotationReference, SlaAnnotationKey } from './annotations';
export { PRIORITIES, AGREEMENT_TYPES } from './types';
export type {
  Priority,
  PeriodKind,
  Pause,
  Incident,
  CalendarConfig,
  CalendarSnapshot,
  AgreementType,
  SlaConfig,
  ServiceHours,
  TimeTarget,
  PriorityTargets,
  SlaTerms,
  CreditRule,
  ServiceCreditTerms,
  MonthlyFee,
} from './types';
export { readSlaConfig } from './config';
export type { ConfigProblem } from './config';
export {
  parseSlaAnnotations,
  formatSlaTerms,
  serializeTerms,
  mapPriority,
  BY_REGION,
} from './terms';
export type { AnnotationProblem } from './terms';
export { parseDuration, formatDuration, formatElapsed } from './duration';
export { WEEKDAYS, parseWeeklyHours, formatWeeklyHours } from './weekly';
export type { Weekday, WeeklyHours } from './weekly';
export { isValidTimeZone } from './time';
export {
  createBusinessCalendar,
  createAlwaysOnCalendar,
  createWeeklyCalendar,
  createNamedCalendar,
  regionCalendars,
} from './calendar';
export type { BusinessCalendar } from './calendar';
export {
  resolvePeriod,
  periodFromRange,
  periodContaining,
  periodsOf,
  previousPeriods,
  granularityOf,
} from './period';
export type { Period, PeriodGranularity } from './period';
export { evaluateIncidentClocks, evaluateClock, clockElapsed } from './clocks';
export type { ClockResult, ClockStatus, IncidentClocks } from './clocks';
export {
  evaluatePeriod,
  committedObjectives,
  achievementRate,
  percentOf,
  termsInForce,
  incidentSourceCounts,
  DEFAULT_BUILTIN_SOURCES,
} from './evaluate';
export type {
  CommittedObjective,
  ObjectiveStatus,
  ObjectiveId,
  ObjectiveResult,
  AvailabilityResult,
  IncidentRow,
  PeriodResult,
  EvaluatePeriodInput,
} from './evaluate';
export { toOpenSlo, openSloName, readOpenSlo } from './openslo';
export type { OpenSloProblem } from './openslo';
export {
  CREDIT_OBJECTIVES,
  FEE_MONTHS,
  computeServiceCredits,
  isCountedBreach,
  parseServiceCredits,
  formatServiceCredits,
  parseMonthlyFee,
  formatMonthlyFee,
  isCurrencyCode,
  currencyMinorUnits,
  supportedCurrencies,
  divideRoundHalfAwayFromZero,
} from './credits';
export type {
  CreditRuleError,
  CreditObjectiveInput,
  CreditIncidentInput,
  CreditPeriodInput,
  ComputeServiceCreditsInput,
  ServiceCreditLine,
  CreditAmount,
  ServiceCreditsResult,
} from './credits';
export {
  attributeDowntime,
  maintenanceCalendarOf,
  chainWarnings,
} from './chain';
export type {
  OutageInterval,
  DependencyOutages,
  AttributeDowntimeInput,
  DependencyAttribution,
  DowntimeAttribution,
  ChainDependency,
  ChainWarning,
} from './chain';
export {
  DEFAULT_COVERAGE_THRESHOLD,
  applyCoverage,
  feedsObjective,
  periodCoverage,
} from './coverage';
export type {
  CoverageFeeds,
  CoverageGap,
  PeriodCoverage,
  SourceCoverage,
  SourceCoverageInput,
} from './coverage';
