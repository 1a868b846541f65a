//! Duplicates and the search that finds what people type, over HTTP.

mod common;

use common::*;
use serde_json::{Value, json};

fn ids(v: &Value) -> Vec<String> {
    v.as_array().unwrap().iter().map(|x| x.as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn duplicates_are_clustered_with_their_reasons_and_stay_in_their_organization() {
    let app = TestApp::start_with(|c| c.search.default_region = "FR".into()).await;
    let adele = app.as_user(ADELE).await;
    let list = adele.create_list("Suppliers").await;
    let mut id = std::collections::HashMap::new();
    for (key, body) in [
        ("f1", json!({"full_name": "François Hansen", "email": "francois.hansen@contoso.example"})),
        ("f2", json!({"full_name": "Francois Hansen", "email": "Francois.Hansen@contoso.example"})),
        ("a1", json!({"full_name": "Adèle Kaya", "mobile": "+33 6 15 88 26 17"})),
        ("a2", json!({"full_name": "Kaya Adele", "phone": "06 15 88 26 17"})),
        ("c1", json!({"full_name": "Clément Dubois", "company": "Fabrikam"})),
        ("c2", json!({"full_name": "Clement Dubios", "company": "Fabrikam"})),
        ("c3", json!({"full_name": "Clément Dubois", "company": "Northwind"})),
        ("x", json!({"full_name": "Søren Nordic", "email": "soren@nordic.test"})),
    ] {
        id.insert(key, adele.create_contact(&list, body).await["id"].as_str().unwrap().to_owned());
    }
    let path = format!("/api/v1/lists/{list}/duplicates");
    let (s, v) = adele.get(&path).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["total"], 3, "{v}");
    let clusters = v["clusters"].as_array().unwrap();
    let expect = [
        (["a1", "a2"], json!(["phone", "name"])),
        (["c2", "c1"], json!(["name"])),
        (["f1", "f2"], json!(["email", "name"])),
    ];
    for (c, (members, reasons)) in clusters.iter().zip(expect) {
        let mut want: Vec<String> = members.iter().map(|m| id[m].clone()).collect();
        let mut got = ids(&c["ids"]);
        want.sort();
        got.sort();
        assert_eq!(got, want, "{v}");
        assert_eq!(c["reasons"], reasons, "{v}");
    }

    // Another member of the organization reads them too.
    let (s, v2) = app.as_user(ALEX).await.get(&path).await;
    assert_eq!((s, &v2), (reqwest::StatusCode::OK, &v));

    // Another organization, an unknown list, a malformed id: 404, nothing leaks.
    let (s, v) = app.as_user(NESTOR).await.get(&path).await;
    assert_eq!(s, 404, "{v}");
    assert!(!v.to_string().contains("Hansen"));
    let (s, _) = adele.get("/api/v1/lists/00000000-0000-0000-0000-000000000000/duplicates").await;
    assert_eq!(s, 404);
    let (s, _) = adele.get("/api/v1/lists/not-an-id/duplicates").await;
    assert!(s == 404 || s == 422, "{s}");
    let (s, _) = app.anonymous().get(&path).await;
    assert_eq!(s, 401);
}

#[tokio::test]
async fn search_finds_numbers_domains_and_typos_as_typed() {
    let app = TestApp::start_with(|c| c.search.default_region = "FR".into()).await;
    let adele = app.as_user(ADELE).await;
    let list = adele.create_list("Crew").await;
    for body in [
        json!({"full_name": "Clément Dubois", "mobile": "+33 6 15 88 26 17", "email": "clement@tailspin.example"}),
        json!({"full_name": "Anne Petit", "mobile": "06 35 73 38 82", "address": {"postal_code": "06150", "street": "15 rue Haute"}}),
    ] {
        adele.create_contact(&list, body).await;
    }
    let q = |s: &str| format!("q={}", urlencode(s));
    for (query, names) in [
        ("0615", vec!["Anne Petit", "Clément Dubois"]),
        ("06 15", vec!["Clément Dubois"]),
        ("+33 635", vec!["Anne Petit"]),
        ("357338", vec!["Anne Petit"]),
        ("tailspin.example", vec!["Clément Dubois"]),
        ("@tailspin", vec!["Clément Dubois"]),
    ] {
        let v = adele.search(&list, &q(query)).await;
        let got: Vec<&str> = v["items"].as_array().unwrap().iter().map(|c| c["full_name"].as_str().unwrap()).collect();
        assert_eq!(got, names, "{query}");
        assert_eq!(v["fuzzy"], false, "{query}");
    }
    let v = adele.search(&list, &q("clemnt")).await;
    assert_eq!(v["fuzzy"], true);
    assert_eq!(v["items"][0]["full_name"], "Clément Dubois");
    let v = adele.search(&list, &q("zzzzzzzz")).await;
    assert_eq!((v["total"].as_u64(), v["fuzzy"].as_bool()), (Some(0), Some(false)));
}

/// An organization configured with its own region reads national numbers with that region's
/// rules, while the server's default stays for the others.
#[tokio::test]
async fn an_organization_can_have_its_own_phone_region() {
    const BERLIN: &str = "0b0e0e0f-1e57-4a11-9b1d-de0000000001";
    const JONAS: Person = Person { tid: BERLIN, oid: "jonas", name: "Jonas Weber", upn: "jonas@berlin.example" };
    let app = TestApp::start_with(|c| {
        c.search.default_region = "FR".into();
        c.search.regions.insert(BERLIN.to_uppercase(), "de".into());
    })
    .await;
    let q = |s: &str| format!("q={}", urlencode(s));
    let names = |v: Value| -> Vec<String> {
        v["items"].as_array().unwrap().iter().map(|c| c["full_name"].as_str().unwrap().to_owned()).collect()
    };
    let jonas = app.as_user(JONAS).await;
    let list = jonas.create_list("Team").await;
    jonas.create_contact(&list, json!({"full_name": "Lena Koch", "phone": "+49 30 1234567"})).await;
    assert_eq!(names(jonas.search(&list, &q("030 123")).await), ["Lena Koch"], "German national form");
    assert!(names(jonas.search(&list, &q("0049 30 123")).await).contains(&"Lena Koch".to_owned()));
    let adele = app.as_user(ADELE).await;
    let list = adele.create_list("Crew").await;
    adele.create_contact(&list, json!({"full_name": "Anne Petit", "mobile": "+33 6 35 73 38 82"})).await;
    adele.create_contact(&list, json!({"full_name": "Lena Koch", "phone": "+49 30 1234567"})).await;
    assert_eq!(names(adele.search(&list, &q("06 35 73")).await), ["Anne Petit"], "French rules in the other org");
    assert!(names(adele.search(&list, &q("030 123")).await).is_empty(), "030 is not a French way to write +49 30");
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| if b.is_ascii_alphanumeric() || b == b'.' { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}

/// Merging: the kept contact is filled from the others, groups united, notes kept, choices
/// honoured; the others go to the trash (restorable); the history says "merged"; bad requests
/// name the field; a member without Delete may not merge.
#[tokio::test]
async fn merge_keeps_one_contact_and_trashes_the_others() {
    let app = TestApp::start().await;
    let a = app.as_user(ADELE).await;
    let list = a.create_list("Suppliers").await;
    let g1 = a.create_group(&list, "Drivers").await;
    let g2 = a.create_group(&list, "Night").await;
    let keep = a
        .create_contact(
            &list,
            json!({"full_name": "Clément Laurent", "mobile": "06 15 88 26 17", "notes": "Met in Lyon", "groups": [g1]}),
        )
        .await;
    let other = a
        .create_contact(&list, json!({"full_name": "Clement Laurent", "email": "clement@tailspin.example", "mobile": "06 00 00 00 00", "company": "Tailspin", "notes": "Prefers calls", "groups": [g2]}))
        .await;
    let third = a.create_contact(&list, json!({"full_name": "C. Laurent", "job_title": "Buyer"})).await;
    let (kid, oid, tid) = (keep["id"].as_str().unwrap(), other["id"].as_str().unwrap(), third["id"].as_str().unwrap());
    let path = format!("/api/v1/lists/{list}/contacts/{kid}/merge");

    for (body, field) in [
        (json!({"others": []}), "others"),
        (json!({"others": [kid]}), "others"),
        (json!({"others": [uuid::Uuid::new_v4()]}), "others"),
        (json!({"others": [oid], "fields": {"groups": oid}}), "fields.groups"),
        (json!({"others": [oid], "fields": {"email": uuid::Uuid::new_v4()}}), "fields.email"),
        (json!({"others": [oid], "surprise": 1}), "surprise"),
    ] {
        let (s, v) = a.post(&path, &body).await;
        assert_eq!(s, 422, "{body}: {v}");
        assert_eq!(error_fields(&v), [field], "{body}: {v}");
    }
    // Default permissions: members may modify and delete; without Delete, no merge.
    let (s, _) = a
        .patch(
            &format!("/api/v1/lists/{list}"),
            &json!({"permissions": {"mode": "custom", "members": [{"oid": "megan", "add": true, "modify": true, "delete": false}]}}),
        )
        .await;
    assert_eq!(s, 200);
    let (s, _) = app.as_user(MEGAN).await.post(&path, &json!({"others": [oid]})).await;
    assert_eq!(s, 403);

    let (s, m) = a.post(&path, &json!({"others": [oid, tid], "fields": {"full_name": oid}})).await;
    assert_eq!(s, 200, "{m}");
    assert_eq!(m["id"], kid);
    assert_eq!(m["full_name"], "Clement Laurent", "chosen from the other");
    assert_eq!(m["mobile"], "06 15 88 26 17", "the kept value stays when not chosen");
    assert_eq!(
        (m["email"].as_str(), m["company"].as_str(), m["job_title"].as_str()),
        (Some("clement@tailspin.example"), Some("Tailspin"), Some("Buyer"))
    );
    assert_eq!(m["notes"], "Met in Lyon\n\nPrefers calls");
    let mut groups = ids(&m["groups"]);
    groups.sort();
    let mut want = vec![g1.clone(), g2.clone()];
    want.sort();
    assert_eq!(groups, want);
    assert_eq!(a.names(&list, "").await, ["Clement Laurent"], "one contact left");
    let (_, t) = a.get(&format!("/api/v1/lists/{list}/trash")).await;
    assert_eq!(t["total"], 2);
    let (_, h) = a.get(&format!("/api/v1/lists/{list}/contacts/{kid}/history")).await;
    assert_eq!(h["items"][0]["action"], "merged");
    assert_eq!(h["items"][0]["changes"]["email"], json!({"from": "", "to": "clement@tailspin.example"}));
    // A merge is taken back: restore the others, revert the kept one.
    let (s, _) = a.post(&format!("/api/v1/lists/{list}/trash/{oid}/restore"), &json!({})).await;
    assert_eq!(s, 200);
    let (s, r) = a.post(&format!("/api/v1/lists/{list}/contacts/{kid}/revert"), &json!({"version": 1})).await;
    assert_eq!(s, 200);
    assert_eq!(r["email"], "");
    let (s, _) = app.as_user(NESTOR).await.post(&path, &json!({"others": [oid]})).await;
    assert_eq!(s, 404);
}
