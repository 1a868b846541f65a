//! The index of one contact list.
//!
//! Each contact gets a dense u32 doc number; every set of contacts is a roaring bitmap of doc
//! numbers. A replaced or removed contact's doc number is only marked dead (removed from `live`)
//! because finding and editing all its postings would need its old text, which we do not keep;
//! queries intersect with `live`, and a compaction renumbers everything once dead docs exceed
//! 1/8 of the doc space, so the waste stays bounded.

use super::columns::Columns;
use super::digits::{DigitTokens, MAX_DIGITS, is_long_digits, prefix_keys};
use super::fold::{Tokens, fold, fold_split, letter_slot, phone_key, slot_letter};
use super::perm::{Perm, top_k};
use super::{GroupFilter, Order, Query, QueryResult, SortKey};
use crate::model::{Contact, ContactId, GroupId};
use roaring::{MultiOps, RoaringBitmap};
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

const LETTERS: usize = 27;
/// Precomputed single-character prefixes: 'a'..='z', '0'..='9'.
const PREFIX1: usize = 36;

fn prefix1_slot(b: u8) -> Option<usize> {
    match b {
        b'a'..=b'z' => Some((b - b'a') as usize),
        b'0'..=b'9' => Some(26 + (b - b'0') as usize),
        _ => None,
    }
}

#[derive(Default)]
struct GroupEntry {
    /// Folded tokens of the group's name (joined and split), matched like contact tokens.
    tokens: Vec<Box<str>>,
    /// Doc numbers of the members; may hold dead docs (intersect with `live`).
    members: RoaringBitmap,
}

pub struct ListIndex {
    cols: Columns,
    live: RoaringBitmap,
    dead: u32,
    /// Docs ordered by (contact id, doc): id -> doc lookup in 4 bytes per contact
    /// (a HashMap costs ~40 at a million entries).
    by_id: Perm,
    /// Token -> docs containing it (may include dead docs). Sorted, so a prefix is a range.
    /// Two kinds of nearly-unique tokens are kept elsewhere: long digit runs in `digits`, and
    /// the e-mail's joined form / the mobile's digits, found through their sort permutations.
    terms: BTreeMap<Box<str>, RoaringBitmap>,
    digits: DigitTokens,
    /// Live docs having a token that starts with a given character (exact: a dead doc is
    /// removed from the 36 bitmaps), and their rail counts: a 1-letter query, typed on every
    /// first keystroke of search-as-you-type, then costs no set operation at all.
    prefix1: Vec<RoaringBitmap>,
    prefix1_letters: Vec<[u64; LETTERS]>,
    /// Live docs per rail letter (exact: maintained on removal, since the letter is known).
    letters: Vec<RoaringBitmap>,
    groups: HashMap<GroupId, GroupEntry>,
    /// Live docs without any group (exact).
    no_group: RoaringBitmap,
    /// One sorted permutation per sort key, indexed by `SortKey::slot`.
    perms: Vec<Perm>,
    scratch: Tokens,
    /// Thresholds (lowered by tests to exercise compaction and permutation merges).
    compact_min: u32,
    merge_min: usize,
    /// True while `build` adds docs: sorted structures are sorted once at the end.
    bulk: bool,
    /// Paging strategy: None = cheapest; tests force Some(true) = walk, Some(false) = select.
    force_walk: Option<bool>,
}

impl Default for ListIndex {
    fn default() -> Self {
        Self::new()
    }
}

impl ListIndex {
    pub fn new() -> Self {
        Self {
            cols: Columns::default(),
            live: RoaringBitmap::new(),
            dead: 0,
            by_id: Perm::default(),
            terms: BTreeMap::new(),
            digits: DigitTokens::default(),
            prefix1: vec![RoaringBitmap::new(); PREFIX1],
            prefix1_letters: vec![[0; LETTERS]; PREFIX1],
            letters: vec![RoaringBitmap::new(); LETTERS],
            groups: HashMap::new(),
            no_group: RoaringBitmap::new(),
            perms: SortKey::ALL.iter().map(|_| Perm::default()).collect(),
            scratch: Tokens::default(),
            compact_min: 1024,
            merge_min: 512,
            bulk: false,
            force_walk: None,
        }
    }

