//! The index of one contact list.
//!
//! Each contact gets a dense u32 doc number; every set of contacts is a roaring bitmap of doc
//! numbers. A replaced or removed contact's doc number is only marked dead (removed from `live`)
//! because finding and editing all its postings would need its old text, which we do not keep;
//! queries intersect with `live`, and a compaction renumbers everything once dead docs exceed
//! 1/8 of the doc space, so the waste stays bounded.

use super::SortKey;
use super::columns::Columns;
use super::digits::{DigitTokens, MAX_DIGITS, is_long_digits};
use super::fold::{Tokens, fold, fold_split, phone_digits, phone_key};
use super::perm::Perm;
use super::phone::Region;
use crate::model::{Contact, ContactId, GroupId};
use roaring::RoaringBitmap;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

pub(super) const LETTERS: usize = 27;
/// Precomputed single-character prefixes: 'a'..='z', '0'..='9'.
const PREFIX1: usize = 36;

pub(super) fn prefix1_slot(b: u8) -> Option<usize> {
    match b {
        b'a'..=b'z' => Some((b - b'a') as usize),
        b'0'..=b'9' => Some(26 + (b - b'0') as usize),
        _ => None,
    }
}

#[derive(Default)]
pub(super) struct GroupEntry {
    /// Folded tokens of the group's name (joined and split), matched like contact tokens.
    pub(super) tokens: Vec<Box<str>>,
    /// Doc numbers of the members; may hold dead docs (intersect with `live`).
    pub(super) members: RoaringBitmap,
}

