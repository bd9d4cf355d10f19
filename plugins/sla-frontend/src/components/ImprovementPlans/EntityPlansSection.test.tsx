import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import {
  Plan,
  PlansReportsApi,
  plansReportsApiRef,
} from '../../api/PlansReportsClient';
import { CreatePlanFromBreachButton } from './CreatePlanFromBreachButton';
import { EntityPlansSection } from './EntityPlansSection';
import { OverduePlansNotice } from './OverduePlansNotice';

const PLAN: Plan = {
  id: 'p1',
  entityRef: 'component:default/cad-core',
  title: 'Faster P1 response',
  description: '',
  origin: { type: 'breach', objective: 'response-time:P1', period: '2026-09' },
  addresses: [],
  owner: 'group:default/dispatch-platform',
  targetDate: '2026-10-01',
  status: 'in-progress',
  actions: [
    { id: 'a1', title: 'Second on-call', done: true, createdAt: 1 },
    { id: 'a2', title: 'Runbook', done: false, createdAt: 1 },
  ],
  createdAt: 1,
  createdBy: 'user:default/olivia',
  updatedAt: 1,
  overdue: true,
  overdueActions: [],
};

function render(api: Partial<PlansReportsApi>, node: JSX.Element) {
  return renderInTestApp(
    <TestApiProvider apis={[[plansReportsApiRef, api]]}>
      {node}
    </TestApiProvider>,
  );
}

describe('EntityPlansSection', () => {
  it('lists the entity’s plans with origin, progress and status', async () => {
    const listPlans = jest.fn(async () => ({ items: [PLAN] }));
    await render(
      { listPlans },
      <EntityPlansSection entityRef={PLAN.entityRef} />,
    );

    expect(await screen.findByText('Faster P1 response')).toBeInTheDocument();
    expect(
      screen.getByText('Breach of response-time:P1 in 2026-09'),
    ).toBeInTheDocument();
    expect(screen.getByText('1/2')).toBeInTheDocument();
    expect(screen.getByText('In progress')).toBeInTheDocument();
    expect(screen.getByText('Overdue')).toBeInTheDocument();
    expect(listPlans).toHaveBeenCalledWith({
      entity: 'component:default/cad-core',
    });
  });

  it('shows the error when the plans cannot be loaded', async () => {
    const listPlans = jest.fn(async () => {
      throw new Error('backend unreachable');
    });
    await render(
      { listPlans },
      <EntityPlansSection entityRef={PLAN.entityRef} />,
    );
    expect(
      await screen.findByText('Error: backend unreachable'),
    ).toBeInTheDocument();
    expect(screen.queryByText(/No improvement plans/)).not.toBeInTheDocument();
  });

  it('validates the new-plan dialog before it submits', async () => {
    const listPlans = jest.fn(async () => ({ items: [] }));
    const createPlan = jest.fn(async () => PLAN);
    await render(
      {
        listPlans,
        createPlan,
        getPlan: jest.fn(async () => ({ ...PLAN, history: [] })),
      },
      <EntityPlansSection
        entityRef={PLAN.entityRef}
        ownerRef="group:default/dispatch-platform"
      />,
    );
    fireEvent.click(await screen.findByText('New plan'));
    fireEvent.click(screen.getByText('Create plan'));

    expect(
      await screen.findByText('Give the plan a title'),
    ).toBeInTheDocument();
    expect(screen.getByText('Pick a target date')).toBeInTheDocument();
    expect(createPlan).not.toHaveBeenCalled();

    fireEvent.change(screen.getByLabelText('Title'), {
      target: { value: 'Cut downtime' },
    });
    fireEvent.change(screen.getByLabelText('Target date'), {
      target: { value: '2026-12-31' },
    });
    fireEvent.click(screen.getByText('Create plan'));

    await waitFor(() =>
      expect(createPlan).toHaveBeenCalledWith({
        entityRef: 'component:default/cad-core',
        title: 'Cut downtime',
        description: '',
        origin: { type: 'other' },
        owner: 'group:default/dispatch-platform',
        targetDate: '2026-12-31',
        actions: [],
      }),
    );
  });
});

describe('CreatePlanFromBreachButton', () => {
  it('pre-fills the origin from the breached objective', async () => {
    const createPlan = jest.fn(async () => PLAN);
    const onCreated = jest.fn();
    await render(
      { createPlan },
      <CreatePlanFromBreachButton
        entityRef={PLAN.entityRef}
        objective="availability"
        period="2026-09"
        ownerRef="group:default/dispatch-platform"
        onCreated={onCreated}
      />,
    );
    fireEvent.click(screen.getByText('Create plan'));
    expect(screen.getByLabelText('Breached objective')).toHaveValue(
      'availability',
    );
    expect(screen.getByLabelText('Period')).toHaveValue('2026-09');
    fireEvent.change(screen.getByLabelText('Target date'), {
      target: { value: '2026-12-31' },
    });
    fireEvent.click(screen.getAllByText('Create plan')[1]);

    await waitFor(() => expect(onCreated).toHaveBeenCalledWith(PLAN));
    expect(createPlan).toHaveBeenCalledWith(
      expect.objectContaining({
        origin: {
          type: 'breach',
          objective: 'availability',
          period: '2026-09',
        },
        title: 'Improve availability after the 2026-09 breach',
      }),
    );
  });
});

describe('OverduePlansNotice', () => {
  it('names overdue plans, and renders nothing without any', async () => {
    const listPlans = jest.fn(async () => ({ items: [PLAN] }));
    await render(
      { listPlans },
      <OverduePlansNotice entityRef={PLAN.entityRef} />,
    );
    expect(
      await screen.findByText(
        '1 improvement plan is overdue: Faster P1 response',
      ),
    ).toBeInTheDocument();
    expect(listPlans).toHaveBeenCalledWith({
      entity: PLAN.entityRef,
      overdue: true,
    });
  });
});
