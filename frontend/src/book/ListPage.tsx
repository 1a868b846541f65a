// The contact book: the content of a Teams tab (/lists/:id).
import { Suspense, useCallback, useEffect, useLayoutEffect, useMemo, useReducer, useRef, useState } from 'react';
import { Button, makeStyles, mergeClasses, Spinner, tokens, Tag, Subtitle2 } from '@fluentui/react-components';
import { api, ApiError } from '../api/client';
import type { Contact, ContactList, DisplayMode, Group, SortField } from '../api/types';
import { AppHeader } from '../components/AppHeader';
import { ArrowUpload20Regular, ContactCard48Regular, Info20Regular, PersonAdd20Regular, Search20Regular } from '../components/icons';
import { CardSkeletons, EmptyState } from '../components/ui';
import { navigate, useLocation } from '../app/router';
import { useNotify } from '../app/notify';
import { useSession, useUser } from '../app/session';
import { EMPTY_SELECTION, selectionReducer } from '../lib/selection';
import type { SelectActions, SelectProps } from './selectKeys';
import { BulkBar } from './BulkBar';
import { useLiveChanges } from './useLiveChanges';
import type { SaveInfo } from './dialogs/ContactDialog';
import { useT } from '../i18n';
import { effectiveSort, formatBookState, parseBookState, toggleLetter, toggleSort, updateBookState, type BookState } from '../lib/querystate';
import { AlphaRail } from './AlphaRail';
import { CardView } from './CardView';
import { TableView } from './TableView';
import { GroupView } from './GroupView';
import { Pager } from './Pager';
import { TopBar, type BookDialog } from './TopBar';
import { useContacts, useDebounced, useInfiniteContacts } from './useContacts';
import { PhoneList } from './PhoneList';
import { useIsPhone } from '../lib/media';
import type { ContactCommand } from './ContactMenu';
import { DialogBoundary, lazyRetry, preloadWhenIdle } from '../app/resilience';
import { onServiceBack } from '../api/status';
import { VisuallyHidden } from '../components/ui';
import { HighlightContext } from './Highlight';
import { NO_HIGHLIGHT, parseQuery } from '../lib/highlight';

const ContactDialog = lazyRetry(() => import('./dialogs/ContactDialog'));
const DeleteContactDialog = lazyRetry(() => import('./dialogs/DeleteContactDialog'));
const GroupAdminDialog = lazyRetry(() => import('./dialogs/GroupAdminDialog'));
const NewGroupDialog = lazyRetry(() => import('./dialogs/NewGroupDialog'));
const PermissionsDialog = lazyRetry(() => import('./dialogs/PermissionsDialog'));
const ApiKeysDialog = lazyRetry(() => import('./dialogs/ApiKeysDialog'));
const SyncDialog = lazyRetry(() => import('./dialogs/SyncDialog'));
const ImportDialog = lazyRetry(() => import('./dialogs/ImportDialog'));
const ExportDialog = lazyRetry(() => import('./dialogs/ExportDialog'));
const DisplaySettingsDialog = lazyRetry(() => import('./dialogs/DisplaySettingsDialog'));
const AboutDialog = lazyRetry(() => import('./dialogs/AboutDialog'));
const ListAdminDialog = lazyRetry(() => import('./dialogs/ListAdminDialog'));
const TrashDialog = lazyRetry(() => import('./dialogs/TrashDialog'));
const DuplicatesDialog = lazyRetry(() => import('./dialogs/DuplicatesDialog'));

