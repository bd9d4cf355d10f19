import { getHolidaysInRange, getWorkdaysInRange } from 'chinese-days';
import { emptySourceDays, SourceDays, YearRange } from './sources';

const isWeekend = (date: string) => {
  const day = new Date(`${date}T00:00:00Z`).getUTCDay();
  return day === 0 || day === 6;
};

/**
 * China's official public holidays and make-up working days (调休) as published by the
 * `chinese-days` package (from the State Council's yearly notices). A year the package has
 * no holidays for (the next year is announced in late autumn) is uncovered.
 */
export function cnOfficialDays(years: YearRange): SourceDays {
  const days = emptySourceDays();
  for (let year = years.from; year <= years.to; year++) {
    const start = `${year}-01-01`;
    const end = `${year}-12-31`;
    const holidays = getHolidaysInRange(start, end, false);
    if (holidays.length === 0) {
      days.uncoveredYears.push(year);
      continue;
    }
    days.holidays.push(...holidays);
    // A weekend day counts as a workday only when the notice makes it a make-up day.
    days.workdays.push(
      ...getWorkdaysInRange(start, end, true).filter(isWeekend),
    );
  }
  return days;
}
