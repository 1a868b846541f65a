// "Sync to phone and Outlook" (issue 17): the person's app passwords for CardDAV, with the server
// address, the user name and short set-up steps per client. A new password is shown once.
import { useCallback, useEffect, useState } from 'react';
import {
  Body1, Button, Caption1, Dialog, DialogActions, DialogBody, DialogContent, DialogSurface, DialogTitle, Field, Input,
  makeStyles, MessageBar, MessageBarBody, MessageBarTitle, Spinner, Subtitle2, Table, TableBody, TableCell, TableHeader,
  TableHeaderCell, TableRow, Text, tokens,
} from '@fluentui/react-components';
import { api, saveBlob } from '../../api/client';
import type { AppPassword, CreatedAppPassword } from '../../api/types';
import { Add20Regular, ArrowDownload20Regular } from '../../components/icons';
import { CopyButton, DangerButton } from '../../components/ui';
import { useNotify } from '../../app/notify';
import { useUser } from '../../app/session';
import { useI18n } from '../../i18n';
import { buildMobileConfig, davServerUrl, mobileConfigFileName } from '../../lib/mobileconfig';

const useStyles = makeStyles({
  surface: { maxWidth: '760px', width: '100%' },
  // Children keep their height (the dialog scrolls); shrunk, the message bar overlapped the steps.
  body: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM, '& > *': { flexShrink: 0 } },
  row: { display: 'flex', gap: tokens.spacingHorizontalS, alignItems: 'flex-end', flexWrap: 'wrap' },
  grow: { flex: 1, minWidth: '200px' },
  hidden: { position: 'absolute', width: '1px', height: '1px', overflow: 'hidden', clip: 'rect(0 0 0 0)', whiteSpace: 'nowrap' },
  mono: { fontFamily: tokens.fontFamilyMonospace, overflowWrap: 'anywhere' },
  grid: { display: 'grid', gridTemplateColumns: 'max-content 1fr max-content', alignItems: 'center', columnGap: tokens.spacingHorizontalS, marginTop: tokens.spacingVerticalS },
  actions: { display: 'flex', gap: tokens.spacingHorizontalS, marginTop: tokens.spacingVerticalS, flexWrap: 'wrap' },
  help: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS, padding: tokens.spacingHorizontalM, borderRadius: tokens.borderRadiusMedium, backgroundColor: tokens.colorNeutralBackground3 },
  steps: { margin: 0, paddingLeft: tokens.spacingHorizontalXL },
  empty: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS },
});

