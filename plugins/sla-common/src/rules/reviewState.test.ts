import { reviewState } from './reviewState';

describe('reviewState', () => {
  const now = Date.parse('2026-11-19T17:00:00Z'); // 2026-11-20 01:00 in Shanghai

  it('flags overdue and due within 30 days in the entity zone', () => {
    expect(reviewState('2026-11-19', now, 'Asia/Shanghai')).toBe('overdue');
    expect(reviewState('2026-11-19', now, 'UTC')).toBe('due-soon');
    expect(reviewState('2026-12-20', now, 'Asia/Shanghai')).toBe('due-soon');
    expect(reviewState('2026-12-21', now, 'Asia/Shanghai')).toBe('ok');
    expect(reviewState(undefined, now, 'UTC')).toBe('none');
    expect(reviewState('2026-02-30', now, 'UTC')).toBe('none');
  });
});
