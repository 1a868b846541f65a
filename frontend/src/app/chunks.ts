// Loading lazy chunks when the network or the server is not reliable, and noticing a new deploy.

const RELOAD_KEY = 'contactpro.reloadedForDeploy';

function wait(ms: number) {
  return new Promise((r) => setTimeout(r, ms));
}

/** The entry script index.html names now, or null when it cannot be read. */
async function currentEntry(): Promise<string | null> {
  try {
    const html = await (await fetch('/', { cache: 'no-store', headers: { Accept: 'text/html' } })).text();
    return /<script[^>]+src="([^"]+)"/.exec(html)?.[1] ?? null;
  } catch {
    return null;
  }
}

/**
 * After a chunk failed to load: if the server now serves a different build, the chunk names
 * changed under us; reload the page once (not in a loop) to pick up the new build.
 */
async function reloadIfRedeployed(): Promise<void> {
  const mine = document.querySelector<HTMLScriptElement>('script[type="module"][src]')?.getAttribute('src');
  const now = await currentEntry();
  if (!mine || !now || mine === now) return;
  let last = 0;
  try {
    last = Number(sessionStorage.getItem(RELOAD_KEY) ?? 0);
    sessionStorage.setItem(RELOAD_KEY, String(Date.now()));
  } catch {
    /* ignore */
  }
  if (Date.now() - last > 60_000) window.location.reload();
}

/** The chunk a failed dynamic import named ("Failed to fetch dynamically imported module: URL"). */
export function failedChunkUrl(e: unknown): string | null {
  const m = /(https?:\/\/[^\s'"]+?\.js)\b/.exec(e instanceof Error ? e.message : String(e));
  return m ? m[1] : null;
}

/**
 * import() with two more tries (a restarting server, a dropped connection). Browsers remember a
 * failed module URL for the life of the page, so a retry asks for the same file under a new query.
 */
export async function importWithRetry<T>(load: () => Promise<T>, delays = [400, 1500]): Promise<T> {
  let retryUrl: string | null = null;
  for (let i = 0; ; i++) {
    try {
      if (retryUrl) return (await import(/* @vite-ignore */ `${retryUrl}?retry=${Date.now()}`)) as T;
      return await load();
    } catch (e) {
      retryUrl = failedChunkUrl(e) ?? retryUrl;
      if (i >= delays.length) {
        await reloadIfRedeployed();
        throw e;
      }
      await wait(delays[i]);
    }
  }
}
