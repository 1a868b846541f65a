//! Per-document sort values, stored column-wise and compactly, and the one comparator.
//!
//! Why columns: a per-contact struct of Strings costs ~24 bytes of header per field plus an
//! allocation each; here names and e-mail local parts live in byte arenas (with 2-byte offsets),
//! e-mail domains and low-cardinality values (company, department, job title) are interned to a
//! u16/u32, the mobile is a u64 of its digits.

use super::SortKey;
use super::fold::{fold, phone_key};
use crate::model::{Contact, ContactId};
use std::cmp::Ordering;
use std::collections::HashMap;

/// Docs per block of [`StrCol`] offsets.
const BLOCK: usize = 64;

/// Append-only strings addressed by doc number: one arena, and per doc its end offset stored as
/// a u16 relative to the start of its block of 64 docs (plus one u32 base per block): ~2 bytes
/// per doc instead of 4. A block whose strings exceed 64 KiB (names of 1,000+ bytes on average)
/// widens the column to absolute u32 ends.
#[derive(Default)]
pub(crate) struct StrCol {
    bytes: Vec<u8>,
    ends: Ends,
}

enum Ends {
    /// `base[b]` = arena offset where block `b` starts; `rel[d]` = end of doc d - base of its block.
    Narrow {
        base: Vec<u32>,
        rel: Vec<u16>,
    },
    Wide(Vec<u32>),
}

impl Default for Ends {
    fn default() -> Self {
        Ends::Narrow { base: Vec::new(), rel: Vec::new() }
    }
}

impl StrCol {
    pub fn push(&mut self, s: &str) {
        let start = self.bytes.len();
        self.bytes.extend_from_slice(s.as_bytes());
        let end = self.bytes.len();
        let n = self.len();
        let widen = match &mut self.ends {
            Ends::Narrow { base, rel } => {
                if n.is_multiple_of(BLOCK) {
                    base.push(start as u32);
                }
                match u16::try_from(end - base[n / BLOCK] as usize) {
                    Ok(r) => {
                        rel.push(r);
                        false
                    }
                    Err(_) => true,
                }
            }
            Ends::Wide(w) => {
                w.push(end as u32);
                false
            }
        };
        if widen {
            let mut wide: Vec<u32> = (0..n).map(|d| self.end_of(d) as u32).collect();
            wide.push(end as u32);
            self.ends = Ends::Wide(wide);
        }
    }

    fn len(&self) -> usize {
        match &self.ends {
            Ends::Narrow { rel, .. } => rel.len(),
            Ends::Wide(w) => w.len(),
        }
    }

    #[inline]
    fn end_of(&self, d: usize) -> usize {
        match &self.ends {
            Ends::Narrow { base, rel } => base[d / BLOCK] as usize + usize::from(rel[d]),
            Ends::Wide(w) => w[d] as usize,
        }
    }

    #[inline]
    pub fn get(&self, doc: u32) -> &[u8] {
        let d = doc as usize;
        let start = match &self.ends {
            Ends::Narrow { base, rel } => {
                if d.is_multiple_of(BLOCK) {
                    base[d / BLOCK] as usize
                } else {
                    base[d / BLOCK] as usize + usize::from(rel[d - 1])
                }
            }
            Ends::Wide(w) => {
                if d == 0 {
                    0
                } else {
                    w[d - 1] as usize
                }
            }
        };
        &self.bytes[start..self.end_of(d)]
    }

    fn heap_bytes(&self) -> usize {
        self.bytes.capacity()
            + match &self.ends {
                Ends::Narrow { base, rel } => base.capacity() * 4 + rel.capacity() * 2,
                Ends::Wide(w) => w.capacity() * 4,
            }
    }

    fn shrink(&mut self) {
        self.bytes.shrink_to_fit();
        match &mut self.ends {
            Ends::Narrow { base, rel } => {
                base.shrink_to_fit();
                rel.shrink_to_fit();
            }
            Ends::Wide(w) => w.shrink_to_fit(),
        }
    }

    #[cfg(test)]
    pub(crate) fn is_wide(&self) -> bool {
        matches!(self.ends, Ends::Wide(_))
    }
}

/// Strings interned without order (e-mail domains): id 0 is the empty string.
pub(crate) struct Pool {
    values: Vec<Box<str>>,
    map: HashMap<Box<str>, u32>,
}

impl Default for Pool {
    fn default() -> Self {
        Self { values: vec!["".into()], map: HashMap::new() }
    }
}

