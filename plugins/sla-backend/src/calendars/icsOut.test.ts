import { readSlaConfig } from '@servicelevel/plugin-sla-common';
import ICAL from 'ical.js';
import { parseIcsDays } from './ics';
import { calendarToIcs } from './icsOut';

describe('calendarToIcs', () => {
  const { config } = readSlaConfig({
    calendars: {
      'ny-support': {
        timezone: 'America/New_York',
        hours: { 'mon-fri': '08:00-17:00', sat: '10:00-14:00' },
        holidays: ['2026-11-26', '2026-11-27', '2026-12-25'],
        workdays: ['2026-11-29'],
        closures: { '2026-12-24': '12:00-24:00' },
      },
    },
  });
  const cal = config.calendars['ny-support'];
  const text = calendarToIcs('ny-support', cal, {
    now: Date.parse('2026-09-01T00:00:00Z'),
  });
  const root = new ICAL.Component(ICAL.parse(text) as unknown[]);

  it('reads back into the same dates and closures', () => {
    expect(
      parseIcsDays(text, 'America/New_York', { from: 2026, to: 2027 }),
    ).toMatchObject({
      holidays: cal.holidays,
      workdays: cal.workdays,
      closures: { '2026-12-24': [[720, 1440]] },
    });
  });

  it('writes a VTIMEZONE that places local times across DST like the IANA zone', () => {
    const tz = new ICAL.Timezone(root.getFirstSubcomponent('vtimezone')!);
    const utc = (iso: string) => {
      const t = ICAL.Time.fromDateTimeString(iso);
      t.zone = tz;
      return new Date(t.toUnixTime() * 1000).toISOString();
    };
    expect(utc('2026-01-05T08:00:00')).toBe('2026-01-05T13:00:00.000Z');
    expect(utc('2026-07-06T08:00:00')).toBe('2026-07-06T12:00:00.000Z');
    expect(utc('2026-11-02T08:00:00')).toBe('2026-11-02T13:00:00.000Z');
  });

  it('gives each span of the week one recurring event, runs of holidays one event', () => {
    const events = root
      .getAllSubcomponents('vevent')
      .map(v => new ICAL.Event(v));
    const weekly = events
      .filter(e => e.isRecurring())
      .map(e => String(e.component.getFirstPropertyValue('rrule')));
    expect(weekly).toEqual([
      'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR',
      'FREQ=WEEKLY;BYDAY=SA',
    ]);
    const thanksgiving = events.find(
      e => e.startDate.toString() === '2026-11-26',
    )!;
    expect(thanksgiving.summary).toBe('Holiday: SLA clock stopped');
    expect(thanksgiving.endDate.toString()).toBe('2026-11-28');
  });
});
