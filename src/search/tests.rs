//! Unit tests of the contract, one behaviour each.

use super::*;
use crate::model::{Contact, ContactFields, ContactId, GroupId, Timestamp, UserRef};

pub(super) fn contact(n: u128, f: ContactFields) -> Contact {
    Contact {
        id: ContactId::from_u128(n),
        fields: f,
        created_at: Timestamp(0),
        created_by: UserRef::default(),
        updated_at: Timestamp(n as i64),
        updated_by: UserRef::default(),
        version: 1,
    }
}

fn named(n: u128, name: &str) -> Contact {
    contact(n, ContactFields { full_name: name.into(), ..Default::default() })
}

fn id(n: u128) -> ContactId {
    ContactId::from_u128(n)
}

fn search(ix: &ListIndex, q: &str) -> Vec<ContactId> {
    let mut v = ix.query(&Query { q: q.into(), limit: 1000, ..Default::default() }).ids;
    v.sort();
    v
}

#[test]
fn fold_rules() {
    assert_eq!(fold("Clément"), "clement");
    assert_eq!(fold("Straße"), "strasse");
    assert_eq!(fold("Søren Łukasz ÖZIL"), "soren lukasz ozil");
    assert_eq!(fold("O'Neil"), "oneil");
    assert_eq!(fold("O’Neil"), "oneil");
    assert_eq!(fold("  Smith,  John-Paul  "), "smith johnpaul");
    assert_eq!(fold("anne.dupont@acme.fr"), "annedupontacmefr");
    assert_eq!(fold("06 15 88 26 17"), "06 15 88 26 17");
    assert_eq!(fold("06.15.88"), "061588");
    assert_eq!(fold("+33 (0)6 15"), "33 06 15");
    assert_eq!(fold("R & D"), "r d");
    assert_eq!(fold("--!!"), "");
    assert_eq!(fold::fold_split("o'neil a.b@c.de"), "o neil a b c de");
}

#[test]
fn letters_of_names() {
    assert_eq!(letter_of("Émile"), 'E');
    assert_eq!(letter_of("ßimon"), 'S');
    assert_eq!(letter_of("Øyvind"), 'O');
    assert_eq!(letter_of("łucja"), 'L');
    assert_eq!(letter_of("'Brien"), 'B');
    assert_eq!(letter_of("3M contact"), '#');
    assert_eq!(letter_of(""), '#');
    assert_eq!(letter_of("北京"), 'B'); // deunicode transliterates
}

#[test]
fn prefix_accents_and_multiword_and() {
    let ix = ListIndex::build(
        [
            contact(
                1,
                ContactFields { full_name: "Clément Dupont".into(), company: "Acme".into(), ..Default::default() },
            ),
            contact(
                2,
                ContactFields { full_name: "Clementine Martin".into(), company: "Globex".into(), ..Default::default() },
            ),
            contact(
                3,
                ContactFields {
                    full_name: "Anne O'Neil".into(),
                    job_title: "Chef de projet".into(),
                    ..Default::default()
                },
            ),
        ],
        [],
    );
    assert_eq!(search(&ix, "clement"), vec![id(1), id(2)]);
    assert_eq!(search(&ix, "CLÉM acme"), vec![id(1)]);
    assert_eq!(search(&ix, "clem glob"), vec![id(2)]);
    assert_eq!(search(&ix, "clem zzz"), Vec::<ContactId>::new());
    assert_eq!(search(&ix, "ment"), Vec::<ContactId>::new(), "prefix only, not infix");
    assert_eq!(search(&ix, "oneil"), vec![id(3)]);
    assert_eq!(search(&ix, "o'neil"), vec![id(3)]);
    assert_eq!(search(&ix, "neil"), vec![id(3)]);
    assert_eq!(search(&ix, "proj"), vec![id(3)]);
    assert_eq!(search(&ix, ""), vec![id(1), id(2), id(3)]);
    assert_eq!(search(&ix, " ,; "), vec![id(1), id(2), id(3)]);
}

#[test]
fn email_phone_address_notes() {
    let mut f = ContactFields {
        full_name: "Anne Dupont".into(),
        email: "anne.dupont@acme.fr".into(),
        mobile: "06 15 88 26 17".into(),
        phone: "+33 1-42-00-00-01".into(),
        notes: "Rencontrée au salon de Lyon".into(),
        ..Default::default()
    };
    f.address.city = "Saint-Étienne".into();
    f.address.postal_code = "42000".into();
    let ix = ListIndex::build([contact(1, f), named(2, "Other")], []);
    for q in ["anne", "dupont", "acme", "fr", "anne.dupont@acme.fr", "anne.dupont@", "annedupont"] {
        assert_eq!(search(&ix, q), vec![id(1)], "{q}");
    }
    for q in ["0615", "06.15", "06 15 88", "06-15-88-26-17", "0615882617", "33142", "+33 1", "42-00"] {
        assert_eq!(search(&ix, q), vec![id(1)], "{q}");
    }
    for q in ["rencontree", "salon lyon", "saint etienne", "saintetienne", "etienne", "42000"] {
        assert_eq!(search(&ix, q), vec![id(1)], "{q}");
    }
    assert!(search(&ix, "1588").is_empty(), "digits match from the start of a number only");
}

