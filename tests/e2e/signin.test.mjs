// End-to-end: signing in outside Teams, in a real Chromium against the real server in `serve`
// mode, with a local stand-in identity provider over HTTPS (idp.mjs): OpenID Connect with
// oidc-client-ts, Entra ID with msal-browser, the consent prompt, the privacy and terms pages.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { axe, shot, startBrowser, startServer } from './harness.mjs';
import { startIdp } from './idp.mjs';

const USER = {
  tid: '3f0c1a2b-4d5e-4f60-8a71-92b3c4d5e6f7',
  oid: '9b1d2c3e-0000-4000-8000-00000000a11c',
  name: 'Jane Doe',
  upn: 'jane@corp.example',
  mail: 'jane.doe@corp.example',
  jobTitle: 'Purchasing manager',
};
const CLIENT_ID = '5d3c2b1a-7e6f-4a5b-9c8d-0e1f2a3b4c5d';

let browser;
before(async () => {
  browser = await startBrowser();
});
after(async () => {
  await browser?.close();
});

async function newPage() {
  // The stand-in's certificate comes from a CA made for this run; the server trusts it through
  // auth.ca_file, the browser is told to accept it.
  const ctx = await browser.newContext({ viewport: { width: 1100, height: 800 }, locale: 'en-US', ignoreHTTPSErrors: true });
  const page = await ctx.newPage();
  page.setDefaultTimeout(20_000);
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  return { ctx, page, errors };
}

const signedInButton = (page, name) => page.getByRole('button', { name: `Signed in as ${name}` }).or(page.locator(`button[title="Signed in as ${name}"]`));

