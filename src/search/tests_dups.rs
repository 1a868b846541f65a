//! Duplicate detection on generated data with planted duplicates: precision and recall over
//! pairs (target: both >= 0.95), plus the rules one by one.

use super::dups::{Duplicates, Reason};
use super::phone::Region;
use super::tests::contact;
use crate::model::{Contact, ContactFields, ContactId};
use std::collections::{HashMap, HashSet};

const FIRST: &[&str] = &[
    "Adèle",
    "François",
    "Clément",
    "Søren",
    "Anne",
    "Jean",
    "Marie",
    "Lukas",
    "Emma",
    "Noah",
    "Olivia",
    "Liam",
    "Chloé",
    "Hugo",
    "Léa",
    "Louis",
    "Zoé",
    "Gabriel",
    "Inès",
    "Arthur",
];
const LAST: &[&str] = &[
    "Kaya",
    "Hansen",
    "Dubois",
    "Martin",
    "Bernard",
    "Thomas",
    "Petit",
    "Robert",
    "Richard",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefebvre",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Morel",
    "Girard",
    "Andersen",
    "Nielsen",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weber",
];

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn mobile(r: &mut Rng) -> String {
    format!("+33 6 {:02} {:02} {:02} {:02}", r.below(100), r.below(100), r.below(100), r.below(100))
}

/// One typo in the longest word of a name: a swap of two letters, a dropped letter or a
/// changed one.
fn typo(name: &str, r: &mut Rng) -> String {
    let mut words: Vec<String> = name.split(' ').map(String::from).collect();
    let w = (0..words.len()).max_by_key(|&i| words[i].chars().count()).unwrap_or(0);
    let mut cs: Vec<char> = words[w].chars().collect();
    let i = 1 + r.below(cs.len() - 2);
    match r.below(3) {
        0 => cs.swap(i, i + 1),
        1 => {
            cs.remove(i);
        }
        _ => cs[i] = if cs[i] == 'x' { 'y' } else { 'x' },
    }
    words[w] = cs.into_iter().collect();
    words.join(" ")
}

/// `n` distinct people (names repeat across companies, as in real books), then `planted`
/// copies of some of them, each changed the way real duplicates differ.
fn generate(n: usize, planted: usize, seed: u64) -> (Vec<Contact>, Vec<(ContactId, ContactId)>) {
    let mut r = Rng(seed);
    let mut out = Vec::new();
    let companies = (n / 20).max(2);
    for i in 0..n {
        let first = FIRST[r.below(FIRST.len())];
        let last = LAST[r.below(LAST.len())];
        let company = r.below(companies);
        let f = ContactFields {
            full_name: format!("{first} {last}"),
            company: format!("Company {company}"),
            email: format!("{}.{}.{i}@company{company}.example", first.to_lowercase(), last.to_lowercase()),
            mobile: if r.below(10) < 8 { mobile(&mut r) } else { String::new() },
            ..Default::default()
        };
        out.push(contact(i as u128 + 1, f));
    }
    // Distinct people must not look alike by the rules: same folded name at the same company
    // is a duplicate by definition, so the base set avoids it (and near-identical names).
    let mut seen: HashSet<(String, String)> = HashSet::new();
    out.retain(|c| seen.insert((super::fold(&c.fields.full_name), c.fields.company.clone())));
    let mut truth = Vec::new();
    for k in 0..planted {
        let orig = out[r.below(out.len())].clone();
        let mut f = orig.fields.clone();
        match k % 4 {
            // Same e-mail (case differs), name without accents, another phone.
            0 => {
                f.email = f.email.to_uppercase();
                f.full_name = super::fold(&f.full_name);
                f.mobile = mobile(&mut r);
            }
            // Same mobile written the national way, no e-mail, name in another order.
            1 => {
                if f.mobile.is_empty() {
                    f.mobile = mobile(&mut r);
                    let mut o = orig.clone();
                    o.fields.mobile = f.mobile.clone();
                    let pos = out.iter().position(|c| c.id == orig.id).unwrap_or(0);
                    out[pos] = o;
                }
                f.mobile = f.mobile.replacen("+33 ", "0", 1);
                f.email = String::new();
                let parts: Vec<&str> = orig.fields.full_name.split(' ').collect();
                f.full_name = parts.iter().rev().copied().collect::<Vec<_>>().join(" ");
            }
            // A typo in the name, same company, nothing else shared.
            2 => {
                f.full_name = typo(&f.full_name, &mut r);
                f.email = String::new();
                f.mobile = String::new();
            }
            // Same name at the same company, other e-mail and phone.
            _ => {
                f.email = format!("other{k}@elsewhere.example");
                f.mobile = mobile(&mut r);
            }
        }
        let copy = contact(1_000_000 + k as u128, f);
        truth.push((orig.id, copy.id));
        out.push(copy);
    }
    (out, truth)
}

