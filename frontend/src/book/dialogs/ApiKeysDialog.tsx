import { useCallback, useEffect, useState } from 'react';
import {
  Body1, Button, Caption1, Dialog, DialogActions, DialogBody, DialogContent, DialogSurface, DialogTitle, Field, Input, Link as FLink,
  makeStyles, MessageBar, MessageBarBody, MessageBarTitle, Spinner, Subtitle2, Table, TableBody, TableCell, TableHeader,
  TableHeaderCell, TableRow, Text, tokens,
} from '@fluentui/react-components';
import { api } from '../../api/client';
import { beginRotation, finishRotation, needsRotation, type Rotation } from '../keyRotation';
import type { ApiKey, ContactList } from '../../api/types';
import { Add20Regular } from '../../components/icons';
import { CopyButton, DangerButton } from '../../components/ui';
import { useNotify } from '../../app/notify';
import { useI18n } from '../../i18n';

const useStyles = makeStyles({
  surface: { maxWidth: '820px', width: '100%' },
  body: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  row: { display: 'flex', gap: tokens.spacingHorizontalS, alignItems: 'flex-end', flexWrap: 'wrap' },
  grow: { flex: 1, minWidth: '200px' },
  hidden: { position: 'absolute', width: '1px', height: '1px', overflow: 'hidden', clip: 'rect(0 0 0 0)', whiteSpace: 'nowrap' },
  mono: { fontFamily: tokens.fontFamilyMonospace, overflowWrap: 'anywhere' },
  secret: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalS, marginTop: tokens.spacingVerticalS },
  help: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS, padding: tokens.spacingHorizontalM, borderRadius: tokens.borderRadiusMedium, backgroundColor: tokens.colorNeutralBackground3 },
  idRow: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalXS },
  legacy: { display: 'block', color: tokens.colorPaletteDarkOrangeForeground1, fontWeight: tokens.fontWeightSemibold },
  actions: { display: 'flex', gap: tokens.spacingHorizontalXS, flexWrap: 'wrap' },
});

