// End-to-end: the real web app in Debian's Chromium against the real server (demo mode).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { axe, outDir, shot, startBrowser, startServer } from './harness.mjs';

let server;
let browser;
let personas;
let A; // { ctx, page } — the list owner
let B; // another member of the organization
let listUrl;
let listId;
const axeReport = {};
const perf = {};

async function signIn(persona, next = '/') {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 860 }, acceptDownloads: true, locale: 'en-US' });
  const page = await ctx.newPage();
  page.setDefaultTimeout(15_000);
  await page.goto(`${server.base}${next}`);
  await page.waitForURL(/\/demo/);
  await page.getByRole('button', { name: `Continue as ${persona.name}` }).click();
  await page.waitForURL((u) => !u.pathname.startsWith('/demo'));
  return { ctx, page };
}

async function apiCall(page, method, url, body, headers = {}) {
  return page.evaluate(
    async ({ method, url, body, headers }) => {
      const token = sessionStorage.getItem('contactpro.token');
      const r = await fetch(url, {
        method,
        headers: { Authorization: `Bearer ${token}`, ...(body ? { 'Content-Type': 'application/json' } : {}), ...headers },
        body: body ? JSON.stringify(body) : undefined,
      });
      const text = await r.text();
      let json = null;
      try {
        json = text ? JSON.parse(text) : null;
      } catch {
        /* not json */
      }
      return { status: r.status, json, etag: r.headers.get('etag') };
    },
    { method, url, body, headers },
  );
}

const contact = (full_name, extra = {}) => ({ full_name, ...extra });

/** Scenarios start from the list page, so one failure does not cascade into the next. */
async function atList(page) {
  await page.goto(listUrl);
  await page.locator('[data-contact-id]').first().waitFor();
}

async function cardNames(page) {
  return page.locator('[data-contact-name]').allTextContents();
}

/** Runs a scenario; on failure saves screenshots of both people's pages. */
function step(name, fn) {
  it(name, async () => {
    try {
      await fn();
    } catch (e) {
      const slug = name.replace(/[^a-z0-9]+/gi, '-').slice(0, 40);
      if (A?.page) await shot(A.page, `FAIL-${slug}-A`).catch(() => {});
      if (B?.page) await shot(B.page, `FAIL-${slug}-B`).catch(() => {});
      throw e;
    }
  });
}

