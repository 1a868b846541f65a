import { useEffect, useState } from 'react';
import {
  Avatar, Badge, Body1, Button, Checkbox, Dialog, DialogActions, DialogBody, DialogContent, DialogSurface, DialogTitle, makeStyles,
  MessageBar, MessageBarBody, Radio, RadioGroup, Subtitle2, Table, TableBody, TableCell, TableHeader, TableHeaderCell, TableRow,
  tokens, Tooltip, Caption1,
} from '@fluentui/react-components';
import { api } from '../../api/client';
import type { ContactList, MemberPermission, PermissionMode, User } from '../../api/types';
import { Dismiss20Regular } from '../../components/icons';
import { UserPicker } from '../../components/pickers';
import { VisuallyHidden } from '../../components/ui';
import { useNotify } from '../../app/notify';
import { useT } from '../../i18n';
import { pendingEmail } from '../../lib/pending';

const useStyles = makeStyles({
  surface: { maxWidth: '780px', width: '100%' },
  body: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  person: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalS },
  col: { display: 'flex', flexDirection: 'column' },
  check: { width: '84px', textAlign: 'center' },
  narrow: { width: '48px' },
  owners: { display: 'flex', flexWrap: 'wrap', gap: tokens.spacingHorizontalS },
  chip: {
    display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalXS, padding: `2px ${tokens.spacingHorizontalXS} 2px 2px`,
    borderRadius: tokens.borderRadiusCircular, backgroundColor: tokens.colorNeutralBackground3,
  },
  section: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS, marginTop: tokens.spacingVerticalM },
});

