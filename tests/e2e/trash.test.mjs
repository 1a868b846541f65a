// End-to-end, issue 13: nothing is lost by a click. Undo after delete, the Trash view, two people
// editing one contact at once (merged field by field; asked only about a field both changed),
// "Discard changes?", live changes from a colleague, bulk selection with one Undo, History.
// Real release binary in demo mode (or E2E_SERVER=mock), Debian Chromium.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { axe, shot, startBrowser, startServer } from './harness.mjs';

let server;
let browser;
let A; // { token, persona }: the list's owner
let B; // another member of the same organization
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

async function call(tok, method, url, body, headers = {}) {
  const r = await fetch(`${server.base}${url}`, {
    method,
    headers: { Authorization: `Bearer ${tok}`, ...(body ? { 'Content-Type': 'application/json' } : {}), ...headers },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await r.text();
  return { status: r.status, json: text ? JSON.parse(text) : null };
}

const contactUrl = (id) => `/api/v1/lists/${listId}/contacts/${id}`;

async function addContact(fields) {
  const r = await call(A.token, 'POST', `/api/v1/lists/${listId}/contacts`, fields);
  assert.equal(r.status, 201, JSON.stringify(r.json));
  return r.json;
}

async function edit(tok, id, patch) {
  const cur = (await call(tok, 'GET', contactUrl(id))).json;
  const r = await call(tok, 'PATCH', contactUrl(id), patch, { 'If-Match': `"${cur.version}"` });
  assert.equal(r.status, 200, JSON.stringify(r.json));
  return r.json;
}

/** A signed-in page on the list (the token put in the tab's session before any script runs). */
async function openList(who, pages, url = listUrl) {
  const ctx = await browser.newContext({ ...DESKTOP, locale: 'en-US' });
  await ctx.addInitScript((t) => sessionStorage.setItem('contactpro.token', t), who.token);
  const page = await ctx.newPage();
  page.setDefaultTimeout(15_000);
  pages.push(page);
  await page.goto(`${server.base}${url}`);
  await page.locator('[data-contact-id]').first().waitFor();
  return page;
}

const card = (page, name) => page.locator('[data-contact-id]', { hasText: name });
/** A toast (its text is also in Fluent's live region: look in the toast itself). */
const toast = (page, text) => page.locator('.fui-Toast', { hasText: text }).first();

async function openEdit(page, name) {
  await card(page, name).getByRole('button', { name: /More actions/ }).click();
  await page.getByRole('menuitem', { name: 'Edit' }).click();
  const dlg = page.getByRole('dialog', { name: 'Edit contact' });
  await dlg.getByLabel('Full name').waitFor();
  return dlg;
}

async function settled(page) {
  await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'));
}

function step(name, fn) {
  it(name, async () => {
    const pages = [];
    try {
      await fn(pages);
    } catch (e) {
      const slug = name.replace(/[^a-z0-9]+/gi, '-').slice(0, 40);
      for (const [i, p] of pages.entries()) await shot(p, `FAIL-trash-${slug}-${i}`).catch(() => {});
      throw e;
    } finally {
      for (const p of pages) await p.context().close().catch(() => {});
    }
  });
}

describe('issue 13: trash, undo, merge, live updates', { concurrency: false }, () => {
  before(async () => {
    server = await startServer();
    browser = await startBrowser();
    const personas = (await (await fetch(`${server.base}/api/v1/demo/personas`)).json()).items;
    const [pa, pb] = personas.filter((p) => p.tid === personas[0].tid);
    A = { persona: pa, token: await demoToken(pa) };
    B = { persona: pb, token: await demoToken(pb) };
    assert.equal((await call(A.token, 'POST', '/api/v1/login', {})).status, 200);
    assert.equal((await call(B.token, 'POST', '/api/v1/login', {})).status, 200);
    const list = await call(A.token, 'POST', '/api/v1/lists', { name: 'Undo crew' });
    assert.equal(list.status, 201);
    listId = list.json.id;
    listUrl = `/lists/${listId}`;
    for (const [full_name, job_title, mobile] of [
      ['Clément Laurent', 'Buyer', '+33 6 11 11 11 11'],
      ['Aiko Tanaka', 'Designer', '+81 90 1234 5678'],
      ['Björn Larsson', 'Mechanic', '+46 70 123 45 67'],
      ['Paulo Costa', 'Driver', '+351 912 345 678'],
      ['Zoé Zimmer', 'Accountant', '+33 6 22 22 22 22'],
    ]) await addContact({ full_name, job_title, mobile });
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  step('delete, then Undo in the toast, gives the same contact back', async (pages) => {
    const page = await openList(A, pages);
    const id = await card(page, 'Paulo Costa').getAttribute('data-contact-id');
    await card(page, 'Paulo Costa').getByRole('button', { name: /More actions/ }).click();
    await page.getByRole('menuitem', { name: 'Delete' }).click();
    const confirm = page.getByRole('alertdialog');
    await confirm.getByText('moves to the trash', { exact: false }).waitFor();
    await confirm.getByRole('button', { name: 'Delete' }).click();
    await card(page, 'Paulo Costa').waitFor({ state: 'detached' });
    await toast(page, 'Paulo Costa was moved to the trash').waitFor();
    assert.equal((await call(A.token, 'GET', contactUrl(id))).status, 404, 'gone from the list');
    await shot(page, 'trash-01-undo-toast');
    await page.getByRole('button', { name: 'Undo' }).click();
    await card(page, 'Paulo Costa').waitFor();
    await toast(page, 'Paulo Costa is back').waitFor();
    const back = await call(A.token, 'GET', contactUrl(id));
    assert.equal(back.status, 200, 'the same id is back');
    assert.equal(back.json.mobile, '+351 912 345 678');
    // Ctrl+Z runs the Undo on screen (outside text fields and dialogs).
    await card(page, 'Paulo Costa').getByRole('button', { name: /More actions/ }).click();
    await page.getByRole('menuitem', { name: 'Delete' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Delete' }).click();
    await toast(page, 'Paulo Costa was moved to the trash').waitFor();
    await page.getByRole('alertdialog').waitFor({ state: 'detached' });
    await page.keyboard.press('Control+z');
    await card(page, 'Paulo Costa').waitFor();
    assert.equal((await call(A.token, 'GET', contactUrl(id))).status, 200, 'back after Ctrl+Z');
  });

  step('restore from the Trash view; owners purge after a confirmation; an empty trash says so', async (pages) => {
    const a = await addContact({ full_name: 'Trashed Person' });
    const b = await addContact({ full_name: 'Purged Person' });
    for (const c of [a, b]) assert.equal((await call(A.token, 'DELETE', contactUrl(c.id))).status, 204);
    const page = await openList(A, pages);
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('menuitem', { name: 'Trash' }).click();
    const dlg = page.getByRole('dialog', { name: 'Trash' });
    const row = dlg.locator(`[data-trash-id="${a.id}"]`);
    await row.getByText(`Deleted by ${A.persona.name}`, { exact: false }).waitFor();
    await settled(page);
    axeReport.trash = await axe(page);
    await shot(page, 'trash-02-trash-view');
    await row.getByRole('button', { name: 'Restore Trashed Person' }).click();
    await row.waitFor({ state: 'detached' });
    assert.equal((await call(A.token, 'GET', contactUrl(a.id))).status, 200, 'restored');
    await dlg.getByRole('button', { name: 'Delete for good: Purged Person' }).click();
    const sure = page.getByRole('alertdialog');
    await sure.getByText('Delete Purged Person for good?').waitFor();
    await sure.getByRole('button', { name: 'Delete for good' }).click();
    await dlg.locator(`[data-trash-id="${b.id}"]`).waitFor({ state: 'detached' });
    const trash = (await call(A.token, 'GET', `/api/v1/lists/${listId}/trash`)).json.items.map((x) => x.id);
    assert.ok(!trash.includes(b.id), 'purged');
    await dlg.getByText('The trash is empty').waitFor();
    await page.keyboard.press('Escape');
    await card(page, 'Trashed Person').waitFor();
  });

  step('two people edit different fields of one contact at the same time: both changes survive', async (pages) => {
    const c = await addContact({ full_name: 'Merge Different', mobile: '+33 6 00 00 00 01', phone: '01 00 00 00 01' });
    const pa = await openList(A, pages);
    const pb = await openList(B, pages);
    await card(pa, 'Merge Different').waitFor();
    await card(pb, 'Merge Different').waitFor();
    const da = await openEdit(pa, 'Merge Different');
    const db = await openEdit(pb, 'Merge Different');
    await da.getByLabel('Mobile').fill('+33 6 99 99 99 99');
    await db.getByLabel('Phone').fill('01 99 99 99 99');
    await da.getByRole('button', { name: 'Save' }).click();
    await da.waitFor({ state: 'detached' });
    await db.getByRole('button', { name: 'Save' }).click();
    await db.waitFor({ state: 'detached' });
    assert.equal(await pb.getByRole('alertdialog').count(), 0, 'nothing to ask');
    await toast(pb, `saved together with the changes ${A.persona.name} made meanwhile`).waitFor();
    const r = (await call(A.token, 'GET', contactUrl(c.id))).json;
    assert.equal(r.mobile, '+33 6 99 99 99 99', "A's mobile kept");
    assert.equal(r.phone, '01 99 99 99 99', "B's phone saved");
  });

  step('both edit the same field: the second is asked about that field only', async (pages) => {
    const c = await addContact({ full_name: 'Merge Same', job_title: 'Clerk', notes: 'first' });
    const pa = await openList(A, pages);
    const pb = await openList(B, pages);
    await card(pa, 'Merge Same').waitFor();
    await card(pb, 'Merge Same').waitFor();
    const da = await openEdit(pa, 'Merge Same');
    const db = await openEdit(pb, 'Merge Same');
    await da.getByLabel('Job title').fill('Head clerk');
    await db.getByLabel('Job title').fill('Chief clerk');
    await db.getByLabel('Mobile').fill('+33 6 55 55 55 55');
    await da.getByRole('button', { name: 'Save' }).click();
    await da.waitFor({ state: 'detached' });
    await db.getByRole('button', { name: 'Save' }).click();
    const ask = pb.getByRole('alertdialog', { name: 'Someone else changed this contact' });
    await ask.getByText('Head clerk', { exact: false }).waitFor();
    assert.equal(await ask.getByRole('radiogroup').count(), 1, 'one field to decide');
    await settled(pb);
    axeReport.merge = await axe(pb);
    await shot(pb, 'trash-03-merge');
    await ask.getByRole('radio', { name: new RegExp(`^${A.persona.name}`) }).check();
    await ask.getByRole('button', { name: 'Save' }).click();
    await db.waitFor({ state: 'detached' });
    const r = (await call(A.token, 'GET', contactUrl(c.id))).json;
    assert.equal(r.job_title, 'Head clerk', 'their value, as chosen');
    assert.equal(r.mobile, '+33 6 55 55 55 55', 'my other change saved');
  });

  step('Escape with unsaved edits asks "Discard changes?" first', async (pages) => {
    const page = await openList(A, pages);
    const dlg = await openEdit(page, 'Zoé Zimmer');
    await dlg.getByLabel('Job title').fill('Chief accountant');
    await page.keyboard.press('Escape');
    const ask = page.getByRole('alertdialog', { name: 'Discard changes?' });
    await ask.waitFor();
    await settled(page);
    axeReport.discard = await axe(page);
    await ask.getByRole('button', { name: 'Keep editing' }).click();
    await ask.waitFor({ state: 'detached' });
    assert.equal(await dlg.getByLabel('Job title').inputValue(), 'Chief accountant', 'the edit is still there');
    await dlg.getByRole('button', { name: 'Cancel' }).click();
    await ask.getByRole('button', { name: 'Discard' }).click();
    await dlg.waitFor({ state: 'detached' });
    const id = await card(page, 'Zoé Zimmer').getAttribute('data-contact-id');
    assert.equal((await call(A.token, 'GET', contactUrl(id))).json.job_title, 'Accountant', 'nothing saved');
    // No edit: Escape closes at once.
    await openEdit(page, 'Zoé Zimmer');
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
  });

  step("a colleague's change appears in the other person's open list and open contact, scroll and dialog kept", async (pages) => {
    const page = await openList(B, pages);
    await page.evaluate(() => (window.__noReload = true));
    const aiko = await card(page, 'Aiko Tanaka').getAttribute('data-contact-id');
    const bjorn = await card(page, 'Björn Larsson').getAttribute('data-contact-id');
    // The list: a contact edited by A shows its new job title, with a polite notice.
    await edit(A.token, aiko, { job_title: 'Art director' });
    await card(page, 'Aiko Tanaka').getByText('Art director').waitFor();
    await toast(page, `${A.persona.name} edited Aiko Tanaka`).waitFor();
    // An open contact card follows too, and stays open.
    await card(page, 'Björn Larsson').locator('[data-contact-name]').click();
    const dlg = page.getByRole('dialog');
    await dlg.getByText('Mechanic', { exact: true }).first().waitFor();
    await edit(A.token, bjorn, { job_title: 'Head mechanic' });
    await dlg.getByText('Head mechanic').first().waitFor();
    await dlg.getByTestId('live-open-notice').waitFor();
    assert.equal(await page.getByRole('dialog').count(), 1, 'the dialog stayed open');
    assert.equal(await page.evaluate(() => window.__noReload), true, 'no page reload');
    // A new contact by A appears without a reload; my own changes make no notice.
    await addContact({ full_name: 'Live Arrival' });
    await page.keyboard.press('Escape');
    await card(page, 'Live Arrival').waitFor();
  });

  step('bulk: select with click and Shift+click, delete, then one Undo brings all back', async (pages) => {
    const names = ['Bulk One', 'Bulk Two', 'Bulk Three'];
    const ids = [];
    for (const n of names) ids.push((await addContact({ full_name: n })).id);
    const page = await openList(A, pages, `${listUrl}?q=Bulk`);
    await page.waitForFunction(() => document.querySelectorAll('[data-contact-id]').length === 3);
    // Sorted by name: One, Three, Two. Shift+click extends from the first click.
    await page.getByRole('checkbox', { name: 'Select Bulk One' }).click();
    await page.getByRole('checkbox', { name: 'Select Bulk Three' }).click({ modifiers: ['Shift'] });
    const bar = page.getByRole('toolbar', { name: 'Selection' });
    await bar.getByText('2 selected').waitFor();
    // Space on a focused card adds it.
    await card(page, 'Bulk Two').focus();
    await page.keyboard.press('Space');
    await bar.getByText('3 selected').waitFor();
    await settled(page);
    axeReport.bulk = await axe(page);
    await shot(page, 'trash-04-bulk');
    await bar.getByRole('button', { name: 'Delete' }).click();
    const confirm = page.getByRole('alertdialog', { name: 'Delete 3 contacts?' });
    await confirm.getByRole('button', { name: 'Delete' }).click();
    await toast(page, '3 contacts moved to the trash').waitFor();
    await page.waitForFunction(() => document.querySelectorAll('[data-contact-id]').length === 0);
    for (const id of ids) assert.equal((await call(A.token, 'GET', contactUrl(id))).status, 404);
    await page.getByRole('button', { name: 'Undo' }).click();
    await toast(page, '3 contacts are back').waitFor();
    await page.waitForFunction(() => document.querySelectorAll('[data-contact-id]').length === 3);
    for (const id of ids) assert.equal((await call(A.token, 'GET', contactUrl(id))).status, 200);
  });

  step('bulk: add the selection to a group with one Undo, and export it as vCard', async (pages) => {
    const g = (await call(A.token, 'POST', `/api/v1/lists/${listId}/groups`, { name: 'Bulk crew' })).json;
    const page = await openList(A, pages, `${listUrl}?q=Bulk`);
    await page.waitForFunction(() => document.querySelectorAll('[data-contact-id]').length === 3);
    // Ctrl+click on a card selects it instead of opening it.
    await card(page, 'Bulk One').click({ modifiers: ['Control'] });
    await page.getByRole('checkbox', { name: 'Select Bulk Two' }).check();
    const bar = page.getByRole('toolbar', { name: 'Selection' });
    await bar.getByText('2 selected').waitFor();
    assert.equal(await page.getByRole('dialog').count(), 0, 'Ctrl+click did not open the contact');
    await bar.getByRole('button', { name: 'Add to group' }).click();
    await page.getByRole('menuitem', { name: 'Bulk crew' }).click();
    await toast(page, '2 contacts added to Bulk crew').waitFor();
    const members = async () => (await call(A.token, 'GET', `/api/v1/lists/${listId}/contacts?group=${g.id}`)).json.items.map((c) => c.full_name).sort();
    assert.deepEqual(await members(), ['Bulk One', 'Bulk Two']);
    await toast(page, '2 contacts added to Bulk crew').getByRole('button', { name: 'Undo' }).click();
    await toast(page, 'Undone for 2 contacts').waitFor();
    assert.deepEqual(await members(), []);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      (async () => {
        await bar.getByRole('button', { name: 'Export' }).click();
        await page.getByRole('menuitem', { name: 'vCard (.vcf)' }).click();
      })(),
    ]);
    const text = (await download.createReadStream().then((s) => s.toArray())).join('');
    assert.equal((text.match(/BEGIN:VCARD/g) ?? []).length, 2, text);
    // Escape clears the selection.
    await card(page, 'Bulk One').focus();
    await page.keyboard.press('Escape');
    await bar.waitFor({ state: 'detached' });
  });

  step('the History tab lists versions with field changes, and restores one after a confirmation', async (pages) => {
    const c = await addContact({ full_name: 'History Person', job_title: 'Intern' });
    await edit(A.token, c.id, { job_title: 'Junior' });
    await edit(B.token, c.id, { job_title: 'Senior' });
    const page = await openList(A, pages);
    await card(page, 'History Person').locator('[data-contact-name]').click();
    const dlg = page.getByRole('dialog');
    await dlg.getByRole('tab', { name: 'History' }).click();
    const hist = dlg.getByTestId('history');
    await hist.locator('li').nth(2).waitFor();
    assert.match(await hist.locator('li').first().innerText(), new RegExp(`${B.persona.name}[\\s\\S]*Junior[\\s\\S]*Senior`));
    await settled(page);
    axeReport.history = await axe(page);
    await shot(page, 'trash-05-history');
    const first = hist.locator('li').last();
    await first.getByRole('button', { name: /Restore this version/ }).click();
    const sure = page.getByRole('alertdialog');
    await sure.getByRole('button', { name: 'Restore this version' }).click();
    await sure.waitFor({ state: 'detached' });
    await toast(page, 'History Person: version 1 restored').waitFor();
    assert.equal((await call(A.token, 'GET', contactUrl(c.id))).json.job_title, 'Intern');
  });

  step('a deleted group comes back with its members (Undo in Group administration)', async (pages) => {
    const g = (await call(A.token, 'POST', `/api/v1/lists/${listId}/groups`, { name: 'Night shift' })).json;
    const m = await addContact({ full_name: 'Group Member' });
    assert.equal((await call(A.token, 'PATCH', `/api/v1/lists/${listId}/groups/${g.id}`, { add_members: [m.id] })).status, 200);
    const page = await openList(A, pages);
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('menuitem', { name: 'Group administration' }).click();
    const dlg = page.getByRole('dialog');
    await dlg.getByRole('button', { name: 'Delete Night shift' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Delete' }).click();
    const done = dlg.getByTestId('group-deleted');
    await done.waitFor();
    assert.equal((await call(A.token, 'GET', contactUrl(m.id))).json.groups.length, 0);
    await done.getByRole('button', { name: 'Undo' }).click();
    await dlg.getByRole('row', { name: /Night shift/ }).waitFor();
    assert.deepEqual((await call(A.token, 'GET', contactUrl(m.id))).json.groups, [g.id], 'the member has the group again');
    // Deleted, then the dialog closed: the Undo goes on in a toast.
    await dlg.getByRole('button', { name: 'Delete Night shift' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Delete' }).click();
    await dlg.getByTestId('group-deleted').waitFor();
    await dlg.getByRole('button', { name: 'Close' }).last().click();
    await dlg.waitFor({ state: 'detached' });
    await toast(page, 'Group Night shift deleted').getByRole('button', { name: 'Undo' }).click();
    await toast(page, 'Group Night shift is back').waitFor();
    assert.deepEqual((await call(A.token, 'GET', contactUrl(m.id))).json.groups, [g.id]);
  });

  step('an import can be undone from its report: created contacts go to the trash', async (pages) => {
    const page = await openList(A, pages);
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('menuitem', { name: 'Import' }).click();
    const dlg = page.getByRole('dialog');
    const csv = 'Full Name,Job Title\r\nImported Undo One,Tester\r\nImported Undo Two,Tester\r\n';
    await dlg.locator('input[type=file]').setInputFiles({ name: 'undo.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await dlg.getByRole('button', { name: 'Import', exact: true }).click();
    await dlg.getByTestId('import-summary').waitFor({ timeout: 30_000 });
    await card(page, 'Imported Undo One').waitFor();
    await dlg.getByRole('button', { name: 'Undo this import' }).click();
    const undone = dlg.getByTestId('import-undone');
    await undone.getByText('2 moved to the trash', { exact: false }).waitFor();
    const left = (await call(A.token, 'GET', `/api/v1/lists/${listId}/contacts?q=Imported%20Undo`)).json.total;
    assert.equal(left, 0);
    const trash = (await call(A.token, 'GET', `/api/v1/lists/${listId}/trash`)).json.items.map((x) => x.full_name);
    assert.ok(trash.includes('Imported Undo One') && trash.includes('Imported Undo Two'), trash.join(', '));
  });

  it('has no serious or critical accessibility violations in the new views', () => {
    const bad = Object.entries(axeReport).flatMap(([view, r]) => r.severe.map((v) => `${view}: ${v.id} (${v.impact}) ${v.help} @ ${v.nodes.join(' | ')}`));
    assert.ok(Object.keys(axeReport).length >= 5, `views checked: ${Object.keys(axeReport).join(', ')}`);
    assert.deepEqual(bad, []);
  });
});
