import {
  makeStyles, mergeClasses, Menu, MenuButton, MenuDivider, MenuGroup, MenuGroupHeader, MenuItem, MenuItemRadio, MenuList, MenuPopover,
  MenuTrigger, SearchBox, SplitButton, Subtitle2, Button, tokens, Tooltip, type MenuButtonProps, Caption1,
} from '@fluentui/react-components';
import { memo, type ReactElement } from 'react';
import {
  Add20Regular, AppsList20Regular, ArrowDownload20Regular, ArrowUpload20Regular, Grid20Regular, Group20Regular, Info20Regular,
  Key20Regular, PeopleAdd20Regular, QuestionCircle20Regular, Settings20Regular, ShieldLock20Regular, TextBulletListLtr20Regular,
  Person20Regular, Rename20Regular, Delete20Regular, DeleteDismiss20Regular, PeopleSearch20Regular,
} from '../components/icons';
import type { ContactList, DisplayMode } from '../api/types';
import { useI18n } from '../i18n';
import type { Lang } from '../i18n/core';
import { navigate } from '../app/router';

export type BookDialog = 'newContact' | 'newGroup' | 'display' | 'groups' | 'export' | 'import' | 'permissions' | 'apikeys' | 'about' | 'renameList' | 'deleteList' | 'trash' | 'sync' | 'duplicates';

