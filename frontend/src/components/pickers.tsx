// Search-as-you-type pickers for people (known users of the org) and contacts of a list.
import { useEffect, useState, type KeyboardEvent } from 'react';
import { Avatar, Combobox, Option, makeStyles, tokens, Caption1 } from '@fluentui/react-components';
import { api } from '../api/client';
import type { Contact, User } from '../api/types';
import { useDebounced } from '../book/useContacts';
import { LiteAvatar } from '../book/lite';
import { useT } from '../i18n';
import { looksLikeEmail, matchesKnownUser, pendingEmail, pendingId } from '../lib/pending';

/**
 * Fluent's Combobox makes active the first option whose text *starts with* what was typed, so
 * ↓ then Enter picked the second match. Options get a text no one can type (the server already
 * filtered them), and nothing is active until ↓.
 */
const UNTYPEABLE = '\u2063';

const useStyles = makeStyles({
  opt: { display: 'flex', gap: tokens.spacingHorizontalS, alignItems: 'center' },
  col: { display: 'flex', flexDirection: 'column' },
  none: { color: tokens.colorNeutralForeground3 },
});

function NoMatch() {
  const s = useStyles();
  const t = useT();
  return (
    <Option disabled value="" text="" className={s.none}>
      {t('picker.noMatch')}
    </Option>
  );
}

/** Escape closes the suggestions, not the dialog around the picker. */
function stopEscapeWhenOpen(e: KeyboardEvent<HTMLInputElement>) {
  if (e.key === 'Escape' && e.currentTarget.getAttribute('aria-expanded') === 'true') e.stopPropagation();
}

/**
 * `allowPending`: when the text is an e-mail address that matches no known user, offer to add it
 * as `upn:name@domain` (a colleague who has not signed in yet); onPick then gets a user whose
 * `oid` is that id.
 */
export function UserPicker({ label, exclude, onPick, placeholder, allowPending }: { label: string; exclude: string[]; onPick: (u: User) => void; placeholder?: string; allowPending?: boolean }) {
  const s = useStyles();
  const t = useT();
  const [q, setQ] = useState('');
  const dq = useDebounced(q, 200);
  // Results are shown only for what is in the box now: a stale list must not be picked from.
  const [result, setResult] = useState<{ q: string; items: User[] }>({ q: '\u0000', items: [] });
  useEffect(() => {
    const ctrl = new AbortController();
    api.users(dq, ctrl.signal).then((r) => setResult({ q: dq, items: r.items }), () => undefined);
    return () => ctrl.abort();
  }, [dq]);
  // People from the organization's directory come as `upn:` ids (not signed in yet): only pickers
  // that take such ids show them.
  const users = (result.q === q ? result.items : []).filter((u) => allowPending || !pendingEmail(u.oid));
  const shown = users.filter((u) => !exclude.includes(u.oid));
  const email = q.trim().toLowerCase();
  const pending: User | null =
    allowPending && result.q === q && looksLikeEmail(email) && !matchesKnownUser(email, users) && !exclude.includes(pendingId(email))
      ? { oid: pendingId(email), upn: email, email, display_name: email, job_title: '' }
      : null;
  return (
    <Combobox
      aria-label={label}
      placeholder={placeholder ?? label}
      value={q}
      freeform
      onChange={(e) => setQ(e.target.value)}
      onOptionSelect={(_, d) => {
        const u = pending && d.optionValue === pending.oid ? pending : users.find((x) => x.oid === d.optionValue);
        if (u) onPick(u);
        setQ('');
      }}
      selectedOptions={[]}
      disableAutoFocus
      onKeyDown={stopEscapeWhenOpen}
    >
      {shown.length === 0 && !pending && result.q === q && q.trim() && <NoMatch />}
      {pending && (
        <Option key={pending.oid} value={pending.oid} text={UNTYPEABLE + t('picker.addPending', { email })}>
          <span className={s.opt}>
            <Avatar name={email} size={24} />
            <span className={s.col}>
              {t('picker.addPending', { email })}
              <Caption1>{t('picker.pendingHint')}</Caption1>
            </span>
          </span>
        </Option>
      )}
      {shown.map((u) => (
        <Option key={u.oid} value={u.oid} text={UNTYPEABLE + u.display_name}>
          <span className={s.opt}>
            <Avatar name={u.display_name} size={24} />
            <span className={s.col}>
              {u.display_name}
              <Caption1>{pendingEmail(u.oid) ? t('picker.fromDirectory', { upn: u.upn }) : u.upn || u.email}</Caption1>
            </span>
          </span>
        </Option>
      ))}
    </Combobox>
  );
}

export function ContactPicker({ listId, label, exclude, onPick }: { listId: string; label: string; exclude: Set<string>; onPick: (c: Contact) => void }) {
  const s = useStyles();
  const [q, setQ] = useState('');
  const dq = useDebounced(q, 200);
  const [result, setResult] = useState<{ q: string; items: Contact[] }>({ q: '\u0000', items: [] });
  useEffect(() => {
    const ctrl = new AbortController();
    api.contacts(listId, { q: dq, per_page: 20 }, ctrl.signal).then((r) => setResult({ q: dq, items: r.items }), () => undefined);
    return () => ctrl.abort();
  }, [listId, dq]);
  const items = result.q === q ? result.items : [];
  const shown = items.filter((c) => !exclude.has(c.id));
  return (
    <Combobox
      aria-label={label}
      placeholder={label}
      value={q}
      freeform
      onChange={(e) => setQ(e.target.value)}
      onOptionSelect={(_, d) => {
        const c = items.find((x) => x.id === d.optionValue);
        if (c) onPick(c);
        setQ('');
      }}
      selectedOptions={[]}
      disableAutoFocus
      onKeyDown={stopEscapeWhenOpen}
    >
      {shown.length === 0 && result.q === q && q.trim() && <NoMatch />}
      {shown.map((c) => (
        <Option key={c.id} value={c.id} text={UNTYPEABLE + c.full_name}>
          <span className={s.opt}>
            <LiteAvatar name={c.full_name} size={24} />
            <span className={s.col}>
              {c.full_name}
              <Caption1>{[c.job_title, c.company].filter(Boolean).join(' · ')}</Caption1>
            </span>
          </span>
        </Option>
      ))}
    </Combobox>
  );
}
