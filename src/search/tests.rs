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
    assert_eq!(search(&ix, "1588"), vec![id(1)], "4 digits or more: a run inside a number matches");
    assert!(search(&ix, "158").is_empty(), "shorter digit words match from the start of a token only");
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

#[test]
fn emails_split_into_local_part_and_shared_domain_behave_as_one_string() {
    use super::columns::split_email;
    assert_eq!(split_email("Anne.Dupont@Acme.fr"), ("annedupont".into(), "acmefr".into()));
    assert_eq!(split_email("no-at-sign.example"), ("noatsignexample".into(), String::new()));
    assert_eq!(split_email("odd @ domain @"), ("odd domain".into(), String::new()));
    assert_eq!(split_email("a@b c"), ("a".into(), "b c".into()));
    let mail = |n: u128, e: &str| {
        contact(n, ContactFields { full_name: format!("N{n}"), email: e.into(), ..Default::default() })
    };
    let mut ix = ListIndex::build(
        [
            mail(1, "abc@a.fr"),
            mail(2, "ab@c.fr"),
            mail(3, "ab@cd.fr"),
            mail(4, ""),
            mail(5, "zed@a.fr"),
            mail(6, "ab"),
            mail(7, "abcafr@x"),
        ],
        [],
    );
    ix.upsert(&mail(8, "abc@a.fr"));
    // Folded: abcafr (1, 8), abcfr (2), abcdfr (3), "" (4), zedafr (5), ab (6), abcafrx (7).
    let by_email = |order| ix.query(&Query { sort: SortKey::Email, order, limit: 10, ..Default::default() }).ids;
    assert_eq!(by_email(Order::Asc), [6, 1, 8, 7, 3, 2, 5, 4].map(id));
    assert_eq!(by_email(Order::Desc), [4, 5, 2, 3, 7, 8, 1, 6].map(id));
    // Prefixes across the local / domain boundary (found through the e-mail order).
    assert_eq!(search(&ix, "abcaf"), [1, 7, 8].map(id));
    assert_eq!(search(&ix, "abcd"), [3].map(id));
    assert_eq!(search(&ix, "abcfr"), [2].map(id));
    assert_eq!(search(&ix, "zedafr"), [5].map(id));
    assert!(search(&ix, "zedafrx").is_empty());
}

#[test]
fn long_strings_widen_the_offset_column() {
    use super::columns::StrCol;
    let mut col = StrCol::default();
    let long = "x".repeat(3000);
    let s = |i: usize| if i.is_multiple_of(3) { format!("{i}{long}") } else { format!("{i}") };
    for i in 0..200 {
        col.push(&s(i));
        // The first block (docs 0..64) holds 22 long strings: over 64 KiB at its last one.
        assert_eq!(col.is_wide(), i >= 63, "at {i}");
    }
    for i in 0..200 {
        assert_eq!(col.get(i as u32), s(i).as_bytes(), "doc {i}");
    }
    let mut short = StrCol::default();
    (0..1000).for_each(|i| short.push(&(i % 7).to_string()));
    assert!(!short.is_wide());
    assert_eq!((short.get(0), short.get(64), short.get(999)), (&b"0"[..], &b"1"[..], &b"5"[..]));
    // Through the index: long names still sort and page exactly.
    let ix = ListIndex::build((0..100u128).map(|i| named(i, &format!("{:03} {long}", 99 - i))), []);
    let r = ix.query(&Query { offset: 63, limit: 3, ..Default::default() });
    assert_eq!(r.ids, [36, 35, 34].map(id));
}

