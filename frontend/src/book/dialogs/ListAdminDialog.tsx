// Renaming and deleting a list (owners). Deleting moves the list to the trash (Undo, or "Deleted
// lists" on the home page); it still asks for the list's name, as it affects everybody at once.
import { useState } from 'react';
import {
  Body1, Button, Dialog, DialogActions, DialogBody, DialogContent, DialogSurface, DialogTitle, Field, Input, makeStyles,
  MessageBar, MessageBarBody, tokens,
} from '@fluentui/react-components';
import { api } from '../../api/client';
import type { ContactList } from '../../api/types';
import { DangerButton } from '../../components/ui';
import { useNotify } from '../../app/notify';
import { navigate } from '../../app/router';
import { useT } from '../../i18n';

const useStyles = makeStyles({ body: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM } });

export default function ListAdminDialog({
  what, list, onClose, onRenamed,
}: { what: 'rename' | 'delete'; list: ContactList; onClose: () => void; onRenamed: (l: ContactList) => void }) {
  const s = useStyles();
  const t = useT();
  const notify = useNotify();
  const [name, setName] = useState(what === 'rename' ? list.name : '');
  const [busy, setBusy] = useState(false);
  const canSubmit = what === 'rename' ? !!name.trim() && name.trim() !== list.name : name.trim() === list.name.trim();

  const submit = async () => {
    if (!canSubmit || busy) return;
    setBusy(true);
    try {
      if (what === 'rename') {
        onRenamed(await api.patchList(list.id, { name: name.trim() }));
        notify.success(t('listAdmin.renamed'));
        onClose();
      } else {
        await api.deleteList(list.id);
        // The list goes to the trash: Undo brings it back (owners also find it under "Deleted lists").
        notify.undoable(t('listAdmin.deleted', { name: list.name }), async () => {
          await api.restoreList(list.id);
          navigate(`/lists/${encodeURIComponent(list.id)}`);
          return t('home.listRestored', { name: list.name });
        });
        navigate('/', { replace: true });
      }
    } catch (e) {
      notify.error(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog open modalType={what === 'delete' ? 'alert' : 'modal'} onOpenChange={(_, d) => !d.open && onClose()}>
      <DialogSurface>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          <DialogBody>
            <DialogTitle>{what === 'rename' ? t('listAdmin.renameTitle') : t('listAdmin.deleteTitle', { name: list.name })}</DialogTitle>
            <DialogContent className={s.body}>
              {what === 'delete' && (
                <>
                  <MessageBar intent="error" layout="multiline">
                    <MessageBarBody>{t('listAdmin.deleteWarning', { count: list.contact_count })}</MessageBarBody>
                  </MessageBar>
                  <Body1>{t('listAdmin.typeName', { name: list.name })}</Body1>
                </>
              )}
              <Field label={what === 'rename' ? t('home.listName') : t('listAdmin.typeLabel')} required>
                <Input value={name} onChange={(_, d) => setName(d.value)} maxLength={120} autoFocus autoComplete="off" />
              </Field>
            </DialogContent>
            <DialogActions>
              <Button onClick={onClose}>{t('common.cancel')}</Button>
              {what === 'rename' ? (
                <Button appearance="primary" type="submit" disabled={!canSubmit || busy}>{t('common.rename')}</Button>
              ) : (
                <DangerButton primary type="submit" disabled={!canSubmit || busy}>{t('listAdmin.deleteForever')}</DangerButton>
              )}
            </DialogActions>
          </DialogBody>
        </form>
      </DialogSurface>
    </Dialog>
  );
}
