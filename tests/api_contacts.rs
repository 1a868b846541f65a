//! The REST contract for lists, contacts and groups: success paths and every bad input.

mod common;
use common::*;
use reqwest::Method;
use serde_json::{Value, json};

async fn setup() -> (TestApp, Client, String) {
    let app = TestApp::start().await;
    let adele = app.as_user(ADELE).await;
    let list = adele.create_list("Suppliers").await;
    (app, adele, list)
}

async fn count(c: &Client, list: &str) -> u64 {
    c.search(list, "").await["total"].as_u64().unwrap()
}

#[tokio::test]
async fn list_lifecycle_and_about() {
    let (app, adele, list) = setup().await;
    let (s, v) = adele.get(&format!("/api/v1/lists/{list}")).await;
    assert_eq!(s, 200);
    assert_eq!(v["name"], "Suppliers");
    assert_eq!(v["owners"], json!(["adele"]));
    assert_eq!(v["rights"]["owner"], true);
    assert_eq!(v["permissions"]["mode"], "everybody");
    let (s, v) = adele.get(&format!("/api/v1/lists/{list}/about")).await;
    assert_eq!(s, 200);
    assert_eq!(v["id"], list.as_str());
    assert_eq!(v["created_by"]["name"], "Adèle Vance");
    assert!(v["version"].is_string());
    let (s, v) = adele.patch(&format!("/api/v1/lists/{list}"), &json!({"name": "Crew", "display_mode": "group"})).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["display_mode"], "group");
    let alex = app.as_user(ALEX).await;
    let (s, v) = alex.patch(&format!("/api/v1/lists/{list}"), &json!({"name": "Mine"})).await;
    assert_eq!(s, 403, "{v}");
    assert_eq!(alex.delete(&format!("/api/v1/lists/{list}")).await.0, 403);
    let (_, v) = alex.get("/api/v1/lists").await;
    assert_eq!(v["items"][0]["name"], "Crew", "every member reads every list");
    assert_eq!(v["items"][0]["rights"]["owner"], false);
    assert_eq!(adele.delete(&format!("/api/v1/lists/{list}")).await.0, 204);
    assert_eq!(adele.get(&format!("/api/v1/lists/{list}")).await.0, 404);
}

#[tokio::test]
async fn contact_crud_with_etags() {
    let (_app, c, list) = setup().await;
    let created = c
        .create_contact(
            &list,
            json!({"full_name": "  Clément Dupont ", "email": "clement@northwind.example", "mobile": "06 15 88 26 17",
            "company": "Northwind", "address": {"city": "Lyon"}, "website": "https://northwind.example"}),
        )
        .await;
    assert_eq!(created["full_name"], "Clément Dupont", "trimmed");
    assert_eq!(created["version"], 1);
    assert_eq!(created["address"]["city"], "Lyon");
    assert_eq!(created["created_by"]["name"], "Adèle Vance");
    let id = created["id"].as_str().unwrap();
    let path = format!("/api/v1/lists/{list}/contacts/{id}");
    let r = c.request(Method::GET, &path).send().await.unwrap();
    assert_eq!(r.headers()["etag"], "\"1\"");

    // PATCH changes only what is given.
    let (s, v) =
        c.send(c.request(Method::PATCH, &path).header("If-Match", "\"1\"").json(&json!({"job_title": "Buyer"}))).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["job_title"], "Buyer");
    assert_eq!(v["email"], "clement@northwind.example");
    assert_eq!(v["version"], 2);

    // A stale If-Match is refused with the current version, and nothing changes.
    let (s, v) = c
        .send(c.request(Method::PUT, &path).header("If-Match", "\"1\"").json(&json!({"full_name": "Overwrite"})))
        .await;
    assert_eq!(s, 412, "{v}");
    assert_eq!(error_code(&v), "version_mismatch");
    assert_eq!(v["error"]["current"]["job_title"], "Buyer");
    let (_, v) = c.get(&path).await;
    assert_eq!(v["full_name"], "Clément Dupont");

    // PUT replaces: fields not given are cleared.
    let (s, v) = c
        .send(c.request(Method::PUT, &path).header("If-Match", "\"2\"").json(&json!({"full_name": "Clément D."})))
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["email"], "");
    let (s, _) = c.send(c.request(Method::DELETE, &path).header("If-Match", "\"2\"")).await;
    assert_eq!(s, 412);
    let (s, _) = c.send(c.request(Method::DELETE, &path).header("If-Match", "\"3\"")).await;
    assert_eq!(s, 204);
    assert_eq!(c.get(&path).await.0, 404);
}

