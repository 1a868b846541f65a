//! Issue 13 over HTTP: the change log (one entry per write, pollers, compaction), trash and
//! restore of contacts, groups and lists, history and revert, undo of an import, live events.

mod common;
use common::*;
use contactpro::clock::Clock;
use contactpro::model::Timestamp;
use reqwest::Method;
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

struct TestClock(AtomicI64);

impl Clock for TestClock {
    fn now(&self) -> Timestamp {
        Timestamp(self.0.load(Ordering::SeqCst))
    }
}

const DAY_MS: i64 = 86_400_000;

async fn changes(c: &Client, list: &str, since: u64) -> Value {
    let (s, v) = c.get(&format!("/api/v1/lists/{list}/changes?since={since}")).await;
    assert_eq!(s, 200, "{v}");
    v
}

fn kinds(v: &Value) -> Vec<String> {
    v["items"].as_array().unwrap().iter().map(|i| i["kind"].as_str().unwrap().to_owned()).collect()
}

async fn import(c: &Client, list: &str, csv: &str, query: &str) -> Value {
    let r = c
        .request(Method::POST, &format!("/api/v1/lists/{list}/imports?{query}"))
        .header("content-type", "text/csv")
        .body(csv.to_owned());
    let (s, job) = c.send(r).await;
    assert_eq!(s, 202, "{job}");
    let id = job["id"].as_str().unwrap().to_owned();
    for _ in 0..600 {
        let (s, v) = c.get(&format!("/api/v1/jobs/{id}")).await;
        assert_eq!(s, 200, "{v}");
        if v["status"] == "succeeded" || v["status"] == "failed" {
            assert_eq!(v["status"], "succeeded", "{v}");
            return v;
        }
        tokio::time::sleep(Duration::from_millis(30)).await;
    }
    panic!("job did not finish");
}

