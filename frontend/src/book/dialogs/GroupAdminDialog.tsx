import { useCallback, useEffect, useState } from 'react';
import {
  Badge, Body1, Button, Dialog, DialogActions, DialogBody, DialogContent, DialogSurface, DialogTitle, Input, makeStyles,
  MessageBar, MessageBarActions, MessageBarBody, SearchBox, Spinner, Table, TableBody, TableCell, TableHeader, TableHeaderCell, TableRow, Text, tokens, Tooltip, Field,
} from '@fluentui/react-components';
import { api, ApiError } from '../../api/client';
import type { Contact, ContactList, Group } from '../../api/types';
import { Add20Regular, ChevronLeft20Regular, Delete20Regular, Dismiss20Regular, Edit20Regular, People } from './groupIcons';
import { ContactPicker } from '../../components/pickers';
import { DangerButton, VisuallyHidden } from '../../components/ui';
import { LiteAvatar } from '../lite';
import { useNotify } from '../../app/notify';
import { useT } from '../../i18n';

const useStyles = makeStyles({
  surface: { maxWidth: '760px', width: '100%' },
  body: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM, minHeight: '360px' },
  row: { display: 'flex', gap: tokens.spacingHorizontalS, alignItems: 'flex-end', flexWrap: 'wrap' },
  grow: { flex: 1, minWidth: '200px' },
  actions: { display: 'flex', gap: '2px', justifyContent: 'flex-end' },
  member: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalS },
});

