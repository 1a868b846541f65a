// End-to-end, issue 16 item 6: given and family names, and "sort by last name". Before it, the
// A-Z rail's "C" showed Chloé Martin (first name C) and never Paulo Costa. An owner turns on
// "Sort by last name" in Display settings: the order and the rail follow the family name, for
// everybody who opens the list. Real release binary in demo mode, Debian Chromium.
// Robust on a loaded machine: every step waits for a state, never for a fixed time.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { axe, shot, startBrowser, startServer } from './harness.mjs';

let server;
let browser;
let A; // the list's owner
let B; // another member of the same organization
let listId;
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

async function openList(who, pages) {
  const ctx = await browser.newContext({ ...DESKTOP, locale: 'en-US' });
  await ctx.addInitScript((t) => sessionStorage.setItem('contactpro.token', t), who.token);
  const page = await ctx.newPage();
  page.setDefaultTimeout(20_000);
  pages.push(page);
  await page.goto(`${server.base}/lists/${listId}`);
  await page.locator('[data-contact-id]').first().waitFor();
  return page;
}

const cards = (page) => page.locator('[data-contact-id]');
const letter = (page, l) => page.getByRole('button', { name: `Show contacts starting with ${l}` });

/** Waits until the cards show exactly `names`, in this order. */
async function expectCards(page, names) {
  await page.waitForFunction(
    (want) => {
      const got = [...document.querySelectorAll('[data-contact-id]')].map((e) => e.textContent ?? '');
      return got.length === want.length && want.every((n, i) => got[i].includes(n));
    },
    names,
  ).catch(async () => {
    const got = await cards(page).allTextContents();
    assert.fail(`expected cards ${JSON.stringify(names)}, got ${JSON.stringify(got)}`);
  });
}

function step(name, fn) {
  it(name, async () => {
    const pages = [];
    try {
      await fn(pages);
    } catch (e) {
      const slug = name.replace(/[^a-z0-9]+/gi, '-').slice(0, 40);
      for (const [i, p] of pages.entries()) await shot(p, `FAIL-names-${slug}-${i}`).catch(() => {});
      throw e;
    } finally {
      for (const p of pages) await p.context().close().catch(() => {});
    }
  });
}

describe('issue 16: given and family names, sort by last name', { concurrency: false }, () => {
  before(async () => {
    server = await startServer();
    browser = await startBrowser();
    const personas = (await (await fetch(`${server.base}/api/v1/demo/personas`)).json()).items;
    const [pa, pb] = personas.filter((p) => p.tid === personas[0].tid);
    A = { token: await demoToken(pa) };
    B = { token: await demoToken(pb) };
    assert.equal((await call(A.token, 'POST', '/api/v1/login', {})).status, 200);
    assert.equal((await call(B.token, 'POST', '/api/v1/login', {})).status, 200);
    const list = await call(A.token, 'POST', '/api/v1/lists', { name: 'Drivers' });
    assert.equal(list.status, 201);
    listId = list.json.id;
    for (const body of [
      { full_name: 'Chloé Martin' },
      { full_name: 'Paulo Costa' },
      { full_name: 'Jan van der Berg' },
      { full_name: 'Zoé Adam' },
      // A stored family name that the full name's split would get wrong.
      { full_name: 'Nguyen Van An', given_name: 'An', family_name: 'Nguyen' },
    ]) {
      const r = await call(A.token, 'POST', `/api/v1/lists/${listId}/contacts`, body);
      assert.equal(r.status, 201, JSON.stringify(r.json));
    }
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  step('by full name (the default), "C" shows Chloé Martin', async (pages) => {
    const page = await openList(A, pages);
    await expectCards(page, ['Chloé Martin', 'Jan van der Berg', 'Nguyen Van An', 'Paulo Costa', 'Zoé Adam']);
    await letter(page, 'C').click();
    await expectCards(page, ['Chloé Martin']);
  });

  step('an owner turns on "Sort by last name": "C" shows Costa, the order follows family names', async (pages) => {
    const page = await openList(A, pages);
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('menuitem', { name: 'Display settings' }).click();
    const dlg = page.getByRole('dialog', { name: 'Display settings' });
    const box = dlg.getByRole('checkbox', { name: /Sort by last name/ });
    assert.equal(await box.isChecked(), false);
    await box.check();
    await dlg.getByRole('button', { name: 'Save' }).click();
    await dlg.waitFor({ state: 'detached' });
    await expectCards(page, ['Zoé Adam', 'Jan van der Berg', 'Paulo Costa', 'Chloé Martin', 'Nguyen Van An']);
    await letter(page, 'C').click();
    await expectCards(page, ['Paulo Costa']);
    await letter(page, 'M').click();
    await expectCards(page, ['Chloé Martin']);
    // The rail greys letters no family name starts with (no first name counts any more).
    assert.equal(await letter(page, 'Z').isDisabled(), true);
    assert.equal(await letter(page, 'B').isDisabled(), false);
    // axe once the "Saved" toast's fade-in has ended (mid-animation its text is still faint).
    await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'));
    const { severe } = await axe(page);
    assert.deepEqual(severe, [], JSON.stringify(severe, null, 1));
    const saved = await call(A.token, 'GET', `/api/v1/lists/${listId}`);
    assert.equal(saved.json.sort, 'family_name');
  });

  step('for everybody: another member sees the list by last name', async (pages) => {
    const page = await openList(B, pages);
    await expectCards(page, ['Zoé Adam', 'Jan van der Berg', 'Paulo Costa', 'Chloé Martin', 'Nguyen Van An']);
    await letter(page, 'N').click();
    await expectCards(page, ['Nguyen Van An']);
  });

  step('the contact dialog keeps given and family names; an empty one shows the derived split', async (pages) => {
    const page = await openList(A, pages);
    await page.getByRole('button', { name: 'New contact' }).first().click();
    const dlg = page.getByRole('dialog', { name: 'New contact' });
    await dlg.getByLabel('Full name').fill('Bruno de la Fontaine');
    const given = dlg.getByLabel('Given name');
    const family = dlg.getByLabel('Family name');
    await page.waitForFunction(() => document.querySelector('input[name="family_name"]')?.getAttribute('placeholder') === 'de la Fontaine');
    assert.equal(await given.getAttribute('placeholder'), 'Bruno');
    await family.fill('Lafontaine');
    await dlg.getByRole('button', { name: 'Save' }).click();
    await dlg.waitFor({ state: 'detached' });
    const r = await call(A.token, 'GET', `/api/v1/lists/${listId}/contacts?q=bruno`);
    assert.equal(r.json.items[0].family_name, 'Lafontaine');
    assert.equal(r.json.items[0].given_name, '');
    await letter(page, 'L').click();
    await expectCards(page, ['Bruno de la Fontaine']);
  });
});
