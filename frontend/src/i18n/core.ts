// A small typed dictionary: no i18n library needed for two languages.
import { en, type MessageKey } from './en';
import { fr } from './fr';

export type Lang = 'en' | 'fr';
export const LANGS: Lang[] = ['en', 'fr'];
export const dictionaries: Record<Lang, Record<MessageKey, string>> = { en, fr };
export type { MessageKey };

export const LANG_STORAGE_KEY = 'contactpro.lang';

/** "fr-FR", "fr", "FR-ca" -> fr; anything else -> en. */
export function langFromLocale(locale: string | null | undefined): Lang {
  return locale && /^fr\b/i.test(locale.trim()) ? 'fr' : 'en';
}

/** The stored choice wins, then Teams' locale, then the browser's. */
export function pickLang(stored: string | null, teamsLocale: string | null | undefined, browser: string | null | undefined): Lang {
  if (stored === 'en' || stored === 'fr') return stored;
  if (teamsLocale) return langFromLocale(teamsLocale);
  return langFromLocale(browser);
}

export function format(template: string, vars?: Record<string, string | number>): string {
  if (!vars) return template;
  return template.replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m));
}

export function translate(lang: Lang, key: MessageKey, vars?: Record<string, string | number>): string {
  return format(dictionaries[lang][key] ?? en[key], vars);
}

/** Placeholders used in a message, to check that translations keep them. */
export function placeholders(s: string): string[] {
  return [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
}
