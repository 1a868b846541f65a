// End-to-end, issue 14 (web side): a typo says "Showing results for similar words", matches are
// marked, the demo list's two "François Hansen" are found and merged in the Duplicates view (the
// other goes to the trash, Undo brings it back), and a new contact with an existing e-mail is
// stopped by "… already exists" first. Real release binary in demo mode (its seeded "Demo
// contacts" list, owned by the first persona), Debian Chromium.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { axe, shot, startBrowser, startServer } from './harness.mjs';

let server;
let browser;
let owner; // { token, persona }: the demo list's owner
let listId;
let listUrl;
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

const contactUrl = (id) => `/api/v1/lists/${listId}/contacts/${id}`;

/** A signed-in page on the list (the token put in the tab's session before any script runs). */
async function openList(pages) {
  const ctx = await browser.newContext({ ...DESKTOP, locale: 'en-US' });
  await ctx.addInitScript((t) => sessionStorage.setItem('contactpro.token', t), owner.token);
  const page = await ctx.newPage();
  page.setDefaultTimeout(15_000);
  pages.push(page);
  await page.goto(`${server.base}${listUrl}`);
  await page.locator('[data-contact-id]').first().waitFor();
  return page;
}

const card = (page, name) => page.locator('[data-contact-id]', { hasText: name });
/** A toast (its text is also in Fluent's live region: look in the toast itself). */
const toast = (page, text) => page.locator('.fui-Toast', { hasText: text }).first();

/** Waits until no animation runs: a dialog fading in has text at partial opacity, which fails contrast. */
async function settled(page) {
  await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'));
}

async function search(page, q) {
  await page.locator('#book-search').fill(q);
  await page.waitForFunction((v) => new URLSearchParams(location.search).get('q') === v, q);
  await page.locator('[data-stale]').waitFor({ state: 'detached' });
}

/** The new-contact form's name: "Full name", or given and family names where the form has them. */
async function fillName(dlg, given, family) {
  await dlg.getByRole('textbox').first().waitFor(); // count only once the form is there
  const full = dlg.getByLabel(/^Full name/);
  if (await full.count()) await full.fill(`${given} ${family}`);
  else {
    await dlg.getByLabel(/^(Given|First) name/).fill(given);
    await dlg.getByLabel(/^(Family|Last) name/).fill(family);
  }
}

function step(name, fn) {
  it(name, async () => {
    const pages = [];
    try {
      await fn(pages);
    } catch (e) {
      const slug = name.replace(/[^a-z0-9]+/gi, '-').slice(0, 40);
      for (const [i, p] of pages.entries()) await shot(p, `FAIL-dup-${slug}-${i}`).catch(() => {});
      throw e;
    } finally {
      for (const p of pages) await p.context().close().catch(() => {});
    }
  });
}

