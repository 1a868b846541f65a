//! Duplicate contacts of a list: clusters of contacts with the same e-mail, the same phone
//! number (after normalisation, see `phone`), or very similar folded names at the same company.
//!
//! One pass builds a compact record per contact (the full contacts are not kept), then:
//! - e-mail and phone: hash the normalised value, join every contact to the first with it;
//! - names: within each company (folded, non-empty: the tie-breaker that keeps two unrelated
//!   "Jean Martin" apart), compare folded names with their words sorted ("Kaya Adèle" = "Adèle
//!   Kaya"), allowing a typo in one word (see `similar`): all pairs in
//!   a small company, neighbours in name order and in reversed-name order in a large one
//!   (sorted neighbourhood: O(n * window) instead of O(n²)).
//!   A pair already joined by e-mail or phone also gets "name" when the names are similar.
//!
//! Clusters are the connected components (union-find); each says which reasons joined it.

use super::fold::{fold, phone_digits};
use super::fuzzy::distance_within;
use super::phone::Region;
use crate::model::{Contact, ContactId};
use std::collections::HashMap;

/// Why contacts were put in one cluster.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Reason {
    Email,
    Phone,
    Name,
}

const REASONS: [Reason; 3] = [Reason::Email, Reason::Phone, Reason::Name];

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cluster {
    /// Members, by folded name then id.
    pub ids: Vec<ContactId>,
    pub reasons: Vec<Reason>,
}

/// Phone numbers shorter than this (after normalisation) are not evidence (switchboard
/// extensions, "112").
const MIN_PHONE: usize = 6;
/// Companies up to this size compare all name pairs; larger ones use sorted neighbourhoods.
const ALL_PAIRS: usize = 64;
/// Neighbours compared on each side in a large company, in each of the two orders.
const WINDOW: usize = 8;

struct Rec {
    id: ContactId,
    /// Folded name, words sorted.
    name: String,
    company: u32,
}

/// Collects contacts one by one (so a caller can stream them from the store), then clusters.
pub struct Duplicates<'r> {
    region: Option<&'r Region>,
    recs: Vec<Rec>,
    parent: Vec<u32>,
    reasons: Vec<u8>,
    emails: HashMap<String, u32>,
    phones: HashMap<String, u32>,
    companies: HashMap<String, u32>,
}

impl<'r> Duplicates<'r> {
    pub fn new(region: Option<&'r Region>) -> Self {
        Self {
            region,
            recs: Vec::new(),
            parent: Vec::new(),
            reasons: Vec::new(),
            emails: HashMap::new(),
            phones: HashMap::new(),
            companies: HashMap::new(),
        }
    }

    pub fn add(&mut self, c: &Contact) {
        let i = self.recs.len() as u32;
        let f = &c.fields;
        let mut words: Vec<&str> = Vec::new();
        let folded = fold(&f.full_name);
        words.extend(folded.split(' ').filter(|w| !w.is_empty()));
        words.sort_unstable();
        let company = fold(&f.company);
        let next = self.companies.len() as u32 + 1;
        let company = if company.is_empty() { 0 } else { *self.companies.entry(company).or_insert(next) };
        self.recs.push(Rec { id: c.id, name: words.join(" "), company });
        self.parent.push(i);
        self.reasons.push(0);
        let email = f.email.trim().to_lowercase();
        if !email.is_empty() {
            match self.emails.get(&email) {
                Some(&j) => self.join(i, j, Reason::Email),
                None => {
                    self.emails.insert(email, i);
                }
            }
        }
        for p in [&f.phone, &f.mobile] {
            let d = phone_digits(p, self.region);
            if d.len() < MIN_PHONE {
                continue;
            }
            match self.phones.get(&d) {
                Some(&j) => self.join(i, j, Reason::Phone),
                None => {
                    self.phones.insert(d, i);
                }
            }
        }
    }

    fn find(&mut self, mut i: u32) -> u32 {
        while self.parent[i as usize] != i {
            let up = self.parent[self.parent[i as usize] as usize];
            self.parent[i as usize] = up;
            i = up;
        }
        i
    }

