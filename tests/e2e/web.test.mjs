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

/** Waits until no animation runs (dialogs scale in: their size is right only at the end). */
async function settled(page) {
  await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'));
}

/** axe once animations end: a dialog fading in has text at partial opacity, which fails contrast. */
async function axeSettled(page) {
  await settled(page);
  return axe(page);
}

/** Escape closes the dialog. A visible tooltip takes the first Escape (Fluent's rule), hence the loop. */
async function escapeDialog(page) {
  await page.mouse.move(0, 0);
  for (let i = 0; i < 3 && (await page.getByRole('dialog').count()) > 0; i++) {
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached', timeout: 2000 }).catch(() => {});
  }
  await page.getByRole('dialog').waitFor({ state: 'detached' });
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

  step('a deploy that replaced the chunks reloads the page once, then offers Retry (no reload loop)', async (pages) => {
    const { page } = await open(token, null);
    pages.push(page);
    // The old build's About chunk is gone (404) and index.html now names another entry script.
    await page.route(/\/assets\/AboutDialog-[^/]*\.js/, (route) => route.fulfill({ status: 404, body: 'Not found' }));
    await page.route((u) => u.pathname === '/', async (route) => {
      const res = await route.fetch();
      const html = (await res.text()).replace(/\/assets\/index-[^"]+\.js/, '/assets/index-NEWBUILD.js');
      await route.fulfill({ response: res, body: html });
    });
    await page.goto(`${server.base}${listUrl}`);
    await page.locator('[data-contact-id]').first().waitFor();
    await page.evaluate(() => (window.__beforeReload = true));
    await page.getByRole('button', { name: 'Help' }).click();
    await page.getByRole('menuitem', { name: 'About' }).click();
    await page.waitForFunction(() => !window.__beforeReload, null, { timeout: 20_000 }).catch(() => {});
    await page.locator('[data-contact-id]').first().waitFor();
    assert.equal(await page.evaluate(() => window.__beforeReload ?? false), false, 'the page was reloaded');
    // Still missing after the reload: no second reload, the dialog's Retry instead.
    await page.evaluate(() => (window.__afterReload = true));
    await page.getByRole('button', { name: 'Help' }).click();
    await page.getByRole('menuitem', { name: 'About' }).click();
    await page.getByRole('dialog', { name: 'This window could not be opened' }).waitFor({ timeout: 20_000 });
    assert.equal(await page.evaluate(() => window.__afterReload), true, 'no reload loop');
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

  step('axe: every view, desktop and phone, light and dark', async (pages) => {
    for (const [layout, opts] of [['desktop', DESKTOP], ['phone', PHONE]]) {
      for (const colorScheme of ['light', 'dark']) {
        const tag = `${layout}-${colorScheme}`;
        const { page } = await open(token, '/', { ...opts, colorScheme });
        pages.push(page);
        await page.getByRole('heading', { name: 'Contact lists' }).waitFor();
        axeReport[`home-${tag}`] = await axeSettled(page);
        const views = layout === 'desktop' ? ['card', 'list', 'group'] : ['card'];
        for (const view of views) {
          await page.goto(`${server.base}${listUrl}?view=${view}`);
          await page.locator(view === 'group' ? 'main h2, main h3' : '[data-contact-id]').first().waitFor();
          axeReport[`list-${view}-${tag}`] = await axeSettled(page);
        }
        await page.goto(`${server.base}${listUrl}`);
        await page.locator('[data-contact-id]').first().waitFor();
        await page.locator('[data-contact-id]').first().click();
        await page.getByRole('dialog').getByRole('tab').first().waitFor();
        axeReport[`contact-${tag}`] = await axeSettled(page);
        await escapeDialog(page);
        await page.getByRole('button', { name: 'New contact' }).first().click();
        await page.getByRole('dialog').getByLabel('Full name').waitFor();
        axeReport[`newContact-${tag}`] = await axeSettled(page);
        await escapeDialog(page);
        for (const [item, key] of [['API keys', 'apiKeys'], ['Display settings', 'display']]) {
          await page.getByRole('button', { name: 'Settings' }).click();
          await page.getByRole('menuitem', { name: item }).click();
          await page.getByRole('dialog').waitFor();
          await page.waitForTimeout(300);
          axeReport[`${key}-${tag}`] = await axeSettled(page);
          await escapeDialog(page);
        }
        await page.goto(`${server.base}/no/such/page`);
        await page.getByRole('heading', { name: 'Page not found' }).waitFor();
        axeReport[`notFound-${tag}`] = await axeSettled(page);
      }
    }
  });

  step('server killed during use: failure with Retry instead of stale results, no blank page, Retry works after restart', async (pages) => {
    // The stand-in server (E2E_SERVER=mock) keeps its data in memory: a restart would empty it.
    if (process.env.E2E_SERVER === 'mock') return;
    const { page } = await atList(token);
    pages.push(page);
    assert.equal(await page.locator('[data-contact-name]').count(), NAMES.length);
    await server.kill();
    try {
      await page.getByRole('searchbox').fill('Clément');
      await page.getByRole('alert').filter({ hasText: 'The contacts could not be loaded' }).waitFor();
      assert.equal(await page.locator('[data-contact-name]').count(), 0, 'no stale cards next to the new search');
      await page.getByTestId('service-banner').filter({ hasText: 'Cannot reach the server' }).waitFor();
      // A dialog never opened before: its chunk cannot load either, but the page stays. (With
      // E2E_SERVE_DIST the chunks come from a proxy that is still up; the dialog then opens.)
      await page.getByRole('button', { name: 'Help' }).click();
      await page.getByRole('menuitem', { name: 'About' }).click();
      if (!process.env.E2E_SERVE_DIST) await page.getByRole('dialog').getByRole('button', { name: 'Retry' }).waitFor();
      else await page.getByRole('dialog').waitFor();
      await escapeDialog(page);
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
    axeReport.apiKeysLegacy = await axeSettled(page);
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
    if (process.env.E2E_SERVER !== 'mock') {
      const r = await fetch(`${server.base}/api/v1/lists/${listId}/contacts`, { headers: { 'X-API-Key': secret } });
      assert.equal(r.status, 200, 'the new key works');
    }
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
    axeReport.phoneList = await axeSettled(page);
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
    await settled(page);
    const d = await dlg.boundingBox();
    assert.ok(d.width >= 389 && d.height >= 840, `full-screen dialog ${d.width}x${d.height}`);
    await shot(page, 'web-phone-dialog');
    axeReport.phoneDialog = await axeSettled(page);
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
    axeReport.tablet = await axeSettled(page);
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
    await page.waitForFunction(() => !!document.activeElement?.closest('[role=dialog]'));
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

  step('the address follows the open contact: a link opens it, Back closes it and stays on the list', async (pages) => {
    const { page } = await atList(token);
    pages.push(page);
    const paulo = page.locator('[data-contact-id]', { hasText: 'Paulo Costa' });
    const cid = await paulo.getAttribute('data-contact-id');
    await paulo.locator('[data-contact-name]').click();
    await page.waitForURL(new RegExp(`/lists/${listId}/contacts/${cid}$`));
    await page.getByRole('dialog').getByText('Paulo Costa').first().waitFor();
    await page.goBack();
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    assert.match(page.url(), new RegExp(`/lists/${listId}$`), 'Back closes the contact, not the list');
    await page.locator('[data-contact-id]').first().waitFor();
    // A shared link opens the list with the contact.
    const other = await open(token, `/lists/${listId}/contacts/${cid}`);
    pages.push(other.page);
    await other.page.getByRole('dialog').getByText('Paulo Costa').first().waitFor();
    await other.page.getByRole('dialog').getByRole('button', { name: 'Close' }).click();
    await other.page.waitForURL(new RegExp(`/lists/${listId}$`));
    await other.page.locator('[data-contact-id]').first().waitFor();
  });

  step('a contact goes to a phone: vCard download, QR code, copy buttons, address on a map', async (pages) => {
    const cid = (await call(token, 'GET', `/api/v1/lists/${listId}/contacts?q=Tanaka`)).json.items[0].id;
    const cur = (await call(token, 'GET', `/api/v1/lists/${listId}/contacts/${cid}`)).json;
    const put = await fetch(`${server.base}/api/v1/lists/${listId}/contacts/${cid}`, {
      method: 'PATCH',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', 'If-Match': `"${cur.version}"` },
      body: JSON.stringify({ address: { street: '1-1 Marunouchi', city: 'Tokyo', postal_code: '100-0005', state: '', country: 'Japan' } }),
    });
    assert.equal(put.status, 200, await put.text());
    const { page } = await open(token, `/lists/${listId}/contacts/${cid}`, { acceptDownloads: true });
    pages.push(page);
    const dlg = page.getByRole('dialog');
    await dlg.getByText('Aiko Tanaka').first().waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), dlg.getByRole('button', { name: 'vCard' }).click()]);
    assert.equal(download.suggestedFilename(), 'Aiko Tanaka.vcf');
    const vcf = await (await import('node:fs/promises')).readFile(await download.path(), 'utf8');
    assert.match(vcf, /^BEGIN:VCARD\r\nVERSION:3.0\r\nN:Tanaka;Aiko;;;\r\nFN:Aiko Tanaka\r\n/);
    assert.match(vcf, /TEL;TYPE=CELL:\+81 90 1234 5678/);
    await dlg.getByRole('button', { name: 'QR code' }).click();
    await dlg.getByRole('img', { name: 'QR code with the contact card of Aiko Tanaka' }).waitFor();
    assert.ok(await dlg.getByRole('button', { name: 'Copy aiko@example.com' }).isVisible());
    await dlg.getByRole('tab', { name: 'Company' }).click();
    const map = dlg.getByRole('link', { name: 'Open in OpenStreetMap' });
    assert.match(await map.getAttribute('href'), /^https:\/\/www\.openstreetmap\.org\/search\?query=1-1%20Marunouchi%2C%20100-0005%2C%20Tokyo%2C%20Japan$/);
    axeReport.contactShare = await axeSettled(page);
  });

  step('rough edges: no red before typing, forgiving website and extension, one ✕, real 404, one message for a missing list', async (pages) => {
    const { page } = await atList(token);
    pages.push(page);
    await page.getByRole('button', { name: 'New contact' }).first().click();
    const dlg = page.getByRole('dialog');
    await dlg.getByLabel('Full name').waitFor();
    // Tabs do not change the dialog's height, and nothing is red before anything is typed.
    await settled(page);
    const h1 = (await dlg.boundingBox()).height;
    await dlg.getByRole('tab', { name: 'Company' }).click();
    await dlg.getByRole('tab', { name: 'Notes' }).click();
    await settled(page);
    const h2 = (await dlg.boundingBox()).height;
    assert.ok(Math.abs(h1 - h2) < 2, `dialog height ${h1} vs ${h2}`);
    await dlg.getByRole('tab', { name: 'Contact' }).click();
    assert.equal(await dlg.getByText('Full name is required').count(), 0);
    await dlg.getByLabel('Full name').fill('Extension Person');
    await dlg.getByLabel('Phone').fill('+33 1 23 45 67 89 poste 1234');
    await dlg.getByLabel('Website').fill('example.com');
    await dlg.getByLabel('Mobile').focus();
    assert.equal(await dlg.getByRole('button', { name: 'Save' }).isDisabled(), false, 'example.com and "poste 1234" are accepted');
    await dlg.getByRole('button', { name: 'Save' }).click();
    await dlg.waitFor({ state: 'detached' });
    const saved = (await call(token, 'GET', `/api/v1/lists/${listId}/contacts?q=Extension`)).json.items[0];
    assert.equal(saved.website, 'https://example.com');
    assert.equal(saved.phone, '+33 1 23 45 67 89 ext 1234');
    const card = page.locator('[data-contact-id]', { hasText: 'Extension Person' });
    await card.waitFor();
    // Destructive buttons are red (the danger marker), the group filter has one ✕.
    await card.getByRole('button', { name: 'More actions for Extension Person' }).click();
    await page.getByRole('menuitem', { name: 'Delete' }).click();
    const confirm = page.getByRole('alertdialog');
    // The confirmation animates in: wait for its buttons before counting the destructive one.
    await confirm.getByRole('button', { name: 'Cancel' }).waitFor();
    assert.equal(await confirm.locator('button[data-danger]').count(), 1, 'the delete button is styled as destructive');
    await confirm.locator('button[data-danger]').click();
    await confirm.waitFor({ state: 'detached' });
    const g = await call(token, 'POST', `/api/v1/lists/${listId}/groups`, { name: 'Drivers' });
    await page.goto(`${server.base}${listUrl}?group=${g.json.id}`);
    await page.getByText('Group: Drivers').first().waitFor().catch(() => {});
    const tag = page.locator('.fui-Tag');
    await tag.first().waitFor();
    assert.equal(await tag.locator('svg').count(), 1, 'one ✕ on the group filter');
    // The group delete confirmation for an empty group.
    await page.goto(`${server.base}${listUrl}`);
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('menuitem', { name: 'Group administration' }).click();
    await page.getByRole('dialog').locator('button[data-danger]').first().click();
    await page.getByRole('alertdialog').getByText('It has no contacts.').waitFor();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Cancel' }).click();
    await page.keyboard.press('Escape');
    // 404 page and a missing list.
    await page.goto(`${server.base}/no/such/page`);
    await page.getByRole('heading', { name: 'Page not found' }).waitFor();
    await page.getByRole('button', { name: 'All lists' }).waitFor();
    await page.goto(`${server.base}/lists/00000000-0000-0000-0000-000000000000`);
    await page.getByRole('heading', { name: 'This contact list does not exist or was deleted.' }).waitFor();
    await page.waitForTimeout(500);
    assert.equal(await page.locator('.fui-Toast').count(), 0, 'no toast on top of the message');
    assert.equal(await page.getByRole('alert').count(), 0, 'no second error');
  });

  step('owners rename a list, and delete it only after typing its name', async (pages) => {
    const l = await call(token, 'POST', '/api/v1/lists', { name: 'Temporary list' });
    const { page } = await open(token, `/lists/${l.json.id}`);
    pages.push(page);
    await page.getByRole('heading', { name: 'Temporary list' }).waitFor();
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('menuitem', { name: 'Rename list' }).click();
    let dlg = page.getByRole('dialog');
    await dlg.getByLabel('List name').fill('Renamed list');
    await dlg.getByRole('button', { name: 'Rename' }).click();
    await page.getByRole('heading', { name: 'Renamed list' }).waitFor();
    assert.equal((await call(token, 'GET', `/api/v1/lists/${l.json.id}`)).json.name, 'Renamed list');
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('menuitem', { name: 'Delete list' }).click();
    dlg = page.getByRole('alertdialog');
    await dlg.getByText('Its owners can restore it for a while', { exact: false }).waitFor();
    const del = dlg.getByRole('button', { name: 'Delete for everybody' });
    assert.equal(await del.isDisabled(), true);
    await dlg.getByLabel('List name').fill('Renamed');
    assert.equal(await del.isDisabled(), true, 'a partial name does not delete');
    await dlg.getByLabel('List name').fill('Renamed list');
    await del.click();
    await page.waitForURL((u) => new URL(u).pathname === '/');
    assert.equal((await call(token, 'GET', `/api/v1/lists/${l.json.id}`)).status, 404);
  });

  step('pickers: ↓ then Enter picks the first match; no match says so; Escape closes only the suggestions', async (pages) => {
    const g = await call(token, 'POST', `/api/v1/lists/${listId}/groups`, { name: 'Pickers' });
    const { page } = await atList(token);
    pages.push(page);
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('menuitem', { name: 'Group administration' }).click();
    await page.getByRole('dialog').getByRole('row', { name: /Pickers/ }).getByRole('button', { name: 'Manage members' }).click();
    const dlg = page.getByRole('dialog');
    const box = dlg.getByRole('combobox');
    await box.click();
    // "C": several matches, and options whose names start with the typed letter (Fluent made
    // the first of those active, so ↓ then Enter took the one after it).
    await page.keyboard.type('C');
    const answer = (await call(token, 'GET', `/api/v1/lists/${listId}/contacts?q=C&per_page=20`)).json.items.map((c) => c.full_name);
    assert.ok(answer.length >= 3);
    const first = answer[0];
    // Only the answer for "C" is offered (never the list of a previous query).
    await page.waitForFunction((n) => document.querySelectorAll('[role=option]').length === n, answer.length);
    assert.match(await page.getByRole('option').first().innerText(), new RegExp(first));
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await dlg.getByRole('row', { name: new RegExp(first) }).waitFor();
    const members = (await call(token, 'GET', `/api/v1/lists/${listId}/contacts?group=${g.json.id}`)).json.items.map((c) => c.full_name);
    assert.deepEqual(members, [first], '↓ then Enter adds the first match');
    await box.fill('');
    await page.keyboard.type('zzzz');
    await page.getByRole('option', { name: 'No match' }).waitFor();
    await page.keyboard.press('Escape');
    assert.equal(await dlg.count(), 1, 'the dialog is still open');
    // Escape in the members view goes back to the groups, not out of the dialog.
    await box.press('Escape');
    await page.getByRole('dialog').getByRole('button', { name: 'Close' }).first().waitFor();
    assert.equal(await page.getByRole('dialog').count(), 1);
  });

  it('has no serious or critical accessibility violations in any view (run last: every scenario adds its views)', () => {
    const bad = Object.entries(axeReport).flatMap(([view, r]) => r.severe.map((v) => `${view}: ${v.id} (${v.impact}) ${v.help} @ ${v.nodes.join(' | ')}`));
    assert.ok(Object.keys(axeReport).length >= 20, `views checked: ${Object.keys(axeReport).join(', ')}`);
    assert.deepEqual(bad, []);
  });

});
