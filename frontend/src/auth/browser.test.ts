import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { browserProvider, completeBrowserSignIn, configureBrowserSignIn, endBrowserSession, loaderFor, safeReturnPath, startBrowserSignIn, FramedError, type SignInBackend } from './browser';
import { apiScope } from './msal';
import { apiToken } from './oidcClient';
import type { Info } from '../api/types';

// A stand-in for the identity libraries at the module boundary: the real ones run in the e2e suite.
function fakeBackend(over: Partial<SignInBackend> = {}): SignInBackend & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    handleCallback: async () => (calls.push('callback'), '/lists/abc?q=x'),
    token: async () => (calls.push('token'), 'tok'),
    signIn: async (to, o) => void calls.push(`signIn ${to} ${o?.consent ? 'consent' : ''}`.trim()),
    signOut: async () => void calls.push('signOut'),
    endSession: async () => void calls.push('endSession'),
    ...over,
  };
}

let replaced: string | null;
beforeEach(() => {
  replaced = null;
  const win = {
    location: { origin: 'https://contacts.example', pathname: '/lists/abc', search: '?q=x' },
    history: { replaceState: (_: unknown, __: string, to: string) => (replaced = to) },
  } as unknown as Window & typeof globalThis;
  (win as unknown as { self: unknown; top: unknown }).self = win;
  (win as unknown as { top: unknown }).top = win;
  vi.stubGlobal('window', win);
});
afterEach(() => {
  vi.unstubAllGlobals();
  configureBrowserSignIn(null);
});

describe('browser sign-in', () => {
  it('only returns to same-origin paths', () => {
    expect(safeReturnPath('/lists/1?q=a')).toBe('/lists/1?q=a');
    expect(safeReturnPath('https://evil.example/')).toBe('/');
    expect(safeReturnPath('//evil.example/x')).toBe('/');
    expect(safeReturnPath('/\\evil.example')).toBe('/');
    expect(safeReturnPath('javascript:alert(1)')).toBe('/');
    expect(safeReturnPath('/auth/callback?code=1')).toBe('/');
    expect(safeReturnPath(undefined)).toBe('/');
  });

  it('picks msal for entra, oidc-client-ts for oidc, nothing in demo mode', () => {
    const base: Info = { version: '1', auth_mode: 'demo', entra: null, oidc: null };
    expect(loaderFor(base)).toBeNull();
    expect(loaderFor({ ...base, auth_mode: 'entra', entra: { client_id: 'c', authority: 'https://login.microsoftonline.com', app_id_uri: '', tenant: 'organizations' } })).toBeTypeOf('function');
    expect(loaderFor({ ...base, auth_mode: 'oidc', oidc: { issuer: 'https://id.example', client_id: 'c', scopes: 'openid' } })).toBeTypeOf('function');
    expect(loaderFor({ ...base, auth_mode: 'oidc' })).toBeNull();
  });

  it('completes the callback and goes back where the user was going', async () => {
    const b = fakeBackend();
    configureBrowserSignIn(async () => b);
    expect(await completeBrowserSignIn()).toBe('/lists/abc?q=x');
    expect(replaced).toBe('/lists/abc?q=x');
    // A forged state cannot send the user to another site.
    configureBrowserSignIn(async () => fakeBackend({ handleCallback: async () => 'https://evil.example/' }));
    expect(await completeBrowserSignIn()).toBe('/');
    expect(replaced).toBe('/');
  });

  it('gets tokens from the library, and asks for consent by signing in again', async () => {
    const b = fakeBackend();
    configureBrowserSignIn(async () => b);
    expect(await browserProvider.getToken()).toBe('tok');
    await browserProvider.requestConsent!();
    expect(b.calls).toEqual(['token', 'signIn /lists/abc?q=x consent']);
    browserProvider.clear();
    await vi.waitFor(() => expect(b.calls).toContain('signOut'));
  });

  it('ends the provider session only when the user signs out, not on a 401', async () => {
    const b = fakeBackend();
    configureBrowserSignIn(async () => b);
    await browserProvider.getToken();
    browserProvider.clear(); // what a 401 does
    await vi.waitFor(() => expect(b.calls).toContain('signOut'));
    expect(b.calls).not.toContain('endSession');
    await endBrowserSession();
    expect(b.calls).toContain('endSession');
  });

  it('never starts a sign-in inside a frame', async () => {
    const b = fakeBackend();
    configureBrowserSignIn(async () => b);
    (window as unknown as { top: unknown }).top = {};
    await expect(startBrowserSignIn('/')).rejects.toBeInstanceOf(FramedError);
    expect(b.calls).toEqual([]);
  });

  it('has no token and no sign-in without a configured provider', async () => {
    expect(await browserProvider.getToken()).toBeNull();
    await expect(startBrowserSignIn('/')).rejects.toThrow(/does not offer sign-in/);
  });

  it('asks Entra for the access_as_user scope of the API', () => {
    expect(apiScope({ client_id: 'abc', authority: '', app_id_uri: '', tenant: '' })).toBe('api://abc/access_as_user');
    expect(apiScope({ client_id: 'abc', authority: '', app_id_uri: 'api://contacts.example/abc/', tenant: '' })).toBe('api://contacts.example/abc/access_as_user');
  });

  it('sends the JWT access token, or the ID token when the access token is opaque', () => {
    expect(apiToken({ access_token: 'a.b.c', id_token: 'i.d.t' })).toBe('a.b.c');
    expect(apiToken({ access_token: 'opaque', id_token: 'i.d.t' })).toBe('i.d.t');
    expect(apiToken({ access_token: 'opaque', id_token: undefined })).toBeNull();
  });
});
