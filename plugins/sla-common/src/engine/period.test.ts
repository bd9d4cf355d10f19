import { DateTime } from 'luxon';
import {
  periodContaining,
  periodFromRange,
  periodsOf,
  previousPeriods,
  resolvePeriod,
} from './period';

const local = (iso: string, zone: string) =>
  DateTime.fromISO(iso, { zone }).toMillis();

describe('periods in the entity zone', () => {
  it('resolves months, quarters and years at local midnight', () => {
    const z = 'Asia/Shanghai';
    expect(resolvePeriod('2026-03', z)).toEqual({
      key: '2026-03',
      granularity: 'month',
      start: local('2026-03-01T00:00', z),
      end: local('2026-04-01T00:00', z),
    });
    expect(resolvePeriod('2026-q4', z)).toMatchObject({
      key: '2026-Q4',
      start: local('2026-10-01T00:00', z),
      end: local('2027-01-01T00:00', z),
    });
    expect(resolvePeriod('2026', z)).toMatchObject({
      key: '2026',
      start: local('2026-01-01T00:00', z),
      end: local('2027-01-01T00:00', z),
    });
  });

  it('a March in New York is 31 days minus the lost hour', () => {
    const p = resolvePeriod('2026-03', 'America/New_York');
    expect(p.end - p.start).toBe(31 * 86_400_000 - 3_600_000);
  });

  it('29 February: February 2028 has 29 days, 2026 has 28', () => {
    const leap = resolvePeriod('2028-02', 'Europe/London');
    expect(leap.end - leap.start).toBe(29 * 86_400_000);
    expect(
      periodContaining(Date.UTC(2028, 1, 29, 23, 59), 'month', 'UTC').key,
    ).toBe('2028-02');
    const p = resolvePeriod('2026-02', 'UTC');
    expect(p.end - p.start).toBe(28 * 86_400_000);
  });

  it('rejects malformed periods naming the expected forms', () => {
    expect(() => resolvePeriod('2026-13', 'UTC')).toThrow(
      'period "2026-13" — expected YYYY-MM, YYYY-Qn or YYYY',
    );
    expect(() => resolvePeriod('March', 'UTC')).toThrow(RangeError);
  });

  it('custom ranges: dates are inclusive local days, date-times exact', () => {
    const z = 'Asia/Shanghai';
    expect(periodFromRange('2026-03-01', '2026-03-15', z)).toEqual({
      key: '2026-03-01..2026-03-15',
      granularity: 'custom',
      start: local('2026-03-01T00:00', z),
      end: local('2026-03-16T00:00', z),
    });
    const exact = periodFromRange(
      '2026-03-01T10:00:00Z',
      '2026-03-01T12:00:00Z',
      z,
    );
    expect(exact.end - exact.start).toBe(7_200_000);
    expect(() => periodFromRange('2026-03-05', '2026-03-01', z)).toThrow();
    expect(() => periodFromRange('yesterday', '2026-03-01', z)).toThrow(
      'from "yesterday"',
    );
  });

  it('the period containing an instant uses the local date', () => {
    // 2026-03-31 20:00Z is already April 1st in Shanghai.
    expect(
      periodContaining(Date.UTC(2026, 2, 31, 20), 'month', 'Asia/Shanghai').key,
    ).toBe('2026-04');
    expect(
      periodContaining(Date.UTC(2026, 2, 31, 20), 'month', 'UTC').key,
    ).toBe('2026-03');
    expect(periodContaining(Date.UTC(2026, 5, 30), 'quarter', 'UTC').key).toBe(
      '2026-Q2',
    );
  });

  it('lists periods over a range and the history ending now', () => {
    expect(
      periodsOf(
        'quarter',
        'UTC',
        Date.UTC(2025, 10, 5),
        Date.UTC(2026, 3, 1),
      ).map(p => p.key),
    ).toEqual(['2025-Q4', '2026-Q1']);
    const h = previousPeriods(
      3,
      'month',
      'Europe/London',
      Date.UTC(2026, 0, 15),
    );
    expect(h.map(p => p.key)).toEqual(['2025-11', '2025-12', '2026-01']);
    expect(h[0].end).toBe(h[1].start);
    expect(h[1].end).toBe(h[2].start);
  });
});
