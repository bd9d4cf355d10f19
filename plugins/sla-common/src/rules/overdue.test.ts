import { examplePlan } from '../__testUtils__/fixtures';
import { isDateOverdue, isPlanOverdue, overdueActionIds } from './overdue';

const plan = examplePlan({
  actions: [
    {
      id: 'a1',
      title: 'Runbook',
      dueDate: '2026-11-25',
      done: false,
      createdAt: 0,
    },
    {
      id: 'a2',
      title: 'Paging',
      dueDate: '2026-11-20',
      done: true,
      createdAt: 0,
    },
  ],
});

describe('overdue', () => {
  // 2026-11-25T17:00Z is 2026-11-26 01:00 in Shanghai, still 2026-11-25 in UTC.
  const now = Date.parse('2026-11-25T17:00:00Z');

  it('is decided by the civil date of the entity zone', () => {
    expect(isDateOverdue('2026-11-25', now, 'Asia/Shanghai')).toBe(true);
    expect(isDateOverdue('2026-11-25', now, 'UTC')).toBe(false);
    expect(isDateOverdue('2026-11-26', now, 'Asia/Shanghai')).toBe(false);
    expect(isDateOverdue(undefined, now, 'UTC')).toBe(false);
    expect(isDateOverdue('2026-02-30', now, 'UTC')).toBe(false);
  });

  it('counts open actions of open plans only', () => {
    expect(overdueActionIds(plan, now, 'Asia/Shanghai')).toEqual(['a1']);
    expect(isPlanOverdue(plan, now, 'Asia/Shanghai')).toBe(true);
    expect(isPlanOverdue(plan, now, 'UTC')).toBe(false);
    expect(
      overdueActionIds({ ...plan, status: 'done' }, now, 'Asia/Shanghai'),
    ).toEqual([]);
    expect(
      isPlanOverdue(
        { ...plan, actions: [], targetDate: '2026-11-24' },
        now,
        'UTC',
      ),
    ).toBe(true);
  });
});
