// "Alice Martin at Acme already exists": before a new contact is created, a search for the same
// e-mail address or the same name at the same company (lib/dedupe.findExisting). The person
// opens the existing one or adds the new one anyway. A failed search never blocks the save.
import { useCallback, useRef, useState } from 'react';
import { Button, MessageBar, MessageBarActions, MessageBarBody, tokens } from '@fluentui/react-components';
import { api } from '../api/client';
import type { Contact, ContactFields } from '../api/types';
import { findExisting } from '../lib/dedupe';
import { useT } from '../i18n';

export function useDuplicateCheck(listId: string) {
  const [found, setFound] = useState<Contact | null>(null);
  // Set by "Add anyway": the next save creates without asking again (a ref: that save runs at once).
  const accepted = useRef(false);
  /** True when the save should wait: an existing contact looks like this one. */
  const check = useCallback(
    async (form: ContactFields): Promise<boolean> => {
      if (accepted.current) return false;
      const email = form.email.trim();
      const name = form.full_name.trim();
      try {
        const pages = await Promise.all([
          email ? api.contacts(listId, { q: email, per_page: 10 }) : null,
          name ? api.contacts(listId, { q: name, per_page: 20 }) : null,
        ]);
        const match = findExisting(form, pages.flatMap((p) => p?.items ?? []));
        setFound(match);
        return !!match;
      } catch {
        return false;
      }
    },
    [listId],
  );
  const accept = useCallback(() => {
    accepted.current = true;
    setFound(null);
  }, []);
  /** The form changed: ask again on the next save. */
  const reset = useCallback(() => {
    accepted.current = false;
    setFound((f) => (f ? null : f));
  }, []);
  return { found, check, accept, reset };
}

export function DuplicateWarning({ contact, onOpen, onAddAnyway }: { contact: Contact; onOpen?: () => void; onAddAnyway: () => void }) {
  const t = useT();
  return (
    <div role="alert" style={{ marginTop: tokens.spacingVerticalM }}>
      <MessageBar intent="warning" layout="multiline" data-testid="duplicate-warning">
        <MessageBarBody>
          {contact.company
            ? t('dup.existsAt', { name: contact.full_name, company: contact.company })
            : t('dup.exists', { name: contact.full_name })}
        </MessageBarBody>
        <MessageBarActions>
          {onOpen && <Button size="small" onClick={onOpen}>{t('dup.openIt')}</Button>}
          <Button size="small" appearance="primary" onClick={onAddAnyway}>{t('dup.addAnyway')}</Button>
        </MessageBarActions>
      </MessageBar>
    </div>
  );
}
