import { StrictMode, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import {
  FluentProvider, teamsDarkTheme, teamsHighContrastTheme, teamsLightTheme, webDarkTheme, webLightTheme, type Theme,
} from '@fluentui/react-components';
import { App } from './app/App';
import { resumeSession, SessionProvider } from './app/session';
import { NotifyProvider } from './app/notify';
import { I18nProvider } from './i18n';
import { LANG_STORAGE_KEY, pickLang, translate, type Lang } from './i18n/core';
import { api, probeHealth } from './api/client';
import { watchBrowserConnection } from './api/status';
import { setTokenProvider, tokenProviderFor } from './auth';
import { setMapProvider } from './lib/map';
import { completeBrowserSignIn, configureBrowserSignIn, isCallback, loaderFor } from './auth/browser';
import { detectHost, onTeamsThemeChange, type HostInfo } from './teams/teams';
import { themeForBrowser, themeForTeams, type ThemeName } from './lib/theme';
import type { Info, LoginResponse } from './api/types';

performance.mark('cp:boot');
watchBrowserConnection(probeHealth);

const THEMES: Record<ThemeName, Theme> = {
  teamsLight: teamsLightTheme,
  teamsDark: teamsDarkTheme,
  teamsHighContrast: teamsHighContrastTheme,
  webLight: webLightTheme,
  webDark: webDarkTheme,
};

function useThemeName(host: HostInfo): ThemeName {
  const [name, setName] = useState<ThemeName>(() =>
    host.inTeams ? themeForTeams(host.context?.app.theme) : themeForBrowser(window.matchMedia?.('(prefers-color-scheme: dark)').matches ?? false),
  );
  useEffect(() => {
    if (host.inTeams) {
      void onTeamsThemeChange((th) => setName(themeForTeams(th)));
      return;
    }
    const mq = window.matchMedia?.('(prefers-color-scheme: dark)');
    if (!mq) return;
    const on = (e: MediaQueryListEvent) => setName(themeForBrowser(e.matches));
    mq.addEventListener('change', on);
    return () => mq.removeEventListener('change', on);
  }, [host.inTeams]);
  return name;
}

function Root({ info, host, lang, session }: { info: Info; host: HostInfo; lang: Lang; session: Promise<LoginResponse | null> }) {
  const themeName = useThemeName(host);
  return (
    <FluentProvider theme={THEMES[themeName]} style={{ height: '100%' }} data-theme={themeName}>
      <I18nProvider initial={lang}>
        <NotifyProvider>
          <SessionProvider info={info} host={host} initial={session}>
            <App />
          </SessionProvider>
        </NotifyProvider>
      </I18nProvider>
    </FluentProvider>
  );
}

function BootError({ message }: { message: string }) {
  return (
    <FluentProvider theme={webLightTheme} style={{ height: '100%' }}>
      <div role="alert" style={{ padding: 32 }}>
        <h1 style={{ fontSize: 20 }}>contactpro</h1>
        <p>The server could not be reached: {message}</p>
        <button onClick={() => window.location.reload()}>Retry</button>
      </div>
    </FluentProvider>
  );
}

async function boot() {
  const root = createRoot(document.getElementById('root')!);
  const [host, info] = await Promise.all([detectHost(), api.info().catch((e: Error) => e)]);
  if (info instanceof Error) {
    root.render(<BootError message={info.message} />);
    return;
  }
  setTokenProvider(tokenProviderFor(info.auth_mode, host.inTeams));
  setMapProvider(info.map);
  let stored: string | null = null;
  try {
    stored = localStorage.getItem(LANG_STORAGE_KEY);
  } catch {
    /* ignore */
  }
  const lang = pickLang(stored, host.context?.app.locale, navigator.language);
  configureBrowserSignIn(host.inTeams ? null : loaderFor(info));
  // Back from the identity provider: exchange the code first, then resume as usual. A failed
  // exchange (expired, replayed or forged response) leaves the callback address and says why.
  const signedIn = isCallback() && !host.inTeams
    ? completeBrowserSignIn().catch((e: Error) => {
        window.history.replaceState(null, '', '/');
        throw new Error(`${translate(lang, 'auth.callbackFailed')} (${e.message})`);
      })
    : Promise.resolve(null);
  const session = signedIn.then(() => resumeSession());
  session.catch(() => undefined);
  document.documentElement.lang = lang;
  root.render(
    <StrictMode>
      <Root info={info} host={host} lang={lang} session={session} />
    </StrictMode>,
  );
}

void boot();
