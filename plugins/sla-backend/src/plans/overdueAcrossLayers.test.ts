import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import type { SlaTerms } from '@servicelevel/plugin-sla-common';
import { examplePlan } from '@servicelevel/plugin-sla-common/testUtils';
import request from 'supertest';
// The frontend's formatter of an action's due date, to hold all three sides to one answer.
// eslint-disable-next-line @backstage/no-relative-monorepo-imports
import { isActionShownOverdue } from '../../../sla-frontend/src/components/ImprovementPlans/actionOverdue';
import type {
  EntityStore,
  PlanStore,
  TermsStore,
  TermsVersion,
} from '../database';
import { overdueActionEvents } from '../notifications/SlaNotifier';
import { validatedApp } from '../schema/__testUtils__/validatedApp';
import { createPlansRouter } from './router';

/**
 * Issue 11: for a Shanghai entity with an action due 2026-11-25, at 2026-11-25T17:00Z
 * (2026-11-26 01:00 in Shanghai, still the 25th in UTC) the plans API, the notifier and the
 * UI all say "overdue".
 */
describe('overdue across the API, the notifier and the UI', () => {
  const NOW = Date.parse('2026-11-25T17:00:00Z');
  const ENTITY = 'component:default/dispatch-gateway';

  const plan = examplePlan({
    id: 'plan-sh',
    entityRef: ENTITY,
    actions: [
      {
        id: 'a-due',
        title: 'Rewrite the paging runbook',
        dueDate: '2026-11-25',
        done: false,
        createdAt: 0,
      },
    ],
  });

  const terms = {
    listLatest: async () => [
      {
        entityRef: ENTITY,
        version: 1,
        terms: { timezone: 'Asia/Shanghai' } as SlaTerms,
      } as TermsVersion,
    ],
  } as unknown as TermsStore;

  async function apiView() {
    const app = validatedApp(
      createPlansRouter({
        httpAuth: mockServices.httpAuth(),
        permissions: mockServices.permissions(),
        auditor: mockServices.auditor.mock(),
        entities: {} as EntityStore,
        plans: { list: async () => [plan] } as unknown as PlanStore,
        terms,
        // The server's own default zone is UTC: only the entity's zone can make it overdue.
        defaultTimezone: 'UTC',
        now: () => NOW,
      }),
    );
    const res = await request(app)
      .get('/plans')
      .set('Authorization', mockCredentials.user.header());
    expect(res.status).toBe(200);
    return res.body.items[0];
  }

  it('gives one answer: overdue', async () => {
    const view = await apiView();
    expect(view.overdue).toBe(true);
    expect(view.overdueActions).toEqual(['a-due']);

    const events = overdueActionEvents(plan, undefined, 'Asia/Shanghai', NOW);
    expect(events.map(e => e.key)).toEqual([
      'action-overdue|plan-sh|a-due|2026-11-25',
    ]);

    expect(isActionShownOverdue(view, plan.actions[0])).toBe(true);
  });

  it('keeps the due day itself in time in Shanghai', () => {
    const earlier = Date.parse('2026-11-25T15:00:00Z'); // 23:00 in Shanghai
    expect(
      overdueActionEvents(plan, undefined, 'Asia/Shanghai', earlier),
    ).toEqual([]);
  });
});
