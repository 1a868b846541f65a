// Duplicates (issue 14), for people who may modify the list: groups of contacts that are probably
// one person (same e-mail, same phone, similar name), each with "Merge…" (DuplicateMergeDialog).
// A merge moves the others to the trash: its toast's Undo restores them and gives the kept
// contact its version from before the merge.
import { useCallback, useEffect, useRef, useState } from 'react';
import {
  Body1, Button, Caption1, Dialog, DialogActions, DialogBody, DialogContent, DialogSurface, DialogTitle, makeStyles, MessageBar,
  MessageBarActions, MessageBarBody, Spinner, Text,
  tokens, useRestoreFocusTarget,
} from '@fluentui/react-components';
import { api, ApiError } from '../../api/client';
import type { Contact, ContactList, DuplicateCluster, Group } from '../../api/types';
import { ArrowUndo20Regular, Merge20Regular, PeopleSearch24Regular } from '../../components/icons';
import { EmptyState } from '../../components/ui';
import { useNotify } from '../../app/notify';
import { useI18n } from '../../i18n';
import { LiteAvatar } from '../lite';
import { DuplicateMergeDialog } from './DuplicateMergeDialog';

const PAGE = 20;

const useStyles = makeStyles({
  surface: { maxWidth: '860px', width: '100%' },
  body: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM, minHeight: '240px' },
  scroll: { maxHeight: '460px', overflowY: 'auto', display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  clusters: { listStyleType: 'none', margin: 0, padding: 0, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  cluster: {
    display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS, padding: tokens.spacingHorizontalM,
    borderRadius: tokens.borderRadiusLarge, border: `1px solid ${tokens.colorNeutralStroke2}`, backgroundColor: tokens.colorNeutralBackground1,
  },
  head: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalS, flexWrap: 'wrap' },
  reason: {
    padding: `2px ${tokens.spacingHorizontalS}`, borderRadius: tokens.borderRadiusCircular, fontSize: tokens.fontSizeBase200,
    backgroundColor: tokens.colorNeutralBackground3, color: tokens.colorNeutralForeground1,
  },
  spacer: { flex: 1 },
  people: { display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(220px, 1fr))', gap: tokens.spacingHorizontalS, listStyleType: 'none', margin: 0, padding: 0 },
  person: { display: 'flex', gap: tokens.spacingHorizontalS, alignItems: 'flex-start', minWidth: 0 },
  lines: { display: 'flex', flexDirection: 'column', minWidth: 0 },
  line: { overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap', color: tokens.colorNeutralForeground2 },
  center: { display: 'flex', justifyContent: 'center', padding: tokens.spacingVerticalXXL },
});

type Loaded = { clusters: DuplicateCluster[]; contacts: Map<string, Contact> };

/** Fetches the contacts of the clusters shown (a few at a time); the ones gone meanwhile are left out. */
async function fetchContacts(listId: string, ids: string[], into: Map<string, Contact>): Promise<void> {
  const todo = ids.filter((id) => !into.has(id));
  for (let i = 0; i < todo.length; i += 6) {
    const got = await Promise.all(
      todo.slice(i, i + 6).map((id) =>
        api.contact(listId, id).catch((e: unknown) => {
          if (e instanceof ApiError && e.status === 404) return null;
          throw e;
        }),
      ),
    );
    for (const c of got) if (c) into.set(c.id, c);
  }
}

export default function DuplicatesDialog({
  list, groups, onClose, onMerged,
}: { list: ContactList; groups: Group[]; onClose: () => void; onMerged: () => void }) {
  const s = useStyles();
  const { t } = useI18n();
  const notify = useNotify();
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [shown, setShown] = useState(PAGE);
  const [merging, setMerging] = useState<Contact[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [mergeError, setMergeError] = useState<string | null>(null);
  // The last merge, with its Undo also here: the toast's is out of reach while this dialog is open.
  const [lastMerge, setLastMerge] = useState<{ name: string; undo: () => Promise<string>; withdraw: () => void } | null>(null);
  const restoreTarget = useRestoreFocusTarget();
  const seq = useRef(0);
  const closeRef = useRef<HTMLButtonElement>(null);
  const focusAfterLoad = useRef(false);
  const canMerge = list.rights.modify && list.rights.delete;

  const load = useCallback(async (count: number) => {
    const my = ++seq.current;
    setError(null);
    try {
      const d = await api.duplicates(list.id);
      const contacts = new Map<string, Contact>();
      await fetchContacts(list.id, d.clusters.slice(0, count).flatMap((c) => c.ids), contacts);
      if (my === seq.current) setLoaded({ clusters: d.clusters, contacts });
    } catch (e) {
      if (my === seq.current) setError(e);
    }
  }, [list.id]);
  const loadRef = useRef(load);
  loadRef.current = load;
  useEffect(() => {
    void load(PAGE);
  }, [load]);

  const showMore = async () => {
    if (!loaded) return;
    const next = shown + PAGE;
    const contacts = new Map(loaded.contacts);
    try {
      await fetchContacts(list.id, loaded.clusters.slice(0, next).flatMap((c) => c.ids), contacts);
      setLoaded({ ...loaded, contacts });
      setShown(next);
    } catch (e) {
      notify.error(e);
    }
  };

  // After a merge the cluster is gone: focus goes to the next "Merge…" (or Close), not to the page.
  useEffect(() => {
    if (!loaded || !focusAfterLoad.current) return;
    focusAfterLoad.current = false;
    const next = document.querySelector<HTMLElement>('[data-merge-cluster]') ?? closeRef.current;
    next?.focus();
  }, [loaded]);

  const merge = async (keep: Contact, body: { others: string[]; fields: Record<string, string> }) => {
    const others = merging?.filter((c) => c.id !== keep.id) ?? [];
    setBusy(true);
    setMergeError(null);
    try {
      const merged = await api.mergeContacts(list.id, keep.id, body, keep.version);
      setMerging(null);
      focusAfterLoad.current = true;
      onMerged();
      void load(shown);
      // One Undo, whichever button runs it (the toast's or the one in this dialog).
      let undone: Promise<string> | null = null;
      const undo = () =>
        (undone ??= (async () => {
          for (const o of others) await api.restoreContact(list.id, o.id);
          await api.revertContact(list.id, keep.id, keep.version, merged.version);
          onMerged();
          void loadRef.current(shown);
          return t('dup.unmerged', { name: keep.full_name });
        })());
      const withdraw = notify.undoable(t('dup.merged', { name: merged.full_name }), undo);
      setLastMerge({ name: merged.full_name, undo, withdraw });
    } catch (e) {
      if (e instanceof ApiError && (e.status === 412 || e.status === 404 || (e.status === 422 && 'others' in e.fields))) {
        // Someone changed or removed one of them meanwhile: show the duplicates as they are now.
        setMerging(null);
        notify.error(e, t('dup.gone'));
        focusAfterLoad.current = true;
        void load(shown);
      } else setMergeError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  const clusters = loaded
    ? loaded.clusters
        .slice(0, shown)
        .map((c) => ({ ...c, contacts: c.ids.map((id) => loaded.contacts.get(id)).filter((x): x is Contact => !!x) }))
        .filter((c) => c.contacts.length > 1)
    : [];

  let content;
  if (error)
    content = (
      <div role="alert">
        <EmptyState
          icon={<PeopleSearch24Regular />}
          title={t('dup.loadFailed')}
          body={error instanceof ApiError && error.status < 500 ? error.message : t('resilience.checkConnection')}
        >
          <Button appearance="primary" onClick={() => { setLoaded(null); void load(shown); }}>{t('common.retry')}</Button>
        </EmptyState>
      </div>
    );
  else if (!loaded)
    content = (
      <div className={s.center}>
        <Spinner size="small" label={t('dup.searching')} />
      </div>
    );
  else if (loaded.clusters.length === 0)
    content = <EmptyState icon={<PeopleSearch24Regular />} title={t('dup.none')} body={t('dup.noneBody')} />;
  else
    content = (
      <div className={s.scroll}>
        <Caption1 role="status">{loaded.clusters.length === 1 ? t('dup.countOne') : t('dup.count', { count: loaded.clusters.length })}</Caption1>
        {!canMerge && <Caption1>{t('dup.needRights')}</Caption1>}
        <ul className={s.clusters} aria-label={t('dup.title')} data-testid="duplicates">
          {clusters.map((c) => {
            const names = c.contacts.map((x) => x.full_name).join(', ');
            return (
              <li key={c.ids.join()} className={s.cluster} data-cluster={c.ids.join(' ')}>
                <div className={s.head}>
                  {c.reasons.map((r) => (
                    <span key={r} className={s.reason} data-reason={r}>{t(`dup.reason.${r}`)}</span>
                  ))}
                  <span className={s.spacer} />
                  {canMerge && (
                    <Button
                      size="small"
                      icon={<Merge20Regular />}
                      aria-label={t('dup.mergeAria', { names })}
                      data-merge-cluster=""
                      {...restoreTarget}
                      onClick={() => {
                        setMergeError(null);
                        setMerging(c.contacts);
                      }}
                    >
                      {t('dup.merge')}
                    </Button>
                  )}
                </div>
                <ul className={s.people}>
                  {c.contacts.map((x) => (
                    <li key={x.id} className={s.person}>
                      <LiteAvatar name={x.full_name} size={32} />
                      <span className={s.lines}>
                        <Text weight="semibold" className={s.line}>{x.full_name}</Text>
                        {[x.job_title && x.company ? `${x.job_title} · ${x.company}` : x.job_title || x.company, x.email, x.mobile || x.phone]
                          .filter(Boolean)
                          .map((v, i) => (
                            <Caption1 key={i} className={s.line}>{v}</Caption1>
                          ))}
                      </span>
                    </li>
                  ))}
                </ul>
              </li>
            );
          })}
        </ul>
        {loaded.clusters.length > shown && (
          <Button onClick={() => void showMore()}>{t('dup.showMore')}</Button>
        )}
      </div>
    );

  return (
    <Dialog open onOpenChange={(_, d) => !d.open && onClose()}>
      <DialogSurface className={s.surface} aria-label={t('dup.title')}>
        <DialogBody>
          <DialogTitle>{t('dup.title')}</DialogTitle>
          <DialogContent className={s.body}>
            <Body1>{t('dup.intro')}</Body1>
            <div role="status">
              {lastMerge && (
                <MessageBar intent="success" data-testid="merged-bar">
                  <MessageBarBody>{t('dup.merged', { name: lastMerge.name })}</MessageBarBody>
                  <MessageBarActions>
                    <Button
                      size="small"
                      icon={<ArrowUndo20Regular />}
                      onClick={() => {
                        const m = lastMerge;
                        setLastMerge(null);
                        m.withdraw();
                        focusAfterLoad.current = true;
                        m.undo().then((msg) => notify.success(msg), (e: unknown) => notify.error(e, t('undo.failed')));
                      }}
                    >
                      {t('undo.action')}
                    </Button>
                  </MessageBarActions>
                </MessageBar>
              )}
            </div>
            {content}
          </DialogContent>
          <DialogActions>
            <Button appearance="primary" ref={closeRef} onClick={onClose}>{t('common.close')}</Button>
          </DialogActions>
        </DialogBody>
        {/* Nested, so that closing it gives this dialog back to assistive technology. */}
        {merging && (
          <DuplicateMergeDialog
            contacts={merging}
            groups={groups}
            busy={busy}
            error={mergeError}
            onMerge={(keep, body) => void merge(keep, body)}
            onCancel={() => setMerging(null)}
          />
        )}
      </DialogSurface>
    </Dialog>
  );
}
