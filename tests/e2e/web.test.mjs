// End-to-end, issue 16 (and the web side of issue 11): the web app on a failing server, on a
// phone, with the keyboard only, and the rough edges a first-time user hit. Each scenario
// failed before its fix. Real release binary in demo mode, Debian Chromium.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { axe, shot, startBrowser, startServer } from './harness.mjs';

let server;
let browser;
let personas;
let token; // the owner's demo token
let tokenB; // another member of the same organization
let listId;
let listUrl;
const axeReport = {};

const PHONE = { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true, deviceScaleFactor: 3 };
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

/** A signed-in page (the token put in the tab's session before any script runs). */
async function open(tok, url, opts = {}) {
  const ctx = await browser.newContext({ ...DESKTOP, locale: 'en-US', ...opts });
  await ctx.addInitScript((t) => sessionStorage.setItem('contactpro.token', t), tok);
  const page = await ctx.newPage();
  page.setDefaultTimeout(15_000);
  if (url) await page.goto(`${server.base}${url}`);
  return { ctx, page };
}

async function atList(tok, opts = {}) {
  const o = await open(tok, `/lists/${listId}`, opts);
  await o.page.locator('[data-contact-id]').first().waitFor();
  return o;
}

/** Runs a scenario; on failure keeps a screenshot of every page it opened. */
function step(name, fn) {
  it(name, async () => {
    const pages = [];
    try {
      await fn(pages);
    } catch (e) {
      const slug = name.replace(/[^a-z0-9]+/gi, '-').slice(0, 40);
      for (const [i, p] of pages.entries()) await shot(p, `FAIL-web-${slug}-${i}`).catch(() => {});
      throw e;
    } finally {
      for (const p of pages) await p.context().close().catch(() => {});
    }
  });
}

/** Imports n generated contacts into a new list; returns its id. */
async function bigList(name, n) {
  const list = await call(token, 'POST', '/api/v1/lists', { name });
  assert.equal(list.status, 201);
  const lines = ['Full Name,Job Title,Company,Mobile,Email'];
  for (let i = 0; i < n; i++) lines.push(`Person ${String(i).padStart(4, '0')} Example,Engineer,Company ${i % 7},+33 6 ${String(i).padStart(8, '0')},p${i}@example.com`);
  let job = await (await fetch(`${server.base}/api/v1/lists/${list.json.id}/imports?on_duplicate=create`, {
    method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'text/csv' }, body: lines.join('\r\n') + '\r\n',
  })).json();
  while (job.status === 'queued' || job.status === 'running') {
    await new Promise((r) => setTimeout(r, 200));
    job = (await call(token, 'GET', `/api/v1/jobs/${job.id}`)).json;
  }
  assert.equal(job.imported, n, JSON.stringify(job));
  return list.json.id;
}

const NAMES = [
  ['Clément Dupont', 'Head of logistics', 'Fournisseur SA', '+33 6 15 88 26 17'],
  ['Chloé Martin', 'Buyer', 'Contoso', '+33 6 11 22 33 44'],
  ['Paulo Costa', 'Driver', 'Costa Transportes', '+351 912 345 678'],
  ['Aiko Tanaka', 'Designer', 'Fabrikam', '+81 90 1234 5678'],
  ['Björn Larsson', 'Mechanic', 'Nordic Parts', '+46 70 123 45 67'],
];

