import { toCsv } from './csv';
import {
  formatDuration,
  formatInstant,
  formatPercent,
  recentPeriodKeys,
  reviewState,
} from './format';

describe('format', () => {
  it('shows instants in the entity zone, across DST', () => {
    const t = Date.parse('2026-09-18T09:30:00Z');
    expect(formatInstant(t, 'Asia/Shanghai')).toBe('2026-09-18 17:30');
    expect(
      formatInstant(Date.parse('2026-03-29T01:30:00Z'), 'Europe/Berlin'),
    ).toBe('2026-03-29 03:30');
  });

  // 2026-12-31 17:00Z is already 2027-01-01 in Shanghai.
  it.each([
    ['month', 'Asia/Shanghai', 3, ['2027-01', '2026-12', '2026-11']],
    ['month', 'UTC', 1, ['2026-12']],
    ['quarter', 'Asia/Shanghai', 3, ['2027-Q1', '2026-Q4', '2026-Q3']],
    ['year', 'UTC', 2, ['2026', '2025']],
  ] as const)(
    'gives the last %s keys in the zone of the entity (%s), newest first',
    (granularity, zone, count, keys) => {
      const now = Date.parse('2026-12-31T17:00:00Z');
      expect(recentPeriodKeys(granularity, zone, count, now)).toEqual(keys);
    },
  );

  it('flags reviews overdue or due within 30 days, in the entity zone', () => {
    // 2026-11-19T17:00Z is already 2026-11-20 in Shanghai.
    const now = Date.parse('2026-11-19T17:00:00Z');
    expect(reviewState('2026-11-19', now, 'Asia/Shanghai')).toBe('overdue');
    expect(reviewState('2026-11-19', now, 'UTC')).toBe('due-soon');
    expect(reviewState('2026-12-21', now, 'Asia/Shanghai')).toBe('ok');
    expect(reviewState(undefined, now, 'UTC')).toBe('none');
  });

  it('rounds percentages half-up and writes durations as people do', () => {
    expect(formatPercent(99.94999)).toBe('99.95%');
    expect(formatPercent((2 / 3) * 100)).toBe('66.67%');
    expect(formatPercent(100)).toBe('100%');
    expect(formatPercent(undefined)).toBe('—');
    expect(formatDuration(9 * 3_600_000 + 60_000)).toBe('9 h 1 m');
    expect(formatDuration(-90_000)).toBe('−1 m 30 s');
    expect(formatDuration(142 * 3_600_000 + 24 * 60_000, 'zh-CN')).toBe(
      '5天22小时24分',
    );
  });

  it('writes CSV that spreadsheets read safely', () => {
    expect(toCsv([['a,b', 'say "hi"', '=cmd()', -5, undefined]])).toBe(
      `"a,b","say ""hi""",'=cmd(),-5,`,
    );
    // A leading minus or @ that is not a plain number is a formula too.
    expect(toCsv([["-1+cmd|' /C calc'!A0", '@SUM(A1)', '\tx']])).toBe(
      `'-1+cmd|' /C calc'!A0,'@SUM(A1),'\tx`,
    );
  });
});
