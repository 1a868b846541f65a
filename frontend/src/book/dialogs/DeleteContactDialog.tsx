import { useState } from 'react';
import {
  Body1, Button, Dialog, DialogActions, DialogBody, DialogContent, DialogSurface, DialogTitle, MessageBar, MessageBarBody,
} from '@fluentui/react-components';
import { api, ApiError } from '../../api/client';
import type { Contact } from '../../api/types';
import { useI18n } from '../../i18n';
import { DangerButton } from '../../components/ui';

/** Delete asks first; if someone changed the contact meanwhile (412), say who and ask again. */
export default function DeleteContactDialog({
  listId, contact, onClose, onDeleted,
}: { listId: string; contact: Contact; onClose: () => void; onDeleted: (c: Contact) => void }) {
  const { t, formatDate } = useI18n();
  const [version, setVersion] = useState(contact.version);
  const [changed, setChanged] = useState<Contact | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const del = async () => {
    setBusy(true);
    setError(null);
    try {
      await api.deleteContact(listId, contact.id, version);
      onDeleted(contact);
    } catch (e) {
      if (e instanceof ApiError && e.status === 412) {
        const current = (e.body as { error?: { current?: Contact } } | null)?.error?.current ?? (await api.contact(listId, contact.id).catch(() => null));
        if (current) {
          setChanged(current);
          setVersion(current.version);
        } else setError(e.message);
      } else if (e instanceof ApiError && e.status === 404) {
        onDeleted(contact);
      } else setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog open modalType="alert" onOpenChange={(_, d) => !d.open && onClose()}>
      <DialogSurface>
        <DialogBody>
          <DialogTitle>{t('contact.deleteTitle', { name: contact.full_name })}</DialogTitle>
          <DialogContent>
            <Body1>
              {changed
                ? t('conflict.deleteBody', { name: changed.updated_by?.name ?? '?', date: formatDate(changed.updated_at) })
                : t('contact.deleteBody')}
            </Body1>
            {error && (
              <MessageBar intent="error">
                <MessageBarBody>{error}</MessageBarBody>
              </MessageBar>
            )}
          </DialogContent>
          <DialogActions>
            <Button onClick={onClose}>{t('common.cancel')}</Button>
            <DangerButton primary onClick={() => void del()} disabled={busy}>
              {t('common.delete')}
            </DangerButton>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}
