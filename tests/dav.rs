//! CardDAV over the wire: app passwords, discovery, PROPFIND properties, REPORTs, GET/PUT/DELETE
//! with preconditions, the list's permissions, another organization, unknown properties kept.

mod common;
use common::*;
use reqwest::Method;
use reqwest::header::HeaderMap;
use serde_json::{Value, json};

struct Dav {
    app_url: String,
    http: reqwest::Client,
    user: String,
    pass: String,
    /// `/dav/books/{user id}/`
    home: String,
}

struct Answer {
    status: u16,
    headers: HeaderMap,
    body: String,
}

impl Dav {
    async fn new(app: &TestApp, c: &Client, p: Person) -> Self {
        let (s, v) = c.post("/api/v1/me/app-passwords", &json!({"name": "phone"})).await;
        assert_eq!(s, 201, "{v}");
        assert_eq!(v["username"], p.upn);
        Self {
            app_url: app.url.clone(),
            http: reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap(),
            user: p.upn.to_owned(),
            pass: v["password"].as_str().unwrap().to_owned(),
            home: format!("/dav/books/{}/", p.oid),
        }
    }

    fn book(&self, list: &str) -> String {
        format!("{}{list}/", self.home)
    }

    async fn req(&self, m: &str, path: &str, headers: &[(&str, &str)], body: &str) -> Answer {
        let mut r = self
            .http
            .request(Method::from_bytes(m.as_bytes()).unwrap(), format!("{}{path}", self.app_url))
            .basic_auth(&self.user, Some(&self.pass));
        for (k, v) in headers {
            r = r.header(*k, *v);
        }
        if !body.is_empty() {
            r = r.body(body.to_owned());
        }
        let resp = r.send().await.unwrap();
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        Answer { status, headers, body: resp.text().await.unwrap() }
    }

    async fn propfind(&self, path: &str, depth: &str, props: &str) -> Answer {
        let body = format!(
            r#"<?xml version="1.0"?><d:propfind xmlns:d="DAV:" xmlns:card="urn:ietf:params:xml:ns:carddav" xmlns:cs="http://calendarserver.org/ns/"><d:prop>{props}</d:prop></d:propfind>"#
        );
        self.req("PROPFIND", path, &[("depth", depth), ("content-type", "application/xml")], &body).await
    }

    async fn put(&self, path: &str, card: &str, headers: &[(&str, &str)]) -> Answer {
        let mut h = vec![("content-type", "text/vcard; charset=utf-8")];
        h.extend_from_slice(headers);
        self.req("PUT", path, &h, card).await
    }

    async fn sync(&self, list: &str, token: &str) -> Answer {
        let body = format!(
            r#"<?xml version="1.0"?><d:sync-collection xmlns:d="DAV:"><d:sync-token>{token}</d:sync-token><d:sync-level>1</d:sync-level><d:prop><d:getetag/></d:prop></d:sync-collection>"#
        );
        self.req("REPORT", &self.book(list), &[("content-type", "application/xml")], &body).await
    }
}

fn card(fn_: &str, extra: &str) -> String {
    format!("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:{fn_}\r\nN:;{fn_};;;\r\n{extra}END:VCARD\r\n")
}

/// The text of the first `<tag>` (any prefix) in an XML answer.
fn between<'a>(xml: &'a str, tag: &str) -> Option<&'a str> {
    let start = xml.find(&format!(":{tag}>"))? + tag.len() + 2;
    let end = xml[start..].find("</")? + start;
    Some(&xml[start..end])
}

