import { Suspense, useState, type ReactNode } from 'react';
import {
  Avatar, Button, makeStyles, Menu, MenuItem, MenuItemRadio, MenuList, MenuPopover, MenuTrigger, MenuGroup, MenuGroupHeader,
  MenuDivider, Text, tokens,
} from '@fluentui/react-components';
import { PeopleTeam24Filled } from '../components/icons';
import { useSession, useUser } from '../app/session';
import { Link, navigate } from '../app/router';
import { DialogBoundary, lazyRetry } from '../app/resilience';
import { useI18n } from '../i18n';
import type { Lang } from '../i18n/core';

const SyncDialog = lazyRetry(() => import('../book/dialogs/SyncDialog'));

const useStyles = makeStyles({
  bar: {
    display: 'flex',
    alignItems: 'center',
    gap: tokens.spacingHorizontalM,
    height: '48px',
    flexShrink: 0,
    paddingLeft: tokens.spacingHorizontalL,
    paddingRight: tokens.spacingHorizontalL,
    backgroundColor: tokens.colorNeutralBackground3,
    borderBottom: `1px solid ${tokens.colorNeutralStroke2}`,
  },
  brand: {
    display: 'flex',
    alignItems: 'center',
    gap: tokens.spacingHorizontalS,
    color: tokens.colorNeutralForeground1,
    textDecorationLine: 'none',
    fontWeight: tokens.fontWeightSemibold,
    fontSize: tokens.fontSizeBase400,
    ':focus-visible': { outline: `2px solid ${tokens.colorStrokeFocus2}`, borderRadius: tokens.borderRadiusMedium },
  },
  logo: { color: tokens.colorBrandForeground1, fontSize: '24px' },
  spacer: { flex: 1 },
});

export function AppHeader({ children }: { children?: ReactNode }) {
  const s = useStyles();
  const user = useUser();
  const { signOut, host } = useSession();
  const { t, lang, setLang } = useI18n();
  const [sync, setSync] = useState(false);
  if (host.inTeams) return null;
  return (
    <header className={s.bar}>
      <Link href="/" className={s.brand}>
        <PeopleTeam24Filled className={s.logo} aria-hidden />
        {t('app.name')}
      </Link>
      {children}
      <div className={s.spacer} />
      {user && (
        <Menu
          checkedValues={{ lang: [lang] }}
          onCheckedValueChange={(_, d) => d.name === 'lang' && setLang(d.checkedItems[0] as Lang)}
        >
          <MenuTrigger disableButtonEnhancement>
            <Button appearance="subtle" title={t('auth.signedInAs', { name: user.display_name })} icon={<Avatar name={user.display_name} size={28} aria-hidden />}>
              <Text>{user.display_name}</Text>
            </Button>
          </MenuTrigger>
          <MenuPopover>
            <MenuList>
              <MenuGroup>
                <MenuGroupHeader>{t('book.language')}</MenuGroupHeader>
                <MenuItemRadio name="lang" value="en">{t('lang.en')}</MenuItemRadio>
                <MenuItemRadio name="lang" value="fr">{t('lang.fr')}</MenuItemRadio>
              </MenuGroup>
              <MenuDivider />
              <MenuItem onClick={() => setSync(true)}>{t('sync.menu')}</MenuItem>
              <MenuItem onClick={() => navigate('/docs/api')}>{t('home.apiDocs')}</MenuItem>
              <MenuItem
                onClick={() => {
                  signOut();
                }}
              >
                {t('auth.signOut')}
              </MenuItem>
            </MenuList>
          </MenuPopover>
        </Menu>
      )}
      {sync && (
        <Suspense fallback={null}>
          <DialogBoundary onClose={() => setSync(false)}>
            <SyncDialog onClose={() => setSync(false)} />
          </DialogBoundary>
        </Suspense>
      )}
    </header>
  );
}
