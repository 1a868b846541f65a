import { Suspense, useEffect, type ReactNode } from 'react';
import { makeStaticStyles, makeStyles, Spinner, tokens } from '@fluentui/react-components';
import { matchRoute, navigate, useLocation } from './router';
import { useSession } from './session';
import { HomePage } from '../pages/HomePage';
import { ListPage } from '../book/ListPage';
import { ConsentPage, SignInPage } from '../pages/SignInPage';
import { NotFoundPage } from '../pages/NotFoundPage';
import { useT } from '../i18n';

import { lazyRetry, RouteBoundary } from './resilience';
import { ServiceBanner } from './ServiceBanner';

const DemoPage = lazyRetry(() => import('../pages/DemoPage'));
const ConfigPage = lazyRetry(() => import('../pages/ConfigPage'));
const ApiDocsPage = lazyRetry(() => import('../pages/ApiDocsPage'));
const LegalPage = lazyRetry(() => import('../pages/LegalPage'));

const useStyles = makeStyles({
  root: {
    height: '100%',
    display: 'flex',
    flexDirection: 'column',
    backgroundColor: tokens.colorNeutralBackground2,
    color: tokens.colorNeutralForeground1,
  },
  center: { flex: 1, display: 'flex', alignItems: 'center', justifyContent: 'center' },
});

// Phones (Teams mobile): dialogs take the whole screen, and everything tappable is at least 44 px.
const usePhoneStyles = makeStaticStyles(`
@media (max-width: 600px) {
  .fui-DialogSurface {
    max-width: 100vw !important; width: 100vw !important; height: 100dvh !important; max-height: 100dvh !important;
    border-radius: 0 !important; border: none !important; margin: 0 !important; inset: 0 !important;
    display: flex !important; flex-direction: column;
  }
  .fui-DialogSurface > form, .fui-DialogSurface > .fui-DialogBody { flex: 1; max-height: none !important; }
  .fui-DialogBody { max-height: none !important; }
}
@media (max-width: 600px), (pointer: coarse) {
  .fui-Button, .fui-MenuButton, .fui-ToggleButton, .fui-SplitButton__primaryActionButton, .fui-SplitButton__menuButton,
  .fui-MenuItem, .fui-Tab, .fui-Option, .fui-Link, .fui-Dropdown__button, .fui-SearchBox, .fui-Input {
    min-height: 44px;
  }
  .fui-Button, .fui-MenuButton { min-width: 44px; }
}
`);

export function Loading() {
  const s = useStyles();
  const t = useT();
  return (
    <div className={s.center}>
      <Spinner label={t('app.loading')} />
    </div>
  );
}

function RequireAuth({ children }: { children: ReactNode }) {
  const { auth, info } = useSession();
  const loc = useLocation();
  const demoRedirect = auth.status === 'signedOut' && info.auth_mode === 'demo';
  useEffect(() => {
    if (demoRedirect) navigate(`/demo?next=${encodeURIComponent(loc.pathname + loc.search)}`, { replace: true });
  }, [demoRedirect, loc.pathname, loc.search]);
  if (auth.status === 'checking' || demoRedirect) return <Loading />;
  if (auth.status === 'signedOut') return <SignInPage reason={auth.reason} />;
  if (auth.status === 'consent') return <ConsentPage />;
  return <>{children}</>;
}

export function App() {
  const s = useStyles();
  usePhoneStyles();
  const loc = useLocation();
  const route = matchRoute(loc.pathname);
  let page: ReactNode;
  switch (route.name) {
    case 'demo':
      page = <DemoPage />;
      break;
    case 'signin':
      page = <SignInPage />;
      break;
    case 'privacy':
    case 'terms':
      page = <LegalPage which={route.name} />;
      break;
    case 'apidocs':
      page = <ApiDocsPage />;
      break;
    case 'config':
      page = (
        <RequireAuth>
          <ConfigPage />
        </RequireAuth>
      );
      break;
    case 'home':
      page = (
        <RequireAuth>
          <HomePage />
        </RequireAuth>
      );
      break;
    case 'list':
      page = (
        <RequireAuth>
          <ListPage key={route.id} listId={route.id} contactId={route.contactId} />
        </RequireAuth>
      );
      break;
    default:
      page = <NotFoundPage />;
  }
  return (
    <div className={s.root}>
      <ServiceBanner />
      <RouteBoundary key={route.name === 'list' ? `/lists/${route.id}` : loc.pathname}>
        <Suspense fallback={<Loading />}>{page}</Suspense>
      </RouteBoundary>
    </div>
  );
}