/// Every kind of write appends exactly one change per thing it changed, in order, with who and
/// what; pollers page with `since`/`next`; API keys read their own list's feed only.
#[tokio::test]
async fn every_write_appends_its_change_and_pollers_page_through_them() {
    let app = TestApp::start().await;
    let a = app.as_user(ADELE).await;
    let list = a.create_list("Suppliers").await;
    assert_eq!(changes(&a, &list, 0).await, json!({"items": [], "next": 0}));

    let c = a.create_contact(&list, json!({"full_name": "Clément Laurent"})).await;
    let id = c["id"].as_str().unwrap().to_owned();
    let (s, _) = a.patch(&format!("/api/v1/lists/{list}/contacts/{id}"), &json!({"mobile": "+33 6 15 88 26 17"})).await;
    assert_eq!(s, 200);
    let g = a.create_group(&list, "Drivers").await;
    let (s, _) =
        a.patch(&format!("/api/v1/lists/{list}/groups/{g}"), &json!({"name": "Crew", "add_members": [id]})).await;
    assert_eq!(s, 200);
    let (s, _) = a.delete(&format!("/api/v1/lists/{list}/groups/{g}")).await;
    assert_eq!(s, 204);
    let (s, _) = a.patch(&format!("/api/v1/lists/{list}"), &json!({"name": "Suppliers 2026"})).await;
    assert_eq!(s, 200);
    let (s, _) = a.delete(&format!("/api/v1/lists/{list}/contacts/{id}")).await;
    assert_eq!(s, 204);
    let (s, _) = a.post(&format!("/api/v1/lists/{list}/trash/{id}/restore"), &json!({})).await;
    assert_eq!(s, 200);
    import(&a, &list, "Full Name,Groups\nAnn Imported,Vendors\n", "").await;

    let all = changes(&a, &list, 0).await;
    assert_eq!(
        kinds(&all),
        [
            "contact.created",
            "contact.updated",
            "group.created",
            "group.updated",
            "contact.updated",
            "group.deleted",
            "contact.updated",
            "list.updated",
            "contact.deleted",
            "contact.restored",
            "group.created",
            "contact.created",
        ]
    );
    let items = all["items"].as_array().unwrap();
    let seqs: Vec<u64> = items.iter().map(|i| i["seq"].as_u64().unwrap()).collect();
    assert_eq!(seqs, (1..=12).collect::<Vec<_>>());
    assert_eq!(all["next"], 12);
    assert_eq!(items[0]["id"], id.as_str());
    assert_eq!(items[0]["name"], "Clément Laurent");
    assert_eq!(items[0]["by"]["name"], "Adèle Vance");
    assert_eq!(items[2]["name"], "Drivers");
    assert_eq!(items[3]["name"], "Crew");
    assert_eq!(items[7]["name"], "Suppliers 2026");
    assert_eq!(items[11]["name"], "Ann Imported");

    // Paging: limit and next; nothing new after the head.
    let (s, p) = a.get(&format!("/api/v1/lists/{list}/changes?since=3&limit=2")).await;
    assert_eq!(s, 200);
    assert_eq!(p["items"].as_array().unwrap().iter().map(|i| i["seq"].as_u64().unwrap()).collect::<Vec<_>>(), [4, 5]);
    assert_eq!(p["next"], 5);
    assert_eq!(changes(&a, &list, 12).await, json!({"items": [], "next": 12}));
    for bad in ["since=-1", "since=x", "limit=0", "limit=1001"] {
        let (s, v) = a.get(&format!("/api/v1/lists/{list}/changes?{bad}")).await;
        assert_eq!(s, 422, "{bad}: {v}");
    }

    // The list's API key reads the feed; another list's key is told the list does not exist.
    let (_, k) = a.post(&format!("/api/v1/lists/{list}/api-keys"), &json!({"name": "flow"})).await;
    let key = app.with_key(k["secret"].as_str().unwrap());
    assert_eq!(kinds(&changes(&key, &list, 11).await), ["contact.created"]);
    let other = a.create_list("Other").await;
    let (s, _) = key.get(&format!("/api/v1/lists/{other}/changes")).await;
    assert_eq!(s, 404);
    // Each list has its own sequence; another organization sees nothing.
    assert_eq!(changes(&a, &other, 0).await["items"], json!([]));
    let (s, _) = app.as_user(NESTOR).await.get(&format!("/api/v1/lists/{list}/changes")).await;
    assert_eq!(s, 404);
}

