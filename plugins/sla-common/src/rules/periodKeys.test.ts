import {
  currentPeriodKey,
  formatPeriodKey,
  isPeriodKey,
  parsePeriodKey,
  periodKindOfKey,
  previousPeriodKey,
  recentPeriodKeys,
  shiftPeriodKey,
  startedPeriodKeysOfYear,
} from './periodKeys';
import { resolvePeriod } from '../engine/period';

describe('period keys', () => {
  it('parses and formats the three kinds', () => {
    expect(parsePeriodKey('2026-03')).toEqual({
      kind: 'monthly',
      year: 2026,
      index: 3,
    });
    expect(parsePeriodKey('2026-q1')).toEqual({
      kind: 'quarterly',
      year: 2026,
      index: 1,
    });
    expect(parsePeriodKey(' 2026 ')).toEqual({
      kind: 'yearly',
      year: 2026,
      index: 1,
    });
    for (const key of ['2026-03', '2026-Q1', '2026', '1970-01', '2100-Q4']) {
      expect(formatPeriodKey(parsePeriodKey(key))).toBe(key);
    }
  });

  it('refuses bad keys with an error naming the key and the problem', () => {
    expect(() => parsePeriodKey('2026-13')).toThrow(
      'period "2026-13" — expected YYYY-MM, YYYY-Qn or YYYY, e.g. 2026-03: month must be 01–12',
    );
    expect(() => parsePeriodKey('2026-00')).toThrow('month must be 01–12');
    expect(() => parsePeriodKey('2026-Q5')).toThrow(
      'period "2026-Q5" — expected YYYY-MM, YYYY-Qn or YYYY, e.g. 2026-03: quarter must be Q1–Q4',
    );
    expect(() => parsePeriodKey('1969')).toThrow('year must be 1970–2100');
    expect(() => parsePeriodKey('2101-01')).toThrow('period "2101-01"');
    expect(() => parsePeriodKey('March')).toThrow(RangeError);
    expect(() => resolvePeriod('2026-Q0', 'UTC')).toThrow(
      'quarter must be Q1–Q4',
    );
    expect(isPeriodKey('2026-2')).toBe(false);
    expect(periodKindOfKey('2026-01-01..2026-02-01')).toBeUndefined();
    expect(periodKindOfKey('2026-Q2')).toBe('quarterly');
  });

  it('steps across year boundaries', () => {
    expect(previousPeriodKey('2026-01')).toBe('2025-12');
    expect(previousPeriodKey('2026-Q1')).toBe('2025-Q4');
    expect(previousPeriodKey('2026')).toBe('2025');
    expect(shiftPeriodKey('2026-11', 3)).toBe('2027-02');
    expect(shiftPeriodKey('2026-Q3', -6)).toBe('2025-Q1');
  });

  it('takes "current" from the civil date in the entity zone', () => {
    // 2026-12-31 17:00Z is already 2027-01-01 in Shanghai.
    const now = Date.parse('2026-12-31T17:00:00Z');
    expect(currentPeriodKey('monthly', 'Asia/Shanghai', now)).toBe('2027-01');
    expect(currentPeriodKey('month', 'UTC', now)).toBe('2026-12');
    expect(currentPeriodKey('quarterly', 'America/New_York', now)).toBe(
      '2026-Q4',
    );
    expect(recentPeriodKeys('quarter', 'Asia/Shanghai', 3, now)).toEqual([
      '2027-Q1',
      '2026-Q4',
      '2026-Q3',
    ]);
    expect(recentPeriodKeys('yearly', 'UTC', 2, now)).toEqual(['2026', '2025']);
  });

  it('agrees with the engine period containing now, in many zones', () => {
    const zones = ['UTC', 'Asia/Shanghai', 'America/Sao_Paulo', 'Pacific/Apia'];
    for (const zone of zones) {
      for (
        let t = Date.UTC(2026, 0, 1);
        t < Date.UTC(2027, 0, 1);
        t += 7 * 3_600_000 + 1
      ) {
        const key = currentPeriodKey('monthly', zone, t);
        const p = resolvePeriod(key, zone);
        expect(t >= p.start && t < p.end).toBe(true);
      }
    }
  });

  it('lists the started periods of a year', () => {
    const now = Date.parse('2026-05-10T00:00:00Z');
    expect(startedPeriodKeysOfYear('quarterly', 2026, 'UTC', now)).toEqual([
      '2026-Q1',
      '2026-Q2',
    ]);
    expect(startedPeriodKeysOfYear('monthly', 2025, 'UTC', now)).toHaveLength(
      12,
    );
    expect(startedPeriodKeysOfYear('monthly', 2027, 'UTC', now)).toEqual([]);
  });
});