describe('issue 14: search hint, highlights, duplicates and merge', { concurrency: false }, () => {
  before(async () => {
    server = await startServer();
    browser = await startBrowser();
    const personas = (await (await fetch(`${server.base}/api/v1/demo/personas`)).json()).items;
    owner = { persona: personas[0], token: await demoToken(personas[0]) };
    assert.equal((await call(owner.token, 'POST', '/api/v1/login', {})).status, 200);
    const lists = (await call(owner.token, 'GET', '/api/v1/lists')).json.items;
    const demo = lists.find((l) => l.name === 'Demo contacts');
    assert.ok(demo, `the demo list is seeded (lists: ${lists.map((l) => l.name).join(', ')})`);
    listId = demo.id;
    listUrl = `/lists/${listId}`;
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  step('a typo finds Clément and says "Showing results for similar words"', async (pages) => {
    const page = await openList(pages);
    await search(page, 'clemnt');
    const hint = page.getByTestId('fuzzy-hint');
    await hint.waitFor();
    assert.equal((await hint.textContent()).trim(), 'Showing results for similar words');
    // Inside a live region that was there before, so screen readers announce it.
    assert.equal(await hint.locator('xpath=..').getAttribute('role'), 'status');
    await card(page, 'Clément').first().waitFor();
    assert.equal(await page.locator('[data-contact-id] mark').count(), 0, 'similar words: nothing marked');
    // A query that matches as typed: no hint.
    await search(page, 'clément');
    await card(page, 'Clément').first().waitFor();
    assert.equal(await hint.count(), 0, 'no hint for an exact match');
  });

  step('matching words are marked in cards and rows, phone digits too', async (pages) => {
    const page = await openList(pages);
    await search(page, 'hansen');
    const marks = page.locator('[data-contact-id] mark');
    await marks.first().waitFor();
    const texts = new Set((await marks.allTextContents()).map((x) => x.toLowerCase()));
    assert.deepEqual([...texts], ['hansen'], `marked: ${[...texts].join(', ')}`);
    assert.ok(await page.locator('[data-contact-name] mark', { hasText: 'Hansen' }).count() > 0, 'in names');
    await shot(page, 'dup-01-highlight');
    // The table marks the same (name, e-mail).
    await page.locator('[data-mode="list"]').click();
    await page.locator('tr[data-contact-id] mark').first().waitFor();
    const rowMarks = new Set((await page.locator('tr[data-contact-id] mark').allTextContents()).map((x) => x.toLowerCase()));
    assert.deepEqual([...rowMarks].sort(), ['hansen'], `marked in rows: ${[...rowMarks].join(', ')}`);
    // A mobile number typed the national way marks the digits of the international one.
    const first = (await call(owner.token, 'GET', `/api/v1/lists/${listId}/contacts?q=hansen&per_page=1`)).json.items[0];
    const digits = first.mobile.replace(/\D/g, ''); // 33 6 xx ...
    assert.ok(digits.startsWith('336'), first.mobile);
    const national = `0${digits.slice(2, 9)}`; // 06xxxxxx
    await search(page, national);
    const row = page.locator('tr[data-contact-id]', { hasText: first.full_name }).filter({ hasText: first.mobile }).first();
    await row.locator('mark').first().waitFor();
    const marked = (await row.locator('mark').allTextContents()).join('').replace(/\D/g, '');
    assert.equal(marked, digits.slice(2, 9), `marked digits of ${first.mobile} for ${national}`);
    await page.locator('[data-mode="card"]').click();
    await page.locator('li[data-contact-id]').first().waitFor();
  });

  step('Duplicates: merge the two François Hansen, then Undo brings the other back', async (pages) => {
    const dups = (await call(owner.token, 'GET', `/api/v1/lists/${listId}/duplicates`)).json;
    const named = [];
    for (const c of dups.clusters) {
      const people = await Promise.all(c.ids.map(async (id) => (await call(owner.token, 'GET', contactUrl(id))).json));
      named.push({ ...c, people });
    }
    const hansen = named.find((c) => c.people.every((p) => p.full_name === 'François Hansen'));
    assert.ok(hansen, `a cluster of the two François Hansen: ${JSON.stringify(named.map((c) => c.people.map((p) => p.full_name)))}`);
    assert.ok(hansen.reasons.includes('email'), hansen.reasons.join());
    const before = (await call(owner.token, 'GET', `/api/v1/lists/${listId}/contacts?q=francois%20hansen`)).json.total;

    const page = await openList(pages);
    // The list under the dialog shows them: it follows the merge and its Undo.
    await search(page, 'francois hansen');
    const cards = card(page, 'François Hansen');
    await cards.nth(1).waitFor();
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('menuitem', { name: 'Find duplicates' }).click();
    const view = page.getByRole('dialog', { name: 'Duplicates' });
    const cluster = view.locator(`[data-cluster="${hansen.ids.join(' ')}"]`);
    await cluster.waitFor();
    await cluster.locator('[data-reason="email"]').waitFor();
    assert.equal(await cluster.locator('[data-reason="email"]').textContent(), 'Same e-mail');
    await view.getByText(`${dups.total === 1 ? '1 group' : `${dups.total} groups`} of duplicates`).waitFor();
    await settled(page);
    axeReport.duplicates = await axe(page);
    await shot(page, 'dup-02-duplicates');

    const mergeBtn = cluster.getByRole('button', { name: 'Merge François Hansen, François Hansen' });
    await mergeBtn.click();
    const dlg = page.getByRole('dialog', { name: 'Merge 2 contacts' });
    await dlg.locator('[data-keep]').nth(1).waitFor();
    assert.equal(await dlg.locator('[data-keep]').count(), 2, 'one column per contact');
    assert.equal(await dlg.locator(`[data-keep="${hansen.ids[0]}"]`).isChecked(), true, 'the first is kept by default');
    await settled(page);
    axeReport.merge = await axe(page);
    await shot(page, 'dup-03-merge-dialog');
    // Escape closes it and gives the focus back to its "Merge…" button.
    await page.keyboard.press('Escape');
    await dlg.waitFor({ state: 'detached' });
    await page.waitForFunction(() => document.activeElement?.hasAttribute('data-merge-cluster'));
    await mergeBtn.click();
    await dlg.locator('[data-keep]').nth(1).waitFor();
    // Keep the second one, with the keyboard.
    await dlg.locator(`[data-keep="${hansen.ids[1]}"]`).check();
    await dlg.getByRole('button', { name: 'Merge…' }).click();
    const sure = page.getByRole('alertdialog', { name: 'Merge into François Hansen?' });
    await sure.getByText('move to the trash', { exact: false }).waitFor();
    await sure.getByRole('button', { name: 'Merge', exact: true }).click();
    await dlg.waitFor({ state: 'detached' });
    await toast(page, 'Merged into François Hansen').waitFor();
    await cluster.waitFor({ state: 'detached' });
    await cards.nth(1).waitFor({ state: 'detached' });
    const [kept, gone] = [hansen.ids[1], hansen.ids[0]];
    assert.equal((await call(owner.token, 'GET', contactUrl(kept))).status, 200, 'the kept one stays');
    assert.equal((await call(owner.token, 'GET', contactUrl(gone))).status, 404, 'the other left the list');
    const trash = (await call(owner.token, 'GET', `/api/v1/lists/${listId}/trash`)).json.items.map((x) => x.id);
    assert.ok(trash.includes(gone), 'the other is in the trash');
    const history = (await call(owner.token, 'GET', `${contactUrl(kept)}/history`)).json.items;
    assert.ok(history.some((h) => h.action === 'merged'), 'the merge is in the history');
    assert.equal((await call(owner.token, 'GET', `/api/v1/lists/${listId}/contacts?q=francois%20hansen`)).json.total, before - 1);

    // Undo right here (the toast is out of reach under the dialog): both are back, and duplicates again.
    const bar = view.getByTestId('merged-bar');
    await bar.getByText('Merged into François Hansen').waitFor();
    await bar.getByRole('button', { name: 'Undo' }).click();
    await cluster.waitFor();
    await toast(page, 'The merge into François Hansen was undone').waitFor();
    await toast(page, 'Merged into François Hansen').waitFor({ state: 'detached' }); // its Undo is done
    assert.equal((await call(owner.token, 'GET', contactUrl(gone))).status, 200, 'Undo: the other is back');
    assert.equal((await call(owner.token, 'GET', contactUrl(kept))).json.job_title, hansen.people[1].job_title, 'and the kept one as it was');

    // Merge again (the first one kept), close the view, and Undo from the toast.
    await cluster.getByRole('button', { name: 'Merge François Hansen, François Hansen' }).click();
    await dlg.locator('[data-keep]').nth(1).waitFor();
    await dlg.getByRole('button', { name: 'Merge…' }).click();
    await sure.getByRole('button', { name: 'Merge', exact: true }).click();
    await dlg.waitFor({ state: 'detached' });
    await cluster.waitFor({ state: 'detached' });
    await cards.nth(1).waitFor({ state: 'detached' });
    assert.equal((await call(owner.token, 'GET', contactUrl(hansen.ids[1]))).status, 404, 'merged into the first this time');
    await page.keyboard.press('Escape');
    await view.waitFor({ state: 'detached' });
    assert.equal(await cards.count(), 1, 'one left in the list');
    await toast(page, 'Merged into François Hansen').getByRole('button', { name: 'Undo' }).click();
    await cards.nth(1).waitFor();
    assert.equal((await call(owner.token, 'GET', contactUrl(hansen.ids[1]))).status, 200, 'Undo from the toast: back');
    const again = (await call(owner.token, 'GET', `/api/v1/lists/${listId}/duplicates`)).json;
    assert.ok(again.clusters.some((c) => c.ids.join() === hansen.ids.join()), 'and both are duplicates again');
    assert.equal((await call(owner.token, 'GET', `/api/v1/lists/${listId}/contacts?q=francois%20hansen`)).json.total, before);
  });

  step('a new contact with an existing e-mail: "… already exists", Open it or Add anyway', async (pages) => {
    const existing = (await call(owner.token, 'GET', `/api/v1/lists/${listId}/contacts?q=clement&per_page=1`)).json.items[0];
    assert.ok(existing?.email, 'a contact with an e-mail');
    const page = await openList(pages);
    const newContact = async () => {
      await page.getByRole('button', { name: 'New contact', exact: true }).click();
      const dlg = page.getByRole('dialog', { name: 'New contact' });
      await fillName(dlg, 'Someone', 'Else');
      await dlg.getByLabel('Email').fill(existing.email.toUpperCase());
      await dlg.getByRole('button', { name: 'Save' }).click();
      const warning = dlg.getByTestId('duplicate-warning');
      await warning.waitFor();
      const text = existing.company ? `${existing.full_name} at ${existing.company} already exists` : `${existing.full_name} already exists`;
      assert.equal((await warning.locator('.fui-MessageBarBody').textContent()).trim(), text);
      return { dlg, warning };
    };
    let { warning } = await newContact();
    await settled(page);
    await shot(page, 'dup-04-exists');
    await warning.getByRole('button', { name: 'Open it' }).click();
    const view = page.getByRole('dialog', { name: existing.full_name });
    await view.getByText(existing.email).first().waitFor();
    await page.keyboard.press('Escape');
    await view.waitFor({ state: 'detached' });
    const total = (await call(owner.token, 'GET', `/api/v1/lists/${listId}/contacts?per_page=1`)).json.total;
    let dlg;
    ({ dlg, warning } = await newContact());
    await warning.getByRole('button', { name: 'Add anyway' }).click();
    await dlg.waitFor({ state: 'detached' });
    await toast(page, 'Someone Else was added').waitFor();
    assert.equal((await call(owner.token, 'GET', `/api/v1/lists/${listId}/contacts?per_page=1`)).json.total, total + 1, 'created once');
  });

  step('a list without duplicates says so', async (pages) => {
    const list = await call(owner.token, 'POST', '/api/v1/lists', { name: 'No twins' });
    assert.equal(list.status, 201);
    for (const full_name of ['Aiko Tanaka', 'Björn Larsson']) {
      assert.equal((await call(owner.token, 'POST', `/api/v1/lists/${list.json.id}/contacts`, { full_name })).status, 201);
    }
    const ctx = await browser.newContext({ ...DESKTOP, locale: 'en-US' });
    await ctx.addInitScript((t) => sessionStorage.setItem('contactpro.token', t), owner.token);
    const page = await ctx.newPage();
    page.setDefaultTimeout(15_000);
    pages.push(page);
    await page.goto(`${server.base}/lists/${list.json.id}`);
    await page.locator('[data-contact-id]').first().waitFor();
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('menuitem', { name: 'Find duplicates' }).click();
    const view = page.getByRole('dialog', { name: 'Duplicates' });
    await view.getByText('No duplicates found').waitFor();
    assert.equal(await view.locator('[data-merge-cluster]').count(), 0);
    await page.keyboard.press('Escape');
    await view.waitFor({ state: 'detached' });
  });

  step('accessibility: no serious axe violation in the Duplicates view and the merge dialog', async () => {
    const bad = Object.entries(axeReport).flatMap(([view, r]) => r.severe.map((v) => `${view}: ${v.id} (${v.impact}) ${v.help} @ ${v.nodes.join(' | ')}`));
    assert.deepEqual(Object.keys(axeReport).sort(), ['duplicates', 'merge'], 'both views checked');
    assert.deepEqual(bad, []);
  });
});
