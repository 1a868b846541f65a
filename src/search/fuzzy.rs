//! Typo tolerance: is a query word within a few edits of the start of a token?
//!
//! Budget (the rule the UI promises): 1 edit for words of 5 to 8 letters, 2 from 9 letters, none
//! for shorter words or words with digits. An edit is an insertion, deletion, substitution or a
//! swap of two neighbouring letters ("clemnet" -> "clement").

/// Edits allowed for a folded query word.
pub(crate) fn fuzzy_budget(w: &str) -> usize {
    if !w.bytes().all(|b| b.is_ascii_lowercase()) {
        return 0;
    }
    match w.len() {
        0..=4 => 0,
        5..=8 => 1,
        _ => 2,
    }
}

/// A bounded edit-distance check of one word against many tokens, reusing its rows.
pub(crate) struct Near<'w> {
    w: &'w [u8],
    k: usize,
    rows: [Vec<usize>; 3],
}

impl<'w> Near<'w> {
    pub fn new(w: &'w [u8], k: usize) -> Self {
        let n = w.len() + 1;
        Self { w, k, rows: [vec![0; n], vec![0; n], vec![0; n]] }
    }

    /// True when some prefix of `t` is within `k` edits of the word (optimal string alignment
    /// distance): one dynamic-programming row per byte of `t`, stopped as soon as every cell of
    /// a row exceeds `k` (no later row can come back under it), so most tokens cost a few rows.
    pub fn prefix_within(&mut self, t: &[u8]) -> bool {
        let (w, k, n) = (self.w, self.k, self.w.len());
        if n <= k {
            return true;
        }
        // Every prefix of a token shorter than the word minus the budget is too far.
        if t.len() + k < n {
            return false;
        }
        let [pp, prev, cur] = &mut self.rows;
        for (j, c) in prev.iter_mut().enumerate() {
            *c = j;
        }
        for (i, &tc) in t.iter().enumerate() {
            cur[0] = i + 1;
            let mut best = cur[0];
            for j in 1..=n {
                let sub = prev[j - 1] + usize::from(w[j - 1] != tc);
                let mut v = sub.min(prev[j] + 1).min(cur[j - 1] + 1);
                if i > 0 && j > 1 && w[j - 1] == t[i - 1] && w[j - 2] == tc {
                    v = v.min(pp[j - 2] + 1);
                }
                cur[j] = v;
                best = best.min(v);
            }
            if cur[n] <= k {
                return true;
            }
            if best > k {
                return false;
            }
            std::mem::swap(pp, prev);
            std::mem::swap(prev, cur);
        }
        false
    }
}

/// Plain optimal-string-alignment distance (for duplicate names), bounded: None when above `k`.
pub(crate) fn distance_within(a: &[u8], b: &[u8], k: usize) -> Option<usize> {
    if a.len().abs_diff(b.len()) > k {
        return None;
    }
    let n = b.len();
    let (mut pp, mut prev, mut cur) = (vec![0; n + 1], (0..=n).collect::<Vec<_>>(), vec![0; n + 1]);
    for i in 1..=a.len() {
        cur[0] = i;
        let mut best = i;
        for j in 1..=n {
            let mut v = (prev[j - 1] + usize::from(a[i - 1] != b[j - 1])).min(prev[j] + 1).min(cur[j - 1] + 1);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(pp[j - 2] + 1);
            }
            cur[j] = v;
            best = best.min(v);
        }
        if best > k {
            return None;
        }
        std::mem::swap(&mut pp, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    Some(prev[n]).filter(|&d| d <= k)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budget_follows_the_rule() {
        assert_eq!(fuzzy_budget("clem"), 0);
        assert_eq!(fuzzy_budget("clemnt"), 1);
        assert_eq!(fuzzy_budget("abcdefgh"), 1);
        assert_eq!(fuzzy_budget("abcdefghi"), 2);
        assert_eq!(fuzzy_budget("06158"), 0);
        assert_eq!(fuzzy_budget("abc12"), 0);
    }

    #[test]
    fn prefix_distance() {
        let mut n = Near::new(b"clemnt", 1);
        assert!(n.prefix_within(b"clement"));
        assert!(n.prefix_within(b"clementine"));
        assert!(!n.prefix_within(b"clarence"));
        assert!(!n.prefix_within(b"cle"));
        let mut n = Near::new(b"clemnet", 1);
        assert!(n.prefix_within(b"clement"), "a swap is one edit");
        let mut n = Near::new(b"bartholomew", 2);
        assert!(n.prefix_within(b"bartolomeo"));
        assert!(!n.prefix_within(b"barton"));
    }

    #[test]
    fn bounded_distance() {
        assert_eq!(distance_within(b"kaya", b"kaya", 1), Some(0));
        assert_eq!(distance_within(b"hansen", b"hanssen", 1), Some(1));
        assert_eq!(distance_within(b"hansen", b"hasnen", 1), Some(1));
        assert_eq!(distance_within(b"hansen", b"jensen", 1), None);
    }
}