#[tokio::test]
async fn bad_inputs_name_the_field_and_change_nothing() {
    let (app, c, list) = setup().await;
    c.create_contact(&list, json!({"full_name": "Existing"})).await;
    let contacts = format!("/api/v1/lists/{list}/contacts");
    let cases: Vec<(Value, u16, &str)> = vec![
        (json!({"job_title": "No name"}), 422, "full_name"),
        (json!({"full_name": 42}), 422, "full_name"),
        (json!({"full_name": "A", "email": "not-an-email"}), 422, "email"),
        (json!({"full_name": "A", "website": "javascript:alert(1)"}), 422, "website"),
        (json!({"full_name": "A", "linkedin": "ftp://x.example"}), 422, "linkedin"),
        (json!({"full_name": "A", "mobile": "call me"}), 422, "mobile"),
        (json!({"full_name": "A", "address": {"city": ["x"]}}), 422, "address.city"),
        (json!({"full_name": "A", "nickname": "x"}), 422, "nickname"),
        (json!({"full_name": "A".repeat(300)}), 422, "full_name"),
        (json!({"full_name": "A", "groups": ["00000000-0000-4000-8000-000000000000"]}), 422, "groups"),
    ];
    for (body, status, field) in cases {
        let (s, v) = c.post(&contacts, &body).await;
        assert_eq!(s.as_u16(), status, "{body}: {v}");
        assert!(error_fields(&v).contains(&field.to_owned()), "{body}: expected field {field} in {v}");
    }
    // Malformed JSON, wrong content type, a 10 MB body.
    let (s, v) = c
        .send(c.request(Method::POST, &contacts).header("content-type", "application/json").body("{\"full_name\": "))
        .await;
    assert_eq!(s, 400, "{v}");
    let (s, _) = c.send(c.request(Method::POST, &contacts).header("content-type", "text/plain").body("{}")).await;
    assert_eq!(s, 415);
    let big = json!({"full_name": "x", "notes": "n".repeat(10 * 1024 * 1024)});
    let (s, v) = c.post(&contacts, &big).await;
    assert_eq!(s, 413, "{v}");
    assert_eq!(error_code(&v), "too_large");
    // Query parameters.
    for (q, field) in [
        ("page=0", "page"),
        ("per_page=100000", "per_page"),
        ("sort=bogus", "sort"),
        ("order=up", "order"),
        ("letter=AB", "letter"),
        ("group=nope", "group"),
    ] {
        let (s, v) = c.get(&format!("{contacts}?{q}")).await;
        assert_eq!(s, 422, "{q}: {v}");
        assert_eq!(error_fields(&v), vec![field.to_owned()], "{q}");
    }
    // Unknown ids.
    let nil = "00000000-0000-4000-8000-000000000000";
    for path in [
        format!("/api/v1/lists/{nil}/contacts"),
        format!("{contacts}/{nil}"),
        format!("{contacts}/not-an-id"),
        format!("/api/v1/lists/{list}/groups/{nil}"),
        "/api/v1/lists/not-a-list".to_owned(),
    ] {
        let (s, v) = c.get(&path).await;
        assert_eq!(s, 404, "{path}: {v}");
        assert_eq!(error_code(&v), "not_found");
    }
    assert_eq!(count(&c, &list).await, 1, "nothing was written");
    let _ = app;
}