describe('the web app on every screen', { concurrency: false }, () => {
  before(async () => {
    server = await startServer();
    browser = await startBrowser();
    personas = (await (await fetch(`${server.base}/api/v1/demo/personas`)).json()).items;
    const [a, b] = personas.filter((p) => p.tid === personas[0].tid);
    token = await demoToken(a);
    tokenB = await demoToken(b);
    assert.equal((await call(token, 'POST', '/api/v1/login', {})).status, 200);
    assert.equal((await call(tokenB, 'POST', '/api/v1/login', {})).status, 200);
    const list = await call(token, 'POST', '/api/v1/lists', { name: 'Resilience crew' });
    assert.equal(list.status, 201);
    listId = list.json.id;
    listUrl = `/lists/${listId}`;
    for (const [full_name, job_title, company, mobile] of NAMES) {
      const r = await call(token, 'POST', `/api/v1/lists/${listId}/contacts`, {
        full_name, job_title, company, mobile, email: `${full_name.split(' ')[0].normalize('NFD').replace(/[^a-z]/gi, '').toLowerCase()}@example.com`,
      });
      assert.equal(r.status, 201, JSON.stringify(r.json));
    }
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  step('503 auth_unavailable keeps the session, shows the banner and retries (issue 11)', async (pages) => {
    const { page } = await open(token, null);
    pages.push(page);
    // Refused until the banner was seen, then at most once more: no race with the retry timer.
    let refused = 0;
    let seen = false;
    await page.route('**/api/v1/lists/*/contacts*', async (route) => {
      if (!seen || refused < 2) {
        refused++;
        await route.fulfill({
          status: 503,
          headers: { 'Content-Type': 'application/json', 'Retry-After': '1' },
          body: JSON.stringify({ error: { code: 'auth_unavailable', message: 'identity provider keys unreachable' } }),
        });
      } else await route.continue();
    });
    await page.goto(`${server.base}${listUrl}`);
    await page.getByText('Sign-in service unreachable, retrying…').waitFor();
    seen = true;
    await page.locator('[data-contact-id]').first().waitFor();
    await page.getByText('Sign-in service unreachable, retrying…').waitFor({ state: 'detached' });
    assert.ok(refused >= 2);
    assert.ok(await page.evaluate(() => sessionStorage.getItem('contactpro.token')), 'the token is kept');
    assert.equal(await page.getByRole('button', { name: /^Continue as/ }).count(), 0, 'not signed out');
  });

  step('503 busy with Retry-After is retried the same way', async (pages) => {
    const { page } = await open(token, null, { locale: 'fr-FR' });
    pages.push(page);
    let seen = false;
    await page.route('**/api/v1/lists/*/contacts*', async (route) => {
      if (!seen) {
        await route.fulfill({
          status: 503,
          headers: { 'Content-Type': 'application/json', 'Retry-After': '1' },
          body: JSON.stringify({ error: { code: 'busy', message: 'busy' } }),
        });
      } else await route.continue();
    });
    await page.goto(`${server.base}${listUrl}`);
    await page.getByText('Le serveur est occupé, nouvel essai…').waitFor();
    seen = true;
    await page.locator('[data-contact-id]').first().waitFor();
  });

  step('a dialog whose chunk fails to load offers Retry instead of a blank page', async (pages) => {
    const { page } = await open(token, null);
    pages.push(page);
    let block = true;
    await page.route(/\/assets\/AboutDialog-[^/]*\.js/, (route) => (block ? route.abort('internetdisconnected') : route.continue()));
    await page.goto(`${server.base}${listUrl}`);
    await page.locator('[data-contact-id]').first().waitFor();
    await page.getByRole('button', { name: 'Help' }).click();
    await page.getByRole('menuitem', { name: 'About' }).click();
    const failed = page.getByRole('dialog', { name: 'This window could not be opened' });
    await failed.waitFor();
    assert.ok(await page.locator('[data-contact-id]').first().isVisible(), 'the page behind is still there');
    block = false;
    await failed.getByRole('button', { name: 'Retry' }).click();
    await page.getByRole('dialog', { name: /About/ }).waitFor();
  });

  step('the contact dialog is preloaded after first paint and opens with the network gone', async (pages) => {
    const { page } = await open(token, listUrl);
    pages.push(page);
    await page.locator('[data-contact-id]').first().waitFor();
    await page.waitForFunction(() => performance.getEntriesByType('resource').some((r) => /ContactDialog-/.test(r.name)));
    await page.context().setOffline(true);
    await page.getByRole('button', { name: 'New contact' }).first().click();
    await page.getByRole('dialog').getByLabel('Full name').waitFor();
    await page.context().setOffline(false);
  });

  step('a slow search dims the old results and says it is searching', async (pages) => {
    const { page } = await atList(token);
    pages.push(page);
    let release;
    const held = new Promise((r) => (release = r));
    await page.route('**/api/v1/lists/*/contacts?*q=Cl*', async (route) => {
      await held;
      await route.continue();
    });
    await page.getByRole('searchbox').fill('Clément');
    await page.getByTestId('results-loading').waitFor();
    assert.equal(await page.locator('[data-stale]').count(), 1, 'old results are marked stale');
    release();
    await page.getByTestId('results-loading').waitFor({ state: 'detached' });
    assert.deepEqual(await page.locator('[data-contact-name]').allTextContents(), ['Clément Dupont']);
    await page.getByTestId('results-count').filter({ hasText: '1 contact' }).waitFor();
  });

  step('server killed during use: failure with Retry instead of stale results, no blank page, Retry works after restart', async (pages) => {
    const { page } = await atList(token);
    pages.push(page);
    assert.equal(await page.locator('[data-contact-name]').count(), NAMES.length);
    await server.kill();
    try {
      await page.getByRole('searchbox').fill('Clément');
      await page.getByRole('alert').filter({ hasText: 'The contacts could not be loaded' }).waitFor();
      assert.equal(await page.locator('[data-contact-name]').count(), 0, 'no stale cards next to the new search');
      await page.getByTestId('service-banner').filter({ hasText: 'Cannot reach the server' }).waitFor();
      // A dialog never opened before: its chunk cannot load either, but the page stays.
      await page.getByRole('button', { name: 'Help' }).click();
      await page.getByRole('menuitem', { name: 'About' }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Retry' }).waitFor();
      await page.getByRole('dialog').getByRole('button', { name: 'Close' }).click();
      assert.ok((await page.locator('body').innerText()).includes('Resilience crew'), 'no blank page');
      await page.getByRole('alert').getByRole('button', { name: 'Retry' }).click();
      await page.getByRole('alert').filter({ hasText: 'The contacts could not be loaded' }).waitFor();
    } finally {
      await server.restart();
    }
    // Back: the app notices by itself (or Retry), and shows the search's answer.
    await page.locator('[data-contact-name]', { hasText: 'Clément Dupont' }).waitFor();
    assert.deepEqual(await page.locator('[data-contact-name]').allTextContents(), ['Clément Dupont']);
    await page.getByTestId('service-banner').filter({ hasText: 'Cannot reach the server' }).waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Help' }).click();
    await page.getByRole('menuitem', { name: 'About' }).click();
    await page.getByRole('dialog', { name: /About/ }).waitFor();
  });

  step("an owner's view switch is their own; only Display settings changes everybody's default", async (pages) => {
    const a = await atList(token);
    pages.push(a.page);
    await a.page.locator('[data-mode="list"]').click();
    await a.page.getByRole('table').first().waitFor();
    const list = await call(token, 'GET', `/api/v1/lists/${listId}`);
    assert.equal(list.json.display_mode, 'card', 'the list default did not change');
    const b = await atList(tokenB);
    pages.push(b.page);
    assert.equal(await b.page.getByRole('table').count(), 0, 'the colleague still sees cards');
    assert.equal(await b.page.locator('[data-mode="card"]').getAttribute('aria-pressed'), 'true');
    // The owner's choice is remembered on the device.
    await a.page.reload();
    await a.page.getByRole('table').first().waitFor();
    // Display settings says it is for everybody, and does change the default.
    await a.page.getByRole('button', { name: 'Settings' }).click();
    await a.page.getByRole('menuitem', { name: 'Display settings' }).click();
    const dlg = a.page.getByRole('dialog');
    await dlg.getByText(/for everybody/i).first().waitFor();
    await dlg.getByRole('radio', { name: 'List' }).check();
    await dlg.getByRole('button', { name: 'Save' }).click();
    await dlg.waitFor({ state: 'detached' });
    assert.equal((await call(token, 'GET', `/api/v1/lists/${listId}`)).json.display_mode, 'list');
    await call(token, 'PATCH', `/api/v1/lists/${listId}`, { display_mode: 'card' });
    await a.page.evaluate((id) => localStorage.removeItem(`contactpro.view.${id}`), listId);
  });

  step('a legacy API key says "rotate this key"; Rotate shows the new secret once and revokes the old key on confirmation', async (pages) => {
    const made = await call(token, 'POST', `/api/v1/lists/${listId}/api-keys`, { name: 'Power Automate' });
    assert.equal(made.status, 201);
    const oldId = made.json.key.id;
    const { page } = await atList(token);
    pages.push(page);
    // Until the server marks keys itself, the answer is marked here: the key made above is "legacy".
    await page.route('**/api/v1/lists/*/api-keys', async (route) => {
      if (route.request().method() !== 'GET') return route.continue();
      const res = await route.fetch();
      const body = await res.json();
      for (const k of body.items) k.legacy = k.id === oldId;
      await route.fulfill({ response: res, json: body });
    });
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('menuitem', { name: 'API keys' }).click();
    const dlg = page.getByRole('dialog', { name: 'API keys' });
    await dlg.getByTestId('api-key-legacy').filter({ hasText: 'rotate this key' }).waitFor();
    axeReport.apiKeysLegacy = await axe(page);
    await dlg.getByRole('button', { name: 'Rotate Power Automate' }).click();
    const rotated = dlg.getByTestId('api-key-rotated');
    await rotated.waitFor();
    const secret = (await rotated.locator('span, div').filter({ hasText: /^cpk_/ }).first().textContent()).trim();
    assert.match(secret, /^cpk_/);
    let keys = (await call(token, 'GET', `/api/v1/lists/${listId}/api-keys`)).json.items;
    assert.equal(keys.length, 2, 'the old key still works until confirmed');
    await rotated.getByRole('button', { name: 'Revoke the old key' }).click();
    const confirm = page.getByRole('alertdialog');
    await confirm.getByText('Revoke the old key Power Automate?').waitFor();
    await confirm.getByRole('button', { name: 'Revoke the old key' }).click();
    await confirm.waitFor({ state: 'detached' });
    await rotated.waitFor({ state: 'detached' });
    keys = (await call(token, 'GET', `/api/v1/lists/${listId}/api-keys`)).json.items;
    assert.deepEqual(keys.map((k) => k.name), ['Power Automate']);
    assert.notEqual(keys[0].id, oldId);
    const r = await fetch(`${server.base}/api/v1/lists/${listId}/contacts`, { headers: { 'X-API-Key': secret } });
    assert.equal(r.status, 200, 'the new key works');
    await call(token, 'DELETE', `/api/v1/lists/${listId}/api-keys/${keys[0].id}`);
  });

  step('phone (390x844, touch): one row per contact, search first, 1,000 contacts by scrolling, open, call link', async (pages) => {
    const id = await bigList('Phone book', 1000);
    const { page } = await open(token, `/lists/${id}`, PHONE);
    pages.push(page);
    await page.locator('[data-contact-id]').first().waitFor();
    // The search box is the first thing under the list's name, and the first contact close below.
    const search = await page.getByRole('searchbox').boundingBox();
    const first = await page.locator('[data-contact-id]').first().boundingBox();
    assert.ok(first.y < 200, `first contact at ${first.y} px (was about 290 px of controls)`);
    assert.ok(search.y < first.y && search.width > 300, 'a full-width search box above the contacts');
    assert.ok(first.height >= 56 && first.height < 90, `one row per contact (${first.height} px)`);
    assert.equal(await page.locator('[role=table]').count(), 0, 'no table on a phone');
    assert.equal(await page.getByRole('navigation', { name: /Pages|Pagination/i }).count(), 0, 'no pager on a phone');
    // Touch targets: call and e-mail buttons are at least 44 px.
    const callBtn = page.locator('[data-contact-id]').first().locator('[data-action="call"]');
    const box = await callBtn.boundingBox();
    assert.ok(box.width >= 44 && box.height >= 44, `call button ${box.width}x${box.height}`);
    assert.match(await callBtn.getAttribute('href'), /^tel:\+33600000000$/);
    await shot(page, 'web-phone-list');
    axeReport.phoneList = await axe(page);
    // Scroll to the end: more rows load as it comes into view, with no pager.
    for (let i = 0; i < 60 && (await page.locator('[data-contact-id]').count()) < 1000; i++) {
      await page.locator('[data-testid="load-more"]').scrollIntoViewIfNeeded();
      await page.waitForTimeout(150);
    }
    assert.equal(await page.locator('[data-contact-id]').count(), 1000);
    assert.equal(await page.locator('[data-contact-name]').last().textContent(), 'Person 0999 Example');
    // Search narrows the rows, from the top.
    await page.getByRole('searchbox').fill('0421');
    await page.locator('[data-contact-name]', { hasText: 'Person 0421 Example' }).waitFor();
    await page.waitForFunction(() => document.querySelectorAll('[data-contact-id]').length === 1);
    // Open it: a full-screen dialog.
    await page.locator('[data-contact-id]').first().tap();
    const dlg = page.getByRole('dialog');
    await dlg.getByText('Person 0421 Example').first().waitFor();
    const d = await dlg.boundingBox();
    assert.ok(d.width >= 389 && d.height >= 840, `full-screen dialog ${d.width}x${d.height}`);
    await shot(page, 'web-phone-dialog');
    axeReport.phoneDialog = await axe(page);
    await page.keyboard.press('Escape');
    await dlg.waitFor({ state: 'detached' });
    await page.getByRole('searchbox').fill('');
    // The A-Z rail is a vertical scrubber at the edge.
    const rail = page.locator('nav[data-vertical]');
    const r = await rail.boundingBox();
    assert.ok(r.x + r.width >= 388 && r.height > r.width * 5, 'a vertical rail at the right edge');
  });

  step('tablet (800x1280): cards, the horizontal A-Z rail and the pager', async (pages) => {
    const { page } = await atList(token, { viewport: { width: 800, height: 1280 }, hasTouch: true });
    pages.push(page);
    assert.equal(await page.locator('nav[data-vertical]').count(), 0);
    await page.locator('[data-letter="C"]').waitFor();
    axeReport.tablet = await axe(page);
  });

  step('keyboard only: skip link, / to search, arrows between contacts, Enter opens, edit and save, Escape closes, focus returns', async (pages) => {
    const { page } = await open(token, listUrl);
    pages.push(page);
    await page.locator('[data-contact-id]').first().waitFor();
    // First Tab: the skip link; Enter: the first contact has the focus.
    await page.keyboard.press('Tab');
    const skip = page.getByRole('link', { name: 'Skip to contacts' });
    assert.equal(await skip.evaluate((el) => el === document.activeElement), true, 'the skip link is the first Tab stop');
    await page.keyboard.press('Enter');
    const focusedName = () => page.evaluate(() => document.activeElement?.closest('[data-contact-id]')?.querySelector('[data-contact-name]')?.textContent ?? null);
    assert.equal(await focusedName(), 'Aiko Tanaka');
    // Arrow keys move between contacts (one Tab stop for the whole grid).
    await page.keyboard.press('ArrowRight');
    assert.equal(await focusedName(), 'Björn Larsson');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    assert.equal(await focusedName(), 'Chloé Martin');
    // Enter opens it; Escape closes and the focus comes back to the same contact.
    await page.keyboard.press('Enter');
    const dlg = page.getByRole('dialog');
    await dlg.getByText('Chloé Martin').first().waitFor();
    await page.keyboard.press('Escape');
    await dlg.waitFor({ state: 'detached' });
    assert.equal(await focusedName(), 'Chloé Martin', 'focus returns to the contact');
    // Edit and save without a mouse: Enter, Tab to Edit, change the job title, Enter saves.
    await page.keyboard.press('Enter');
    // The dialog puts the focus inside itself first.
    await page.waitForFunction(() => !!document.activeElement?.closest('[role=dialog]'));
    await dlg.getByRole('button', { name: 'Edit' }).focus();
    await page.keyboard.press('Enter');
    await dlg.getByLabel('Job title').waitFor();
    await dlg.getByLabel('Job title').focus();
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type('Head buyer');
    await page.keyboard.press('Enter');
    await dlg.waitFor({ state: 'detached' });
    await page.locator('[data-contact-id]', { hasText: 'Head buyer' }).waitFor();
    // "/" focuses the search box; typing searches; the live region says how many.
    await page.locator('body').press('Escape');
    await page.evaluate(() => document.activeElement?.blur());
    await page.keyboard.press('/');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'book-search');
    await page.keyboard.type('Costa');
    await page.getByTestId('results-count').filter({ hasText: '1 contact' }).waitFor();
    // "n" (outside a text box) opens New contact.
    await page.evaluate(() => document.activeElement?.blur());
    await page.keyboard.press('n');
    await page.getByRole('dialog').getByLabel('Full name').waitFor();
    await page.keyboard.press('Escape');
    // The table: arrows move between rows.
    await page.goto(`${server.base}${listUrl}?view=list`);
    await page.getByRole('table').first().waitFor();
    await page.locator('tbody [data-contact-id]').first().focus();
    await page.keyboard.press('ArrowDown');
    assert.equal(await focusedName(), 'Björn Larsson');
  });
});
