//! Demo data: the first `contactpro demo` creates a list "Demo contacts" with about 300 generated
//! contacts (accented names, companies, departments, five groups, notes, addresses) owned by the
//! first demo persona. Deterministic, so screenshots and tests see the same book.

use crate::model::{Address, ContactFields, ContactInput, GroupId, ListId, NewList, Timestamp, UserId, UserRef};
use crate::store::{Actor, OrgStore, StoreResult};

const FIRST: &[&str] = &[
    "Clément",
    "Adèle",
    "Zoë",
    "Jürgen",
    "Søren",
    "Łukasz",
    "Chloé",
    "Hélène",
    "Nicolás",
    "Ana",
    "Björn",
    "François",
    "Agnès",
    "Mats",
    "Inès",
    "Rafaël",
    "Éloïse",
    "Tomás",
    "Maëlle",
    "Oskar",
    "Amélie",
    "Dmitri",
    "Noémie",
    "José",
    "Ingrid",
    "Yannick",
    "Sofía",
    "Loïc",
    "Mirjam",
    "Kenji",
    "Priya",
    "Aurélien",
    "Fatima",
    "Marek",
    "Léa",
    "Ömer",
];
const LAST: &[&str] = &[
    "Dupont",
    "Müller",
    "O'Neil",
    "García",
    "Østergaard",
    "Wiśniewski",
    "Lefèvre",
    "Nakamura",
    "Rossi",
    "Nguyễn",
    "Schäfer",
    "Bergström",
    "Fernández",
    "Martin",
    "Kowalczyk",
    "Dubois",
    "Janssen",
    "Moreau",
    "Hansen",
    "Laurent",
    "Petrović",
    "Sánchez",
    "Kaya",
    "Fournier",
    "Weiß",
    "Lindqvist",
    "Mercier",
    "Costa",
    "Novák",
    "Bianchi",
];
const COMPANIES: &[(&str, &str, &str)] = &[
    ("Northwind Traders", "northwind.example", "Lyon"),
    ("Fabrikam Logistics", "fabrikam.example", "Hamburg"),
    ("Tailspin Toys", "tailspin.example", "Barcelona"),
    ("Wingtip Catering", "wingtip.example", "Paris"),
    ("Litware Électrique", "litware.example", "Marseille"),
    ("Adventure Works Crew", "adventure-works.example", "Copenhagen"),
    ("Proseware Studio", "proseware.example", "Kraków"),
    ("Coho Vineyard", "coho.example", "Bordeaux"),
];
const DEPARTMENTS: &[&str] =
    &["Sales", "Purchasing", "Logistics", "Accounting", "Production", "Customer service", "Legal"];
const TITLES: &[&str] = &[
    "Account manager",
    "Buyer",
    "Production manager",
    "Driver",
    "Accountant",
    "Stage technician",
    "Sound engineer",
    "Caterer",
    "Legal counsel",
    "Customer success lead",
    "Photographer",
    "Electrician",
];
const GROUPS: &[&str] = &["Suppliers", "Customers", "Crew", "Partners", "Press"];
const STREETS: &[&str] = &[
    "rue de la République",
    "Hauptstraße",
    "Carrer de Mallorca",
    "avenue Jean-Jaurès",
    "Nørregade",
    "ulica Floriańska",
];
const NOTES: &[&str] = &[
    "Prefers calls in the morning.",
    "Met at the spring trade fair; interested in the new catalogue.",
    "Invoices go to the accounting address, not the office.",
    "Speaks French and English. Allergic to nuts (catering!).",
    "",
    "Backup contact when the usual driver is away.",
];

/// A tiny deterministic generator (xorshift) so the demo book is the same on every machine.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        let i = usize::try_from(self.next() % xs.len() as u64).unwrap_or(0);
        &xs[i]
    }
}

fn ascii_slug(s: &str) -> String {
    crate::search::fold(s).chars().filter(char::is_ascii_alphanumeric).collect()
}

/// Generate `n` contacts' fields (group ids are filled in from `groups`).
pub fn generate(n: usize, seed: u64, groups: &[GroupId]) -> Vec<ContactFields> {
    let mut r = Rng(seed | 1);
    (0..n)
        .map(|i| {
            let first = r.pick(FIRST);
            let last = r.pick(LAST);
            let (company, domain, city) = *r.pick(COMPANIES);
            let mobile = format!(
                "+33 6 {:02} {:02} {:02} {:02}",
                r.next() % 100,
                r.next() % 100,
                r.next() % 100,
                r.next() % 100
            );
            let phone = if i % 3 == 0 {
                format!("+33 4 {:02} {:02} {:02} {:02}", r.next() % 100, r.next() % 100, r.next() % 100, r.next() % 100)
            } else {
                String::new()
            };
            let mut g = Vec::new();
            if !groups.is_empty() && i % 4 != 0 {
                g.push(*r.pick(groups));
                if i % 7 == 0 {
                    g.push(*r.pick(groups));
                }
            }
            let input = ContactInput {
                full_name: Some(format!("{first} {last}")),
                job_title: Some((*r.pick(TITLES)).to_owned()),
                email: Some(format!(
                    "{}.{}{}@{domain}",
                    ascii_slug(first),
                    ascii_slug(last),
                    if i >= 200 { format!("{i}") } else { String::new() }
                )),
                mobile: Some(mobile),
                phone: Some(phone),
                website: Some(format!("https://www.{domain}")),
                linkedin: (i % 5 == 0)
                    .then(|| format!("https://www.linkedin.com/in/{}-{}", ascii_slug(first), ascii_slug(last))),
                company: Some(company.to_owned()),
                department: Some((*r.pick(DEPARTMENTS)).to_owned()),
                notes: Some((*r.pick(NOTES)).to_owned()),
                groups: Some(g),
                ..Default::default()
            };
            let mut f = input.into_fields(&crate::model::Limits::default()).unwrap_or_default();
            f.address = Address {
                street: format!("{} {}", 1 + r.next() % 120, r.pick(STREETS)),
                city: city.to_owned(),
                postal_code: format!("{:05}", 10000 + r.next() % 89999),
                state: String::new(),
                country: String::new(),
            };
            f
        })
        .collect()
}

/// Seed the demo list into `store` if the organization has no list yet. Returns the new list id.
pub fn seed_demo(store: &OrgStore, owner: &UserId, owner_name: &str, now: Timestamp) -> StoreResult<Option<ListId>> {
    if !store.lists()?.is_empty() {
        return Ok(None);
    }
    let actor = Actor::user(owner.clone(), UserRef { id: owner.0.clone(), name: owner_name.to_owned() });
    let list =
        store.create_list(&actor, NewList { name: "Demo contacts".into(), ..Default::default() }, usize::MAX, now)?;
    let mut groups = Vec::new();
    for g in GROUPS {
        groups.push(store.create_group(&actor, list.id, g, 1000, now)?.id);
    }
    let rows = generate(300, 0x5eed, &groups)
        .into_iter()
        .enumerate()
        .map(|(i, fields)| crate::store::ImportRow {
            row: i + 2,
            fields,
            present: crate::model::Present::ALL,
            group_names: Vec::new(),
        })
        .collect();
    let mut keys = std::collections::HashMap::new();
    let mut nothing = |_: &redb::WriteTransaction, _: &crate::store::ImportOutcome| Ok(());
    store.import_batch(
        &actor,
        list.id,
        rows,
        crate::store::DuplicatePolicy::Create,
        &mut keys,
        usize::MAX,
        usize::MAX,
        now,
        None,
        &mut nothing,
    )?;
    Ok(Some(list.id))
}
