/**
 * A small fetch wrapper for incident providers: a timeout per attempt, retries with
 * exponential backoff and jitter on 429, 5xx, timeouts and network errors, and the
 * rate-limit headers vendors send (Retry-After, RateLimit-Reset, X-RateLimit-*).
 */

/** @public */
export interface HttpClientOptions {
  /** Defaults to the global fetch. */
  fetch?: typeof fetch;
  /** Per attempt, including reading the body. Default 30 s. */
  timeoutMs?: number;
  /** Retries after the first attempt. Default 4. */
  maxRetries?: number;
  /** First backoff step. Default 1 s; doubles per retry. */
  baseDelayMs?: number;
  /** Longest backoff step without a server hint. Default 60 s. */
  maxDelayMs?: number;
  /** Longest wait a server hint (Retry-After, reset) may impose. Default 10 min. */
  maxHintDelayMs?: number;
  /** Sent with every request (e.g. Authorization). */
  headers?: Record<string, string>;
  /** Injected in tests; must reject when `signal` aborts. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** In [0, 1); injected in tests. */
  random?: () => number;
  now?: () => number;
  /** Told about each retry. */
  onRetry?: (info: {
    url: string;
    attempt: number;
    delayMs: number;
    reason: string;
  }) => void;
}

/** A response whose body was read in full. @public */
export interface HttpJsonResponse<T = unknown> {
  status: number;
  headers: Headers;
  url: string;
  body: T;
}

/** @public */
export interface HttpClient {
  /** Any 2xx response, body as text; throws {@link HttpError} otherwise. */
  request(url: string, init?: RequestInit): Promise<HttpJsonResponse<string>>;
  /** Like `request`, with the body parsed as JSON; a body that is not JSON throws. */
  getJson<T = unknown>(
    url: string,
    init?: RequestInit,
  ): Promise<HttpJsonResponse<T>>;
}

/**
 * A request that failed for good: after the last retry, or at once when not retryable.
 * `status` is absent for timeouts and network errors.
 * @public
 */
export class HttpError extends Error {
  readonly status?: number;
  readonly url: string;
  constructor(
    message: string,
    options: { url: string; status?: number; cause?: unknown },
  ) {
    super(message, { cause: options.cause });
    this.name = 'HttpError';
    this.url = options.url;
    this.status = options.status;
  }
}

/** Our own per-attempt timeout, told apart from the caller aborting. */
class TimeoutError extends Error {}

function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    let timer: ReturnType<typeof setTimeout> | undefined = undefined;
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** A reset value: delta seconds, epoch seconds, epoch ms, or an HTTP/ISO date. */
function resetToDelay(value: string, now: number): number | undefined {
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) {
    const n = Number(v);
    if (n > 1e12) return n - now;
    if (n > 1e9) return n * 1000 - now;
    return n * 1000;
  }
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : t - now;
}

/**
 * How long the server asks us to wait, from `Retry-After` (seconds or HTTP date),
 * `RateLimit-Reset` / `RateLimit: …, reset=N` (delta seconds, IETF draft) or
 * `X-RateLimit-Reset` (delta or epoch seconds, epoch ms, or a date). Undefined when the
 * headers say nothing.
 * @public
 */
export function retryDelayFromHeaders(
  headers: Headers,
  now: number = Date.now(),
): number | undefined {
  const candidates: Array<number | undefined> = [];
  const retryAfter = headers.get('retry-after');
  if (retryAfter) candidates.push(resetToDelay(retryAfter, now));
  const reset = headers.get('ratelimit-reset');
  if (reset) candidates.push(resetToDelay(reset, now));
  const combined = headers.get('ratelimit');
  const m = combined ? /(?:^|[;,\s])reset=(\d+)/i.exec(combined) : null;
  if (m) candidates.push(Number(m[1]) * 1000);
  const xReset = headers.get('x-ratelimit-reset');
  if (xReset) candidates.push(resetToDelay(xReset, now));
  const found = candidates.filter(
    (c): c is number => c !== undefined && Number.isFinite(c),
  );
  return found.length ? Math.max(0, ...found) : undefined;
}

/** True when the response says the quota is used up (remaining 0). */
function quotaExhausted(headers: Headers): boolean {
  for (const name of ['x-ratelimit-remaining', 'ratelimit-remaining']) {
    const v = headers.get(name);
    if (v !== null && Number(v.trim()) <= 0) return true;
  }
  const combined = headers.get('ratelimit');
  return !!combined && /(?:^|[;,\s])remaining=0\b/i.test(combined);
}

function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 408 || status >= 500;
}

/**
 * Creates an {@link HttpClient}.
 * @public
 */
