import { formatDuration, parseDuration } from '../engine/duration';
import {
  formatDisplayDuration,
  formatMoney,
  formatPercent,
  formatPoints,
  roundPercent,
} from './format';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

describe('display formats', () => {
  it('rounds percentages half-up to at most 2 decimals', () => {
    expect(formatPercent((2 / 3) * 100)).toBe('66.67%');
    expect(formatPercent(99.95)).toBe('99.95%');
    expect(formatPercent(100)).toBe('100%');
    expect(formatPercent(83.33333333333334)).toBe('83.33%');
    expect(formatPercent(85.385)).toBe('85.39%');
    expect(formatPercent(1.005)).toBe('1.01%');
    expect(formatPercent(99.9)).toBe('99.9%');
    expect(formatPercent(0)).toBe('0%');
    expect(formatPercent(-88.6)).toBe('−88.6%');
    expect(formatPercent(undefined)).toBe('—');
    expect(roundPercent(99.994999)).toBe(99.99);
  });

  it('writes durations as people do, never milliseconds', () => {
    const long = 142 * H + 24 * M + 27 * S + 527;
    expect(formatDisplayDuration(long)).toBe('5 d 22 h 24 m');
    expect(formatDisplayDuration(4 * H + 4 * M + 36 * S)).toBe('4 h 4 m');
    expect(formatDisplayDuration(42 * M + 5 * S + 900)).toBe('42 m 5 s');
    expect(formatDisplayDuration(3 * H)).toBe('3 h');
    expect(formatDisplayDuration(D + 5 * M)).toBe('1 d 5 m');
    expect(formatDisplayDuration(999)).toBe('0 s');
    expect(formatDisplayDuration(0)).toBe('0 s');
    expect(formatDisplayDuration(-90 * S)).toBe('−1 m 30 s');
    expect(formatDisplayDuration(undefined)).toBe('—');
  });

  it('has a zh-CN rendering', () => {
    const long = 142 * H + 24 * M + 27 * S;
    expect(formatDisplayDuration(long, { lang: 'zh-CN' })).toBe(
      '5天22小时24分',
    );
    expect(formatDisplayDuration(42 * M + 5 * S, { lang: 'zh-CN' })).toBe(
      '42分5秒',
    );
    expect(formatDisplayDuration(0, { lang: 'zh-CN' })).toBe('0秒');
  });

  it('leaves the annotation grammar formatter as it was', () => {
    const ms = 142 * H + 24 * M + 27 * S + 527;
    expect(formatDuration(ms, 0)).toBe('142h24m27s527ms');
    expect(parseDuration(formatDuration(ms, 0))).toBe(ms);
  });
});

describe('formatMoney', () => {
  it('groups the digits of the exact decimal and names the currency', () => {
    expect(formatMoney({ decimal: '7200.00', currency: 'CNY' })).toBe(
      '7,200.00 CNY',
    );
    expect(formatMoney({ decimal: '1234567', currency: 'JPY' })).toBe(
      '1,234,567 JPY',
    );
    expect(formatMoney({ decimal: '0.500', currency: 'BHD' })).toBe(
      '0.500 BHD',
    );
    // Beyond a double's exact integers, the text is still exact.
    expect(
      formatMoney({ decimal: '90071992547409931.25', currency: 'USD' }),
    ).toBe('90,071,992,547,409,931.25 USD');
    expect(formatMoney(undefined)).toBe('—');
  });
});

describe('formatPoints', () => {
  it('signs and rounds a change in points, without a percent sign', () => {
    expect(formatPoints(20)).toBe('+20');
    expect(formatPoints((4 / 6) * 100 - 100)).toBe('−33.33');
    expect(formatPoints(1e-12)).toBe('0');
    expect(formatPoints(undefined)).toBe('—');
  });
});
