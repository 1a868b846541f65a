// Starts the server (real binary, or the mock with E2E_SERVER=mock) and Chromium.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repo = path.resolve(here, '../..');
export const outDir = path.join(here, 'output');

export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * `opts.serve`: run `contactpro serve` (the configured sign-in) instead of `demo`, with `opts.env`
 * (CONTACTPRO_* settings) added to the environment.
 */
export async function startServer(opts = {}) {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'contactpro-e2e-'));
  let proc;
  let log = '';
  const spawnServer = () => {
    if (process.env.E2E_SERVER === 'mock') {
      proc = spawn(process.execPath, [path.join(here, 'mock-server.mjs'), '--listen', `127.0.0.1:${port}`, '--dist', path.join(repo, 'frontend/dist')], { stdio: ['ignore', 'pipe', 'pipe'] });
    } else {
      const bin = path.resolve(repo, process.env.CONTACTPRO_BIN ?? 'target/release/contactpro');
      if (!fs.existsSync(bin)) throw new Error(`server binary not found: ${bin} (build it with cargo build --release, set CONTACTPRO_BIN, or run with E2E_SERVER=mock)`);
      const env = { ...process.env, ...(opts.env ?? {}) };
      proc = spawn(bin, [opts.serve ? 'serve' : 'demo', '--data-dir', dataDir, '--listen', `127.0.0.1:${port}`], { stdio: ['ignore', 'pipe', 'pipe'], env, cwd: dataDir });
    }
    proc.stdout.on('data', (d) => (log += d));
    proc.stderr.on('data', (d) => (log += d));
  };
  const waitHealthy = async () => {
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (proc.exitCode !== null) throw new Error(`server exited (${proc.exitCode}):\n${log}`);
      try {
        const r = await fetch(`${base}/healthz`);
        if (r.ok) break;
      } catch {
        /* not up yet */
      }
      if (Date.now() > deadline) throw new Error(`server did not become healthy:\n${log}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const exited = () => new Promise((r) => (proc.exitCode !== null || proc.signalCode !== null ? r() : proc.once('exit', r)));
  spawnServer();
  await waitHealthy();
  // E2E_SERVE_DIST=1: serve frontend/dist from disk in front of the server (everything else is
  // proxied), to try a new frontend build without recompiling the binary that embeds it.
  let proxy = null;
  let url = base;
  if (process.env.E2E_SERVE_DIST) {
    ({ proxy, url } = await distProxy(base));
  }
  return {
    base: url,
    log: () => log,
    /** kill -9: the server vanishes mid-request, as in a crash or a container restart. */
    async kill() {
      proc.kill('SIGKILL');
      await exited();
    },
    /** Starts the server again on the same address and data directory. */
    async restart() {
      spawnServer();
      await waitHealthy();
    },
    async stop() {
      proxy?.close();
      proc.kill('SIGTERM');
      await exited();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function startBrowser() {
  const executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium';
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true });
}

export async function shot(page, name) {
  fs.mkdirSync(outDir, { recursive: true });
  // Let dialog and toast animations settle, and park the mouse so no tooltip shows.
  await page.mouse.move(0, 0);
  await page.waitForTimeout(400);
  await page.screenshot({ path: path.join(outDir, `${name}.png`) });
}

const axeSource = fs.readFileSync(path.join(here, 'node_modules/axe-core/axe.min.js'), 'utf8');

/** Runs axe-core in the page; returns the serious and critical violations. */
export async function axe(page) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    // Tabster's focus-trap sentinels (<i data-tabster-dummy>) are a known axe false positive.
    const r = await axe.run({ exclude: [['[data-tabster-dummy]']] }, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
  });
  return { all: result, severe: result.filter((v) => v.impact === 'serious' || v.impact === 'critical') };
}

async function distProxy(target) {
  const dist = path.join(repo, 'frontend/dist');
  const port = await freePort();
  const types = { '.js': 'text/javascript', '.html': 'text/html', '.svg': 'image/svg+xml', '.css': 'text/css' };
  const proxy = http.createServer((req, res) => {
    const u = new URL(req.url, 'http://x');
    const isApi = u.pathname.startsWith('/api/') || u.pathname.startsWith('/dav/') || u.pathname.startsWith('/.well-known/') || u.pathname === '/healthz';
    if (!isApi) {
      let file = path.join(dist, path.normalize(u.pathname));
      if (!file.startsWith(dist) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) file = path.join(dist, 'index.html');
      res.writeHead(200, { 'Content-Type': types[path.extname(file)] ?? 'application/octet-stream' });
      fs.createReadStream(file).pipe(res);
      return;
    }
    const up = http.request(`${target}${req.url}`, { method: req.method, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode, r.headers);
      r.pipe(res);
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  await new Promise((r) => proxy.listen(port, '127.0.0.1', r));
  return { proxy, url: `http://127.0.0.1:${port}` };
}