    /// Bulk build: adds every contact, then sorts each permutation once (O(n log n)) instead
    /// of inserting one by one.
    pub fn build(
        contacts: impl IntoIterator<Item = Contact>,
        group_names: impl IntoIterator<Item = (GroupId, String)>,
    ) -> Self {
        let mut ix = Self::new();
        ix.bulk = true;
        for c in contacts {
            ix.add_doc(&c);
        }
        for (g, name) in group_names {
            ix.set_group_name(g, &name);
        }
        // Duplicate ids in the input: the last one wins.
        let mut by_id: Vec<u32> = (0..ix.cols.len() as u32).collect();
        by_id.sort_unstable_by(|&a, &b| ix.id_cmp(a, b));
        for w in by_id.windows(2) {
            if ix.cols.ids[w[0] as usize] == ix.cols.ids[w[1] as usize] {
                ix.kill(w[0]);
            }
        }
        ix.by_id = Perm::from_sorted(by_id);
        ix.digits.finish();
        ix.bulk = false;
        if ix.dead > 0 {
            ix.compact();
        }
        ix.cols.shrink();
        for k in SortKey::ALL {
            ix.perms[k.slot()] = Perm::build(&ix.cols, k, ix.live.iter());
        }
        ix
    }

    /// Inserts `c`, or replaces the contact with the same id.
    pub fn upsert(&mut self, c: &Contact) {
        if let Some(d) = self.doc_of(c.id) {
            self.kill(d);
        }
        let d = self.add_doc(c);
        let (cols, m) = (&self.cols, self.merge_min);
        for k in SortKey::ALL {
            self.perms[k.slot()].insert(d, |a, b| cols.cmp(k, a, b), m);
        }
        let ids = &cols.ids;
        self.by_id.insert(d, |a, b| ids[a as usize].cmp(&ids[b as usize]).then(a.cmp(&b)), m);
        self.maybe_compact();
    }

    pub fn remove(&mut self, id: ContactId) {
        if let Some(d) = self.doc_of(id) {
            self.kill(d);
            self.maybe_compact();
        }
    }

    fn id_cmp(&self, a: u32, b: u32) -> std::cmp::Ordering {
        self.cols.ids[a as usize].cmp(&self.cols.ids[b as usize]).then(a.cmp(&b))
    }

    /// The live doc of a contact id, if any.
    fn doc_of(&self, id: ContactId) -> Option<u32> {
        let ids = &self.cols.ids;
        self.by_id.range(|d| ids[d as usize] < id, |d| ids[d as usize] == id).find(|&d| self.live.contains(d))
    }

    /// Creates or renames a group: its members then match queries on the new name only.
    pub fn set_group_name(&mut self, g: GroupId, name: &str) {
        let mut tokens: Vec<Box<str>> =
            fold(name).split(' ').chain(fold_split(name).split(' ')).filter(|t| !t.is_empty()).map(Box::from).collect();
        tokens.sort_unstable();
        tokens.dedup();
        self.groups.entry(g).or_default().tokens = tokens;
    }

    /// Forgets a group (the store then upserts its former members without it).
    pub fn remove_group(&mut self, g: GroupId) {
        self.groups.remove(&g);
    }

    /// Number of distinct search tokens (for capacity planning).
    pub fn term_count(&self) -> usize {
        self.terms.len()
    }

    pub fn len(&self) -> usize {
        self.live.len() as usize
    }

    pub fn is_empty(&self) -> bool {
        self.live.is_empty()
    }

