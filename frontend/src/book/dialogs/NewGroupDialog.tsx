import { useState } from 'react';
import { Button, Dialog, DialogActions, DialogBody, DialogContent, DialogSurface, DialogTitle, Field, Input } from '@fluentui/react-components';
import { api, ApiError } from '../../api/client';
import type { Group } from '../../api/types';
import { useNotify } from '../../app/notify';
import { useT } from '../../i18n';

export default function NewGroupDialog({ listId, onClose, onCreated }: { listId: string; onClose: () => void; onCreated: (g: Group) => void }) {
  const t = useT();
  const notify = useNotify();
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    setBusy(true);
    try {
      const g = await api.createGroup(listId, name.trim());
      notify.success(t('groups.created', { name: g.name }));
      onCreated(g);
      onClose();
    } catch (e) {
      if (e instanceof ApiError && e.status === 409) setError(t('groups.duplicate'));
      else if (e instanceof ApiError) setError(e.fields.name ?? e.message);
      else notify.error(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog open onOpenChange={(_, d) => !d.open && onClose()}>
      <DialogSurface>
        <form onSubmit={(e) => { e.preventDefault(); if (name.trim()) void submit(); }}>
          <DialogBody>
            <DialogTitle>{t('groups.new')}</DialogTitle>
            <DialogContent>
              <Field label={t('groups.name')} required validationMessage={error ?? undefined} validationState={error ? 'error' : 'none'}>
                <Input value={name} autoFocus maxLength={120} onChange={(_, d) => { setName(d.value); setError(null); }} />
              </Field>
            </DialogContent>
            <DialogActions>
              <Button onClick={onClose}>{t('common.cancel')}</Button>
              <Button appearance="primary" type="submit" disabled={!name.trim() || busy}>{t('common.create')}</Button>
            </DialogActions>
          </DialogBody>
        </form>
      </DialogSurface>
    </Dialog>
  );
}
