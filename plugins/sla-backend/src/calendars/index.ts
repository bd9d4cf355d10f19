export { CalendarSources } from './CalendarSources';
export { createCalendarsRouter } from './router';
export type { CalendarLookup, CalendarsRouterOptions } from './router';
export { calendarToIcs } from './icsOut';
export { marksWorkingDay, parseIcsDays, readIcsText } from './ics';
export { defaultYears, mergeCalendar, resolveCalendarSources } from './resolve';
export type {
  ResolvedCalendars,
  ResolveCalendarSourcesOptions,
} from './resolve';
export { readHolidaySources } from './sources';
export type {
  CalendarWarning,
  HolidaySource,
  SourceConfigProblem,
  YearRange,
} from './sources';
