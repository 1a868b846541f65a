//! Property tests: the index must return exactly what a naive filter + sort returns.
//!
//! The reference below is written from the contract using only `fold`, deliberately slow and
//! obvious: tokens are the words of `fold(field)` and of `fold(field with punctuation replaced
//! by spaces)`, plus the digits of phone fields; every query word must prefix some token.

use super::phone::Region;
use super::tests::contact;
use super::*;
use crate::model::{Contact, ContactFields, ContactId, GroupId, Timestamp};
use proptest::prelude::*;
use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

fn gid(n: u8) -> GroupId {
    GroupId::from_u128(1000 + u128::from(n))
}

fn words_of(s: &str, out: &mut Vec<String>) {
    let split: String = s.chars().map(|c| if c.is_alphanumeric() || c.is_whitespace() { c } else { ' ' }).collect();
    for w in fold(s).split(' ').chain(fold(&split).split(' ')) {
        if !w.is_empty() {
            out.push(w.to_string());
        }
    }
}

fn digits(s: &str) -> String {
    fold(s).chars().filter(char::is_ascii_digit).collect()
}

/// A phone field's digit token: its canonical form in the region when it parses, else its digits.
fn phone_token(s: &str, region: Option<&Region>) -> String {
    region.and_then(|r| r.canonical(s)).unwrap_or_else(|| digits(s))
}

fn ref_tokens(c: &Contact, groups: &HashMap<GroupId, String>, region: Option<&Region>) -> Vec<String> {
    let f = &c.fields;
    let a = &f.address;
    let mut out = Vec::new();
    for s in [
        &f.full_name,
        &f.job_title,
        &f.company,
        &f.department,
        &f.notes,
        &f.email,
        &a.street,
        &a.city,
        &a.postal_code,
        &a.state,
        &a.country,
        &f.phone,
        &f.mobile,
    ] {
        words_of(s, &mut out);
    }
    // The e-mail's domain and parent domains, run together.
    if let Some((_, domain)) = f.email.rsplit_once('@') {
        let labels: Vec<&str> = domain.split('.').collect();
        for i in 0..labels.len().saturating_sub(1) {
            out.extend(fold(&labels[i..].join(".")).split(' ').filter(|w| !w.is_empty()).map(String::from));
        }
    }
    for p in [&f.phone, &f.mobile] {
        let d = phone_token(p, region);
        if !d.is_empty() {
            out.push(d);
        }
    }
    for g in &f.groups {
        if let Some(name) = groups.get(g) {
            words_of(name, &mut out);
        }
    }
    out
}

/// Number tokens: all-digit tokens of 6 to 16 digits, and the mobile's digits (first 16).
fn number_tokens(c: &Contact, region: Option<&Region>) -> Vec<String> {
    let mut out: Vec<String> = ref_tokens(c, &HashMap::new(), region)
        .into_iter()
        .filter(|t| (6..=16).contains(&t.len()) && t.bytes().all(|b| b.is_ascii_digit()))
        .collect();
    let m: String = phone_token(&c.fields.mobile, region).chars().take(16).collect();
    if !m.is_empty() {
        out.push(m);
    }
    out
}

fn is_num(w: &str) -> bool {
    !w.is_empty() && w.bytes().all(|b| b.is_ascii_digit())
}

/// The contract of one query word (`fuzzy`: the typo-tolerant retry).
fn word_matches(w: &str, c: &Contact, groups: &HashMap<GroupId, String>, region: Option<&Region>, fuzzy: bool) -> bool {
    let toks = ref_tokens(c, groups, region);
    if toks.iter().any(|t| t.starts_with(w)) {
        return true;
    }
    if is_num(w) && w.len() >= 2 {
        let forms = region.map(|r| r.query_forms(w)).unwrap_or_default();
        if forms.iter().any(|f| toks.iter().any(|t| t.starts_with(f.as_str()))) {
            return true;
        }
        if (4..=16).contains(&w.len()) && number_tokens(c, region).iter().any(|t| t.contains(w)) {
            return true;
        }
    }
    let k = match w.len() {
        _ if !w.bytes().all(|b| b.is_ascii_lowercase()) => 0,
        0..=4 => 0,
        5..=8 => 1,
        _ => 2,
    };
    if fuzzy && k > 0 {
        // Every token but the e-mail's run-together form (kept out of the term dictionary).
        let email_word = fold(&c.fields.email).split(' ').next().unwrap_or_default().to_owned();
        return toks.iter().filter(|t| **t != email_word).any(|t| {
            (0..=t.len()).any(|n| super::fuzzy::distance_within(w.as_bytes(), &t.as_bytes()[..n], k).is_some())
        });
    }
    false
}

