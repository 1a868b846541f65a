// End-to-end, issue 17: "Sync to phone and Outlook" (an app password made in the web app works on
// /dav/ with HTTP Basic until it is revoked; the .mobileconfig carries it), and a colleague who has
// not signed in yet added by e-mail (upn:name@domain) through the owners and members pickers.
// Real release binary in demo mode, Debian Chromium.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { axe, shot, startBrowser, startServer } from './harness.mjs';

let server;
let browser;
let A; // { token, persona }: the list's owner
let listId;
const axeReport = {};
const DESKTOP = { viewport: { width: 1366, height: 768 } };

async function demoToken(p) {
  const r = await fetch(`${server.base}/api/v1/demo/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ tid: p.tid, oid: p.oid, name: p.name, upn: p.upn }),
  });
  assert.equal(r.status, 200);
  return (await r.json()).access_token;
}

async function call(tok, method, url, body) {
  const r = await fetch(`${server.base}${url}`, {
    method,
    headers: { Authorization: `Bearer ${tok}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await r.text();
  return { status: r.status, json: text ? JSON.parse(text) : null };
}

/** PROPFIND /dav/ with HTTP Basic, as a phone would. */
async function propfind(user, password) {
  const r = await fetch(`${server.base}/dav/`, {
    method: 'PROPFIND',
    headers: {
      Authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
      Depth: '0',
      'Content-Type': 'application/xml; charset=utf-8',
    },
    body: '<?xml version="1.0" encoding="utf-8"?><d:propfind xmlns:d="DAV:"><d:prop><d:current-user-principal/></d:prop></d:propfind>',
  });
  await r.text();
  return r.status;
}

async function openList(pages) {
  const ctx = await browser.newContext({ ...DESKTOP, locale: 'en-US', acceptDownloads: true });
  await ctx.addInitScript((t) => sessionStorage.setItem('contactpro.token', t), A.token);
  const page = await ctx.newPage();
  page.setDefaultTimeout(15_000);
  pages.push(page);
  await page.goto(`${server.base}/lists/${listId}`);
  await page.locator('[data-contact-id]').first().waitFor();
  return page;
}

function step(name, fn) {
  it(name, async () => {
    const pages = [];
    try {
      await fn(pages);
    } catch (e) {
      const slug = name.replace(/[^a-z0-9]+/gi, '-').slice(0, 40);
      for (const [i, p] of pages.entries()) await shot(p, `FAIL-sync-${slug}-${i}`).catch(() => {});
      throw e;
    } finally {
      for (const p of pages) await p.context().close().catch(() => {});
    }
  });
}

describe('issue 17: sync to phone and Outlook; people not signed in yet', { concurrency: false }, () => {
  before(async () => {
    server = await startServer();
    browser = await startBrowser();
    const personas = (await (await fetch(`${server.base}/api/v1/demo/personas`)).json()).items;
    const pa = personas[0];
    A = { persona: pa, token: await demoToken(pa) };
    assert.equal((await call(A.token, 'POST', '/api/v1/login', {})).status, 200);
    const list = await call(A.token, 'POST', '/api/v1/lists', { name: 'Sync crew' });
    assert.equal(list.status, 201);
    listId = list.json.id;
    assert.equal((await call(A.token, 'POST', `/api/v1/lists/${listId}/contacts`, { full_name: 'Aiko Tanaka' })).status, 201);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  step('an app password is shown once, works on /dav/ with Basic, and is 401 once revoked', async (pages) => {
    const page = await openList(pages);
    // From the user menu.
    await page.locator('header').getByRole('button', { name: A.persona.name }).click();
    await page.getByRole('menuitem', { name: 'Sync to phone and Outlook' }).click();
    const dlg = page.getByRole('dialog', { name: 'Sync to phone and Outlook' });
    await dlg.getByTestId('app-passwords-empty').waitFor();
    assert.equal(await dlg.getByTestId('sync-server').textContent(), `${server.base}/dav/`);
    await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'));
    axeReport.empty = await axe(page);
    await shot(page, 'sync-01-empty');

    await dlg.getByLabel('Device name').fill('Test phone');
    await dlg.getByRole('button', { name: 'Create app password' }).click();
    const secret = dlg.getByTestId('app-password-secret');
    await secret.waitFor();
    const password = (await secret.getByTestId('app-password-value').textContent()).trim();
    assert.match(password, /^cpa_/);
    const username = (await dlg.getByTestId('sync-username').textContent()).trim();
    assert.equal(username, A.persona.upn);
    await dlg.getByRole('cell', { name: 'Test phone', exact: true }).waitFor();
    await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'));
    axeReport.created = await axe(page);
    await shot(page, 'sync-02-created');

    // The profile for Apple devices carries the same account.
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    const downloaded = page.waitForEvent('download');
    await secret.getByRole('button', { name: /Download profile/ }).click();
    assert.deepEqual(errors, []);
    const download = await downloaded;
    assert.match(download.suggestedFilename(), /^contactpro-Test-phone\.mobileconfig$/);
    const chunks = [];
    for await (const c of await download.createReadStream()) chunks.push(c);
    const xml = Buffer.concat(chunks).toString('utf8');
    assert.ok(xml.includes('<string>com.apple.carddav.account</string>'), xml);
    assert.ok(xml.includes(`<string>${password}</string>`));
    assert.ok(xml.includes(`<string>${new URL(server.base).hostname}</string>`));

    assert.equal(await propfind(username, password), 207, 'the app password signs in to /dav/');
    assert.equal(await propfind(username, `${password}x`), 401, 'a wrong password does not');

    // Shown once: closing and opening again lists it without the secret.
    await dlg.getByRole('button', { name: 'Close' }).last().click();
    await dlg.waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Help' }).click();
    await page.getByRole('menuitem', { name: 'Sync to phone and Outlook' }).click();
    await dlg.getByRole('cell', { name: 'Test phone', exact: true }).waitFor();
    assert.equal(await dlg.getByTestId('app-password-secret').count(), 0);
    assert.equal(await page.getByText(password).count(), 0);

    // Revoke, with confirmation.
    await dlg.getByRole('button', { name: 'Revoke the app password Test phone' }).click();
    const confirm = page.getByRole('alertdialog');
    await confirm.getByText('stops syncing', { exact: false }).waitFor();
    // The confirmation fades in: text at partial opacity fails contrast, so wait for the animations.
    await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'));
    axeReport.revoke = await axe(page);
    await confirm.getByRole('button', { name: 'Revoke' }).click();
    await confirm.waitFor({ state: 'detached' });
    await page.getByTestId('app-passwords-empty').waitFor();
    assert.deepEqual((await call(A.token, 'GET', '/api/v1/me/app-passwords')).json.items, []);
    assert.equal(await propfind(username, password), 401, 'a revoked password is refused');
  });

  step('an owner adds a colleague who has not signed in yet, by e-mail, as owner and as member', async (pages) => {
    const page = await openList(pages);
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('menuitem', { name: 'Permissions' }).click();
    const dlg = page.getByRole('dialog', { name: 'Permissions' });
    // Owner.
    const ownerBox = dlg.getByRole('combobox', { name: 'Add an owner' });
    await ownerBox.click();
    await ownerBox.fill('Someone@Contoso.example');
    await page.getByRole('option', { name: /Add someone@contoso\.example \(not signed in yet\)/ }).click();
    await dlg.getByTestId('pending-badge').first().waitFor();
    // Member, with the custom permissions.
    await dlg.getByRole('radio', { name: /Owners, plus the people below/ }).check();
    const memberBox = dlg.getByRole('combobox', { name: 'Add a member' });
    await memberBox.click();
    await memberBox.fill('newcomer@contoso.example');
    await page.getByRole('option', { name: /Add newcomer@contoso\.example \(not signed in yet\)/ }).click();
    await dlg.getByRole('cell', { name: /^newcomer@contoso\.example/ }).waitFor();
    assert.equal(await dlg.getByTestId('pending-badge').count(), 2);
    await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'));
    axeReport.permissions = await axe(page);
    await shot(page, 'sync-03-pending-people');
    await dlg.getByRole('button', { name: 'Save' }).click();
    await dlg.waitFor({ state: 'detached' });
    const list = (await call(A.token, 'GET', `/api/v1/lists/${listId}`)).json;
    assert.ok(list.owners.includes('upn:someone@contoso.example'), JSON.stringify(list.owners));
    assert.ok(list.owners.includes(A.persona.oid), 'the owner is still there');
    assert.equal(list.permissions.mode, 'custom');
    assert.ok(list.permissions.members.some((m) => m.oid === 'upn:newcomer@contoso.example'), JSON.stringify(list.permissions));
  });

  it('has no serious or critical accessibility violations in the new views', () => {
    const bad = Object.entries(axeReport).flatMap(([view, r]) => r.severe.map((v) => `${view}: ${v.id} (${v.impact}) ${v.help} @ ${v.nodes.join(' | ')}`));
    assert.ok(Object.keys(axeReport).length >= 4, `views checked: ${Object.keys(axeReport).join(', ')}`);
    assert.deepEqual(bad, []);
  });
});
