//! Phone numbers, e-mail domains and typos as people type them: a table of real-world formats
//! (FR, DE, UK, US, CH, BE; with 00, +, spaces, dots, dashes, parentheses, extensions) and the
//! queries that must and must not find them.

use super::phone::Region;
use super::tests::contact;
use super::*;
use crate::model::{Address, ContactFields, ContactId};
use std::sync::Arc;

/// (region, stored number, queries that must find it, queries that must not).
const TABLE: &[(&str, &str, &[&str], &[&str])] = &[
    (
        "FR",
        "06 15 88 26 17",
        &[
            "0615",
            "06 15",
            "06.15.88",
            "06-15-88-26-17",
            "+33 615",
            "+33 6 15 88 26 17",
            "0033 6 15",
            "33615",
            "+33615882617",
            "882617",
            "15 88 26",
            "615882617",
        ],
        &["0616", "+33 616", "+44 615", "06 16", "0033 7"],
    ),
    (
        "FR",
        "+33 6 35 73 38 82",
        &["0635733882", "06 35 73", "357338", "35 73 38", "+33 (0)6 35 73 38 82", "0033635"],
        &["0636", "+33 7 35", "357339"],
    ),
    (
        "FR",
        "+33 (0)1 42 68 53 00",
        &["01 42 68 53 00", "0142685300", "+33 1 42 68", "01.42.68"],
        &["02 42 68", "+33 2 42"],
    ),
    (
        "FR",
        "01 23 45 67 89 poste 12",
        &["01 23 45 67 89", "+33 1 23 45 67 89", "0123456789", "poste 12"],
        &["01 23 45 67 88"],
    ),
    (
        "DE",
        "030 1234567",
        &["+49 30 123", "0049 30 1234567", "030 123", "030/1234567", "4930123"],
        &["+33 30 123", "031 123"],
    ),
    ("DE", "+49 (0)89 12345-678", &["089 12345678", "089/12345-678", "+49 89 1234", "0049 89"], &["088 123", "+49 88"]),
    (
        "GB",
        "020 7946 0018",
        &["+44 20 7946 0018", "0044 20 7946", "020 7946", "02079460018", "7946 0018"],
        &["+44 21", "021 7946"],
    ),
    ("GB", "+44 7700 900123", &["07700 900123", "07700900", "+44 7700 900 123", "900123"], &["07701", "+44 7701"]),
    (
        "US",
        "(555) 123-4567",
        &["555-123-4567", "+1 555 123 4567", "1-555-123-4567", "(555) 123", "555.123.4567", "011 1 555 123"],
        &["555-123-4568", "+1 556"],
    ),
    (
        "US",
        "+1 (415) 555-0100 x123",
        &["415 555 0100", "(415) 555-0100", "+1 415 555", "415-555-0100 x123"],
        &["415 555 0101", "+1 416"],
    ),
    ("CH", "044 668 18 00", &["+41 44 668 18 00", "0041 44 668", "044 668", "0446681800"], &["+41 45", "045 668"]),
    ("CH", "+41 79 123 45 67", &["079 123 45 67", "0791234567", "+41 79 123", "123 45 67"], &["078 123", "+41 78"]),
    ("BE", "02 555 12 12", &["+32 2 555 12 12", "0032 2 555", "02 555 12", "025551212"], &["03 555", "+32 3 5"]),
    ("BE", "0475 12 34 56", &["+32 475 12 34 56", "0475 12", "0032 475", "475123456"], &["0476 12", "+32 476"]),
];

fn region(code: &str) -> Option<Arc<Region>> {
    Some(Arc::new(Region::new(code).unwrap_or_else(|| panic!("region {code}"))))
}

fn ids(ix: &ListIndex, q: &str) -> Vec<ContactId> {
    ix.query(&Query { q: q.into(), limit: 1000, ..Default::default() }).ids
}

#[test]
fn real_world_phone_formats() {
    for (i, (code, stored, must, must_not)) in TABLE.iter().enumerate() {
        // The number as the mobile (found through the mobile order) and as the phone (through
        // the digit table), each next to a decoy whose postal code and street start the same.
        let mobile =
            contact(1, ContactFields { full_name: "A".into(), mobile: (*stored).into(), ..Default::default() });
        let phone = contact(2, ContactFields { full_name: "B".into(), phone: (*stored).into(), ..Default::default() });
        let decoy =
            contact(3, ContactFields { full_name: "C".into(), phone: "+81 3 1234 5678".into(), ..Default::default() });
        let ix = ListIndex::build_in(region(code), [mobile, phone, decoy], []);
        for q in *must {
            let found = ids(&ix, q);
            for n in [1, 2] {
                assert!(
                    found.contains(&ContactId::from_u128(n)),
                    "row {i} {code} {stored:?}: {q:?} must find it (n={n})"
                );
            }
        }
        for q in *must_not {
            let found = ids(&ix, q);
            assert!(found.is_empty(), "row {i} {code} {stored:?}: {q:?} must not find it, found {found:?}");
        }
    }
}

#[test]
fn digits_are_matched_as_written_without_region_or_parse() {
    let c = contact(
        1,
        ContactFields {
            full_name: "A".into(),
            mobile: "06 15 88 26 17".into(),
            phone: "12-34".into(),
            ..Default::default()
        },
    );
    let ix = ListIndex::build([c], []);
    assert_eq!(ids(&ix, "0615").len(), 1);
    assert_eq!(ids(&ix, "06 15 88").len(), 1);
    assert_eq!(ids(&ix, "+33 615").len(), 0, "no region: no national form");
    assert_eq!(ids(&ix, "1588").len(), 1, "runs inside the number still match");
    assert_eq!(ids(&ix, "1234").len(), 1, "a number that does not parse matches by its digits");
}