/// Delete moves to the trash; restore gives the same id back with the groups that still exist;
/// purge is for owners; a member without the Delete right sees no trash.
#[tokio::test]
async fn trash_restore_and_purge_with_their_permissions() {
    let app = TestApp::start().await;
    let a = app.as_user(ADELE).await;
    let m = app.as_user(MEGAN).await;
    let list = a.create_list("Crew").await;
    let keep = a.create_group(&list, "Keep").await;
    let gone = a.create_group(&list, "Gone").await;
    let c = a
        .create_contact(
            &list,
            json!({"full_name": "Nestor Wilke", "email": "nestor@contoso.example", "groups": [keep, gone]}),
        )
        .await;
    let id = c["id"].as_str().unwrap().to_owned();
    let (s, _) = a.delete(&format!("/api/v1/lists/{list}/contacts/{id}")).await;
    assert_eq!(s, 204);
    let (s, _) = a.get(&format!("/api/v1/lists/{list}/contacts/{id}")).await;
    assert_eq!(s, 404, "a trashed contact is not a contact");
    assert_eq!(a.names(&list, "").await, Vec::<String>::new());
    let (s, t) = a.get(&format!("/api/v1/lists/{list}/trash")).await;
    assert_eq!(s, 200, "{t}");
    assert_eq!(t["total"], 1);
    assert_eq!(t["items"][0]["id"], id.as_str());
    assert_eq!(t["items"][0]["full_name"], "Nestor Wilke");
    assert_eq!(t["items"][0]["deleted_by"]["name"], "Adèle Vance");
    assert!(t["items"][0]["deleted_at"].is_string());

    let (s, _) = a.delete(&format!("/api/v1/lists/{list}/groups/{gone}")).await;
    assert_eq!(s, 204);
    let (s, r) = a.post(&format!("/api/v1/lists/{list}/trash/{id}/restore"), &json!({})).await;
    assert_eq!(s, 200, "{r}");
    assert_eq!(r["id"], id.as_str());
    assert_eq!(r["email"], "nestor@contoso.example");
    assert_eq!(r["groups"], json!([keep]), "only the groups that still exist");
    assert_eq!(r["version"], 3, "created 1, deleted 2, restored 3");
    assert_eq!(a.names(&list, "q=nestor").await, ["Nestor Wilke"]);
    let (s, _) = a.post(&format!("/api/v1/lists/{list}/trash/{id}/restore"), &json!({})).await;
    assert_eq!(s, 404, "not in the trash any more");

    // Default permissions let members delete but not purge.
    let (s, _) = m.delete(&format!("/api/v1/lists/{list}/contacts/{id}")).await;
    assert_eq!(s, 204);
    let (s, v) = m.delete(&format!("/api/v1/lists/{list}/trash/{id}")).await;
    assert_eq!(s, 403, "{v}");
    let (s, _) = a.delete(&format!("/api/v1/lists/{list}/trash/{id}")).await;
    assert_eq!(s, 204);
    let (s, t) = a.get(&format!("/api/v1/lists/{list}/trash")).await;
    assert_eq!((s.as_u16(), t["total"].as_u64()), (200, Some(0)));
    let (s, _) = a.get(&format!("/api/v1/lists/{list}/contacts/{id}/history")).await;
    assert_eq!(s, 404, "a purged contact leaves no history");

    // Members without the Delete right see no trash and restore nothing.
    let (s, _) =
        a.patch(&format!("/api/v1/lists/{list}"), &json!({"permissions": {"mode": "custom", "members": []}})).await;
    assert_eq!(s, 200);
    let (s, _) = m.get(&format!("/api/v1/lists/{list}/trash")).await;
    assert_eq!(s, 403);
    // Another organization: 404 everywhere.
    let n = app.as_user(NESTOR).await;
    let (s, _) = n.get(&format!("/api/v1/lists/{list}/trash")).await;
    assert_eq!(s, 404);
}

