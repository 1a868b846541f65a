import { useEffect, useState } from 'react';
import {
  Avatar, Body1, Caption1, Card, CardFooter, CardHeader, makeStyles, MessageBar, MessageBarBody, Spinner, Subtitle1, Text, tokens,
  Menu, MenuTrigger, MenuPopover, MenuList, MenuItemRadio, Button,
} from '@fluentui/react-components';
import { api } from '../api/client';
import type { Persona } from '../api/types';
import { storeDemoToken } from '../auth';
import { useSession } from '../app/session';
import { navigate } from '../app/router';
import { useI18n } from '../i18n';
import { PeopleTeam24Filled, LocalLanguage20Regular } from '../components/icons';
import type { Lang } from '../i18n/core';

const useStyles = makeStyles({
  page: { flex: 1, overflowY: 'auto', display: 'flex', justifyContent: 'center', padding: `${tokens.spacingVerticalXXXL} ${tokens.spacingHorizontalXL}` },
  inner: { maxWidth: '880px', width: '100%', display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL },
  head: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalM },
  logo: { color: tokens.colorBrandForeground1, width: '36px', height: '36px' },
  grid: { display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(250px, 1fr))', gap: tokens.spacingHorizontalL },
  card: { cursor: 'pointer', ':hover': { boxShadow: tokens.shadow8 } },
  spacer: { flex: 1 },
});

function safeNext(next: string | null): string {
  // Only same-origin paths: never an open redirect.
  if (next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/demo')) return next;
  return '/';
}

export default function DemoPage() {
  const s = useStyles();
  const { t, lang, setLang } = useI18n();
  const { completeSignIn, info } = useSession();
  const [personas, setPersonas] = useState<Persona[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  useEffect(() => {
    api.personas().then((r) => setPersonas(r.items), (e: Error) => setError(e.message));
  }, []);

  const choose = async (p: Persona) => {
    setBusy(p.oid);
    setError(null);
    try {
      const tok = await api.demoToken({ tid: p.tid, oid: p.oid, name: p.name, upn: p.upn });
      storeDemoToken(tok.access_token);
      await completeSignIn();
      navigate(safeNext(new URLSearchParams(location.search).get('next')), { replace: true });
    } catch (e) {
      setError((e as Error).message);
      setBusy(null);
    }
  };

  return (
    <main className={s.page}>
      <div className={s.inner}>
        <div className={s.head}>
          <PeopleTeam24Filled className={s.logo} aria-hidden />
          <Subtitle1 as="h1">{t('auth.demoTitle')}</Subtitle1>
          <div className={s.spacer} />
          <Menu checkedValues={{ lang: [lang] }} onCheckedValueChange={(_, d) => setLang(d.checkedItems[0] as Lang)}>
            <MenuTrigger disableButtonEnhancement>
              <Button appearance="subtle" icon={<LocalLanguage20Regular />} title={t('book.language')}>
                {t(`lang.${lang}`)}
              </Button>
            </MenuTrigger>
            <MenuPopover>
              <MenuList>
                <MenuItemRadio name="lang" value="en">{t('lang.en')}</MenuItemRadio>
                <MenuItemRadio name="lang" value="fr">{t('lang.fr')}</MenuItemRadio>
              </MenuList>
            </MenuPopover>
          </Menu>
        </div>
        <Body1>{t('auth.demoBody')}</Body1>
        {info.auth_mode !== 'demo' && (
          <MessageBar intent="warning">
            <MessageBarBody>{t('auth.noPersonas')}</MessageBarBody>
          </MessageBar>
        )}
        {error && (
          <MessageBar intent="error">
            <MessageBarBody>{error}</MessageBarBody>
          </MessageBar>
        )}
        {!personas && !error && <Spinner label={t('app.loading')} />}
        {personas && personas.length === 0 && <Body1>{t('auth.noPersonas')}</Body1>}
        <div className={s.grid} role="list">
          {personas?.map((p) => (
            <div role="listitem" key={`${p.tid}/${p.oid}`}>
              <Card className={s.card} onClick={() => void choose(p)} focusMode="off">
                <CardHeader
                  image={<Avatar name={p.name} color="colorful" size={48} aria-hidden />}
                  header={<Text weight="semibold">{p.name}</Text>}
                  description={
                    <Caption1>
                      {[p.job_title, p.org_name].filter(Boolean).join(' · ')}
                      <br />
                      {p.upn}
                    </Caption1>
                  }
                />
                <CardFooter>
                  <Button
                    appearance="primary"
                    disabled={busy !== null}
                    icon={busy === p.oid ? <Spinner size="tiny" /> : undefined}
                    onClick={(e) => {
                      e.stopPropagation();
                      void choose(p);
                    }}
                  >
                    {t('auth.demoUse', { name: p.name })}
                  </Button>
                </CardFooter>
              </Card>
            </div>
          ))}
        </div>
      </div>
    </main>
  );
}
