//! Long all-digit tokens (phone numbers written without spaces, the digits of the phone field):
//! nearly one distinct token per contact, so a term-dictionary entry with its own bitmap would
//! cost ~100 bytes each. Here each is 12 bytes: a u64 key (one nibble per digit, see
//! `phone_key`) and a doc number, sorted by key so that a digit prefix is a key range.

use super::fold::phone_key;

/// Tokens of this many digits or more go here (shorter ones are shared, e.g. postal codes).
pub(crate) const MIN_DIGITS: usize = 6;
/// The key holds at most this many digits; longer tokens stay in the term dictionary.
pub(crate) const MAX_DIGITS: usize = 16;

pub(crate) fn is_long_digits(t: &str) -> bool {
    (MIN_DIGITS..=MAX_DIGITS).contains(&t.len()) && t.bytes().all(|b| b.is_ascii_digit())
}

/// The key range of all tokens starting with the digits `w` (1..=16 digits).
pub(crate) fn prefix_keys(w: &str) -> (u64, u64) {
    let lo = phone_key(w);
    let rest = 64 - 4 * w.len() as u32;
    let hi = if rest == 0 { lo } else { lo | ((1u64 << rest) - 1) };
    (lo, hi)
}

/// A run of digits to find anywhere inside packed keys (see `phone_key`): compared nibble-wise
/// at each position; key nibbles past the number's end are 0 and never match a digit.
pub(crate) struct Run {
    pattern: u64,
    mask: u64,
    positions: u32,
    /// The run's first three digits' nibbles, each repeated over a whole u64 (filter, below).
    first: [u64; 3],
}

const NIBBLE_LOW: u64 = 0x1111_1111_1111_1111;
const NIBBLE_HIGH: u64 = 0x8888_8888_8888_8888;

/// The high bit of every zero nibble of `x` set (and possibly of a nibble above a zero one:
/// a filter may over-report, never under-report).
#[inline]
fn zero_nibbles(x: u64) -> u64 {
    x.wrapping_sub(NIBBLE_LOW) & !x & NIBBLE_HIGH
}

impl Run {
    /// None unless `w` has 1 to 16 digits.
    pub fn new(w: &str) -> Option<Self> {
        let n = w.len();
        if !(1..=MAX_DIGITS).contains(&n) || !w.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let bits = 4 * n as u32;
        let mask = if bits == 64 { u64::MAX } else { (1u64 << bits) - 1 };
        let key = phone_key(w);
        let nib = |j: usize| if j < n { ((key >> (60 - 4 * j)) & 0xF) * NIBBLE_LOW } else { 0 };
        Some(Self {
            pattern: key >> (64 - bits),
            mask,
            positions: (MAX_DIGITS - n) as u32 + 1,
            first: [nib(0), nib(1), nib(2)],
        })
    }

    #[inline]
    pub fn found_in(&self, key: u64) -> bool {
        // Filter: positions where the first three digits line up, all positions at once
        // (SWAR); most numbers stop here, the rest are checked exactly.
        if self.positions <= 14 {
            let [a, b, c] = self.first;
            if zero_nibbles(key ^ a) & (zero_nibbles(key ^ b) << 4) & (zero_nibbles(key ^ c) << 8) == 0 {
                return false;
            }
        }
        let mut k = key;
        for _ in 0..self.positions {
            if k & self.mask == self.pattern {
                return true;
            }
            k >>= 4;
        }
        false
    }
}

#[derive(Default)]
pub(crate) struct DigitTokens {
    keys: Vec<u64>,
    docs: Vec<u32>,
    /// Recent inserts, sorted by (key, doc); merged when large (like `Perm`).
    pending: Vec<(u64, u32)>,
}