describe('OpenID Connect sign-in in the browser', () => {
  let idp;
  let server;
  before(async () => {
    idp = await startIdp({ clientId: 'contactpro-spa', audience: 'contactpro-api', user: USER });
    server = await startServer({
      serve: true,
      env: {
        CONTACTPRO_AUTH__MODE: 'oidc',
        CONTACTPRO_AUTH__CA_FILE: idp.caFile,
        CONTACTPRO_AUTH__OIDC__ISSUER: idp.oidcIssuer,
        CONTACTPRO_AUTH__OIDC__AUDIENCE: 'contactpro-api',
        CONTACTPRO_AUTH__OIDC__CLIENT_ID: 'contactpro-spa',
        CONTACTPRO_AUTH__OIDC__ORG_CLAIM: 'org_id',
      },
    });
  });
  after(async () => {
    await server?.stop();
    idp?.close();
  });

  it('signs in with authorization code + PKCE and comes back to the page asked for', async () => {
    const { ctx, page, errors } = await newPage();
    await page.goto(`${server.base}/?from=e2e`);
    await page.getByRole('heading', { name: 'Sign in to contactpro' }).waitFor();
    assert.ok(await page.getByRole('link', { name: 'Privacy statement' }).isVisible());
    await shot(page, 'signin-oidc');
    await page.getByRole('button', { name: 'Sign in' }).click();

    await page.waitForURL((u) => u.href.startsWith(`${idp.oidcIssuer}/authorize`));
    await page.goBack();
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((u) => u.href.startsWith(`${idp.oidcIssuer}/authorize`));
    const q = new URL(page.url()).searchParams;
    assert.equal(q.get('code_challenge_method'), 'S256');
    assert.equal(q.get('redirect_uri'), `${server.base}/auth/callback`);
    await page.getByRole('button', { name: `Continue as ${USER.name}` }).click();

    await page.waitForURL((u) => u.origin === server.base && u.pathname === '/');
    assert.equal(new URL(page.url()).search, '?from=e2e', 'back where the user was going, callback gone');
    await page.getByRole('heading', { name: 'Contact lists' }).waitFor();
    await signedInButton(page, USER.name).first().waitFor();
    assert.deepEqual(idp.log.filter((l) => l.grant).map((l) => l.grant), ['authorization_code']);

    // The session survives a reload (same tab), without going back to the provider.
    await page.reload();
    await page.getByRole('heading', { name: 'Contact lists' }).waitFor();
    assert.equal(idp.log.filter((l) => l.grant).length, 1);

    // The user's organization comes from the org_id claim: a list made here is theirs.
    await page.getByRole('button', { name: 'New list' }).first().click();
    await page.getByLabel('List name').fill('Suppliers');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.waitForURL(/\/lists\//);
    await page.getByText('Suppliers').first().waitFor();

    // Sign out: the tab forgets the token and the provider's session ends (end-session endpoint),
    // then the provider sends the browser back to contactpro.
    await page.goto(`${server.base}/`);
    await signedInButton(page, USER.name).first().click();
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
    await page.waitForURL((u) => u.origin === server.base && u.pathname === '/' && idp.log.some((l) => l.logout));
    assert.deepEqual(idp.log.filter((l) => l.logout), [{ logout: '/oidc/logout', hint: true }]);
    await page.getByRole('heading', { name: 'Sign in to contactpro' }).waitFor();
    await page.reload();
    await page.getByRole('heading', { name: 'Sign in to contactpro' }).waitFor();
    assert.deepEqual(errors.filter((e) => !/401|Failed to load resource/.test(e)), []);
    await ctx.close();
  });

  it('refuses a forged or replayed callback with a clear message', async () => {
    const { ctx, page } = await newPage();
    await page.goto(`${server.base}/auth/callback?code=forged&state=forged`);
    await page.getByRole('heading', { name: 'Sign in to contactpro' }).waitFor();
    // The reason is shown, the address no longer carries the code, and no token was asked for.
    await page.getByText('Sign-in did not complete. Please sign in again.', { exact: false }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/');
    assert.equal(new URL(page.url()).search, '');
    await shot(page, 'signin-callback-refused');
    await ctx.close();
  });

  it('shows the privacy statement and the terms without signing in', async () => {
    const { ctx, page } = await newPage();
    await page.goto(`${server.base}/privacy`);
    await page.getByRole('heading', { name: 'Privacy statement' }).waitFor();
    await page.getByRole('heading', { name: 'What is stored' }).waitFor();
    const a = await axe(page);
    assert.deepEqual(a.severe, [], JSON.stringify(a.severe));
    await shot(page, 'privacy');
    await page.getByRole('link', { name: 'Terms of use' }).click();
    await page.getByRole('heading', { name: 'Terms of use' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/terms');
    await ctx.close();
  });
});

describe('Entra ID sign-in in the browser (msal-browser)', () => {
  let idp;
  let server;
  before(async () => {
    idp = await startIdp({ clientId: CLIENT_ID, clientSecret: 'e2e-secret', user: USER });
    server = await startServer({
      serve: true,
      env: {
        CONTACTPRO_AUTH__MODE: 'entra',
        CONTACTPRO_AUTH__CA_FILE: idp.caFile,
        CONTACTPRO_AUTH__ENTRA__CLIENT_ID: CLIENT_ID,
        CONTACTPRO_AUTH__ENTRA__AUTHORITY: idp.base,
        CONTACTPRO_AUTH__ENTRA__CLIENT_SECRET: 'e2e-secret',
        CONTACTPRO_AUTH__ENTRA__GRAPH_URL: idp.base,
      },
    });
  });
  after(async () => {
    await server?.stop();
    idp?.close();
  });

  it('signs in, asks for consent when Graph needs it, then uses the directory profile', async () => {
    const { ctx, page, errors } = await newPage();
    await page.goto(`${server.base}/`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((u) => u.href.startsWith(`${idp.base}/organizations/oauth2/v2.0/authorize`));
    // Changing one's mind at the provider (Back) must not block the next attempt.
    await page.goBack();
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((u) => u.href.startsWith(`${idp.base}/organizations/oauth2/v2.0/authorize`));
    const q = new URL(page.url()).searchParams;
    assert.equal(q.get('code_challenge_method'), 'S256');
    assert.ok(q.get('scope').split(' ').includes(`api://${CLIENT_ID}/access_as_user`), q.get('scope'));
    await page.getByRole('button', { name: `Continue as ${USER.name}` }).click();

    // The token is good, but the server cannot read the profile from Graph without consent.
    await page.getByRole('heading', { name: 'Permission needed' }).waitFor();
    const a = await axe(page);
    assert.deepEqual(a.severe, [], JSON.stringify(a.severe));
    await shot(page, 'consent');
    await page.getByRole('button', { name: 'Grant permission' }).click();
    await page.waitForURL((u) => u.href.startsWith(idp.base) && new URL(u).searchParams.get('prompt') === 'consent');
    const login = page.waitForResponse((r) => r.url().endsWith('/api/v1/login') && r.status() === 200);
    await page.getByRole('button', { name: 'Accept' }).click();
    const session = await (await login).json();
    assert.equal(session.user.job_title, USER.jobTitle, 'profile refreshed from Graph after consent');
    assert.equal(session.user.email, USER.mail);
    assert.equal(session.org.id, USER.tid);
    await page.getByRole('heading', { name: 'Contact lists' }).waitFor();
    await signedInButton(page, USER.name).first().waitFor();
    assert.ok(idp.consented);
    await signedInButton(page, USER.name).first().click();
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
    await page.waitForURL((u) => u.origin === server.base && idp.log.some((l) => l.logout));
    assert.equal(idp.log.filter((l) => l.logout)[0].logout, '/organizations/oauth2/v2.0/logout');
    await page.getByRole('heading', { name: 'Sign in to contactpro' }).waitFor();
    assert.ok(idp.log.some((l) => l.grant === 'urn:ietf:params:oauth:grant-type:jwt-bearer'), 'On-Behalf-Of was used');
    assert.deepEqual(errors.filter((e) => !/40[13]|Failed to load resource/.test(e)), []);
    await ctx.close();
  });
});
