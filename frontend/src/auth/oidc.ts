// Standalone sign-in for `entra` and `oidc` auth modes outside Teams.
// Not built yet (another engineer's task): the provider has the same shape as the
// others so that the authorization-code + PKCE flow can be dropped in here.
import type { TokenProvider } from './index';

export const OIDC_NOT_READY =
  'Sign-in outside Microsoft Teams is not available yet on this server. Open contactpro as a tab in Teams.';

export const oidcProvider: TokenProvider = {
  kind: 'oidc',
  async getToken() {
    return null;
  },
  clear() {},
};

/** Starts the interactive sign-in. Until the OIDC flow lands, it explains why it cannot. */
export async function startOidcSignIn(): Promise<never> {
  throw new Error(OIDC_NOT_READY);
}
