import { mockServices } from '@backstage/backend-test-utils';
import type {
  IncidentPage,
  IncidentProvider,
  IncidentProviderSyncContext,
  LinkedEntity,
} from '@servicelevel/plugin-sla-node';
import { setupServer, SetupServer } from 'msw/node';
import type { ProviderOptions } from '../common';

/** An msw server for a test file: any request no handler answers fails the test. */
export function useMockServer(): SetupServer {
  const server = setupServer();
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());
  return server;
}

/** Retries without waiting, and a short timeout, so retry tests run fast. */
export const FAST_HTTP: ProviderOptions = {
  http: { sleep: async () => {}, timeoutMs: 100, maxRetries: 3 },
};

export function syncContext(
  entities: LinkedEntity[],
  overrides: Partial<IncidentProviderSyncContext> = {},
): IncidentProviderSyncContext {
  return {
    account: 'default',
    since: Date.UTC(2015, 0, 1),
    until: Date.UTC(2026, 0, 1),
    entities,
    signal: new AbortController().signal,
    logger: mockServices.logger.mock(),
    ...overrides,
  };
}

export async function collect(
  provider: IncidentProvider,
  ctx: IncidentProviderSyncContext,
): Promise<IncidentPage[]> {
  const pages: IncidentPage[] = [];
  for await (const page of provider.sync(ctx)) pages.push(page);
  return pages;
}

export function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value));
}
