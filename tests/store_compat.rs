//! Databases written by the first schema version keep opening with the current code.
//!
//! `tests/fixtures/schema-v1.redb` was written by schema version 1 (run the ignored test
//! `write_schema_v1_fixture` to see how). Never regenerate it after the schema changes: its
//! purpose is to be old.

use contactpro::model::{ContactFields, ListId, NewList, OrgId, Timestamp, UserId, UserRef};
use contactpro::search::{Order, Query, SortKey};
use contactpro::store::{Actor, OrgStore};
use std::path::Path;

const ORG: &str = "11111111-2222-4333-8444-555555555555";
const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/schema-v1.redb");

fn actor() -> Actor {
    Actor::user(UserId("fixture-user".into()), UserRef { id: "fixture-user".into(), name: "Fixture Writer".into() })
}

#[test]
#[ignore = "writes the committed fixture; run only when creating a new schema's fixture"]
fn write_schema_v1_fixture() {
    let _ = std::fs::remove_file(FIXTURE);
    let store = OrgStore::open(OrgId::parse(ORG).unwrap(), Path::new(FIXTURE), 1 << 20, true).unwrap();
    let now = Timestamp(1_790_000_000_000);
    let list = store
        .create_list(&actor(), NewList { name: "Fixture list".into(), ..Default::default() }, usize::MAX, now)
        .unwrap();
    let g = store.create_group(&actor(), list.id, "Suppliers", 100, now).unwrap();
    for (name, company) in [("Clément Dupont", "Northwind"), ("Zoë Müller", "Fabrikam"), ("Łukasz Wiśniewski", "")]
    {
        let f =
            ContactFields { full_name: name.into(), company: company.into(), groups: vec![g.id], ..Default::default() };
        store.create_contact(&actor(), list.id, f, 1000, now).unwrap();
    }
}

#[test]
fn schema_v1_fixture_opens_with_current_code() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(format!("{ORG}.redb"));
    std::fs::copy(FIXTURE, &path).unwrap();
    let store = OrgStore::open(OrgId::parse(ORG).unwrap(), &path, 1 << 20, false).unwrap();
    assert_eq!(store.schema_version().unwrap(), contactpro::store::SCHEMA_VERSION);
    let lists = store.lists().unwrap();
    assert_eq!(lists.len(), 1);
    assert_eq!(lists[0].name, "Fixture list");
    let id: ListId = lists[0].id;
    let q = Query {
        q: "clement".into(),
        letter: None,
        group: None,
        sort: SortKey::FullName,
        order: Order::Asc,
        offset: 0,
        limit: 10,
    };
    let page = store.query_contacts(id, &q).unwrap();
    assert_eq!(page.total, 1);
    assert_eq!(page.items[0].fields.full_name, "Clément Dupont");
    assert_eq!(store.groups(id).unwrap()[0].member_count, 3);
    // Record version 1 contacts and lists: no stored given/family names (derived for sorting),
    // the list sorts by full name.
    assert_eq!(lists[0].sort, contactpro::model::ListSort::FullName);
    assert_eq!((page.items[0].fields.given_name.as_str(), page.items[0].fields.family_name.as_str()), ("", ""));
    let by_family = Query { q: String::new(), sort: SortKey::FamilyName, limit: 10, ..q.clone() };
    let names: Vec<String> =
        store.query_contacts(id, &by_family).unwrap().items.into_iter().map(|c| c.fields.full_name).collect();
    assert_eq!(names, ["Clément Dupont", "Zoë Müller", "Łukasz Wiśniewski"]);
    let w = Query { letter: Some('W'), ..by_family };
    assert_eq!(store.query_contacts(id, &w).unwrap().items[0].fields.full_name, "Łukasz Wiśniewski");
    // Schema 2 keeps contact counts: the migration counted the old contacts.
    assert_eq!(store.contact_count(id).unwrap(), 3);
    // And it still accepts writes.
    let f = ContactFields { full_name: "New One".into(), ..Default::default() };
    store.create_contact(&actor(), id, f, 1000, Timestamp(1_790_000_000_001)).unwrap();
    assert_eq!(store.contact_count(id).unwrap(), 4);
}

#[test]
fn a_missing_database_is_not_created_unless_asked() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(format!("{ORG}.redb"));
    let r = OrgStore::open(OrgId::parse(ORG).unwrap(), &path, 1 << 20, false);
    assert!(matches!(r, Err(contactpro::store::StoreError::NoOrganization)));
    assert!(!path.exists());
}
