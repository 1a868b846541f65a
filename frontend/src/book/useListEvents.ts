// Live updates: the list's change feed as Server-Sent Events, read with fetch() so that the token
// travels in the Authorization header (EventSource would need it in the URL). Reconnects with
// Last-Event-ID and backoff; `event: reset` (the resume point was compacted) reloads everything.
import { useEffect, useRef } from 'react';
import { api, ApiError } from '../api/client';
import type { Change } from '../api/types';
import { sleep } from '../api/status';
import { backoffMs, SseParser } from '../lib/sse';

export interface ListEventHandlers {
  onChange: (c: Change) => void;
  onReset: () => void;
  /** Connected again without a Last-Event-ID to resume from: changes in the gap are unknown. */
  onGap?: () => void;
}

/** Subscribes while mounted; handlers may change between renders without reconnecting. */
export function useListEvents(listId: string, handlers: ListEventHandlers, enabled = true): void {
  const h = useRef(handlers);
  h.current = handlers;
  useEffect(() => {
    if (!enabled || typeof ReadableStream === 'undefined') return;
    const ctrl = new AbortController();
    void follow(listId, ctrl.signal, {
      onChange: (c) => h.current.onChange(c),
      onReset: () => h.current.onReset(),
      onGap: () => h.current.onGap?.(),
    });
    return () => ctrl.abort();
  }, [listId, enabled]);
}

async function follow(listId: string, signal: AbortSignal, on: Required<ListEventHandlers>): Promise<void> {
  let last: number | null = null;
  let first = true;
  for (let attempt = 0; !signal.aborted; attempt++) {
    try {
      const res = await api.events(listId, last, signal);
      if (!res.body) return;
      // A new stream starts at the head: what changed while we were away is read again.
      if (!first && last === null) on.onGap();
      first = false;
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      const parser = new SseParser();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        attempt = 0; // data flowed: the next drop starts the backoff over
        for (const ev of parser.push(value)) {
          if (ev.event === 'reset') {
            last = null;
            on.onReset();
          } else if (ev.event === 'change') {
            let item: Change;
            try {
              item = JSON.parse(ev.data) as Change;
            } catch {
              continue;
            }
            const seq = Number(ev.id ?? item.seq);
            if (Number.isFinite(seq)) last = seq;
            on.onChange(item);
          }
        }
      }
    } catch (e) {
      if (signal.aborted) return;
      // Gone, not allowed or signed out: nothing to follow (the page says so otherwise).
      if (e instanceof ApiError && [401, 403, 404, 405].includes(e.status)) return;
    }
    try {
      await sleep(backoffMs(attempt), signal);
    } catch {
      return;
    }
  }
}
