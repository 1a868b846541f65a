// View / edit / create a contact, with inline validation, the server's 422 field messages, the
// 412 flow (a field-by-field merge with what someone else saved meanwhile: lib/merge), the
// History tab, and "Discard changes?" before unsaved edits are thrown away.
import { lazy, Suspense, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import {
  Body1, Button, mergeClasses, Caption1, Checkbox, Dialog, DialogActions, DialogBody, DialogContent, DialogSurface, DialogTitle,
  Field, Input, Link as FLink, makeStyles, MessageBar, MessageBarBody, Spinner, Tab, TabList, Tag, TagGroup, Text, Textarea, tokens,
} from '@fluentui/react-components';
import { api, ApiError } from '../../api/client';
import { editableFields, emptyContactFields, type Change, type Contact, type ContactFields, type ContactList, type Group } from '../../api/types';
import { applyEdits, hasChanges, merge3, resolveMerge, type Choice, type MergeResult } from '../../lib/merge';
import { normalizeContact, validateContact, isValid, type FieldKey } from '../../lib/validation';
import { ActionButton } from '../actions';
import { LiteAvatar } from '../lite';
import { CopyButton, DangerButton, copyText } from '../../components/ui';
import { ArrowDownload20Regular, Link20Regular, QrCode20Regular } from '../../components/icons';
import { saveBlob } from '../../api/client';
import { mapUrl, splitName, toVCard, vcardFileName } from '../../lib/vcard';
import { mapName } from '../../lib/map';
import { contactUrl } from '../../lib/deeplinks';

// The QR encoder is only fetched when someone asks for a QR code.
const QrCode = lazy(() => import('../../components/QrCode').then((m) => ({ default: m.QrCode })));
import { DiscardDialog, MergeDialog } from './MergeDialog';
import { HistoryPanel } from './HistoryPanel';
import { useI18n } from '../../i18n';
import type { ActionKind } from '../../lib/deeplinks';
import { safeHttpUrl } from '../../lib/deeplinks';
import { DuplicateWarning, useDuplicateCheck } from '../DuplicateWarning';

type TabKey = 'contact' | 'company' | 'groups' | 'notes' | 'history';
const TAB_OF: Record<FieldKey, TabKey> = {
  full_name: 'contact', given_name: 'contact', family_name: 'contact', job_title: 'contact', email: 'contact', mobile: 'contact', phone: 'contact', website: 'contact',
  linkedin: 'contact', facebook: 'contact', x: 'contact', company: 'company', department: 'company',
  'address.street': 'company', 'address.city': 'company', 'address.postal_code': 'company', 'address.state': 'company',
  'address.country': 'company', notes: 'notes', groups: 'groups',
};
const TABS: TabKey[] = ['contact', 'company', 'groups', 'notes'];
const ACTIONS: ActionKind[] = ['chat', 'call', 'email', 'meeting', 'website', 'linkedin', 'facebook', 'x'];

const useStyles = makeStyles({
  surface: { maxWidth: '720px', width: '100%' },
  head: { display: 'flex', gap: tokens.spacingHorizontalL, alignItems: 'center' },
  who: { display: 'flex', flexDirection: 'column', minWidth: 0 },
  actions: { display: 'flex', flexWrap: 'wrap', gap: tokens.spacingHorizontalXS, marginTop: tokens.spacingVerticalM },
  tabs: { marginTop: tokens.spacingVerticalM, marginBottom: tokens.spacingVerticalM },
  panel: { display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(240px, 1fr))', gap: `${tokens.spacingVerticalM} ${tokens.spacingHorizontalL}`, alignContent: 'start' },
  full: { gridColumn: '1 / -1' },
  dl: { display: 'grid', gridTemplateColumns: 'minmax(120px, max-content) 1fr', gap: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalL}`, margin: 0, alignContent: 'start' },
  dt: { color: tokens.colorNeutralForeground3 },
  dd: { margin: 0, overflowWrap: 'anywhere', whiteSpace: 'pre-wrap' },
  meta: { color: tokens.colorNeutralForeground3, display: 'block', marginTop: tokens.spacingVerticalM },
  stack: { display: 'grid' },
  stacked: { gridArea: '1 / 1', minWidth: 0 },
  hiddenPanel: { visibility: 'hidden' },
  qr: { display: 'flex', flexDirection: 'column', alignItems: 'center', gap: tokens.spacingVerticalS, marginTop: tokens.spacingVerticalM },
  copyRow: { display: 'inline-flex', alignItems: 'center', gap: tokens.spacingHorizontalXS, flexWrap: 'wrap' },
  groupList: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS },
});

/** What a save did, for the toast and its Undo. */
export interface SaveInfo {
  created?: boolean;
  /** The version this save replaced (Undo reverts to it). */
  previousVersion?: number;
  /** Someone else's name when their changes made meanwhile were merged in. */
  mergedWith?: string;
  /** A version restored from the History tab. */
  revertedTo?: number;
}

export interface ContactDialogProps {
  listId: string;
  list: ContactList;
  groups: Group[];
  initial: { mode: 'view' | 'edit' | 'new'; contact?: Contact };
  onClose: () => void;
  onSaved: (c: Contact, info: SaveInfo) => void;
  onDelete: (c: Contact) => void;
  onGroupsChanged: () => void;
  /** The latest change someone else made to this contact while the dialog is open (live events). */
  liveChange?: Change | null;
  /** "Open it" on the duplicate warning of a new contact: show that existing contact instead. */
  onOpenExisting?: (c: Contact) => void;
}

interface MergeState {
  result: MergeResult;
  mine: ContactFields;
  theirs: Contact;
}

function setField(f: ContactFields, k: FieldKey, v: string): ContactFields {
  if (k.startsWith('address.')) return { ...f, address: { ...f.address, [k.slice(8)]: v } };
  return { ...f, [k]: v };
}
function getField(f: ContactFields, k: FieldKey): string {
  if (k.startsWith('address.')) return f.address[k.slice(8) as keyof ContactFields['address']];
  return (f as unknown as Record<string, string>)[k];
}

export default function ContactDialog({ listId, list, groups, initial, onClose, onSaved, onDelete, liveChange, onOpenExisting }: ContactDialogProps) {
  const s = useStyles();
  const { t, formatDate } = useI18n();
  const [mode, setMode] = useState(initial.mode);
  const [contact, setContact] = useState<Contact | null>(initial.contact ?? null);
  const [form, setForm] = useState<ContactFields>(() => (initial.contact ? editableFields(initial.contact) : emptyContactFields()));
  // The version the form started from: the base of the three-way merge on 412, and what
  // "unsaved edits" are measured against.
  const [base, setBase] = useState<ContactFields>(() => (initial.contact ? editableFields(initial.contact) : emptyContactFields()));
  const edited = useRef(false);
  edited.current = hasChanges(base, form);
  const [merge, setMerge] = useState<MergeState | null>(null);
  const [askDiscard, setAskDiscard] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [touched, setTouched] = useState<Set<FieldKey>>(new Set());
  // Something was typed: until then no field is "required" in red (the form was just opened).
  const [dirty, setDirty] = useState(false);
  const [serverErrors, setServerErrors] = useState<Record<string, string>>({});
  const [tab, setTab] = useState<TabKey>('contact');
  const [saving, setSaving] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const [showQr, setShowQr] = useState(false);
  const dup = useDuplicateCheck(listId);
  const [linkCopied, setLinkCopied] = useState(false);

  // Always work on the latest version (fresh ETag) of an existing contact.
  useEffect(() => {
    if (!initial.contact) return;
    let live = true;
    api.contact(listId, initial.contact.id).then(
      (c) => {
        // Typing already started on the version the list showed: keep it as the base (a save merges).
        if (!live || edited.current) return;
        showVersion(c);
      },
      (e: unknown) => live && e instanceof ApiError && e.status === 404 && setMessage(t('contact.gone')),
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [listId, initial.contact?.id]);

  function showVersion(c: Contact) {
    setContact(c);
    setBase(editableFields(c));
    setForm(editableFields(c));
  }

  // Someone else changed this contact: a card being read shows their version; a form being
  // edited keeps mine and says that saving will merge.
  const liveSeq = liveChange?.seq;
  useEffect(() => {
    if (!liveChange || !contact || liveChange.id !== contact.id) return;
    const who = liveChange.by?.name ?? '?';
    if (liveChange.kind === 'contact.deleted') {
      setNotice(t('live.openDeleted', { name: who }));
      return;
    }
    if (mode !== 'view') {
      setNotice(t('live.openEditing', { name: who }));
      return;
    }
    let live = true;
    api.contact(listId, contact.id).then((c) => {
      if (!live) return;
      showVersion(c);
      setNotice(t('live.openChanged', { name: who }));
    }, () => undefined);
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [liveSeq]);

  const editing = mode !== 'view';
  const requestClose = () => {
    if (editing && edited.current) setAskDiscard(true);
    else onClose();
  };

  const errors = useMemo(() => validateContact(form), [form]);
  const valid = isValid(errors);

  const fieldMessage = (k: FieldKey): string | undefined => {
    const code = errors[k];
    if (code && dirty && (touched.has(k) || k === 'full_name')) return t(`valid.${code}`);
    return serverErrors[k];
  };

  const change = (k: FieldKey, v: string) => {
    setForm((f) => setField(f, k, v));
    setDirty(true);
    dup.reset();
    if (serverErrors[k]) setServerErrors(({ [k]: _drop, ...rest }) => rest);
  };
  const touch = (k: FieldKey) => setTouched((prev) => (prev.has(k) ? prev : new Set(prev).add(k)));

  /**
   * Saves `body` over `version`. On 412 the current version is fetched and merged field by field
   * with `from` (the version `body` was made from): without a field we both changed it is saved
   * at once, else MergeDialog asks about those fields only.
   */
  const put = async (body: ContactFields, version: number, from: ContactFields, mergedWith?: string): Promise<void> => {
    for (let attempt = 0; ; attempt++) {
      try {
        const saved = await api.putContact(listId, contact!.id, version, body);
        setMerge(null);
        onSaved(saved, { previousVersion: version, mergedWith });
        onClose();
        return;
      } catch (e) {
        if (!(e instanceof ApiError && e.status === 412) || attempt > 4) throw e;
        const current = (e.body as { error?: { current?: Contact } } | null)?.error?.current ?? (await api.contact(listId, contact!.id));
        const theirs = editableFields(current);
        const result = merge3(from, body, theirs);
        if (result.conflicts.length > 0) {
          setMerge({ result, mine: body, theirs: current });
          return;
        }
        body = result.merged;
        version = current.version;
        from = theirs;
        mergedWith = current.updated_by?.name ?? '?';
      }
    }
  };

  const saveMerged = async (m: MergeState, choices: Partial<Record<FieldKey, Choice>>) => {
    setSaving(true);
    try {
      await put(resolveMerge(m.result, editableFields(m.theirs), choices), m.theirs.version, editableFields(m.theirs), m.theirs.updated_by?.name);
    } catch (e) {
      setMerge(null);
      setMessage(e instanceof Error ? e.message : String(e));
    } finally {
      setSaving(false);
    }
  };

  const save = async () => {
    setSaving(true);
    setMessage(null);
    const body = normalizeContact(form);
    try {
      if (mode === 'new') {
        if (await dup.check(body)) return;
        const saved = await api.createContact(listId, body);
        onSaved(saved, { created: true });
        onClose();
      } else await put(applyEdits(base, form, body), contact!.version, base);
    } catch (e) {
      if (e instanceof ApiError && e.status === 412) {
        setMessage(e.message);
      } else if (e instanceof ApiError && e.status === 422 && Object.keys(e.fields).length) {
        setServerErrors(e.fields);
        const first = Object.keys(e.fields)[0] as FieldKey;
        if (TAB_OF[first]) setTab(TAB_OF[first]);
        setMessage(e.message);
      } else if (e instanceof ApiError && e.status === 404) {
        setMessage(t('contact.gone'));
      } else {
        setMessage(e instanceof Error ? e.message : String(e));
      }
    } finally {
      setSaving(false);
    }
  };

  // An empty given or family name follows the full name: its derived part shows as the placeholder.
  const derivedName = splitName(form.full_name);
  const input = (k: FieldKey, opts: { type?: 'email' | 'url' | 'tel' | 'text'; required?: boolean; full?: boolean; autoFocus?: boolean; placeholder?: string } = {}) => {
    const msg = fieldMessage(k);
    return (
      <Field
        key={k}
        label={t(`field.${k}` as 'field.full_name')}
        required={opts.required}
        validationMessage={msg}
        validationState={msg ? 'error' : 'none'}
        className={opts.full ? s.full : undefined}
      >
        <Input
          type={opts.type ?? 'text'}
          value={getField(form, k)}
          onChange={(_, d) => change(k, d.value)}
          onBlur={() => touch(k)}
          autoFocus={opts.autoFocus}
          placeholder={opts.placeholder}
          name={k}
          maxLength={300}
        />
      </Field>
    );
  };

  const withCopy = (shown: ReactNode, text: string) => (
    <span className={s.copyRow}>
      {shown}
      <CopyButton text={text} label={t('contact.copyValue', { value: text })} />
    </span>
  );
  const mapHref = mapUrl(form.address);
  const row = (k: FieldKey, value?: ReactNode, override?: ReactNode, label?: string) => {
    const v = override ?? value ?? getField(form, k);
    return (
      <div key={label ?? k} style={{ display: 'contents' }}>
        <dt className={s.dt}>{label ?? t(`field.${k}` as 'field.full_name')}</dt>
        <dd className={s.dd}>{v || t('contact.empty')}</dd>
      </div>
    );
  };
  const linkRow = (k: 'website' | 'linkedin' | 'facebook' | 'x') => {
    const v = form[k];
    const href = safeHttpUrl(v);
    return row(k, href ? <FLink href={href} target="_blank" rel="noopener noreferrer">{v}</FLink> : v);
  };

  const groupName = (id: string) => groups.find((g) => g.id === id)?.name ?? id;
  const title = mode === 'new' ? t('contact.newTitle') : mode === 'edit' ? t('contact.editTitle') : form.full_name;

  const currentTab = tab;
  const tabs: TabKey[] = mode === 'view' && contact ? [...TABS, 'history'] : TABS;
  const revert = async (version: number) => {
    if (!contact) return;
    try {
      const saved = await api.revertContact(listId, contact.id, version, contact.version);
      const previous = contact.version;
      showVersion(saved);
      onSaved(saved, { previousVersion: previous, revertedTo: version });
    } catch (e) {
      setMessage(e instanceof Error ? e.message : String(e));
    }
  };

  const renderPanel = (tab: TabKey): ReactNode => {
  let panel: ReactNode;
  if (tab === 'contact')
    panel = editing ? (
      <div className={s.panel}>
        {input('full_name', { required: true, full: true, autoFocus: true })}
        {input('given_name', { placeholder: derivedName.given })}
        {input('family_name', { placeholder: derivedName.family })}
        {input('job_title')}
        {input('email', { type: 'email' })}
        {input('mobile', { type: 'tel' })}
        {input('phone', { type: 'tel' })}
        {input('website', { type: 'url' })}
        {input('linkedin', { type: 'url' })}
        {input('facebook', { type: 'url' })}
        {input('x', { type: 'url' })}
      </div>
    ) : (
      <dl className={s.dl}>
        {row('job_title')}
        {row('email', form.email ? withCopy(<FLink href={`mailto:${form.email}`}>{form.email}</FLink>, form.email) : '')}
        {row('mobile', form.mobile ? withCopy(form.mobile, form.mobile) : '')}
        {row('phone', form.phone ? withCopy(form.phone, form.phone) : '')}
        {linkRow('website')}
        {linkRow('linkedin')}
        {linkRow('facebook')}
        {linkRow('x')}
      </dl>
    );
  else if (tab === 'company')
    panel = editing ? (
      <div className={s.panel}>
        {input('company')}
        {input('department')}
        {input('address.street', { full: true })}
        {input('address.postal_code')}
        {input('address.city')}
        {input('address.state')}
        {input('address.country')}
      </div>
    ) : (
      <dl className={s.dl}>
        {row('company')}
        {row('department')}
        {row('address.street')}
        {row('address.postal_code')}
        {row('address.city')}
        {row('address.state')}
        {row('address.country')}
        {mapHref && row('address.street' as FieldKey, undefined, <FLink href={mapHref} target="_blank" rel="noopener noreferrer">{t('contact.openMap', { name: mapName() })}</FLink>, t('contact.map'))}
      </dl>
    );
  else if (tab === 'groups')
    panel = editing ? (
      <div className={s.groupList} role="group" aria-label={t('field.groups')}>
        {groups.length === 0 && <Body1>{t('contact.noGroups')}</Body1>}
        {groups.map((g) => (
          <Checkbox
            key={g.id}
            label={g.name}
            checked={form.groups.includes(g.id)}
            onChange={(_, d) =>
              setForm((f) => ({ ...f, groups: d.checked ? [...f.groups, g.id] : f.groups.filter((x) => x !== g.id) }))
            }
          />
        ))}
      </div>
    ) : form.groups.length === 0 ? (
      <Body1>{t('contact.notInGroups')}</Body1>
    ) : (
      <TagGroup aria-label={t('field.groups')}>
        {form.groups.map((g) => (
          <Tag key={g} appearance="brand" value={g}>
            {groupName(g)}
          </Tag>
        ))}
      </TagGroup>
    );
  else if (tab === 'history')
    panel = contact && tab === currentTab ? (
      <HistoryPanel
        listId={listId}
        contactId={contact.id}
        currentVersion={contact.version}
        groups={groups}
        canRevert={list.rights.modify}
        onRevert={revert}
      />
    ) : null;
  else
    panel = editing ? (
      <Field label={t('field.notes')} validationMessage={fieldMessage('notes')} validationState={fieldMessage('notes') ? 'error' : 'none'}>
        <Textarea value={form.notes} onChange={(_, d) => change('notes', d.value)} onBlur={() => touch('notes')} rows={10} resize="vertical" />
      </Field>
    ) : (
      <Body1 className={s.dd}>{form.notes || t('contact.noNotes')}</Body1>
    );

  return panel;
  };

  const tabHasError = (k: TabKey) =>
    (Object.keys(errors) as FieldKey[]).some((f) => TAB_OF[f] === k && dirty && (touched.has(f) || f === 'full_name')) ||
    Object.keys(serverErrors).some((f) => TAB_OF[f as FieldKey] === k);

  return (
    <>
      <Dialog open onOpenChange={(_, d) => !d.open && requestClose()}>
        <DialogSurface className={s.surface} aria-label={title}>
          <form
            // Our checks (lib/validation) decide, not the browser's: it refused "example.com" as a URL.
            noValidate
            onSubmit={(e) => {
              e.preventDefault();
              if (editing && valid && !saving) void save();
            }}
          >
            <DialogBody>
              <DialogTitle>
                {mode === 'view' ? (
                  <span className={s.head}>
                    {/* The same avatar as the card, so one person keeps one colour. */}
                    <LiteAvatar name={form.full_name} size={56} />
                    <span className={s.who}>
                      <Text size={500} weight="semibold">{form.full_name}</Text>
                      <Caption1>{[form.job_title, form.company].filter(Boolean).join(' · ')}</Caption1>
                    </span>
                  </span>
                ) : (
                  title
                )}
              </DialogTitle>
              <DialogContent>
                {mode === 'view' && (
                  <div className={s.actions} role="group" aria-label={form.full_name}>
                    {ACTIONS.map((a) => (
                      <ActionButton key={a} action={a} contact={form} showLabel size="small" />
                    ))}
                  </div>
                )}
                {mode === 'view' && contact && (
                  <div className={s.actions} role="group" aria-label={t('contact.share')}>
                    <Button size="small" icon={<ArrowDownload20Regular />} onClick={() => saveBlob(new Blob([toVCard(form)], { type: 'text/vcard;charset=utf-8' }), vcardFileName(form.full_name))}>
                      {t('contact.vcard')}
                    </Button>
                    <Button size="small" icon={<QrCode20Regular />} aria-pressed={showQr} onClick={() => setShowQr((v) => !v)}>
                      {t('contact.qr')}
                    </Button>
                    <Button size="small" icon={<Link20Regular />} onClick={() => void copyText(contactUrl(listId, contact.id)).then(() => setLinkCopied(true))}>
                      {linkCopied ? t('common.copied') : t('contact.copyLink')}
                    </Button>
                  </div>
                )}
                {mode === 'view' && showQr && (
                  <div className={s.qr}>
                    <Suspense fallback={<Spinner size="small" />}>
                      <QrCode text={toVCard(form)} label={t('contact.qrLabel', { name: form.full_name })} />
                    </Suspense>
                    <Caption1>{t('contact.qrHelp')}</Caption1>
                  </div>
                )}
                {notice && (
                  <MessageBar intent="info" style={{ marginTop: tokens.spacingVerticalM }} data-testid="live-open-notice">
                    <MessageBarBody>{notice}</MessageBarBody>
                  </MessageBar>
                )}
                {dup.found && (
                  <DuplicateWarning
                    contact={dup.found}
                    onOpen={onOpenExisting && (() => onOpenExisting(dup.found!))}
                    onAddAnyway={() => {
                      dup.accept();
                      void save();
                    }}
                  />
                )}
                {message && (
                  <MessageBar intent="error" style={{ marginTop: tokens.spacingVerticalM }}>
                    <MessageBarBody>{message}</MessageBarBody>
                  </MessageBar>
                )}
                <TabList className={s.tabs} selectedValue={tab} onTabSelect={(_, d) => setTab(d.value as TabKey)}>
                  {tabs.map((k) => (
                    <Tab key={k} value={k} aria-invalid={editing && tabHasError(k) ? true : undefined}>
                      {t(`contact.tab${k[0].toUpperCase()}${k.slice(1)}` as 'contact.tabContact')}
                      {editing && tabHasError(k) ? ' •' : ''}
                    </Tab>
                  ))}
                </TabList>
                {/* Every panel is laid out in the same cell, the hidden ones invisible: the dialog is as
                    tall as its tallest tab and does not jump when switching. */}
                <div className={s.stack}>
                  {tabs.map((k) => (
                    <div
                      key={k}
                      role="tabpanel"
                      className={mergeClasses(s.stacked, k !== tab && s.hiddenPanel)}
                      aria-hidden={k !== tab || undefined}
                      inert={k !== tab || undefined}
                      aria-label={t(`contact.tab${k[0].toUpperCase()}${k.slice(1)}` as 'contact.tabContact')}
                    >
                      {renderPanel(k)}
                    </div>
                  ))}
                </div>
                {contact && mode === 'view' && (
                  <Caption1 className={s.meta}>
                    {t('contact.updatedBy', { name: contact.updated_by?.name ?? '', date: formatDate(contact.updated_at) })}
                  </Caption1>
                )}
                {editing && !valid && dirty && (
                  <Caption1 className={s.meta} role="status">{t('contact.fixErrors')}</Caption1>
                )}
              </DialogContent>
              <DialogActions>
                {mode === 'view' ? (
                  <>
                    {list.rights.delete && contact && (
                      <DangerButton onClick={() => onDelete(contact)}>{t('common.delete')}</DangerButton>
                    )}
                    <Button onClick={onClose}>{t('common.close')}</Button>
                    {list.rights.modify && contact && (
                      <Button appearance="primary" onClick={() => { setMode('edit'); setNotice(null); if (tab === 'history') setTab('contact'); }}>
                        {t('common.edit')}
                      </Button>
                    )}
                  </>
                ) : (
                  <>
                    <Button onClick={requestClose}>{t('common.cancel')}</Button>
                    <Button appearance="primary" type="submit" disabled={!valid || saving} icon={saving ? <Spinner size="tiny" /> : undefined}>
                      {t('common.save')}
                    </Button>
                  </>
                )}
              </DialogActions>
            </DialogBody>
          </form>
          {/* Asked from inside the dialog (nested), so that closing them gives the dialog back to
              assistive technology (a sibling modal left it aria-hidden). */}
          {merge && (
            <MergeDialog
              conflicts={merge.result.conflicts}
              fromTheirs={merge.result.fromTheirs}
              mine={merge.mine}
              theirs={merge.theirs}
              groups={groups}
              busy={saving}
              onSave={(choices) => void saveMerged(merge, choices)}
              onCancel={() => setMerge(null)}
            />
          )}
          {askDiscard && (
            <DiscardDialog
              onKeep={() => setAskDiscard(false)}
              onDiscard={() => {
                setAskDiscard(false);
                onClose();
              }}
            />
          )}
        </DialogSurface>
      </Dialog>
    </>
  );
}
