// Sign-in outside Teams in the entra and oidc modes: OpenID Connect authorization code with PKCE,
// by full-page redirect (msal-browser for Entra ID, oidc-client-ts for any other provider).
//
// Decisions:
// - Both libraries are loaded on demand (dynamic import): the demo and Teams paths never pay for them.
// - Redirect, not pop-up: pop-ups are blocked in many browsers and in kiosk set-ups. The identity
//   provider comes back to /auth/callback; the page the user wanted travels in the `state` parameter
//   and is only ever a same-origin path.
// - Never inside an iframe: identity providers refuse to be framed (and must). A framed page outside
//   Teams offers to open contactpro in a new window instead.
// - Tokens live in sessionStorage (per tab, gone with the tab), like the demo tokens.
import type { Info } from '../api/types';
import type { TokenProvider } from './index';

export const CALLBACK_PATH = '/auth/callback';

export interface SignInBackend {
  /** Completes the redirect back to CALLBACK_PATH; returns the path the user was going to. */
  handleCallback(): Promise<string>;
  /** A valid token for the API from the cache (renewed without interaction when possible), or null. */
  token(): Promise<string | null>;
  /** Leaves the page for the identity provider. `consent`: ask the user to grant permissions again. */
  signIn(returnTo: string, opts?: { consent?: boolean }): Promise<void>;
  /** Forgets the tokens held by this tab. */
  signOut(): Promise<void>;
  /** Ends the provider's session too (leaves the page; the provider sends the user back to /). */
  endSession(): Promise<void>;
}

export class FramedError extends Error {
  constructor() {
    super('framed');
  }
}

type Loader = () => Promise<SignInBackend>;
let loader: Loader | null = null;
let backend: Promise<SignInBackend> | null = null;

/** Chooses the library from the server's /api/v1/info (null in demo mode). */
export function loaderFor(info: Info): Loader | null {
  const redirectUri = window.location.origin + CALLBACK_PATH;
  const postLogout = window.location.origin + '/';
  if (info.auth_mode === 'entra' && info.entra) {
    const cfg = info.entra;
    return () => import('./msal').then((m) => m.createMsalBackend(cfg, redirectUri, postLogout));
  }
  if (info.auth_mode === 'oidc' && info.oidc) {
    const cfg = info.oidc;
    return () => import('./oidcClient').then((m) => m.createOidcBackend(cfg, redirectUri, postLogout));
  }
  return null;
}

/** Tests replace the libraries at this boundary. */
export function configureBrowserSignIn(l: Loader | null): void {
  loader = l;
  backend = null;
}

function load(): Promise<SignInBackend> {
  if (!loader) return Promise.reject(new Error('This server does not offer sign-in in the browser.'));
  if (!backend) {
    backend = loader();
    backend.catch(() => (backend = null));
  }
  return backend;
}

export function isFramed(): boolean {
  try {
    return window.self !== window.top;
  } catch {
    return true;
  }
}

/** Only same-origin paths: `state` comes back through the URL and must not send anyone elsewhere. */
export function safeReturnPath(p: unknown): string {
  if (typeof p !== 'string' || !p.startsWith('/') || p.startsWith('//') || p.startsWith('/\\')) return '/';
  if (p.startsWith(CALLBACK_PATH)) return '/';
  return p;
}

export function isCallback(pathname = window.location.pathname): boolean {
  return pathname === CALLBACK_PATH;
}

/** At start-up on /auth/callback: exchange the code, then put the user back where they were going. */
export async function completeBrowserSignIn(): Promise<string> {
  const b = await load();
  const to = safeReturnPath(await b.handleCallback());
  window.history.replaceState(null, '', to);
  return to;
}

export async function startBrowserSignIn(returnTo: string, opts: { consent?: boolean } = {}): Promise<void> {
  if (isFramed()) throw new FramedError();
  const b = await load();
  await b.signIn(safeReturnPath(returnTo), opts);
}

/**
 * The user's own "Sign out": forget the tokens and end the provider's session, so that the next
 * "Sign in" on a shared computer asks for credentials again. (A 401 only forgets the tokens.)
 */
export async function endBrowserSession(): Promise<void> {
  if (!loader) return;
  const b = await load();
  await b.endSession();
}

export const browserProvider: TokenProvider = {
  kind: 'oidc',
  async getToken() {
    if (!loader) return null;
    return (await load()).token();
  },
  clear() {
    if (backend) void backend.then((b) => b.signOut()).catch(() => undefined);
  },
  async requestConsent() {
    await startBrowserSignIn(window.location.pathname + window.location.search, { consent: true });
  },
};