pub struct ListIndex {
    pub(super) cols: Columns,
    pub(super) live: RoaringBitmap,
    pub(super) dead: u32,
    /// Docs ordered by (contact id, doc): id -> doc lookup in 4 bytes per contact
    /// (a HashMap costs ~40 at a million entries).
    pub(super) by_id: Perm,
    /// Token -> docs containing it (may include dead docs). Sorted, so a prefix is a range.
    /// Two kinds of nearly-unique tokens are kept elsewhere: long digit runs in `digits`, and
    /// the e-mail's joined form / the mobile's digits, found through their sort permutations.
    pub(super) terms: BTreeMap<Box<str>, RoaringBitmap>,
    pub(super) digits: DigitTokens,
    /// Live docs having a token that starts with a given character (exact: a dead doc is
    /// removed from the 36 bitmaps), and their rail counts: a 1-letter query, typed on every
    /// first keystroke of search-as-you-type, then costs no set operation at all.
    pub(super) prefix1: Vec<RoaringBitmap>,
    pub(super) prefix1_letters: Vec<[u64; LETTERS]>,
    /// Live docs per rail letter (exact: maintained on removal, since the letter is known).
    pub(super) letters: Vec<RoaringBitmap>,
    /// The same by the family name's letter, for the rail when sorting by family name.
    pub(super) fam_letters: Vec<RoaringBitmap>,
    pub(super) groups: HashMap<GroupId, GroupEntry>,
    /// Live docs without any group (exact).
    pub(super) no_group: RoaringBitmap,
    /// One sorted permutation per sort key, indexed by `SortKey::slot`.
    pub(super) perms: Vec<Perm>,
    pub(super) scratch: Tokens,
    /// Thresholds (lowered by tests to exercise compaction and permutation merges).
    pub(super) compact_min: u32,
    pub(super) merge_min: usize,
    /// True while `build` adds docs: sorted structures are sorted once at the end.
    pub(super) bulk: bool,
    /// Paging strategy: None = cheapest; tests force Some(true) = walk, Some(false) = select.
    pub(super) force_walk: Option<bool>,
    /// Dialling rules for phone numbers written nationally (see `phone`); None: digits as written.
    pub(super) region: Option<Arc<Region>>,
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
            fam_letters: vec![RoaringBitmap::new(); LETTERS],
            groups: HashMap::new(),
            no_group: RoaringBitmap::new(),
            perms: SortKey::ALL.iter().map(|_| Perm::default()).collect(),
            scratch: Tokens::default(),
            compact_min: 1024,
            merge_min: 512,
            bulk: false,
            force_walk: None,
            region: None,
        }
    }

    /// An empty index whose phone numbers are read with `region`'s dialling rules.
    pub fn new_in(region: Option<Arc<Region>>) -> Self {
        Self { region, ..Self::new() }
    }

    /// Bulk build: adds every contact, then sorts each permutation once (O(n log n)) instead
    /// of inserting one by one.
    pub fn build(
        contacts: impl IntoIterator<Item = Contact>,
        group_names: impl IntoIterator<Item = (GroupId, String)>,
    ) -> Self {
        Self::build_in(None, contacts, group_names)
    }

    /// [`ListIndex::build`] with phone numbers read with `region`'s dialling rules.
    pub fn build_in(
        region: Option<Arc<Region>>,
        contacts: impl IntoIterator<Item = Contact>,
        group_names: impl IntoIterator<Item = (GroupId, String)>,
    ) -> Self {
        let mut ix = Self::new_in(region);
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
        let f = &c.fields;
        let region = self.region.as_deref();
        let mobile_digits = phone_digits(&f.mobile, region);
        let slot = self.cols.push(c, &mobile_digits);
        self.live.insert(d);
        self.letters[slot].insert(d);
        self.fam_letters[self.cols.family_letter_slot(d)].insert(d);
        let tok = &mut self.scratch;
        tok.clear();
        for s in [&f.full_name, &f.job_title, &f.company, &f.department, &f.notes] {
            tok.add_text(s);
        }
        tok.add_email(&f.email);
        let a = &f.address;
        for s in [&a.street, &a.city, &a.postal_code, &a.state, &a.country] {
            tok.add_text(s);
        }
        tok.add_phone(&f.phone, &phone_digits(&f.phone, region));
        tok.add_phone(&f.mobile, &mobile_digits);
        // Tokens found through the e-mail and mobile sort permutations (see `word_docs`):
        // any token equal to them is covered there, whatever field it came from. Those and
        // the long digit tokens are "deferred": they are looked up only for words longer than
        // SHORT, since a 2-letter word would otherwise pull a large slice of them (search as
        // you type); their first SHORT characters are indexed as a term instead, unless a
        // term of the doc already starts with them (then any short word matching is covered).
        let email = self.cols.email(d);
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
            if email.first_word_is(t.as_bytes()) || (t.len() <= MAX_DIGITS && is_digits(t) && phone_key(t) == mobile) {
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
            self.fam_letters[self.cols.family_letter_slot(d)].remove(d);
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
        self.fam_letters.iter_mut().for_each(re);
        self.groups.values_mut().for_each(|g| re(&mut g.members));
        re(&mut self.no_group);
        re(&mut self.live);
        self.cols.retain(|d| remap[d as usize] != u32::MAX);
        self.perms.iter_mut().for_each(|p| p.remap(&remap));
        self.by_id.remap(&remap);
        self.digits.remap(&remap);
        self.dead = 0;
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
        let fam_slot = SortKey::FamilyName.slot();
        let family = self.cols.family_heap_bytes()
            + self.fam_letters.iter().map(bitmap_heap).sum::<usize>()
            + self.perms[fam_slot].heap_bytes();
        vec![
            ("family-name order (key slice, letter, rail bitmaps, permutation)", family),
            ("sort columns", self.cols.heap_bytes()),
            ("id map", self.by_id.heap_bytes()),
            ("digit tokens", self.digits.heap_bytes()),
            ("term dictionary", term_keys),
            ("term postings", term_postings),
            ("groups", groups),
            ("prefix/letter/live bitmaps", bitmaps),
            (
                "sort permutations",
                self.perms.iter().enumerate().filter(|(i, _)| *i != fam_slot).map(|(_, p)| p.heap_bytes()).sum(),
            ),
        ]
    }
}

/// Words up to this length never consult the e-mail / mobile orders nor the digit table.
pub(super) const SHORT: usize = 3;

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

pub(super) fn is_digits(t: &str) -> bool {
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
