// Rotating a legacy API key (issue 11): a new key with the same name first, its secret shown
// once, the old key revoked only on confirmation. fetch is mocked at the module boundary.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { beginRotation, finishRotation, needsRotation } from './keyRotation';
import { setTokenProvider } from '../auth';
import type { ApiKey } from '../api/types';

const old: ApiKey = {
  id: 'k-old',
  name: 'Power Automate',
  prefix: 'cpk_abc',
  created_at: '2026-01-01T00:00:00Z',
  created_by: { id: 'u1', name: 'Alice' },
  last_used_at: null,
  legacy: true,
};

let calls: { method: string; url: string; body: unknown }[] = [];
function mockFetch(answer: (method: string, url: string) => Response) {
  calls = [];
  vi.stubGlobal('fetch', vi.fn(async (url: string, init: RequestInit) => {
    const method = init.method ?? 'GET';
    calls.push({ method, url, body: init.body ? JSON.parse(String(init.body)) : undefined });
    return answer(method, url);
  }));
}

beforeEach(() => setTokenProvider({ kind: 'demo', getToken: async () => 'tok', clear: () => undefined }));
afterEach(() => vi.unstubAllGlobals());

describe('API key rotation', () => {
  it('flags only legacy keys', () => {
    expect(needsRotation(old)).toBe(true);
    expect(needsRotation({ ...old, legacy: false })).toBe(false);
    expect(needsRotation({ ...old, legacy: undefined })).toBe(false);
  });

  it('creates a key with the same name and leaves the old one alone', async () => {
    mockFetch(() => new Response(JSON.stringify({ key: { ...old, id: 'k-new', legacy: false }, secret: 'cpk_new_secret' }), { status: 201 }));
    const r = await beginRotation('list 1', old);
    expect(calls).toEqual([{ method: 'POST', url: '/api/v1/lists/list%201/api-keys', body: { name: 'Power Automate' } }]);
    expect(r.secret).toBe('cpk_new_secret');
    expect(r.fresh.id).toBe('k-new');
    expect(r.old.id).toBe('k-old');
  });

  it('revokes the old key, and only it, when the owner confirms', async () => {
    mockFetch(() => new Response(null, { status: 204 }));
    await finishRotation('list 1', { old, fresh: { ...old, id: 'k-new' }, secret: 's' });
    expect(calls).toEqual([{ method: 'DELETE', url: '/api/v1/lists/list%201/api-keys/k-old', body: undefined }]);
  });

  it('does not revoke anything when the new key cannot be made', async () => {
    mockFetch(() => new Response(JSON.stringify({ error: { code: 'forbidden', message: 'no' } }), { status: 403 }));
    await expect(beginRotation('l', old)).rejects.toMatchObject({ status: 403 });
    expect(calls.map((c) => c.method)).toEqual(['POST']);
  });
});
