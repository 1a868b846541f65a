//! Per-document sort values, stored column-wise and compactly, and the one comparator.
//!
//! Why columns: a per-contact struct of Strings costs ~24 bytes of header per field plus an
//! allocation each; here names and e-mails live in one byte arena each, low-cardinality values
//! (company, department, job title) are interned to a u16/u32, the mobile is a u64 of its digits.

use super::SortKey;
use super::fold::{fold, phone_key};
use crate::model::{Contact, ContactId};
use std::cmp::Ordering;
use std::collections::HashMap;

/// Append-only strings addressed by doc number: one arena and one end offset per doc.
#[derive(Default)]
pub(crate) struct StrCol {
    bytes: Vec<u8>,
    ends: Vec<u32>,
}

impl StrCol {
    pub fn push(&mut self, s: &str) {
        self.bytes.extend_from_slice(s.as_bytes());
        self.ends.push(self.bytes.len() as u32);
    }

    pub fn get(&self, doc: u32) -> &[u8] {
        let d = doc as usize;
        let start = if d == 0 { 0 } else { self.ends[d - 1] as usize };
        &self.bytes[start..self.ends[d] as usize]
    }

    fn heap_bytes(&self) -> usize {
        self.bytes.capacity() + self.ends.capacity() * 4
    }

    fn shrink(&mut self) {
        self.bytes.shrink_to_fit();
        self.ends.shrink_to_fit();
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
    values: Vec<Box<str>>,
    map: HashMap<Box<str>, u32>,
    /// Value ids sorted by value (excluding the empty value 0).
    order: Vec<u32>,
    rank: Vec<u32>,
}

impl Default for Interner {
    fn default() -> Self {
        Self { values: vec!["".into()], map: HashMap::new(), order: Vec::new(), rank: vec![u32::MAX] }
    }
}

impl Interner {
    pub fn intern(&mut self, folded: &str) -> u32 {
        if folded.is_empty() {
            return 0;
        }
        if let Some(&id) = self.map.get(folded) {
            return id;
        }
        let id = self.values.len() as u32;
        self.values.push(folded.into());
        self.map.insert(folded.into(), id);
        let pos = self.order.partition_point(|&v| &*self.values[v as usize] < folded);
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
        let strings: usize = self.values.iter().map(|v| v.len()).sum();
        // values + map keys (each a copy) + table slots + order + rank
        strings * 2
            + self.values.capacity() * 16
            + self.map.capacity() * 21
            + (self.order.capacity() + self.rank.capacity()) * 4
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
    email: StrCol,
    mobile: Vec<u64>,
    updated: Vec<i64>,
    job: IdCol,
    company: IdCol,
    department: IdCol,
    jobs: Interner,
    companies: Interner,
    departments: Interner,
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
    pub fn push(&mut self, c: &Contact) -> usize {
        let f = &c.fields;
        let name = fold(&f.full_name);
        self.ids.push(c.id);
        self.name.push(&name);
        self.letter.push(super::fold::letter_slot_of_folded(&name) as u8);
        self.email.push(&fold(&f.email));
        self.mobile.push(phone_key(&fold(&f.mobile)));
        self.updated.push(c.updated_at.0);
        self.job.push(self.jobs.intern(&fold(&f.job_title)));
        self.company.push(self.companies.intern(&fold(&f.company)));
        self.department.push(self.departments.intern(&fold(&f.department)));
        super::fold::letter_slot_of_folded(&name)
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Rail slot (0..=25 for A..Z, 26 for '#') of the doc's folded name.
    pub fn letter_slot(&self, doc: u32) -> usize {
        usize::from(self.letter[doc as usize])
    }

    pub fn email(&self, doc: u32) -> &[u8] {
        self.email.get(doc)
    }

    /// The mobile's `phone_key` (0 = no digits).
    pub fn mobile(&self, doc: u32) -> u64 {
        self.mobile[doc as usize]
    }

    /// Keeps only the docs for which `keep` is true, in order (compaction).
    pub fn retain(&mut self, keep: impl Fn(u32) -> bool) {
        let mut next = Columns {
            jobs: std::mem::take(&mut self.jobs),
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
            next.email.push(std::str::from_utf8(self.email.get(d)).unwrap_or_default());
            next.mobile.push(self.mobile[i]);
            next.updated.push(self.updated[i]);
            next.job.push(self.job.get(i));
            next.company.push(self.company.get(i));
            next.department.push(self.department.get(i));
        }
        next.shrink();
        *self = next;
    }

    pub fn shrink(&mut self) {
        self.ids.shrink_to_fit();
        self.name.shrink();
        self.letter.shrink_to_fit();
        self.email.shrink();
        self.mobile.shrink_to_fit();
        self.updated.shrink_to_fit();
        self.job.shrink();
        self.company.shrink();
        self.department.shrink();
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
            SortKey::Email => cmp_bytes_empty_last(self.email.get(a), self.email.get(b)),
            SortKey::UpdatedAt => self.updated[i].cmp(&self.updated[j]),
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
        match key {
            SortKey::FullName => bytes8(self.name.get(doc)),
            SortKey::JobTitle => u64::from(self.jobs.rank(self.job.get(i))),
            SortKey::Company => u64::from(self.companies.rank(self.company.get(i))),
            SortKey::Department => u64::from(self.departments.rank(self.department.get(i))),
            SortKey::Mobile => self.mobile[i].wrapping_sub(1),
            SortKey::Email => bytes8(self.email.get(doc)),
            // Flip the sign bit so that i64 order becomes u64 order.
            SortKey::UpdatedAt => (self.updated[i] as u64) ^ (1 << 63),
        }
    }

    pub fn heap_bytes(&self) -> usize {
        self.ids.capacity() * 16
            + self.name.heap_bytes()
            + self.letter.capacity()
            + self.email.heap_bytes()
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
