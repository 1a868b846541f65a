import { describe, expect, it } from 'vitest';
import { foldWord, highlight, parseQuery } from './highlight';

/** The text with the matched parts in [brackets]. */
const marked = (text: string, q: string, phone = false) =>
  highlight(text, parseQuery(q), phone).map((s) => (s.hit ? `[${s.text}]` : s.text)).join('');

describe('highlight', () => {
  it('marks the start of words, whatever the case and accents', () => {
    expect(marked('Clément Dupont', 'clem')).toBe('[Clém]ent Dupont');
    expect(marked('Clément Dupont', 'CLEMENT dup')).toBe('[Clément] [Dup]ont');
    expect(marked('François Hansen', 'francois')).toBe('[François] Hansen');
    expect(marked('Éloïse Hansen', 'eloise hansen')).toBe('[Éloïse] [Hansen]');
  });

  it('marks nothing inside a word, nor what the query does not have', () => {
    expect(marked('Johansen', 'hansen')).toBe('Johansen');
    expect(marked('Clément Dupont', 'pont')).toBe('Clément Dupont');
    expect(marked('Clément Dupont', '')).toBe('Clément Dupont');
    expect(marked('', 'x')).toBe('');
  });

  it('folds special letters like the server (ß, ø, æ)', () => {
    expect(foldWord('Søren')).toBe('soren');
    expect(foldWord('Straße')).toBe('strasse');
    expect(marked('Søren Larsen', 'soren')).toBe('[Søren] Larsen');
    expect(marked('Große Straße', 'strass')).toBe('Große [Straß]e');
    expect(marked('Große Straße', 'strasse')).toBe('Große [Straße]');
  });

  it('skips punctuation inside a word, and a word starts after it', () => {
    expect(marked("Brian O'Neil", 'oneil')).toBe("Brian [O'Neil]");
    expect(marked('soren.hansen@nordic.test', 'nordic')).toBe('soren.hansen@[nordic].test');
    expect(marked('soren.hansen@nordic.test', 'nordic.test')).toBe('soren.hansen@[nordic.test]');
    expect(marked('soren.hansen@nordic.test', '@nordic')).toBe('soren.hansen@[nordic].test');
    expect(marked('soren.hansen@nordic.test', 'soren@nordic.test')).toBe('soren.hansen@nordic.test');
  });

  it('merges overlapping matches into one mark', () => {
    expect(marked('Anne Annecy', 'ann anne')).toBe('[Anne] [Anne]cy');
  });

  it('keeps surrogate pairs whole', () => {
    expect(marked('😀 Zoé', 'zoe')).toBe('😀 [Zoé]');
  });
});

describe('highlight: phone numbers', () => {
  it('matches digits across spaces and signs', () => {
    expect(marked('+33 6 15 88 26 17', '0615 88', true)).toBe('+33 [6 15 88] 26 17');
    expect(marked('+33 6 15 88 26 17', '615882617', true)).toBe('+33 [6 15 88 26 17]');
    expect(marked('+33 6 35 73 38 82', '357338', true)).toBe('+33 6 [35 73 38] 82');
    expect(marked('+33 6 15 88 26 17', '+33 6 15', true)).toBe('+[33 6 15] 88 26 17');
  });

  it('an international query marks a national number after its 0', () => {
    expect(marked('06 15 88 26 17', '+33 615', true)).toBe('0[6 15] 88 26 17');
    expect(marked('06 15 88 26 17', '0033 6 15 88', true)).toBe('0[6 15 88] 26 17');
  });

  it('digits do not match across fields that are not phones, and words still do', () => {
    expect(marked('Room 0615 88', '061588')).toBe('Room 0615 88');
    expect(marked('06 15 88 26 17', '06', true)).toBe('[06] 15 88 26 17');
    expect(marked('+33 6 15 88 26 17', 'clem', true)).toBe('+33 6 15 88 26 17');
  });

  it('a query with letters is not a phone number', () => {
    expect(parseQuery('0615 abc').digits).toBeNull();
    expect(parseQuery('+33 (0)6 15').digits).toBe('330615');
    expect(parseQuery('7').digits).toBeNull();
  });
});
