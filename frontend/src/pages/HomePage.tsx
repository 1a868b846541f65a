import { useEffect, useState } from 'react';
import {
  Body1, Button, Caption1, Card, CardHeader, Dialog, DialogActions, DialogBody, DialogContent, DialogSurface, DialogTitle,
  Field, Input, makeStyles, Radio, RadioGroup, Subtitle1, Subtitle2, Text, tokens, Skeleton, SkeletonItem,
} from '@fluentui/react-components';
import { api } from '../api/client';
import type { ContactList, DisplayMode, TrashedList } from '../api/types';
import { AppHeader } from '../components/AppHeader';
import { Add20Regular, ContactCard20Regular, ContactCard48Regular } from '../components/icons';
import { EmptyState } from '../components/ui';
import { Link, navigate } from '../app/router';
import { useNotify } from '../app/notify';
import { useI18n, useT } from '../i18n';
import { ArrowUndo20Regular } from '../components/icons';

const useStyles = makeStyles({
  page: { flex: 1, overflowY: 'auto' },
  inner: { maxWidth: '1100px', margin: '0 auto', padding: `${tokens.spacingVerticalXXL} ${tokens.spacingHorizontalXL}`, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL },
  head: { display: 'flex', alignItems: 'flex-end', gap: tokens.spacingHorizontalM, flexWrap: 'wrap' },
  titles: { flex: 1, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS },
  grid: { display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(280px, 1fr))', gap: tokens.spacingHorizontalL, listStyleType: 'none', margin: 0, padding: 0 },
  link: { color: 'inherit', textDecorationLine: 'none', display: 'block', borderRadius: tokens.borderRadiusLarge, ':focus-visible': { outline: `2px solid ${tokens.colorStrokeFocus2}` } },
  card: { height: '100%', ':hover': { boxShadow: tokens.shadow8 } },
  icon: { color: tokens.colorBrandForeground1, width: '32px', height: '32px' },
  form: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  trash: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS, marginTop: tokens.spacingVerticalXL },
  trashList: { listStyleType: 'none', margin: 0, padding: 0, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
  trashItem: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalM, flexWrap: 'wrap' },
  grow: { flex: 1, minWidth: '200px', display: 'flex', flexDirection: 'column' },
});

/** Lists the signed-in person owned and deleted: restorable for a while (issue 13). */
function DeletedLists({ onRestored }: { onRestored: () => void }) {
  const s = useStyles();
  const { t, formatDate } = useI18n();
  const notify = useNotify();
  const [items, setItems] = useState<TrashedList[]>([]);
  const [busy, setBusy] = useState<string | null>(null);
  useEffect(() => {
    // A server without a lists trash (or nothing deleted): the section stays hidden.
    api.listTrash().then((r) => setItems(r.items), () => undefined);
  }, []);
  if (items.length === 0) return null;
  const restore = async (l: TrashedList) => {
    setBusy(l.id);
    try {
      await api.restoreList(l.id);
      setItems((xs) => xs.filter((x) => x.id !== l.id));
      notify.success(t('home.listRestored', { name: l.name }));
      onRestored();
    } catch (e) {
      notify.error(e);
    } finally {
      setBusy(null);
    }
  };
  return (
    <section className={s.trash} aria-labelledby="deleted-lists">
      <Subtitle2 as="h2" id="deleted-lists">{t('home.trash')}</Subtitle2>
      <Caption1>{t('home.trashIntro')}</Caption1>
      <ul className={s.trashList}>
        {items.map((l) => (
          <li key={l.id} className={s.trashItem} data-trash-list={l.id}>
            <span className={s.grow}>
              <Text weight="semibold">{l.name}</Text>
              <Caption1>{t('home.deletedBy', { count: l.contact_count, name: l.deleted_by?.name ?? '?', date: formatDate(l.deleted_at) })}</Caption1>
            </span>
            <Button icon={<ArrowUndo20Regular />} disabled={busy === l.id} aria-label={t('home.restoreListAria', { name: l.name })} onClick={() => void restore(l)}>
              {t('home.restoreList')}
            </Button>
          </li>
        ))}
      </ul>
    </section>
  );
}