impl Pool {
    fn intern(&mut self, s: &str) -> u32 {
        if s.is_empty() {
            return 0;
        }
        if let Some(&id) = self.map.get(s) {
            return id;
        }
        let id = self.values.len() as u32;
        self.values.push(s.into());
        self.map.insert(s.into(), id);
        id
    }

    #[inline]
    fn get(&self, id: u32) -> &[u8] {
        self.values[id as usize].as_bytes()
    }

    fn heap_bytes(&self) -> usize {
        let strings: usize = self.values.iter().map(|v| v.len()).sum();
        strings * 2 + self.values.capacity() * 16 + self.map.capacity() * 21
    }
}

/// A folded e-mail stored in two parts (local part in an arena, domain interned): behaves as
/// the bytes of `local` followed by `domain`.
#[derive(Clone, Copy)]
pub(crate) struct Email<'a> {
    pub local: &'a [u8],
    pub domain: &'a [u8],
}

impl Email<'_> {
    pub fn is_empty(&self) -> bool {
        self.local.is_empty() && self.domain.is_empty()
    }

    pub fn len(&self) -> usize {
        self.local.len() + self.domain.len()
    }

    /// Byte `i` of the whole e-mail.
    fn byte(&self, i: usize) -> u8 {
        if i < self.local.len() { self.local[i] } else { self.domain[i - self.local.len()] }
    }

    pub fn starts_with(&self, p: &[u8]) -> bool {
        match p.split_at_checked(self.local.len()) {
            Some((head, tail)) => head == self.local && self.domain.starts_with(tail),
            None => self.local.starts_with(p),
        }
    }

    /// True when `t` (a token: no spaces) is the e-mail's first word.
    pub fn first_word_is(&self, t: &[u8]) -> bool {
        !t.is_empty() && self.starts_with(t) && (self.len() == t.len() || self.byte(t.len()) == b' ')
    }

    /// Byte-wise comparison of the whole e-mails.
    pub fn cmp(&self, other: &Email<'_>) -> Ordering {
        cmp_parts([self.local, self.domain], [other.local, other.domain])
    }

    pub fn cmp_bytes(&self, b: &[u8]) -> Ordering {
        cmp_parts([self.local, self.domain], [b, &[]])
    }

    fn first8(&self) -> [u8; 8] {
        let mut k = [0u8; 8];
        let n = self.local.len().min(8);
        k[..n].copy_from_slice(&self.local[..n]);
        let m = self.domain.len().min(8 - n);
        k[n..n + m].copy_from_slice(&self.domain[..m]);
        k
    }
}

/// Compares the concatenations `a[0] ++ a[1]` and `b[0] ++ b[1]` without building them.
fn cmp_parts(a: [&[u8]; 2], b: [&[u8]; 2]) -> Ordering {
    let (mut ai, mut bi) = (0, 0);
    let (mut x, mut y) = (a[0], b[0]);
    loop {
        while x.is_empty() && ai < 1 {
            ai += 1;
            x = a[ai];
        }
        while y.is_empty() && bi < 1 {
            bi += 1;
            y = b[bi];
        }
        if x.is_empty() || y.is_empty() {
            return (!x.is_empty()).cmp(&!y.is_empty());
        }
        let n = x.len().min(y.len());
        match x[..n].cmp(&y[..n]) {
            Ordering::Equal => (x, y) = (&x[n..], &y[n..]),
            o => return o,
        }
    }
}

/// Interned value ids per doc: 2 bytes each while a list has at most 65,536 distinct values
/// (the usual case for companies, departments, job titles), widened to 4 on the first overflow.
pub(crate) enum IdCol {
    Narrow(Vec<u16>),
    Wide(Vec<u32>),
}

impl Default for IdCol {
    fn default() -> Self {
        IdCol::Narrow(Vec::new())
    }
}

impl IdCol {
    fn push(&mut self, v: u32) {
        match self {
            IdCol::Narrow(n) => match u16::try_from(v) {
                Ok(v) => n.push(v),
                Err(_) => {
                    let mut w: Vec<u32> = n.iter().map(|&x| u32::from(x)).collect();
                    w.push(v);
                    *self = IdCol::Wide(w);
                }
            },
            IdCol::Wide(w) => w.push(v),
        }
    }

    #[inline]
    fn get(&self, i: usize) -> u32 {
        match self {
            IdCol::Narrow(n) => u32::from(n[i]),
            IdCol::Wide(w) => w[i],
        }
    }

