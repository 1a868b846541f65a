import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { api, type ContactQuery } from '../api/client';
import type { ContactPage } from '../api/types';

export interface ContactsState {
  data: ContactPage | null;
  loading: boolean;
  error: unknown;
}

/**
 * Loads a page of contacts. Each new query aborts the previous request, and a sequence
 * number drops any response that still arrives late, so results never go backwards.
 */
export function useContacts(listId: string, query: ContactQuery | null, reloadKey: number, refreshKey = 0): ContactsState {
  const [state, setState] = useState<ContactsState>({ data: null, loading: true, error: null });
  const seq = useRef(0);
  const key = query ? JSON.stringify(query) : null;
  const prev = useRef<{ listId: string; key: string; reloadKey: number } | null>(null);
  useEffect(() => {
    if (!key) return;
    // Only refreshKey moved (someone else changed the list): load the same page again quietly,
    // the results stay as they are (not dimmed, scroll kept) until the new ones replace them.
    const quiet = !!prev.current && prev.current.listId === listId && prev.current.key === key && prev.current.reloadKey === reloadKey;
    prev.current = { listId, key, reloadKey };
    const my = ++seq.current;
    const ctrl = new AbortController();
    // Performance marks (read by the e2e perf measurement): query sent -> results painted.
    if (!quiet) {
      performance.clearMarks('cp:query');
      performance.mark('cp:query');
      setState((s) => ({ ...s, loading: true, error: null }));
    }
    api.contacts(listId, JSON.parse(key) as ContactQuery, ctrl.signal).then(
      (data) => {
        if (my !== seq.current) return;
        performance.clearMarks('cp:response');
        performance.mark('cp:response');
        setState({ data, loading: false, error: null });
      },
      (error: unknown) => {
        if (my !== seq.current || (error instanceof DOMException && error.name === 'AbortError')) return;
        setState((s) => (quiet ? { ...s, loading: false } : { ...s, loading: false, error }));
      },
    );
    return () => ctrl.abort();
  }, [listId, key, reloadKey, refreshKey]);
  return state;
}

export interface InfiniteContactsState extends ContactsState {
  loadingMore: boolean;
  more: () => void;
}

/**
 * The phone's endless list: the first page for a query, then the next page each time `more()`
 * is called (the end of the list scrolled into view). A new query starts over.
 */
export function useInfiniteContacts(listId: string, query: ContactQuery | null, reloadKey: number, perPage = 50): InfiniteContactsState {
  const base = useContacts(listId, query ? { ...query, page: 1, per_page: perPage } : null, reloadKey);
  const [extra, setExtra] = useState<{ of: ContactPage | null; items: ContactPage['items']; page: number }>({ of: null, items: [], page: 1 });
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreError, setMoreError] = useState<unknown>(null);
  const inFlight = useRef<AbortController | null>(null);
  // Pages after the first belong to the first page they extend; a new first page drops them.
  const pages = extra.of === base.data ? extra : { of: base.data, items: [], page: 1 };
  useEffect(() => {
    inFlight.current?.abort();
    setLoadingMore(false);
    setMoreError(null);
  }, [base.data]);
  const first = base.data;
  const loaded = (first?.items.length ?? 0) + pages.items.length;
  const more = useCallback(() => {
    if (!first || !query || inFlight.current || loaded >= first.total) return;
    const ctrl = new AbortController();
    inFlight.current = ctrl;
    setLoadingMore(true);
    const next = pages.page + 1;
    api.contacts(listId, { ...query, page: next, per_page: perPage }, ctrl.signal).then(
      (p) => {
        inFlight.current = null;
        setLoadingMore(false);
        setMoreError(null);
        const seen = new Set([...first.items, ...pages.items].map((c) => c.id));
        setExtra({ of: first, items: [...pages.items, ...p.items.filter((c) => !seen.has(c.id))], page: next });
      },
      (e: unknown) => {
        inFlight.current = null;
        setLoadingMore(false);
        if (!(e instanceof DOMException && e.name === 'AbortError')) setMoreError(e);
      },
    );
  }, [first, query, loaded, pages, listId, perPage]);
  const extraItems = pages.items;
  const data = useMemo(() => (first && extraItems.length ? { ...first, items: [...first.items, ...extraItems] } : first), [first, extraItems]);
  return { data, loading: base.loading, error: base.error ?? moreError, loadingMore, more };
}

export function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const h = setTimeout(() => setV(value), ms);
    return () => clearTimeout(h);
  }, [value, ms]);
  return v;
}
