// The phone layout of the contact book: one row per contact (avatar, name, one line of job and
// company, call and e-mail buttons of 44 px), more rows loaded as the end scrolls into view.
import { memo, useEffect, useRef } from 'react';
import { makeStyles, Spinner, tokens, useArrowNavigationGroup } from '@fluentui/react-components';
import { useGroupAttrs, type GroupAttrs } from './focusGroup';
import type { Contact } from '../api/types';
import type { ContactCommand } from './ContactMenu';
import { LiteAvatar } from './lite';
import { ACTION_ICONS } from './actions';
import { mailtoHref, primaryPhone, telHref } from '../lib/deeplinks';
import { useT } from '../i18n';
import { Hl } from './Highlight';

const useStyles = makeStyles({
  list: { listStyleType: 'none', margin: 0, padding: 0, display: 'flex', flexDirection: 'column' },
  row: {
    display: 'flex',
    alignItems: 'center',
    gap: tokens.spacingHorizontalM,
    minHeight: '64px',
    padding: `${tokens.spacingVerticalXS} ${tokens.spacingHorizontalS}`,
    borderBottom: `1px solid ${tokens.colorNeutralStroke3}`,
    backgroundColor: tokens.colorNeutralBackground1,
    cursor: 'pointer',
    contentVisibility: 'auto',
    containIntrinsicSize: 'auto 64px',
    ':focus-visible': { outline: `2px solid ${tokens.colorStrokeFocus2}`, outlineOffset: '-2px' },
  },
  who: { display: 'flex', flexDirection: 'column', minWidth: 0, flex: 1 },
  name: {
    fontWeight: tokens.fontWeightSemibold, fontSize: tokens.fontSizeBase300, color: tokens.colorNeutralForeground1,
    overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap',
  },
  sub: { fontSize: tokens.fontSizeBase200, color: tokens.colorNeutralForeground3, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' },
  act: {
    display: 'inline-flex', alignItems: 'center', justifyContent: 'center', flexShrink: 0,
    width: '44px', height: '44px', borderRadius: tokens.borderRadiusCircular, color: tokens.colorBrandForeground1,
    ':focus-visible': { outline: `2px solid ${tokens.colorStrokeFocus2}` },
    '& svg': { width: '22px', height: '22px' },
  },
  off: { color: tokens.colorNeutralForegroundDisabled },
  more: { display: 'flex', justifyContent: 'center', padding: tokens.spacingVerticalL, minHeight: '48px' },
});

const PhoneRow = memo(function PhoneRow({ contact, onCommand, group }: { contact: Contact; onCommand: (c: ContactCommand, contact: Contact) => void; group: GroupAttrs }) {
  const s = useStyles();
  const t = useT();
  const sub = [contact.job_title, contact.company].filter(Boolean).join(' · ');
  const phone = primaryPhone(contact);
  const open = () => onCommand('view', contact);
  return (
    <li
      className={s.row}
      tabIndex={0}
      aria-label={[contact.full_name, sub].filter(Boolean).join(', ')}
      data-contact-id={contact.id}
      onClick={open}
      onKeyDown={(e) => {
        if (e.key === 'Enter' && e.target === e.currentTarget) {
          e.preventDefault();
          open();
        }
      }}
      {...group}
    >
      <LiteAvatar name={contact.full_name} size={40} />
      <span className={s.who}>
        <span className={s.name} data-contact-name><Hl text={contact.full_name} /></span>
        {sub && <span className={s.sub}><Hl text={sub} /></span>}
      </span>
      {phone ? (
        <a className={s.act} href={telHref(phone)} aria-label={t('action.label', { action: t('action.call'), name: contact.full_name })} data-action="call" onClick={(e) => e.stopPropagation()}>
          {ACTION_ICONS.call}
        </a>
      ) : null}
      {contact.email ? (
        <a className={s.act} href={mailtoHref(contact.email)} aria-label={t('action.label', { action: t('action.email'), name: contact.full_name })} data-action="email" onClick={(e) => e.stopPropagation()}>
          {ACTION_ICONS.email}
        </a>
      ) : null}
    </li>
  );
});

export function PhoneList({
  items, total, loadingMore, onMore, onCommand, label,
}: {
  items: Contact[];
  total: number;
  loadingMore: boolean;
  onMore: () => void;
  onCommand: (c: ContactCommand, contact: Contact) => void;
  label: string;
}) {
  const s = useStyles();
  const t = useT();
  const arrows = useArrowNavigationGroup({ axis: 'vertical', memorizeCurrent: true });
  const group = useGroupAttrs();
  const sentinel = useRef<HTMLDivElement>(null);
  const more = items.length < total;
  const onMoreRef = useRef(onMore);
  onMoreRef.current = onMore;
  useEffect(() => {
    const el = sentinel.current;
    if (!el || !more) return;
    // Start loading well before the end is on screen, so scrolling does not stall.
    const io = new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && onMoreRef.current(), { rootMargin: '600px 0px' });
    io.observe(el);
    return () => io.disconnect();
  }, [more, items.length]);
  return (
    <>
      <ul className={s.list} aria-label={label} id="results-list" {...arrows}>
        {items.map((c) => (
          <PhoneRow key={c.id} contact={c} onCommand={onCommand} group={group} />
        ))}
      </ul>
      <div ref={sentinel} className={s.more} data-testid="load-more">
        {more && loadingMore && <Spinner size="tiny" label={t('app.loading')} />}
      </div>
    </>
  );
}
