import { Entity } from '@backstage/catalog-model';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { SlaApi, slaApiRef } from '../../api';
import { EntitySlaCard } from './EntitySlaCard';

function entity(annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'cad-core', namespace: 'default', annotations },
    spec: {
      type: 'service',
      owner: 'dispatch-platform',
      lifecycle: 'production',
    },
  };
}

function renderCard(api: Partial<SlaApi>, e: Entity) {
  return renderInTestApp(
    <TestApiProvider apis={[[slaApiRef, api]]}>
      <EntityProvider entity={e}>
        <EntitySlaCard />
      </EntityProvider>
    </TestApiProvider>,
  );
}

describe('EntitySlaCard', () => {
  it('asks for annotations when the entity has no SLA, without calling the API', async () => {
    const getEntityCompliance = jest.fn();
    await renderCard({ getEntityCompliance }, entity({}));

    expect(screen.getByText(/Missing Annotation/i)).toBeInTheDocument();
    expect(screen.getAllByText(/servicelevel.io\/tier/).length).toBeGreaterThan(
      0,
    );
    expect(getEntityCompliance).not.toHaveBeenCalled();
  });

  it('shows progress while the result loads', async () => {
    const getEntityCompliance = jest.fn(() => new Promise<never>(() => {}));
    await renderCard(
      { getEntityCompliance },
      entity({ 'servicelevel.io/tier': 'gold' }),
    );

    expect(screen.getByTestId('progress')).toBeInTheDocument();
    expect(getEntityCompliance).toHaveBeenCalledWith({
      kind: 'Component',
      namespace: 'default',
      name: 'cad-core',
    });
  });

  it('shows the error when the API fails, never an empty card', async () => {
    const getEntityCompliance = jest.fn(async () => {
      throw new Error('backend unreachable');
    });
    await renderCard(
      { getEntityCompliance },
      entity({ 'servicelevel.io/tier': 'gold' }),
    );

    expect(
      await screen.findByText('Error: backend unreachable'),
    ).toBeInTheDocument();
  });

  it('lists each objective with its status', async () => {
    const getEntityCompliance = jest.fn(async () => ({
      entityRef: 'component:default/cad-core',
      period: { key: '2026-11', start: '', end: '' },
      problems: [],
      objectives: [
        {
          objective: 'availability',
          target: '99.95%',
          actual: '99.97%',
          status: 'met' as const,
        },
        {
          objective: 'response-time:P1',
          target: '5m',
          status: 'breached' as const,
        },
      ],
    }));
    await renderCard(
      { getEntityCompliance },
      entity({ 'servicelevel.io/tier': 'gold' }),
    );

    expect(await screen.findByText('availability')).toBeInTheDocument();
    expect(screen.getByText('Met')).toBeInTheDocument();
    expect(screen.getByText('Breached')).toBeInTheDocument();
  });
});
