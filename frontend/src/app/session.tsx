// Who is signed in, in which host, against which server.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, ApiError } from '../api/client';
import type { Info, LoginResponse, User } from '../api/types';
import { clearSession, currentProvider, getToken, onSessionCleared } from '../auth';
import type { HostInfo } from '../teams/teams';
import { endBrowserSession } from '../auth/browser';

export type AuthState =
  | { status: 'checking' }
  | { status: 'signedOut'; reason?: string }
  /** The token is good but the server needs the user's consent to read their profile (Entra). */
  | { status: 'consent' }
  | { status: 'signedIn'; user: User; orgId: string };

interface Session {
  info: Info;
  host: HostInfo;
  auth: AuthState;
  /** After a token was obtained (demo persona, consent granted): POST /login and remember the user. */
  completeSignIn: () => Promise<void>;
  signOut: () => void;
}

const Ctx = createContext<Session | null>(null);
const LOGGED_IN_KEY = 'contactpro.loggedIn';

/**
 * Resumes the session at start-up, before React renders: POST /login once per sign-in
 * (per tab session), GET /me afterwards. Resolves to null when nobody is signed in.
 */
export async function resumeSession(): Promise<LoginResponse | null> {
  const token = await getToken();
  if (!token) return null;
  let loggedIn = false;
  try {
    loggedIn = sessionStorage.getItem(LOGGED_IN_KEY) === '1' && currentProvider().kind === 'demo';
  } catch {
    /* ignore */
  }
  const res = loggedIn ? await api.me() : await api.login();
  try {
    sessionStorage.setItem(LOGGED_IN_KEY, '1');
  } catch {
    /* ignore */
  }
  return res;
}

export function SessionProvider({ info, host, initial, children }: { info: Info; host: HostInfo; initial: Promise<LoginResponse | null>; children: ReactNode }) {
  const [auth, setAuth] = useState<AuthState>({ status: 'checking' });

  const completeSignIn = useCallback(async () => {
    let res: LoginResponse;
    try {
      res = await api.login();
    } catch (e) {
      if (isConsentRequired(e)) {
        setAuth({ status: 'consent' });
        return;
      }
      throw e;
    }
    try {
      sessionStorage.setItem(LOGGED_IN_KEY, '1');
    } catch {
      /* ignore */
    }
    setAuth({ status: 'signedIn', user: res.user, orgId: res.org.id });
  }, []);

  useEffect(() => {
    let cancelled = false;
    initial.then(
      (res) => {
        if (cancelled) return;
        setAuth(res ? { status: 'signedIn', user: res.user, orgId: res.org.id } : { status: 'signedOut' });
      },
      (e: unknown) => {
        if (cancelled) return;
        if (isConsentRequired(e)) setAuth({ status: 'consent' });
        else setAuth({ status: 'signedOut', reason: e instanceof Error ? e.message : String(e) });
      },
    );
    return () => {
      cancelled = true;
    };
  }, [initial]);

  useEffect(
    () =>
      onSessionCleared(() => {
        try {
          sessionStorage.removeItem(LOGGED_IN_KEY);
        } catch {
          /* ignore */
        }
        setAuth({ status: 'signedOut' });
      }),
    [],
  );

  const signOut = useCallback(() => {
    const browser = currentProvider().kind === 'oidc';
    clearSession();
    // Signing out in a browser also ends the identity provider's session (shared computers).
    if (browser) void endBrowserSession().catch(() => undefined);
  }, []);
  const v = useMemo(() => ({ info, host, auth, completeSignIn, signOut }), [info, host, auth, completeSignIn, signOut]);
  return <Ctx.Provider value={v}>{children}</Ctx.Provider>;
}

/** POST /login answered 403 consent_required (Entra: Graph needs the user's consent). */
export function isConsentRequired(e: unknown): boolean {
  return e instanceof ApiError && e.status === 403 && e.code === 'consent_required';
}

export function useSession(): Session {
  const v = useContext(Ctx);
  if (!v) throw new Error('SessionProvider missing');
  return v;
}

export function useUser(): User | null {
  const { auth } = useSession();
  return auth.status === 'signedIn' ? auth.user : null;
}