/// A deleted group comes back with its id, name and members; a deleted list with everything in
/// it, for its owners only.
#[tokio::test]
async fn groups_and_lists_come_back() {
    let app = TestApp::start().await;
    let a = app.as_user(ADELE).await;
    let m = app.as_user(MEGAN).await;
    let list = a.create_list("Drivers").await;
    let g = a.create_group(&list, "Night").await;
    let c = a.create_contact(&list, json!({"full_name": "Alex Wilber", "groups": [g]})).await;
    let id = c["id"].as_str().unwrap();
    let (s, _) = a.delete(&format!("/api/v1/lists/{list}/groups/{g}")).await;
    assert_eq!(s, 204);
    let (_, c2) = a.get(&format!("/api/v1/lists/{list}/contacts/{id}")).await;
    assert_eq!(c2["groups"], json!([]));
    let (s, r) = a.post(&format!("/api/v1/lists/{list}/groups/{g}/restore"), &json!({})).await;
    assert_eq!(s, 200, "{r}");
    assert_eq!((r["id"].as_str(), r["name"].as_str()), (Some(g.as_str()), Some("Night")));
    let (_, c3) = a.get(&format!("/api/v1/lists/{list}/contacts/{id}")).await;
    assert_eq!(c3["groups"], json!([g]));
    let (_, gv) = a.get(&format!("/api/v1/lists/{list}/groups/{g}")).await;
    assert_eq!(gv["member_count"], 1);
    let (s, _) = a.post(&format!("/api/v1/lists/{list}/groups/{g}/restore"), &json!({})).await;
    assert_eq!(s, 404, "restored once");

    // Lists: a member cannot delete or restore; the owner deletes, sees it in the trash, restores.
    let (s, _) = m.delete(&format!("/api/v1/lists/{list}")).await;
    assert_eq!(s, 403);
    let (s, v) = a.post(&format!("/api/v1/lists/{list}/restore"), &json!({})).await;
    assert_eq!((s.as_u16(), error_code(&v)), (409, "not_deleted"));
    let (s, _) = a.delete(&format!("/api/v1/lists/{list}")).await;
    assert_eq!(s, 204);
    let (_, lists) = a.get("/api/v1/lists").await;
    assert!(lists["items"].as_array().unwrap().iter().all(|l| l["id"] != list.as_str()));
    let (s, _) = a.get(&format!("/api/v1/lists/{list}/contacts")).await;
    assert_eq!(s, 404);
    let (s, t) = a.get("/api/v1/lists/trash").await;
    assert_eq!(s, 200, "{t}");
    assert_eq!(t["items"][0]["id"], list.as_str());
    assert_eq!(t["items"][0]["name"], "Drivers");
    assert_eq!(t["items"][0]["contact_count"], 1);
    let (_, t) = m.get("/api/v1/lists/trash").await;
    assert_eq!(t["items"], json!([]), "only owners see their deleted lists");
    let (s, _) = m.post(&format!("/api/v1/lists/{list}/restore"), &json!({})).await;
    assert_eq!(s, 403);
    let (s, v) = a.post(&format!("/api/v1/lists/{list}/restore"), &json!({})).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["contact_count"], 1);
    assert_eq!(a.names(&list, "q=alex").await, ["Alex Wilber"]);
    let (s, v) = app.as_user(NESTOR).await.post(&format!("/api/v1/lists/{list}/restore"), &json!({})).await;
    assert_eq!(s, 404, "{v}");
}

/// History lists every version with the fields it changed; revert writes an old version as a
/// new one; a trashed contact's history is readable.
#[tokio::test]
async fn history_shows_field_changes_and_revert_brings_a_version_back() {
    let app = TestApp::start().await;
    let a = app.as_user(ADELE).await;
    let x = app.as_user(ALEX).await;
    let list = a.create_list("Sales").await;
    let c = a.create_contact(&list, json!({"full_name": "Clément Laurent", "mobile": "06 15 88 26 17"})).await;
    let id = c["id"].as_str().unwrap();
    let path = format!("/api/v1/lists/{list}/contacts/{id}");
    let (s, _) = x.patch(&path, &json!({"mobile": "06 99 99 99 99", "company": "Tailspin"})).await;
    assert_eq!(s, 200);
    let (s, _) = a.patch(&path, &json!({"address": {"city": "Lyon"}})).await;
    assert_eq!(s, 200);
    let (s, h) = a.get(&format!("{path}/history")).await;
    assert_eq!(s, 200, "{h}");
    let items = h["items"].as_array().unwrap();
    assert_eq!(items.iter().map(|i| i["version"].as_u64().unwrap()).collect::<Vec<_>>(), [3, 2, 1]);
    assert_eq!(items[0]["changes"], json!({"address.city": {"from": "", "to": "Lyon"}}));
    assert_eq!(
        items[1]["changes"],
        json!({"mobile": {"from": "06 15 88 26 17", "to": "06 99 99 99 99"}, "company": {"from": "", "to": "Tailspin"}})
    );
    assert_eq!(items[1]["by"]["name"], "Alex Wilber");
    assert_eq!(items[1]["action"], "updated");
    assert_eq!(items[2]["action"], "created");
    assert_eq!(items[2]["changes"]["full_name"], json!({"from": "", "to": "Clément Laurent"}));

    // Revert to version 1: a new version 4 with version 1's fields.
    let (s, r) = a.post(&format!("{path}/revert"), &json!({"version": 1})).await;
    assert_eq!(s, 200, "{r}");
    assert_eq!(
        (r["version"].as_u64(), r["mobile"].as_str(), r["company"].as_str()),
        (Some(4), Some("06 15 88 26 17"), Some(""))
    );
    assert_eq!(r["address"]["city"], "");
    let (s, v) = a.post(&format!("{path}/revert"), &json!({"version": 99})).await;
    assert_eq!(s, 404, "{v}");
    // With If-Match, a stale revert is refused like a stale PATCH.
    let r = a.request(Method::POST, &format!("{path}/revert")).header("if-match", "\"2\"").json(&json!({"version": 2}));
    let (s, _) = a.send(r).await;
    assert_eq!(s, 412);
    let (s, v) = a.post(&format!("{path}/revert"), &json!({"version": "two"})).await;
    assert_eq!(s, 422, "{v}");

    // The history of a trashed contact is still readable.
    let (s, _) = a.delete(&path).await;
    assert_eq!(s, 204);
    let (s, h) = a.get(&format!("{path}/history")).await;
    assert_eq!(s, 200);
    assert_eq!(h["items"][0]["action"], "deleted");
    assert_eq!(h["items"][0]["version"], 5);
}

