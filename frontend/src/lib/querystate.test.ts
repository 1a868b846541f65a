import { describe, expect, it } from 'vitest';
import { DEFAULT_STATE, formatBookState, pageCount, parseBookState, toggleLetter, toggleSort, updateBookState } from './querystate';
import { contactQueryString } from '../api/client';

describe('query-string state', () => {
  it('parses defaults from an empty query', () => {
    expect(parseBookState('')).toEqual(DEFAULT_STATE);
    expect(formatBookState(DEFAULT_STATE)).toBe('');
  });
  it('round-trips every field, with # encoded', () => {
    const s = { q: 'clément dupont', letter: '#', group: 'g1', sort: 'company' as const, order: 'desc' as const, page: 3, perPage: 100, view: 'list' as const };
    const str = formatBookState(s);
    expect(str).toContain('letter=%23');
    expect(parseBookState(str)).toEqual(s);
  });
  it('ignores invalid values', () => {
    const s = parseBookState('?letter=AB&sort=evil&order=up&page=-2&per_page=7&view=grid');
    expect(s).toEqual(DEFAULT_STATE);
    expect(parseBookState('?letter=c').letter).toBe('C');
  });
  it('resets the page when a filter changes', () => {
    const s = { ...DEFAULT_STATE, page: 4 };
    expect(updateBookState(s, { q: 'x' }).page).toBe(1);
    expect(updateBookState(s, { page: 5 }).page).toBe(5);
    expect(updateBookState(s, { q: '' }).page).toBe(4);
  });
  it('toggles letters and sort', () => {
    const a = toggleLetter(DEFAULT_STATE, 'A');
    expect(a.letter).toBe('A');
    expect(toggleLetter(a, 'A').letter).toBe('');
    const s1 = toggleSort(DEFAULT_STATE, 'full_name');
    expect(s1.order).toBe('desc');
    const s2 = toggleSort(s1, 'email');
    expect([s2.sort, s2.order]).toEqual(['email', 'asc']);
  });
  it('counts pages', () => {
    expect(pageCount(0, 50)).toBe(1);
    expect(pageCount(100_000, 50)).toBe(2000);
    expect(pageCount(101, 100)).toBe(2);
  });
  it('builds the API query string', () => {
    expect(contactQueryString({ q: 'a b', letter: '#', page: 2, per_page: 50 })).toBe('?q=a+b&letter=%23&page=2&per_page=50');
    expect(contactQueryString({})).toBe('');
  });
});
