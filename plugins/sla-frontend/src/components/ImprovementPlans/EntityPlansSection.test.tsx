import { fireEvent, screen, waitFor } from '@testing-library/react';
import { planView } from '../../__testUtils__/fixtures';
import {
  mockPermissionApi,
  rejects,
  renderSla,
} from '../../__testUtils__/render';
import { CreatePlanFromBreachButton } from './CreatePlanFromBreachButton';
import { EntityPlansSection } from './EntityPlansSection';
import { OverduePlansNotice } from './OverduePlansNotice';

const PLAN = planView({
  origin: { type: 'breach', objective: 'response-time:P1', period: '2026-09' },
  status: 'in-progress',
  actions: [
    { id: 'a1', title: 'Second on-call', done: true, createdAt: 1 },
    { id: 'a2', title: 'Runbook', done: false, createdAt: 1 },
  ],
  overdue: true,
});

describe('EntityPlansSection', () => {
  it('lists the entity’s plans with origin, progress and status', async () => {
    const listPlans = jest.fn(async () => ({ items: [PLAN] }));
    await renderSla(<EntityPlansSection entityRef={PLAN.entityRef} />, {
      listPlans,
    });

    expect(await screen.findByText('Faster P1 response')).toBeInTheDocument();
    expect(
      screen.getByText('Breach of Response time · P1 in 2026-09'),
    ).toBeInTheDocument();
    expect(screen.getByText('1 of 2')).toBeInTheDocument();
    expect(screen.getByText('In progress')).toBeInTheDocument();
    expect(screen.getByText('Overdue')).toBeInTheDocument();
    expect(listPlans).toHaveBeenCalledWith({
      entity: 'component:default/cad-core',
    });
  });

  it('shows the error when the plans cannot be loaded', async () => {
    const listPlans = jest.fn(rejects('backend unreachable'));
    await renderSla(<EntityPlansSection entityRef={PLAN.entityRef} />, {
      listPlans,
    });
    expect(
      await screen.findByText('Error: backend unreachable'),
    ).toBeInTheDocument();
    expect(screen.queryByText(/No improvement plans/)).not.toBeInTheDocument();
  });

  it('validates the new-plan dialog before it submits', async () => {
    const listPlans = jest.fn(async () => ({ items: [] }));
    const createPlan = jest.fn(async () => PLAN);
    await renderSla(
      <EntityPlansSection
        entityRef={PLAN.entityRef}
        ownerRef="group:default/dispatch-platform"
      />,
      {
        listPlans,
        createPlan,
        getPlan: jest.fn(async () => ({ ...PLAN, history: [] })),
      },
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

describe('plan permissions', () => {
  it('asks for sla.plan.create on the entity and enables "New plan" when allowed', async () => {
    const permissionApi = mockPermissionApi();
    await renderSla(
      <EntityPlansSection entityRef="Component:default/Allowed-Svc" />,
      {},
      undefined,
      undefined,
      { permissionApi },
    );
    await waitFor(() =>
      expect(screen.getByText('New plan').closest('button')).toBeEnabled(),
    );
    expect(permissionApi.requests).toContainEqual({
      permission: 'sla.plan.create',
      resourceRef: 'component:default/allowed-svc',
    });
  });

  it('disables "New plan" and "Create plan" with the reason when denied', async () => {
    const permissionApi = mockPermissionApi(['sla.plan.create']);
    await renderSla(
      <>
        <EntityPlansSection entityRef="component:default/denied-svc" />
        <CreatePlanFromBreachButton
          entityRef="component:default/denied-svc"
          objective="availability"
          period="2026-09"
        />
      </>,
      {},
      undefined,
      undefined,
      { permissionApi },
    );
    await waitFor(() =>
      expect(permissionApi.requests.length).toBeGreaterThan(0),
    );
    const newPlan = screen.getByText('New plan').closest('button')!;
    await waitFor(() => expect(newPlan).toBeDisabled());
    expect(screen.getByText('Create plan').closest('button')).toBeDisabled();
    fireEvent.mouseOver(newPlan.parentElement!);
    expect(
      await screen.findByText(
        'Only members of the owning team can create plans for this service',
      ),
    ).toBeInTheDocument();
  });
});

describe('CreatePlanFromBreachButton', () => {
  it('pre-fills the origin from the breached objective', async () => {
    const createPlan = jest.fn(async () => PLAN);
    const onCreated = jest.fn();
    await renderSla(
      <CreatePlanFromBreachButton
        entityRef={PLAN.entityRef}
        objective="availability"
        period="2026-09"
        ownerRef="group:default/dispatch-platform"
        onCreated={onCreated}
      />,
      { createPlan },
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
        title: 'Improve Availability after the 2026-09 breach',
      }),
    );
  });
});

describe('OverduePlansNotice', () => {
  it('names overdue plans, and renders nothing without any', async () => {
    const listPlans = jest.fn(async () => ({ items: [PLAN] }));
    await renderSla(<OverduePlansNotice entityRef={PLAN.entityRef} />, {
      listPlans,
    });
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