/// Undo of an import trashes what it created and gives updated contacts their previous version,
/// leaving (and reporting) what someone changed since; an import is undone once.
#[tokio::test]
async fn undo_an_import() {
    let app = TestApp::start().await;
    let a = app.as_user(ADELE).await;
    let list = a.create_list("Vendors").await;
    let ann =
        a.create_contact(&list, json!({"full_name": "Ann Old", "email": "ann@example.com", "company": "Old Co"})).await;
    let bob =
        a.create_contact(&list, json!({"full_name": "Bob Old", "email": "bob@example.com", "company": "Old Co"})).await;
    let job = import(
        &a,
        &list,
        "Full Name,Email,Company\nAnn New,ann@example.com,New Co\nBob New,bob@example.com,New Co\nCara,cara@example.com,New Co\nDan,dan@example.com,New Co\n",
        "on_duplicate=update",
    )
    .await;
    assert_eq!((job["imported"].as_u64(), job["updated"].as_u64()), (Some(2), Some(2)));
    let jid = job["id"].as_str().unwrap();
    // Someone edits Bob and deletes Dan after the import.
    let bob_path = format!("/api/v1/lists/{list}/contacts/{}", bob["id"].as_str().unwrap());
    let (s, _) = a.patch(&bob_path, &json!({"notes": "called"})).await;
    assert_eq!(s, 200);
    let dan = a.search(&list, "q=dan").await["items"][0]["id"].as_str().unwrap().to_owned();
    let (s, _) = a.delete(&format!("/api/v1/lists/{list}/contacts/{dan}")).await;
    assert_eq!(s, 204);

    // A member without rights may not undo.
    let (s, _) =
        a.patch(&format!("/api/v1/lists/{list}"), &json!({"permissions": {"mode": "custom", "members": []}})).await;
    assert_eq!(s, 200);
    let (s, _) = app.as_user(MEGAN).await.post(&format!("/api/v1/jobs/{jid}/undo"), &json!({})).await;
    assert_eq!(s, 403);

    let (s, r) = a.post(&format!("/api/v1/jobs/{jid}/undo"), &json!({})).await;
    assert_eq!(s, 200, "{r}");
    assert_eq!((r["trashed"].as_u64(), r["reverted"].as_u64()), (Some(1), Some(1)));
    let mut reasons: Vec<String> =
        r["skipped"].as_array().unwrap().iter().map(|v| v["reason"].as_str().unwrap().to_owned()).collect();
    reasons.sort();
    assert_eq!(reasons, ["changed since the import", "deleted since the import"]);
    let (_, a2) = a.get(&format!("/api/v1/lists/{list}/contacts/{}", ann["id"].as_str().unwrap())).await;
    assert_eq!((a2["full_name"].as_str(), a2["company"].as_str()), (Some("Ann Old"), Some("Old Co")));
    let (_, b2) = a.get(&bob_path).await;
    assert_eq!((b2["full_name"].as_str(), b2["notes"].as_str()), (Some("Bob New"), Some("called")), "not touched");
    assert_eq!(a.names(&list, "q=cara").await, Vec::<String>::new(), "created by the import: trashed");
    let (_, t) = a.get(&format!("/api/v1/lists/{list}/trash")).await;
    let mut trashed: Vec<&str> =
        t["items"].as_array().unwrap().iter().map(|i| i["full_name"].as_str().unwrap()).collect();
    trashed.sort();
    assert_eq!(trashed, ["Cara", "Dan"]);
    let (s, v) = a.post(&format!("/api/v1/jobs/{jid}/undo"), &json!({})).await;
    assert_eq!((s.as_u16(), error_code(&v)), (409, "already_undone"));
    let (s, _) = app.as_user(NESTOR).await.post(&format!("/api/v1/jobs/{jid}/undo"), &json!({})).await;
    assert_eq!(s, 404);
}

