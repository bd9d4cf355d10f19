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

  it('gives period keys in the zone of the entity, newest first', () => {
    // 2026-12-31 17:00Z is already 2027-01-01 in Shanghai
    const now = Date.parse('2026-12-31T17:00:00Z');
    expect(recentPeriodKeys('month', 'Asia/Shanghai', 3, now)).toEqual([
      '2027-01',
      '2026-12',
      '2026-11',
    ]);
    expect(recentPeriodKeys('month', 'UTC', 1, now)).toEqual(['2026-12']);
    expect(recentPeriodKeys('quarter', 'Asia/Shanghai', 3, now)).toEqual([
      '2027-Q1',
      '2026-Q4',
      '2026-Q3',
    ]);
    expect(recentPeriodKeys('year', 'UTC', 2, now)).toEqual(['2026', '2025']);
  });

  it('flags reviews overdue or due within 30 days', () => {
    expect(reviewState('2026-10-31', '2026-11-20')).toBe('overdue');
    expect(reviewState('2026-12-20', '2026-11-20')).toBe('soon');
    expect(reviewState('2026-12-21', '2026-11-20')).toBe('ok');
    expect(reviewState(undefined, '2026-11-20')).toBeUndefined();
  });

  it('never rounds a percentage up into its target', () => {
    expect(formatPercent(99.94999)).toBe('99.949%');
    expect(formatPercent(undefined)).toBe('—');
    expect(formatDuration(9 * 3_600_000 + 60_000)).toBe('9h 1m');
    expect(formatDuration(-90_000)).toBe('−1m 30s');
  });

  it('writes CSV that spreadsheets read safely', () => {
    expect(toCsv([['a,b', 'say "hi"', '=cmd()', -5, undefined]])).toBe(
      `"a,b","say ""hi""",'=cmd(),-5,`,
    );
  });
});