#[tokio::test]
async fn search_sort_letters_and_paging() {
    let (_app, c, list) = setup().await;
    for (name, company, mobile) in [
        ("Clément Dupont", "Northwind", "06 15 88 26 17"),
        ("Zoë Müller", "Fabrikam", "+49 170 1234567"),
        ("Łukasz Wiśniewski", "Tailspin", ""),
        ("Sean O'Neil", "Northwind", ""),
        ("Ærøskøbing Ferry", "Ærø", ""),
        ("123 Taxi", "", "04.78.00.00.00"),
    ] {
        c.create_contact(&list, json!({"full_name": name, "company": company, "mobile": mobile})).await;
    }
    assert_eq!(c.names(&list, "q=clement").await, vec!["Clément Dupont"]);
    assert_eq!(c.names(&list, "q=CLEM%20dup").await, vec!["Clément Dupont"]);
    assert_eq!(c.names(&list, "q=0615").await, vec!["Clément Dupont"]);
    assert_eq!(c.names(&list, "q=oneil").await, vec!["Sean O'Neil"]);
    assert_eq!(c.names(&list, "q=lukasz").await, vec!["Łukasz Wiśniewski"]);
    assert_eq!(c.names(&list, "q=muller").await, vec!["Zoë Müller"]);
    assert_eq!(c.names(&list, "q=north").await, vec!["Clément Dupont", "Sean O'Neil"]);
    assert!(c.names(&list, "q=dupont%20fabrikam").await.is_empty(), "all words must match");
    assert!(c.names(&list, "q=pont").await.is_empty(), "words match as prefixes (4 letters: no typo retry)");
    let v = c.search(&list, "").await;
    assert_eq!(v["total"], 6);
    assert_eq!(v["letters"], json!({"#": 1, "A": 1, "C": 1, "L": 1, "S": 1, "Z": 1}));
    let v = c.search(&list, "q=north").await;
    assert_eq!(v["letters"], json!({"C": 1, "S": 1}), "letters follow the search");
    assert_eq!(c.names(&list, "letter=Z").await, vec!["Zoë Müller"]);
    assert_eq!(c.names(&list, "letter=%23").await, vec!["123 Taxi"]);
    let v = c.search(&list, "letter=Z").await;
    assert_eq!(v["total"], 1);
    assert_eq!(v["letters"]["C"], 1, "letters ignore the letter filter");
    let names = c.names(&list, "sort=company&per_page=3&page=2").await;
    assert_eq!(names.len(), 3);
    let all = c.names(&list, "sort=full_name&order=desc").await;
    assert_eq!(all.first().map(String::as_str), Some("Zoë Müller"));
    let v = c.search(&list, "per_page=4&page=2").await;
    assert_eq!(v["items"].as_array().unwrap().len(), 2);
    assert_eq!(v["page"], 2);
    assert_eq!(v["per_page"], 4);
    assert_eq!(v["total"], 6);
}

#[tokio::test]
async fn groups_crud_membership_and_search_by_group_name() {
    let (_app, c, list) = setup().await;
    let a = c.create_contact(&list, json!({"full_name": "Anna Berg"})).await;
    let b = c.create_contact(&list, json!({"full_name": "Bo Lind"})).await;
    let g = c.create_group(&list, "Crew").await;
    let (s, v) = c.post(&format!("/api/v1/lists/{list}/groups"), &json!({"name": "crew"})).await;
    assert_eq!(s, 409, "{v}");
    assert_eq!(error_code(&v), "duplicate_name");
    let (s, v) = c.post(&format!("/api/v1/lists/{list}/groups"), &json!({"name": "  "})).await;
    assert_eq!((s.as_u16(), error_fields(&v)), (422, vec!["name".to_owned()]));
    let gp = format!("/api/v1/lists/{list}/groups/{g}");
    let (s, v) = c.patch(&gp, &json!({"name": "Stage crew", "add_members": [a["id"], b["id"]]})).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["member_count"], 2);
    assert_eq!(c.names(&list, "q=stage").await, vec!["Anna Berg", "Bo Lind"]);
    assert_eq!(c.names(&list, &format!("group={g}")).await.len(), 2);
    let (s, v) = c
        .patch(&gp, &json!({"remove_members": [b["id"]], "add_members": ["00000000-0000-4000-8000-000000000000"]}))
        .await;
    assert_eq!(s, 422, "unknown member refuses the whole patch: {v}");
    assert_eq!(c.names(&list, &format!("group={g}")).await.len(), 2, "nothing changed");
    let (_, v) = c.patch(&gp, &json!({"remove_members": [b["id"]]})).await;
    assert_eq!(v["member_count"], 1);
    assert_eq!(c.names(&list, "group=none").await, vec!["Bo Lind"]);
    let g2 = c.create_group(&list, "Other").await;
    let (s, _) = c.patch(&format!("/api/v1/lists/{list}/groups/{g2}"), &json!({"name": "STAGE CREW"})).await;
    assert_eq!(s, 409);
    let (_, v) = c.get(&format!("/api/v1/lists/{list}/groups")).await;
    assert_eq!(v["items"].as_array().unwrap().len(), 2);
    assert_eq!(c.delete(&gp).await.0, 204);
    assert_eq!(count(&c, &list).await, 2, "deleting a group keeps its contacts");
    assert!(c.names(&list, "q=stage").await.is_empty());
    let (_, v) = c.get(&format!("/api/v1/lists/{list}/contacts/{}", a["id"].as_str().unwrap())).await;
    assert_eq!(v["groups"], json!([]));
}