/// A query of digits in several groups ("06 15"): phone numbers only.
fn phone_matches(raw: &str, d: &str, c: &Contact, region: Option<&Region>) -> bool {
    let nums = number_tokens(c, region);
    let mut forms = vec![d.to_owned()];
    forms.extend(region.map(|r| r.phone_query_forms(raw, d)).unwrap_or_default());
    forms.iter().filter(|f| (4..=16).contains(&f.len())).any(|f| nums.iter().any(|t| t.starts_with(f.as_str())))
        || ((4..=16).contains(&d.len()) && nums.iter().any(|t| t.contains(d)))
}

fn empty_last(a: &str, b: &str) -> Ordering {
    match (a.is_empty(), b.is_empty()) {
        (false, false) => a.cmp(b),
        (x, y) => x.cmp(&y),
    }
}

fn ref_cmp(key: SortKey, a: &Contact, b: &Contact, region: Option<&Region>) -> Ordering {
    let (x, y) = (&a.fields, &b.fields);
    let primary = match key {
        SortKey::FullName => Ordering::Equal,
        SortKey::JobTitle => empty_last(&fold(&x.job_title), &fold(&y.job_title)),
        SortKey::Company => empty_last(&fold(&x.company), &fold(&y.company)),
        SortKey::Department => empty_last(&fold(&x.department), &fold(&y.department)),
        SortKey::Email => empty_last(&fold(&x.email), &fold(&y.email)),
        SortKey::Mobile => {
            let d = |s: &str| phone_token(s, region).chars().take(16).collect::<String>();
            empty_last(&d(&x.mobile), &d(&y.mobile))
        }
        SortKey::UpdatedAt => a.updated_at.cmp(&b.updated_at),
        SortKey::FamilyName => empty_last(&fold(&x.family_sort_key()), &fold(&y.family_sort_key())),
    };
    primary.then_with(|| empty_last(&fold(&x.full_name), &fold(&y.full_name))).then_with(|| a.id.cmp(&b.id))
}

fn reference_in(
    region: Option<&Region>,
    contacts: &BTreeMap<ContactId, Contact>,
    groups: &HashMap<GroupId, String>,
    q: &Query,
) -> QueryResult {
    let folded = fold(&q.q);
    let mut words: Vec<String> = folded.split(' ').filter(|w| !w.is_empty()).map(String::from).collect();
    // A word implied by a longer word of the query is dropped (it matters only for typos).
    let all = words.clone();
    words.retain(|w| is_num(w) || !all.iter().any(|o| o != w && !is_num(o) && o.starts_with(w.as_str())));
    let phone_chars = q.q.chars().all(|c| c.is_ascii_digit() || c.is_whitespace() || "+.-()/".contains(c));
    let d: String = q.q.chars().filter(char::is_ascii_digit).collect();
    let phone = (phone_chars && d.len() >= 4 && folded.contains(' ')).then_some(d);
    let select = |fuzzy: bool| -> Vec<&Contact> {
        contacts
            .values()
            .filter(|c| match &phone {
                Some(d) => phone_matches(&q.q, d, c, region),
                None => words.iter().all(|w| word_matches(w, c, groups, region, fuzzy)),
            })
            .filter(|c| match q.group {
                None => true,
                Some(GroupFilter::NoGroup) => c.fields.groups.is_empty(),
                Some(GroupFilter::Group(g)) => c.fields.groups.contains(&g),
            })
            .collect()
    };
    let mut matches = select(false);
    let mut fuzzy = false;
    let can_retry = phone.is_none() && words.iter().any(|w| w.len() >= 5 && w.bytes().all(|b| b.is_ascii_lowercase()));
    if matches.is_empty() && can_retry {
        matches = select(true);
        fuzzy = !matches.is_empty();
    }
    // The rail follows the order: the family name's letter when sorting by it.
    let letter = |c: &Contact| {
        if q.sort == SortKey::FamilyName {
            letter_of(&c.fields.family_sort_key())
        } else {
            letter_of(&c.fields.full_name)
        }
    };
    let mut letters = BTreeMap::new();
    for c in &matches {
        *letters.entry(letter(c)).or_insert(0) += 1;
    }
    let mut page: Vec<&Contact> = matches.into_iter().filter(|c| q.letter.is_none_or(|l| letter(c) == l)).collect();
    page.sort_by(|a, b| {
        let o = ref_cmp(q.sort, a, b, region);
        if q.order == Order::Desc { o.reverse() } else { o }
    });
    let total = page.len();
    let ids = page.into_iter().skip(q.offset).take(q.limit).map(|c| c.id).collect();
    QueryResult { ids, total, letters, fuzzy }
}

