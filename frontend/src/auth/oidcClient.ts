// Sign-in with any OpenID Connect provider (Keycloak, Authentik, ADFS...), with oidc-client-ts.
import { UserManager, WebStorageStateStore, type User } from 'oidc-client-ts';
import type { Info } from '../api/types';
import type { SignInBackend } from './browser';

type OidcInfo = NonNullable<Info['oidc']>;

/**
 * The token the API verifies: the access token when it is a JWT (its `aud` is the configured
 * audience), else the ID token (providers that give opaque access tokens; then `audience` must be the
 * client id).
 */
export function apiToken(u: Pick<User, 'access_token' | 'id_token'>): string | null {
  if (u.access_token && u.access_token.split('.').length === 3) return u.access_token;
  return u.id_token ?? null;
}

export async function createOidcBackend(cfg: OidcInfo, redirectUri: string, postLogoutRedirectUri: string): Promise<SignInBackend> {
  const um = new UserManager({
    authority: cfg.issuer,
    client_id: cfg.client_id,
    redirect_uri: redirectUri,
    post_logout_redirect_uri: postLogoutRedirectUri,
    response_type: 'code',
    scope: cfg.scopes || 'openid profile email',
    userStore: new WebStorageStateStore({ store: window.sessionStorage }),
    stateStore: new WebStorageStateStore({ store: window.sessionStorage }),
    // Renewal happens on demand in token(), with a refresh token only: no hidden iframe.
    automaticSilentRenew: false,
    loadUserInfo: false,
  });

  return {
    async handleCallback() {
      const user = await um.signinRedirectCallback();
      return typeof user.url_state === 'string' ? user.url_state : '/';
    },
    async token() {
      let u = await um.getUser();
      if (!u) return null;
      if (u.expires_in !== undefined && u.expires_in < 30) {
        if (!u.refresh_token) {
          await um.removeUser();
          return null;
        }
        try {
          u = await um.signinSilent();
        } catch {
          await um.removeUser();
          return null;
        }
        if (!u) return null;
      }
      return apiToken(u);
    },
    async signIn(returnTo, opts = {}) {
      await um.signinRedirect({ url_state: returnTo, ...(opts.consent ? { prompt: 'consent' } : {}) });
    },
    async signOut() {
      await um.removeUser();
    },
    async endSession() {
      const user = await um.getUser();
      await um.removeUser();
      // Providers without an end-session endpoint: the local sign-out above is all there is.
      if (!(await um.metadataService.getEndSessionEndpoint())) return;
      await um.signoutRedirect({ id_token_hint: user?.id_token });
    },
  };
}
