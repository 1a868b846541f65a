// What the list page does with the live change feed: others' changes (never my own) refresh the
// data on screen in place and are announced politely ("Adèle edited Clément Laurent"); a burst
// (someone's import) is gathered into one refresh and one notice.
import { useEffect, useRef, useState } from 'react';
import type { Change } from '../api/types';
import { useNotify } from '../app/notify';
import { useT } from '../i18n';
import { noticeFor } from '../lib/liveNotice';
import { useListEvents } from './useListEvents';

export interface LiveRefresh {
  contacts: () => void;
  groups: () => void;
  list: () => void;
  /** The feed was compacted past where we were: everything again. */
  all: () => void;
}

const GATHER_MS = 250;

/** Returns the latest contact change by someone else (the open contact dialog reacts to it). */
export function useLiveChanges(listId: string, myId: string | null, refresh: LiveRefresh): Change | null {
  const notify = useNotify();
  const t = useT();
  const [latest, setLatest] = useState<Change | null>(null);
  const pending = useRef<Change[]>([]);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const r = useRef(refresh);
  r.current = refresh;
  const say = useRef({ notify, t });
  say.current = { notify, t };

  useEffect(() => () => {
    if (timer.current) clearTimeout(timer.current);
  }, []);

  const flush = () => {
    timer.current = null;
    const batch = pending.current;
    pending.current = [];
    if (batch.length === 0) return;
    const kinds = new Set(batch.map((c) => c.kind));
    const any = (p: string) => [...kinds].some((k) => k.startsWith(p));
    if (any('contact.') || any('group.')) {
      r.current.contacts();
      r.current.groups();
    }
    if (kinds.has('list.updated')) r.current.list();
    const { notify: n, t: tr } = say.current;
    n.info(batch.length === 1 ? noticeFor(batch[0], tr) : tr('live.many', { count: batch.length }));
  };

  useListEvents(
    listId,
    {
      onChange: (c) => {
        if (myId && c.by?.id === myId) return;
        pending.current.push(c);
        if (c.kind.startsWith('contact.')) setLatest(c);
        if (!timer.current) timer.current = setTimeout(flush, GATHER_MS);
      },
      onReset: () => r.current.all(),
      onGap: () => {
        r.current.contacts();
        r.current.groups();
      },
    },
    !!myId,
  );
  return latest;
}