#[test]
fn group_names_rename_remove_and_no_group() {
    let g1 = GroupId::from_u128(100);
    let g2 = GroupId::from_u128(200);
    let in_group = |n, g: Vec<GroupId>| {
        contact(n, ContactFields { full_name: format!("Person {n}"), groups: g, ..Default::default() })
    };
    let mut ix = ListIndex::build(
        [in_group(1, vec![g1]), in_group(2, vec![g1, g2]), in_group(3, vec![])],
        [(g1, "Fournisseurs".to_string()), (g2, "Équipe B".to_string())],
    );
    assert_eq!(search(&ix, "fourn"), vec![id(1), id(2)]);
    assert_eq!(search(&ix, "equipe"), vec![id(2)]);
    // One letter: group names count too, and so do the rail counts.
    let r = ix.query(&Query { q: "f".into(), ..Default::default() });
    assert_eq!((r.total, r.letters.clone()), (2, [('P', 2)].into()));
    assert_eq!(search(&ix, "e"), vec![id(2)]);
    assert_eq!(search(&ix, "person fourn"), vec![id(1), id(2)]);
    let q = |g| ix.query(&Query { group: Some(g), ..Default::default() });
    assert_eq!(q(GroupFilter::Group(g2)).ids, vec![id(2)]);
    assert_eq!(q(GroupFilter::NoGroup).ids, vec![id(3)]);
    assert_eq!(q(GroupFilter::Group(GroupId::from_u128(9))).total, 0);

    ix.set_group_name(g1, "Suppliers");
    assert!(search(&ix, "fourn").is_empty());
    assert_eq!(search(&ix, "suppl"), vec![id(1), id(2)]);

    ix.remove_group(g1);
    ix.upsert(&in_group(1, vec![]));
    ix.upsert(&in_group(2, vec![g2]));
    assert!(search(&ix, "suppl").is_empty());
    let no = ix.query(&Query { group: Some(GroupFilter::NoGroup), ..Default::default() });
    assert_eq!(no.ids, vec![id(1), id(3)]);
}

#[test]
fn letters_counts_ignore_letter_filter() {
    let ix = ListIndex::build(
        [named(1, "Émile"), named(2, "Eve"), named(3, "Zoé"), named(4, "42 Corp"), named(5, "Bob")],
        [],
    );
    let r = ix.query(&Query { letter: Some('E'), ..Default::default() });
    assert_eq!(r.ids, vec![id(1), id(2)]);
    assert_eq!(r.total, 2);
    let expect: std::collections::BTreeMap<char, usize> = [('#', 1), ('B', 1), ('E', 2), ('Z', 1)].into();
    assert_eq!(r.letters, expect);
    let r = ix.query(&Query { q: "e".into(), letter: Some('#'), ..Default::default() });
    assert_eq!(r.total, 0);
    assert_eq!(r.letters, [('E', 2)].into());
    assert_eq!(ix.query(&Query { letter: Some('#'), ..Default::default() }).ids, vec![id(4)]);
    assert_eq!(ix.query(&Query { letter: Some('?'), ..Default::default() }).total, 0);
}