export function createHttpClient(options: HttpClientOptions = {}): HttpClient {
  const doFetch = options.fetch ?? ((url, init) => fetch(url, init));
  const timeoutMs = options.timeoutMs ?? 30_000;
  const maxRetries = options.maxRetries ?? 4;
  const baseDelayMs = options.baseDelayMs ?? 1000;
  const maxDelayMs = options.maxDelayMs ?? 60_000;
  const maxHintDelayMs = options.maxHintDelayMs ?? 600_000;
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  // Set when a successful response says the quota is used up: the next request waits.
  let notBefore = 0;

  function backoff(attempt: number): number {
    const step = Math.min(maxDelayMs, baseDelayMs * 2 ** attempt);
    // "Equal jitter": never less than half the step, so retries still back off.
    return step / 2 + random() * (step / 2);
  }

  async function attemptOnce(
    url: string,
    init: RequestInit,
  ): Promise<{ response: Response; text: string }> {
    const controller = new AbortController();
    const outer = init.signal;
    const onOuterAbort = () => controller.abort(outer?.reason);
    if (outer?.aborted) controller.abort(outer.reason);
    outer?.addEventListener('abort', onOuterAbort, { once: true });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new Error(`timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    try {
      const response = await doFetch(url, {
        ...init,
        headers: {
          ...options.headers,
          ...(init.headers as Record<string, string>),
        },
        signal: controller.signal,
      });
      const text = await response.text();
      return { response, text };
    } catch (e) {
      if (timedOut) {
        throw new TimeoutError(
          `Request to ${url} timed out after ${timeoutMs} ms`,
        );
      }
      throw e;
    } finally {
      clearTimeout(timer);
      outer?.removeEventListener('abort', onOuterAbort);
    }
  }

  async function request(
    url: string,
    init: RequestInit = {},
  ): Promise<HttpJsonResponse<string>> {
    for (let attempt = 0; ; attempt++) {
      const wait = notBefore - now();
      if (wait > 0)
        await sleep(Math.min(wait, maxHintDelayMs), init.signal ?? undefined);

      let delayMs: number;
      let reason: string;
      try {
        const { response, text } = await attemptOnce(url, init);
        if (quotaExhausted(response.headers)) {
          const hint = retryDelayFromHeaders(response.headers, now());
          if (hint !== undefined) notBefore = now() + hint;
        }
        if (response.ok) {
          return {
            status: response.status,
            headers: response.headers,
            url,
            body: text,
          };
        }
        const message = `HTTP ${response.status} ${
          response.statusText
        } from ${url}${text ? `: ${text.slice(0, 300)}` : ''}`;
        if (!isRetryableStatus(response.status) || attempt >= maxRetries) {
          throw new HttpError(message, { url, status: response.status });
        }
        const hint = retryDelayFromHeaders(response.headers, now());
        delayMs =
          hint !== undefined
            ? Math.min(hint, maxHintDelayMs)
            : backoff(attempt);
        reason = `HTTP ${response.status}`;
      } catch (e) {
        if (e instanceof HttpError) throw e;
        if (init.signal?.aborted) throw e;
        const message = e instanceof Error ? e.message : String(e);
        if (attempt >= maxRetries) {
          throw new HttpError(
            e instanceof TimeoutError
              ? message
              : `Request to ${url} failed: ${message}`,
            { url, cause: e },
          );
        }
        delayMs = backoff(attempt);
        reason = message;
      }
      options.onRetry?.({ url, attempt: attempt + 1, delayMs, reason });
      await sleep(delayMs, init.signal ?? undefined);
    }
  }

  async function getJson<T>(
    url: string,
    init: RequestInit = {},
  ): Promise<HttpJsonResponse<T>> {
    for (let attempt = 0; ; attempt++) {
      const res = await request(url, {
        ...init,
        headers: {
          Accept: 'application/json',
          ...(init.headers as Record<string, string>),
        },
      });
      try {
        return { ...res, body: JSON.parse(res.body) as T };
      } catch (e) {
        // A 200 whose body was cut off in transit is as transient as a 500: ask again. A
        // body that stays malformed fails once the retries are spent.
        const message = `Malformed JSON from ${url}: ${(e as Error).message}`;
        if (attempt >= maxRetries) {
          throw new HttpError(message, { url, status: res.status, cause: e });
        }
        const delayMs = backoff(attempt);
        options.onRetry?.({
          url,
          attempt: attempt + 1,
          delayMs,
          reason: message,
        });
        await sleep(delayMs, init.signal ?? undefined);
      }
    }
  }

  return { request, getJson };
}
