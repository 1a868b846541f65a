// Entra ID sign-in in a browser tab (outside Teams), with Microsoft's msal-browser.
import { InteractionRequiredAuthError, PublicClientApplication } from '@azure/msal-browser';
import type { Info } from '../api/types';
import type { SignInBackend } from './browser';

type EntraInfo = NonNullable<Info['entra']>;

/** The scope the API checks (`scp` must contain access_as_user): `<App ID URI>/access_as_user`. */
export function apiScope(cfg: EntraInfo): string {
  const uri = (cfg.app_id_uri || `api://${cfg.client_id}`).replace(/\/+$/, '');
  return `${uri}/access_as_user`;
}

export async function createMsalBackend(cfg: EntraInfo, redirectUri: string, postLogoutRedirectUri: string): Promise<SignInBackend> {
  const base = cfg.authority.replace(/\/+$/, '');
  const host = new URL(base).host;
  const pca = new PublicClientApplication({
    auth: {
      clientId: cfg.client_id,
      authority: `${base}/${cfg.tenant || 'organizations'}`,
      // MSAL only trusts Microsoft's clouds by itself; a configured authority (national cloud, or a
      // stand-in in tests) is trusted because the server's administrator configured it.
      knownAuthorities: host === 'login.microsoftonline.com' ? [] : [host],
      redirectUri,
      postLogoutRedirectUri,
    },
    cache: { cacheLocation: 'sessionStorage' },
  });
  await pca.initialize();
  const scopes = [apiScope(cfg)];
  const account = () => pca.getActiveAccount() ?? pca.getAllAccounts()[0] ?? null;

  return {
    async handleCallback() {
      const res = await pca.handleRedirectPromise({ navigateToLoginRequestUrl: false });
      if (!res) throw new Error('The sign-in response is missing or was already used.');
      if (res.account) pca.setActiveAccount(res.account);
      return res.state ?? '/';
    },
    async token() {
      const a = account();
      if (!a) return null;
      try {
        const r = await pca.acquireTokenSilent({ scopes, account: a });
        return r.accessToken;
      } catch (e) {
        if (e instanceof InteractionRequiredAuthError) return null;
        throw e;
      }
    },
    async signIn(returnTo, opts = {}) {
      // An abandoned attempt (Back from the provider) leaves MSAL's "interaction in progress"
      // flag behind, and loginRedirect would refuse; on a page without a response this only
      // clears that state.
      await pca.handleRedirectPromise({ navigateToLoginRequestUrl: false });
      await pca.loginRedirect({
        scopes,
        state: returnTo,
        // Consent for the profile refresh: the server reads /me from Graph on the user's behalf.
        ...(opts.consent ? { prompt: 'consent', extraScopesToConsent: ['User.Read'] } : { prompt: 'select_account' }),
      });
    },
    async signOut() {
      await pca.clearCache();
    },
    async endSession() {
      await pca.logoutRedirect({ account: account() ?? undefined, postLogoutRedirectUri });
    },
  };
}
