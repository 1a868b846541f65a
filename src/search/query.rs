//! Query execution: word lookups, filters, rail counts, paging.

use super::digits::{MAX_DIGITS, Run, prefix_keys};
use super::fold::{fold, letter_slot, slot_letter};
use super::fuzzy::{Near, fuzzy_budget};
use super::index::{LETTERS, ListIndex, SHORT, is_digits, prefix1_slot};
use super::perm::top_k;
use super::{GroupFilter, Order, Query, QueryResult, SortKey};
use roaring::{MultiOps, RoaringBitmap};
use std::borrow::Cow;
use std::collections::BTreeMap;

impl ListIndex {
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
                        .range(
                            |d| {
                                let e = cols.email(d);
                                !e.is_empty() && e.cmp_bytes(wb) == std::cmp::Ordering::Less
                            },
                            |d| cols.email(d).starts_with(wb),
                        )
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

    /// Docs matching one query term (dead docs included).
    fn term_docs(&self, t: &Term<'_>, fuzzy: bool) -> Cow<'_, RoaringBitmap> {
        match t {
            Term::Phone(raw, d) => Cow::Owned(self.phone_docs(raw, d)),
            Term::Word(w) => {
                let mut bm = self.word_docs(w);
                if is_digits(w) && w.len() >= 2 {
                    // A number typed nationally or internationally: its canonical forms too,
                    // and runs inside numbers.
                    let forms = self.region.as_deref().map(|r| r.query_forms(w)).unwrap_or_default();
                    for f in &forms {
                        *bm.to_mut() |= self.word_docs(f).as_ref();
                    }
                    if w.len() >= MIN_RUN {
                        *bm.to_mut() |= self.digit_runs(w);
                    }
                }
                if fuzzy && fuzzy_budget(w) > 0 {
                    *bm.to_mut() |= self.fuzzy_docs(w);
                }
                bm
            }
        }
    }

    /// Docs having a number token (see `number_prefix`) that starts with one of the canonical
    /// forms of the digits `d`, or that contains `d`.
    fn phone_docs(&self, raw: &str, d: &str) -> RoaringBitmap {
        let mut forms = vec![d.to_owned()];
        if let Some(r) = self.region.as_deref() {
            forms.extend(r.phone_query_forms(raw, d));
        }
        let mut docs = Vec::new();
        for f in forms.iter().filter(|f| f.len() > SHORT && f.len() <= MAX_DIGITS) {
            self.number_prefix(f, &mut docs);
        }
        docs.sort_unstable();
        docs.dedup();
        let mut bm = RoaringBitmap::from_sorted_iter(docs).unwrap_or_default();
        if d.len() >= MIN_RUN {
            bm |= self.digit_runs(d);
        }
        bm
    }

    /// Docs with a number token (an all-digit token of 6-16 digits, or the mobile's digits)
    /// starting with the digits `w` (at most 16).
    fn number_prefix(&self, w: &str, out: &mut Vec<u32>) {
        let cols = &self.cols;
        let (lo, hi) = prefix_keys(w);
        let mobile = &self.perms[SortKey::Mobile.slot()];
        out.extend(mobile.range(|d| cols.mobile(d).wrapping_sub(1) < lo - 1, |d| (lo..=hi).contains(&cols.mobile(d))));
        self.digits.prefix(w, out);
    }

    /// Docs with a number token containing the digits `w` anywhere (a scan of the packed keys:
    /// ~1 ns per number and position, no memory; see docs/PERFORMANCE-search.md).
    fn digit_runs(&self, w: &str) -> RoaringBitmap {
        let Some(run) = Run::new(w) else { return RoaringBitmap::new() };
        let mut docs: Vec<u32> = self.digits.containing(&run);
        for (d, &k) in self.cols.mobile_keys().iter().enumerate() {
            if run.found_in(k) {
                docs.push(d as u32);
            }
        }
        docs.sort_unstable();
        docs.dedup();
        RoaringBitmap::from_sorted_iter(docs).unwrap_or_default()
    }

    /// Docs having a term, or a group name word, within the word's edit budget of `w` (as a
    /// prefix: "clemnt" is one edit from "clement"'s prefix "clemen"). A bounded scan of the
    /// term dictionary: it runs only when a query finds nothing.
    fn fuzzy_docs(&self, w: &str) -> RoaringBitmap {
        let k = fuzzy_budget(w);
        let mut near = Near::new(w.as_bytes(), k);
        let mut sets: Vec<&RoaringBitmap> =
            self.terms.iter().filter(|(t, _)| near.prefix_within(t.as_bytes())).map(|(_, bm)| bm).collect();
        sets.extend(
            self.groups
                .values()
                .filter(|g| g.tokens.iter().any(|t| near.prefix_within(t.as_bytes())))
                .map(|g| &g.members),
        );
        sets.into_iter().union()
    }

    /// Live docs matching all `terms` and the group filter, with their rail counts.
    /// `family`: the rail counts family-name letters (sorting by family name).
    fn matches(
        &self,
        terms: &[Term<'_>],
        group: Option<GroupFilter>,
        fuzzy: bool,
        family: bool,
    ) -> (Cow<'_, RoaringBitmap>, [u64; LETTERS]) {
        let mut counts = [0u64; LETTERS];
        // Rail counts by reading each match's letter byte: O(|m|), sequential since m iterates
        // in doc order. (roaring's array-array intersection_len merges both arrays, so 27 of
        // them cost O(docs), ~4 ms at 1M, whatever |m|.)
        let count = |m: &RoaringBitmap, counts: &mut [u64; LETTERS]| {
            for d in m.iter() {
                let slot = if family { self.cols.family_letter_slot(d) } else { self.cols.letter_slot(d) };
                counts[slot] += 1;
            }
        };
        if terms.is_empty() && group.is_none() {
            let letters = if family { &self.fam_letters } else { &self.letters };
            counts.iter_mut().zip(letters).for_each(|(n, bm)| *n = bm.len());
            return (Cow::Borrowed(&self.live), counts);
        }
        // A lone 1-character word (the first keystroke of search-as-you-type, up to every doc):
        // the exact prefix1 bitmap and its maintained counts, plus the members of groups whose
        // name matches that lack such a token themselves. (The maintained counts are by the
        // full name's letter; by family name, the bitmap is counted.)
        if let ([Term::Word(w)], None) = (terms, group)
            && w.len() == 1
            && let Some(s) = prefix1_slot(w.as_bytes()[0])
        {
            if family {
                count(&self.prefix1[s], &mut counts);
            } else {
                counts = self.prefix1_letters[s];
            }
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
        let mut sets: Vec<Cow<'_, RoaringBitmap>> = terms.iter().map(|t| self.term_docs(t, fuzzy)).collect();
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
        let terms = terms_of(&q.q, &folded);
        let family = q.sort == SortKey::FamilyName;
        let (mut m, mut counts) = self.matches(&terms, q.group, false, family);
        // Nothing found: retry with typo tolerance, if some word allows it.
        let mut fuzzy = false;
        if m.is_empty() && terms.iter().any(|t| matches!(t, Term::Word(w) if fuzzy_budget(w) > 0)) {
            (m, counts) = self.matches(&terms, q.group, true, family);
            fuzzy = !m.is_empty();
        }
        let letters: BTreeMap<char, usize> = counts
            .iter()
            .enumerate()
            .filter(|(_, n)| **n > 0)
            .map(|(slot, n)| (slot_letter(slot), *n as usize))
            .collect();

        let r: Cow<'_, RoaringBitmap> = match q.letter {
            None => m,
            Some(l) => match letter_slot(l) {
                Some(s) => Cow::Owned(m.as_ref() & &(if family { &self.fam_letters } else { &self.letters })[s]),
                None => Cow::Owned(RoaringBitmap::new()),
            },
        };
        let total = r.len() as usize;
        let ids = self.page(&r, q).into_iter().map(|d| self.cols.ids[d as usize]).collect();
        QueryResult { ids, total, letters, fuzzy }
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
            let family = q.sort == SortKey::FamilyName;
            let first =
                |d: u32| if family { cols.family(d).first().copied() } else { cols.name.get(d).first().copied() };
            let by_name = matches!(q.sort, SortKey::FullName | SortKey::FamilyName);
            let found = match q.letter.and_then(letter_slot).filter(|&s| s < 26 && by_name) {
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
}

/// Digit queries of at least this many digits also match a run inside a number ("357338" finds
/// "06 35 73 38 82"); shorter ones would match most numbers.
pub(crate) const MIN_RUN: usize = 4;

/// One condition of a query: every term must match.
#[derive(Debug)]
pub(crate) enum Term<'a> {
    /// A folded word: a prefix of a token (digit words also in their canonical phone forms).
    Word(&'a str),
    /// A whole query that is a phone number typed in groups ("06 15", "+33 6 15 88"), as typed
    /// and as digits,
    /// matched against phone numbers only (not a postal code "06150" and a house number "15").
    Phone(&'a str, String),
}

/// True for a query made only of digits and the punctuation of phone numbers, with at least
/// `MIN_RUN` digits in more than one group.
pub(crate) fn phone_query(raw: &str, folded: &str) -> Option<String> {
    let ok = raw.chars().all(|c| c.is_ascii_digit() || c.is_whitespace() || "+.-()/".contains(c));
    let digits: String = raw.chars().filter(char::is_ascii_digit).collect();
    (ok && digits.len() >= MIN_RUN && folded.contains(' ')).then_some(digits)
}

/// The terms of a query: its folded words, or one phone number.
pub(crate) fn terms_of<'a>(raw: &'a str, folded: &'a str) -> Vec<Term<'a>> {
    if let Some(d) = phone_query(raw, folded) {
        return vec![Term::Phone(raw, d)];
    }
    let mut words: Vec<&str> = folded.split(' ').filter(|w| !w.is_empty()).collect();
    words.sort_unstable();
    words.dedup();
    // A word that is a prefix of another word is implied by it: skip the broader one (not for
    // digit words, which also match runs inside numbers).
    words
        .iter()
        .enumerate()
        .filter(|(i, w)| is_digits(w) || !words[i + 1..].iter().any(|o| !is_digits(o) && o.starts_with(**w)))
        .map(|(_, w)| Term::Word(w))
        .collect()
}