    fn add_doc(&mut self, c: &Contact) -> u32 {
        let d = self.cols.len() as u32;
        let slot = self.cols.push(c);
        self.live.insert(d);
        self.letters[slot].insert(d);
        let f = &c.fields;
        let tok = &mut self.scratch;
        tok.clear();
        for s in [&f.full_name, &f.job_title, &f.company, &f.department, &f.notes, &f.email] {
            tok.add_text(s);
        }
        let a = &f.address;
        for s in [&a.street, &a.city, &a.postal_code, &a.state, &a.country] {
            tok.add_text(s);
        }
        tok.add_phone(&f.phone);
        tok.add_phone(&f.mobile);
        // Tokens found through the e-mail and mobile sort permutations (see `word_docs`):
        // any token equal to them is covered there, whatever field it came from. Those and
        // the long digit tokens are "deferred": they are looked up only for words longer than
        // SHORT, since a 2-letter word would otherwise pull a large slice of them (search as
        // you type); their first SHORT characters are indexed as a term instead, unless a
        // term of the doc already starts with them (then any short word matching is covered).
        let email = self.cols.email(d);
        let email_first = email.split(|&b| b == b' ').next().unwrap_or_default();
        let mobile = self.cols.mobile(d);
        let letter = self.cols.letter_slot(d);
        let mut termed: Vec<&str> = Vec::new();
        let mut deferred: Vec<&str> = Vec::new();
        for t in tok.distinct() {
            if let Some(s) = prefix1_slot(t.as_bytes()[0])
                && self.prefix1[s].insert(d)
            {
                self.prefix1_letters[s][letter] += 1;
            }
            if t.as_bytes() == email_first || (t.len() <= MAX_DIGITS && is_digits(t) && phone_key(t) == mobile) {
                deferred.push(t);
            } else if is_long_digits(t) {
                self.digits.insert(t, d, self.merge_min, self.bulk);
                deferred.push(t);
            } else {
                add_term(&mut self.terms, t, d);
                termed.push(t);
            }
        }
        for t in deferred {
            let head = &t[..t.len().min(SHORT)];
            if !termed.iter().any(|u| u.starts_with(head)) {
                add_term(&mut self.terms, head, d);
                termed.push(head);
            }
        }
        if f.groups.is_empty() {
            self.no_group.insert(d);
        }
        for g in &f.groups {
            self.groups.entry(*g).or_default().members.insert(d);
        }
        d
    }

    /// Marks a doc dead; its postings stay until compaction.
    fn kill(&mut self, d: u32) {
        if self.live.remove(d) {
            let letter = self.cols.letter_slot(d);
            self.letters[letter].remove(d);
            for (bm, counts) in self.prefix1.iter_mut().zip(&mut self.prefix1_letters) {
                if bm.remove(d) {
                    counts[letter] -= 1;
                }
            }
            self.no_group.remove(d);
            self.dead += 1;
        }
    }

    fn maybe_compact(&mut self) {
        if self.dead > self.compact_min && self.dead as usize * 8 > self.cols.len() {
            self.compact();
        }
    }

    /// Renumbers live docs densely (order-preserving) and drops every trace of dead ones.
    fn compact(&mut self) {
        let mut remap = vec![u32::MAX; self.cols.len()];
        for (new, old) in self.live.iter().enumerate() {
            remap[old as usize] = new as u32;
        }
        let re = |bm: &mut RoaringBitmap| {
            let next = RoaringBitmap::from_sorted_iter(
                bm.iter().filter_map(|d| Some(remap[d as usize]).filter(|&n| n != u32::MAX)),
            );
            *bm = next.unwrap_or_default();
        };
        self.terms.values_mut().for_each(re);
        self.terms.retain(|_, bm| !bm.is_empty());
        self.prefix1.iter_mut().for_each(re);
        self.letters.iter_mut().for_each(re);
        self.groups.values_mut().for_each(|g| re(&mut g.members));
        re(&mut self.no_group);
        re(&mut self.live);
        self.cols.retain(|d| remap[d as usize] != u32::MAX);
        self.perms.iter_mut().for_each(|p| p.remap(&remap));
        self.by_id.remap(&remap);
        self.digits.remap(&remap);
        self.dead = 0;
    }