export default function PermissionsDialog({ list, onClose, onSaved }: { list: ContactList; onClose: () => void; onSaved: (l: ContactList) => void }) {
  const s = useStyles();
  const t = useT();
  const notify = useNotify();
  const [mode, setMode] = useState<PermissionMode>(list.permissions.mode);
  const [members, setMembers] = useState<MemberPermission[]>(list.permissions.members ?? []);
  const [owners, setOwners] = useState<string[]>(list.owners);
  const [known, setKnown] = useState<Record<string, User>>({});
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    api.users('').then(
      (r) => setKnown((k) => ({ ...k, ...Object.fromEntries(r.items.map((u) => [u.oid, u])) })),
      () => undefined,
    );
  }, []);

  const remember = (u: User) => {
    if (pendingEmail(u.oid) === null) setKnown((k) => ({ ...k, [u.oid]: u }));
  };
  const nameOf = (oid: string) => known[oid]?.display_name ?? pendingEmail(oid) ?? t('perm.unknownUser', { id: oid.slice(0, 8) });
  /** A "not signed in yet" badge for a `upn:` entry (someone added by e-mail). */
  const pendingBadge = (oid: string) =>
    pendingEmail(oid) !== null ? (
      <Badge appearance="tint" color="warning" size="small" data-testid="pending-badge">{t('perm.pending')}</Badge>
    ) : null;

  const save = async () => {
    setBusy(true);
    try {
      const l = await api.patchList(list.id, { permissions: { mode, members: mode === 'custom' ? members : list.permissions.members }, owners });
      onSaved(l);
      notify.success(t('common.saved'));
      onClose();
    } catch (e) {
      notify.error(e);
    } finally {
      setBusy(false);
    }
  };

  const setFlag = (oid: string, flag: 'add' | 'modify' | 'delete', v: boolean) =>
    setMembers((ms) => ms.map((m) => (m.oid === oid ? { ...m, [flag]: v } : m)));

  return (
    <Dialog open onOpenChange={(_, d) => !d.open && onClose()}>
      <DialogSurface className={s.surface}>
        <DialogBody>
          <DialogTitle>{t('perm.title')}</DialogTitle>
          <DialogContent className={s.body}>
            <Body1>{t('perm.intro')}</Body1>
            <RadioGroup value={mode} onChange={(_, d) => setMode(d.value as PermissionMode)} aria-label={t('perm.title')}>
              <Radio value="everybody" label={t('perm.everybody')} />
              <Radio value="owners" label={t('perm.owners')} />
              <Radio value="custom" label={t('perm.custom')} />
            </RadioGroup>
            {mode === 'custom' && (
              <div className={s.section}>
                <UserPicker
                  label={t('perm.addMember')}
                  placeholder={t('perm.searchUsers')}
                  allowPending
                  exclude={[...members.map((m) => m.oid), ...owners]}
                  onPick={(u) => {
                    remember(u);
                    setMembers((ms) => [...ms, { oid: u.oid, add: true, modify: true, delete: false }]);
                  }}
                />
                {members.length === 0 ? (
                  <Caption1>{t('perm.noMembers')}</Caption1>
                ) : (
                  <Table size="small" aria-label={t('perm.custom')}>
                    <TableHeader>
                      <TableRow>
                        <TableHeaderCell>{t('perm.member')}</TableHeaderCell>
                        <TableHeaderCell className={s.check}>{t('perm.add')}</TableHeaderCell>
                        <TableHeaderCell className={s.check}>{t('perm.modify')}</TableHeaderCell>
                        <TableHeaderCell className={s.check}>{t('perm.delete')}</TableHeaderCell>
                        <TableHeaderCell className={s.narrow}>
                          <VisuallyHidden>{t('common.remove')}</VisuallyHidden>
                        </TableHeaderCell>
                      </TableRow>
                    </TableHeader>
                    <TableBody>
                      {members.map((m) => (
                        <TableRow key={m.oid}>
                          <TableCell>
                            <span className={s.person}>
                              <Avatar name={nameOf(m.oid)} size={24} aria-hidden />
                              {nameOf(m.oid)}
                              {pendingBadge(m.oid)}
                            </span>
                          </TableCell>
                          {(['add', 'modify', 'delete'] as const).map((f) => (
                            <TableCell key={f} className={s.check}>
                              <Checkbox
                                checked={m[f]}
                                onChange={(_, d) => setFlag(m.oid, f, !!d.checked)}
                                aria-label={`${t(`perm.${f}`)} – ${nameOf(m.oid)}`}
                              />
                            </TableCell>
                          ))}
                          <TableCell className={s.narrow}>
                            <Tooltip content={t('perm.removeMember', { name: nameOf(m.oid) })} relationship="label">
                              <Button size="small" appearance="subtle" icon={<Dismiss20Regular />} onClick={() => setMembers((ms) => ms.filter((x) => x.oid !== m.oid))} />
                            </Tooltip>
                          </TableCell>
                        </TableRow>
                      ))}
                    </TableBody>
                  </Table>
                )}
              </div>
            )}
            <div className={s.section}>
              <Subtitle2 as="h3">{t('perm.owners.title')}</Subtitle2>
              <Caption1>{t('perm.owners.intro')}</Caption1>
              <div className={s.owners}>
                {owners.map((oid) => (
                  <span key={oid} className={s.chip}>
                    <Avatar name={nameOf(oid)} size={24} aria-hidden />
                    {nameOf(oid)}
                    {pendingBadge(oid)}
                    <Tooltip content={owners.length <= 1 ? t('perm.lastOwner') : t('perm.removeMember', { name: nameOf(oid) })} relationship="label">
                      <Button
                        size="small"
                        appearance="transparent"
                        icon={<Dismiss20Regular />}
                        disabledFocusable={owners.length <= 1}
                        onClick={() => setOwners((o) => o.filter((x) => x !== oid))}
                      />
                    </Tooltip>
                  </span>
                ))}
              </div>
              <UserPicker label={t('perm.addOwner')} placeholder={t('perm.searchUsers')} allowPending exclude={owners} onPick={(u) => { remember(u); setOwners((o) => [...o, u.oid]); }} />
            </div>
            {owners.length === 0 && (
              <MessageBar intent="warning">
                <MessageBarBody>{t('perm.lastOwner')}</MessageBarBody>
              </MessageBar>
            )}
          </DialogContent>
          <DialogActions>
            <Button onClick={onClose}>{t('common.cancel')}</Button>
            <Button appearance="primary" onClick={() => void save()} disabled={busy || owners.length === 0}>
              {t('common.save')}
            </Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}