/// The sweep purges the trash after `retention.trash_days` and compacts the change log after
/// `retention.changes_days`; a poller behind the compaction gets 410 with the oldest seq.
#[tokio::test]
async fn retention_purges_the_trash_and_compacts_the_log() {
    let clock = Arc::new(TestClock(AtomicI64::new(contactpro::clock::SystemClock.now().millis())));
    let app = TestApp::start_with_clock(clock.clone(), |c| {
        c.retention.trash_days = 30;
        c.retention.changes_days = 7;
    })
    .await;
    let a = app.as_user(ADELE).await;
    let list = a.create_list("Old").await;
    let c = a.create_contact(&list, json!({"full_name": "Old Timer"})).await;
    let id = c["id"].as_str().unwrap().to_owned();
    let (s, _) = a.delete(&format!("/api/v1/lists/{list}/contacts/{id}")).await;
    assert_eq!(s, 204);
    let gone = a.create_list("Gone").await;
    let (s, _) = a.delete(&format!("/api/v1/lists/{gone}")).await;
    assert_eq!(s, 204);

    clock.0.fetch_add(10 * DAY_MS, Ordering::SeqCst);
    let a = app.as_user(ADELE).await;
    a.create_contact(&list, json!({"full_name": "Newcomer"})).await;
    assert_eq!(contactpro::sweep::sweep_all(&app.state).await, 1);
    let (s, v) = a.get(&format!("/api/v1/lists/{list}/changes?since=0")).await;
    assert_eq!((s.as_u16(), error_code(&v), v["error"]["oldest"].as_u64()), (410, "changes_compacted", Some(3)));
    assert_eq!(kinds(&changes(&a, &list, 2).await), ["contact.created"]);
    let (_, t) = a.get(&format!("/api/v1/lists/{list}/trash")).await;
    assert_eq!(t["total"], 1, "still within the trash retention");

    clock.0.fetch_add(21 * DAY_MS, Ordering::SeqCst);
    let a = app.as_user(ADELE).await;
    contactpro::sweep::sweep_all(&app.state).await;
    let (_, t) = a.get(&format!("/api/v1/lists/{list}/trash")).await;
    assert_eq!(t["total"], 0, "purged after 30 days");
    let (s, _) = a.post(&format!("/api/v1/lists/{list}/trash/{id}/restore"), &json!({})).await;
    assert_eq!(s, 404);
    let (_, t) = a.get("/api/v1/lists/trash").await;
    assert_eq!(t["items"], json!([]), "the deleted list was purged");
    let (s, _) = a.post(&format!("/api/v1/lists/{gone}/restore"), &json!({})).await;
    assert_eq!(s, 404);
    // The newest change is always kept, so a poller at the head stays valid.
    assert_eq!(changes(&a, &list, 3).await["items"], json!([]));
}