describe('contactpro web app', { concurrency: false }, () => {
  before(async () => {
    fs.rmSync(outDir, { recursive: true, force: true });
    server = await startServer();
    browser = await startBrowser();
    personas = (await (await fetch(`${server.base}/api/v1/demo/personas`)).json()).items;
    assert.ok(personas.filter((p) => p.tid === personas[0].tid).length >= 2, 'the demo server offers two personas of one organization');
  });

  after(async () => {
    fs.mkdirSync(outDir, { recursive: true });
    fs.writeFileSync(path.join(outDir, 'axe.json'), JSON.stringify(axeReport, null, 2));
    fs.writeFileSync(path.join(outDir, 'perf.json'), JSON.stringify(perf, null, 2));
    await browser?.close();
    await server?.stop();
  });

  step('signs in as a persona at /demo', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const page = await ctx.newPage();
    await page.goto(`${server.base}/`);
    await page.waitForURL(/\/demo\?next=/);
    await page.getByRole('button', { name: `Continue as ${personas[0].name}` }).waitFor();
    await shot(page, '01-demo-personas');
    axeReport.demo = await axe(page);
    await ctx.close();
    A = await signIn(personas[0]);
    await A.page.getByRole('heading', { name: 'Contact lists' }).waitFor();
    axeReport.home = await axe(A.page);
  });

  step('creates a list', async () => {
    const { page } = A;
    await page.getByRole('button', { name: 'New list' }).first().click();
    await page.getByLabel('List name').fill('Suppliers and crew');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.waitForURL(/\/lists\/[^/]+$/);
    listUrl = page.url();
    listId = decodeURIComponent(new URL(listUrl).pathname.split('/').pop());
    await page.getByRole('heading', { name: 'No contacts yet' }).waitFor();
    await shot(page, '02-empty-list');
    axeReport.emptyList = await axe(page);
  });

  step('adds a contact, showing the required-field error first', async () => {
    const { page } = A;
    await page.getByRole('button', { name: 'New contact' }).first().click();
    const dialog = page.getByRole('dialog');
    const name = dialog.getByLabel('Full name');
    await name.focus();
    await dialog.getByLabel('Job title').focus();
    // Nothing typed yet: nothing in red (issue 16), but Save waits for a name.
    assert.equal(await dialog.getByText('Full name is required').count(), 0, 'no error before anything is typed');
    await dialog.getByLabel('Job title').fill('Head');
    await dialog.getByText('Full name is required').waitFor();
    assert.equal(await dialog.getByRole('button', { name: 'Save' }).isDisabled(), true, 'Save is disabled while invalid');
    await dialog.getByLabel('Email').fill('not-an-email');
    await dialog.getByLabel('Mobile').focus();
    await dialog.getByText(/valid email address/).waitFor();
    await shot(page, '03-contact-validation');
    axeReport.contactForm = await axe(page);
    await name.fill('Clément Dupont');
    await dialog.getByLabel('Job title').fill('Head of logistics');
    await dialog.getByLabel('Email').fill('clement.dupont@fournisseur.example');
    await dialog.getByLabel('Mobile').fill('+33 6 15 88 26 17');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.locator('[data-contact-id]', { hasText: 'Clément Dupont' }).waitFor();
    // A few more through the API, to have something to search, sort and filter.
    const more = [
      contact('Zoé Zimmer', { job_title: 'Buyer', company: 'Zeta GmbH', email: 'zoe@zeta.example' }),
      contact('Anne Bernard', { job_title: 'Accountant', company: 'Alpha SA', phone: '+33 1 23 45 67 89' }),
      contact('Bob Martin', { job_title: 'Driver', company: 'Beta Ltd', mobile: '0612345678' }),
      contact('Émile Durand', { job_title: 'Electrician', company: 'Delta', notes: 'Night shifts' }),
      contact('3M Service desk', { company: '3M', email: 'desk@3m.example' }),
    ];
    for (const c of more) assert.equal((await apiCall(page, 'POST', `/api/v1/lists/${listId}/contacts`, c)).status, 201);
    await page.reload();
    await page.locator('[data-contact-id]', { hasText: 'Zoé Zimmer' }).waitFor();
    await shot(page, '04-card-view');
    axeReport.cardView = await axe(page);
  });

  step('finds "Clément" when searching "clement"', async () => {
    const { page } = A;
    await page.getByRole('searchbox', { name: 'Search contacts' }).fill('clement');
    await page.waitForFunction(() => document.querySelectorAll('[data-contact-id]').length === 1);
    assert.deepEqual(await cardNames(page), ['Clément Dupont']);
    assert.match(page.url(), /q=clement/);
    await shot(page, '05-search');
    await page.locator('[data-contact-name]', { hasText: 'Clément Dupont' }).click();
    const view = page.getByRole('dialog');
    await view.getByRole('tab', { name: 'Company' }).waitFor();
    await view.locator('a[data-action="email"][href^="mailto:clement.dupont@"]').waitFor();
    await view.locator('a[data-action="call"][href="tel:+33615882617"]').waitFor();
    await shot(page, '05b-contact-view');
    axeReport.contactView = await axe(page);
    await view.getByRole('button', { name: 'Close' }).click();
    await view.waitFor({ state: 'detached' });
    await page.getByRole('searchbox', { name: 'Search contacts' }).fill('');
    await page.waitForFunction(() => document.querySelectorAll('[data-contact-id]').length === 6);
  });

  step('switches between card, list and group views', async () => {
    const { page } = A;
    await page.locator('[data-mode="list"]').click();
    await page.getByRole('table').waitFor();
    await shot(page, '06-list-view');
    axeReport.listView = await axe(page);
    await page.locator('[data-mode="group"]').click();
    await page.locator('[data-group-section="none"]').waitFor();
    await shot(page, '07-group-view');
    await page.locator('[data-mode="card"]').click();
    await page.locator('ul [data-contact-id]').first().waitFor();
  });

  step('filters with the A-Z rail, greys empty letters, clears on second click', async () => {
    const { page } = A;
    assert.equal(await page.locator('[data-letter="Q"]').isDisabled(), true, 'Q has no contacts');
    await page.locator('[data-letter="Z"]').click();
    await page.waitForFunction(() => document.querySelectorAll('[data-contact-id]').length === 1);
    assert.deepEqual(await cardNames(page), ['Zoé Zimmer']);
    assert.equal(await page.locator('[data-letter="Z"]').getAttribute('aria-pressed'), 'true');
    await page.locator('[data-letter="#"]').click();
    await page.waitForFunction(() => document.querySelectorAll('[data-contact-id]').length === 1);
    assert.deepEqual(await cardNames(page), ['3M Service desk']);
    await page.locator('[data-letter="#"]').click();
    await page.waitForFunction(() => document.querySelectorAll('[data-contact-id]').length === 6);
  });

  step('sorts a column in the list view', async () => {
    const { page } = A;
    await page.locator('[data-mode="list"]').click();
    await page.getByRole('table').waitFor();
    const firstName = () => page.locator('tbody tr[data-contact-id] [data-contact-name]').first().textContent();
    await page.locator('th[data-column="full_name"]').click();
    await page.waitForFunction(() => document.querySelector('tbody tr[data-contact-id] [data-contact-name]')?.textContent === 'Zoé Zimmer');
    assert.equal(await firstName(), 'Zoé Zimmer');
    await page.locator('th[data-column="company"]').click();
    await page.waitForURL(/sort=company/);
    await page.waitForFunction(() => document.querySelector('tbody tr[data-contact-id] [data-contact-name]')?.textContent !== 'Zoé Zimmer');
    const col = await page.locator('th').evaluateAll((ths) => ths.findIndex((th) => th.dataset.column === 'company'));
    const companies = (await page.locator(`tbody tr td:nth-child(${col + 1})`).allTextContents()).filter(Boolean);
    const folded = companies.map((c) => c.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase());
    assert.deepEqual(folded, [...folded].sort(), `companies sorted: ${companies.join(', ')}`);
    await page.locator('[data-mode="card"]').click();
  });

  step('asks about the field two people changed at the same time (issue 13: only that field)', async () => {
    // B: another person of the same organization (tenant) as A.
    B = await signIn(personas.find((p) => p.tid === personas[0].tid && p.oid !== personas[0].oid), new URL(listUrl).pathname);
    const open = async (page) => {
      await page.locator('[data-contact-id]', { hasText: 'Clément Dupont' }).getByRole('button', { name: /More actions/ }).click();
      await page.getByRole('menuitem', { name: 'Edit' }).click();
      return page.getByRole('dialog');
    };
    await A.page.goto(listUrl);
    const dA = await open(A.page);
    const dB = await open(B.page);
    await dA.getByLabel('Job title').fill('Logistics director');
    await dB.getByLabel('Job title').fill('Supply chain manager');
    await dA.getByRole('button', { name: 'Save' }).click();
    await dA.waitFor({ state: 'detached' });
    await dB.getByRole('button', { name: 'Save' }).click();
    const conflict = B.page.getByRole('alertdialog');
    await conflict.getByText('Someone else changed this contact').waitFor();
    await conflict.getByText('Logistics director').waitFor();
    await shot(B.page, '08-conflict');
    axeReport.conflict = await axe(B.page);
    // Keep mine (the default choice) and save.
    await conflict.getByRole('radio', { name: /^Yours:/ }).check();
    await conflict.getByRole('button', { name: 'Save' }).click();
    await B.page.getByRole('dialog').waitFor({ state: 'detached' });
    const r = await apiCall(A.page, 'GET', `/api/v1/lists/${listId}/contacts?q=clement`);
    assert.equal(r.json.items[0].job_title, 'Supply chain manager');
  });

  step('creates a group and assigns contacts', async () => {
    const { page } = A;
    await page.reload();
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('menuitem', { name: 'Group administration' }).click();
    const dlg = page.getByRole('dialog');
    await dlg.getByPlaceholder('Group name').fill('Suppliers');
    await dlg.getByRole('button', { name: 'Create' }).click();
    const row = dlg.locator('tr', { hasText: 'Suppliers' });
    await row.waitFor();
    await row.getByRole('button', { name: 'Manage members' }).click();
    const picker = page.getByRole('combobox', { name: 'Find contacts to add' });
    for (const who of ['Clément', 'Zoé']) {
      await picker.click();
      await picker.fill(who);
      await page.getByRole('option', { name: new RegExp(who) }).click();
      await page.getByRole('dialog').locator('tr', { hasText: who }).waitFor();
    }
    await shot(page, '09-group-members');
    axeReport.groupAdmin = await axe(page);
    await page.getByRole('dialog').getByRole('button', { name: 'Close' }).click();
    await page.locator('[data-mode="group"]').click();
    const sec = page.locator('section', { hasText: 'Suppliers' });
    await sec.locator('[data-contact-id]', { hasText: 'Zoé Zimmer' }).waitFor();
    assert.equal(await sec.locator('[data-contact-id]').count(), 2);
    await shot(page, '10-group-view-with-group');
    await page.locator('[data-mode="card"]').click();
  });

  step('restricts to owners: a member sees no New contact button and gets 403', async () => {
    const { page } = A;
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('menuitem', { name: 'Permissions' }).click();
    const dlg = page.getByRole('dialog');
    await dlg.getByRole('radio', { name: /Only owners/ }).check();
    await shot(page, '11-permissions');
    axeReport.permissions = await axe(page);
    await dlg.getByRole('button', { name: 'Save' }).click();
    await dlg.waitFor({ state: 'detached' });
    await B.page.reload();
    await B.page.locator('[data-contact-id]').first().waitFor();
    assert.equal(await B.page.getByRole('button', { name: 'New contact' }).count(), 0);
    const r = await apiCall(B.page, 'POST', `/api/v1/lists/${listId}/contacts`, { full_name: 'Not allowed' });
    assert.equal(r.status, 403);
    assert.ok(r.json?.error?.code, 'error body has a code');
    await shot(B.page, '12-member-read-only');
    // Back to everybody for the next steps.
    const back = await apiCall(page, 'PATCH', `/api/v1/lists/${listId}`, { permissions: { mode: 'everybody', members: [] } });
    assert.equal(back.status, 200);
  });

  step('deletes a contact after confirmation', async () => {
    const { page } = A;
    await atList(page);
    await page.reload();
    await page.locator('[data-contact-id]', { hasText: 'Bob Martin' }).getByRole('button', { name: /More actions/ }).click();
    await page.getByRole('menuitem', { name: 'Delete' }).click();
    const confirm = page.getByRole('alertdialog');
    await confirm.getByText('Delete Bob Martin?').waitFor();
    await shot(page, '13-delete-confirm');
    await confirm.getByRole('button', { name: 'Delete' }).click();
    await page.locator('[data-contact-id]', { hasText: 'Bob Martin' }).waitFor({ state: 'detached' });
  });

  step('imports a file with the template columns and shows the progress bar finish', async () => {
    const { page } = A;
    await atList(page);
    const header = 'Full Name,Job Title,Email,Mobile,Phone,Website,LinkedIn,Facebook,X,Company,Department,Street,City,Postal Code,State,Country,Notes,Groups';
    const rows = [];
    for (let i = 1; i <= 40; i++) rows.push(`Imported Person ${String(i).padStart(2, '0')},Technician,person${i}@import.example,,,,,,,Gamma,Field,,Lyon,69001,,France,,Crew`);
    rows.push(',Missing name,,,,,,,,,,,,,,,,');
    const file = path.join(outDir, 'import.csv');
    fs.mkdirSync(outDir, { recursive: true });
    fs.writeFileSync(file, `${header}\r\n${rows.join('\r\n')}\r\n`);
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('menuitem', { name: 'Import' }).click();
    const dlg = page.getByRole('dialog');
    await dlg.locator('input[type=file]').setInputFiles(file);
    await dlg.getByText(/Selected: import\.csv/).waitFor();
    await shot(page, '14-import-dialog');
    axeReport.importDialog = await axe(page);
    await dlg.getByRole('button', { name: 'Import', exact: true }).click();
    await page.locator('[data-testid="import-progress"]').waitFor();
    await page.locator('[data-testid="import-progress"][data-status="succeeded"]').waitFor({ timeout: 60_000 });
    await dlg.getByText(/40 imported/).waitFor();
    await dlg.getByText(/1 row was rejected/).waitFor();
    await shot(page, '15-import-done');
    const dl = page.waitForEvent('download');
    await dlg.getByRole('button', { name: 'Download rejected rows (CSV)' }).click();
    const csv = fs.readFileSync(await (await dl).path(), 'utf8');
    assert.match(csv, /^\uFEFFRow,Column,Reason/);
    await dlg.getByRole('button', { name: 'Close' }).click();
    await page.getByText('45 contacts').first().waitFor();
  });

  step('exports the list', async () => {
    const { page } = A;
    await atList(page);
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('menuitem', { name: 'Export' }).click();
    const dlg = page.getByRole('dialog');
    await dlg.getByRole('radio', { name: 'CSV (.csv)' }).check();
    const dl = page.waitForEvent('download');
    await dlg.getByRole('button', { name: 'Export', exact: true }).click();
    const d = await dl;
    const text = fs.readFileSync(await d.path(), 'utf8');
    assert.match(text, /Clément Dupont/);
    assert.match(text, /Imported Person 40/);
  });

  step('shows About and the API keys page', async () => {
    const { page } = A;
    await atList(page);
    await page.getByRole('button', { name: 'Help' }).click();
    await page.getByRole('menuitem', { name: 'About' }).click();
    const about = page.getByRole('dialog');
    await about.getByText(listId).waitFor();
    await shot(page, '16-about');
    await about.getByRole('button', { name: 'Close' }).click();
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('menuitem', { name: 'API keys' }).click();
    const keys = page.getByRole('dialog');
    await keys.getByLabel('Key name').fill('Power Automate flow');
    await keys.getByRole('button', { name: 'Create key' }).click();
    await keys.locator('[data-testid="api-key-secret"]').getByText(/cpk_/).waitFor();
    await shot(page, '17-api-keys');
    axeReport.apiKeys = await axe(page);
    await keys.getByRole('button', { name: 'Close' }).click();
  });

  step('switches to French', async () => {
    const { page } = A;
    await atList(page);
    await page.getByRole('button', { name: 'Help' }).click();
    await page.getByRole('menuitemradio', { name: 'Français' }).click();
    await page.getByPlaceholder('Rechercher par nom, poste, société, service, notes, groupes ou adresse').waitFor();
    await page.getByRole('button', { name: 'Nouveau contact' }).first().waitFor();
    await shot(page, '18-french');
    await page.getByRole('button', { name: 'Aide' }).click();
    await page.getByRole('menuitemradio', { name: 'English' }).click();
    await page.getByRole('button', { name: 'New contact' }).first().waitFor();
  });

  step('shows the tab configuration page and the API docs', async () => {
    const { page } = A;
    await page.goto(`${server.base}/config`);
    await page.getByRole('heading', { name: 'Set up the contact list' }).waitFor();
    await page.getByLabel('List name').fill('Channel contacts');
    await shot(page, '20-config');
    axeReport.config = await axe(page);
    await page.getByRole('button', { name: 'Save' }).click();
    await page.waitForURL(/\/lists\//);
    await page.getByRole('heading', { name: 'Channel contacts' }).waitFor();
    await page.goto(`${server.base}/docs/api`);
    await page.getByRole('heading', { name: /API documentation/ }).waitFor();
    await page.locator('button', { hasText: '/api/v1/lists' }).first().waitFor();
    await shot(page, '21-api-docs');
    await page.goto(listUrl);
    await page.locator('[data-contact-id]').first().waitFor();
  });

  step('renders the dark theme (browser preference)', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 860 }, colorScheme: 'dark' });
    const token = await A.page.evaluate(() => sessionStorage.getItem('contactpro.token'));
    await ctx.addInitScript((tok) => sessionStorage.setItem('contactpro.token', tok), token);
    const page = await ctx.newPage();
    await page.goto(listUrl);
    await page.locator('[data-contact-id]').first().waitFor();
    assert.equal(await page.locator('[data-theme]').first().getAttribute('data-theme'), 'webDark');
    await shot(page, '19-dark');
    axeReport.dark = await axe(page);
    await ctx.close();
  });

  it('has no serious or critical accessibility violations on the main views', () => {
    const bad = Object.entries(axeReport).flatMap(([view, r]) => r.severe.map((v) => `${view}: ${v.id} (${v.impact}) ${v.help} @ ${v.nodes.join(' | ')}`));
    assert.deepEqual(bad, []);
  });

  step('measures cold load to first contacts painted', async () => {
    const token = await A.page.evaluate(() => sessionStorage.getItem('contactpro.token'));
    const samples = [];
    for (let i = 0; i < 5; i++) {
      const ctx = await browser.newContext({ viewport: { width: 1280, height: 860 } });
      await ctx.addInitScript((tok) => sessionStorage.setItem('contactpro.token', tok), token);
      const page = await ctx.newPage();
      await page.goto(listUrl);
      await page.waitForFunction(() => performance.getEntriesByName('cp:contacts-painted').length > 0, null, { timeout: 15_000 });
      samples.push(await page.evaluate(() => Math.round(performance.getEntriesByName('cp:contacts-painted')[0].startTime)));
      await ctx.close();
    }
    samples.sort((a, b) => a - b);
    perf.coldLoadToContactsPaintedMs = { samples, median: samples[2] };
    // The product target is 1 s on an idle machine (docs/PERFORMANCE-web.md); the shared
    // 2-core CI machine gets a looser bound so the suite is not flaky.
    const limit = Number(process.env.E2E_COLD_LOAD_LIMIT_MS ?? 3000);
    assert.ok(samples[2] < limit, `median cold load ${samples[2]} ms < ${limit} ms`);
  });
});
