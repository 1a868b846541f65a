// Which parts of a displayed value the search query matched, to wrap them in <mark>. Mirrors
// the server's rules (src/search/fold.rs): accents and case do not count, each query word is the
// start of a word of the text ("clem" marks "Clém" in "Clément"), punctuation inside a word is
// skipped ("oneil" marks "O'Neil") and also starts a word (the "tailspin" of "a@tailspin.example").
// Phone numbers: the query's digits meet the number's digits whatever the spaces, "+" or the
// national "0" ("0615 88" marks "6 15 88" in "+33 6 15 88 26 17").

export interface Segment {
  text: string;
  hit: boolean;
}

export interface HighlightQuery {
  /** Folded query words (letters and digits only). */
  words: string[];
  /** The query's digits when it is a phone number (only digits and + ( ) . - / spaces), else null. */
  digits: string | null;
  /** The number was typed the international way ("+33 ..." or "0033 ..."). */
  intl: boolean;
}

const SPECIAL: Record<string, string> = { ß: 'ss', ø: 'o', ł: 'l', đ: 'd', æ: 'ae', œ: 'oe', þ: 'th', ı: 'i', ð: 'd' };

/** One character folded the way the server folds it: lowercase ASCII letters and digits ('' for punctuation). */
export function foldChar(ch: string): string {
  const lower = ch.toLowerCase();
  const special = SPECIAL[lower];
  const base = special ?? lower.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
  return base.replace(/[^a-z0-9]/g, '');
}

export function foldWord(s: string): string {
  let out = '';
  for (const ch of s) out += foldChar(ch);
  return out;
}

export const NO_HIGHLIGHT: HighlightQuery = { words: [], digits: null, intl: false };

export function parseQuery(q: string): HighlightQuery {
  const trimmed = q.trim();
  if (!trimmed) return NO_HIGHLIGHT;
  const words = [...new Set(trimmed.split(/\s+/).map(foldWord).filter(Boolean))];
  const phoneLike = /^[+\d\s().\-/]+$/.test(trimmed) && /\d/.test(trimmed);
  const digits = phoneLike ? trimmed.replace(/\D/g, '') : null;
  return { words, digits: digits && digits.length >= 2 ? digits : null, intl: /^(\+|00)/.test(trimmed) };
}

type Range = [number, number];

function wordRanges(text: string, words: string[]): Range[] {
  const ranges: Range[] = [];
  // Folded letters of the current run of non-space characters, each with the UTF-16 span of
  // the original character it came from, and whether a word starts there.
  let folded = '';
  let from: number[] = [];
  let to: number[] = [];
  let starts: boolean[] = [];
  const flush = () => {
    for (let k = 0; k < folded.length; k++) {
      if (!starts[k]) continue;
      for (const w of words) {
        if (folded.startsWith(w, k)) ranges.push([from[k], to[k + w.length - 1]]);
      }
    }
    folded = '';
    from = [];
    to = [];
    starts = [];
  };
  let afterPunct = true;
  let i = 0;
  for (const ch of text) {
    const end = i + ch.length;
    if (/\s/.test(ch)) {
      flush();
      afterPunct = true;
    } else {
      const f = foldChar(ch);
      if (!f) afterPunct = true;
      for (let j = 0; j < f.length; j++) {
        starts.push(j === 0 && afterPunct);
        from.push(i);
        to.push(end);
        folded += f[j];
      }
      if (f) afterPunct = false;
    }
    i = end;
  }
  flush();
  return ranges;
}

function digitRanges(text: string, q: HighlightQuery): Range[] {
  if (!q.digits) return [];
  let digits = '';
  const at: number[] = [];
  for (let i = 0; i < text.length; i++) {
    if (text[i] >= '0' && text[i] <= '9') {
      digits += text[i];
      at.push(i);
    }
  }
  if (digits.length < 2) return [];
  const span = (k: number, n: number): Range => [at[k], at[k + n - 1] + 1];
  const ranges: Range[] = [];
  const find = (needle: string) => {
    if (needle.length < 2) return;
    for (let k = digits.indexOf(needle); k >= 0; k = digits.indexOf(needle, k + 1)) ranges.push(span(k, needle.length));
  };
  find(q.digits);
  // National "06 15" against an international "+33 6 15": the national prefix 0 is not in it.
  const national = q.digits.replace(/^0+/, '');
  if (national !== q.digits && !q.intl) find(national);
  // International "+33 615" against a national "06 15 ...": after some country code (1 to 3
  // digits), the rest follows the number's leading 0.
  if (q.intl && digits.startsWith('0') && !digits.startsWith('00')) {
    const d = q.digits.replace(/^00/, '');
    for (let cc = 1; cc <= 3; cc++) {
      const rest = d.slice(cc);
      if (rest.length >= 2 && digits.startsWith(rest, 1)) ranges.push(span(1, rest.length));
    }
  }
  return ranges;
}

/**
 * Splits `text` into matched and unmatched parts for query `q`. `phone`: the text is a phone
 * number (digits match across spaces and the national/international forms).
 */
export function highlight(text: string, q: HighlightQuery, phone = false): Segment[] {
  if (!text || (!q.words.length && !q.digits)) return [{ text, hit: false }];
  const ranges = [...wordRanges(text, q.words), ...(phone ? digitRanges(text, q) : [])].sort((a, b) => a[0] - b[0]);
  if (!ranges.length) return [{ text, hit: false }];
  const out: Segment[] = [];
  let pos = 0;
  let cur: Range | null = null;
  const emit = (r: Range) => {
    if (r[0] > pos) out.push({ text: text.slice(pos, r[0]), hit: false });
    out.push({ text: text.slice(r[0], r[1]), hit: true });
    pos = r[1];
  };
  for (const r of ranges) {
    if (cur && r[0] <= cur[1]) cur[1] = Math.max(cur[1], r[1]);
    else {
      if (cur) emit(cur);
      cur = [r[0], r[1]];
    }
  }
  if (cur) emit(cur);
  if (pos < text.length) out.push({ text: text.slice(pos), hit: false });
  return out;
}
