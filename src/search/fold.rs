//! Text folding and tokenization: the one definition of "equal text" used by search and sorting.
//!
//! Everything the index stores or compares goes through [`fold`], so the rules live in one place:
//! transliterate to ASCII (`deunicode`), lowercase, keep letters and digits, drop punctuation
//! *inside* a word ("o'neil" -> "oneil", "06.15" -> "0615"), turn whitespace and everything else
//! into a single space, trim.

use deunicode::deunicode_char;

/// What separates the previous alphanumeric byte from the next one.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Gap {
    None,
    Punct,
    Space,
}

/// Appends the folded form of `s` to `out`.
/// `split`: punctuation inside a word also separates (used to index the parts of "anne.dupont").
fn fold_impl(s: &str, split: bool, out: &mut String) {
    let mut gap = Gap::None;
    let mut any = false;
    let mut push = |b: u8, out: &mut String| {
        if b.is_ascii_alphanumeric() {
            if any && (gap == Gap::Space || (split && gap == Gap::Punct)) {
                out.push(' ');
            }
            out.push(b.to_ascii_lowercase() as char);
            any = true;
            gap = Gap::None;
        } else if b.is_ascii_whitespace() {
            gap = Gap::Space;
        } else if gap == Gap::None {
            gap = Gap::Punct;
        }
    };
    for ch in s.chars() {
        if ch.is_ascii() {
            push(ch as u8, out);
        } else if ch.is_whitespace() {
            push(b' ', out);
        } else {
            match deunicode_char(ch) {
                Some(t) if !t.is_empty() => t.bytes().for_each(|b| push(b, out)),
                // Unknown symbols (emoji, private use) behave like punctuation.
                _ => push(b'-', out),
            }
        }
    }
}

/// Lowercase, accents removed (é->e, ß->ss, ø->o, ł->l, Ö->o), punctuation removed inside
/// words ("o'neil" -> "oneil"), other separators -> a single space; no leading/trailing space.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    fold_impl(s, false, &mut out);
    out
}

/// Like [`fold`] but punctuation inside a word separates too ("anne.dupont" -> "anne dupont").
pub(crate) fn fold_split(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    fold_impl(s, true, &mut out);
    out
}

/// 'A'..='Z' from the folded first letter of the name, else '#'.
pub fn letter_of(full_name: &str) -> char {
    match fold(full_name).as_bytes().first() {
        Some(b) if b.is_ascii_lowercase() => b.to_ascii_uppercase() as char,
        _ => '#',
    }
}

/// Rail slot of a letter: 0..=25 for A..Z, 26 for '#'.
pub(crate) fn letter_slot(letter: char) -> Option<usize> {
    match letter {
        'A'..='Z' => Some(letter as usize - 'A' as usize),
        'a'..='z' => Some(letter as usize - 'a' as usize),
        '#' => Some(26),
        _ => None,
    }
}

/// Slot of an already folded name (first byte), same rule as [`letter_of`].
pub(crate) fn letter_slot_of_folded(folded: &str) -> usize {
    match folded.as_bytes().first() {
        Some(b) if b.is_ascii_lowercase() => (b - b'a') as usize,
        _ => 26,
    }
}

pub(crate) fn slot_letter(slot: usize) -> char {
    if slot < 26 { (b'A' + slot as u8) as char } else { '#' }
}

/// Sort key of a phone number: its first 16 digits, one nibble each (digit + 1), left-aligned,
/// so that comparing keys compares digit strings lexicographically ("06" < "061" < "07").
/// No digits -> 0, which the comparator puts last.
pub(crate) fn phone_key(s: &str) -> u64 {
    let mut key = 0u64;
    for (n, b) in s.bytes().filter(u8::is_ascii_digit).take(16).enumerate() {
        key |= u64::from(b - b'0' + 1) << (60 - 4 * n);
    }
    key
}

/// The digits a phone field is indexed and sorted by: its canonical form in `region` when it
/// parses (see `phone`), else its digits as written.
pub(crate) fn phone_digits(s: &str, region: Option<&super::phone::Region>) -> String {
    region.and_then(|r| r.canonical(s)).unwrap_or_else(|| fold(s).chars().filter(char::is_ascii_digit).collect())
}

/// Collects the distinct search tokens of a contact's fields into a reusable buffer.
///
/// A field contributes the words of `fold(field)` (joined: "oneil", "annedupontacmefr") and of
/// `fold_split(field)` (parts: "o", "neil", "anne", "dupont", "acme", "fr"); phone fields also
/// contribute their digits run together ("0615882617") so that "0615" finds "06 15 88 26 17".
#[derive(Default)]
pub(crate) struct Tokens {
    buf: String,
    spans: Vec<(u32, u32)>,
}

impl Tokens {
    pub fn clear(&mut self) {
        self.buf.clear();
        self.spans.clear();
    }

    fn push_words(&mut self, start: usize) {
        let mut i = start;
        let bytes = self.buf.as_bytes();
        while i < bytes.len() {
            let end = bytes[i..].iter().position(|&b| b == b' ').map_or(bytes.len(), |p| i + p);
            if end > i {
                self.spans.push((i as u32, end as u32));
            }
            i = end + 1;
        }
    }

    /// Adds a text field (both joined words and split parts).
    pub fn add_text(&mut self, s: &str) {
        if s.is_empty() {
            return;
        }
        let start = self.buf.len();
        fold_impl(s, false, &mut self.buf);
        self.buf.push(' ');
        let mid = self.buf.len();
        fold_impl(s, true, &mut self.buf);
        // Skip the split form when it is identical (no punctuation inside words): saves work.
        if self.buf[start..mid - 1] == self.buf[mid..] {
            self.buf.truncate(mid - 1);
        }
        self.buf.push(' ');
        self.push_words(start);
    }

    /// Adds a phone field: its words plus its digits as one token, `digits` (the canonical
    /// form of the number, see `phone_digits`).
    pub fn add_phone(&mut self, s: &str, digits: &str) {
        if s.is_empty() {
            return;
        }
        self.add_text(s);
        let start = self.buf.len();
        self.buf.push_str(digits);
        let end = self.buf.len();
        if end > start {
            self.spans.push((start as u32, end as u32));
        }
        self.buf.push(' ');
    }

    /// Adds an e-mail: its words, plus the domain and each of its parent domains run together
    /// ("mail.tailspin.example" -> "mailtailspinexample", "tailspinexample"), so that a domain
    /// typed with its dots finds everyone at it (the labels are words already).
    pub fn add_email(&mut self, s: &str) {
        self.add_text(s);
        let Some((_, domain)) = s.rsplit_once('@') else { return };
        let mut rest = domain;
        while let Some((_, parent)) = rest.split_once('.') {
            let start = self.buf.len();
            fold_impl(rest, false, &mut self.buf);
            self.buf.push(' ');
            self.push_words(start);
            rest = parent;
        }
    }

    /// Sorts and deduplicates, then yields each distinct token once.
    pub fn distinct(&mut self) -> impl Iterator<Item = &str> {
        let buf = &self.buf;
        self.spans.sort_unstable_by(|a, b| buf[a.0 as usize..a.1 as usize].cmp(&buf[b.0 as usize..b.1 as usize]));
        self.spans.dedup_by(|a, b| buf[a.0 as usize..a.1 as usize] == buf[b.0 as usize..b.1 as usize]);
        self.spans.iter().map(move |&(s, e)| &buf[s as usize..e as usize])
    }
}