    fn shrink(&mut self) {
        match self {
            IdCol::Narrow(n) => n.shrink_to_fit(),
            IdCol::Wide(w) => w.shrink_to_fit(),
        }
    }

    fn heap_bytes(&self) -> usize {
        match self {
            IdCol::Narrow(n) => n.capacity() * 2,
            IdCol::Wide(w) => w.capacity() * 4,
        }
    }
}

/// Interned folded values; id 0 is the empty value. `rank` orders the values by their bytes and
/// is kept exact on every insertion (O(distinct values), cheap because values are few).
pub(crate) struct Interner {
    pool: Pool,
    /// Value ids sorted by value (excluding the empty value 0).
    order: Vec<u32>,
    rank: Vec<u32>,
}

impl Default for Interner {
    fn default() -> Self {
        Self { pool: Pool::default(), order: Vec::new(), rank: vec![u32::MAX] }
    }
}

impl Interner {
    pub fn intern(&mut self, folded: &str) -> u32 {
        let known = self.pool.values.len();
        let id = self.pool.intern(folded);
        if (id as usize) < known {
            return id; // the empty value (0) or a value seen before
        }
        let values = &self.pool.values;
        let pos = self.order.partition_point(|&v| &*values[v as usize] < folded);
        self.order.insert(pos, id);
        self.rank.push(0);
        for (i, &v) in self.order.iter().enumerate().skip(pos) {
            self.rank[v as usize] = i as u32;
        }
        id
    }

    /// Rank of a value id; the empty value ranks last (u32::MAX).
    #[inline]
    pub fn rank(&self, id: u32) -> u32 {
        self.rank[id as usize]
    }

    fn heap_bytes(&self) -> usize {
        self.pool.heap_bytes() + (self.order.capacity() + self.rank.capacity()) * 4
    }
}

/// The sort values of every doc number (live or dead; dead ones are dropped by compaction).
#[derive(Default)]
pub(crate) struct Columns {
    pub ids: Vec<ContactId>,
    pub name: StrCol,
    /// Rail slot per doc (1 byte): counting letters of a few thousand matches reads this
    /// sequentially instead of chasing name offsets.
    letter: Vec<u8>,
    /// The folded e-mail as its local part (arena) + its domain (interned: most e-mail bytes
    /// are the few domains of the companies in a list). See [`split_email`].
    email_local: StrCol,
    email_domain: IdCol,
    domains: Pool,
    mobile: Vec<u64>,
    updated: Vec<i64>,
    job: IdCol,
    company: IdCol,
    department: IdCol,
    jobs: Interner,
    companies: Interner,
    departments: Interner,
    /// The family-name sort key as a slice of the folded name (see [`FamKey`]): 2 bytes a
    /// contact, since the key is nearly always a word of the name.
    fam: Vec<FamKey>,
    /// Keys that are not inside the folded name (a stored family name the full name lacks).
    fam_extra: HashMap<u32, Box<str>>,
    /// Rail slot of the family key, per doc (1 byte).
    fam_letter: Vec<u8>,
}

/// Where a doc's family sort key is: `[start, len]` of the folded name (len >= 1); `[0, 0]`:
/// empty; [`FAM_WHOLE`]: the whole name (no family name: a single name, an organisation);
/// [`FAM_EXTRA`]: in `fam_extra`.
type FamKey = [u8; 2];
const FAM_EMPTY: FamKey = [0, 0];
const FAM_WHOLE: FamKey = [255, 1];
const FAM_EXTRA: FamKey = [255, 0];

/// Splits a folded e-mail into (local part, domain): the domain is the folded text after the
/// last '@' when the folded e-mail ends with it, else empty. `local + domain == fold(email)`
/// always holds, so sorting and prefix search see exactly the folded e-mail.
pub(crate) fn split_email(email: &str) -> (String, String) {
    let mut folded = fold(email);
    if let Some(at) = email.rfind('@') {
        let domain = fold(&email[at + 1..]);
        if !domain.is_empty() && folded.ends_with(&domain) {
            folded.truncate(folded.len() - domain.len());
            return (folded, domain);
        }
    }
    (folded, String::new())
}

/// Empty values sort after non-empty ones (in ascending order).
#[inline]
fn cmp_bytes_empty_last(a: &[u8], b: &[u8]) -> Ordering {
    match (a.is_empty(), b.is_empty()) {
        (false, false) => a.cmp(b),
        (x, y) => x.cmp(&y),
    }
}

