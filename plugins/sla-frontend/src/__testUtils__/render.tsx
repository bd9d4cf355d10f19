import { ReactNode } from 'react';
import { Entity } from '@backstage/catalog-model';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { SlaApi, slaApiRef } from '../api';
import { PlansReportsApi, plansReportsApiRef } from '../api/PlansReportsClient';

/** Plans and reports as a service without any: the sections render their empty states. */
export function mockPlansReportsApi(
  overrides: Partial<PlansReportsApi> = {},
): PlansReportsApi {
  const fail = (name: string) => () =>
    Promise.reject(new Error(`${name} not expected in this test`));
  return {
    listPlans: async () => ({ items: [] }),
    getPlan: fail('getPlan'),
    createPlan: fail('createPlan'),
    updatePlan: fail('updatePlan'),
    deletePlan: fail('deletePlan'),
    listReports: async () => ({ items: [] }),
    getReport: fail('getReport'),
    getConfirmation: async entity => ({
      entityRef:
        `${entity.kind}:${entity.namespace}/${entity.name}`.toLowerCase(),
      termsVersion: 1,
      state: 'unconfirmed',
      confirmations: [],
      review: { state: 'none' },
    }),
    confirmAgreement: fail('confirmAgreement'),
    ...overrides,
  };
}

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
    <TestApiProvider
      apis={[
        [slaApiRef, mockSlaApi(api)],
        [plansReportsApiRef, mockPlansReportsApi()],
      ]}
    >
      {entity ? (
        <EntityProvider entity={entity}>{element}</EntityProvider>
      ) : (
        element
      )}
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
}