    fn join(&mut self, a: u32, b: u32, why: Reason) {
        let mut bits = 1u8 << why as u8;
        if why != Reason::Name && similar(&self.recs[a as usize].name, &self.recs[b as usize].name) {
            bits |= 1 << Reason::Name as u8;
        }
        let (ra, rb) = (self.find(a), self.find(b));
        let (keep, gone) = if ra < rb { (ra, rb) } else { (rb, ra) };
        self.parent[gone as usize] = keep;
        self.reasons[keep as usize] |= self.reasons[gone as usize] | bits;
    }

    /// The clusters of two or more contacts, ordered by their first member's name.
    pub fn clusters(mut self) -> Vec<Cluster> {
        self.join_names();
        let mut by_root: HashMap<u32, Vec<u32>> = HashMap::new();
        for i in 0..self.recs.len() as u32 {
            let r = self.find(i);
            if r != i {
                by_root.entry(r).or_default().push(i);
            }
        }
        let mut out: Vec<(String, Cluster)> = by_root
            .into_iter()
            .map(|(root, mut members)| {
                members.push(root);
                members.sort_by(|&a, &b| {
                    let (x, y) = (&self.recs[a as usize], &self.recs[b as usize]);
                    x.name.cmp(&y.name).then(x.id.cmp(&y.id))
                });
                let bits = self.reasons[root as usize];
                let reasons = REASONS.into_iter().filter(|r| bits & (1 << *r as u8) != 0).collect();
                let first = self.recs[members[0] as usize].name.clone();
                (first, Cluster { ids: members.iter().map(|&m| self.recs[m as usize].id).collect(), reasons })
            })
            .collect();
        out.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.ids[0].cmp(&b.1.ids[0])));
        out.into_iter().map(|(_, c)| c).collect()
    }

    fn join_names(&mut self) {
        let mut by_company: HashMap<u32, Vec<u32>> = HashMap::new();
        for (i, r) in self.recs.iter().enumerate() {
            if r.company != 0 && !r.name.is_empty() {
                by_company.entry(r.company).or_default().push(i as u32);
            }
        }
        let mut pairs = Vec::new();
        for (_, mut members) in by_company {
            if members.len() < 2 {
                continue;
            }
            if members.len() <= ALL_PAIRS {
                for (x, &a) in members.iter().enumerate() {
                    for &b in &members[x + 1..] {
                        if similar(&self.recs[a as usize].name, &self.recs[b as usize].name) {
                            pairs.push((a, b));
                        }
                    }
                }
                continue;
            }
            // Typos near the end of a name keep it next to its twin in name order; typos near
            // the start, in reversed-name order.
            let recs = &self.recs;
            members.sort_by(|&a, &b| recs[a as usize].name.cmp(&recs[b as usize].name));
            neighbours(recs, &members, &mut pairs);
            members.sort_by(|&a, &b| recs[a as usize].name.bytes().rev().cmp(recs[b as usize].name.bytes().rev()));
            neighbours(recs, &members, &mut pairs);
        }
        for (a, b) in pairs {
            self.join(a, b, Reason::Name);
        }
    }
}

fn neighbours(recs: &[Rec], members: &[u32], pairs: &mut Vec<(u32, u32)>) {
    for (x, &a) in members.iter().enumerate() {
        for &b in members[x + 1..].iter().take(WINDOW) {
            if similar(&recs[a as usize].name, &recs[b as usize].name) {
                pairs.push((a, b));
            }
        }
    }
}

/// Very similar folded names (words sorted): equal, or the same words but one, which is one
/// edit away (two from 9 letters) and has at least 4 letters. A budget over the whole name
/// would join different surnames ("emma moreau" / "emma morel" are two edits apart).
fn similar(a: &str, b: &str) -> bool {
    if a.is_empty() || b.is_empty() {
        return false;
    }
    if a == b {
        return true;
    }
    let (mut x, mut y) = (a.split(' '), b.split(' '));
    let mut differing = None;
    loop {
        match (x.next(), y.next()) {
            (None, None) => break,
            (Some(u), Some(v)) if u == v => {}
            (Some(u), Some(v)) if differing.is_none() => differing = Some((u, v)),
            _ => return false,
        }
    }
    let Some((u, v)) = differing else { return false };
    let k = match u.len().min(v.len()) {
        0..=3 => return false,
        4..=8 => 1,
        _ => 2,
    };
    distance_within(u.as_bytes(), v.as_bytes(), k).is_some()
}
