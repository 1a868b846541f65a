//! A sorted permutation of doc numbers for one sort key, kept up to date under inserts.
//!
//! Why: the first page of a broad result (e.g. the whole list sorted by company) is found by
//! walking the docs in key order and keeping those in the result bitmap; that costs
//! ~page * (docs / matches) membership tests instead of sorting every match.
//! New docs go to a small sorted `pending` vector (binary insertion), merged into `sorted`
//! when it grows past a fraction of the list, so an insert never moves megabytes.
//! Both vectors may contain dead doc numbers; the walk skips them because the result bitmap
//! only holds live docs, and a merge drops them.

use super::SortKey;
use super::columns::Columns;
use roaring::RoaringBitmap;
use std::cmp::Ordering;

#[derive(Default)]
pub(crate) struct Perm {
    sorted: Vec<u32>,
    pending: Vec<u32>,
}

impl Perm {
    /// Sorts all `docs` from scratch (bulk build).
    pub fn build(cols: &Columns, key: SortKey, docs: impl Iterator<Item = u32>) -> Self {
        let mut sorted: Vec<u32> = docs.collect();
        sort_docs(cols, key, &mut sorted);
        Self { sorted, pending: Vec::new() }
    }

    /// Builds from docs already in order.
    pub fn from_sorted(sorted: Vec<u32>) -> Self {
        Self { sorted, pending: Vec::new() }
    }

    /// Inserts a new doc; `cmp` is the permutation's total order.
    /// Inserts a new doc; `cmp` is the permutation's total order. Pending is kept at about
    /// n/256 (4k at 1M docs): each insert moves ~8 KB, each merge ~4 MB, balanced.
    pub fn insert(&mut self, doc: u32, cmp: impl Fn(u32, u32) -> Ordering, merge_min: usize) {
        let pos = self.pending.partition_point(|&d| cmp(d, doc) == Ordering::Less);
        self.pending.insert(pos, doc);
        if self.pending.len() > merge_min + self.sorted.len() / 256 {
            self.merge(cmp);
        }
    }

    /// Merges `pending` into `sorted`: O(n) moves, O(p log n) comparisons. Dead docs stay
    /// (the walk skips them; compaction drops them), so no O(n) membership tests here.
    fn merge(&mut self, cmp: impl Fn(u32, u32) -> Ordering) {
        let old = std::mem::take(&mut self.sorted);
        let mut out = Vec::with_capacity(old.len() + self.pending.len());
        let mut rest: &[u32] = &old;
        for &p in &self.pending {
            let n = rest.partition_point(|&d| cmp(d, p) == Ordering::Less);
            out.extend_from_slice(&rest[..n]);
            out.push(p);
            rest = &rest[n..];
        }
        out.extend_from_slice(rest);
        self.pending.clear();
        self.sorted = out;
    }