/// Reads an SSE stream's events as (event, id, data) until `n` arrived.
async fn next_events(resp: &mut reqwest::Response, buf: &mut String, n: usize) -> Vec<(String, String, Value)> {
    let mut out = Vec::new();
    while out.len() < n {
        while let Some(end) = buf.find("\n\n") {
            let block: String = buf.drain(..end + 2).collect();
            let (mut ev, mut id, mut data) = (String::new(), String::new(), String::new());
            for line in block.lines() {
                if let Some(v) = line.strip_prefix("event:") {
                    ev = v.trim().to_owned();
                } else if let Some(v) = line.strip_prefix("id:") {
                    id = v.trim().to_owned();
                } else if let Some(v) = line.strip_prefix("data:") {
                    data.push_str(v.trim());
                }
            }
            if !ev.is_empty() {
                out.push((ev, id, serde_json::from_str(&data).unwrap_or(Value::Null)));
            }
        }
        if out.len() >= n {
            break;
        }
        let chunk = tokio::time::timeout(Duration::from_secs(10), resp.chunk()).await.expect("an event within 10 s");
        buf.push_str(&String::from_utf8_lossy(&chunk.unwrap().expect("the stream stays open")));
    }
    out
}

/// Two clients get every change live; a client that reconnects with Last-Event-ID gets what it
/// missed; streams are bounded per user.
#[tokio::test]
async fn live_events_reach_every_client_and_resume() {
    let app = TestApp::start_with(|c| c.events.max_streams_per_user = 2).await;
    let a = app.as_user(ADELE).await;
    let x = app.as_user(ALEX).await;
    let list = a.create_list("Live").await;
    a.create_contact(&list, json!({"full_name": "Before Streams"})).await;
    let open = |c: &Client, last: Option<&str>| {
        let mut r = c.request(Method::GET, &format!("/api/v1/lists/{list}/events"));
        if let Some(l) = last {
            r = r.header("last-event-id", l);
        }
        r.send()
    };
    let mut s1 = open(&a, None).await.unwrap();
    assert_eq!(s1.status(), 200);
    assert_eq!(s1.headers()["content-type"], "text/event-stream");
    let mut s2 = open(&x, None).await.unwrap();
    let (mut b1, mut b2) = (String::new(), String::new());
    let c = x.create_contact(&list, json!({"full_name": "Clément Laurent"})).await;
    let id = c["id"].as_str().unwrap();
    for (s, b) in [(&mut s1, &mut b1), (&mut s2, &mut b2)] {
        let e = next_events(s, b, 1).await;
        assert_eq!(e[0].0, "change");
        assert_eq!(e[0].1, "2", "id is the seq; the stream starts at the head");
        assert_eq!(e[0].2["kind"], "contact.created");
        assert_eq!(e[0].2["id"], id);
        assert_eq!(e[0].2["by"]["name"], "Alex Wilber");
    }
    // A third stream for Adèle is over her limit (2): take a second one, then the third is refused.
    let _s1b = open(&a, None).await.unwrap();
    let r = open(&a, None).await.unwrap();
    assert_eq!(r.status(), 429);
    assert_eq!(error_code(&r.json::<Value>().await.unwrap()), "too_many_streams");
    drop(s2);
    // Alex reconnects after missing two changes: Last-Event-ID resumes exactly after seq 2.
    a.patch(&format!("/api/v1/lists/{list}/contacts/{id}"), &json!({"mobile": "06 15 88 26 17"})).await;
    a.create_contact(&list, json!({"full_name": "Third"})).await;
    let mut s3 = open(&x, Some("2")).await.unwrap();
    let mut b3 = String::new();
    let e = next_events(&mut s3, &mut b3, 2).await;
    assert_eq!(e.iter().map(|e| e.1.as_str()).collect::<Vec<_>>(), ["3", "4"]);
    assert_eq!(e[0].2["kind"], "contact.updated");
    let e = next_events(&mut s1, &mut b1, 2).await;
    assert_eq!(e.iter().map(|e| e.1.as_str()).collect::<Vec<_>>(), ["3", "4"], "the first stream got them live");
    let (s, _) = app.as_user(NESTOR).await.get(&format!("/api/v1/lists/{list}/events")).await;
    assert_eq!(s, 404);
    let r = open(&a, Some("x")).await.unwrap();
    assert_eq!(r.status(), 422);
}

