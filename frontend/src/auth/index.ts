// Where bearer tokens come from. The rest of the app calls getToken() and never
// cares whether the token is a demo token, a Teams SSO token or (later) an OIDC one.
//
// - demo:  token issued by POST /api/v1/demo/token, kept in sessionStorage (per tab,
//          so two browser windows can be two different people).
// - teams: teams-js authentication.getAuthToken() (SSO), retried with silent:false on
//          consent errors. Never redirects inside the tab iframe.
// - oidc:  outside Teams in the entra and oidc modes, the browser's own sign-in (auth/browser.ts).

import { browserProvider } from './browser';

export interface TokenProvider {
  kind: 'demo' | 'teams' | 'oidc';
  /** Returns a token, or null when the user is not signed in. */
  getToken(): Promise<string | null>;
  /** Forgets the token (sign out, or after a 401). */
  clear(): void;
  /** Asks the user to grant the permissions the server needs (after a 403 consent_required). */
  requestConsent?(): Promise<void>;
}

const DEMO_KEY = 'contactpro.token';

/** Seconds since epoch at which a JWT expires, or null if it cannot be read. */
export function jwtExpiry(token: string): number | null {
  const part = token.split('.')[1];
  if (!part) return null;
  try {
    const json = atob(part.replace(/-/g, '+').replace(/_/g, '/'));
    const claims = JSON.parse(json) as { exp?: number };
    return typeof claims.exp === 'number' ? claims.exp : null;
  } catch {
    return null;
  }
}

function isFresh(token: string, skewSeconds = 60): boolean {
  const exp = jwtExpiry(token);
  return exp === null || exp * 1000 > Date.now() + skewSeconds * 1000;
}

export const demoProvider: TokenProvider = {
  kind: 'demo',
  async getToken() {
    const t = safeSession()?.getItem(DEMO_KEY) ?? null;
    if (t && !isFresh(t)) {
      safeSession()?.removeItem(DEMO_KEY);
      return null;
    }
    return t;
  },
  clear() {
    safeSession()?.removeItem(DEMO_KEY);
  },
};

export function storeDemoToken(token: string): void {
  safeSession()?.setItem(DEMO_KEY, token);
}

function safeSession(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}

let teamsCached: string | null = null;

export const teamsProvider: TokenProvider = {
  kind: 'teams',
  async getToken() {
    if (teamsCached && isFresh(teamsCached, 300)) return teamsCached;
    const { authentication } = await import('@microsoft/teams-js');
    try {
      teamsCached = await authentication.getAuthToken();
    } catch (e) {
      const msg = String((e as Error)?.message ?? e);
      // Consent not yet given: Teams shows its consent pop-up when asked non-silently.
      if (/consent|interaction_required|resourceRequiresConsent/i.test(msg)) {
        teamsCached = await authentication.getAuthToken({ silent: false });
      } else {
        throw new AuthError(msg);
      }
    }
    return teamsCached;
  },
  clear() {
    teamsCached = null;
  },
  async requestConsent() {
    const { authentication } = await import('@microsoft/teams-js');
    // Non-silent: Teams shows its consent pop-up for the permissions the app registration asks for.
    teamsCached = await authentication.getAuthToken({ silent: false });
  },
};

export class AuthError extends Error {}

let provider: TokenProvider = demoProvider;
const listeners = new Set<() => void>();

export function setTokenProvider(p: TokenProvider): void {
  provider = p;
}

export function tokenProviderFor(mode: 'demo' | 'entra' | 'oidc', inTeams: boolean): TokenProvider {
  // A demo server only trusts its own tokens, even when the page is framed by Teams.
  if (mode === 'demo') return demoProvider;
  if (inTeams) return teamsProvider;
  return browserProvider;
}

export function currentProvider(): TokenProvider {
  return provider;
}

export function getToken(): Promise<string | null> {
  return provider.getToken();
}

export function clearSession(): void {
  provider.clear();
  listeners.forEach((l) => l());
}

/** Called when the session is cleared (e.g. a 401): the app goes back to sign-in. */
export function onSessionCleared(l: () => void): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}