export default function SyncDialog({ onClose }: { onClose: () => void }) {
  const s = useStyles();
  const { t, formatDate } = useI18n();
  const notify = useNotify();
  const user = useUser();
  const [items, setItems] = useState<AppPassword[] | null>(null);
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<CreatedAppPassword | null>(null);
  const [revoke, setRevoke] = useState<AppPassword | null>(null);
  const server = davServerUrl(window.location.origin);
  const username = created?.username ?? (user?.upn || user?.oid || '');

  const load = useCallback(() => {
    api.appPasswords().then((r) => setItems(r.items), (e) => notify.error(e));
  }, [notify]);
  useEffect(load, [load]);

  const create = async () => {
    setBusy(true);
    try {
      const r = await api.createAppPassword(name.trim());
      setCreated(r);
      setName('');
      load();
    } catch (e) {
      notify.error(e);
    } finally {
      setBusy(false);
    }
  };
  const doRevoke = async (p: AppPassword) => {
    try {
      await api.revokeAppPassword(p.id);
      setRevoke(null);
      if (created?.id === p.id) setCreated(null);
      load();
      notify.success(t('sync.revoked', { name: p.name }));
    } catch (e) {
      notify.error(e);
    }
  };
  const downloadProfile = (c: CreatedAppPassword) => {
    const xml = buildMobileConfig({ origin: window.location.origin, username: c.username, password: c.password, description: `${t('app.name')} (${c.name})` });
    saveBlob(new Blob([xml], { type: 'application/x-apple-aspen-config' }), mobileConfigFileName(c.name));
  };

  return (
    <>
      <Dialog open onOpenChange={(_, d) => !d.open && onClose()}>
        <DialogSurface className={s.surface}>
          <DialogBody>
            <DialogTitle>{t('sync.title')}</DialogTitle>
            <DialogContent className={s.body}>
              <Body1>{t('sync.intro')}</Body1>
              <div className={s.grid}>
                <Text weight="semibold">{t('sync.server')}</Text>
                <Text className={s.mono} data-testid="sync-server">{server}</Text>
                <CopyButton text={server} label={t('sync.copyServer')} />
                <Text weight="semibold">{t('sync.username')}</Text>
                <Text className={s.mono} data-testid="sync-username">{username}</Text>
                <CopyButton text={username} label={t('sync.copyUsername')} />
              </div>
              <form className={s.row} onSubmit={(e) => { e.preventDefault(); if (name.trim() && !busy) void create(); }}>
                <Field className={s.grow} label={t('sync.name')} hint={t('sync.nameHint')}>
                  <Input value={name} maxLength={100} onChange={(_, d) => setName(d.value)} placeholder="iPhone" />
                </Field>
                <Button type="submit" appearance="primary" icon={<Add20Regular />} disabled={!name.trim() || busy}>
                  {t('sync.create')}
                </Button>
              </form>
              {created && (
                <MessageBar intent="warning" layout="multiline" data-testid="app-password-secret">
                  <MessageBarBody>
                    <MessageBarTitle>{t('sync.secretTitle', { name: created.name })}</MessageBarTitle>
                    {t('sync.secretWarning')}
                    <div className={s.grid}>
                      <Text weight="semibold">{t('sync.server')}</Text>
                      <Text className={s.mono}>{server}</Text>
                      <CopyButton text={server} label={t('sync.copyServer')} />
                      <Text weight="semibold">{t('sync.username')}</Text>
                      <Text className={s.mono}>{created.username}</Text>
                      <CopyButton text={created.username} label={t('sync.copyUsername')} />
                      <Text weight="semibold">{t('sync.password')}</Text>
                      <Text className={s.mono} data-testid="app-password-value">{created.password}</Text>
                      <CopyButton text={created.password} label={t('sync.copyPassword')} />
                    </div>
                    <div className={s.actions}>
                      <Button icon={<ArrowDownload20Regular />} onClick={() => downloadProfile(created)}>
                        {t('sync.profile')}
                      </Button>
                      <Button appearance="subtle" onClick={() => setCreated(null)}>{t('sync.hideSecret')}</Button>
                    </div>
                  </MessageBarBody>
                </MessageBar>
              )}
              <Subtitle2 as="h3">{t('sync.listTitle')}</Subtitle2>
              {!items ? (
                <Spinner size="small" label={t('app.loading')} />
              ) : items.length === 0 ? (
                <div className={s.empty} data-testid="app-passwords-empty">
                  <Body1>{t('sync.empty')}</Body1>
                  <Caption1>{t('sync.emptyHint')}</Caption1>
                </div>
              ) : (
                <Table size="small" aria-label={t('sync.listTitle')}>
                  <TableHeader>
                    <TableRow>
                      <TableHeaderCell>{t('sync.name')}</TableHeaderCell>
                      <TableHeaderCell>{t('keys.createdAt')}</TableHeaderCell>
                      <TableHeaderCell>
                        <span className={s.hidden}>{t('sync.revoke')}</span>
                      </TableHeaderCell>
                    </TableRow>
                  </TableHeader>
                  <TableBody>
                    {items.map((p) => (
                      <TableRow key={p.id}>
                        <TableCell>{p.name}</TableCell>
                        <TableCell>{formatDate(p.created_at)}</TableCell>
                        <TableCell>
                          <DangerButton size="small" onClick={() => setRevoke(p)} aria-label={t('sync.revokeAria', { name: p.name })}>
                            {t('sync.revoke')}
                          </DangerButton>
                        </TableCell>
                      </TableRow>
                    ))}
                  </TableBody>
                </Table>
              )}
              <section className={s.help} aria-labelledby="sync-apple">
                <Subtitle2 as="h3" id="sync-apple">{t('sync.apple')}</Subtitle2>
                <ol className={s.steps}>
                  <li>{t('sync.apple1')}</li>
                  <li>{t('sync.apple2')}</li>
                  <li>{t('sync.apple3')}</li>
                </ol>
              </section>
              <section className={s.help} aria-labelledby="sync-android">
                <Subtitle2 as="h3" id="sync-android">{t('sync.android')}</Subtitle2>
                <ol className={s.steps}>
                  <li>{t('sync.android1')}</li>
                  <li>{t('sync.android2')}</li>
                  <li>{t('sync.android3')}</li>
                </ol>
              </section>
              <section className={s.help} aria-labelledby="sync-thunderbird">
                <Subtitle2 as="h3" id="sync-thunderbird">{t('sync.thunderbird')}</Subtitle2>
                <ol className={s.steps}>
                  <li>{t('sync.thunderbird1')}</li>
                  <li>{t('sync.thunderbird2')}</li>
                </ol>
              </section>
              <section className={s.help} aria-labelledby="sync-outlook">
                <Subtitle2 as="h3" id="sync-outlook">{t('sync.outlook')}</Subtitle2>
                <ol className={s.steps}>
                  <li>{t('sync.outlook1')}</li>
                  <li>{t('sync.outlook2')}</li>
                  <li>{t('sync.outlook3')}</li>
                </ol>
              </section>
            </DialogContent>
            <DialogActions>
              <Button appearance="primary" onClick={onClose}>{t('common.close')}</Button>
            </DialogActions>
          </DialogBody>
        </DialogSurface>
      </Dialog>
      {revoke && (
        <Dialog open modalType="alert" onOpenChange={(_, d) => !d.open && setRevoke(null)}>
          <DialogSurface>
            <DialogBody>
              <DialogTitle>{t('sync.revokeTitle', { name: revoke.name })}</DialogTitle>
              <DialogContent>{t('sync.revokeBody')}</DialogContent>
              <DialogActions>
                <Button onClick={() => setRevoke(null)}>{t('common.cancel')}</Button>
                <DangerButton primary onClick={() => void doRevoke(revoke)}>{t('sync.revoke')}</DangerButton>
              </DialogActions>
            </DialogBody>
          </DialogSurface>
        </Dialog>
      )}
    </>
  );
}
