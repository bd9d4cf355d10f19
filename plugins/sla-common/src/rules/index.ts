/**
 * Rules both the backend and the frontend apply: period keys, overdue, review state, CSV
 * cells, display formats and the incident validator. One owner each; both sides import them.
 */
export {
  MIN_PERIOD_YEAR,
  MAX_PERIOD_YEAR,
  parsePeriodKey,
  isPeriodKey,
  periodKindOfKey,
  formatPeriodKey,
  shiftPeriodKey,
  previousPeriodKey,
  currentPeriodKey,
  recentPeriodKeys,
  startedPeriodKeysOfYear,
  yearMonthIn,
} from './periodKeys';
export type { PeriodKeyKind, PeriodKeyParts } from './periodKeys';
export { todayIn, isCalendarDate, daysUntil } from './dates';
export { isDateOverdue, overdueActionIds, isPlanOverdue } from './overdue';
export { REVIEW_DUE_DAYS, reviewState } from './reviewState';
export type { ReviewState } from './reviewState';
export { csvCell, toCsv } from './csv';
export {
  roundPercent,
  formatPercent,
  formatDisplayDuration,
  formatMoney,
  formatPoints,
} from './format';
export type { DisplayLanguage } from './format';
export { objectiveLabel } from './objectiveLabel';
export {
  MAX_INCIDENT_BATCH,
  MAX_INCIDENT_TITLE,
  MAX_INCIDENT_ID,
  MIN_INCIDENT_INSTANT,
  MAX_INCIDENT_INSTANT,
  readInstant,
  readEntityRef,
  readIncident,
  readIncidentBatch,
  describeProblems,
} from './incidentInput';
export type { IncidentProblem } from './incidentInput';
export {
  CROSS_CHECK_TOLERANCE_MS,
  crossCheck,
  crossCheckReason,
} from './crossCheck';
export type {
  CrossCheckDisagreement,
  CrossCheckReason,
  VendorClock,
  VendorVerdict,
} from './crossCheck';
