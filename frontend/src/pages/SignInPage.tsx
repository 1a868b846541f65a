import { useState, type ReactNode } from 'react';
import { Button, Card, Link as FluentLink, makeStyles, MessageBar, MessageBarBody, Subtitle1, Body1, tokens } from '@fluentui/react-components';
import { PeopleTeam24Filled } from '../components/icons';
import { useSession } from '../app/session';
import { Link, navigate } from '../app/router';
import { useT } from '../i18n';
import { currentProvider } from '../auth';
import { FramedError, isFramed, startBrowserSignIn } from '../auth/browser';

const useStyles = makeStyles({
  page: { flex: 1, display: 'flex', alignItems: 'center', justifyContent: 'center', padding: tokens.spacingHorizontalXL },
  card: { maxWidth: '420px', width: '100%', padding: tokens.spacingHorizontalXXL, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL },
  logo: { color: tokens.colorBrandForeground1, width: '40px', height: '40px' },
  legal: { display: 'flex', gap: tokens.spacingHorizontalL, fontSize: tokens.fontSizeBase200 },
});

/** Where to come back to after signing in: the page that asked, never the sign-in page itself. */
function returnPath(): string {
  const here = location.pathname + location.search;
  return location.pathname === '/signin' ? '/' : here;
}

function Frame({ title, body, error, children }: { title: string; body: string; error: string | null; children: ReactNode }) {
  const s = useStyles();
  const t = useT();
  return (
    <main className={s.page}>
      <Card className={s.card}>
        <PeopleTeam24Filled className={s.logo} aria-hidden />
        <Subtitle1 as="h1">{title}</Subtitle1>
        <Body1>{body}</Body1>
        {error && (
          <MessageBar intent="error">
            <MessageBarBody>{error}</MessageBarBody>
          </MessageBar>
        )}
        {children}
        <nav className={s.legal} aria-label={t('legal.nav')}>
          <Link href="/privacy">{t('legal.privacy')}</Link>
          <Link href="/terms">{t('legal.terms')}</Link>
        </nav>
      </Card>
    </main>
  );
}

export function SignInPage({ reason }: { reason?: string }) {
  const t = useT();
  const { info, host } = useSession();
  const [err, setErr] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // Identity providers refuse to be framed: outside Teams, a framed page signs in in a new window.
  const framed = !host.inTeams && info.auth_mode !== 'demo' && isFramed();

  const signIn = () => {
    setBusy(true);
    setErr(null);
    startBrowserSignIn(returnPath()).catch((e: Error) => {
      setBusy(false);
      setErr(e instanceof FramedError ? t('auth.framed') : `${t('auth.signInFailed')} ${e.message}`);
    });
  };

  return (
    <Frame title={t('auth.signInTitle')} body={t('auth.signInBody')} error={err}>
      {reason && (
        <MessageBar intent="warning">
          <MessageBarBody>{reason}</MessageBarBody>
        </MessageBar>
      )}
      {info.auth_mode === 'demo' && !host.inTeams ? (
        <Button appearance="primary" onClick={() => navigate(`/demo?next=${encodeURIComponent(returnPath())}`)}>
          {t('auth.signIn')}
        </Button>
      ) : host.inTeams ? (
        <Button appearance="primary" onClick={() => window.location.reload()}>
          {t('common.retry')}
        </Button>
      ) : framed ? (
        <>
          <Body1>{t('auth.framed')}</Body1>
          <FluentLink href={location.href} target="_blank" rel="noopener">
            {t('auth.openWindow')}
          </FluentLink>
        </>
      ) : (
        <Button appearance="primary" disabled={busy} onClick={signIn}>
          {busy ? t('auth.redirecting') : t('auth.signIn')}
        </Button>
      )}
    </Frame>
  );
}

/** The server needs the user's consent before it can read their profile from Microsoft Graph. */
export function ConsentPage() {
  const t = useT();
  const { completeSignIn } = useSession();
  const [err, setErr] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const grant = async () => {
    setBusy(true);
    setErr(null);
    try {
      const p = currentProvider();
      if (!p.requestConsent) throw new Error(t('auth.consentUnavailable'));
      // In Teams this shows Teams' consent pop-up; in a browser it leaves for the identity provider.
      await p.requestConsent();
      await completeSignIn();
    } catch (e) {
      setErr(e instanceof FramedError ? t('auth.framed') : `${t('auth.consentFailed')} ${(e as Error).message}`);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Frame title={t('auth.consentTitle')} body={t('auth.consentBody')} error={err}>
      <Button appearance="primary" disabled={busy} onClick={() => void grant()}>
        {t('auth.grantConsent')}
      </Button>
    </Frame>
  );
}
