// Web performance measurements for docs/PERFORMANCE-web.md:
//   node perf.mjs [--contacts 100000]   (E2E_SERVER=mock for the stand-in server)
// 1. main-route JavaScript, gzipped (the entry and its modulepreloads in dist/index.html)
// 2. cold load to first contacts painted (fresh browser context, performance marks)
// 3. search results painted after the debounce, and paging, on a large list
// 4. the phone layout (390x844, touch) with Chromium's 4x CPU throttling: cold load and search
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { outDir, repo, startBrowser, startServer } from './harness.mjs';

const N = Number(process.argv[process.argv.indexOf('--contacts') + 1] || process.env.PERF_CONTACTS || 100000);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function mainRouteSize() {
  const dist = path.join(repo, 'frontend/dist');
  const html = fs.readFileSync(path.join(dist, 'index.html'), 'utf8');
  const files = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]);
  let raw = 0;
  let gz = 0;
  for (const f of files) {
    const b = fs.readFileSync(path.join(dist, f));
    raw += b.length;
    gz += zlib.gzipSync(b, { level: 9 }).length;
  }
  return { files: files.length, rawBytes: raw, gzipBytes: gz };
}

const FIRST = ['Clément', 'Zoé', 'Anne', 'Bruno', 'Chloé', 'David', 'Émile', 'Fatima', 'Gaël', 'Hélène', 'Igor', 'Jean', 'Karim', 'Léa', 'Marc', 'Noémie', 'Olivier', 'Pauline', 'Quentin', 'Rémi', 'Sophie', 'Théo', 'Ursula', 'Victor', 'William', 'Xavier', 'Yasmine', 'Zacharie'];
const LAST = ['Dupont', 'Martin', 'Bernard', 'Durand', 'Lefèvre', 'Moreau', 'Laurent', 'Simon', 'Michel', 'Garcia', 'Roux', 'Fournier', 'Girard', 'Bonnet', 'Müller', 'Schmidt', 'Rossi', 'Novak', "O'Brien", 'Nguyen'];
const COMPANIES = ['Acme', 'Globex', 'Initech', 'Umbrella', 'Stark', 'Wayne', 'Hooli', 'Vandelay', 'Soylent', 'Tyrell'];

function csv(n) {
  const lines = ['Full Name,Job Title,Email,Mobile,Phone,Website,LinkedIn,Facebook,X,Company,Department,Street,City,Postal Code,State,Country,Notes,Groups'];
  for (let i = 0; i < n; i++) {
    const f = FIRST[i % FIRST.length];
    const l = LAST[Math.floor(i / FIRST.length) % LAST.length];
    const c = COMPANIES[i % COMPANIES.length];
    lines.push(`${f} ${l} ${i},Engineer,p${i}@${c.toLowerCase()}.example,+33 6 ${String(i).padStart(8, '0')},,,,,,${c},R&D,${i} rue de la Paix,Paris,75002,,France,,${c} team`);
  }
  return lines.join('\r\n') + '\r\n';
}