/// The Power Automate polling triggers: the first poll starts at the head (202 + Location), then
/// each poll answers the new matching changes (200) or 202, always with the next Location.
#[tokio::test]
async fn connector_triggers_poll_the_change_feed() {
    let app = TestApp::start().await;
    let a = app.as_user(ADELE).await;
    let list = a.create_list("Flows").await;
    a.create_contact(&list, json!({"full_name": "Old One"})).await;
    let (_, k) = a.post(&format!("/api/v1/lists/{list}/api-keys"), &json!({"name": "flow"})).await;
    let key = app.with_key(k["secret"].as_str().unwrap());
    let poll = |url: String| {
        let key = key.clone();
        async move {
            let path = url.split_once("/api/v1").map_or(url.clone(), |(_, p)| format!("/api/v1{p}"));
            let r = key.request(Method::GET, &path).send().await.unwrap();
            let status = r.status().as_u16();
            let loc = r.headers().get("location").map(|v| v.to_str().unwrap().to_owned()).unwrap();
            assert_eq!(r.headers()["retry-after"], "60");
            let body: Value = r.json().await.unwrap_or(Value::Null);
            (status, loc, body)
        }
    };
    let (s, created, _) = poll(format!("/api/v1/lists/{list}/triggers/created")).await;
    assert_eq!(s, 202, "a new flow does not fire for old contacts");
    assert!(created.ends_with(&format!("/api/v1/lists/{list}/triggers/created?since=1")), "{created}");
    let (_, changed, _) = poll(format!("/api/v1/lists/{list}/triggers/changed")).await;

    let c = a.create_contact(&list, json!({"full_name": "New One", "email": "new@example.com"})).await;
    let id = c["id"].as_str().unwrap();
    a.patch(&format!("/api/v1/lists/{list}/contacts/{id}"), &json!({"mobile": "06 15 88 26 17"})).await;
    let (s, created2, body) = poll(created).await;
    assert_eq!(s, 200, "{body}");
    let items = body["value"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!((items[0]["kind"].as_str(), items[0]["id"].as_str()), (Some("contact.created"), Some(id)));
    assert_eq!(items[0]["contact"]["email"], "new@example.com");
    let (s, _, _) = poll(created2).await;
    assert_eq!(s, 202, "nothing created since");

    a.delete(&format!("/api/v1/lists/{list}/contacts/{id}")).await;
    let (s, _, body) = poll(changed).await;
    assert_eq!(s, 200);
    let kinds: Vec<&str> = body["value"].as_array().unwrap().iter().map(|i| i["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["contact.updated", "contact.deleted"]);
    assert_eq!(body["value"][1]["contact"], Value::Null, "deleted: no contact any more");
    assert_eq!(body["value"][1]["name"], "New One");

    let other = a.create_list("Other").await;
    let (s, _) = key.get(&format!("/api/v1/lists/{other}/triggers/created")).await;
    assert_eq!(s, 404, "another list does not exist for this key");
    let (s, _) = key.get(&format!("/api/v1/lists/{list}/triggers/nonsense")).await;
    assert_eq!(s, 404);
    let (s, _) = key.get(&format!("/api/v1/lists/{list}/triggers/created?since=x")).await;
    assert_eq!(s, 422);
}
