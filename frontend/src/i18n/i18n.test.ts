import { describe, expect, it } from 'vitest';
import { dictionaries, format, langFromLocale, pickLang, placeholders, translate } from './core';
import { en } from './en';

describe('i18n', () => {
  it('has every key in both languages, non-empty, with the same placeholders', () => {
    const keys = Object.keys(en).sort();
    for (const lang of ['en', 'fr'] as const) {
      const d = dictionaries[lang];
      expect(Object.keys(d).sort()).toEqual(keys);
      for (const k of keys) {
        const v = d[k as keyof typeof en];
        expect(v, `${lang}:${k}`).toBeTruthy();
        expect(placeholders(v), `${lang}:${k}`).toEqual(placeholders(en[k as keyof typeof en]));
      }
    }
  });
  it('picks the language', () => {
    expect(langFromLocale('fr-FR')).toBe('fr');
    expect(langFromLocale('FR-ca')).toBe('fr');
    expect(langFromLocale('en-US')).toBe('en');
    expect(langFromLocale('de')).toBe('en');
    expect(langFromLocale(undefined)).toBe('en');
    expect(pickLang('en', 'fr-fr', 'fr')).toBe('en');
    expect(pickLang(null, 'fr-fr', 'en')).toBe('fr');
    expect(pickLang(null, null, 'fr-BE')).toBe('fr');
    expect(pickLang('garbage', undefined, 'en')).toBe('en');
  });
  it('formats placeholders', () => {
    expect(format('{a} and {b}', { a: 1, b: 'x' })).toBe('1 and x');
    expect(format('{missing}', {})).toBe('{missing}');
    expect(translate('fr', 'book.total', { count: 3 })).toBe('3 contacts');
  });
});
