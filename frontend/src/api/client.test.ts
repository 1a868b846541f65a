// The client's answer to a failing server (issue 11): 503 auth_unavailable / busy keep the
// session and retry with backoff; only 401 forgets the tokens. fetch is mocked at the module boundary.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { api, ApiError, MAX_WRITE_ATTEMPTS } from './client';
import { onServiceStatus, serviceStatus, setServiceStatus, type ServiceStatus } from './status';
import { setTokenProvider, type TokenProvider } from '../auth';

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });
const err = (status: number, code: string, headers: Record<string, string> = {}) =>
  json(status, { error: { code, message: code } }, headers);

let cleared = 0;
const provider: TokenProvider = {
  kind: 'demo',
  getToken: async () => 'tok',
  clear: () => {
    cleared++;
  },
};
let seen: ServiceStatus[] = [];
let unsubscribe: () => void = () => undefined;

beforeEach(() => {
  vi.useFakeTimers();
  cleared = 0;
  seen = [];
  setServiceStatus('ok');
  setTokenProvider(provider);
  unsubscribe = onServiceStatus((s) => seen.push(s));
});
afterEach(() => {
  unsubscribe();
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

/** Answers each fetch with the next response, and records when each call was made. */
function mockFetch(...answers: (() => Response)[]) {
  const calls: { url: string; at: number; auth: string | null }[] = [];
  const fn = vi.fn(async (url: string, init: RequestInit) => {
    calls.push({ url, at: Date.now(), auth: new Headers(init.headers).get('Authorization') });
    const next = answers.shift();
    if (!next) throw new Error('unexpected fetch');
    return next();
  });
  vi.stubGlobal('fetch', fn);
  return calls;
}

describe('503 auth_unavailable', () => {
  it('keeps the session, shows the banner state, and retries with backoff until it succeeds', async () => {
    const calls = mockFetch(
      () => err(503, 'auth_unavailable'),
      () => err(503, 'auth_unavailable'),
      () => json(200, { items: [] }),
    );
    const p = api.lists();
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toHaveLength(1);
    expect(serviceStatus()).toBe('authUnavailable');
    await vi.advanceTimersByTimeAsync(999);
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(2000); // the second wait doubles
    await expect(p).resolves.toEqual({ items: [] });
    expect(calls).toHaveLength(3);
    expect(calls.every((c) => c.auth === 'Bearer tok')).toBe(true);
    expect(cleared).toBe(0);
    expect(seen).toEqual(['authUnavailable', 'ok']);
  });

  it('honours Retry-After', async () => {
    const calls = mockFetch(() => err(503, 'auth_unavailable', { 'Retry-After': '7' }), () => json(200, { items: [] }));
    const p = api.lists();
    await vi.advanceTimersByTimeAsync(6999);
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    await p;
    expect(calls[1].at - calls[0].at).toBe(7000);
    expect(cleared).toBe(0);
  });

  it('stops retrying when the request is aborted', async () => {
    mockFetch(() => err(503, 'auth_unavailable'));
    const ctrl = new AbortController();
    const p = api.contacts('l1', {}, ctrl.signal);
    const caught = p.catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(10);
    ctrl.abort();
    const e = await caught;
    expect(e).toBeInstanceOf(DOMException);
    expect(cleared).toBe(0);
  });
});

describe('503 busy', () => {
  it('retries after Retry-After and sets the busy state meanwhile', async () => {
    const calls = mockFetch(() => err(503, 'busy', { 'Retry-After': '2' }), () => json(200, { id: 'l1' }));
    const p = api.list('l1');
    await vi.advanceTimersByTimeAsync(0);
    expect(serviceStatus()).toBe('busy');
    await vi.advanceTimersByTimeAsync(2000);
    await expect(p).resolves.toEqual({ id: 'l1' });
    expect(calls[1].at - calls[0].at).toBe(2000);
    expect(serviceStatus()).toBe('ok');
  });

  it('treats 503 org_moving (the organization is moving to another server) like busy', async () => {
    const calls = mockFetch(() => err(503, 'org_moving', { 'Retry-After': '3' }), () => json(200, { id: 'l1' }));
    const p = api.list('l1');
    await vi.advanceTimersByTimeAsync(0);
    expect(serviceStatus()).toBe('busy');
    await vi.advanceTimersByTimeAsync(3000);
    await expect(p).resolves.toEqual({ id: 'l1' });
    expect(calls[1].at - calls[0].at).toBe(3000);
    expect(cleared).toBe(0);
  });

  it('gives a write up after a bounded number of attempts, without signing out', async () => {
    const calls = mockFetch(...Array.from({ length: MAX_WRITE_ATTEMPTS }, () => () => err(503, 'busy', { 'Retry-After': '1' })));
    const p = api.createList({ name: 'x' }).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(60_000);
    const e = await p;
    expect(e).toBeInstanceOf(ApiError);
    expect((e as ApiError).code).toBe('busy');
    expect(calls).toHaveLength(MAX_WRITE_ATTEMPTS);
    expect(cleared).toBe(0);
  });
});

describe('other failures', () => {
  it('a 401 forgets the tokens and is not retried', async () => {
    const calls = mockFetch(() => err(401, 'unauthorized'));
    await expect(api.lists()).rejects.toMatchObject({ status: 401 });
    expect(calls).toHaveLength(1);
    expect(cleared).toBe(1);
  });

  it('another 503 is an error, not a retry, and keeps the session', async () => {
    const calls = mockFetch(() => err(503, 'internal'));
    await expect(api.lists()).rejects.toMatchObject({ status: 503, code: 'internal' });
    expect(calls).toHaveLength(1);
    expect(cleared).toBe(0);
  });

  it('no answer at all marks the server offline; the next answer clears it', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => {
      throw new TypeError('Failed to fetch');
    }));
    await expect(api.lists()).rejects.toBeInstanceOf(TypeError);
    expect(serviceStatus()).toBe('offline');
    mockFetch(() => json(200, { items: [] }));
    await api.lists();
    expect(serviceStatus()).toBe('ok');
    expect(cleared).toBe(0);
  });
});
