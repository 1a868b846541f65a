// A tiny history-API router: a handful of routes don't need a router library.
import { useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent } from 'react';

const listeners = new Set<() => void>();
function emit() {
  listeners.forEach((l) => l());
}
if (typeof window !== 'undefined') window.addEventListener('popstate', emit);

function subscribe(l: () => void) {
  listeners.add(l);
  return () => listeners.delete(l);
}

const getHref = () => window.location.pathname + window.location.search;

export function navigate(to: string, opts: { replace?: boolean } = {}): void {
  if (to === getHref()) return;
  if (opts.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  emit();
}

export interface Loc {
  pathname: string;
  search: string;
}

let cached: Loc = { pathname: '', search: '' };
function snapshot(): Loc {
  const { pathname, search } = window.location;
  if (cached.pathname !== pathname || cached.search !== search) cached = { pathname, search };
  return cached;
}

export function useLocation(): Loc {
  return useSyncExternalStore(subscribe, snapshot);
}

export type Route =
  | { name: 'home' }
  | { name: 'list'; id: string; contactId?: string }
  | { name: 'config' }
  | { name: 'demo' }
  | { name: 'signin' }
  | { name: 'apidocs' }
  | { name: 'privacy' }
  | { name: 'terms' }
  | { name: 'notfound' };

export function matchRoute(pathname: string): Route {
  const p = pathname.replace(/\/+$/, '') || '/';
  if (p === '/') return { name: 'home' };
  if (p === '/config') return { name: 'config' };
  if (p === '/demo') return { name: 'demo' };
  if (p === '/signin') return { name: 'signin' };
  if (p === '/docs/api') return { name: 'apidocs' };
  if (p === '/privacy') return { name: 'privacy' };
  if (p === '/terms') return { name: 'terms' };
  // /auth/callback is consumed at start-up (auth/browser.ts) and replaced by the page the user wanted.
  if (p === '/auth/callback') return { name: 'home' };
  const m = /^\/lists\/([^/]+)$/.exec(p);
  if (m) return { name: 'list', id: decodeURIComponent(m[1]) };
  // The address follows the open contact, so it can be shared and Back closes it.
  const c = /^\/lists\/([^/]+)\/contacts\/([^/]+)$/.exec(p);
  if (c) return { name: 'list', id: decodeURIComponent(c[1]), contactId: decodeURIComponent(c[2]) };
  return { name: 'notfound' };
}

export function Link({ href, onClick, ...rest }: AnchorHTMLAttributes<HTMLAnchorElement> & { href: string }) {
  return (
    <a
      href={href}
      onClick={(e: MouseEvent<HTMLAnchorElement>) => {
        onClick?.(e);
        if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
        e.preventDefault();
        navigate(href);
      }}
      {...rest}
    />
  );
}