/// Short strings over an alphabet with accents, case and punctuation, so that folding
/// collisions, shared prefixes and empty values are frequent.
fn text() -> impl Strategy<Value = String> {
    let alphabet = vec!["a", "b", "A", "é", "É", "ß", "ø", "ł", "Ö", "o", "'", "-", ".", "@", " ", " ", "1", "0", "6"];
    prop::collection::vec(prop::sample::select(alphabet), 0..8).prop_map(|v| v.concat())
}

fn phone() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::collection::vec(prop::sample::select(vec!["0", "6", "1", " ", ".", "-", "+"]), 0..8)
            .prop_map(|v| v.concat()),
        // Realistic French numbers, national or international, with separators.
        (
            prop::sample::select(vec!["06 ", "+33 6 ", "0033 6 ", "+33 (0)6 ", "01.", "+44 20 "]),
            prop::collection::vec(prop::sample::select(vec!["1", "0", "6", "5"]), 6..10),
            prop::sample::select(vec!["", " ", "-"])
        )
            .prop_map(|(p, d, sep)| format!("{p}{}", d.join(sep))),
    ]
}

fn arb_region() -> impl Strategy<Value = Option<Arc<Region>>> {
    prop_oneof![Just(None), Just(Region::new("FR").map(Arc::new))]
}

fn arb_contact() -> impl Strategy<Value = Contact> {
    (
        0u128..10,
        (text(), text(), text(), text(), text(), text()),
        (phone(), phone(), text()),
        prop::collection::vec(0u8..3, 0..3),
        0i64..4,
        (prop::sample::select(vec!["", "", "", "van", "b"]), prop::sample::select(vec!["", "", "b", "Ab", "de la a"])),
    )
        .prop_map(
            |(n, (name, job, company, dept, notes, email), (mobile, ph, city), groups, ts, (given, family))| {
                let mut f = ContactFields {
                    full_name: name,
                    // Mostly derived from the full name (empty), sometimes stored, inside the full
                    // name or not.
                    given_name: given.into(),
                    family_name: family.into(),
                    job_title: job,
                    company,
                    department: dept,
                    notes,
                    email,
                    mobile,
                    phone: ph,
                    ..Default::default()
                };
                f.address.city = city;
                f.groups = groups.into_iter().map(gid).collect();
                f.groups.sort();
                f.groups.dedup();
                let mut c = contact(n, f);
                c.updated_at = Timestamp(ts);
                c
            },
        )
}

fn arb_query() -> impl Strategy<Value = Query> {
    let q = prop_oneof![
        Just(String::new()),
        prop::collection::vec(
            prop::sample::select(vec!["a", "é", "ss", "o", "oa", "b", "0", "6", "06", "1", " ", "'", "-"]),
            1..5
        )
        .prop_map(|v| v.concat()),
        // Phone numbers typed in groups, national or international.
        prop::collection::vec(
            prop::sample::select(vec!["06", "6", "15", "0", "1", "5", "+33", "0033", " ", " ", "."]),
            1..6
        )
        .prop_map(|v| v.concat()),
        // Longer words (typo tolerance applies from 5 letters).
        prop::collection::vec(prop::sample::select(vec!["a", "b", "o", "ab", "ba", "oo"]), 3..7)
            .prop_map(|v| v.concat())
    ];
    let letter = prop::option::of(prop::sample::select(vec!['A', 'B', 'E', 'O', 'S', 'L', '#', 'Z']));
    let group = prop_oneof![
        Just(None),
        Just(Some(GroupFilter::NoGroup)),
        (0u8..4).prop_map(|g| Some(GroupFilter::Group(gid(g))))
    ];
    (q, letter, group, prop::sample::select(SortKey::ALL.to_vec()), any::<bool>(), 0usize..6, 0usize..8).prop_map(
        |(q, letter, group, sort, desc, offset, limit)| Query {
            q,
            letter,
            group,
            sort,
            order: if desc { Order::Desc } else { Order::Asc },
            offset,
            limit,
        },
    )
}

