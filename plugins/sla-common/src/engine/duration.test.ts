import { formatDuration, formatElapsed } from './duration';

describe('formatElapsed', () => {
  it('shows measured durations to the second, rounding down', () => {
    expect(formatElapsed(6_024_695)).toBe('1h40m24s');
    expect(formatElapsed(30 * 60_000)).toBe('30m');
    expect(formatElapsed(999)).toBe('0s');
    expect(formatElapsed(0)).toBe('0');
  });

  it('keeps whole service days as days, like targets', () => {
    const day = 7.5 * 3_600_000;
    expect(formatElapsed(2 * day, day)).toBe('2d');
    expect(formatDuration(2 * day, day)).toBe('2d');
  });
});