#[tokio::test]
async fn other_organization_gets_404_on_every_route() {
    let (app, a, list) = setup().await;
    let contact = a.create_contact(&list, json!({"full_name": "Private"})).await;
    let cid = contact["id"].as_str().unwrap();
    let g = a.create_group(&list, "G").await;
    let b = app.as_user(NESTOR).await;
    // A valid body for each route, so the only reason to refuse is the list.
    let routes = [
        (Method::GET, format!("/api/v1/lists/{list}")),
        (Method::PATCH, format!("/api/v1/lists/{list}")),
        (Method::DELETE, format!("/api/v1/lists/{list}")),
        (Method::GET, format!("/api/v1/lists/{list}/about")),
        (Method::GET, format!("/api/v1/lists/{list}/contacts")),
        (Method::POST, format!("/api/v1/lists/{list}/contacts")),
        (Method::GET, format!("/api/v1/lists/{list}/contacts/{cid}")),
        (Method::PUT, format!("/api/v1/lists/{list}/contacts/{cid}")),
        (Method::PATCH, format!("/api/v1/lists/{list}/contacts/{cid}")),
        (Method::DELETE, format!("/api/v1/lists/{list}/contacts/{cid}")),
        (Method::GET, format!("/api/v1/lists/{list}/groups")),
        (Method::POST, format!("/api/v1/lists/{list}/groups")),
        (Method::GET, format!("/api/v1/lists/{list}/groups/{g}")),
        (Method::PATCH, format!("/api/v1/lists/{list}/groups/{g}")),
        (Method::DELETE, format!("/api/v1/lists/{list}/groups/{g}")),
        (Method::GET, format!("/api/v1/lists/{list}/api-keys")),
        (Method::POST, format!("/api/v1/lists/{list}/api-keys")),
    ];
    for (m, path) in routes {
        let r = b.request(m.clone(), &path);
        let body = if path.contains("/contacts") { json!({"full_name": "x"}) } else { json!({"name": "x"}) };
        let r = if m == Method::GET || m == Method::DELETE { r } else { r.json(&body) };
        let (s, v) = b.send(r).await;
        assert_eq!(s, 404, "{m} {path}: {v}");
    }
    assert_eq!(count(&a, &list).await, 1);
}

#[derive(Clone, Copy, Debug)]
enum Who {
    Owner,
    Member,
    Custom,
}