const useStyles = makeStyles({
  shell: { flex: 1, display: 'flex', flexDirection: 'column', minHeight: 0 },
  body: { flex: 1, overflowY: 'auto', padding: `${tokens.spacingVerticalL} ${tokens.spacingHorizontalL}`, position: 'relative' },
  // Phone: rows edge to edge, room on the right for the A-Z scrubber.
  phoneBody: { padding: `0 32px 0 0` },
  filters: { display: 'flex', gap: tokens.spacingHorizontalS, alignItems: 'center', marginBottom: tokens.spacingVerticalM, flexWrap: 'wrap' },
  busy: {
    position: 'sticky', top: 0, zIndex: 2, display: 'flex', justifyContent: 'center', height: 0, overflow: 'visible',
  },
  busyLabel: {
    display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalS, padding: `${tokens.spacingVerticalXS} ${tokens.spacingHorizontalM}`,
    borderRadius: tokens.borderRadiusCircular, backgroundColor: tokens.colorNeutralBackground1, boxShadow: tokens.shadow8,
  },
  // Results of the previous query stay in place but dimmed, so they are never taken for the answer.
  stale: { opacity: 0.4, pointerEvents: 'none', transitionProperty: 'opacity', transitionDuration: tokens.durationNormal, transitionDelay: '150ms' },
  center: { flex: 1, display: 'flex', alignItems: 'center', justifyContent: 'center' },
  // "Showing results for similar words": the query found nothing as typed (typo tolerance).
  hint: {
    display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalS, marginBottom: tokens.spacingVerticalM,
    padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalM}`, borderRadius: tokens.borderRadiusMedium,
    backgroundColor: tokens.colorNeutralBackground1, color: tokens.colorNeutralForeground1, border: `1px solid ${tokens.colorNeutralStroke2}`,
    '& svg': { flexShrink: 0, color: tokens.colorBrandForeground1 },
  },
  // Off screen until focused: the first Tab of the page offers to jump over the toolbars.
  skip: {
    position: 'absolute', left: tokens.spacingHorizontalS, top: '-100px', zIndex: 100,
    padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalM}`, borderRadius: tokens.borderRadiusMedium,
    backgroundColor: tokens.colorBrandBackground, color: tokens.colorNeutralForegroundOnBrand,
    ':focus': { top: tokens.spacingVerticalS, outline: `2px solid ${tokens.colorStrokeFocus2}` },
  },
});

/** Focuses the current contact (the one arrow keys left off at), else the first one. */
function focusResults(): boolean {
  const first = document.querySelector<HTMLElement>('[data-contact-id][tabindex="0"]') ?? document.querySelector<HTMLElement>('[data-contact-id]');
  first?.focus();
  return !!first;
}

function typingIn(el: EventTarget | null): boolean {
  const e = el as HTMLElement | null;
  return !!e && (e.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(e.tagName));
}

type ContactDialogState = { mode: 'view' | 'edit' | 'new'; contact?: Contact } | null;

function storedView(listId: string): DisplayMode | null {
  try {
    const v = localStorage.getItem(`contactpro.view.${listId}`);
    return v === 'card' || v === 'list' || v === 'group' ? v : null;
  } catch {
    return null;
  }
}

let firstPaintMarked = false;