#[test]
fn values_with_one_folded_form_share_a_rank_but_keep_their_own_tokens() {
    let co = |n: u128, name: &str, company: &str| {
        contact(n, ContactFields { full_name: name.into(), company: company.into(), ..Default::default() })
    };
    let mut ix = ListIndex::build([co(1, "Bea", "O'Neil SA"), co(2, "Abe", "ONeil SA"), co(3, "Cid", "Neil")], []);
    ix.upsert(&co(4, "Aaa", "O-Neil SA"));
    // "neil" is a word of "O'Neil" (split at the apostrophe), not of "ONeil".
    assert_eq!(search(&ix, "neil"), [1, 3, 4].map(id));
    assert_eq!(search(&ix, "onei"), [1, 2, 4].map(id));
    assert_eq!(search(&ix, "o"), [1, 2, 4].map(id));
    assert_eq!(search(&ix, "sa"), [1, 2, 4].map(id));
    // One sort value "oneil sa": ties by name across the three ids.
    let r = ix.query(&Query { sort: SortKey::Company, limit: 10, ..Default::default() });
    assert_eq!(r.ids, [3, 4, 2, 1].map(id));
    let r = ix.query(&Query { sort: SortKey::Company, order: Order::Desc, offset: 1, limit: 2, ..Default::default() });
    assert_eq!(r.ids, [2, 4].map(id));
    // Removal empties the value's bucket: no stale match.
    ix.remove(id(3));
    assert!(search(&ix, "neil").iter().all(|&d| d != id(3)));
}

#[test]
fn sorting_by_interned_values_walks_exactly_like_selection() {
    // 20,000 contacts, results from tiny to everything, pages across value runs, matches
    // clustered at the end of the order: walking the permutations (with their give-up) must
    // give exactly what selecting gives.
    let g = |i: u128| GroupId::from_u128(500 + i % 10);
    let cs: Vec<Contact> = (0..20_000u128)
        .map(|i| {
            let mut f = ContactFields {
                full_name: format!("N{:03} W{}", (i * 31) % 1000, i % 37),
                company: if i % 11 == 0 { String::new() } else { format!("Co {}", (i * 7) % 97) },
                department: ["", "Sales", "R&D", "r-d", "Legal"][(i % 5) as usize].into(),
                job_title: format!("J{}", (i * 13) % 300),
                ..Default::default()
            };
            if i % 3 > 0 {
                f.groups = vec![g(i)];
            }
            contact(i, f)
        })
        .collect();
    let groups: Vec<(GroupId, String)> = (0..10).map(|i| (g(i), format!("G{i}"))).collect();
    let mut fast = ListIndex::build(cs.clone(), groups.clone());
    let mut slow = ListIndex::build(cs, groups).with_thresholds(1024, 512, Some(false));
    for ix in [&mut fast, &mut slow] {
        // Matches clustered in the last company and job title: the value walk visits them all.
        for i in 30_000..31_500u128 {
            let f = ContactFields {
                full_name: format!("Clu {}", i % 200),
                company: "Zz last".into(),
                job_title: "Zz".into(),
                ..Default::default()
            };
            ix.upsert(&contact(i, f));
        }
        for i in 0..300u128 {
            ix.upsert(&contact(
                i * 17,
                ContactFields { full_name: format!("N{:03} up", i % 50), company: "Co 5".into(), ..Default::default() },
            ));
        }
    }
    let filters: [(&str, Option<GroupFilter>); 7] = [
        ("", None),                              // everything
        ("", Some(GroupFilter::Group(g(1)))),    // dense (~1,300)
        ("n0", None),                            // dense (~2,000)
        ("w10", None),                           // sparse (~540)
        ("n00", Some(GroupFilter::Group(g(2)))), // tiny
        ("up", None),                            // the updated docs
        ("clu", None),                           // clustered at the end of the order
    ];
    for (q, group) in filters {
        for sort in [SortKey::Company, SortKey::Department, SortKey::JobTitle] {
            for order in [Order::Asc, Order::Desc] {
                for (offset, limit) in [(0, 50), (7, 50), (1_000, 60), (0, 3), (0, 5_000)] {
                    let query = Query { q: q.into(), group, sort, order, offset, limit, letter: None };
                    let (a, b) = (fast.query(&query), slow.query(&query));
                    assert_eq!(a, b, "{query:?}");
                }
            }
        }
    }
}

