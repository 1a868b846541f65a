import { useRef, useState } from 'react';
import { Menu, MenuItem, MenuList, MenuPopover } from '@fluentui/react-components';
import { useLiteStyles } from './lite';
import { Delete20Regular, Edit20Regular, Eye20Regular, MoreHorizontal20Regular } from '../components/icons';
import type { Contact, Rights } from '../api/types';
import { useT } from '../i18n';

export type ContactCommand = 'view' | 'edit' | 'delete';

/**
 * The "..." menu of a card or row. The Fluent Menu is mounted only while open: a page
 * of 50-500 contacts then renders 50-500 plain buttons instead of as many menus.
 */
export function ContactMenu({ contact, rights, onCommand }: { contact: Contact; rights: Rights; onCommand: (c: ContactCommand, contact: Contact) => void }) {
  const t = useT();
  const s = useLiteStyles();
  const [open, setOpen] = useState(false);
  const btn = useRef<HTMLButtonElement>(null);
  const run = (c: ContactCommand) => {
    setOpen(false);
    onCommand(c, contact);
  };
  return (
    <>
      <button
        type="button"
        ref={btn}
        className={s.more}
        aria-label={t('common.moreActions', { name: contact.full_name })}
        aria-haspopup="menu"
        aria-expanded={open}
        onClick={(e) => {
          e.stopPropagation();
          setOpen((o) => !o);
        }}
      >
        <MoreHorizontal20Regular />
      </button>
      {open && (
        <Menu
          open
          onOpenChange={(_, d) => {
            if (!d.open) {
              setOpen(false);
              btn.current?.focus();
            }
          }}
          positioning={{ target: btn.current, position: 'below', align: 'end' }}
        >
          <MenuPopover onClick={(e) => e.stopPropagation()}>
            <MenuList ref={(el) => { if (el) requestAnimationFrame(() => el.querySelector<HTMLElement>('[role=menuitem]')?.focus()); }}>
              <MenuItem icon={<Eye20Regular />} onClick={() => run('view')}>
                {t('common.view')}
              </MenuItem>
              {rights.modify && (
                <MenuItem icon={<Edit20Regular />} onClick={() => run('edit')}>
                  {t('common.edit')}
                </MenuItem>
              )}
              {rights.delete && (
                <MenuItem icon={<Delete20Regular />} onClick={() => run('delete')}>
                  {t('common.delete')}
                </MenuItem>
              )}
            </MenuList>
          </MenuPopover>
        </Menu>
      )}
    </>
  );
}
