import { createHttpClient, HttpError, retryDelayFromHeaders } from './http';

type Step = Response | Error | 'hang';

/** A fetch that answers from a script and records what it was asked. */
function scriptedFetch(steps: Step[]) {
  const calls: string[] = [];
  const fn = (url: string | URL | Request, init?: RequestInit) => {
    calls.push(String(url));
    const step = steps.shift();
    if (step === undefined) throw new Error('unexpected request');
    if (step === 'hang') {
      return new Promise<Response>((_, reject) =>
        init?.signal?.addEventListener('abort', () =>
          reject(init.signal!.reason),
        ),
      );
    }
    if (step instanceof Error) return Promise.reject(step);
    return Promise.resolve(step);
  };
  return { fetch: fn as typeof fetch, calls };
}

function json(body: unknown, init?: ResponseInit) {
  return new Response(JSON.stringify(body), {
    headers: { 'content-type': 'application/json' },
    ...init,
  });
}

const NOW = Date.UTC(2026, 2, 1);

function client(steps: Step[], extra: Record<string, unknown> = {}) {
  const { fetch, calls } = scriptedFetch(steps);
  const sleeps: number[] = [];
  const http = createHttpClient({
    fetch,
    timeoutMs: 20,
    maxRetries: 3,
    baseDelayMs: 1000,
    sleep: async ms => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    now: () => NOW,
    ...extra,
  });
  return { http, calls, sleeps };
}

describe('createHttpClient', () => {
  it('retries a 429 after the Retry-After seconds, then returns the body', async () => {
    const { http, calls, sleeps } = client([
      new Response('slow down', {
        status: 429,
        headers: { 'Retry-After': '7' },
      }),
      json({ ok: 1 }),
    ]);

    const res = await http.getJson<{ ok: number }>('https://x.test/a');

    expect(res.body).toEqual({ ok: 1 });
    expect(calls).toHaveLength(2);
    expect(sleeps).toEqual([7000]);
  });

  it('backs off exponentially with jitter on 5xx, network errors and timeouts', async () => {
    const { http, calls, sleeps } = client([
      new Response('oops', { status: 500 }),
      new TypeError('fetch failed'),
      'hang',
      json([1]),
    ]);

    const res = await http.getJson('https://x.test/b');

    expect(res.body).toEqual([1]);
    expect(calls).toHaveLength(4);
    // step = 1 s, 2 s, 4 s; equal jitter with random 0.5 gives 3/4 of each step
    expect(sleeps).toEqual([750, 1500, 3000]);
  });

  it('gives up after the last retry with the status in the message', async () => {
    const { http, calls } = client([
      new Response('a', { status: 503 }),
      new Response('b', { status: 503 }),
      new Response('c', { status: 503 }),
      new Response('down for maintenance', { status: 503 }),
    ]);

    await expect(http.getJson('https://x.test/c')).rejects.toThrow(
      /HTTP 503 .*down for maintenance/,
    );
    expect(calls).toHaveLength(4);
  });

  it('does not retry other 4xx responses', async () => {
    const { http, calls } = client([
      new Response('no such service', { status: 404 }),
    ]);

    const error = await http.getJson('https://x.test/d').catch(e => e);

    expect(error).toBeInstanceOf(HttpError);
    expect(error.status).toBe(404);
    expect(calls).toHaveLength(1);
  });

  it('asks again when a 200 body is cut off, like any transient fault', async () => {
    const { http, calls } = client([
      new Response('{"incidents": ['),
      json({ incidents: [] }),
    ]);

    await expect(http.getJson('https://x.test/e')).resolves.toMatchObject({
      body: { incidents: [] },
    });
    expect(calls).toHaveLength(2);
  });

  it('reports a body that stays malformed once the retries are spent', async () => {
    const { http, calls } = client(
      Array.from({ length: 10 }, () => new Response('{"incidents": [')),
    );

    await expect(http.getJson('https://x.test/e')).rejects.toThrow(
      /Malformed JSON from https:\/\/x.test\/e/,
    );
    expect(calls.length).toBeGreaterThan(1);
    expect(calls.length).toBeLessThan(10);
  });

  it('waits before the next request when the quota is used up', async () => {
    const { http, sleeps } = client([
      json(
        {},
        {
          headers: {
            'X-RateLimit-Remaining': '0',
            'X-RateLimit-Reset': String(NOW / 1000 + 30),
          },
        },
      ),
      json({}),
    ]);

    await http.getJson('https://x.test/f');
    expect(sleeps).toEqual([]);
    await http.getJson('https://x.test/f');
    expect(sleeps).toEqual([30_000]);
  });

  it('stops at once when the caller aborts', async () => {
    const controller = new AbortController();
    const { http, calls } = client(['hang'], { timeoutMs: 60_000 });

    const pending = http.getJson('https://x.test/g', {
      signal: controller.signal,
    });
    controller.abort(new Error('shutting down'));

    await expect(pending).rejects.toThrow('shutting down');
    expect(calls).toHaveLength(1);
  });
});

describe('retryDelayFromHeaders', () => {
  it.each([
    [{ 'Retry-After': '120' }, 120_000],
    [{ 'Retry-After': new Date(NOW + 5000).toUTCString() }, 5000],
    [{ 'ratelimit-reset': '12' }, 12_000],
    [{ RateLimit: 'limit=100, remaining=0, reset=9' }, 9000],
    [{ 'X-RateLimit-Reset': String(NOW / 1000 + 60) }, 60_000],
    [{ 'X-RateLimit-Reset': String(NOW + 2000) }, 2000],
    [{ 'X-RateLimit-Reset': new Date(NOW + 3000).toISOString() }, 3000],
  ])('reads %p', (headers, expected) => {
    expect(retryDelayFromHeaders(new Headers(headers), NOW)).toBe(expected);
  });

  it('is undefined without hints', () => {
    expect(retryDelayFromHeaders(new Headers({}), NOW)).toBeUndefined();
  });
});
