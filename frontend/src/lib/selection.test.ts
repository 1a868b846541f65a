import { describe, expect, it } from 'vitest';
import { EMPTY_SELECTION, pageState, runLimited, selectionReducer as r, type Selection } from './selection';

const order = ['a', 'b', 'c', 'd', 'e'];
const ids = (s: Selection) => [...s.ids].sort();

describe('selection', () => {
  it('toggles one item and remembers it as the anchor', () => {
    let s = r(EMPTY_SELECTION, { type: 'toggle', id: 'b' });
    expect(ids(s)).toEqual(['b']);
    expect(s.anchor).toBe('b');
    s = r(s, { type: 'toggle', id: 'b' });
    expect(ids(s)).toEqual([]);
  });

  it('shift selects the range from the anchor, in either direction, keeping the anchor', () => {
    let s = r(EMPTY_SELECTION, { type: 'toggle', id: 'b' });
    s = r(s, { type: 'range', id: 'd', order });
    expect(ids(s)).toEqual(['b', 'c', 'd']);
    s = r(s, { type: 'range', id: 'a', order });
    expect(ids(s)).toEqual(['a', 'b', 'c', 'd']);
    expect(s.anchor).toBe('b');
  });

  it('a range without an anchor (or one gone from the page) is a toggle', () => {
    expect(ids(r(EMPTY_SELECTION, { type: 'range', id: 'c', order }))).toEqual(['c']);
    const s = r(r(EMPTY_SELECTION, { type: 'toggle', id: 'zz' }), { type: 'range', id: 'a', order });
    expect(ids(s)).toEqual(['a', 'zz']);
  });

  it('selects and unselects a whole page, keeping other pages', () => {
    let s = r(EMPTY_SELECTION, { type: 'toggle', id: 'other-page' });
    s = r(s, { type: 'all', order });
    expect(s.ids.size).toBe(6);
    expect(pageState(s, order)).toBe(true);
    s = r(s, { type: 'none', order });
    expect(ids(s)).toEqual(['other-page']);
    expect(pageState(s, order)).toBe(false);
    expect(pageState(r(s, { type: 'toggle', id: 'a' }), order)).toBe('mixed');
  });

  it('removes deleted items and clears', () => {
    let s = r(EMPTY_SELECTION, { type: 'all', order });
    s = r(s, { type: 'remove', ids: ['a', 'b'] });
    expect(ids(s)).toEqual(['c', 'd', 'e']);
    expect(r(s, { type: 'clear' })).toBe(EMPTY_SELECTION);
  });
});

describe('runLimited', () => {
  it('runs at most n at a time and keeps outcomes in order', async () => {
    let running = 0;
    let peak = 0;
    const out = await runLimited([1, 2, 3, 4, 5, 6], 2, async (x) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((res) => setTimeout(res, 5));
      running--;
      if (x === 3) throw new Error('three');
      return x * 10;
    });
    expect(peak).toBe(2);
    expect(out.map((o) => (o.status === 'fulfilled' ? o.value : 'x'))).toEqual([10, 20, 'x', 40, 50, 60]);
  });
});