impl Columns {
    /// Appends the sort values of `c` as doc number `self.len()`; returns its folded name's letter slot.
    /// `mobile`: the digits the mobile sorts by (its canonical form when it parses, see `phone`).
    pub fn push(&mut self, c: &Contact, mobile: &str) -> usize {
        let f = &c.fields;
        let name = fold(&f.full_name);
        self.ids.push(c.id);
        self.name.push(&name);
        self.letter.push(super::fold::letter_slot_of_folded(&name) as u8);
        self.push_family(fold(&f.family_sort_key()), &name);
        let (local, domain) = split_email(&f.email);
        self.email_local.push(&local);
        self.email_domain.push(self.domains.intern(&domain));
        self.mobile.push(phone_key(mobile));
        self.updated.push(c.updated_at.0);
        self.job.push(self.jobs.intern(&fold(&f.job_title)));
        self.company.push(self.companies.intern(&fold(&f.company)));
        self.department.push(self.departments.intern(&fold(&f.department)));
        super::fold::letter_slot_of_folded(&name)
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Records the folded family sort key of the doc being pushed, whose folded name is `name`.
    fn push_family(&mut self, key: String, name: &str) {
        let d = self.fam.len() as u32;
        self.fam_letter.push(super::fold::letter_slot_of_folded(&key) as u8);
        let at = if key.is_empty() {
            FAM_EMPTY
        } else if key == name {
            FAM_WHOLE
        } else {
            match name.rfind(&key).map(|s| (u8::try_from(s), u8::try_from(key.len()))) {
                Some((Ok(s), Ok(n))) if s < 255 => [s, n],
                _ => {
                    self.fam_extra.insert(d, key.into());
                    FAM_EXTRA
                }
            }
        };
        self.fam.push(at);
    }

    /// The folded family sort key of a doc.
    #[inline]
    pub fn family(&self, doc: u32) -> &[u8] {
        match self.fam[doc as usize] {
            FAM_EMPTY => &[],
            FAM_WHOLE => self.name.get(doc),
            FAM_EXTRA => self.fam_extra.get(&doc).map_or(&[][..], |k| k.as_bytes()),
            [s, n] => &self.name.get(doc)[usize::from(s)..usize::from(s) + usize::from(n)],
        }
    }

    /// Rail slot of the doc's family sort key.
    pub fn family_letter_slot(&self, doc: u32) -> usize {
        usize::from(self.fam_letter[doc as usize])
    }

    /// Heap bytes of the family-name key columns (reported on their own line).
    pub fn family_heap_bytes(&self) -> usize {
        self.fam.capacity() * 2
            + self.fam_letter.capacity()
            + self.fam_extra.capacity() * 32
            + self.fam_extra.values().map(|k| k.len()).sum::<usize>()
    }

    /// Rail slot (0..=25 for A..Z, 26 for '#') of the doc's folded name.
    pub fn letter_slot(&self, doc: u32) -> usize {
        usize::from(self.letter[doc as usize])
    }

    pub fn email(&self, doc: u32) -> Email<'_> {
        Email { local: self.email_local.get(doc), domain: self.domains.get(self.email_domain.get(doc as usize)) }
    }

    /// Every doc's mobile key, by doc number.
    pub fn mobile_keys(&self) -> &[u64] {
        &self.mobile
    }

    /// The mobile's `phone_key` (0 = no digits).
    pub fn mobile(&self, doc: u32) -> u64 {
        self.mobile[doc as usize]
    }

    /// Keeps only the docs for which `keep` is true, in order (compaction).
    pub fn retain(&mut self, keep: impl Fn(u32) -> bool) {
        let mut next = Columns {
            jobs: std::mem::take(&mut self.jobs),
            domains: std::mem::take(&mut self.domains),
            companies: std::mem::take(&mut self.companies),
            departments: std::mem::take(&mut self.departments),
            ..Default::default()
        };
        for d in 0..self.len() as u32 {
            if !keep(d) {
                continue;
            }
            let i = d as usize;
            next.ids.push(self.ids[i]);
            next.name.push(std::str::from_utf8(self.name.get(d)).unwrap_or_default());
            next.letter.push(self.letter[i]);
            next.email_local.push(std::str::from_utf8(self.email_local.get(d)).unwrap_or_default());
            next.email_domain.push(self.email_domain.get(i));
            next.mobile.push(self.mobile[i]);
            next.updated.push(self.updated[i]);
            next.job.push(self.job.get(i));
            next.company.push(self.company.get(i));
            next.department.push(self.department.get(i));
            let new = next.fam.len() as u32;
            next.fam.push(self.fam[i]);
            next.fam_letter.push(self.fam_letter[i]);
            if let Some(k) = self.fam_extra.remove(&d) {
                next.fam_extra.insert(new, k);
            }
        }
        next.shrink();
        *self = next;
    }

