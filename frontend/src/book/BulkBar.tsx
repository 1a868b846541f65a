// "n selected" bar of the card and table views: delete, add to / remove from a group, export the
// selection. Each bulk action offers one Undo for all of it.
import { useState, type ReactElement } from 'react';
import {
  Button, Dialog, DialogActions, DialogBody, DialogContent, DialogSurface, DialogTitle, makeStyles, Menu, MenuItem, MenuList,
  MenuPopover, MenuTrigger, Text, tokens,
} from '@fluentui/react-components';
import { api, ApiError, saveBlob } from '../api/client';
import { editableFields, type Contact, type ContactList, type Group } from '../api/types';
import { ArrowDownload20Regular, Delete20Regular, Dismiss20Regular, PeopleAdd20Regular, Group20Regular } from '../components/icons';
import { DangerButton } from '../components/ui';
import { useNotify } from '../app/notify';
import { useT } from '../i18n';
import { runLimited } from '../lib/selection';
import { selectionCsv, selectionVcf } from '../lib/exportSelection';

const useStyles = makeStyles({
  bar: {
    position: 'sticky', top: 0, zIndex: 3, display: 'flex', alignItems: 'center', flexWrap: 'wrap', gap: tokens.spacingHorizontalS,
    padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalM}`, marginBottom: tokens.spacingVerticalM,
    borderRadius: tokens.borderRadiusLarge, backgroundColor: tokens.colorBrandBackground2, boxShadow: tokens.shadow4,
  },
  count: { marginRight: tokens.spacingHorizontalM, fontWeight: tokens.fontWeightSemibold },
});

/** Deletes (moves to the trash) even if someone saved it since the page loaded: the person chose it. */
async function trash(listId: string, c: Contact): Promise<boolean> {
  try {
    await api.deleteContact(listId, c.id, c.version);
    return true;
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return false;
    if (!(e instanceof ApiError && e.status === 412)) throw e;
    const current = await api.contact(listId, c.id);
    await api.deleteContact(listId, c.id, current.version);
    return true;
  }
}

export function BulkBar({
  list, groups, selected, onDone, onClear,
}: {
  list: ContactList;
  groups: Group[];
  selected: Map<string, Contact>;
  /** After an action (or its Undo): reload; `removed` leave the selection. */
  onDone: (removed?: string[]) => void;
  onClear: () => void;
}) {
  const s = useStyles();
  const t = useT();
  const notify = useNotify();
  const [confirm, setConfirm] = useState(false);
  const [busy, setBusy] = useState(false);
  const listId = list.id;
  const contacts = [...selected.values()];
  const count = contacts.length;
  const r = list.rights;

  const run = async (fn: () => Promise<void>) => {
    setBusy(true);
    try {
      await fn();
    } catch (e) {
      notify.error(e);
      onDone();
    } finally {
      setBusy(false);
    }
  };

  const del = () =>
    run(async () => {
      setConfirm(false);
      const results = await runLimited(contacts, 4, (c) => trash(listId, c));
      const done = contacts.filter((_, i) => results[i].status === 'fulfilled' && (results[i] as PromiseFulfilledResult<boolean>).value);
      const failed = results.find((x) => x.status === 'rejected') as PromiseRejectedResult | undefined;
      onDone(contacts.filter((_, i) => results[i].status === 'fulfilled').map((c) => c.id));
      if (failed) notify.error(failed.reason, t('bulk.partial', { done: done.length, count }));
      if (done.length === 0) return;
      notify.undoable(t('bulk.deleted', { count: done.length }), async () => {
        const back = await runLimited(done, 4, (c) => api.restoreContact(listId, c.id));
        onDone();
        const bad = back.find((x) => x.status === 'rejected') as PromiseRejectedResult | undefined;
        if (bad) throw bad.reason;
        return t('undo.bulkRestored', { count: done.length });
      });
    });

  const member = (c: Contact, g: Group) => c.groups.includes(g.id);
  const addTo = (g: Group) =>
    run(async () => {
      const added = contacts.filter((c) => !member(c, g)).map((c) => c.id);
      await api.patchGroup(listId, g.id, { add_members: contacts.map((c) => c.id) });
      onDone();
      notify.undoable(t('bulk.added', { count, group: g.name }), async () => {
        if (added.length) await api.patchGroup(listId, g.id, { remove_members: added });
        onDone();
        return t('undo.bulkUndone', { count: added.length });
      });
    });
  const removeFrom = (g: Group) =>
    run(async () => {
      const members = contacts.filter((c) => member(c, g)).map((c) => c.id);
      await api.patchGroup(listId, g.id, { remove_members: members.length ? members : contacts.map((c) => c.id) });
      onDone();
      notify.undoable(t('bulk.removed', { count: members.length, group: g.name }), async () => {
        if (members.length) await api.patchGroup(listId, g.id, { add_members: members });
        onDone();
        return t('undo.bulkUndone', { count: members.length });
      });
    });

  const exportAs = (format: 'vcf' | 'csv') => {
    const fields = contacts.map((c) => editableFields(c));
    if (format === 'vcf') saveBlob(new Blob([selectionVcf(fields)], { type: 'text/vcard;charset=utf-8' }), 'contacts.vcf');
    else saveBlob(new Blob([selectionCsv(fields, groups)], { type: 'text/csv;charset=utf-8' }), 'contacts.csv');
  };

  const groupMenu = (label: string, icon: ReactElement, pick: (g: Group) => void, only?: (g: Group) => boolean) => (
    <Menu>
      <MenuTrigger disableButtonEnhancement>
        <Button size="small" icon={icon} disabled={busy}>{label}</Button>
      </MenuTrigger>
      <MenuPopover>
        <MenuList>
          {groups.length === 0 && <MenuItem disabled>{t('bulk.noGroups')}</MenuItem>}
          {groups.filter((g) => !only || only(g)).map((g) => (
            <MenuItem key={g.id} onClick={() => void pick(g)}>{g.name}</MenuItem>
          ))}
        </MenuList>
      </MenuPopover>
    </Menu>
  );

  return (
    <div className={s.bar} role="toolbar" aria-label={t('bulk.label')} data-testid="bulk-bar">
      <Text className={s.count} role="status" aria-live="polite">
        {count === 1 ? t('bulk.selectedOne') : t('bulk.selected', { count })}
      </Text>
      {r.delete && (
        <DangerButton size="small" icon={<Delete20Regular />} disabled={busy} onClick={() => setConfirm(true)}>
          {t('bulk.delete')}
        </DangerButton>
      )}
      {r.modify && groupMenu(t('bulk.addToGroup'), <PeopleAdd20Regular />, (g) => void addTo(g))}
      {r.modify && groupMenu(t('bulk.removeFromGroup'), <Group20Regular />, (g) => void removeFrom(g), (g) => contacts.some((c) => member(c, g)))}
      <Menu>
        <MenuTrigger disableButtonEnhancement>
          <Button size="small" icon={<ArrowDownload20Regular />}>{t('bulk.export')}</Button>
        </MenuTrigger>
        <MenuPopover>
          <MenuList>
            <MenuItem onClick={() => exportAs('vcf')}>{t('bulk.exportVcf')}</MenuItem>
            <MenuItem onClick={() => exportAs('csv')}>{t('bulk.exportCsv')}</MenuItem>
          </MenuList>
        </MenuPopover>
      </Menu>
      <Button size="small" appearance="subtle" icon={<Dismiss20Regular />} onClick={onClear}>{t('bulk.clear')}</Button>
      {confirm && (
        <Dialog open modalType="alert" onOpenChange={(_, d) => !d.open && setConfirm(false)}>
          <DialogSurface>
            <DialogBody>
              <DialogTitle>{t('bulk.deleteTitle', { count })}</DialogTitle>
              <DialogContent>{t('bulk.deleteBody')}</DialogContent>
              <DialogActions>
                <Button onClick={() => setConfirm(false)}>{t('common.cancel')}</Button>
                <DangerButton primary disabled={busy} onClick={() => void del()}>{t('common.delete')}</DangerButton>
              </DialogActions>
            </DialogBody>
          </DialogSurface>
        </Dialog>
      )}
    </div>
  );
}
