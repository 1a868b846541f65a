import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { LANG_STORAGE_KEY, translate, type Lang, type MessageKey } from './core';

export type TFunc = (key: MessageKey, vars?: Record<string, string | number>) => string;

interface I18n {
  lang: Lang;
  t: TFunc;
  setLang: (l: Lang) => void;
  formatDate: (iso: string | null | undefined) => string;
}

const Ctx = createContext<I18n | null>(null);

export function I18nProvider({ initial, children }: { initial: Lang; children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(initial);
  const setLang = useCallback((l: Lang) => {
    setLangState(l);
    try {
      localStorage.setItem(LANG_STORAGE_KEY, l);
    } catch {
      /* storage blocked */
    }
    document.documentElement.lang = l;
  }, []);
  const value = useMemo<I18n>(() => {
    const df = new Intl.DateTimeFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', { dateStyle: 'medium', timeStyle: 'short' });
    return {
      lang,
      setLang,
      t: (key, vars) => translate(lang, key, vars),
      formatDate: (iso) => {
        if (!iso) return '';
        const d = new Date(iso);
        return Number.isNaN(d.getTime()) ? iso : df.format(d);
      },
    };
  }, [lang, setLang]);
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useI18n(): I18n {
  const v = useContext(Ctx);
  if (!v) throw new Error('I18nProvider missing');
  return v;
}

export function useT(): TFunc {
  return useI18n().t;
}
