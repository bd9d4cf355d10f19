import { ReactNode } from 'react';
import { Entity } from '@backstage/catalog-model';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { SlaApi, slaApiRef } from '../api';

/** An SlaApi whose every method fails unless the test provides it. */
export function mockSlaApi(overrides: Partial<SlaApi>): SlaApi {
  const fail = (name: string) => () =>
    Promise.reject(new Error(`${name} not expected in this test`));
  return {
    getEntityCompliance: fail('getEntityCompliance'),
    getEntityHistory: fail('getEntityHistory'),
    getEntityTerms: fail('getEntityTerms'),
    getOverview: fail('getOverview'),
    getCatalog: fail('getCatalog'),
    getSources: fail('getSources'),
    ...overrides,
  };
}

/** Renders with the SLA API, an entity (optional) and the catalog's entity route mounted. */
export function renderSla(
  element: ReactNode,
  api: Partial<SlaApi>,
  entity?: Entity,
) {
  return renderInTestApp(
    <TestApiProvider apis={[[slaApiRef, mockSlaApi(api)]]}>
      {entity ? (
        <EntityProvider entity={entity}>{element}</EntityProvider>
      ) : (
        element
      )}
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
}