impl DigitTokens {
    /// Adds a token; `bulk` (index build) appends and leaves sorting to [`DigitTokens::finish`].
    pub fn insert(&mut self, token: &str, doc: u32, merge_min: usize, bulk: bool) {
        let e = (phone_key(token), doc);
        if bulk {
            self.pending.push(e);
            return;
        }
        let pos = self.pending.partition_point(|p| *p < e);
        self.pending.insert(pos, e);
        if self.pending.len() > merge_min + self.keys.len() / 256 {
            self.merge();
        }
    }

    /// Sorts after a bulk build.
    pub fn finish(&mut self) {
        self.pending.sort_unstable();
        self.merge();
        // The bulk buffer held every token (16 bytes each): give it back.
        self.pending = Vec::new();
    }

    /// Merges the (sorted) pending entries into the sorted arrays in one linear pass.
    fn merge(&mut self) {
        let n = self.keys.len() + self.pending.len();
        let (mut keys, mut docs) = (Vec::with_capacity(n), Vec::with_capacity(n));
        let mut i = 0;
        for &(k, d) in &self.pending {
            while i < self.keys.len() && (self.keys[i], self.docs[i]) < (k, d) {
                keys.push(self.keys[i]);
                docs.push(self.docs[i]);
                i += 1;
            }
            keys.push(k);
            docs.push(d);
        }
        keys.extend_from_slice(&self.keys[i..]);
        docs.extend_from_slice(&self.docs[i..]);
        self.pending.clear();
        self.keys = keys;
        self.docs = docs;
    }

    /// Docs with a token starting with the digits `w` (may include dead docs).
    pub fn prefix(&self, w: &str, out: &mut Vec<u32>) {
        let (lo, hi) = prefix_keys(w);
        let a = self.keys.partition_point(|&k| k < lo);
        let b = self.keys.partition_point(|&k| k <= hi);
        out.extend_from_slice(&self.docs[a..b]);
        out.extend(self.pending.iter().filter(|e| (lo..=hi).contains(&e.0)).map(|e| e.1));
    }

    /// Renumbers after compaction (drops dead docs; `remap` is monotonic).
    pub fn remap(&mut self, remap: &[u32]) {
        let keep = |d: u32| remap[d as usize] != u32::MAX;
        let (mut keys, mut docs) = (Vec::with_capacity(self.keys.len()), Vec::with_capacity(self.docs.len()));
        for (&k, &d) in self.keys.iter().zip(&self.docs) {
            if keep(d) {
                keys.push(k);
                docs.push(remap[d as usize]);
            }
        }
        self.keys = keys;
        self.docs = docs;
        self.pending.retain(|e| keep(e.1));
        self.pending.iter_mut().for_each(|e| e.1 = remap[e.1 as usize]);
    }

    /// Docs with a token containing the run (may include dead docs; unsorted).
    pub fn containing(&self, run: &Run) -> Vec<u32> {
        let mut out: Vec<u32> =
            self.keys.iter().zip(&self.docs).filter(|(k, _)| run.found_in(**k)).map(|(_, d)| *d).collect();
        out.extend(self.pending.iter().filter(|e| run.found_in(e.0)).map(|e| e.1));
        out
    }

    pub fn heap_bytes(&self) -> usize {
        self.keys.capacity() * 8 + self.docs.capacity() * 4 + self.pending.capacity() * 16
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The SWAR filter never hides a run that a plain substring search finds.
    #[test]
    fn runs_match_substring_search() {
        let mut x = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for _ in 0..20_000 {
            let len = 1 + (next() % 16) as usize;
            let s: String = (0..len).map(|_| char::from(b'0' + (next() % 4) as u8)).collect();
            let at = (next() as usize) % len;
            let n = 1 + (next() as usize) % (len - at).min(8);
            let inside = s[at..at + n].to_owned();
            let other: String = (0..n).map(|_| char::from(b'0' + (next() % 4) as u8)).collect();
            let key = phone_key(&s);
            for w in [&inside, &other] {
                let run = Run::new(w).unwrap_or_else(|| panic!("{w}"));
                assert_eq!(run.found_in(key), s.contains(w.as_str()), "{w} in {s}");
            }
        }
    }
}