const useStyles = makeStyles({
  bar: {
    display: 'flex',
    alignItems: 'center',
    gap: tokens.spacingHorizontalM,
    flexWrap: 'wrap',
    padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalL}`,
    backgroundColor: tokens.colorNeutralBackground1,
    borderBottom: `1px solid ${tokens.colorNeutralStroke2}`,
  },
  title: { display: 'flex', flexDirection: 'column', minWidth: 0, maxWidth: '260px' },
  titleText: { overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap', margin: 0 },
  count: { color: tokens.colorNeutralForeground3 },
  modes: { display: 'flex', gap: '2px', padding: '2px', borderRadius: tokens.borderRadiusMedium, backgroundColor: tokens.colorNeutralBackground3 },
  search: { flex: 1, minWidth: '240px', maxWidth: 'none' },
  // Phone: title and buttons on one line, the search box on the next, nothing else.
  compactBar: { gap: tokens.spacingHorizontalXS, padding: `${tokens.spacingVerticalXS} ${tokens.spacingHorizontalS}`, rowGap: tokens.spacingVerticalXS },
  compactTitle: { flex: 1, maxWidth: 'none' },
  compactSearch: { flexBasis: '100%', minWidth: 0, minHeight: '44px', order: 10 },
  touch: { minWidth: '44px', minHeight: '44px' },
});

interface Props {
  list: ContactList;
  mode: DisplayMode;
  onMode: (m: DisplayMode) => void;
  search: string;
  onSearch: (v: string) => void;
  open: (d: BookDialog) => void;
  total: number | null;
  /** The phone layout. */
  compact?: boolean;
}

export const TopBar = memo(function TopBar({ list, mode, onMode, search, onSearch, open, total, compact }: Props) {
  const s = useStyles();
  const { t, lang, setLang } = useI18n();
  const r = list.rights;
  const modes: { m: DisplayMode; icon: ReactElement; label: string }[] = [
    { m: 'card', icon: <Grid20Regular />, label: t('mode.card') },
    { m: 'list', icon: <TextBulletListLtr20Regular />, label: t('mode.list') },
    { m: 'group', icon: <Group20Regular />, label: t('mode.group') },
  ];
  return (
    <div className={mergeClasses(s.bar, compact && s.compactBar)} role="toolbar" aria-label={list.name}>
      <div className={mergeClasses(s.title, compact && s.compactTitle)}>
        <Subtitle2 as="h1" className={s.titleText} title={list.name}>
          {list.name}
        </Subtitle2>
        {total !== null && <Caption1 className={s.count}>{total === 1 ? t('book.totalOne') : t('book.total', { count: total })}</Caption1>}
      </div>
      {r.add && compact && (
        <Button appearance="primary" className={s.touch} icon={<Add20Regular />} aria-label={t('book.newContact')} onClick={() => open('newContact')} />
      )}
      {r.add && !compact && (
        <Menu positioning="below-end">
          <MenuTrigger disableButtonEnhancement>
            {(triggerProps: MenuButtonProps) => (
              <SplitButton
                appearance="primary"
                icon={<Add20Regular />}
                menuButton={{ ...triggerProps, 'aria-label': t('book.moreNew') }}
                primaryActionButton={{ onClick: () => open('newContact') }}
              >
                {t('book.newContact')}
              </SplitButton>
            )}
          </MenuTrigger>
          <MenuPopover>
            <MenuList>
              <MenuItem icon={<Person20Regular />} onClick={() => open('newContact')}>
                {t('book.newContact')}
              </MenuItem>
              <MenuItem icon={<PeopleAdd20Regular />} onClick={() => open('newGroup')}>
                {t('book.newGroup')}
              </MenuItem>
            </MenuList>
          </MenuPopover>
        </Menu>
      )}
      {!compact && (
      <div className={s.modes} role="group" aria-label={t('mode.label')}>
        {modes.map(({ m, icon, label }) => (
          <Tooltip key={m} content={label} relationship="label">
            <Button
              size="small"
              appearance={mode === m ? 'primary' : 'subtle'}
              aria-pressed={mode === m}
              icon={icon}
              onClick={() => onMode(m)}
              data-mode={m}
            />
          </Tooltip>
        ))}
      </div>
      )}
      <SearchBox
        className={mergeClasses(s.search, compact && s.compactSearch)}
        id="book-search"
        placeholder={compact ? t('common.search') : t('book.searchPlaceholder')}
        aria-keyshortcuts="/"
        autoComplete="off"
        aria-label={t('book.searchLabel')}
        value={search}
        onChange={(_, d) => onSearch(d.value)}
      />
      <Menu>
        <MenuTrigger disableButtonEnhancement>
          <Tooltip content={t('book.settings')} relationship="label">
            <MenuButton appearance="subtle" className={compact ? s.touch : undefined} icon={<Settings20Regular />} aria-label={t('book.settings')} />
          </Tooltip>
        </MenuTrigger>
        <MenuPopover>
          <MenuList>
            {r.owner && (
              <MenuItem icon={<AppsList20Regular />} onClick={() => open('display')}>
                {t('book.displaySettings')}
              </MenuItem>
            )}
            <MenuItem icon={<Group20Regular />} onClick={() => open('groups')}>
              {t('book.groupAdmin')}
            </MenuItem>
            <MenuDivider />
            <MenuItem icon={<ArrowDownload20Regular />} onClick={() => open('export')}>
              {t('book.export')}
            </MenuItem>
            {r.add && (
              <MenuItem icon={<ArrowUpload20Regular />} onClick={() => open('import')}>
                {t('book.import')}
              </MenuItem>
            )}
            {(r.modify || r.delete || r.owner) && <MenuDivider />}
            {(r.modify || r.owner) && (
              <MenuItem icon={<PeopleSearch20Regular />} onClick={() => open('duplicates')}>
                {t('dup.menu')}
              </MenuItem>
            )}
            {(r.delete || r.owner) && (
              <MenuItem icon={<DeleteDismiss20Regular />} onClick={() => open('trash')}>
                {t('trash.menu')}
              </MenuItem>
            )}
            {r.owner && (
              <>
                <MenuDivider />
                <MenuItem icon={<ShieldLock20Regular />} onClick={() => open('permissions')}>
                  {t('book.permissions')}
                </MenuItem>
                <MenuItem icon={<Key20Regular />} onClick={() => open('apikeys')}>
                  {t('book.apiKeys')}
                </MenuItem>
                <MenuDivider />
                <MenuItem icon={<Rename20Regular />} onClick={() => open('renameList')}>
                  {t('listAdmin.rename')}
                </MenuItem>
                <MenuItem icon={<Delete20Regular />} onClick={() => open('deleteList')}>
                  {t('listAdmin.delete')}
                </MenuItem>
              </>
            )}
          </MenuList>
        </MenuPopover>
      </Menu>
      <Menu checkedValues={{ lang: [lang] }} onCheckedValueChange={(_, d) => d.name === 'lang' && setLang(d.checkedItems[0] as Lang)}>
        <MenuTrigger disableButtonEnhancement>
          <Tooltip content={t('book.help')} relationship="label">
            <MenuButton appearance="subtle" className={compact ? s.touch : undefined} icon={<QuestionCircle20Regular />} aria-label={t('book.help')} />
          </Tooltip>
        </MenuTrigger>
        <MenuPopover>
          <MenuList>
            <MenuItem icon={<Info20Regular />} onClick={() => open('about')}>
              {t('book.about')}
            </MenuItem>
            <MenuItem onClick={() => navigate('/docs/api')}>{t('home.apiDocs')}</MenuItem>
            <MenuItem onClick={() => open('sync')}>{t('sync.menu')}</MenuItem>
            <MenuDivider />
            <MenuGroup>
              <MenuGroupHeader>{t('book.language')}</MenuGroupHeader>
              <MenuItemRadio name="lang" value="en">
                {t('lang.en')}
              </MenuItemRadio>
              <MenuItemRadio name="lang" value="fr">
                {t('lang.fr')}
              </MenuItemRadio>
            </MenuGroup>
          </MenuList>
        </MenuPopover>
      </Menu>
    </div>
  );
});

