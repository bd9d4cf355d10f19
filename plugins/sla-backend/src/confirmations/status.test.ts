import type { Confirmation } from '../database';
import { confirmationState, reviewDetail } from './status';

const c = (termsVersion: number, at: number): Confirmation => ({
  id: at,
  entityRef: 'component:default/cad-core',
  termsVersion,
  by: 'user:default/olivia',
  role: 'owner',
  at,
});

describe('confirmationState', () => {
  it('is unconfirmed without confirmations', () => {
    expect(confirmationState(1, [])).toEqual({ state: 'unconfirmed' });
  });

  it('is confirmed when the latest version has a confirmation', () => {
    expect(confirmationState(2, [c(2, 20), c(1, 10)])).toEqual({
      state: 'confirmed',
      latest: c(2, 20),
    });
  });

  it('shows a later terms change as changed since the last confirmation', () => {
    expect(confirmationState(3, [c(2, 20), c(1, 10)])).toEqual({
      state: 'changed-since-confirmation',
      latest: c(2, 20),
    });
  });
});

describe('reviewDetail', () => {
  const now = Date.parse('2026-11-25T20:00:00Z'); // 2026-11-26 04:00 in Shanghai

  it.each([
    [undefined, { state: 'none' }],
    ['2026-11-25', { state: 'overdue', reviewBy: '2026-11-25', daysLeft: -1 }],
    ['2026-11-26', { state: 'due-soon', reviewBy: '2026-11-26', daysLeft: 0 }],
    ['2026-12-26', { state: 'due-soon', reviewBy: '2026-12-26', daysLeft: 30 }],
    ['2026-12-27', { state: 'ok', reviewBy: '2026-12-27', daysLeft: 31 }],
  ])('review-by %s in Asia/Shanghai', (reviewBy, expected) => {
    expect(reviewDetail(reviewBy, now, 'Asia/Shanghai')).toEqual(expected);
  });
});