fn pairs_of(clusters: &[super::dups::Cluster]) -> HashSet<(ContactId, ContactId)> {
    let mut out = HashSet::new();
    for c in clusters {
        for (i, a) in c.ids.iter().enumerate() {
            for b in &c.ids[i + 1..] {
                out.insert((*a.min(b), *a.max(b)));
            }
        }
    }
    out
}

#[test]
fn planted_duplicates_are_found_with_high_precision_and_recall() {
    let region = Region::new("FR");
    for (n, planted, seed) in [(2_000, 100, 7u64), (20_000, 1_000, 11)] {
        let (contacts, truth) = generate(n, planted, seed);
        let mut d = Duplicates::new(region.as_ref());
        contacts.iter().for_each(|c| d.add(c));
        let clusters = d.clusters();
        let found = pairs_of(&clusters);
        // The truth, closed transitively (a contact copied twice makes three pairs).
        let mut root: HashMap<ContactId, ContactId> = HashMap::new();
        for (a, b) in &truth {
            let ra = *root.get(a).unwrap_or(a);
            root.insert(*b, ra);
        }
        let mut groups: HashMap<ContactId, Vec<ContactId>> = HashMap::new();
        for (b, ra) in &root {
            groups.entry(*ra).or_default().push(*b);
        }
        let expected = pairs_of(
            &groups
                .into_iter()
                .map(|(r, mut v)| {
                    v.push(r);
                    super::dups::Cluster { ids: v, reasons: vec![] }
                })
                .collect::<Vec<_>>(),
        );
        let hit = found.intersection(&expected).count() as f64;
        let precision = hit / found.len().max(1) as f64;
        let recall = hit / expected.len().max(1) as f64;
        eprintln!(
            "{n} contacts + {planted} planted: precision {precision:.3}, recall {recall:.3} ({} found pairs, {} planted pairs)",
            found.len(),
            expected.len()
        );
        assert!(precision >= 0.95, "precision {precision}");
        assert!(recall >= 0.95, "recall {recall}");
    }
}

#[test]
fn each_rule_and_its_reason() {
    let c = |n: u128, name: &str, company: &str, email: &str, mobile: &str| {
        contact(
            n,
            ContactFields {
                full_name: name.into(),
                company: company.into(),
                email: email.into(),
                mobile: mobile.into(),
                ..Default::default()
            },
        )
    };
    let all = [
        c(1, "François Hansen", "Contoso", "francois.hansen@contoso.example", ""),
        c(2, "Francois Hansen", "", "Francois.Hansen@contoso.example", ""),
        c(3, "Adèle Kaya", "Tailspin", "", "+33 6 15 88 26 17"),
        c(4, "Kaya Adele", "", "", "06 15 88 26 17"),
        c(5, "Clément Dubois", "Fabrikam", "", ""),
        c(6, "Clement Dubios", "Fabrikam", "", ""),
        c(7, "Clément Dubois", "Northwind", "", ""),
        c(8, "Jean Martin", "Contoso", "", "112"),
        c(9, "Jean Martin", "Northwind", "", "112"),
    ];
    let region = Region::new("FR");
    let mut d = Duplicates::new(region.as_ref());
    all.iter().for_each(|x| d.add(x));
    let got: Vec<(Vec<u128>, Vec<Reason>)> =
        d.clusters().into_iter().map(|c| (c.ids.iter().map(|i| i.as_u128()).collect(), c.reasons)).collect();
    assert_eq!(
        got,
        vec![
            (vec![3, 4], vec![Reason::Phone, Reason::Name]),
            (vec![6, 5], vec![Reason::Name]),
            (vec![1, 2], vec![Reason::Email, Reason::Name]),
        ],
        "same name at another company, or a 3-digit number, is not evidence"
    );
}