fn hrefs(xml: &str) -> Vec<String> {
    xml.split("<d:href>").skip(1).map(|s| s.split("</d:href>").next().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn app_passwords_are_shown_once_listed_without_secret_and_revoked_at_once() {
    let app = TestApp::start().await;
    let adele = app.as_user(ADELE).await;
    let dav = Dav::new(&app, &adele, ADELE).await;
    assert!(dav.pass.starts_with("cpa_") && dav.pass.contains(CONTOSO), "{}", dav.pass);
    let (s, v) = adele.get("/api/v1/me/app-passwords").await;
    assert_eq!(s, 200);
    assert_eq!(v["items"].as_array().unwrap().len(), 1);
    assert!(!v.to_string().contains(&dav.pass), "the list shows no secret: {v}");
    let id = v["items"][0]["id"].as_str().unwrap().to_owned();
    // Another person cannot see or revoke it.
    let alex = app.as_user(ALEX).await;
    assert_eq!(alex.get("/api/v1/me/app-passwords").await.1["items"], json!([]));
    assert_eq!(alex.delete(&format!("/api/v1/me/app-passwords/{id}")).await.0, 404);
    // Signs in with the UPN or the user id; not with another name, not with a bearer token.
    assert_eq!(dav.propfind("/dav/", "0", "<d:current-user-principal/>").await.status, 207);
    let by_id = Dav { user: "adele".into(), ..dav_clone(&dav) };
    assert_eq!(by_id.propfind("/dav/", "0", "<d:current-user-principal/>").await.status, 207);
    let wrong = Dav { user: "alex@contoso.example".into(), ..dav_clone(&dav) };
    let a = wrong.propfind("/dav/", "0", "").await;
    assert_eq!(a.status, 401);
    assert!(a.headers["www-authenticate"].to_str().unwrap().starts_with("Basic realm=\"contactpro\""));
    let forged = Dav { pass: format!("cpa_{}_{CONTOSO}_{}", "0".repeat(32), "1".repeat(64)), ..dav_clone(&dav) };
    assert_eq!(forged.propfind("/dav/", "0", "").await.status, 401);
    let token = app.token(ADELE).await;
    let r = reqwest::Client::new().get(format!("{}/dav/", app.url)).bearer_auth(token).send().await.unwrap();
    assert_eq!(r.status(), 401);
    // Revoked: refused at once.
    assert_eq!(adele.delete(&format!("/api/v1/me/app-passwords/{id}")).await.0, 204);
    assert_eq!(dav.propfind("/dav/", "0", "").await.status, 401);
    let (s, v) = adele.post("/api/v1/me/app-passwords", &json!({"name": ""})).await;
    assert_eq!((s.as_u16(), error_fields(&v)), (422, vec!["name".to_owned()]));
}

fn dav_clone(d: &Dav) -> Dav {
    Dav {
        app_url: d.app_url.clone(),
        http: d.http.clone(),
        user: d.user.clone(),
        pass: d.pass.clone(),
        home: d.home.clone(),
    }
}

#[tokio::test]
async fn discovery_and_the_properties_of_every_resource() {
    let app = TestApp::start().await;
    let adele = app.as_user(ADELE).await;
    let list = adele.create_list("Suppliers").await;
    adele.create_contact(&list, json!({"full_name": "Clément Laurent"})).await;
    let dav = Dav::new(&app, &adele, ADELE).await;

    let r = dav.http.get(format!("{}/.well-known/carddav", app.url)).send().await.unwrap();
    assert_eq!(r.status(), 301);
    assert_eq!(r.headers()["location"], "/dav/");
    // A client given the server's root: its PROPFIND on `/` is sent to /dav/ (not the web app).
    let a = dav.propfind("/", "0", "<d:current-user-principal/>").await;
    assert_eq!((a.status, a.headers["location"].to_str().unwrap()), (301, "/dav/"));
    let a = dav.propfind("/api/v1/lists", "0", "").await;
    assert_eq!(a.status, 404);
    let r = dav.http.request(Method::OPTIONS, format!("{}/dav/", app.url)).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["dav"], "1, 3, addressbook");
    assert!(r.headers()["allow"].to_str().unwrap().contains("REPORT"));

    let a = dav.propfind("/dav/", "0", "<d:current-user-principal/><d:resourcetype/>").await;
    assert_eq!(a.status, 207, "{}", a.body);
    assert!(a.body.contains("<d:current-user-principal><d:href>/dav/principals/adele/</d:href>"), "{}", a.body);
    let a = dav
        .propfind("/dav/principals/adele/", "0", "<card:addressbook-home-set/><d:displayname/><d:resourcetype/>")
        .await;
    assert!(a.body.contains("<card:addressbook-home-set><d:href>/dav/books/adele/</d:href>"), "{}", a.body);
    assert!(a.body.contains("<d:displayname>Adèle Vance</d:displayname>"), "{}", a.body);
    assert!(a.body.contains("<d:principal/>"), "{}", a.body);

    let props = "<d:resourcetype/><d:displayname/><cs:getctag/><d:sync-token/><d:supported-report-set/><d:current-user-privilege-set/><card:supported-address-data/><d:owner/>";
    let a = dav.propfind(&dav.home, "1", props).await;
    assert_eq!(a.status, 207);
    let book = dav.book(&list);
    assert!(hrefs(&a.body).contains(&book), "{}", a.body);
    assert!(a.body.contains("<d:displayname>Suppliers</d:displayname>"), "{}", a.body);
    assert!(a.body.contains("<d:collection/><card:addressbook/>"), "{}", a.body);
    assert!(a.body.contains("<cs:getctag>1</cs:getctag>"), "{}", a.body);
    assert!(a.body.contains(&format!("<d:sync-token>urn:contactpro:list:{list}/sync/1</d:sync-token>")), "{}", a.body);
    for r in ["card:addressbook-multiget", "card:addressbook-query", "d:sync-collection"] {
        assert!(a.body.contains(&format!("<{r}/>")), "{r}: {}", a.body);
    }
    for p in ["read", "write-content", "bind", "unbind", "write"] {
        assert!(a.body.contains(&format!("<d:privilege><d:{p}/></d:privilege>")), "{p}: {}", a.body);
    }
    assert!(a.body.contains(r#"version="3.0""#) && a.body.contains(r#"version="4.0""#), "{}", a.body);
    // An unknown property is 404 in its own propstat.
    assert!(a.body.contains("<d:owner/></d:prop><d:status>HTTP/1.1 404 Not Found"), "{}", a.body);

    // The book, depth 1: the card with its etag and content type.
    let a = dav.propfind(&book, "1", "<d:getetag/><d:getcontenttype/><d:resourcetype/>").await;
    assert_eq!(a.status, 207);
    let cards: Vec<String> = hrefs(&a.body).into_iter().filter(|h| h.ends_with(".vcf")).collect();
    assert_eq!(cards.len(), 1, "{}", a.body);
    assert!(a.body.contains("<d:getetag>&quot;1&quot;</d:getetag>"), "{}", a.body);
    assert!(a.body.contains("<d:getcontenttype>text/vcard; charset=utf-8</d:getcontenttype>"), "{}", a.body);
    // Depth 0: the book alone; allprop without a body.
    let a = dav.req("PROPFIND", &book, &[("depth", "0")], "").await;
    assert_eq!(a.status, 207);
    assert_eq!(a.body.matches("<d:response>").count(), 1, "{}", a.body);
    assert!(a.body.contains(&format!("<d:response><d:href>{book}</d:href>")), "{}", a.body);
    assert!(a.body.contains("<d:displayname>Suppliers</d:displayname>"));

    // Hostile or wrong bodies: 400 with the reason.
    let a = dav
        .req(
            "PROPFIND",
            &book,
            &[("depth", "0")],
            r#"<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x "y">]><d:propfind xmlns:d="DAV:"/>"#,
        )
        .await;
    assert_eq!(a.status, 400);
    assert!(a.body.contains("DOCTYPE"), "{}", a.body);
    let a = dav.req("PROPFIND", &book, &[("depth", "0")], "<d:propfind xmlns:d=\"DAV:\"><d:prop>").await;
    assert_eq!(a.status, 400, "{}", a.body);
    let a = dav.req("PROPFIND", &book, &[("depth", "2")], "").await;
    assert_eq!(a.status, 400);
    // Nothing outside the person's own space.
    assert_eq!(dav.propfind("/dav/books/alex/", "1", "").await.status, 404);
    assert_eq!(dav.propfind(&format!("{}{}/", dav.home, uuid::Uuid::new_v4()), "0", "").await.status, 404);
    assert_eq!(dav.req("MKCOL", &dav.home, &[], "").await.status, 405);
    assert_eq!(dav.req("PROPPATCH", &book, &[], "").await.status, 405);
    // Unsupported methods are 405 with Allow wherever they are sent (litmus starts with MKCOL).
    for (m, path) in [("MKCOL", format!("{book}litmus/")), ("COPY", format!("{book}x.vcf")), ("LOCK", book.clone())] {
        let a = dav.req(m, &path, &[], "").await;
        assert_eq!(a.status, 405, "{m} {path}");
        let allow = a.headers.get("allow").and_then(|v| v.to_str().ok()).unwrap_or("");
        assert!(allow.contains("PROPFIND") && !allow.contains(m), "{m}: {allow}");
    }
}

#[tokio::test]
async fn get_put_delete_with_etags_preconditions_and_names_chosen_by_the_client() {
    let app = TestApp::start().await;
    let adele = app.as_user(ADELE).await;
    let list = adele.create_list("Crew").await;
    let dav = Dav::new(&app, &adele, ADELE).await;
    let book = dav.book(&list);
    let href = format!("{book}my%20card.vcf");

    let a = dav.put(&href, &card("Zoé Martin", "EMAIL:zoe@x.example\r\n"), &[("if-none-match", "*")]).await;
    assert_eq!(a.status, 201, "{}", a.body);
    assert_eq!(a.headers["etag"], "\"1\"");
    let a = dav.put(&href, &card("Zoé Martin", ""), &[("if-none-match", "*")]).await;
    assert_eq!(a.status, 412, "exists already");
    let a = dav.put(&href, &card("Zoé Martin", ""), &[("if-match", "\"7\"")]).await;
    assert_eq!(a.status, 412, "wrong etag");
    let a = dav.put(&format!("{book}other.vcf"), &card("Nobody", ""), &[("if-match", "*")]).await;
    assert_eq!(a.status, 412, "If-Match on a missing card");
    let a = dav.put(&href, &card("Zoé Martin-Dupont", "EMAIL:zoe@x.example\r\n"), &[("if-match", "\"1\"")]).await;
    assert_eq!(a.status, 204, "{}", a.body);
    assert_eq!(a.headers["etag"], "\"2\"");

    // The name the client chose is kept; the contact is an ordinary contact of the list.
    let a = dav.propfind(&book, "1", "<d:getetag/>").await;
    assert!(hrefs(&a.body).contains(&href), "{}", a.body);
    let names = adele.names(&list, "").await;
    assert_eq!(names, vec!["Zoé Martin-Dupont"]);

    let a = dav.req("GET", &href, &[], "").await;
    assert_eq!(a.status, 200);
    assert_eq!(a.headers["etag"], "\"2\"");
    assert!(a.headers["content-type"].to_str().unwrap().starts_with("text/vcard"));
    assert!(a.body.contains("VERSION:3.0\r\n") && a.body.contains("FN:Zoé Martin-Dupont\r\n"), "{}", a.body);
    assert!(a.body.contains("EMAIL:zoe@x.example\r\n"), "{}", a.body);
    let a = dav.req("GET", &href, &[("accept", "text/vcard; version=4.0")], "").await;
    assert!(a.body.contains("VERSION:4.0\r\n"), "{}", a.body);
    assert_eq!(dav.req("GET", &format!("{book}missing.vcf"), &[], "").await.status, 404);

    // Bad cards: a clear 4xx naming the property.
    let a = dav.put(&format!("{book}bad.vcf"), "hello", &[]).await;
    assert_eq!(a.status, 422, "{}", a.body);
    let long = card(&"x".repeat(300), "");
    let a = dav.put(&format!("{book}bad.vcf"), &long, &[]).await;
    assert_eq!(a.status, 422, "{}", a.body);
    assert!(a.body.contains("FN"), "{}", a.body);
    let a = dav.req("PUT", &format!("{book}bad.vcf"), &[("content-type", "application/json")], "{}").await;
    assert_eq!(a.status, 415);

    assert_eq!(dav.req("DELETE", &href, &[("if-match", "\"1\"")], "").await.status, 412);
    assert_eq!(dav.req("DELETE", &href, &[("if-match", "\"2\"")], "").await.status, 204);
    assert_eq!(dav.req("GET", &href, &[], "").await.status, 404);
    assert_eq!(dav.req("DELETE", &href, &[], "").await.status, 404);
    // In the list's trash, restorable.
    let (s, v) = adele.get(&format!("/api/v1/lists/{list}/trash")).await;
    assert_eq!(s, 200);
    assert_eq!(v["items"][0]["full_name"], "Zoé Martin-Dupont", "{v}");
    // Purged: its name is free again for a new card.
    let id = v["items"][0]["id"].as_str().unwrap().to_owned();
    assert_eq!(adele.delete(&format!("/api/v1/lists/{list}/trash/{id}")).await.0, 204);
    let a = dav.put(&href, &card("Someone Else", ""), &[("if-none-match", "*")]).await;
    assert_eq!(a.status, 201, "{}", a.body);
    assert_eq!(dav.req("GET", &href, &[], "").await.body.matches("FN:Someone Else").count(), 1);
}

#[tokio::test]
async fn the_lists_permissions_apply_and_are_advertised() {
    let app = TestApp::start().await;
    let adele = app.as_user(ADELE).await;
    let list = adele.create_list("Suppliers").await;
    let (s, v) = adele
        .patch(
            &format!("/api/v1/lists/{list}"),
            &json!({"permissions": {"mode": "custom", "members": [{"oid": "megan", "add": true}]}}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    let id =
        adele.create_contact(&list, json!({"full_name": "Clément Laurent"})).await["id"].as_str().unwrap().to_owned();
    let megan = app.as_user(MEGAN).await;
    let dav = Dav::new(&app, &megan, MEGAN).await;
    let book = dav.book(&list);
    let existing = format!("{book}{id}.vcf");

    let a = dav.propfind(&book, "0", "<d:current-user-privilege-set/>").await;
    assert!(a.body.contains("<d:bind/>"), "{}", a.body);
    for p in ["write-content", "unbind", "write"] {
        assert!(!a.body.contains(&format!("<d:{p}/>")), "{p}: {}", a.body);
    }
    // Add-only: a new card 201, changing one 403, deleting one 403, each naming the privilege.
    assert_eq!(dav.put(&format!("{book}new.vcf"), &card("New One", ""), &[]).await.status, 201);
    let a = dav.put(&existing, &card("Changed", ""), &[]).await;
    assert_eq!(a.status, 403);
    assert!(a.body.contains("<d:need-privileges>") && a.body.contains("<d:write-content/>"), "{}", a.body);
    let a = dav.req("DELETE", &existing, &[], "").await;
    assert_eq!(a.status, 403);
    assert!(a.body.contains("<d:unbind/>"), "{}", a.body);
    assert_eq!(dav.req("GET", &existing, &[], "").await.status, 200, "reading is allowed");

    // A member with no rights at all: a read-only book.
    let alex = app.as_user(ALEX).await;
    let ro = Dav::new(&app, &alex, ALEX).await;
    let book = ro.book(&list);
    let a = ro.propfind(&book, "0", "<d:current-user-privilege-set/>").await;
    assert!(a.body.contains("<d:read/>"), "{}", a.body);
    for p in ["write-content", "bind", "unbind", "write"] {
        assert!(!a.body.contains(&format!("<d:{p}/>")), "{p}: {}", a.body);
    }
    let a = ro.put(&format!("{book}x.vcf"), &card("X", ""), &[]).await;
    assert_eq!(a.status, 403);
    assert!(a.body.contains("<d:bind/>"), "{}", a.body);
    let (_, c) = adele.get(&format!("/api/v1/lists/{list}/contacts/{id}")).await;
    assert_eq!((c["full_name"].as_str(), c["version"].as_u64()), (Some("Clément Laurent"), Some(1)));
}

#[tokio::test]
async fn another_organizations_user_sees_no_books_and_reaches_none() {
    let app = TestApp::start().await;
    let adele = app.as_user(ADELE).await;
    let list = adele.create_list("Contoso only").await;
    let id =
        adele.create_contact(&list, json!({"full_name": "Secret Person"})).await["id"].as_str().unwrap().to_owned();
    let nestor = app.as_user(NESTOR).await;
    let dav = Dav::new(&app, &nestor, NESTOR).await;
    let a = dav.propfind(&dav.home, "1", "<d:displayname/>").await;
    assert_eq!(a.status, 207);
    assert_eq!(hrefs(&a.body), vec![dav.home.clone()], "{}", a.body);
    assert!(!a.body.contains("Contoso only"));
    let a = dav.req("GET", &format!("{}{id}.vcf", dav.book(&list)), &[], "").await;
    assert_eq!(a.status, 404);
    assert_eq!(dav.propfind(&dav.book(&list), "1", "").await.status, 404);
    assert_eq!(dav.propfind(&format!("/dav/books/adele/{list}/"), "1", "").await.status, 404);
    assert_eq!(dav.sync(&list, "").await.status, 404);
    assert_eq!(dav.put(&format!("{}x.vcf", dav.book(&list)), &card("X", ""), &[]).await.status, 404);
}

#[tokio::test]
async fn properties_contactpro_does_not_model_survive_a_round_trip_and_a_web_edit() {
    let app = TestApp::start().await;
    let adele = app.as_user(ADELE).await;
    let list = adele.create_list("Crew").await;
    let crew = adele.create_group(&list, "Crew").await;
    let dav = Dav::new(&app, &adele, ADELE).await;
    let href = format!("{}phone-1.vcf", dav.book(&list));
    let extra = "ORG:Contoso\r\nTEL;TYPE=CELL:+33 6 12 34 56 78\r\nTEL;TYPE=HOME:+33 1 23 45 67 89\r\nTEL;TYPE=FAX:+33 1 00 00 00 01\r\nEMAIL;TYPE=WORK:zoe@contoso.example\r\nEMAIL;TYPE=HOME:zoe@home.example\r\nBDAY:1990-04-01\r\nPHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8UHRo\r\n fHh0aHBwgJC4nICIsIxwcKDcpLDAxNDQ0Hyc5PTgyPC4zNDL/2wBDAQkJCQwLDBgNDRgyIRwhMjIy\r\nX-CUSTOM-THING;X-PARAM=\"a;b\":value\\, with comma\r\nitem1.URL:https://blog.example\r\nitem1.X-ABLabel:blog\r\nCATEGORIES:Crew,Climbers\r\n";
    let a = dav.put(&href, &card("Zoé Martin", extra), &[]).await;
    assert_eq!(a.status, 201, "{}", a.body);
    let (_, page) = adele.get(&format!("/api/v1/lists/{list}/contacts")).await;
    let c = &page["items"][0];
    assert_eq!(c["company"], "Contoso");
    assert_eq!(c["mobile"], "+33 6 12 34 56 78");
    assert_eq!(c["email"], "zoe@contoso.example");
    assert_eq!(c["groups"], json!([crew]), "{c}");
    let id = c["id"].as_str().unwrap().to_owned();

    let keep = [
        "TEL;TYPE=FAX:+33 1 00 00 00 01",
        "EMAIL;TYPE=HOME:zoe@home.example",
        "BDAY:1990-04-01",
        "X-CUSTOM-THING;X-PARAM=\"a;b\":value\\, with comma",
        "CATEGORIES:Climbers",
        "ORG:Contoso",
        "CATEGORIES:Crew",
    ];
    let check = |body: &str| {
        let unfolded = body.replace("\r\n ", "");
        for k in keep {
            assert!(unfolded.contains(&format!("{k}\r\n")), "{k} missing from\n{unfolded}");
        }
        assert!(unfolded.contains("PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQ"), "{unfolded}");
        assert!(
            unfolded.contains("TEL;TYPE=HOME:+33 1 23 45 67 89") || unfolded.contains("+33 1 23 45 67 89"),
            "{unfolded}"
        );
        assert_eq!(unfolded.matches("zoe@contoso.example").count(), 1, "no duplicate of a mapped value: {unfolded}");
    };
    let a = dav.req("GET", &href, &[], "").await;
    check(&a.body);
    // An edit in the web app keeps them.
    let (s, v) = adele.patch(&format!("/api/v1/lists/{list}/contacts/{id}"), &json!({"job_title": "Captain"})).await;
    assert_eq!(s, 200, "{v}");
    let a = dav.req("GET", &href, &[], "").await;
    check(&a.body);
    assert!(a.body.contains("TITLE:Captain\r\n"), "{}", a.body);
    assert_eq!(a.headers["etag"], "\"2\"");
    // And what a phone sends back (the card as read) changes nothing but what it changes.
    let again = a.body.replace("TITLE:Captain", "TITLE:Admiral");
    assert_eq!(dav.put(&href, &again, &[("if-match", "\"2\"")]).await.status, 204);
    let a = dav.req("GET", &href, &[], "").await;
    check(&a.body);
    assert!(a.body.contains("TITLE:Admiral\r\n"), "{}", a.body);
    assert_eq!(a.body.matches("BDAY").count(), 1, "{}", a.body);
}

#[tokio::test]
async fn multiget_and_query_reports() {
    let app = TestApp::start().await;
    let adele = app.as_user(ADELE).await;
    let list = adele.create_list("Crew").await;
    let a_id = adele
        .create_contact(
            &list,
            json!({"full_name": "Clément Laurent", "email": "clement@contoso.example", "company": "Contoso"}),
        )
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let b_id = adele
        .create_contact(&list, json!({"full_name": "Zoé Martin", "mobile": "+33 6 11 22 33 44", "company": "Fabrikam"}))
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let dav = Dav::new(&app, &adele, ADELE).await;
    let book = dav.book(&list);
    let body = format!(
        r#"<card:addressbook-multiget xmlns:d="DAV:" xmlns:card="urn:ietf:params:xml:ns:carddav"><d:prop><d:getetag/><card:address-data/></d:prop><d:href>{book}{a_id}.vcf</d:href><d:href>{}{book}{b_id}.vcf</d:href><d:href>{book}missing.vcf</d:href></card:addressbook-multiget>"#,
        app.url
    );
    let a = dav.req("REPORT", &book, &[("content-type", "application/xml")], &body).await;
    assert_eq!(a.status, 207, "{}", a.body);
    assert!(a.body.contains("FN:Clément Laurent") && a.body.contains("FN:Zoé Martin"), "{}", a.body);
    assert!(
        a.body.contains(&format!("<d:href>{book}missing.vcf</d:href><d:status>HTTP/1.1 404 Not Found")),
        "{}",
        a.body
    );

    let query = |filter: &str| {
        format!(
            r#"<card:addressbook-query xmlns:d="DAV:" xmlns:card="urn:ietf:params:xml:ns:carddav"><d:prop><d:getetag/></d:prop><card:filter{filter}</card:filter></card:addressbook-query>"#
        )
    };
    let names = |xml: &str| hrefs(xml).into_iter().filter(|h| h.ends_with(".vcf")).collect::<Vec<_>>();
    let q = query(r#"><card:prop-filter name="FN"><card:text-match>zoé</card:text-match></card:prop-filter>"#);
    let a = dav.req("REPORT", &book, &[], &q).await;
    assert_eq!(names(&a.body), vec![format!("{book}{b_id}.vcf")], "{}", a.body);
    let q = query(
        r#"><card:prop-filter name="EMAIL"><card:text-match match-type="ends-with">@contoso.example</card:text-match></card:prop-filter>"#,
    );
    assert_eq!(names(&dav.req("REPORT", &book, &[], &q).await.body), vec![format!("{book}{a_id}.vcf")]);
    let q = query(r#"><card:prop-filter name="TEL"><card:text-match>11 22</card:text-match></card:prop-filter>"#);
    assert_eq!(names(&dav.req("REPORT", &book, &[], &q).await.body), vec![format!("{book}{b_id}.vcf")]);
    let q = query(
        r#" test="anyof"><card:prop-filter name="ORG"><card:text-match>fabrikam</card:text-match></card:prop-filter><card:prop-filter name="ORG"><card:text-match>contoso</card:text-match></card:prop-filter>"#,
    );
    assert_eq!(names(&dav.req("REPORT", &book, &[], &q).await.body).len(), 2);
    let q = query(
        r#" test="allof"><card:prop-filter name="ORG"><card:text-match>fabrikam</card:text-match></card:prop-filter><card:prop-filter name="ORG"><card:text-match>contoso</card:text-match></card:prop-filter>"#,
    );
    assert!(names(&dav.req("REPORT", &book, &[], &q).await.body).is_empty());
    let q = query(
        r#"><card:prop-filter name="FN"><card:text-match match-type="fuzzy">x</card:text-match></card:prop-filter>"#,
    );
    let a = dav.req("REPORT", &book, &[], &q).await;
    assert_eq!(a.status, 400);
    assert!(a.body.contains("fuzzy"), "{}", a.body);
    let a = dav.req("REPORT", &book, &[], r#"<d:expand-property xmlns:d="DAV:"/>"#).await;
    assert_eq!(a.status, 400);
}

#[tokio::test]
async fn sync_collection_initial_incremental_deletions_and_bad_tokens() {
    let app = TestApp::start().await;
    let adele = app.as_user(ADELE).await;
    let list = adele.create_list("Crew").await;
    let other = adele.create_list("Other").await;
    let a_id = adele.create_contact(&list, json!({"full_name": "A"})).await["id"].as_str().unwrap().to_owned();
    let b_id = adele.create_contact(&list, json!({"full_name": "B"})).await["id"].as_str().unwrap().to_owned();
    let dav = Dav::new(&app, &adele, ADELE).await;
    let book = dav.book(&list);

    let a = dav.sync(&list, "").await;
    assert_eq!(a.status, 207, "{}", a.body);
    let mut got: Vec<String> = hrefs(&a.body);
    got.sort();
    let mut want = vec![format!("{book}{a_id}.vcf"), format!("{book}{b_id}.vcf")];
    want.sort();
    assert_eq!(got, want, "{}", a.body);
    let token = between(&a.body, "sync-token").unwrap().to_owned();
    assert_eq!(token, format!("urn:contactpro:list:{list}/sync/2"));

    // Nothing changed: nothing listed, same token.
    let a = dav.sync(&list, &token).await;
    assert_eq!(a.status, 207);
    assert!(hrefs(&a.body).is_empty(), "{}", a.body);
    assert_eq!(between(&a.body, "sync-token").unwrap(), token);

    let (s, _) = adele.patch(&format!("/api/v1/lists/{list}/contacts/{a_id}"), &json!({"job_title": "Boss"})).await;
    assert_eq!(s, 200);
    assert_eq!(adele.delete(&format!("/api/v1/lists/{list}/contacts/{b_id}")).await.0, 204);
    let c_href = format!("{book}from-phone.vcf");
    assert_eq!(dav.put(&c_href, &card("C", ""), &[]).await.status, 201);
    let a = dav.sync(&list, &token).await;
    assert_eq!(a.status, 207);
    assert!(
        a.body.contains(&format!("<d:href>{book}{a_id}.vcf</d:href><d:propstat><d:prop><d:getetag>&quot;2&quot;")),
        "{}",
        a.body
    );
    assert!(
        a.body.contains(&format!("<d:href>{book}{b_id}.vcf</d:href><d:status>HTTP/1.1 404 Not Found")),
        "{}",
        a.body
    );
    assert!(a.body.contains(&format!("<d:href>{c_href}</d:href><d:propstat>")), "{}", a.body);
    let token2 = between(&a.body, "sync-token").unwrap().to_owned();
    assert_eq!(token2, format!("urn:contactpro:list:{list}/sync/5"));
    // A card the client named is reported deleted under its name.
    assert_eq!(dav.req("DELETE", &c_href, &[], "").await.status, 204);
    let a = dav.sync(&list, &token2).await;
    assert!(a.body.contains(&format!("<d:href>{c_href}</d:href><d:status>HTTP/1.1 404 Not Found")), "{}", a.body);

    // Bad tokens: garbage, another list's, one from the future.
    for bad in [
        "garbage".to_owned(),
        format!("urn:contactpro:list:{other}/sync/1"),
        format!("urn:contactpro:list:{list}/sync/999"),
    ] {
        let a = dav.sync(&list, &bad).await;
        assert_eq!(a.status, 403, "{bad}");
        assert!(a.body.contains("<d:valid-sync-token/>"), "{}", a.body);
    }
}

/// One sync-collection with `DAV:limit`: (the cards listed, whether it was cut short, the token).
async fn sync_limited(dav: &Dav, list: &str, token: &str, n: usize) -> (Vec<String>, bool, String) {
    let body = format!(
        r#"<?xml version="1.0"?><d:sync-collection xmlns:d="DAV:"><d:sync-token>{token}</d:sync-token><d:sync-level>1</d:sync-level><d:limit><d:nresults>{n}</d:nresults></d:limit><d:prop><d:getetag/></d:prop></d:sync-collection>"#
    );
    let a = dav.req("REPORT", &dav.book(list), &[("content-type", "application/xml")], &body).await;
    assert_eq!(a.status, 207, "{}", a.body);
    let cut = format!(
        "<d:href>{}</d:href><d:status>HTTP/1.1 507 Insufficient Storage</d:status><d:error><d:number-of-matches-within-limits/>",
        dav.book(list)
    );
    let cards: Vec<String> = hrefs(&a.body).into_iter().filter(|h| h.ends_with(".vcf")).collect();
    assert!(cards.len() <= n, "{} cards over a limit of {n}: {}", cards.len(), a.body);
    (cards, a.body.contains(&cut), between(&a.body, "sync-token").unwrap().to_owned())
}

#[tokio::test]
async fn sync_collection_honours_the_clients_limit_and_goes_on_from_where_it_stopped() {
    let app = TestApp::start().await;
    let adele = app.as_user(ADELE).await;
    let list = adele.create_list("Crew").await;
    let mut ids = Vec::new();
    for n in ["A", "B", "C", "D", "E"] {
        ids.push(adele.create_contact(&list, json!({"full_name": n})).await["id"].as_str().unwrap().to_owned());
    }
    let dav = Dav::new(&app, &adele, ADELE).await;
    let book = dav.book(&list);

    // A full listing, 2 at a time: 507 on the book while cards remain, then a plain token.
    let (mut all, mut token, mut pages) = (Vec::new(), String::new(), 0);
    loop {
        let (cards, cut, next) = sync_limited(&dav, &list, &token, 2).await;
        pages += 1;
        all.extend(cards);
        token = next;
        if !cut {
            break;
        }
        assert!(token.contains("/after/"), "{token}");
        assert!(pages < 10, "the listing never ends");
    }
    assert_eq!(pages, 3);
    let mut want: Vec<String> = ids.iter().map(|id| format!("{book}{id}.vcf")).collect();
    want.sort();
    all.sort();
    assert_eq!(all, want);
    assert_eq!(token, format!("urn:contactpro:list:{list}/sync/5"));

    // A change made while a listing was being read comes with the next sync.
    let (first, cut, mid) = sync_limited(&dav, &list, "", 3).await;
    assert!(cut && first.len() == 3);
    let (s, _) = adele.patch(&format!("/api/v1/lists/{list}/contacts/{}", ids[0]), &json!({"job_title": "Boss"})).await;
    assert_eq!(s, 200);
    let (rest, cut, end) = sync_limited(&dav, &list, &mid, 3).await;
    assert!(!cut && rest.len() == 2, "{rest:?}");
    let (changed, _, _) = sync_limited(&dav, &list, &end, 10).await;
    assert_eq!(changed, vec![format!("{book}{}.vcf", ids[0])]);

    // Changes since a token, 2 at a time: three contacts changed (one twice), one deleted; each
    // answer stops before the change that would name a third contact.
    for (i, title) in [(1, "X"), (2, "Y"), (1, "Z"), (3, "W")] {
        let (s, _) =
            adele.patch(&format!("/api/v1/lists/{list}/contacts/{}", ids[i]), &json!({"job_title": title})).await;
        assert_eq!(s, 200);
    }
    assert_eq!(adele.delete(&format!("/api/v1/lists/{list}/contacts/{}", ids[4])).await.0, 204);
    let (a, cut, t1) = sync_limited(&dav, &list, &token, 2).await;
    assert!(cut, "{a:?}");
    assert_eq!(a, vec![format!("{book}{}.vcf", ids[0]), format!("{book}{}.vcf", ids[1])]);
    let (b, cut, t2) = sync_limited(&dav, &list, &t1, 2).await;
    assert!(cut, "{b:?}");
    // ids[1] changed again after the first answer's cut: it is listed again.
    assert_eq!(b, vec![format!("{book}{}.vcf", ids[2]), format!("{book}{}.vcf", ids[1])]);
    let (c, cut, t3) = sync_limited(&dav, &list, &t2, 2).await;
    assert!(!cut, "{c:?}");
    assert_eq!(c, vec![format!("{book}{}.vcf", ids[3]), format!("{book}{}.vcf", ids[4])]);
    let (none, cut, t4) = sync_limited(&dav, &list, &t3, 2).await;
    assert!(none.is_empty() && !cut && t4 == t3);

    // A limit of 0 would never end: 400.
    let body = r#"<d:sync-collection xmlns:d="DAV:"><d:sync-token/><d:limit><d:nresults>0</d:nresults></d:limit><d:prop><d:getetag/></d:prop></d:sync-collection>"#;
    assert_eq!(dav.req("REPORT", &book, &[], body).await.status, 400);
}

#[tokio::test]
async fn a_failing_client_is_limited_on_dav_too() {
    let app = TestApp::start_with(|c| c.api_keys.rate_limit_per_minute = 5).await;
    let adele = app.as_user(ADELE).await;
    let dav = Dav::new(&app, &adele, ADELE).await;
    let forged = Dav { pass: format!("cpa_{}_{CONTOSO}_{}", "0".repeat(32), "1".repeat(64)), ..dav_clone(&dav) };
    let mut statuses = Vec::new();
    for _ in 0..7 {
        statuses.push(forged.propfind("/dav/", "0", "").await.status);
    }
    assert_eq!(statuses, vec![401, 401, 401, 401, 401, 429, 429]);
    let _: Value = json!(null);
}

/// Forged app passwords (random organizations and MACs) are refused in memory: no database is
/// created, opened or evicted.
#[tokio::test]
async fn forged_app_passwords_touch_no_storage() {
    let app = TestApp::start_with(|c| {
        c.storage.max_open_orgs = 2;
        c.api_keys.rate_limit_per_minute = 100_000;
    })
    .await;
    let adele = app.as_user(ADELE).await;
    let dav = Dav::new(&app, &adele, ADELE).await;
    let files = app.orgs_on_disk();
    let peak = app.state.registry.peak_open();
    for _ in 0..300 {
        let org = uuid::Uuid::new_v4();
        let forged = Dav {
            pass: format!("cpa_{}_{org}_{}", uuid::Uuid::new_v4().simple(), hex::encode(rand::random::<[u8; 32]>())),
            ..dav_clone(&dav)
        };
        let s = forged.propfind("/dav/", "0", "").await.status;
        assert!(s == 401 || s == 429, "{s}");
    }
    assert_eq!(app.orgs_on_disk(), files);
    assert_eq!(app.state.registry.peak_open(), peak);
    // The address that kept failing is refused for the rest of the minute, genuine password or not.
    assert_eq!(dav.propfind("/dav/", "0", "").await.status, 429);
}