/// 3 modes x add/modify/delete x owner/member/custom member, for contacts and groups.
#[tokio::test]
async fn permission_matrix() {
    let app = TestApp::start().await;
    let owner = app.as_user(ADELE).await;
    let member = app.as_user(ALEX).await;
    let custom = app.as_user(MEGAN).await;
    for mode in ["everybody", "owners", "custom"] {
        for (flags, label) in
            [((true, false, false), "add"), ((false, true, false), "modify"), ((false, false, true), "delete")]
        {
            let list = owner.create_list(&format!("{mode}-{label}")).await;
            let perms = json!({"mode": mode, "members": [{"oid": "megan", "add": flags.0, "modify": flags.1, "delete": flags.2}]});
            let (s, v) = owner.patch(&format!("/api/v1/lists/{list}"), &json!({"permissions": perms})).await;
            assert_eq!(s, 200, "{v}");
            for who in [Who::Owner, Who::Member, Who::Custom] {
                let c = match who {
                    Who::Owner => &owner,
                    Who::Member => &member,
                    Who::Custom => &custom,
                };
                let allowed = |action: &str| match (who, mode) {
                    (Who::Owner, _) | (_, "everybody") => true,
                    (Who::Member, _) | (Who::Custom, "owners") => false,
                    (Who::Custom, _) => action == label,
                };
                let expect = |a: &str| if allowed(a) { "ok" } else { "403" };
                let code = |ok: bool, s: u16| {
                    if ok {
                        "ok"
                    } else if s == 403 {
                        "403"
                    } else {
                        "other"
                    }
                };
                // Contacts.
                let seed = owner.create_contact(&list, json!({"full_name": "Seed"})).await;
                let sid = seed["id"].as_str().unwrap();
                let (s, _) = c.post(&format!("/api/v1/lists/{list}/contacts"), &json!({"full_name": "New"})).await;
                assert_eq!(code(s == 201, s.as_u16()), expect("add"), "{mode}/{label} {who:?} add contact");
                let (s, _) = c.patch(&format!("/api/v1/lists/{list}/contacts/{sid}"), &json!({"job_title": "x"})).await;
                assert_eq!(code(s == 200, s.as_u16()), expect("modify"), "{mode}/{label} {who:?} modify contact");
                let (s, _) = c.delete(&format!("/api/v1/lists/{list}/contacts/{sid}")).await;
                assert_eq!(code(s == 204, s.as_u16()), expect("delete"), "{mode}/{label} {who:?} delete contact");
                // Groups.
                let gname = format!("g-{who:?}-{}", rand_suffix());
                let seed_g = owner.create_group(&list, &format!("seed-{gname}")).await;
                let (s, _) = c.post(&format!("/api/v1/lists/{list}/groups"), &json!({"name": gname})).await;
                assert_eq!(code(s == 201, s.as_u16()), expect("add"), "{mode}/{label} {who:?} add group");
                let (s, _) = c
                    .patch(&format!("/api/v1/lists/{list}/groups/{seed_g}"), &json!({"name": format!("r-{gname}")}))
                    .await;
                assert_eq!(code(s == 200, s.as_u16()), expect("modify"), "{mode}/{label} {who:?} modify group");
                let (s, _) = c.delete(&format!("/api/v1/lists/{list}/groups/{seed_g}")).await;
                assert_eq!(code(s == 204, s.as_u16()), expect("delete"), "{mode}/{label} {who:?} delete group");
            }
            // Settings stay with owners whatever the mode.
            let (s, _) =
                custom.patch(&format!("/api/v1/lists/{list}"), &json!({"permissions": {"mode": "everybody"}})).await;
            assert_eq!(s, 403);
        }
    }
}

fn rand_suffix() -> String {
    uuid::Uuid::new_v4().simple().to_string()[..8].to_owned()
}

/// 20 writers update the same contact with If-Match: each write either lands or gets 412,
/// none is lost, and the index then answers exactly what the store holds.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_if_match_writers_lose_nothing() {
    let (_app, c, list) = setup().await;
    let created = c.create_contact(&list, json!({"full_name": "Counter", "notes": ""})).await;
    let path = format!("/api/v1/lists/{list}/contacts/{}", created["id"].as_str().unwrap());
    let mut tasks = Vec::new();
    for w in 0..20 {
        let c = c.clone();
        let path = path.clone();
        tasks.push(tokio::spawn(async move {
            let mut landed = 0;
            for _ in 0..5 {
                loop {
                    let (_, cur) = c.get(&path).await;
                    let v = cur["version"].as_u64().unwrap();
                    let notes = format!("{} w{w}", cur["notes"].as_str().unwrap());
                    let (s, _) = c
                        .send(
                            c.request(Method::PATCH, &path)
                                .header("If-Match", format!("\"{v}\""))
                                .json(&json!({"notes": notes.trim()})),
                        )
                        .await;
                    match s.as_u16() {
                        200 => {
                            landed += 1;
                            break;
                        }
                        412 => continue,
                        other => panic!("unexpected {other}"),
                    }
                }
            }
            landed
        }));
    }
    let mut total = 0;
    for t in tasks {
        total += t.await.unwrap();
    }
    assert_eq!(total, 100);
    let (_, v) = c.get(&path).await;
    assert_eq!(v["version"], 101);
    assert_eq!(v["notes"].as_str().unwrap().split(' ').count(), 100, "every landed write is in the final notes");
    let words: Vec<&str> = v["notes"].as_str().unwrap().split(' ').collect();
    for w in 0..20 {
        assert_eq!(words.iter().filter(|x| **x == format!("w{w}")).count(), 5);
    }
    // The index agrees with the store: searching a word in the notes finds the one contact.
    assert_eq!(c.search(&list, "q=w7").await["total"], 1);
}

