import { useState } from 'react';
import { Button, Card, makeStyles, MessageBar, MessageBarBody, Subtitle1, Body1, tokens } from '@fluentui/react-components';
import { PeopleTeam24Filled } from '../components/icons';
import { useSession } from '../app/session';
import { navigate } from '../app/router';
import { useT } from '../i18n';
import { startOidcSignIn } from '../auth/oidc';

const useStyles = makeStyles({
  page: { flex: 1, display: 'flex', alignItems: 'center', justifyContent: 'center', padding: tokens.spacingHorizontalXL },
  card: { maxWidth: '420px', width: '100%', padding: tokens.spacingHorizontalXXL, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL },
  logo: { color: tokens.colorBrandForeground1, width: '40px', height: '40px' },
});

export function SignInPage({ reason }: { reason?: string }) {
  const s = useStyles();
  const t = useT();
  const { info, host } = useSession();
  const [err, setErr] = useState<string | null>(null);
  return (
    <main className={s.page}>
      <Card className={s.card}>
        <PeopleTeam24Filled className={s.logo} aria-hidden />
        <Subtitle1 as="h1">{t('auth.signInTitle')}</Subtitle1>
        <Body1>{t('auth.signInBody')}</Body1>
        {reason && (
          <MessageBar intent="warning">
            <MessageBarBody>{reason}</MessageBarBody>
          </MessageBar>
        )}
        {err && (
          <MessageBar intent="error">
            <MessageBarBody>{err}</MessageBarBody>
          </MessageBar>
        )}
        {info.auth_mode === 'demo' && !host.inTeams ? (
          <Button appearance="primary" onClick={() => navigate(`/demo?next=${encodeURIComponent(location.pathname + location.search)}`)}>
            {t('auth.signIn')}
          </Button>
        ) : host.inTeams ? (
          <Button appearance="primary" onClick={() => window.location.reload()}>
            {t('common.retry')}
          </Button>
        ) : (
          <Button
            appearance="primary"
            onClick={() => startOidcSignIn().catch((e: Error) => setErr(e.message))}
          >
            {t('auth.signIn')}
          </Button>
        )}
      </Card>
    </main>
  );
}