export default function GroupAdminDialog({ listId, list, onClose: close, onChanged }: { listId: string; list: ContactList; onClose: () => void; onChanged: () => void }) {
  const s = useStyles();
  const t = useT();
  const notify = useNotify();
  const canEdit = list.rights.modify || list.rights.owner;
  const [groups, setGroups] = useState<Group[] | null>(null);
  const [filter, setFilter] = useState('');
  const [newName, setNewName] = useState('');
  const [newError, setNewError] = useState<string | null>(null);
  const [renaming, setRenaming] = useState<{ id: string; name: string } | null>(null);
  const [confirm, setConfirm] = useState<Group | null>(null);
  const [members, setMembers] = useState<Group | null>(null);
  // The group just deleted, with its Undo (a toast under this modal dialog could not be reached).
  const [deleted, setDeleted] = useState<Group | null>(null);

  const load = useCallback(() => {
    api.groups(listId).then((r) => setGroups(r.items), (e) => notify.error(e));
  }, [listId, notify]);
  useEffect(load, [load]);

  const changed = () => {
    load();
    onChanged();
  };

  const create = async () => {
    try {
      const g = await api.createGroup(listId, newName.trim());
      setNewName('');
      notify.success(t('groups.created', { name: g.name }));
      changed();
    } catch (e) {
      if (e instanceof ApiError && e.status === 409) setNewError(t('groups.duplicate'));
      else notify.error(e);
    }
  };
  const rename = async () => {
    if (!renaming) return;
    try {
      await api.patchGroup(listId, renaming.id, { name: renaming.name.trim() });
      setRenaming(null);
      changed();
    } catch (e) {
      notify.error(e, e instanceof ApiError && e.status === 409 ? t('groups.duplicate') : undefined);
    }
  };
  const remove = async (g: Group) => {
    try {
      await api.deleteGroup(listId, g.id);
      setConfirm(null);
      setDeleted(g);
      changed();
    } catch (e) {
      notify.error(e);
    }
  };

  const undoDelete = async (g: Group) => {
    setDeleted(null);
    try {
      await api.restoreGroup(listId, g.id);
      notify.success(t('undo.groupRestored', { name: g.name }));
      changed();
    } catch (e) {
      notify.error(e, t('undo.failed'));
    }
  };

  // Closed right after deleting a group: its Undo goes on in a toast.
  const onClose = () => {
    close();
    if (!deleted) return;
    const g = deleted;
    notify.undoable(t('groups.deleted', { name: g.name }), async () => {
      await api.restoreGroup(listId, g.id);
      onChanged();
      return t('undo.groupRestored', { name: g.name });
    });
  };

  if (members) return <MembersDialog listId={listId} group={members} canEdit={canEdit} onBack={() => { setMembers(null); changed(); }} onClose={onClose} />;

  const shown = (groups ?? []).filter((g) => g.name.toLowerCase().includes(filter.toLowerCase()));
  return (
    <>
      <Dialog open onOpenChange={(_, d) => !d.open && onClose()}>
        <DialogSurface className={s.surface}>
          <DialogBody>
            <DialogTitle>{t('groups.title')}</DialogTitle>
            <DialogContent className={s.body}>
              {canEdit && (
                <form className={s.row} onSubmit={(e) => { e.preventDefault(); if (newName.trim()) void create(); }}>
                  <Field className={s.grow} label={t('groups.new')} validationMessage={newError ?? undefined} validationState={newError ? 'error' : 'none'}>
                    <Input value={newName} maxLength={120} placeholder={t('groups.name')} onChange={(_, d) => { setNewName(d.value); setNewError(null); }} />
                  </Field>
                  <Button type="submit" appearance="primary" icon={<Add20Regular />} disabled={!newName.trim()}>
                    {t('common.create')}
                  </Button>
                </form>
              )}
              {deleted && (
                <MessageBar intent="success" data-testid="group-deleted">
                  <MessageBarBody>{t('groups.deleted', { name: deleted.name })}</MessageBarBody>
                  <MessageBarActions>
                    <Button size="small" onClick={() => void undoDelete(deleted)}>{t('undo.action')}</Button>
                  </MessageBarActions>
                </MessageBar>
              )}
              <SearchBox placeholder={t('groups.search')} aria-label={t('groups.search')} value={filter} onChange={(_, d) => setFilter(d.value)} />
              {!groups ? (
                <Spinner size="small" />
              ) : groups.length === 0 ? (
                <Body1>{t('groups.empty')}</Body1>
              ) : (
                <Table size="small" aria-label={t('groups.title')}>
                  <TableHeader>
                    <TableRow>
                      <TableHeaderCell>{t('groups.name')}</TableHeaderCell>
                      <TableHeaderCell>{t('groups.members')}</TableHeaderCell>
                      <TableHeaderCell>
                        <VisuallyHidden>{t('groups.manageMembers')}</VisuallyHidden>
                      </TableHeaderCell>
                    </TableRow>
                  </TableHeader>
                  <TableBody>
                    {shown.map((g) => (
                      <TableRow key={g.id} data-group-id={g.id}>
                        <TableCell>
                          {renaming?.id === g.id ? (
                            <form onSubmit={(e) => { e.preventDefault(); void rename(); }}>
                              <Input
                                size="small"
                                autoFocus
                                aria-label={t('common.rename')}
                                value={renaming.name}
                                onChange={(_, d) => setRenaming({ id: g.id, name: d.value })}
                                onKeyDown={(e) => e.key === 'Escape' && (e.stopPropagation(), setRenaming(null))}
                                onBlur={() => void rename()}
                              />
                            </form>
                          ) : (
                            <Text weight="semibold">{g.name}</Text>
                          )}
                        </TableCell>
                        <TableCell>
                          <Badge appearance="tint" color="informative">{g.member_count}</Badge>
                        </TableCell>
                        <TableCell>
                          <div className={s.actions}>
                            <Tooltip content={t('groups.manageMembers')} relationship="label">
                              <Button size="small" appearance="subtle" icon={<People />} onClick={() => setMembers(g)} />
                            </Tooltip>
                            {canEdit && (
                              <Tooltip content={`${t('common.rename')} ${g.name}`} relationship="label">
                                <Button size="small" appearance="subtle" icon={<Edit20Regular />} onClick={() => setRenaming({ id: g.id, name: g.name })} />
                              </Tooltip>
                            )}
                            {(list.rights.delete || list.rights.owner) && (
                              <Tooltip content={`${t('common.delete')} ${g.name}`} relationship="label">
                                <DangerButton size="small" appearance="subtle" icon={<Delete20Regular />} onClick={() => setConfirm(g)} />
                              </Tooltip>
                            )}
                          </div>
                        </TableCell>
                      </TableRow>
                    ))}
                  </TableBody>
                </Table>
              )}
            </DialogContent>
            <DialogActions>
              <Button appearance="primary" onClick={onClose}>{t('common.close')}</Button>
            </DialogActions>
          </DialogBody>
          {/* Nested, so that closing it gives this dialog back to assistive technology. */}
          {confirm && (
            <Dialog open modalType="alert" onOpenChange={(_, d) => !d.open && setConfirm(null)}>
              <DialogSurface>
                <DialogBody>
                  <DialogTitle>{t('groups.deleteTitle', { name: confirm.name })}</DialogTitle>
                  <DialogContent>
                    {confirm.member_count === 0
                      ? t('groups.deleteBodyEmpty')
                      : confirm.member_count === 1
                        ? t('groups.deleteBodyOne')
                        : t('groups.deleteBody', { count: confirm.member_count })}
                  </DialogContent>
                  <DialogActions>
                    <Button onClick={() => setConfirm(null)}>{t('common.cancel')}</Button>
                    <DangerButton primary onClick={() => void remove(confirm)}>{t('common.delete')}</DangerButton>
                  </DialogActions>
                </DialogBody>
              </DialogSurface>
            </Dialog>
          )}
        </DialogSurface>
      </Dialog>
    </>
  );
}