#[tokio::test]
async fn given_and_family_names_sort_by_last_name_and_the_list_default() {
    let (_app, c, list) = setup().await;
    let contacts = format!("/api/v1/lists/{list}/contacts");
    for body in [
        json!({"full_name": "Chloé Costa"}),
        json!({"full_name": "Anne Martin"}),
        json!({"full_name": "Jan van der Berg"}),
        json!({"full_name": "Zoé Adam"}),
        json!({"full_name": "Nguyen Van An", "given_name": " An ", "family_name": "Nguyen"}),
    ] {
        c.create_contact(&list, body).await;
    }
    // Stored parts are returned trimmed; derived ones are not stored (empty).
    let v = c.search(&list, "q=nguyen").await;
    assert_eq!(
        (v["items"][0]["given_name"].as_str(), v["items"][0]["family_name"].as_str()),
        (Some("An"), Some("Nguyen"))
    );
    let v = c.search(&list, "q=chloe").await;
    assert_eq!(v["items"][0]["family_name"], "");
    assert_eq!(
        c.names(&list, "sort=family_name").await,
        ["Zoé Adam", "Jan van der Berg", "Chloé Costa", "Anne Martin", "Nguyen Van An"]
    );
    // "C" shows Costa when sorting by last name, and the rail counts family-name letters.
    assert_eq!(c.names(&list, "sort=family_name&letter=C").await, ["Chloé Costa"]);
    assert!(c.names(&list, "sort=full_name&letter=N").await == ["Nguyen Van An"]);
    let v = c.search(&list, "sort=family_name").await;
    assert_eq!(v["letters"], json!({"A": 1, "B": 1, "C": 1, "M": 1, "N": 1}));
    let v = c.search(&list, "sort=full_name").await;
    assert_eq!(v["letters"], json!({"A": 1, "C": 1, "J": 1, "N": 1, "Z": 1}));
    // A PATCH of the family name moves the contact; null clears it (derived again).
    let id = c.search(&list, "q=chloe").await["items"][0]["id"].as_str().unwrap().to_owned();
    let (s, v) = c.patch(&format!("{contacts}/{id}"), &json!({"family_name": "Zola"})).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(c.names(&list, "sort=family_name&letter=Z").await, ["Chloé Costa"]);
    let (s, _) = c.patch(&format!("{contacts}/{id}"), &json!({"family_name": null})).await;
    assert_eq!(s, 200);
    assert_eq!(c.names(&list, "sort=family_name&letter=C").await, ["Chloé Costa"]);
    // Bad names are refused by field, like the full name.
    for (body, field) in [
        (json!({"full_name": "A", "family_name": "x".repeat(300)}), "family_name"),
        (json!({"full_name": "A", "given_name": "a\u{7}b"}), "given_name"),
        (json!({"full_name": "A", "family_name": "Costa\u{202E}"}), "family_name"),
        (json!({"full_name": "A", "given_name": 3}), "given_name"),
    ] {
        let (s, v) = c.post(&contacts, &body).await;
        assert_eq!(s, 422, "{body}: {v}");
        assert!(error_fields(&v).contains(&field.to_owned()), "{body}: {v}");
    }
    // The list's default order: stored, returned, validated; only owners change it.
    let path = format!("/api/v1/lists/{list}");
    assert_eq!(c.get(&path).await.1["sort"], "full_name");
    let (s, v) = c.patch(&path, &json!({"sort": "family_name"})).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["sort"], "family_name");
    assert_eq!(c.get(&path).await.1["sort"], "family_name");
    let (s, v) = c.patch(&path, &json!({"sort": "company"})).await;
    assert_eq!(s, 422, "{v}");
    assert_eq!(c.get(&path).await.1["sort"], "family_name");
    let (s, v) = c.post("/api/v1/lists", &json!({"name": "By last name", "sort": "family_name"})).await;
    assert_eq!(s, 201, "{v}");
    assert_eq!(v["sort"], "family_name");
}
