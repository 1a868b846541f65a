import { describe, expect, it } from 'vitest';
import { DEFAULT_STATE, effectiveSort, formatBookState, pageCount, parseBookState, toggleLetter, toggleSort, updateBookState } from './querystate';
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
  it("follows the list's default order until a column is chosen", () => {
    // No sort in the address: the list's default (Display settings), else by full name.
    expect(effectiveSort(DEFAULT_STATE, 'family_name')).toBe('family_name');
    expect(effectiveSort(DEFAULT_STATE, undefined)).toBe('full_name');
    expect(effectiveSort(parseBookState('?sort=company'), 'family_name')).toBe('company');
    expect(parseBookState('?sort=family_name').sort).toBe('family_name');
    // The name column flips the order of the name sort in effect, by last name included.
    const flipped = toggleSort(DEFAULT_STATE, 'full_name', 'family_name');
    expect([flipped.sort, flipped.order]).toEqual(['family_name', 'desc']);
    expect(formatBookState(flipped)).toBe('?sort=family_name&order=desc');
    const byCompany = toggleSort(DEFAULT_STATE, 'company', 'family_name');
    expect([byCompany.sort, byCompany.order]).toEqual(['company', 'asc']);
    const back = toggleSort(byCompany, 'full_name', 'family_name');
    expect([back.sort, back.order]).toEqual(['full_name', 'asc']);
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
