import { memo } from 'react';
import {
  makeStyles, useArrowNavigationGroup, Table, TableBody, TableCell, TableCellLayout, TableHeader, TableHeaderCell, TableRow, tokens,
} from '@fluentui/react-components';
import type { Contact, Rights, SortField, SortOrder, VisibleField } from '../api/types';
import { ContactMenu, type ContactCommand } from './ContactMenu';
import { ActionLink, LiteAvatar } from './lite';
import { useT } from '../i18n';
import { useGroupAttrs, type GroupAttrs } from './focusGroup';
import { selectClick, useSelectKeys, type SelectActions, type SelectProps } from './selectKeys';
import { pageState } from '../lib/selection';
import { Hl } from './Highlight';

const SELECTED_ROW = { backgroundColor: tokens.colorBrandBackground2 };
const SORTABLE = new Set<string>(['full_name', 'job_title', 'company', 'department', 'mobile', 'email']);

const useStyles = makeStyles({
  wrap: { backgroundColor: tokens.colorNeutralBackground1, borderRadius: tokens.borderRadiusLarge, boxShadow: tokens.shadow4, overflowX: 'auto' },
  table: { minWidth: '760px' },
  row: { cursor: 'pointer', ':focus-visible': { outline: `2px solid ${tokens.colorStrokeFocus2}`, outlineOffset: '-2px' } },
  nameBtn: {
    background: 'none', border: 'none', padding: 0, color: tokens.colorNeutralForeground1, fontFamily: 'inherit',
    fontSize: 'inherit', fontWeight: tokens.fontWeightSemibold, cursor: 'pointer', textAlign: 'start',
    ':focus-visible': { outline: `2px solid ${tokens.colorStrokeFocus2}`, borderRadius: tokens.borderRadiusSmall },
  },
  cell: { overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' },
  actions: { width: '190px' },
  hidden: { position: 'absolute', width: '1px', height: '1px', overflow: 'hidden', clip: 'rect(0 0 0 0)', whiteSpace: 'nowrap' },
  actionsCell: { display: 'flex', gap: '2px', justifyContent: 'flex-end' },
  selectCol: { width: '44px' },
  check: { width: '18px', height: '18px', margin: 0, cursor: 'pointer', verticalAlign: 'middle', accentColor: tokens.colorBrandBackground },

});

/** The header checkbox: the whole page, with the mixed state when only some are selected. */
function PageCheckbox({ state, label, onChange }: { state: boolean | 'mixed'; label: string; onChange: (all: boolean) => void }) {
  const s = useStyles();
  return (
    <input
      type="checkbox"
      className={s.check}
      aria-label={label}
      checked={state === true}
      ref={(el) => {
        if (el) el.indeterminate = state === 'mixed';
      }}
      onChange={() => onChange(state !== true)}
      data-select-page
    />
  );
}

export const TableView = memo(function TableView({
  items, rights, fields, sort, order, onSort, onCommand, label, sel,
}: {
  items: Contact[];
  rights: Rights;
  fields: VisibleField[];
  sort: SortField;
  order: SortOrder;
  onSort: (f: SortField) => void;
  onCommand: (c: ContactCommand, contact: Contact) => void;
  label: string;
  sel?: SelectProps;
}) {
  const s = useStyles();
  const keys = useSelectKeys(items, sel);
  const t = useT();
  const cols: string[] = ['full_name', ...fields];
  const dir = order === 'asc' ? 'ascending' : 'descending';
  // One Tab stop for the rows: ↑/↓ move between contacts, Enter opens, Tab inside reaches the actions.
  const arrows = useArrowNavigationGroup({ axis: 'vertical', memorizeCurrent: true });
  const group = useGroupAttrs();
  return (
    <div className={s.wrap}>
      <Table className={s.table} aria-label={label} sortable size="medium">
        <TableHeader>
          <TableRow>
            {sel && (
              <TableHeaderCell className={s.selectCol} sortable={false}>
                <PageCheckbox
                  state={pageState({ ids: sel.selected, anchor: null }, items.map((c) => c.id))}
                  label={t('bulk.selectPage')}
                  onChange={sel.actions.onPage}
                />
              </TableHeaderCell>
            )}
            {cols.map((c) => (
              <TableHeaderCell
                key={c}
                sortDirection={SORTABLE.has(c) && (sort === c || (c === 'full_name' && sort === 'family_name')) ? dir : undefined}
                onClick={SORTABLE.has(c) ? () => onSort(c as SortField) : undefined}
                sortable={SORTABLE.has(c)}
                data-column={c}
              >
                {t(`field.${c}` as 'field.full_name')}
              </TableHeaderCell>
            ))}
            <TableHeaderCell className={s.actions} sortable={false}>
              <span className={s.hidden}>{t('book.actions')}</span>
            </TableHeaderCell>
          </TableRow>
        </TableHeader>
        <TableBody {...arrows} {...keys}>
          {items.map((c) => (
            <ContactRow key={c.id} c={c} cols={cols} rights={rights} onCommand={onCommand} group={group} selected={sel?.selected.has(c.id)} sel={sel?.actions} />
          ))}
        </TableBody>
      </Table>
    </div>
  );
});

const ContactRow = memo(function ContactRow({
  c, cols, rights, onCommand, group, selected, sel,
}: {
  c: Contact;
  cols: string[];
  rights: Rights;
  onCommand: (c: ContactCommand, contact: Contact) => void;
  group: GroupAttrs;
  selected?: boolean;
  sel?: SelectActions;
}) {
  const s = useStyles();
  const t = useT();
  return (
            <TableRow
              className={s.row}
              // Inline: Fluent's own row styles win over a class.
              style={selected ? SELECTED_ROW : undefined}
              onClick={(e) => selectClick(e, c, sel) || onCommand('view', c)}
              onKeyDown={(e) => {
                if (e.key === 'Enter' && e.target === e.currentTarget) {
                  e.preventDefault();
                  onCommand('view', c);
                }
              }}
              tabIndex={0}
              aria-label={[c.full_name, c.job_title, c.company].filter(Boolean).join(', ')}
              data-contact-id={c.id}
              {...group}
            >
              {sel && (
                <TableCell>
                  <input
                    type="checkbox"
                    className={s.check}
                    checked={!!selected}
                    aria-label={t('bulk.select', { name: c.full_name })}
                    onChange={() => undefined}
                    onClick={(e) => {
                      e.stopPropagation();
                      sel.onSelect(c, e.shiftKey);
                    }}
                    data-select
                  />
                </TableCell>
              )}
              {cols.map((col) =>
                col === 'full_name' ? (
                  <TableCell key={col}>
                    <TableCellLayout media={<LiteAvatar name={c.full_name} size={28} />}>
                      <button type="button" data-contact-name className={s.nameBtn} onClick={(e) => { e.stopPropagation(); onCommand('view', c); }}>
                        <Hl text={c.full_name} />
                      </button>
                    </TableCellLayout>
                  </TableCell>
                ) : (
                  <TableCell key={col} className={s.cell}>
                    <Hl text={String((c as unknown as Record<string, unknown>)[col] ?? '')} phone={col === 'mobile' || col === 'phone'} />
                  </TableCell>
                ),
              )}
              <TableCell>
                <div className={s.actionsCell}>
                  <ActionLink action="chat" contact={c} />
                  <ActionLink action="call" contact={c} />
                  <ActionLink action="email" contact={c} />
                  <ActionLink action="meeting" contact={c} />
                  <ContactMenu contact={c} rights={rights} onCommand={onCommand} />
                </div>
              </TableCell>
            </TableRow>
  );
});
