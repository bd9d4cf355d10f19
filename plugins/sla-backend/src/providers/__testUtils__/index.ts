import { mockServices } from '@backstage/backend-test-utils';
import type {
  IncidentPage,
  IncidentProvider,
  IncidentProviderSyncContext,
  LinkedEntity,
} from '@servicelevel/plugin-sla-node';
import { ConfigReader } from '@backstage/config';
import type { JsonValue } from '@backstage/types';
import { delay, http, HttpResponse } from 'msw';
import { setupServer, SetupServer } from 'msw/node';
import type {
  AccountsProvider,
  AccountsSpec,
  ProviderOptions,
} from '../common';

/** An msw server for a test file: any request no handler answers fails the test. */
export function useMockServer(): SetupServer {
  const server = setupServer();
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());
  return server;
}

/**
 * Answers PagerDuty's analytics with 404 (no Advanced plan) before each test, so the PagerDuty
 * provider reads each incident's log entries: the path suites other than its own were written for.
 */
export function withoutPagerDutyAnalytics(
  server: SetupServer,
  baseUrl: string,
): void {
  beforeEach(() =>
    server.use(
      http.post(`${baseUrl}/analytics/raw/incidents`, () =>
        HttpResponse.json(
          { error: { message: 'Not Found', code: 2100 } },
          { status: 404 },
        ),
      ),
    ),
  );
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

/** `sla.providers.<vendor>` holding the given account block(s). */
export function vendorConfig(
  vendor: string,
  accounts: JsonValue,
): ConfigReader {
  return new ConfigReader({ sla: { providers: { [vendor]: accounts } } });
}

/** A built-in provider class (a subclass of AccountsProvider). */
export interface ProviderClass<A extends { id: string }, P> {
  new (accountList: A[], options?: ProviderOptions): P;
  readonly accountsSpec: AccountsSpec<A>;
  fromConfig: (typeof AccountsProvider)['fromConfig'];
}

/**
 * A provider with one account `default` (`account` is its config) and `options` (by default
 * fast retries).
 */
export function defaultAccountProvider<A extends { id: string }, P>(
  providerClass: ProviderClass<A, P>,
  vendor: string,
  account: Record<string, JsonValue | undefined>,
  options: ProviderOptions = FAST_HTTP,
): P {
  const provider = providerClass.fromConfig(
    vendorConfig(vendor, [{ id: 'default', ...account } as JsonValue]),
    options,
  );
  if (!provider) throw new Error(`No ${vendor} account configured`);
  return provider;
}

/** A body that claims to be JSON but does not parse. */
export function malformedJson(body: string): () => Response {
  return () =>
    new HttpResponse(body, { headers: { 'content-type': 'application/json' } });
}

/** What a vendor answers on the retry path, and what the test expects of it. */
export interface RetriedSyncOptions {
  url: string;
  /** The 429: a text body (or JSON for any other value) and the vendor's reset header. */
  rateLimited: { body: JsonValue; headers: Record<string, string> };
  serverErrorStatus?: number;
  success: () => Response;
  ctx: IncidentProviderSyncContext;
  expectedSleepMs?: number;
}

/**
 * The retry path every vendor client shares: the vendor answers `rateLimited` (a 429 with
 * its own reset header), then a 5xx, then never (the timeout), then `success`. Asserts
 * the four requests and that the first wait is `expectedSleepMs`, and returns the pages.
 */
export async function expectRetriedSync(
  options: RetriedSyncOptions & {
    server: SetupServer;
    provider: (options: ProviderOptions) => IncidentProvider;
  },
): Promise<IncidentPage[]> {
  let calls = 0;
  options.server.use(
    http.get(options.url, async () => {
      calls++;
      if (calls === 1) {
        const { body, headers } = options.rateLimited;
        return typeof body === 'string'
          ? new HttpResponse(body, { status: 429, headers })
          : HttpResponse.json(body, { status: 429, headers });
      }
      if (calls === 2) {
        return new HttpResponse('err', {
          status: options.serverErrorStatus ?? 500,
        });
      }
      if (calls === 3) await delay('infinite');
      return options.success();
    }),
  );
  const sleeps: number[] = [];
  const provider = options.provider({
    http: { ...FAST_HTTP.http, sleep: async ms => void sleeps.push(ms) },
  });

  const pages = await collect(provider, options.ctx);

  expect(calls).toBe(4);
  if (options.expectedSleepMs !== undefined) {
    expect(sleeps[0]).toBe(options.expectedSleepMs);
  }
  return pages;
}

/**
 * What every vendor client's suite sets up: an msw server for the file and the vendor's
 * provider with one account `default`, whose config is `account`.
 */
export function useVendorHarness<
  A extends { id: string },
  P extends IncidentProvider,
>(
  providerClass: ProviderClass<A, P>,
  vendor: string,
  account: Record<string, JsonValue | undefined>,
) {
  const server = useMockServer();
  return {
    server,
    /** The provider (fast retries), with `extra` on top of the suite's account. */
    provider: (extra: Record<string, JsonValue> = {}) =>
      defaultAccountProvider(providerClass, vendor, { ...account, ...extra }),
    /** expectRetriedSync against this server, the provider's account being `retryAccount`. */
    expectRetriedSync: (
      options: RetriedSyncOptions & {
        retryAccount: Record<string, JsonValue | undefined>;
      },
    ) =>
      expectRetriedSync({
        ...options,
        server,
        provider: providerOptions =>
          defaultAccountProvider(
            providerClass,
            vendor,
            options.retryAccount,
            providerOptions,
          ),
      }),
  };
}