export function ListPage({ listId, contactId }: { listId: string; contactId?: string }) {
  const s = useStyles();
  const t = useT();
  const notify = useNotify();
  const loc = useLocation();
  const state = useMemo(() => parseBookState(loc.search), [loc.search]);
  const [list, setList] = useState<ContactList | null>(null);
  const [listError, setListError] = useState<unknown>(null);
  const listErrorRef = useRef<unknown>(null);
  listErrorRef.current = listError;
  const [groups, setGroups] = useState<Group[]>([]);
  const [reloadKey, setReloadKey] = useState(0);
  // Someone else changed the list: the same page loads again quietly (scroll and dialogs kept).
  const [refreshKey, setRefreshKey] = useState(0);
  const [searchInput, setSearchInput] = useState(state.q);
  const [localView, setLocalView] = useState<DisplayMode | null>(() => storedView(listId));
  const [dialog, setDialog] = useState<BookDialog | null>(null);
  const [contactDialog, setContactDialog] = useState<ContactDialogState>(null);
  const [toDelete, setToDelete] = useState<Contact | null>(null);

  const { host } = useSession();
  const listPath = `/lists/${encodeURIComponent(listId)}`;
  // Viewing a contact puts it in the address (/lists/{id}/contacts/{cid}): a link to share,
  // and Back closes the card instead of leaving the list.
  const pushedContact = useRef(false);
  const contactIdRef = useRef(contactId);
  contactIdRef.current = contactId;
  const openContactRef = useRef<string | undefined>(undefined);
  openContactRef.current = contactDialog?.contact?.id;
  const viewContact = useCallback(
    (contact: Contact) => {
      setContactDialog({ mode: 'view', contact });
      if (contactIdRef.current !== contact.id) {
        navigate(`${listPath}/contacts/${encodeURIComponent(contact.id)}${window.location.search}`, { replace: !!contactIdRef.current });
        if (!contactIdRef.current) pushedContact.current = true;
      }
    },
    [listPath],
  );
  const closeContact = useCallback(() => {
    setContactDialog(null);
    if (!contactIdRef.current) return;
    if (pushedContact.current) {
      pushedContact.current = false;
      window.history.back();
    } else navigate(`${listPath}${window.location.search}`, { replace: true });
  }, [listPath]);
  // The address names a contact (a shared link, Forward, a Teams deep link): open it. It no
  // longer does (Back): close it.
  const teamsSubPage = host.context?.page?.subPageId;
  useEffect(() => {
    if (!contactId && teamsSubPage && /^[\w-]+$/.test(teamsSubPage)) navigate(`${listPath}/contacts/${encodeURIComponent(teamsSubPage)}${window.location.search}`, { replace: true });
    // Only on arrival: later the address decides.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  useEffect(() => {
    if (!contactId) {
      pushedContact.current = false;
      setContactDialog((d) => (d && d.mode === 'view' ? null : d));
      return;
    }
    if (openContactRef.current === contactId) return;
    let live = true;
    api.contact(listId, contactId).then(
      (c) => live && setContactDialog({ mode: 'view', contact: c }),
      (e: unknown) => {
        if (!live) return;
        notify.error(e, t('contact.notFound'));
        navigate(`${listPath}${window.location.search}`, { replace: true });
      },
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [contactId, listId]);

  const setState = useCallback((next: BookState) => navigate(`${loc.pathname}${formatBookState(next)}`, { replace: true }), [loc.pathname]);

  // Search as you type: the URL (and the query) follow the box after a short pause.
  const debounced = useDebounced(searchInput, 200);
  useEffect(() => {
    if (debounced !== state.q) setState(updateBookState(state, { q: debounced }));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [debounced]);

  const loadList = useCallback(() => {
    api.list(listId).then(setList, setListError);
  }, [listId]);
  const loadGroups = useCallback(() => {
    api.groups(listId).then((r) => setGroups(r.items), () => undefined);
  }, [listId]);
  useEffect(() => {
    loadList();
    loadGroups();
  }, [loadList, loadGroups]);

  // Until the list arrives, guess the mode so that contacts load in parallel with it.
  const mode: DisplayMode = state.view ?? localView ?? list?.display_mode ?? 'card';
  const fields = list?.visible_fields ?? ['job_title', 'company', 'department', 'mobile', 'email'];
  const phone = useIsPhone();
  // The address's order, else the list's default (by last name: the A-Z rail follows it too).
  const sort = effectiveSort(state, list?.sort);
  // On a phone every mode is the same list of rows, without group sections or pages.
  const groupSections = !phone && mode === 'group' && !state.group;
  const query = !groupSections
    ? { q: state.q, letter: state.letter, group: state.group, sort, order: state.order, page: state.page, per_page: state.perPage }
    : { q: state.q, group: state.group, sort, per_page: 1, page: 1 }; // group sections: only the letter counts and the total
  const desk = useContacts(listId, phone ? null : query, reloadKey, refreshKey);
  const endless = useInfiniteContacts(listId, phone ? { q: state.q, letter: state.letter, group: state.group, sort, order: state.order } : null, reloadKey);
  const { data, loading, error } = phone ? endless : desk;
  // Typo-tolerant results match other words than the query's: nothing to mark in them.
  const fuzzy = !!data?.fuzzy && !!state.q;
  const highlightQuery = useMemo(() => (fuzzy ? NO_HIGHLIGHT : parseQuery(state.q)), [fuzzy, state.q]);

  // Back from offline (or a sign-in outage): load again what failed, without a click.
  useEffect(
    () =>
      onServiceBack(() => {
        setReloadKey((k) => k + 1);
        // The list itself failed for want of a network (not a 404): load it again.
        if (listErrorRef.current && !(listErrorRef.current instanceof ApiError)) {
          setListError(null);
          loadList();
        }
      }),
    [loadList],
  );

  useLayoutEffect(() => {
    if (!data) return;
    requestAnimationFrame(() => {
      if (!firstPaintMarked) {
        firstPaintMarked = true;
        performance.mark('cp:contacts-painted');
        // The dialogs people open first are fetched now, so a later network drop cannot stop them.
        preloadWhenIdle(ContactDialog, DeleteContactDialog);
      }
      performance.clearMarks('cp:results');
      performance.mark('cp:results');
    });
  }, [data]);

  const reload = useCallback(() => {
    setReloadKey((k) => k + 1);
    loadGroups();
    loadList();
  }, [loadGroups, loadList]);

  // Live updates: others' changes refresh what is shown and say who did what.
  const me = useUser();
  const liveChange = useLiveChanges(listId, me?.oid ?? null, {
    contacts: () => setRefreshKey((k) => k + 1),
    groups: loadGroups,
    list: loadList,
    all: reload,
  });

  // Bulk selection (card and table views). Contacts seen are remembered so that a selection
  // kept across pages can still be exported or put in a group.
  const [selection, select] = useReducer(selectionReducer, EMPTY_SELECTION);
  const seen = useRef(new Map<string, Contact>());
  for (const c of data?.items ?? []) seen.current.set(c.id, c);
  const pageIds = useRef<string[]>([]);
  pageIds.current = (data?.items ?? []).map((c) => c.id);
  const selectActions = useMemo<SelectActions>(
    () => ({
      onSelect: (c, extend) => select(extend ? { type: 'range', id: c.id, order: pageIds.current } : { type: 'toggle', id: c.id }),
      onPage: (all) => select({ type: all ? 'all' : 'none', order: pageIds.current }),
      onClear: () => select({ type: 'clear' }),
    }),
    [],
  );
  const sel = useMemo<SelectProps>(() => ({ selected: selection.ids, actions: selectActions }), [selection.ids, selectActions]);
  const selectedContacts = useMemo(() => {
    const m = new Map<string, Contact>();
    for (const id of selection.ids) {
      const c = seen.current.get(id);
      if (c) m.set(id, c);
    }
    return m;
  }, [selection.ids, data]);

  const onSaved = useCallback(
    (c: Contact, info: SaveInfo) => {
      reload();
      if (info.created) {
        notify.success(t('book.created', { name: c.full_name }));
        return;
      }
      const title = info.revertedTo !== undefined
        ? t('book.reverted', { name: c.full_name, version: info.revertedTo })
        : info.mergedWith
          ? t('book.updatedMerged', { name: c.full_name, by: info.mergedWith })
          : t('book.updated', { name: c.full_name });
      const previous = info.previousVersion;
      if (previous === undefined || !list?.rights.modify) {
        notify.success(title);
        return;
      }
      // Undo an edit: the version before it comes back, as a new version (only if nobody changed it since).
      notify.undoable(title, async () => {
        await api.revertContact(listId, c.id, previous, c.version);
        reload();
        return t('undo.reverted', { name: c.full_name });
      });
    },
    [listId, list?.rights.modify, notify, reload, t],
  );
  const onDeleted = useCallback(
    (c: Contact) => {
      setToDelete(null);
      select({ type: 'remove', ids: [c.id] });
      reload();
      notify.undoable(t('book.deleted', { name: c.full_name }), async () => {
        await api.restoreContact(listId, c.id);
        reload();
        return t('undo.restored', { name: c.full_name });
      });
    },
    [listId, notify, reload, t],
  );

  // The view switch is this person's choice on this device; only Display settings changes the
  // list's default, for everybody.
  const setMode = async (m: DisplayMode) => {
    if (state.view) setState({ ...state, view: null });
    setLocalView(m);
    try {
      localStorage.setItem(`contactpro.view.${listId}`, m);
    } catch {
      /* ignore */
    }
  };

  const closeDialog = useCallback(() => setDialog(null), []);

  // Focus goes back where it came from when the last dialog closes (dialogs opened from code
  // have no trigger for Fluent to return to).
  const returnTo = useRef<HTMLElement | null>(null);
  const remember = () => {
    if (!returnTo.current) returnTo.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  };
  const anyOpen = !!(contactDialog || toDelete || dialog);
  useEffect(() => {
    if (anyOpen) return;
    const el = returnTo.current;
    returnTo.current = null;
    if (!el || el === document.body) return;
    const h = setTimeout(() => {
      if (el.isConnected) el.focus();
      else focusResults();
    }, 0);
    return () => clearTimeout(h);
  }, [anyOpen]);

  // Keyboard shortcuts: "/" search, "n" new contact. Not while typing, nor under a dialog.
  const canAdd = !!list?.rights.add;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || typingIn(e.target)) return;
      if (document.querySelector('[role="dialog"], [role="alertdialog"], [role="menu"]')) return;
      if (e.key === '/') {
        e.preventDefault();
        document.getElementById('book-search')?.focus();
      } else if ((e.key === 'n' || e.key === 'N') && canAdd) {
        e.preventDefault();
        remember();
        setContactDialog({ mode: 'new' });
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [canAdd]);
  const onCommand = useCallback((c: ContactCommand, contact: Contact) => {
    remember();
    if (c === 'delete') setToDelete(contact);
    else if (c === 'view') viewContact(contact);
    else setContactDialog({ mode: c, contact });
  }, [viewContact]);
  const onLetter = useCallback((l: string) => setState(toggleLetter(state, l)), [setState, state]);
  const onPage = useCallback((p: number) => setState(updateBookState(state, { page: p })), [setState, state]);
  const onPerPage = useCallback((n: number) => setState(updateBookState(state, { perPage: n })), [setState, state]);
  const openDialog = useCallback((d: BookDialog) => {
    remember();
    if (d === 'newContact') setContactDialog({ mode: 'new' });
    else setDialog(d);
  }, []);
  const setModeRef = useRef<(m: DisplayMode) => Promise<void>>(async () => undefined);
  const onMode = useCallback((m: DisplayMode) => void setModeRef.current(m), []);
  setModeRef.current = setMode;
  const onSort = useCallback((f: SortField) => setState(toggleSort(state, f, list?.sort)), [setState, state, list?.sort]);

  if (listError) {
    const gone = listError instanceof ApiError && (listError.status === 404 || listError.status === 403);
    return (
      <>
        <AppHeader />
        <EmptyState
          icon={<ContactCard48Regular />}
          title={gone ? t('book.notFound') : t('book.listLoadFailed')}
          body={gone ? undefined : `${t('resilience.checkConnection')} (${listError instanceof Error ? listError.message : String(listError)})`}
        >
          {!gone && (
            <Button appearance="primary" onClick={() => { setListError(null); loadList(); }}>
              {t('common.retry')}
            </Button>
          )}
          <Button appearance={gone ? 'primary' : 'secondary'} onClick={() => navigate('/')}>{t('book.allLists')}</Button>
        </EmptyState>
      </>
    );
  }
  if (!list)
    return (
      <>
        <AppHeader />
        <div className={s.center}>
          <Spinner label={t('app.loading')} />
        </div>
      </>
    );

  const filtered = !!(state.q || state.letter || state.group);
  const items = data?.items ?? [];
  const groupName = state.group === 'none' ? t('book.noGroup') : groups.find((g) => g.id === state.group)?.name;
  const clearFilters = () => {
    setSearchInput('');
    setState(updateBookState(state, { q: '', letter: '', group: '' }));
  };

  const failed = !!error && !loading;
  let content;
  if (failed)
    content = (
      <div role="alert">
        <EmptyState
          icon={<ContactCard48Regular />}
          title={t('book.loadFailed')}
          body={error instanceof ApiError && error.status < 500 ? error.message : t('resilience.checkConnection')}
        >
          <Button appearance="primary" onClick={() => setReloadKey((k) => k + 1)}>{t('common.retry')}</Button>
        </EmptyState>
      </div>
    );
  else if (!data && loading) content = <CardSkeletons />;
  else if (data && data.total === 0 && !filtered && !groupSections)
    content = (
      <EmptyState
        icon={<ContactCard48Regular />}
        title={t('book.emptyTitle')}
        body={list.rights.add ? t('book.emptyBody') : t('book.emptyReadOnly')}
      >
        {list.rights.add && (
          <>
            <Button appearance="primary" icon={<PersonAdd20Regular />} onClick={() => setContactDialog({ mode: 'new' })}>
              {t('book.newContact')}
            </Button>
            <Button icon={<ArrowUpload20Regular />} onClick={() => setDialog('import')}>
              {t('book.import')}
            </Button>
          </>
        )}
      </EmptyState>
    );
  else if (data && data.total === 0 && !groupSections)
    content = (
      <EmptyState icon={<Search20Regular />} title={t('book.noResults')} body={t('book.noResultsBody')}>
        <Button onClick={clearFilters}>{t('book.clearFilters')}</Button>
      </EmptyState>
    );
  else if (groupSections)
    content = (
      <GroupView
        listId={listId}
        groups={groups}
        q={state.q}
        letter={state.letter}
        sort={sort}
        order={state.order}
        rights={list.rights}
        fields={fields}
        reloadKey={reloadKey}
        refreshKey={refreshKey}
        onCommand={onCommand}
        onShowGroup={(gid) => setState(updateBookState(state, { group: gid }))}
      />
    );
  else if (phone)
    content = (
      <PhoneList items={items} total={data?.total ?? 0} loadingMore={endless.loadingMore} onMore={endless.more} onCommand={onCommand} label={list.name} />
    );
  else if (mode === 'list')
    content = (
      <TableView items={items} rights={list.rights} fields={fields} sort={sort} order={state.order} onSort={onSort} onCommand={onCommand} label={list.name} sel={sel} />
    );
  else content = <CardView items={items} rights={list.rights} fields={fields} onCommand={onCommand} label={list.name} sel={sel} />;

  return (
    <>
      <a
        href="#results"
        className={s.skip}
        onClick={(e) => {
          e.preventDefault();
          if (!focusResults()) document.getElementById('results')?.focus();
        }}
      >
        {t('book.skipToContacts')}
      </a>
      <AppHeader />
      <div className={s.shell}>
        <div role="region" aria-label={list.name}>
        <TopBar
          compact={phone}
          list={list}
          mode={mode}
          onMode={onMode}
          search={searchInput}
          onSearch={setSearchInput}
          open={openDialog}
          total={data ? data.total : null}
        />
        {!phone && <AlphaRail letters={data?.letters} current={state.letter} onPick={onLetter} />}
        </div>
        <main className={mergeClasses(s.body, phone && s.phoneBody)} aria-busy={loading} id="results" tabIndex={-1}>
          {loading && data && (
            <div className={s.busy}>
              <span className={s.busyLabel} data-testid="results-loading">
                <Spinner size="extra-tiny" aria-hidden />
                {t('book.loadingResults')}
              </span>
            </div>
          )}
          <VisuallyHidden>
            <span role="status" aria-live="polite" data-testid="results-count">
              {data && !loading && !failed ? (data.total === 1 ? t('book.totalOne') : t('book.total', { count: data.total })) : ''}
            </span>
          </VisuallyHidden>
          {state.group && (
            <div className={s.filters}>
              <Subtitle2>{groupName ?? ''}</Subtitle2>
              <Tag
                dismissible
                dismissIcon={{ 'aria-label': t('common.remove') }}
                onClick={() => setState(updateBookState(state, { group: '' }))}
                value="group"
              >
                {t('book.filterGroup', { name: groupName ?? state.group })}
              </Tag>
            </div>
          )}
          {!phone && !groupSections && selectedContacts.size > 0 && (
            <BulkBar
              list={list}
              groups={groups}
              selected={selectedContacts}
              onClear={selectActions.onClear}
              onDone={(removed) => {
                if (removed?.length) select({ type: 'remove', ids: removed });
                reload();
              }}
            />
          )}
          {/* Always there, so that screen readers announce the hint when it appears. */}
          <div role="status" aria-live="polite">
            {fuzzy && !loading && !failed && (
              <div className={s.hint} data-testid="fuzzy-hint">
                <Info20Regular aria-hidden />
                {t('search.fuzzy')}
              </div>
            )}
          </div>
          <div className={loading && data ? s.stale : undefined} data-stale={loading && data ? '' : undefined}>
            <HighlightContext.Provider value={highlightQuery}>{content}</HighlightContext.Provider>
          </div>
        </main>
        {phone && <AlphaRail vertical letters={data?.letters} current={state.letter} onPick={onLetter} />}
        {!phone && !groupSections && !failed && data && data.total > 0 && (
          <Pager
            total={data.total}
            page={state.page}
            perPage={state.perPage}
            onPage={onPage}
            onPerPage={onPerPage}
          />
        )}
      </div>
      <Suspense fallback={null}>
        {contactDialog && (
          <DialogBoundary onClose={closeContact}>
          <ContactDialog
            key={contactDialog.contact?.id ?? 'new'}
            onOpenExisting={viewContact}
            listId={listId}
            list={list}
            groups={groups}
            initial={contactDialog}
            onClose={closeContact}
            onSaved={onSaved}
            liveChange={liveChange}
            onDelete={(c) => {
              closeContact();
              setToDelete(c);
            }}
            onGroupsChanged={loadGroups}
          />
          </DialogBoundary>
        )}
        {toDelete && (
          <DialogBoundary onClose={() => setToDelete(null)}>
          <DeleteContactDialog
            listId={listId}
            contact={toDelete}
            onClose={() => setToDelete(null)}
            onDeleted={onDeleted}
          />
          </DialogBoundary>
        )}
        {dialog === 'newGroup' && <DialogBoundary onClose={closeDialog}><NewGroupDialog listId={listId} onClose={() => setDialog(null)} onCreated={() => reload()} /></DialogBoundary>}
        {dialog === 'groups' && <DialogBoundary onClose={closeDialog}><GroupAdminDialog listId={listId} list={list} onClose={() => setDialog(null)} onChanged={reload} /></DialogBoundary>}
        {dialog === 'permissions' && <DialogBoundary onClose={closeDialog}><PermissionsDialog list={list} onClose={() => setDialog(null)} onSaved={setList} /></DialogBoundary>}
        {dialog === 'sync' && <DialogBoundary onClose={closeDialog}><SyncDialog onClose={() => setDialog(null)} /></DialogBoundary>}
        {dialog === 'apikeys' && <DialogBoundary onClose={closeDialog}><ApiKeysDialog list={list} onClose={() => setDialog(null)} /></DialogBoundary>}
        {dialog === 'import' && <DialogBoundary onClose={closeDialog}><ImportDialog listId={listId} onClose={() => setDialog(null)} onImported={reload} /></DialogBoundary>}
        {dialog === 'export' && <DialogBoundary onClose={closeDialog}><ExportDialog listId={listId} q={state.q} group={state.group} onClose={() => setDialog(null)} /></DialogBoundary>}
        {dialog === 'display' && <DialogBoundary onClose={closeDialog}><DisplaySettingsDialog list={list} onClose={() => setDialog(null)} onSaved={setList} /></DialogBoundary>}
        {(dialog === 'renameList' || dialog === 'deleteList') && (
          <DialogBoundary onClose={closeDialog}>
            <ListAdminDialog what={dialog === 'renameList' ? 'rename' : 'delete'} list={list} onClose={closeDialog} onRenamed={setList} />
          </DialogBoundary>
        )}
        {dialog === 'trash' && <DialogBoundary onClose={closeDialog}><TrashDialog list={list} onClose={closeDialog} onRestored={reload} /></DialogBoundary>}
        {dialog === 'duplicates' && (
          <DialogBoundary onClose={closeDialog}><DuplicatesDialog list={list} groups={groups} onClose={closeDialog} onMerged={reload} /></DialogBoundary>
        )}
        {dialog === 'about' && <DialogBoundary onClose={closeDialog}><AboutDialog listId={listId} list={list} onClose={() => setDialog(null)} /></DialogBoundary>}
      </Suspense>
    </>
  );
}