    /// The docs forming a contiguous run of the order: those after every doc for which `below`
    /// holds and for which `inside` holds (e.g. all e-mails starting with a prefix).
    /// `below` and `below || inside` must both be monotonic along the order.
    pub fn range<'a>(
        &'a self,
        below: impl Fn(u32) -> bool + 'a,
        inside: impl Fn(u32) -> bool + 'a,
    ) -> impl Iterator<Item = u32> + 'a {
        [&self.sorted, &self.pending].into_iter().flat_map(move |v| run(v, &below, &inside).iter().copied())
    }

    /// Renumbers after compaction; `remap` is monotonic so the order is preserved.
    pub fn remap(&mut self, remap: &[u32]) {
        for v in [&mut self.sorted, &mut self.pending] {
            v.retain(|&d| remap[d as usize] != u32::MAX);
            v.iter_mut().for_each(|d| *d = remap[*d as usize]);
            v.shrink_to_fit();
        }
    }

    /// The first `need` docs of `result` in key order (reverse order if `desc`), looking only
    /// at the run of the order delimited like [`Perm::range`] by `below` / `inside` (pass
    /// `|_| false` / `|_| true` for everything). Gives up (None) after visiting `budget`
    /// entries, so a result clustered at the far end of the order costs a bounded amount
    /// before the caller falls back to selecting.
    #[allow(clippy::too_many_arguments)]
    pub fn walk(
        &self,
        cols: &Columns,
        key: SortKey,
        desc: bool,
        result: &RoaringBitmap,
        need: usize,
        below: impl Fn(u32) -> bool,
        inside: impl Fn(u32) -> bool,
        budget: usize,
    ) -> Option<Vec<u32>> {
        let (sa, sb) = (run(&self.sorted, &below, &inside), run(&self.pending, &below, &inside));
        let visited = std::cell::Cell::new(0usize);
        let pick = |d: &&u32| {
            visited.set(visited.get() + 1);
            result.contains(**d)
        };
        let (mut a, mut b): (Box<dyn Iterator<Item = &u32>>, Box<dyn Iterator<Item = &u32>>) = if desc {
            (Box::new(sa.iter().rev().filter(pick)), Box::new(sb.iter().rev().filter(pick)))
        } else {
            (Box::new(sa.iter().filter(pick)), Box::new(sb.iter().filter(pick)))
        };
        let mut out = Vec::with_capacity(need.min(result.len() as usize));
        let (mut ha, mut hb) = (a.next().copied(), b.next().copied());
        while out.len() < need {
            if visited.get() > budget {
                return None;
            }
            let take_a = match (ha, hb) {
                (None, None) => break,
                (Some(_), None) => true,
                (None, Some(_)) => false,
                (Some(x), Some(y)) => {
                    let o = cols.cmp(key, x, y);
                    (if desc { o.reverse() } else { o }) == Ordering::Less
                }
            };
            if take_a {
                out.extend(ha);
                ha = a.next().copied();
            } else {
                out.extend(hb);
                hb = b.next().copied();
            }
        }
        Some(out)
    }

    pub fn heap_bytes(&self) -> usize {
        (self.sorted.capacity() + self.pending.capacity()) * 4
    }
}

/// The part of an ordered vector after the docs satisfying `below` and satisfying `inside`.
fn run<'v>(v: &'v [u32], below: &impl Fn(u32) -> bool, inside: &impl Fn(u32) -> bool) -> &'v [u32] {
    let lo = v.partition_point(|&d| below(d));
    let len = v[lo..].partition_point(|&d| inside(d));
    &v[lo..lo + len]
}

/// Sorts docs by the key's total order, comparing a u64 prefix first (cheap) and the full
/// values only on prefix ties.
pub(crate) fn sort_docs(cols: &Columns, key: SortKey, docs: &mut [u32]) {
    let mut keyed: Vec<(u64, u32)> = docs.iter().map(|&d| (cols.prefix(key, d), d)).collect();
    keyed.sort_unstable_by(|a, b| a.0.cmp(&b.0).then_with(|| cols.cmp(key, a.1, b.1)));
    for (slot, (_, d)) in docs.iter_mut().zip(keyed) {
        *slot = d;
    }
}

/// The docs of `result` at positions `offset..offset+limit` of the key order, by selection
/// then sorting only the page (O(matches) instead of O(matches log matches)).
pub(crate) fn top_k(
    cols: &Columns,
    key: SortKey,
    desc: bool,
    result: &RoaringBitmap,
    offset: usize,
    limit: usize,
) -> Vec<u32> {
    let mut keyed: Vec<(u64, u32)> = result.iter().map(|d| (cols.prefix(key, d), d)).collect();
    let cmp = |a: &(u64, u32), b: &(u64, u32)| {
        let o = a.0.cmp(&b.0).then_with(|| cols.cmp(key, a.1, b.1));
        if desc { o.reverse() } else { o }
    };
    let end = offset.saturating_add(limit).min(keyed.len());
    if offset >= end {
        return Vec::new();
    }
    if end < keyed.len() {
        keyed.select_nth_unstable_by(end, cmp);
        keyed.truncate(end);
    }
    if offset > 0 {
        keyed.select_nth_unstable_by(offset, cmp);
        keyed.drain(..offset);
    }
    keyed.sort_unstable_by(cmp);
    keyed.into_iter().map(|(_, d)| d).collect()
}