function MembersDialog({ listId, group, canEdit, onBack, onClose }: { listId: string; group: Group; canEdit: boolean; onBack: () => void; onClose: () => void }) {
  const s = useStyles();
  const t = useT();
  const notify = useNotify();
  const [items, setItems] = useState<Contact[] | null>(null);
  const load = useCallback(() => {
    api.contacts(listId, { group: group.id, per_page: 500 }).then((r) => setItems(r.items), (e) => notify.error(e));
  }, [listId, group.id, notify]);
  useEffect(load, [load]);
  const patch = async (body: { add_members?: string[]; remove_members?: string[] }) => {
    try {
      await api.patchGroup(listId, group.id, body);
      load();
    } catch (e) {
      notify.error(e);
    }
  };
  return (
    // Escape goes back to the groups, one step, like the Back button; it does not close everything.
    <Dialog open onOpenChange={(_, d) => !d.open && (d.type === 'escapeKeyDown' ? onBack() : onClose())}>
      <DialogSurface className={s.surface}>
        <DialogBody>
          <DialogTitle>
            <Button appearance="subtle" icon={<ChevronLeft20Regular />} aria-label={t('common.back')} onClick={onBack} />{' '}
            {t('groups.membersOf', { name: group.name })}
          </DialogTitle>
          <DialogContent className={s.body}>
            {canEdit && (
              <ContactPicker
                listId={listId}
                label={t('groups.pickContacts')}
                exclude={new Set((items ?? []).map((c) => c.id))}
                onPick={(c) => void patch({ add_members: [c.id] })}
              />
            )}
            {!items ? (
              <Spinner size="small" />
            ) : items.length === 0 ? (
              <Body1>{t('groups.noMembers')}</Body1>
            ) : (
              <Table size="small" aria-label={t('groups.membersOf', { name: group.name })}>
                <TableBody>
                  {items.map((c) => (
                    <TableRow key={c.id}>
                      <TableCell>
                        <span className={s.member}>
                          <LiteAvatar name={c.full_name} size={24} />
                          {c.full_name}
                        </span>
                      </TableCell>
                      <TableCell>{[c.job_title, c.company].filter(Boolean).join(' · ')}</TableCell>
                      <TableCell>
                        {canEdit && (
                          <div className={s.actions}>
                            <Tooltip content={`${t('common.remove')} ${c.full_name}`} relationship="label">
                              <Button size="small" appearance="subtle" icon={<Dismiss20Regular />} onClick={() => void patch({ remove_members: [c.id] })} />
                            </Tooltip>
                          </div>
                        )}
                      </TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            )}
          </DialogContent>
          <DialogActions>
            <Button onClick={onBack}>{t('common.back')}</Button>
            <Button appearance="primary" onClick={onClose}>{t('common.close')}</Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}
