import { memo } from 'react';
import { Caption1, makeStyles, Text, tokens, useArrowNavigationGroup } from '@fluentui/react-components';
import { useGroupAttrs, type GroupAttrs } from './focusGroup';
import type { Contact, Rights, VisibleField } from '../api/types';
import { ContactMenu, type ContactCommand } from './ContactMenu';
import { ActionLink, LiteAvatar } from './lite';
import { Call20Regular, Mail20Regular } from '../components/icons';
import { selectClick, useSelectKeys, type SelectActions, type SelectProps } from './selectKeys';
import { useT } from '../i18n';
import { Hl } from './Highlight';

const useStyles = makeStyles({
  grid: {
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fill, minmax(270px, 1fr))',
    gap: tokens.spacingHorizontalM,
    listStyleType: 'none',
    margin: 0,
    padding: 0,
  },
  card: {
    position: 'relative',
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalS,
    padding: tokens.spacingHorizontalM,
    borderRadius: tokens.borderRadiusLarge,
    backgroundColor: tokens.colorNeutralBackground1,
    boxShadow: tokens.shadow4,
    cursor: 'pointer',
    minWidth: 0,
    // Cards below the fold are not laid out or painted until scrolled to: a new page of 50-100
    // results costs the visible cards only (the size hint keeps the scrollbar honest).
    contentVisibility: 'auto',
    containIntrinsicSize: 'auto 148px',
    ':hover': { boxShadow: tokens.shadow8 },
    ':focus-within': { boxShadow: tokens.shadow8 },
    ':focus-visible': { outline: `2px solid ${tokens.colorStrokeFocus2}`, outlineOffset: '2px' },
  },
  head: { display: 'flex', gap: tokens.spacingHorizontalM, alignItems: 'center', minWidth: 0 },
  who: { display: 'flex', flexDirection: 'column', minWidth: 0, flex: 1 },
  name: {
    fontWeight: tokens.fontWeightSemibold,
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    whiteSpace: 'nowrap',
    background: 'none',
    border: 'none',
    padding: 0,
    textAlign: 'start',
    color: tokens.colorNeutralForeground1,
    fontSize: tokens.fontSizeBase300,
    fontFamily: 'inherit',
    cursor: 'pointer',
    ':focus-visible': { outline: `2px solid ${tokens.colorStrokeFocus2}`, borderRadius: tokens.borderRadiusSmall },
  },
  sub: { color: tokens.colorNeutralForeground3, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' },
  line: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalS, color: tokens.colorNeutralForeground2, minWidth: 0 },
  lineIcon: { flexShrink: 0, color: tokens.colorNeutralForeground3, width: '16px', height: '16px' },
  ellipsis: { overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' },
  actions: { display: 'flex', gap: '2px', marginTop: 'auto', borderTop: `1px solid ${tokens.colorNeutralStroke3}`, paddingTop: tokens.spacingVerticalXS },
  selected: { outline: `2px solid ${tokens.colorBrandStroke1}`, backgroundColor: tokens.colorBrandBackground2 },
  check: { width: '18px', height: '18px', margin: 0, flexShrink: 0, cursor: 'pointer', accentColor: tokens.colorBrandBackground },
});

export const ContactCard = memo(function ContactCard({
  contact, rights, fields, onCommand, group, selected, sel,
}: {
  contact: Contact;
  rights: Rights;
  fields: VisibleField[];
  onCommand: (c: ContactCommand, contact: Contact) => void;
  group: GroupAttrs;
  selected?: boolean;
  sel?: SelectActions;
}) {
  const s = useStyles();
  const t = useT();
  const show = (f: VisibleField) => fields.includes(f);
  const subParts = [show('job_title') && contact.job_title, show('company') && contact.company, show('department') && contact.department]
    .filter((x): x is string => !!x);
  const sub = subParts.join(' · ');
  const phone = (show('mobile') && contact.mobile) || (show('phone') && contact.phone) || '';
  return (
    <li
      className={selected ? `${s.card} ${s.selected}` : s.card}
      onClick={(e) => selectClick(e, contact, sel) || onCommand('view', contact)}
      onKeyDown={(e) => {
        if (e.key === 'Enter' && e.target === e.currentTarget) {
          e.preventDefault();
          onCommand('view', contact);
        }
      }}
      tabIndex={0}
      aria-label={[contact.full_name, sub].filter(Boolean).join(', ')}
      data-contact-id={contact.id}
      {...group}
    >
      <div className={s.head}>
        {sel && (
          <input
            type="checkbox"
            className={s.check}
            checked={!!selected}
            aria-label={t('bulk.select', { name: contact.full_name })}
            onChange={() => undefined}
            onClick={(e) => {
              e.stopPropagation();
              sel.onSelect(contact, e.shiftKey);
            }}
            data-select
          />
        )}
        <LiteAvatar name={contact.full_name} size={40} />
        <div className={s.who}>
          <button type="button" data-contact-name className={s.name} onClick={(e) => { e.stopPropagation(); onCommand('view', contact); }}>
            <Hl text={contact.full_name} />
          </button>
          {sub && (
            <Caption1 className={s.sub}>
              {subParts.map((x, i) => (
                <span key={i}>{i > 0 && ' · '}<Hl text={x} /></span>
              ))}
            </Caption1>
          )}
        </div>
        <ContactMenu contact={contact} rights={rights} onCommand={onCommand} />
      </div>
      {phone && (
        <div className={s.line}>
          <Call20Regular className={s.lineIcon} aria-hidden />
          <Text size={200} className={s.ellipsis}><Hl text={phone} phone /></Text>
        </div>
      )}
      {show('email') && contact.email && (
        <div className={s.line}>
          <Mail20Regular className={s.lineIcon} aria-hidden />
          <Text size={200} className={s.ellipsis}><Hl text={contact.email} /></Text>
        </div>
      )}
      <div className={s.actions}>
        <ActionLink action="chat" contact={contact} />
        <ActionLink action="call" contact={contact} />
        <ActionLink action="email" contact={contact} />
        <ActionLink action="meeting" contact={contact} />
      </div>
    </li>
  );
});

export function CardView({
  items, rights, fields, onCommand, label, sel,
}: { items: Contact[]; rights: Rights; fields: VisibleField[]; onCommand: (c: ContactCommand, contact: Contact) => void; label: string; sel?: SelectProps }) {
  const s = useStyles();
  const arrows = useArrowNavigationGroup({ axis: 'grid-linear', memorizeCurrent: true });
  const group = useGroupAttrs();
  const keys = useSelectKeys(items, sel);
  return (
    <ul className={s.grid} aria-label={label} id="results-list" {...arrows} {...keys}>
      {items.map((c) => (
        <ContactCard key={c.id} contact={c} rights={rights} fields={fields} onCommand={onCommand} group={group} selected={sel?.selected.has(c.id)} sel={sel?.actions} />
      ))}
    </ul>
  );
}