    pub fn shrink(&mut self) {
        self.ids.shrink_to_fit();
        self.name.shrink();
        self.letter.shrink_to_fit();
        self.email_local.shrink();
        self.email_domain.shrink();
        self.mobile.shrink_to_fit();
        self.updated.shrink_to_fit();
        self.job.shrink();
        self.company.shrink();
        self.department.shrink();
        self.fam.shrink_to_fit();
        self.fam_letter.shrink_to_fit();
        self.fam_extra.shrink_to_fit();
    }

    /// Total order for `key`: the folded value (empty last), then the folded name (empty last),
    /// then the contact id. Total, so pages are deterministic and desc is the exact reverse.
    pub fn cmp(&self, key: SortKey, a: u32, b: u32) -> Ordering {
        let (i, j) = (a as usize, b as usize);
        let primary = match key {
            SortKey::FullName => Ordering::Equal,
            SortKey::JobTitle => self.jobs.rank(self.job.get(i)).cmp(&self.jobs.rank(self.job.get(j))),
            SortKey::Company => self.companies.rank(self.company.get(i)).cmp(&self.companies.rank(self.company.get(j))),
            SortKey::Department => {
                self.departments.rank(self.department.get(i)).cmp(&self.departments.rank(self.department.get(j)))
            }
            SortKey::Mobile => {
                // 0 = no digits: sorts last.
                self.mobile[i].wrapping_sub(1).cmp(&self.mobile[j].wrapping_sub(1))
            }
            SortKey::Email => {
                let (x, y) = (self.email(a), self.email(b));
                match (x.is_empty(), y.is_empty()) {
                    (false, false) => x.cmp(&y),
                    (p, q) => p.cmp(&q),
                }
            }
            SortKey::UpdatedAt => self.updated[i].cmp(&self.updated[j]),
            SortKey::FamilyName => cmp_bytes_empty_last(self.family(a), self.family(b)),
        };
        primary
            .then_with(|| cmp_bytes_empty_last(self.name.get(a), self.name.get(b)))
            .then_with(|| self.ids[i].cmp(&self.ids[j]))
    }

    /// A u64 that orders like the primary key when the primary keys differ (ties are resolved by
    /// [`Columns::cmp`]); lets direct sorting compare integers most of the time.
    pub fn prefix(&self, key: SortKey, doc: u32) -> u64 {
        let i = doc as usize;
        let bytes8 = |b: &[u8]| -> u64 {
            if b.is_empty() {
                return u64::MAX;
            }
            let mut k = [0u8; 8];
            let n = b.len().min(8);
            k[..n].copy_from_slice(&b[..n]);
            // Strings of <=7 bytes get a length-free key; "ab" < "ab\0" cannot occur (no NULs).
            u64::from_be_bytes(k)
        };
        let email8 = |e: Email<'_>| if e.is_empty() { u64::MAX } else { u64::from_be_bytes(e.first8()) };
        match key {
            SortKey::FullName => bytes8(self.name.get(doc)),
            SortKey::JobTitle => u64::from(self.jobs.rank(self.job.get(i))),
            SortKey::Company => u64::from(self.companies.rank(self.company.get(i))),
            SortKey::Department => u64::from(self.departments.rank(self.department.get(i))),
            SortKey::Mobile => self.mobile[i].wrapping_sub(1),
            SortKey::Email => email8(self.email(doc)),
            // Flip the sign bit so that i64 order becomes u64 order.
            SortKey::UpdatedAt => (self.updated[i] as u64) ^ (1 << 63),
            SortKey::FamilyName => bytes8(self.family(doc)),
        }
    }

    pub fn heap_bytes(&self) -> usize {
        self.ids.capacity() * 16
            + self.name.heap_bytes()
            + self.letter.capacity()
            + self.email_local.heap_bytes()
            + self.email_domain.heap_bytes()
            + self.domains.heap_bytes()
            + self.mobile.capacity() * 8
            + self.updated.capacity() * 8
            + self.job.heap_bytes()
            + self.company.heap_bytes()
            + self.department.heap_bytes()
            + self.jobs.heap_bytes()
            + self.companies.heap_bytes()
            + self.departments.heap_bytes()
    }
}