    /// Docs having a token that starts with `w` (dead docs included).
    fn word_docs(&self, w: &str) -> Cow<'_, RoaringBitmap> {
        let groups = self.groups_matching(w);
        let base: Cow<'_, RoaringBitmap> =
            match (w.len(), prefix1_slot(w.as_bytes()[0])) {
                (1, Some(s)) => Cow::Borrowed(&self.prefix1[s]),
                _ => {
                    let range = self.terms.range::<str, _>((std::ops::Bound::Included(w), std::ops::Bound::Unbounded));
                    let mut bm = range.take_while(|(t, _)| t.starts_with(w)).map(|(_, bm)| bm).union();
                    if w.len() <= SHORT {
                        // Deferred tokens are covered by their indexed heads (see `add_doc`).
                        return self.with_groups(Cow::Owned(bm), groups);
                    }
                    let cols = &self.cols;
                    let wb = w.as_bytes();
                    // E-mails starting with w: a run of the e-mail order (empty e-mails sort last).
                    let email = &self.perms[SortKey::Email.slot()];
                    let mut extra: Vec<u32> = email
                        .range(|d| !cols.email(d).is_empty() && cols.email(d) < wb, |d| cols.email(d).starts_with(wb))
                        .collect();
                    if w.len() <= MAX_DIGITS && is_digits(w) {
                        // Mobiles whose digits start with w: a key range of the mobile order.
                        let (lo, hi) = prefix_keys(w);
                        let mobile = &self.perms[SortKey::Mobile.slot()];
                        extra.extend(mobile.range(
                            |d| cols.mobile(d).wrapping_sub(1) < lo - 1,
                            |d| (lo..=hi).contains(&cols.mobile(d)),
                        ));
                        self.digits.prefix(w, &mut extra);
                    }
                    // Docs from orders come unsorted: sort once, then one bulk union (inserting them
                    // one by one into the bitmap costs ~100 ns each).
                    extra.sort_unstable();
                    extra.dedup();
                    if !extra.is_empty() {
                        bm |= RoaringBitmap::from_sorted_iter(extra).unwrap_or_default();
                    }
                    Cow::Owned(bm)
                }
            };
        self.with_groups(base, groups)
    }

    fn with_groups<'a>(
        &'a self,
        base: Cow<'a, RoaringBitmap>,
        groups: Vec<&'a RoaringBitmap>,
    ) -> Cow<'a, RoaringBitmap> {
        if groups.is_empty() { base } else { Cow::Owned(std::iter::once(base.as_ref()).chain(groups).union()) }
    }

    /// Live docs matching all `words` and the group filter, with their rail counts.
    fn matches(&self, words: &[&str], group: Option<GroupFilter>) -> (Cow<'_, RoaringBitmap>, [u64; LETTERS]) {
        let mut counts = [0u64; LETTERS];
        // Rail counts by reading each match's letter byte: O(|m|), sequential since m iterates
        // in doc order. (roaring's array-array intersection_len merges both arrays, so 27 of
        // them cost O(docs), ~4 ms at 1M, whatever |m|.)
        let count = |m: &RoaringBitmap, counts: &mut [u64; LETTERS]| {
            for d in m.iter() {
                counts[self.cols.letter_slot(d)] += 1;
            }
        };
        if words.is_empty() && group.is_none() {
            counts.iter_mut().zip(&self.letters).for_each(|(n, bm)| *n = bm.len());
            return (Cow::Borrowed(&self.live), counts);
        }
        // A lone 1-character word (the first keystroke of search-as-you-type, up to every doc):
        // the exact prefix1 bitmap and its maintained counts, plus the members of groups whose
        // name matches that lack such a token themselves.
        if let ([w], None) = (words, group)
            && w.len() == 1
            && let Some(s) = prefix1_slot(w.as_bytes()[0])
        {
            counts = self.prefix1_letters[s];
            let named = self.groups_matching(w);
            if named.is_empty() {
                return (Cow::Borrowed(&self.prefix1[s]), counts);
            }
            let mut extra = named.into_iter().union();
            extra -= &self.prefix1[s];
            extra &= &self.live;
            count(&extra, &mut counts);
            extra |= &self.prefix1[s];
            return (Cow::Owned(extra), counts);
        }
        let mut sets: Vec<Cow<'_, RoaringBitmap>> = words.iter().map(|w| self.word_docs(w)).collect();
        match group {
            Some(GroupFilter::Group(g)) => match self.groups.get(&g) {
                Some(e) => sets.push(Cow::Borrowed(&e.members)),
                None => sets.push(Cow::Owned(RoaringBitmap::new())),
            },
            Some(GroupFilter::NoGroup) => sets.push(Cow::Borrowed(&self.no_group)),
            None => {}
        }
        sets.sort_by_key(|s| s.len());
        let mut it = sets.into_iter();
        let mut m = it.next().map(Cow::into_owned).unwrap_or_default();
        for s in it {
            if m.is_empty() {
                break;
            }
            m &= s.as_ref();
        }
        m &= &self.live;
        count(&m, &mut counts);
        (Cow::Owned(m), counts)
    }

    fn groups_matching(&self, w: &str) -> Vec<&RoaringBitmap> {
        self.groups.values().filter(|g| g.tokens.iter().any(|t| t.starts_with(w))).map(|g| &g.members).collect()
    }

    pub fn query(&self, q: &Query) -> QueryResult {
        let folded = fold(&q.q);
        let mut words: Vec<&str> = folded.split(' ').filter(|w| !w.is_empty()).collect();
        words.sort_unstable();
        words.dedup();
        // A word that is a prefix of another word is implied by it: skip the broader one.
        let words: Vec<&str> = words
            .iter()
            .enumerate()
            .filter(|(i, w)| !words[i + 1..].iter().any(|o| o.starts_with(**w)))
            .map(|(_, w)| *w)
            .collect();

        let (m, counts) = self.matches(&words, q.group);
        let letters: BTreeMap<char, usize> = counts
            .iter()
            .enumerate()
            .filter(|(_, n)| **n > 0)
            .map(|(slot, n)| (slot_letter(slot), *n as usize))
            .collect();

        let r: Cow<'_, RoaringBitmap> = match q.letter {
            None => m,
            Some(l) => match letter_slot(l) {
                Some(s) => Cow::Owned(m.as_ref() & &self.letters[s]),
                None => Cow::Owned(RoaringBitmap::new()),
            },
        };
        let total = r.len() as usize;
        let ids = self.page(&r, q).into_iter().map(|d| self.cols.ids[d as usize]).collect();
        QueryResult { ids, total, letters }
    }

    /// The docs of `r` on the requested page, choosing the cheaper of two strategies:
    /// walking the key's permutation (cost ~ need * docs / |r| membership tests) or selecting
    /// the top `need` among all matches (cost ~ |r|).
    fn page(&self, r: &RoaringBitmap, q: &Query) -> Vec<u32> {
        let total = r.len() as usize;
        let need = q.offset.saturating_add(q.limit);
        if q.limit == 0 || q.offset >= total {
            return Vec::new();
        }
        let desc = q.order == Order::Desc;
        // Measured at 1M docs: selecting costs ~100-150 ns per match (random reads of the sort
        // values, many ties on the 8-byte prefix), a walk step (read the permutation, test
        // membership in a small bitmap) ~20-35 ns, and a walk takes ~need * docs / total steps
        // when matches are spread evenly over the order.
        let docs = self.cols.len();
        let steps = (need.min(total) as f64 * docs as f64 / total as f64) as usize;
        let walk = self.force_walk.unwrap_or(need < total && steps < 5 * total);
        if walk {
            // Matches may cluster in the order (e.g. "zo..." sorted by name); past 4x the
            // expected steps, give up and select (cost then bounded by ~5x the selection).
            let budget = if self.force_walk.is_some() { usize::MAX } else { steps.saturating_mul(4).max(4096) };
            // Sorting by name with a letter filter: the matches are one run of the order.
            let cols = &self.cols;
            let first = |d: u32| cols.name.get(d).first().copied();
            let found = match q.letter.and_then(letter_slot).filter(|&s| s < 26 && q.sort == SortKey::FullName) {
                Some(s) => {
                    let l = b'a' + s as u8;
                    let p = &self.perms[q.sort.slot()];
                    p.walk(
                        cols,
                        q.sort,
                        desc,
                        r,
                        need,
                        |d| first(d).is_some_and(|b| b < l),
                        |d| first(d) == Some(l),
                        budget,
                    )
                }
                None => self.perms[q.sort.slot()].walk(cols, q.sort, desc, r, need, |_| false, |_| true, budget),
            };
            if let Some(mut v) = found {
                v.drain(..q.offset.min(v.len()));
                return v;
            }
        }
        top_k(&self.cols, q.sort, desc, r, q.offset, q.limit)
    }

    #[cfg(test)]
    pub(crate) fn with_thresholds(mut self, compact_min: u32, merge_min: usize, force_walk: Option<bool>) -> Self {
        self.compact_min = compact_min;
        self.merge_min = merge_min;
        self.force_walk = force_walk;
        self
    }

    #[cfg(test)]
    pub(crate) fn dead_docs(&self) -> u32 {
        self.dead
    }

    /// Approximate heap bytes held by the index.
    pub fn memory_bytes(&self) -> usize {
        self.memory_report().iter().map(|(_, n)| n).sum()
    }

    /// Approximate heap bytes per component (for the benchmark and capacity planning).
    pub fn memory_report(&self) -> Vec<(&'static str, usize)> {
        let term_keys: usize = self.terms.keys().map(|t| t.len() + 16 + 48).sum();
        let term_postings: usize = self.terms.values().map(bitmap_heap).sum();
        let groups: usize = self
            .groups
            .values()
            .map(|g| 64 + bitmap_heap(&g.members) + g.tokens.iter().map(|t| t.len() + 32).sum::<usize>())
            .sum();
        let bitmaps: usize =
            self.prefix1.iter().chain(&self.letters).chain([&self.live, &self.no_group]).map(bitmap_heap).sum();
        vec![
            ("sort columns", self.cols.heap_bytes()),
            ("id map", self.by_id.heap_bytes()),
            ("digit tokens", self.digits.heap_bytes()),
            ("term dictionary", term_keys),
            ("term postings", term_postings),
            ("groups", groups),
            ("prefix/letter/live bitmaps", bitmaps),
            ("sort permutations", self.perms.iter().map(Perm::heap_bytes).sum()),
        ]
    }
}

/// Words up to this length never consult the e-mail / mobile orders nor the digit table.
const SHORT: usize = 3;

fn add_term(terms: &mut BTreeMap<Box<str>, RoaringBitmap>, t: &str, d: u32) {
    match terms.get_mut(t) {
        Some(bm) => {
            bm.insert(d);
        }
        None => {
            terms.insert(t.into(), std::iter::once(d).collect());
        }
    }
}

fn is_digits(t: &str) -> bool {
    t.bytes().all(|b| b.is_ascii_digit())
}

/// Heap bytes of a roaring bitmap: its container vector plus each container's storage
/// (arrays are u16, bitsets 8 KiB), plus an allocator header per allocation.
fn bitmap_heap(bm: &RoaringBitmap) -> usize {
    let s = bm.statistics();
    // roaring 0.10 reports array bytes as capacity * 4 although the elements are u16.
    // (and bitset "bytes" as bits); a bitset container is always 8 KiB.
    s.n_containers as usize * 32
        + s.n_bytes_array_containers as usize / 2
        + s.n_bitset_containers as usize * 8192
        + 16 * (1 + s.n_containers as usize)
}
