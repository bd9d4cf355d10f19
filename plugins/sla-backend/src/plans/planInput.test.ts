import { InputError } from '@backstage/errors';
import { applyPlanPatch, diffPlans, readNewPlan } from './planInput';
import { toPlanView } from './planView';
import type { Plan } from './types';
import { fasterP1Plan } from '../__testUtils__/examples';

const NOW = Date.UTC(2026, 9, 5, 8, 0); // 2026-10-05
const META = { id: 'p1', by: 'user:default/li.wei', now: NOW };

const BODY = {
  entityRef: 'component:default/CAD-core',
  title: '  Faster P1 response  ',
  origin: { type: 'breach', objective: 'response-time:P1', period: '2026-09' },
  owner: 'dispatch-platform',
  targetDate: '2026-12-31',
  actions: [
    { title: 'Second on-call', assignee: 'li.wei', dueDate: '2026-11-01' },
  ],
};

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as Error).message;
  }
  throw new Error('expected an InputError');
}

describe('readNewPlan', () => {
  it('normalises refs, trims text, starts proposed and addresses the breached objective', () => {
    const plan = readNewPlan(BODY, META);
    expect(plan).toEqual({
      id: 'p1',
      ...fasterP1Plan('2026-09'),
      addresses: [{ objective: 'response-time:P1', period: '2026-09' }],
      owner: 'group:default/dispatch-platform',
      targetDate: '2026-12-31',
      status: 'proposed',
      actions: [
        {
          id: expect.any(String),
          title: 'Second on-call',
          assignee: 'user:default/li.wei',
          dueDate: '2026-11-01',
          done: false,
          createdAt: NOW,
        },
      ],
      createdAt: NOW,
      createdBy: 'user:default/li.wei',
      updatedAt: NOW,
    });
  });

  it('names every bad field in one message', () => {
    const message = messageOf(() =>
      readNewPlan(
        {
          entityRef: 'component:default/cad-core',
          title: '',
          origin: { type: 'survey', score: 7, scale: 5 },
          owner: 'group:default/x',
          targetDate: '2026-02-30',
          actions: [{ title: 'ok' }, { title: 'x', dueDate: 'soon' }],
          colour: 'red',
        },
        META,
      ),
    );
    expect(message).toContain('title: must not be empty');
    expect(message).toContain(
      'origin.score: required, the satisfaction score from 0 to 5',
    );
    expect(message).toContain(
      'targetDate: "2026-02-30" — expected a date YYYY-MM-DD',
    );
    expect(message).toContain('actions[1].dueDate: "soon"');
    expect(message).toContain('colour: unknown field');
  });

  it('requires entityRef, title, origin, owner and targetDate', () => {
    const message = messageOf(() => readNewPlan({}, META));
    for (const field of [
      'entityRef:',
      'title:',
      'origin:',
      'owner:',
      'targetDate:',
    ]) {
      expect(message).toContain(field);
    }
  });

  it('refuses to create a plan in any status but proposed', () => {
    expect(
      messageOf(() => readNewPlan({ ...BODY, status: 'done' }, META)),
    ).toBe('status: a new plan starts as proposed, not done');
  });

  it('accepts a survey origin with its score', () => {
    const plan = readNewPlan(
      { ...BODY, origin: { type: 'survey', score: 2.5, note: 'Q3 survey' } },
      META,
    );
    expect(plan.origin).toEqual({
      type: 'survey',
      score: 2.5,
      scale: 5,
      note: 'Q3 survey',
    });
    expect(plan.addresses).toEqual([]);
  });
});

