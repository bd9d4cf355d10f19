import { ReactNode } from 'react';
import { Entity } from '@backstage/catalog-model';
import {
  TranslationApi,
  translationApiRef,
} from '@backstage/frontend-plugin-api';
import {
  catalogApiRef,
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import {
  PermissionApi,
  permissionApiRef,
} from '@backstage/plugin-permission-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { fireEvent, screen, within } from '@testing-library/react';
import { SlaApi, slaApiRef } from '../api';
import { slaTranslationRef } from '../translation';
import zh from '../translation/zh';
import { unconfirmed } from './fixtures';

/** The permission API's answer (a definitive decision here). */
type Decision = Awaited<ReturnType<PermissionApi['authorize']>>;

/**
 * A permission API that allows everything, or denies the permissions named in `deny` (e.g.
 * `sla.plan.create`); it records every request in `requests`.
 */
export function mockPermissionApi(deny: string[] = []) {
  const requests: Array<{ permission: string; resourceRef?: string }> = [];
  const api: PermissionApi = {
    authorize: async request => {
      const resourceRef = (request as { resourceRef?: string }).resourceRef;
      requests.push({ permission: request.permission.name, resourceRef });
      return {
        result: deny.includes(request.permission.name) ? 'DENY' : 'ALLOW',
      } as Decision;
    },
  };
  return Object.assign(api, { requests });
}

/** The English messages of the translation ref, flattened (`plans.title` → …). */
export function englishMessages(): Record<string, string> {
  return (
    slaTranslationRef as unknown as {
      getDefaultMessages(): Record<string, string>;
    }
  ).getDefaultMessages();
}

/** A translation API that answers in Simplified Chinese, from the plugin's zh messages. */
export function chineseTranslationApi(): TranslationApi {
  const messages: Record<string, string> = zh;
  const t = (key: string, options?: Record<string, unknown>) =>
    (messages[key] ?? key).replace(/\{\{(\w+)\}\}/g, (_, name: string) =>
      String(options?.[name] ?? ''),
    );
  const snapshot = { ready: true, t };
  return {
    getTranslation: () => snapshot,
    translation$: () => ({
      subscribe: () => ({ unsubscribe: () => {}, closed: false }),
      [Symbol.observable]() {
        return this;
      },
    }),
  } as unknown as TranslationApi;
}

/** Options of {@link renderSla}. */
export interface RenderOptions {
  /** Users and groups the catalog holds (the plan dialog's pickers). */
  catalog?: Entity[];
  /** The permission API; allows everything unless given. */
  permissionApi?: PermissionApi;
  /** `zh`: the app's language is Simplified Chinese. */
  language?: 'en' | 'zh';
}

/**
 * An SlaApi whose every method fails unless the test provides it, except the plans, reports
 * and confirmation reads: they answer as a service without any, so those sections render
 * their empty states.
 */
export function mockSlaApi(overrides: Partial<SlaApi> = {}): SlaApi {
  const fail = (name: string) => () =>
    Promise.reject(new Error(`${name} not expected in this test`));
  return {
    getEntityCompliance: fail('getEntityCompliance'),
    getEntityHistory: fail('getEntityHistory'),
    getEntityTerms: fail('getEntityTerms'),
    previewEntityTerms: fail('previewEntityTerms'),
    getOverview: fail('getOverview'),
    getSupplierOverview: fail('getSupplierOverview'),
    getCatalog: fail('getCatalog'),
    listCustomers: fail('listCustomers'),
    getSources: fail('getSources'),
    getSourceCrossCheck: fail('getSourceCrossCheck'),
    listPlans: async () => ({ items: [] }),
    getPlan: fail('getPlan'),
    createPlan: fail('createPlan'),
    updatePlan: fail('updatePlan'),
    deletePlan: fail('deletePlan'),
    listReports: async () => ({ items: [] }),
    getReport: fail('getReport'),
    getCalendarIcs: fail('getCalendarIcs'),
    getEntityOpenSlo: fail('getEntityOpenSlo'),
    // Services without dependencies: the tab shows no chain section.
    getEntityChain: async (_entity, period) => ({
      entityRef: 'component:default/cad-core',
      period: {
        key: period ?? '2026-11',
        start: 0,
        end: 1,
        granularity: 'month',
      },
      agreementType: 'sla',
      depth: 2,
      dependencies: [],
      warnings: [],
      attribution: {
        downtimeMs: 0,
        dependencyMs: 0,
        ownMs: 0,
        dependencies: [],
        bySet: [],
      },
    }),
    getConfirmation: async entity => unconfirmed(entity),
    confirmAgreement: fail('confirmAgreement'),
    ...overrides,
  };
}

/**
 * Renders with the SLA API, an entity (optional) and the catalog's entity route mounted, at
 * `routeEntries` (optional); with a catalog, a permission API and a language (options).
 */
export function renderSla(
  element: ReactNode,
  api: Partial<SlaApi>,
  entity?: Entity,
  routeEntries?: string[],
  options: RenderOptions = {},
) {
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [slaApiRef, mockSlaApi(api)],
        [catalogApiRef, catalogApiMock({ entities: options.catalog ?? [] })],
        [permissionApiRef, options.permissionApi ?? mockPermissionApi()],
        ...(options.language === 'zh'
          ? [[translationApiRef, chineseTranslationApi()] as const]
          : []),
      ]}
    >
      {entity ? (
        <EntityProvider entity={entity}>{element}</EntityProvider>
      ) : (
        element
      )}
    </TestApiProvider>,
    {
      routeEntries,
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    },
  );
}

/** Every one of `texts` is on the screen now. */
export function expectTextsShown(texts: Array<string | RegExp>) {
  for (const text of texts) expect(screen.getByText(text)).toBeInTheDocument();
}

/** The text of each row of the table(s) in `container`, without the header row. */
export function bodyRowTexts(container: HTMLElement = document.body) {
  return within(container)
    .getAllByRole('row')
    .slice(1)
    .map(r => r.textContent);
}

/** An API method that fails with `message`, as the client throws a backend error. */
export function rejects(message: string) {
  return async (): Promise<never> => {
    throw new Error(message);
  };
}

/** Opens the select inside `testId` and picks the option `name`. */
export async function pickOption(testId: string, name: string) {
  fireEvent.mouseDown(within(screen.getByTestId(testId)).getByRole('button'));
  fireEvent.click(await screen.findByRole('option', { name }));
}
