// tsdav (npm), a real CardDAV client library, against the release server: discovery from the
// server's root (/.well-known/carddav), the books, the cards, create / update / delete, an
// incremental sync-collection after changes made through the REST API, and a read-only member's
// book refusing a new card with 403.
// Run: cd tests/dav/tsdav && npm ci && npm test (CONTACTPRO_BIN, default target/release/contactpro).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DAVClient } from 'tsdav';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const TID = '6e5a1c1e-4b1d-4c1f-9a55-0c0a7e1d2b01';
let server;
let base;
let log = '';
let dataDir;

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Signs a demo person in; returns a REST caller with their bearer token. */
async function person(oid, name) {
  const upn = `${oid}@contoso.example`;
  const r = await fetch(`${base}/api/v1/demo/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ tid: TID, oid, name, upn }),
  });
  assert.equal(r.status, 200, await r.clone().text());
  const { access_token: token } = await r.json();
  const api = async (method, p, body) => {
    const res = await fetch(`${base}${p}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    assert.ok(res.ok, `${method} ${p}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : null;
  };
  await api('POST', '/api/v1/login', {});
  const { password } = await api('POST', '/api/v1/me/app-passwords', { name: 'tsdav' });
  return { api, upn, password };
}

/** A tsdav client given only the server's root URL, as a person would type it. */
async function davClient(p) {
  const client = new DAVClient({
    serverUrl: `${base}/`,
    credentials: { username: p.upn, password: p.password },
    authMethod: 'Basic',
    defaultAccountType: 'carddav',
  });
  await client.login();
  return client;
}

const card = (uid, fn, extra = '') =>
  `BEGIN:VCARD\r\nVERSION:3.0\r\nUID:${uid}\r\nFN:${fn}\r\nN:${fn.split(' ').reverse().join(';')};;;\r\n${extra}END:VCARD\r\n`;

let adele;
let list;
const ids = {};

before(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'contactpro-tsdav-'));
  const bin = path.resolve(repo, process.env.CONTACTPRO_BIN ?? 'target/release/contactpro');
  assert.ok(fs.existsSync(bin), `server binary not found: ${bin} (cargo build --release, or set CONTACTPRO_BIN)`);
  server = spawn(bin, ['serve', '--config', '/dev/null', '--listen', `127.0.0.1:${port}`, '--data-dir', dataDir], {
    env: { ...process.env, CONTACTPRO_AUTH__MODE: 'demo' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  server.stdout.on('data', (d) => (log += d));
  server.stderr.on('data', (d) => (log += d));
  for (let i = 0; ; i++) {
    if (server.exitCode !== null) throw new Error(`server exited:\n${log}`);
    if (await fetch(`${base}/healthz`).then((r) => r.ok, () => false)) break;
    if (i > 300) throw new Error(`server did not become healthy:\n${log}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  adele = await person('adele', 'Adèle Vance');
  list = (await adele.api('POST', '/api/v1/lists', { name: 'Suppliers' })).id;
  for (const [k, n, mobile] of [['clement', 'Clément Laurent', '+33 6 12 34 56 78'], ['zoe', 'Zoé Martin', '+33 6 98 76 54 32'], ['nina', 'Nina Keller', '']]) {
    ids[k] = (await adele.api('POST', `/api/v1/lists/${list}/contacts`, { full_name: n, mobile })).id;
  }
});

after(async () => {
  if (server && server.exitCode === null) {
    server.kill();
    await new Promise((r) => server.once('exit', r));
  }
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

const names = (vcards) => vcards.map((v) => /^FN:(.*?)\r?$/m.exec(v.data)?.[1]).sort();

test('tsdav discovers the books from the server root and reads, writes and syncs a list', async () => {
  const client = await davClient(adele);
  // Discovery: /.well-known/carddav -> /dav/ -> current-user-principal -> addressbook-home-set.
  assert.equal(client.account.rootUrl, `${base}/dav/`);
  assert.equal(client.account.principalUrl, `${base}/dav/principals/adele/`);
  assert.equal(client.account.homeUrl, `${base}/dav/books/adele/`);

  const books = await client.fetchAddressBooks();
  const book = books.find((b) => b.displayName === 'Suppliers');
  assert.ok(book, JSON.stringify(books));
  assert.equal(book.url, `${base}/dav/books/adele/${list}/`);
  assert.match(book.syncToken, new RegExp(`^urn:contactpro:list:${list}/sync/\\d+$`));

  let vcards = await client.fetchVCards({ addressBook: book });
  assert.deepEqual(names(vcards), ['Clément Laurent', 'Nina Keller', 'Zoé Martin']);
  assert.ok(vcards.every((v) => v.etag && v.url.startsWith(book.url)), JSON.stringify(vcards));
  assert.match(vcards.find((v) => v.data.includes('Clément')).data, /^TEL;TYPE=CELL:\+33 6 12 34 56 78\r?$/m);

  // Create: the card appears in the list, with the property contactpro does not model kept.
  const created = await client.createVCard({
    addressBook: book,
    filename: 'tsdav-1.vcf',
    vCardString: card('tsdav-1', 'Théo Blanc', 'BDAY:1988-02-03\r\nTEL;TYPE=CELL:+33 7 00 00 00 01\r\n'),
  });
  assert.equal(created.status, 201, await created.text());
  let page = await adele.api('GET', `/api/v1/lists/${list}/contacts?q=Blanc`);
  assert.equal(page.total, 1);
  assert.equal(page.items[0].mobile, '+33 7 00 00 00 01');

  // Update with the ETag tsdav read back; a stale ETag is refused (412) and changes nothing.
  vcards = await client.fetchVCards({ addressBook: book });
  const theo = vcards.find((v) => v.url.endsWith('/tsdav-1.vcf'));
  assert.ok(theo, vcards.map((v) => v.url).join('\n'));
  assert.match(theo.data, /^BDAY:1988-02-03\r?$/m);
  const updated = await client.updateVCard({ vCard: { ...theo, data: theo.data.replace('FN:Théo Blanc', 'FN:Théo Blanc-Roux') } });
  assert.equal(updated.status, 204, await updated.text());
  page = await adele.api('GET', `/api/v1/lists/${list}/contacts?q=Roux`);
  assert.equal(page.items[0]?.full_name, 'Théo Blanc-Roux');
  const stale = await client.updateVCard({ vCard: { ...theo, data: theo.data.replace('FN:Théo Blanc', 'FN:Stale') } });
  assert.equal(stale.status, 412);

  // Delete: the contact leaves the list (to its trash).
  const [fresh] = await client.fetchVCards({ addressBook: book, objectUrls: [theo.url] });
  const deleted = await client.deleteVCard({ vCard: fresh });
  assert.equal(deleted.status, 204, await deleted.text());
  page = await adele.api('GET', `/api/v1/lists/${list}/contacts?q=Roux`);
  assert.equal(page.total, 0);

  // Incremental sync-collection from the token read above, after changes made in the REST API:
  // the tsdav card (created and deleted since) and the two REST changes, nothing else.
  await adele.api('PATCH', `/api/v1/lists/${list}/contacts/${ids.zoe}`, { job_title: 'Buyer' });
  await adele.api('DELETE', `/api/v1/lists/${list}/contacts/${ids.nina}`);
  const changes = await client.syncCollection({
    url: book.url,
    props: { 'd:getetag': {} },
    syncLevel: 1,
    syncToken: book.syncToken,
  });
  const byHref = Object.fromEntries(changes.map((r) => [new URL(r.href, base).href, r]));
  assert.deepEqual(
    Object.keys(byHref).sort(),
    [`${book.url}${ids.nina}.vcf`, `${book.url}${ids.zoe}.vcf`, `${book.url}tsdav-1.vcf`].sort(),
    JSON.stringify(changes),
  );
  assert.equal(byHref[`${book.url}${ids.nina}.vcf`].status, 404);
  assert.equal(byHref[`${book.url}tsdav-1.vcf`].status, 404);
  assert.ok(byHref[`${book.url}${ids.zoe}.vcf`].props.getetag, JSON.stringify(byHref));
  const [zoe] = await client.fetchVCards({ addressBook: book, objectUrls: [`${book.url}${ids.zoe}.vcf`] });
  assert.match(zoe.data, /^TITLE:Buyer\r?$/m);

  // The book's new token: nothing changed since, so a sync from it is empty.
  const [now] = (await client.fetchAddressBooks()).filter((b) => b.url === book.url);
  assert.notEqual(now.syncToken, book.syncToken);
  const none = await client.syncCollection({ url: book.url, props: { 'd:getetag': {} }, syncLevel: 1, syncToken: now.syncToken });
  assert.deepEqual(none.filter((r) => r.href), [], JSON.stringify(none));
  assert.equal(await client.isCollectionDirty({ collection: now }).then((d) => d.isDirty), false);
});

test("a read-only member's book is listed and readable, and refuses a new card with 403", async () => {
  await adele.api('PATCH', `/api/v1/lists/${list}`, { permissions: { mode: 'custom', members: [{ oid: 'megan', add: true }] } });
  const alex = await person('alex', 'Alex Wilber');
  const client = await davClient(alex);
  const book = (await client.fetchAddressBooks()).find((b) => b.displayName === 'Suppliers');
  assert.ok(book);
  const vcards = await client.fetchVCards({ addressBook: book });
  const before = (await adele.api('GET', `/api/v1/lists/${list}/contacts`)).items.map((c) => c.full_name).sort();
  assert.ok(before.length > 0);
  assert.deepEqual(names(vcards), before);

  const refused = await client.createVCard({ addressBook: book, filename: 'alex-1.vcf', vCardString: card('alex-1', 'Not Allowed') });
  assert.equal(refused.status, 403);
  assert.match(await refused.text(), /<d:need-privileges>.*<d:bind\/>/s);
  const edit = vcards.find((v) => v.data.includes('Clément'));
  const changed = await client.updateVCard({ vCard: { ...edit, data: edit.data.replace('Clément Laurent', 'Changed') } });
  assert.equal(changed.status, 403);
  const gone = await client.deleteVCard({ vCard: edit });
  assert.equal(gone.status, 403);
  const page = await adele.api('GET', `/api/v1/lists/${list}/contacts`);
  assert.deepEqual(page.items.map((c) => c.full_name).sort(), before);
});