export default function ApiKeysDialog({ list, onClose }: { list: ContactList; onClose: () => void }) {
  const s = useStyles();
  const { t, formatDate } = useI18n();
  const notify = useNotify();
  const [keys, setKeys] = useState<ApiKey[] | null>(null);
  const [name, setName] = useState('');
  const [secret, setSecret] = useState<{ name: string; secret: string } | null>(null);
  const [revoke, setRevoke] = useState<ApiKey | null>(null);
  const [rotation, setRotation] = useState<Rotation | null>(null);
  const [confirmOld, setConfirmOld] = useState(false);
  const load = useCallback(() => {
    api.apiKeys(list.id).then((r) => setKeys(r.items), (e) => notify.error(e));
  }, [list.id, notify]);
  useEffect(load, [load]);

  const create = async () => {
    try {
      const r = await api.createApiKey(list.id, name.trim());
      setSecret({ name: r.key.name, secret: r.secret });
      setName('');
      load();
    } catch (e) {
      notify.error(e);
    }
  };
  const rotate = async (k: ApiKey) => {
    try {
      setSecret(null);
      setRotation(await beginRotation(list.id, k));
      load();
    } catch (e) {
      notify.error(e);
    }
  };
  const revokeOld = async (r: Rotation) => {
    try {
      await finishRotation(list.id, r);
      setConfirmOld(false);
      setRotation(null);
      load();
    } catch (e) {
      notify.error(e);
    }
  };
  const doRevoke = async (k: ApiKey) => {
    try {
      await api.deleteApiKey(list.id, k.id);
      setRevoke(null);
      load();
    } catch (e) {
      notify.error(e);
    }
  };

  return (
    <>
      <Dialog open onOpenChange={(_, d) => !d.open && onClose()}>
        <DialogSurface className={s.surface}>
          <DialogBody>
            <DialogTitle>{t('keys.title')}</DialogTitle>
            <DialogContent className={s.body}>
              <Body1>{t('keys.intro')}</Body1>
              <form className={s.row} onSubmit={(e) => { e.preventDefault(); if (name.trim()) void create(); }}>
                <Field className={s.grow} label={t('keys.name')}>
                  <Input value={name} maxLength={120} onChange={(_, d) => setName(d.value)} placeholder="Power Automate" />
                </Field>
                <Button type="submit" appearance="primary" icon={<Add20Regular />} disabled={!name.trim()}>
                  {t('keys.create')}
                </Button>
              </form>
              {secret && (
                <MessageBar intent="warning" layout="multiline" data-testid="api-key-secret">
                  <MessageBarBody>
                    <MessageBarTitle>{t('keys.secretTitle')}</MessageBarTitle>
                    {t('keys.secretWarning')}
                    <div className={s.secret}>
                      <Text className={s.mono}>{secret.secret}</Text>
                      <CopyButton text={secret.secret} label={t('common.copy')} />
                    </div>
                  </MessageBarBody>
                </MessageBar>
              )}
              {rotation && (
                <MessageBar intent="warning" layout="multiline" data-testid="api-key-rotated">
                  <MessageBarBody>
                    <MessageBarTitle>{t('keys.rotatedTitle', { name: rotation.fresh.name })}</MessageBarTitle>
                    {t('keys.secretWarning')} {t('keys.rotatedBody')}
                    <div className={s.secret}>
                      <Text className={s.mono}>{rotation.secret}</Text>
                      <CopyButton text={rotation.secret} label={t('common.copy')} />
                    </div>
                    <div className={s.secret}>
                      <Button appearance="primary" onClick={() => setConfirmOld(true)}>{t('keys.revokeOld')}</Button>
                    </div>
                  </MessageBarBody>
                </MessageBar>
              )}
              {keys?.some(needsRotation) && !rotation && (
                <MessageBar intent="warning" layout="multiline">
                  <MessageBarBody>
                    <MessageBarTitle>{t('keys.legacy')}</MessageBarTitle>
                    {t('keys.legacyBody')}
                  </MessageBarBody>
                </MessageBar>
              )}
              {!keys ? (
                <Spinner size="small" />
              ) : keys.length === 0 ? (
                <Caption1>{t('keys.empty')}</Caption1>
              ) : (
                <Table size="small" aria-label={t('keys.title')}>
                  <TableHeader>
                    <TableRow>
                      <TableHeaderCell>{t('keys.name')}</TableHeaderCell>
                      <TableHeaderCell>{t('keys.prefix')}</TableHeaderCell>
                      <TableHeaderCell>{t('keys.createdBy')}</TableHeaderCell>
                      <TableHeaderCell>{t('keys.createdAt')}</TableHeaderCell>
                      <TableHeaderCell>{t('keys.lastUsed')}</TableHeaderCell>
                      <TableHeaderCell>
                        <span className={s.hidden}>{t('keys.revoke')}</span>
                      </TableHeaderCell>
                    </TableRow>
                  </TableHeader>
                  <TableBody>
                    {keys.map((k) => (
                      <TableRow key={k.id}>
                        <TableCell>
                          {k.name}
                          {needsRotation(k) && (
                            <Caption1 className={s.legacy} data-testid="api-key-legacy">⚠ {t('keys.legacy')}</Caption1>
                          )}
                        </TableCell>
                        <TableCell className={s.mono}>{k.prefix}…</TableCell>
                        <TableCell>{k.created_by?.name}</TableCell>
                        <TableCell>{formatDate(k.created_at)}</TableCell>
                        <TableCell>{k.last_used_at ? formatDate(k.last_used_at) : t('common.never')}</TableCell>
                        <TableCell>
                          <div className={s.actions}>
                            {needsRotation(k) && rotation?.old.id !== k.id && (
                              <Button size="small" appearance="primary" onClick={() => void rotate(k)} aria-label={t('keys.rotateAria', { name: k.name })}>
                                {t('keys.rotate')}
                              </Button>
                            )}
                            <DangerButton size="small" onClick={() => setRevoke(k)} aria-label={`${t('keys.revoke')} ${k.name}`}>
                              {t('keys.revoke')}
                            </DangerButton>
                          </div>
                        </TableCell>
                      </TableRow>
                    ))}
                  </TableBody>
                </Table>
              )}
              <div className={s.help}>
                <Subtitle2 as="h3">{t('keys.powerAutomate')}</Subtitle2>
                <Caption1>{t('keys.powerAutomateBody')}</Caption1>
                <FLink href="/api/v1/connector/swagger.json" target="_blank" rel="noopener noreferrer">
                  {t('keys.connector')}
                </FLink>
                <div className={s.idRow}>
                  <Caption1>{t('keys.listId')}:</Caption1>
                  <Text className={s.mono}>{list.id}</Text>
                  <CopyButton text={list.id} label={t('about.copyId')} />
                </div>
              </div>
            </DialogContent>
            <DialogActions>
              <Button appearance="primary" onClick={onClose}>{t('common.close')}</Button>
            </DialogActions>
          </DialogBody>
        </DialogSurface>
      </Dialog>
      {rotation && confirmOld && (
        <Dialog open modalType="alert" onOpenChange={(_, d) => !d.open && setConfirmOld(false)}>
          <DialogSurface>
            <DialogBody>
              <DialogTitle>{t('keys.revokeOldTitle', { name: rotation.old.name })}</DialogTitle>
              <DialogContent>{t('keys.revokeOldBody')}</DialogContent>
              <DialogActions>
                <Button onClick={() => setConfirmOld(false)}>{t('common.cancel')}</Button>
                <DangerButton primary onClick={() => void revokeOld(rotation)}>{t('keys.revokeOld')}</DangerButton>
              </DialogActions>
            </DialogBody>
          </DialogSurface>
        </Dialog>
      )}
      {revoke && (
        <Dialog open modalType="alert" onOpenChange={(_, d) => !d.open && setRevoke(null)}>
          <DialogSurface>
            <DialogBody>
              <DialogTitle>{t('keys.revokeTitle', { name: revoke.name })}</DialogTitle>
              <DialogContent>{t('keys.revokeBody')}</DialogContent>
              <DialogActions>
                <Button onClick={() => setRevoke(null)}>{t('common.cancel')}</Button>
                <DangerButton primary onClick={() => void doRevoke(revoke)}>{t('keys.revoke')}</DangerButton>
              </DialogActions>
            </DialogBody>
          </DialogSurface>
        </Dialog>
      )}
    </>
  );
}