describe('applyPlanPatch', () => {
  const base = readNewPlan(BODY, META);
  const actionId = base.actions[0].id;

  it('walks proposed → approved → in-progress → done', () => {
    let plan: Plan = base;
    for (const status of ['approved', 'in-progress', 'done'] as const) {
      const { next, changes } = applyPlanPatch(plan, { status }, NOW);
      expect(changes).toEqual([
        { field: 'status', from: plan.status, to: status },
      ]);
      plan = next;
    }
    expect(plan.status).toBe('done');
  });

  it.each([
    [
      'proposed',
      'done',
      'status: cannot go from proposed to done; allowed: approved, dropped',
    ],
    [
      'proposed',
      'in-progress',
      'status: cannot go from proposed to in-progress; allowed: approved, dropped',
    ],
    [
      'approved',
      'proposed',
      'status: cannot go from approved to proposed; allowed: in-progress, dropped',
    ],
    [
      'done',
      'dropped',
      'status: cannot go from done to dropped; done is final',
    ],
    [
      'dropped',
      'approved',
      'status: cannot go from dropped to approved; dropped is final',
    ],
  ] as const)('rejects %s → %s', (from, to, message) => {
    expect(
      messageOf(() =>
        applyPlanPatch({ ...base, status: from }, { status: to }, NOW),
      ),
    ).toBe(message);
  });

  it('drops a plan from any open status', () => {
    for (const from of ['proposed', 'approved', 'in-progress'] as const) {
      expect(
        applyPlanPatch({ ...base, status: from }, { status: 'dropped' }, NOW)
          .next.status,
      ).toBe('dropped');
    }
  });

  it('marks an action done with the time, adds and removes actions, and lists each change', () => {
    const later = NOW + 3_600_000;
    const { next, changes } = applyPlanPatch(
      base,
      {
        actions: [
          {
            id: actionId,
            title: 'Second on-call',
            assignee: 'li.wei',
            dueDate: '2026-11-01',
            done: true,
          },
          { title: 'Runbook for P1' },
        ],
      },
      later,
    );
    expect(next.actions[0]).toMatchObject({
      id: actionId,
      done: true,
      doneAt: later,
      createdAt: NOW,
    });
    expect(next.actions[1]).toMatchObject({
      title: 'Runbook for P1',
      done: false,
      createdAt: later,
    });
    expect(changes).toEqual([
      { field: `actions[${actionId}].done`, from: false, to: true },
      { field: `actions[${next.actions[1].id}]`, to: 'Runbook for P1' },
    ]);

    const removed = applyPlanPatch(next, { actions: [] }, later);
    expect(removed.changes).toEqual([
      { field: `actions[${actionId}]`, from: 'Second on-call' },
      { field: `actions[${next.actions[1].id}]`, from: 'Runbook for P1' },
    ]);
  });

  it('refuses unknown action ids and moving a plan to another entity', () => {
    expect(
      messageOf(() =>
        applyPlanPatch(base, { actions: [{ id: 'x', title: 'y' }] }, NOW),
      ),
    ).toBe('actions[0].id: "x" is not an action of this plan');
    expect(
      messageOf(() =>
        applyPlanPatch(base, { entityRef: 'component:default/other' }, NOW),
      ),
    ).toBe('entityRef: a plan cannot move to another entity');
  });

  it('records nothing when nothing changes', () => {
    expect(
      applyPlanPatch(base, { title: 'Faster P1 response' }, NOW).changes,
    ).toEqual([]);
    expect(diffPlans(base, base)).toEqual([]);
  });
});

describe('overdue', () => {
  const plan = readNewPlan({ ...BODY, targetDate: '2026-10-31' }, META);
  // The plans API's view, for an entity whose terms are in UTC.
  const isPlanOverdue = (p: Plan, now: number) =>
    toPlanView(p, now, 'UTC').overdue;
  const overdueActions = (p: Plan, now: number) =>
    toPlanView(p, now, 'UTC').overdueActions;

  it('is overdue when the target date has passed, not on the day itself', () => {
    expect(isPlanOverdue(plan, Date.UTC(2026, 9, 31, 23, 0))).toBe(false);
    expect(isPlanOverdue(plan, Date.UTC(2026, 10, 1, 0, 0))).toBe(true);
  });

  it('is overdue when an open action is past due, and lists that action', () => {
    const withLateAction = {
      ...plan,
      actions: [{ ...plan.actions[0], dueDate: '2026-10-04' }],
    };
    expect(isPlanOverdue(withLateAction, NOW)).toBe(true);
    expect(overdueActions(withLateAction, NOW)).toEqual([plan.actions[0].id]);
    const doneAction = {
      ...withLateAction,
      actions: [{ ...withLateAction.actions[0], done: true, doneAt: NOW }],
    };
    expect(isPlanOverdue(doneAction, NOW)).toBe(false);
  });

  it('is never overdue once done or dropped', () => {
    const late = Date.UTC(2027, 0, 1);
    expect(isPlanOverdue({ ...plan, status: 'done' }, late)).toBe(false);
    expect(isPlanOverdue({ ...plan, status: 'dropped' }, late)).toBe(false);
  });
});