#[derive(Clone, Debug)]
enum Op {
    Upsert(Box<Contact>),
    Remove(u128),
    Name(u8, String),
    DropGroup(u8),
}

fn arb_op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => arb_contact().prop_map(|c| Op::Upsert(Box::new(c))),
        1 => (0u128..10).prop_map(Op::Remove),
        1 => (0u8..3, text()).prop_map(|(g, n)| Op::Name(g, n)),
        1 => (0u8..3).prop_map(Op::DropGroup),
    ]
}

proptest! {
    // 400 cases by default; PROPTEST_CASES=5000 for a longer soak.
    #![proptest_config(ProptestConfig { cases: std::env::var("PROPTEST_CASES").ok().and_then(|s| s.parse().ok()).unwrap_or(400), ..ProptestConfig::default() })]

    #[test]
    fn build_then_query_matches_reference(
        region in arb_region(),
        contacts in prop::collection::vec(arb_contact(), 0..25),
        names in prop::collection::vec(text(), 3),
        queries in prop::collection::vec(arb_query(), 1..8),
    ) {
        let groups: HashMap<GroupId, String> = names.iter().enumerate().map(|(i, n)| (gid(i as u8), n.clone())).collect();
        let by_id: BTreeMap<ContactId, Contact> = contacts.iter().map(|c| (c.id, c.clone())).collect();
        let r = region.as_deref();
        let ix = ListIndex::build_in(region.clone(), contacts, groups.clone());
        prop_assert_eq!(ix.len(), by_id.len());
        for q in &queries {
            prop_assert_eq!(ix.query(q), reference_in(r, &by_id, &groups, q), "{:?}", q);
        }
        // Both paging strategies must agree with the reference.
        for force in [true, false] {
            let ix = ListIndex::build_in(region.clone(), by_id.values().cloned(), groups.clone()).with_thresholds(1024, 512, Some(force));
            for q in &queries {
                prop_assert_eq!(ix.query(q), reference_in(r, &by_id, &groups, q), "walk={} {:?}", force, q);
            }
        }
    }

    #[test]
    fn updates_then_query_match_reference(
        region in arb_region(),
        ops in prop::collection::vec(arb_op(), 0..40),
        queries in prop::collection::vec(arb_query(), 1..8),
        low_thresholds in any::<bool>(),
        force_walk in prop::option::of(any::<bool>()),
    ) {
        let mut ix = ListIndex::new_in(region.clone());
        if low_thresholds {
            ix = ix.with_thresholds(1, 0, force_walk);
        } else {
            ix = ix.with_thresholds(1024, 512, force_walk);
        }
        let mut contacts: BTreeMap<ContactId, Contact> = BTreeMap::new();
        let mut groups: HashMap<GroupId, String> = HashMap::new();
        for op in ops {
            match op {
                Op::Upsert(c) => {
                    ix.upsert(&c);
                    contacts.insert(c.id, *c);
                }
                Op::Remove(n) => {
                    ix.remove(ContactId::from_u128(n));
                    contacts.remove(&ContactId::from_u128(n));
                }
                Op::Name(g, name) => {
                    ix.set_group_name(gid(g), &name);
                    groups.insert(gid(g), name);
                }
                Op::DropGroup(g) => {
                    // As the store does: forget the group, then re-save its former members.
                    ix.remove_group(gid(g));
                    groups.remove(&gid(g));
                    for c in contacts.values_mut().filter(|c| c.fields.groups.contains(&gid(g))) {
                        c.fields.groups.retain(|x| *x != gid(g));
                        ix.upsert(c);
                    }
                }
            }
        }
        prop_assert_eq!(ix.len(), contacts.len());
        for q in &queries {
            prop_assert_eq!(ix.query(q), reference_in(region.as_deref(), &contacts, &groups, q), "{:?}", q);
        }
    }
}