#[test]
fn sort_by_family_name_and_its_rail() {
    let with = |n: u128, full: &str, given: &str, family: &str| {
        contact(
            n,
            ContactFields {
                full_name: full.into(),
                given_name: given.into(),
                family_name: family.into(),
                ..Default::default()
            },
        )
    };
    let people = vec![
        named(1, "Chloé Costa"),
        named(2, "Anne Martin"),
        named(3, "Jan van der Berg"),
        named(4, "Madonna"),
        named(5, "Costa, Ana"),
        named(6, "Zoé Adam"),
        // Stored parts win; a family name the full name does not contain is kept aside.
        with(7, "Nguyen Van An", "An", "Nguyen"),
        with(8, "Bob", "Robert", "Dupré"),
    ];
    for rebuilt in [false, true] {
        let mut ix = ListIndex::build(people.clone(), []);
        if rebuilt {
            // Rebuilt by updates with compaction and permutation merges forced.
            ix = ListIndex::new().with_thresholds(0, 0, Some(true));
            for c in &people {
                ix.upsert(c);
                ix.upsert(c);
            }
        }
        let q =
            |letter: Option<char>, sort: SortKey| ix.query(&Query { letter, sort, limit: 100, ..Default::default() });
        let order = q(None, SortKey::FamilyName);
        // Ties on the family name go by full name ("chloe costa" < "costa ana").
        assert_eq!(order.ids, [6, 3, 1, 5, 8, 4, 2, 7].map(id));
        // "C" shows the Costas (not Chloé as a first name), by family name.
        assert_eq!(q(Some('C'), SortKey::FamilyName).ids, [1, 5].map(id));
        assert_eq!(q(Some('C'), SortKey::FullName).ids, [1, 5].map(id));
        assert_eq!(q(Some('A'), SortKey::FamilyName).ids, [6].map(id));
        assert_eq!(q(Some('B'), SortKey::FamilyName).ids, [3].map(id));
        assert_eq!(q(Some('D'), SortKey::FamilyName).ids, [8].map(id));
        let rail: Vec<(char, usize)> = order.letters.into_iter().collect();
        assert_eq!(rail, [('A', 1), ('B', 1), ('C', 2), ('D', 1), ('M', 2), ('N', 1)]);
        let desc = ix.query(&Query { sort: SortKey::FamilyName, order: Order::Desc, limit: 100, ..Default::default() });
        assert_eq!(desc.ids, [7, 2, 4, 8, 5, 1, 3, 6].map(id));
        // A first keystroke of search-as-you-type counts the rail by family name too.
        let typed = ix.query(&Query { q: "c".into(), sort: SortKey::FamilyName, limit: 100, ..Default::default() });
        assert_eq!(typed.letters.into_iter().collect::<Vec<_>>(), [('C', 2)]);
    }
    // An edit moves the contact in the family order and on the rail.
    let mut ix = ListIndex::build(people.clone(), []);
    ix.upsert(&with(1, "Chloé Costa", "Chloé", "Zola"));
    let z = ix.query(&Query { letter: Some('Z'), sort: SortKey::FamilyName, ..Default::default() });
    assert_eq!(z.ids, [id(1)]);
    let c = ix.query(&Query { letter: Some('C'), sort: SortKey::FamilyName, ..Default::default() });
    assert_eq!(c.ids, [id(5)]);
}

/// What sorting by family name costs: `cargo test --lib -- --ignored family_order_memory --nocapture`
/// (numbers in docs/PERFORMANCE-search.md).
#[test]
#[ignore = "a measurement, not a check"]
fn family_order_memory() {
    let n = 100_000;
    let groups: Vec<GroupId> = (0..20).map(|i| GroupId::from_u128(0xB0 + i)).collect();
    let people = crate::seed::generate(n, 42, &groups);
    let ix = ListIndex::build(people.into_iter().enumerate().map(|(i, f)| contact(i as u128 + 1, f)), []);
    for (part, bytes) in ix.memory_report() {
        println!("{part:<66} {:>7.2} B/contact", bytes as f64 / n as f64);
    }
    println!("{:<66} {:>7.2} B/contact", "total", ix.memory_bytes() as f64 / n as f64);
}
