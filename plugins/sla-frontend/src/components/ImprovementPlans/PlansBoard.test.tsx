import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import type { PlanView } from '../../api';
import { planView } from '../../__testUtils__/fixtures';
import { renderSla } from '../../__testUtils__/render';
import { PlansBoard } from './PlansBoard';

const plan = (id: string, status: PlanView['status'], overdue = false) =>
  planView({
    id,
    entityRef: `component:default/${id}`,
    title: `Plan ${id}`,
    owner: 'group:default/field-ops',
    targetDate: '2026-12-31',
    status,
    overdue,
  });

describe('PlansBoard', () => {
  it('puts each plan in its status column and passes the filters to the API', async () => {
    const listPlans = jest.fn(async () => ({
      items: [plan('a', 'proposed'), plan('b', 'in-progress', true)],
    }));
    await renderSla(<PlansBoard />, { listPlans });

    const proposed = (await screen.findByText('Proposed (1)')).parentElement!;
    expect(within(proposed).getByText('Plan a')).toBeInTheDocument();
    const inProgress = screen.getByText('In progress (1)').parentElement!;
    expect(within(inProgress).getByText('Plan b')).toBeInTheDocument();
    expect(within(inProgress).getByText('Overdue')).toBeInTheDocument();
    expect(screen.getByText('Done (0)')).toBeInTheDocument();

    fireEvent.click(screen.getByLabelText('Overdue only'));
    await waitFor(() =>
      expect(listPlans).toHaveBeenLastCalledWith({ overdue: true }),
    );

    const owner = screen.getByLabelText('Owner');
    fireEvent.change(owner, { target: { value: 'group:default/field-ops' } });
    fireEvent.keyDown(owner, { key: 'Enter' });
    await waitFor(() =>
      expect(listPlans).toHaveBeenLastCalledWith({
        owner: 'group:default/field-ops',
        overdue: true,
      }),
    );
  });
});