#[test]
fn a_phone_query_does_not_match_a_postal_code() {
    let addr = Address { postal_code: "06150".into(), street: "15 rue de la Paix".into(), ..Default::default() };
    let postal = contact(1, ContactFields { full_name: "Postal".into(), address: addr, ..Default::default() });
    let phone = contact(
        2,
        ContactFields { full_name: "Phone".into(), mobile: "+33 6 15 88 26 17".into(), ..Default::default() },
    );
    let ix = ListIndex::build_in(region("FR"), [postal, phone], []);
    assert_eq!(ids(&ix, "06 15"), vec![ContactId::from_u128(2)]);
    assert_eq!(ids(&ix, "0615"), vec![ContactId::from_u128(2), ContactId::from_u128(1)], "one word: postal codes too");
    assert_eq!(ids(&ix, "06150"), vec![ContactId::from_u128(1)]);
}

#[test]
fn email_domains_and_local_parts() {
    let a = contact(
        1,
        ContactFields {
            full_name: "Adèle Kaya".into(),
            email: "adele.kaya@tailspin.example".into(),
            ..Default::default()
        },
    );
    let b = contact(
        2,
        ContactFields { full_name: "Søren".into(), email: "soren@mail.nordic.test".into(), ..Default::default() },
    );
    let ix = ListIndex::build([a, b], []);
    let one = |n: u128| vec![ContactId::from_u128(n)];
    for q in [
        "tailspin.example",
        "@tailspin",
        "tailspin",
        "adele.kaya",
        "adele.kaya@tailspin.example",
        "@tailspin.example",
        "TAILSPIN.EX",
    ] {
        assert_eq!(ids(&ix, q), one(1), "{q}");
    }
    for q in ["nordic.test", "mail.nordic.test", "@nordic", "soren@mail", "@mail.nordic"] {
        assert_eq!(ids(&ix, q), one(2), "{q}");
    }
    assert!(ids(&ix, "kaya.tailspin").is_empty());
}

#[test]
fn typos_retry_only_when_nothing_matches() {
    let a = contact(1, ContactFields { full_name: "Clément Dubois".into(), ..Default::default() });
    let b = contact(
        2,
        ContactFields { full_name: "Bartholomew Smith".into(), company: "Contoso".into(), ..Default::default() },
    );
    let ix = ListIndex::build([a, b], []);
    let r = ix.query(&Query { q: "clemnt".into(), ..Default::default() });
    assert_eq!((r.ids, r.fuzzy), (vec![ContactId::from_u128(1)], true));
    let r = ix.query(&Query { q: "clement".into(), ..Default::default() });
    assert!(!r.fuzzy);
    assert_eq!(
        ix.query(&Query { q: "clemnet dubios".into(), ..Default::default() }).ids,
        vec![ContactId::from_u128(1)]
    );
    assert_eq!(
        ix.query(&Query { q: "bartolomeo".into(), ..Default::default() }).ids,
        vec![ContactId::from_u128(2)],
        "2 edits from 9 letters"
    );
    assert!(ix.query(&Query { q: "clem".into(), ..Default::default() }).ids.len() == 1);
    let r = ix.query(&Query { q: "clxm".into(), ..Default::default() });
    assert!(r.ids.is_empty() && !r.fuzzy, "under 5 letters: no typo tolerance");
    let r = ix.query(&Query { q: "cantoso".into(), ..Default::default() });
    assert_eq!((r.ids, r.fuzzy), (vec![ContactId::from_u128(2)], true));
    let r = ix.query(&Query { q: "zzzzzzz".into(), ..Default::default() });
    assert!(r.ids.is_empty() && !r.fuzzy, "nothing near either: not fuzzy");
}

#[test]
fn canonical_forms() {
    let fr = Region::new("FR").unwrap_or_else(|| panic!("FR"));
    for (s, want) in [
        ("06 15 88 26 17", Some("33615882617")),
        ("+33 6 15 88 26 17", Some("33615882617")),
        ("0033 6 15 88 26 17", Some("33615882617")),
        ("+33 (0)6 15 88 26 17", Some("33615882617")),
        ("01 23 45 67 89 poste 12", Some("33123456789")),
        ("12", None),
        ("", None),
    ] {
        assert_eq!(fr.canonical(s).as_deref(), want, "{s}");
    }
    let us = Region::new("us").unwrap_or_else(|| panic!("US"));
    assert_eq!(us.canonical("(555) 123-4567 x89").as_deref(), Some("15551234567"));
    assert!(Region::new("XX").is_none());
}

/// The README's examples on the demo book (300 contacts of `seed::generate`, region FR as in demo mode).
#[test]
fn readme_examples_on_the_demo_data() {
    let rows = crate::seed::generate(300, 0x5eed, &[]);
    let with_0615: Vec<String> =
        rows.iter().filter(|f| f.mobile.starts_with("+33 6 15")).map(|f| f.mobile.clone()).collect();
    let contacts: Vec<_> = rows.into_iter().enumerate().map(|(i, f)| contact(i as u128 + 1, f)).collect();
    let ix = ListIndex::build_in(region("FR"), contacts, []);
    let r = ix.query(&Query { q: "0615".into(), limit: 1000, ..Default::default() });
    assert!(!with_0615.is_empty(), "the demo data has a mobile +33 6 15 ...");
    assert!(r.total >= with_0615.len(), "0615 finds the {} demo mobiles starting +33 6 15", with_0615.len());
    let r = ix.query(&Query { q: "clemnt".into(), ..Default::default() });
    assert!(r.fuzzy && r.total > 0, "a typo of Clément finds Clément");
}
