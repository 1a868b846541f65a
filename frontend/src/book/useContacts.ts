import { useEffect, useRef, useState } from 'react';
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
export function useContacts(listId: string, query: ContactQuery | null, reloadKey: number): ContactsState {
  const [state, setState] = useState<ContactsState>({ data: null, loading: true, error: null });
  const seq = useRef(0);
  const key = query ? JSON.stringify(query) : null;
  useEffect(() => {
    if (!key) return;
    const my = ++seq.current;
    const ctrl = new AbortController();
    // Performance marks (read by the e2e perf measurement): query sent -> results painted.
    performance.clearMarks('cp:query');
    performance.mark('cp:query');
    setState((s) => ({ ...s, loading: true, error: null }));
    api.contacts(listId, JSON.parse(key) as ContactQuery, ctrl.signal).then(
      (data) => {
        if (my !== seq.current) return;
        performance.clearMarks('cp:response');
        performance.mark('cp:response');
        setState({ data, loading: false, error: null });
      },
      (error: unknown) => {
        if (my !== seq.current || (error instanceof DOMException && error.name === 'AbortError')) return;
        setState((s) => ({ ...s, loading: false, error }));
      },
    );
    return () => ctrl.abort();
  }, [listId, key, reloadKey]);
  return state;
}

export function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const h = setTimeout(() => setV(value), ms);
    return () => clearTimeout(h);
  }, [value, ms]);
  return v;
}