export function NewListDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const s = useStyles();
  const t = useT();
  const notify = useNotify();
  const [name, setName] = useState('');
  const [mode, setMode] = useState<DisplayMode>('card');
  const [busy, setBusy] = useState(false);
  const valid = name.trim().length > 0;
  const submit = async () => {
    if (!valid) return;
    setBusy(true);
    try {
      const l = await api.createList({ name: name.trim(), display_mode: mode });
      onClose();
      navigate(`/lists/${encodeURIComponent(l.id)}`);
    } catch (e) {
      notify.error(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog open={open} onOpenChange={(_, d) => !d.open && onClose()}>
      <DialogSurface>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          <DialogBody>
            <DialogTitle>{t('home.newListTitle')}</DialogTitle>
            <DialogContent className={s.form}>
              <Field label={t('home.listName')} required>
                <Input value={name} onChange={(_, d) => setName(d.value)} maxLength={120} autoFocus />
              </Field>
              <Field label={t('display.defaultMode')}>
                <RadioGroup value={mode} onChange={(_, d) => setMode(d.value as DisplayMode)} layout="horizontal">
                  <Radio value="card" label={t('mode.card')} />
                  <Radio value="list" label={t('mode.list')} />
                  <Radio value="group" label={t('mode.group')} />
                </RadioGroup>
              </Field>
            </DialogContent>
            <DialogActions>
              <Button onClick={onClose}>{t('common.cancel')}</Button>
              <Button appearance="primary" type="submit" disabled={!valid || busy}>
                {t('common.create')}
              </Button>
            </DialogActions>
          </DialogBody>
        </form>
      </DialogSurface>
    </Dialog>
  );
}

export function HomePage() {
  const s = useStyles();
  const t = useT();
  const notify = useNotify();
  const [lists, setLists] = useState<ContactList[] | null>(null);
  const [creating, setCreating] = useState(false);
  const [reloadKey, setReloadKey] = useState(0);

  useEffect(() => {
    api.lists().then((r) => setLists(r.items), (e) => {
      notify.error(e);
      setLists([]);
    });
  }, [notify, reloadKey]);

  return (
    <>
      <AppHeader />
      <main className={s.page}>
        <div className={s.inner}>
          <div className={s.head}>
            <div className={s.titles}>
              <Subtitle1 as="h1">{t('home.title')}</Subtitle1>
              <Body1>{t('home.subtitle')}</Body1>
            </div>
            <Button appearance="primary" icon={<Add20Regular />} onClick={() => setCreating(true)}>
              {t('home.newList')}
            </Button>
          </div>
          {lists === null ? (
            <Skeleton className={s.grid} aria-label={t('app.loading')}>
              {[0, 1, 2].map((i) => (
                <SkeletonItem key={i} style={{ height: 72 }} />
              ))}
            </Skeleton>
          ) : lists.length === 0 ? (
            <EmptyState icon={<ContactCard48Regular />} title={t('home.empty')} body={t('home.emptyBody')}>
              <Button appearance="primary" icon={<Add20Regular />} onClick={() => setCreating(true)}>
                {t('home.newList')}
              </Button>
            </EmptyState>
          ) : (
            <ul className={s.grid}>
              {lists.map((l) => (
                <li key={l.id}>
                  <Link href={`/lists/${encodeURIComponent(l.id)}`} className={s.link}>
                    <Card className={s.card} focusMode="off">
                      <CardHeader
                        image={<ContactCard20Regular className={s.icon} />}
                        header={<Text weight="semibold">{l.name}</Text>}
                        description={
                          <Caption1>
                            {l.contact_count === 1 ? t('home.contactsOne') : t('home.contacts', { count: l.contact_count })}
                            {l.channel ? ` · ${l.channel.name}` : ''} · {t('home.createdBy', { name: l.created_by.name })}
                          </Caption1>
                        }
                      />
                    </Card>
                  </Link>
                </li>
              ))}
            </ul>
          )}
          <DeletedLists onRestored={() => setReloadKey((k) => k + 1)} />
        </div>
      </main>
      <NewListDialog open={creating} onClose={() => setCreating(false)} />
    </>
  );
}
