// How reachable the server is, as the last requests saw it. The banner (app/ServiceBanner)
// shows it; list views reload when it comes back. Kept outside React so api/client can set it.

/**
 * - ok: the last request got an answer.
 * - authUnavailable: the server cannot reach the identity provider's keys (503 auth_unavailable);
 *   the session is kept and requests are retried.
 * - busy: the server asked to come back later (503 busy + Retry-After); requests are retried.
 * - offline: no answer at all (network down, server restarting).
 */
export type ServiceStatus = 'ok' | 'authUnavailable' | 'busy' | 'offline';

let status: ServiceStatus = 'ok';
const listeners = new Set<(s: ServiceStatus, previous: ServiceStatus) => void>();

export function serviceStatus(): ServiceStatus {
  return status;
}

export function setServiceStatus(next: ServiceStatus): void {
  if (next === status) return;
  const previous = status;
  status = next;
  listeners.forEach((l) => l(next, previous));
}

export function onServiceStatus(l: (s: ServiceStatus, previous: ServiceStatus) => void): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

/** Calls `l` each time the server answers again after being unreachable or unavailable. */
export function onServiceBack(l: () => void): () => void {
  return onServiceStatus((s, prev) => {
    if (s === 'ok' && prev !== 'ok') l();
  });
}

/** 503 codes that mean "the request was refused before any work; send it again later" (org_moving: the organization is moving to another server). */
export const RETRYABLE_503 = new Set(['auth_unavailable', 'busy', 'org_moving']);

/** Backoff for attempt n (0-based): 1, 2, 4, 8, 16, then 30 s. A Retry-After header wins (capped at 5 min). */
export function retryDelayMs(attempt: number, retryAfter: string | null): number {
  if (retryAfter) {
    const secs = Number(retryAfter.trim());
    if (Number.isFinite(secs) && secs >= 0) return Math.min(secs, 300) * 1000;
    const at = Date.parse(retryAfter);
    if (!Number.isNaN(at)) return Math.min(Math.max(at - Date.now(), 0), 300_000);
  }
  return Math.min(1000 * 2 ** attempt, 30_000);
}

/** Resolves after `ms`, or rejects with an AbortError when `signal` fires first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new DOMException('Aborted', 'AbortError'));
      return;
    }
    const h = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(h);
      reject(new DOMException('Aborted', 'AbortError'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

let probing = false;

/**
 * While offline, asks /healthz every few seconds (and on the browser's `online` event) so the
 * app notices the server is back without the user having to do anything.
 */
export function startOfflineProbe(probe: () => Promise<boolean>, everyMs = 3000): void {
  if (probing) return;
  probing = true;
  const tick = async () => {
    if (status !== 'offline') {
      probing = false;
      return;
    }
    let up = false;
    try {
      up = await probe();
    } catch {
      up = false;
    }
    if (up) {
      probing = false;
      setServiceStatus('ok');
      return;
    }
    setTimeout(() => void tick(), everyMs);
  };
  setTimeout(() => void tick(), everyMs);
}

/** The browser's own offline/online events, so the banner shows before a request fails. */
export function watchBrowserConnection(probe: () => Promise<boolean>): void {
  if (typeof window === 'undefined') return;
  window.addEventListener('offline', () => {
    setServiceStatus('offline');
    startOfflineProbe(probe);
  });
  window.addEventListener('online', () => {
    if (status === 'offline') void probe().then((up) => up && setServiceStatus('ok'), () => undefined);
  });
}