#[test]
fn sort_orders_and_paging() {
    let c = |n, name: &str, company: &str, mobile: &str| {
        contact(
            n,
            ContactFields {
                full_name: name.into(),
                company: company.into(),
                mobile: mobile.into(),
                ..Default::default()
            },
        )
    };
    let mut ix = ListIndex::build(
        [c(1, "Zoé", "acme", "07"), c(2, "anne", "Émeraude", ""), c(3, "Éric", "", "06 1"), c(4, "bob", "Acme", "06")],
        [],
    );
    let page = |ix: &ListIndex, sort, order, offset, limit| {
        ix.query(&Query { sort, order, offset, limit, ..Default::default() }).ids
    };
    use Order::*;
    use SortKey::*;
    assert_eq!(page(&ix, FullName, Asc, 0, 10), vec![id(2), id(4), id(3), id(1)]);
    assert_eq!(page(&ix, FullName, Desc, 0, 10), vec![id(1), id(3), id(4), id(2)]);
    // Same company (accent/case-insensitive) -> by name; empty company last.
    assert_eq!(page(&ix, Company, Asc, 0, 10), vec![id(4), id(1), id(2), id(3)]);
    assert_eq!(page(&ix, Company, Desc, 0, 10), vec![id(3), id(2), id(1), id(4)]);
    assert_eq!(page(&ix, Mobile, Asc, 0, 10), vec![id(4), id(3), id(1), id(2)]);
    assert_eq!(page(&ix, UpdatedAt, Desc, 0, 10), vec![id(4), id(3), id(2), id(1)]);
    assert_eq!(page(&ix, FullName, Asc, 1, 2), vec![id(4), id(3)]);
    assert_eq!(page(&ix, FullName, Asc, 3, 2), vec![id(1)]);
    assert!(page(&ix, FullName, Asc, 4, 2).is_empty());
    assert!(page(&ix, FullName, Asc, 0, 0).is_empty());
    // Same name: ties broken by id.
    ix.upsert(&c(9, "Anne", "", ""));
    assert_eq!(page(&ix, FullName, Asc, 0, 2), vec![id(2), id(9)]);
    assert_eq!(ix.query(&Query { limit: 1, ..Default::default() }).total, 5);
}

#[test]
fn upsert_replaces_and_remove_forgets() {
    let mut ix = ListIndex::new();
    assert!(ix.is_empty());
    ix.upsert(&named(1, "Alice Martin"));
    ix.upsert(&named(2, "Bob Martin"));
    ix.upsert(&named(1, "Alice Durand"));
    assert_eq!(ix.len(), 2);
    assert_eq!(search(&ix, "martin"), vec![id(2)]);
    assert_eq!(search(&ix, "durand"), vec![id(1)]);
    ix.remove(id(2));
    ix.remove(id(42));
    assert_eq!(ix.len(), 1);
    assert!(search(&ix, "martin").is_empty());
    assert_eq!(ix.query(&Query::default()).letters, [('A', 1)].into());
}

#[test]
fn compaction_keeps_results() {
    let mut ix = ListIndex::new();
    for round in 0..4u128 {
        for n in 0..1500u128 {
            ix.upsert(&named(n, &format!("Name{} R{round}", n % 7)));
        }
    }
    assert_eq!(ix.len(), 1500);
    assert!(ix.dead_docs() < 1500, "compaction ran");
    assert_eq!(ix.query(&Query { q: "r3".into(), ..Default::default() }).total, 1500);
    assert!(search(&ix, "r2").is_empty());
    let r = ix.query(&Query { q: "name3".into(), limit: 3, ..Default::default() });
    assert_eq!(r.total, (0..1500).filter(|n| n % 7 == 3).count());
    assert_eq!(r.ids, vec![id(3), id(10), id(17)]);
    assert!(ix.memory_bytes() > 0);
}

#[test]
fn more_than_65536_distinct_values_widen_the_id_column() {
    let n = 66_000u128;
    let company =
        |i: u128| ContactFields { full_name: format!("n{i}"), company: format!("c{i:06}"), ..Default::default() };
    let ix = ListIndex::build((0..n).map(|i| contact(i, company(i))), []);
    let r = ix.query(&Query { sort: SortKey::Company, order: Order::Desc, limit: 2, ..Default::default() });
    assert_eq!(r.ids, vec![id(n - 1), id(n - 2)]);
    assert_eq!(search(&ix, "c065999"), vec![id(65_999)]);
}

#[test]
fn walk_gives_up_on_clustered_matches_and_letter_runs_are_exact() {
    // 10,000 "A..." then 3,000 "Z..." names: a walk by name for "z" would scan 10,000 misses
    // first; it must give up and select instead, with the same result.
    let mut ix = ListIndex::build(
        (0..13_000u128).map(|i| named(i, &format!("{} {i:05}", if i < 10_000 { "Aa" } else { "Zz" }))),
        [],
    );
    let expect: Vec<ContactId> = (10_000..10_050).map(id).collect();
    assert_eq!(ix.query(&Query { q: "z".into(), ..Default::default() }).ids, expect);
    assert_eq!(ix.query(&Query { letter: Some('Z'), ..Default::default() }).ids, expect);
    // New docs (pending, not yet merged) inside the letter run, in both orders.
    ix.upsert(&named(20_000, "Zz 00000"));
    let r = ix.query(&Query { letter: Some('Z'), limit: 2, ..Default::default() });
    assert_eq!((r.ids, r.total), (vec![id(20_000), id(10_000)], 3_001));
    let r = ix.query(&Query { letter: Some('A'), order: Order::Desc, limit: 2, ..Default::default() });
    assert_eq!(r.ids, vec![id(9_999), id(9_998)]);
}