const server = await startServer();
const browser = await startBrowser();
const result = { contacts: N, server: process.env.E2E_SERVER === 'mock' ? 'mock' : 'contactpro', bundle: mainRouteSize() };
try {
  const personas = (await (await fetch(`${server.base}/api/v1/demo/personas`)).json()).items;
  const p = personas[0];
  const token = (await (await fetch(`${server.base}/api/v1/demo/token`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ tid: p.tid, oid: p.oid, name: p.name, upn: p.upn }) })).json()).access_token;
  const H = { Authorization: `Bearer ${token}` };
  await fetch(`${server.base}/api/v1/login`, { method: 'POST', headers: H });
  const list = await (await fetch(`${server.base}/api/v1/lists`, { method: 'POST', headers: { ...H, 'Content-Type': 'application/json' }, body: JSON.stringify({ name: `Perf ${N}` }) })).json();
  const t0 = Date.now();
  let job = await (await fetch(`${server.base}/api/v1/lists/${list.id}/imports?on_duplicate=create`, { method: 'POST', headers: { ...H, 'Content-Type': 'text/csv' }, body: csv(N) })).json();
  while (job.status === 'queued' || job.status === 'running') {
    await new Promise((r) => setTimeout(r, 300));
    job = await (await fetch(`${server.base}/api/v1/jobs/${job.id}`, { headers: H })).json();
  }
  result.importSeconds = (Date.now() - t0) / 1000;
  result.imported = job.imported;
  const url = `${server.base}/lists/${list.id}`;

  const cold = [];
  for (let i = 0; i < 7; i++) {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    await ctx.addInitScript((tok) => sessionStorage.setItem('contactpro.token', tok), token);
    const page = await ctx.newPage();
    await page.goto(url);
    await page.waitForFunction(() => performance.getEntriesByName('cp:contacts-painted').length > 0, null, { timeout: 30_000 });
    cold.push(await page.evaluate(() => Math.round(performance.getEntriesByName('cp:contacts-painted')[0].startTime)));
    await ctx.close();
  }
  result.coldLoadToContactsPaintedMs = { samples: cold, median: median(cold) };

  /** Marks-based timing of one action on `page`: request sent after the debounce -> results painted. */
  const measureOn = (page) => async (action) => {
    const before = await page.evaluate(() => performance.getEntriesByName('cp:results')[0]?.startTime ?? 0);
    await action();
    await page.waitForFunction((b) => {
      const q = performance.getEntriesByName('cp:query')[0];
      const r = performance.getEntriesByName('cp:results')[0];
      return q && r && r.startTime > b && r.startTime > q.startTime;
    }, before, { timeout: 30_000 });
    return page.evaluate(() => {
      const at = (n) => performance.getEntriesByName(n)[0].startTime;
      // total = request sent after the debounce -> results painted; render = response -> painted
      return { total: Math.round(at('cp:results') - at('cp:query')), render: Math.round(at('cp:results') - at('cp:response')) };
    });
  };
  const QUERIES = ['clement', 'dupont', 'acme paris', 'zoé martin', 'engineer', '0612', 'nothingmatchesthis'];
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  await ctx.addInitScript((tok) => sessionStorage.setItem('contactpro.token', tok), token);
  const page = await ctx.newPage();
  await page.goto(url);
  await page.waitForFunction(() => performance.getEntriesByName('cp:contacts-painted').length > 0);
  const measure = measureOn(page);
  const box = page.getByRole('searchbox');
  const search = [];
  for (const q of QUERIES) {
    search.push({ q, ...(await measure(() => box.fill(q))) });
  }
  result.searchResultsAfterDebounceMs = { samples: search, median: median(search.map((s) => s.total)), medianClientRender: median(search.map((s) => s.render)) };
  await box.fill('');
  await page.waitForTimeout(500);
  const paging = [];
  for (let i = 0; i < 5; i++) paging.push(await measure(() => page.getByRole('button', { name: 'Next page' }).click()));
  paging.push(await measure(() => page.getByRole('button', { name: 'Last page' }).click()));
  result.pagingMs = { samples: paging, median: median(paging.map((s) => s.total)), medianClientRender: median(paging.map((s) => s.render)) };
  await ctx.close();

  // Phone layout, Teams mobile sized, with the CPU slowed 4x (Chromium DevTools throttling).
  const PHONE = { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true, deviceScaleFactor: 3 };
  const throttled = async (c) => {
    const p = await c.newPage();
    const cdp = await c.newCDPSession(p);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
    return p;
  };
  const phoneCold = [];
  for (let i = 0; i < 5; i++) {
    const c = await browser.newContext(PHONE);
    await c.addInitScript((tok) => sessionStorage.setItem('contactpro.token', tok), token);
    const p = await throttled(c);
    await p.goto(url);
    await p.waitForFunction(() => performance.getEntriesByName('cp:contacts-painted').length > 0, null, { timeout: 60_000 });
    phoneCold.push(await p.evaluate(() => Math.round(performance.getEntriesByName('cp:contacts-painted')[0].startTime)));
    await c.close();
  }
  result.phoneThrottled4x = { coldLoadToContactsPaintedMs: { samples: phoneCold, median: median(phoneCold) } };
  const pc = await browser.newContext(PHONE);
  await pc.addInitScript((tok) => sessionStorage.setItem('contactpro.token', tok), token);
  const pp = await throttled(pc);
  await pp.goto(url);
  await pp.waitForFunction(() => performance.getEntriesByName('cp:contacts-painted').length > 0, null, { timeout: 60_000 });
  const pm = measureOn(pp);
  const psearch = [];
  for (const q of QUERIES) psearch.push({ q, ...(await pm(() => pp.getByRole('searchbox').fill(q))) });
  result.phoneThrottled4x.searchResultsAfterDebounceMs = { samples: psearch, median: median(psearch.map((x) => x.total)), medianClientRender: median(psearch.map((x) => x.render)) };
  await pc.close();
} finally {
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, 'perf-web.json'), JSON.stringify(result, null, 2));
  console.log(JSON.stringify(result, null, 2));
  await browser.close();
  await server.stop();
}
