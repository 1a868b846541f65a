//! The real binary: config errors, demo refusing the network, SIGTERM with requests in flight.

use serde_json::{Value, json};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_contactpro");

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn wait_ready(port: u16) {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(20) {
        if let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) {
            let _ = s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            let mut out = String::new();
            let _ = s.read_to_string(&mut out);
            if out.starts_with("HTTP/1.1 200") {
                return;
            }
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("server did not become ready");
}

fn http(port: u16, method: &str, path: &str, token: Option<&str>, body: &str) -> (u16, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let auth = token.map(|t| format!("Authorization: Bearer {t}\r\n")).unwrap_or_default();
    write!(s, "{method} {path} HTTP/1.1\r\nHost: x\r\n{auth}Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len()).unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    let status = out[9..12].parse().unwrap();
    let body = out.split("\r\n\r\n").nth(1).unwrap_or("").to_owned();
    (status, body)
}

#[test]
fn unknown_config_key_names_the_key_and_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("contactpro.toml");
    std::fs::write(&cfg, "[storage]\nmax_open_orgz = 3\n").unwrap();
    let out = Command::new(BIN).args(["serve", "--config"]).arg(&cfg).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("max_open_orgz") && err.contains("contactpro.toml"), "{err}");
}

#[test]
fn demo_refuses_a_network_address_without_the_flag() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(BIN).args(["demo", "--listen", "0.0.0.0:0", "--data-dir"]).arg(dir.path()).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--allow-demo-on-network"));
}

#[test]
fn sigterm_lets_in_flight_requests_finish_and_databases_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut child = Command::new(BIN)
        .args(["demo", "--listen", &format!("127.0.0.1:{port}"), "--data-dir"])
        .arg(dir.path())
        .env("CONTACTPRO_CONFIG", dir.path().join("none.toml"))
        .env_remove("CONTACTPRO_CONFIG")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait_ready(port);
    let persona = json!({"tid": "6e5a1c1e-4b1d-4c1f-9a55-0c0a7e1d2b01", "oid": "a1d3f6b0-0001-4000-8000-000000000001", "name": "A", "upn": "a@x.example"});
    let (s, b) = http(port, "POST", "/api/v1/demo/token", None, &persona.to_string());
    assert_eq!(s, 200, "{b}");
    let token = serde_json::from_str::<Value>(&b).unwrap()["access_token"].as_str().unwrap().to_owned();

    // A request in flight: headers and half the body sent, then SIGTERM, then the rest.
    let body = json!({"name": "Created during shutdown"}).to_string();
    let (first, rest) = body.split_at(10);
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(s, "POST /api/v1/lists HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{first}", body.len()).unwrap();
    s.flush().unwrap();
    std::thread::sleep(Duration::from_millis(200));
    let pid = child.id().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    std::thread::sleep(Duration::from_millis(300));
    s.write_all(rest.as_bytes()).unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    assert!(out.starts_with("HTTP/1.1 201"), "{out}");
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0));

    // Restart on the same data: the database opens cleanly and holds the list.
    let port = free_port();
    let mut child = Command::new(BIN)
        .args(["demo", "--listen", &format!("127.0.0.1:{port}"), "--data-dir"])
        .arg(dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait_ready(port);
    let (s, b) = http(port, "GET", "/api/v1/lists", Some(&token), "");
    assert_eq!(s, 200);
    assert!(b.contains("Created during shutdown"), "{b}");
    assert!(b.contains("Demo contacts"), "{b}");
    let _ = Command::new("kill").args(["-TERM", &child.id().to_string()]).status();
    assert_eq!(child.wait().unwrap().code(), Some(0));
}

/// kill -9 during an import, at several moments: after restart the database opens, the list holds
/// only whole batches (never half a contact), and nothing the job reported as imported is lost.
#[test]
fn kill_9_during_import_loses_nothing_reported() {
    let dir = tempfile::tempdir().unwrap();
    let persona = json!({"tid": "6e5a1c1e-4b1d-4c1f-9a55-0c0a7e1d2b01", "oid": "a1d3f6b0-0001-4000-8000-000000000001", "name": "A", "upn": "a@x.example"});
    let mut csv = String::from("Full Name,Email,Company,Groups\n");
    for i in 0..40_000 {
        csv.push_str(&format!("Person {i},person{i}@example.com,Acme,Crew {}\n", i % 7));
    }
    let mut interrupted = 0;
    for (round, delay_ms) in [(0, 0u64), (1, 150), (2, 400)] {
        let port = free_port();
        let mut child = Command::new(BIN)
            .args(["demo", "--listen", &format!("127.0.0.1:{port}"), "--data-dir"])
            .arg(dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        wait_ready(port);
        let (_, b) = http(port, "POST", "/api/v1/demo/token", None, &persona.to_string());
        let token = serde_json::from_str::<Value>(&b).unwrap()["access_token"].as_str().unwrap().to_owned();
        let (s, b) =
            http(port, "POST", "/api/v1/lists", Some(&token), &json!({"name": format!("Kill {round}")}).to_string());
        assert_eq!(s, 201, "{b}");
        let list = serde_json::from_str::<Value>(&b).unwrap()["id"].as_str().unwrap().to_owned();
        let (s, b) = http(port, "POST", &format!("/api/v1/lists/{list}/imports"), Some(&token), &csv);
        assert_eq!(s, 202, "{b}");
        let job = serde_json::from_str::<Value>(&b).unwrap()["id"].as_str().unwrap().to_owned();
        // Wait until some batches are committed, then a little more, then kill -9.
        let mut reported = 0;
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(60) {
            let (_, b) = http(port, "GET", &format!("/api/v1/jobs/{job}"), Some(&token), "");
            let v: Value = serde_json::from_str(&b).unwrap();
            reported = v["imported"].as_u64().unwrap();
            if reported > 0 || v["status"] == "succeeded" {
                break;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        std::thread::sleep(Duration::from_millis(delay_ms));
        let (_, b) = http(port, "GET", &format!("/api/v1/jobs/{job}"), Some(&token), "");
        reported = reported.max(serde_json::from_str::<Value>(&b).unwrap()["imported"].as_u64().unwrap());
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();

        let port = free_port();
        let mut child = Command::new(BIN)
            .args(["serve", "--listen", &format!("127.0.0.1:{port}"), "--data-dir"])
            .arg(dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        wait_ready(port);
        let (s, b) =
            http(port, "GET", &format!("/api/v1/lists/{list}/contacts?per_page=500&sort=updated_at"), Some(&token), "");
        assert_eq!(s, 200, "round {round}: {b}");
        let v: Value = serde_json::from_str(&b).unwrap();
        let total = v["total"].as_u64().unwrap();
        assert!(total >= reported, "round {round}: {total} contacts but the job reported {reported}");
        assert_eq!(total % 1000, 0, "round {round}: only whole batches of 1000 are committed ({total})");
        if total < 40_000 {
            interrupted += 1;
        }
        for c in v["items"].as_array().unwrap() {
            let n: String = c["full_name"].as_str().unwrap().trim_start_matches("Person ").to_owned();
            assert_eq!(c["email"], format!("person{n}@example.com"), "round {round}: a half-written contact");
            assert_eq!(c["groups"].as_array().unwrap().len(), 1, "round {round}: a contact lost its group");
        }
        let (_, b) = http(port, "GET", &format!("/api/v1/lists/{list}/groups"), Some(&token), "");
        let groups: Value = serde_json::from_str(&b).unwrap();
        let members: u64 =
            groups["items"].as_array().unwrap().iter().map(|g| g["member_count"].as_u64().unwrap()).sum();
        assert_eq!(members, total, "round {round}: every contact's group exists");
        // The change log holds exactly what was committed: one contact.created per contact, one
        // group.created per group (written in each batch's transaction).
        let log = all_changes(port, &token, &list);
        let created = log.iter().filter(|c| c["kind"] == "contact.created").count() as u64;
        let groups_created = log.iter().filter(|c| c["kind"] == "group.created").count();
        assert_eq!(created, total, "round {round}: change log vs contacts");
        assert_eq!(groups_created, groups["items"].as_array().unwrap().len(), "round {round}: change log vs groups");
        let _ = Command::new("kill").args(["-TERM", &child.id().to_string()]).status();
        child.wait().unwrap();
    }
    assert!(interrupted >= 1, "no round killed the import before it finished: the test proved nothing");
}

/// Every change of a list, paging through `GET .../changes`.
fn all_changes(port: u16, token: &str, list: &str) -> Vec<Value> {
    let mut out = Vec::new();
    let mut since = 0;
    loop {
        let (s, b) =
            http(port, "GET", &format!("/api/v1/lists/{list}/changes?since={since}&limit=1000"), Some(token), "");
        assert_eq!(s, 200, "{b}");
        let v: Value = serde_json::from_str(&b).unwrap();
        let items = v["items"].as_array().unwrap().clone();
        since = v["next"].as_u64().unwrap();
        let n = items.len();
        out.extend(items);
        if n < 1000 {
            return out;
        }
    }
}

/// kill -9 while two clients create, edit and delete contacts: after restart, every contact's
/// version equals the number of its changes in the log (each write and its change are one
/// transaction: no write without its change, no change without its write), and every deleted
/// contact is in the trash.
#[test]
fn kill_9_during_writes_keeps_every_write_with_its_change() {
    let dir = tempfile::tempdir().unwrap();
    let persona = json!({"tid": "6e5a1c1e-4b1d-4c1f-9a55-0c0a7e1d2b01", "oid": "a1d3f6b0-0001-4000-8000-000000000001", "name": "A", "upn": "a@x.example"});
    let port = free_port();
    let mut child = Command::new(BIN)
        .args(["demo", "--listen", &format!("127.0.0.1:{port}"), "--data-dir"])
        .arg(dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait_ready(port);
    let (_, b) = http(port, "POST", "/api/v1/demo/token", None, &persona.to_string());
    let token = serde_json::from_str::<Value>(&b).unwrap()["access_token"].as_str().unwrap().to_owned();
    let (s, b) = http(port, "POST", "/api/v1/lists", Some(&token), &json!({"name": "Writes"}).to_string());
    assert_eq!(s, 201, "{b}");
    let list = serde_json::from_str::<Value>(&b).unwrap()["id"].as_str().unwrap().to_owned();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writers: Vec<_> = (0..2)
        .map(|w| {
            let (token, list, stop) = (token.clone(), list.clone(), stop.clone());
            std::thread::spawn(move || {
                let mut done = 0;
                let mut i = 0;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    i += 1;
                    let body = json!({"full_name": format!("Writer {w} contact {i}")}).to_string();
                    let Ok((201, b)) = std::panic::catch_unwind(|| {
                        http(port, "POST", &format!("/api/v1/lists/{list}/contacts"), Some(&token), &body)
                    }) else {
                        break;
                    };
                    let id = serde_json::from_str::<Value>(&b).unwrap()["id"].as_str().unwrap().to_owned();
                    let path = format!("/api/v1/lists/{list}/contacts/{id}");
                    let patch = json!({"mobile": format!("06 00 00 {:02} {:02}", w, i % 100)}).to_string();
                    if std::panic::catch_unwind(|| http(port, "PATCH", &path, Some(&token), &patch)).is_err() {
                        break;
                    }
                    if i % 3 == 0 && std::panic::catch_unwind(|| http(port, "DELETE", &path, Some(&token), "")).is_err()
                    {
                        break;
                    }
                    done += 1;
                }
                done
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(1500));
    child.kill().unwrap(); // SIGKILL, writes in flight
    child.wait().unwrap();
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let done: u32 = writers.into_iter().map(|w| w.join().unwrap_or(0)).sum();
    assert!(done > 10, "the writers wrote too little before the kill ({done}): the test proved nothing");

    let port = free_port();
    let mut child = Command::new(BIN)
        .args(["serve", "--listen", &format!("127.0.0.1:{port}"), "--data-dir"])
        .arg(dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait_ready(port);
    let log = all_changes(port, &token, &list);
    let mut per_id: std::collections::HashMap<String, u64> = std::collections::HashMap::new();
    for c in &log {
        *per_id.entry(c["id"].as_str().unwrap().to_owned()).or_default() += 1;
    }
    let seqs: Vec<u64> = log.iter().map(|c| c["seq"].as_u64().unwrap()).collect();
    assert_eq!(seqs, (1..=seqs.len() as u64).collect::<Vec<_>>(), "seq has no gaps and only grows");
    let (_, b) = http(port, "GET", &format!("/api/v1/lists/{list}/contacts?per_page=500"), Some(&token), "");
    let live: Value = serde_json::from_str(&b).unwrap();
    let mut checked = 0;
    for c in live["items"].as_array().unwrap() {
        let id = c["id"].as_str().unwrap();
        assert_eq!(per_id.get(id).copied(), c["version"].as_u64(), "{id}: version vs its changes in the log");
        checked += 1;
    }
    let (_, b) = http(port, "GET", &format!("/api/v1/lists/{list}/trash?per_page=500"), Some(&token), "");
    let trash: Value = serde_json::from_str(&b).unwrap();
    let deleted = log.iter().filter(|c| c["kind"] == "contact.deleted").count() as u64;
    assert_eq!(trash["total"].as_u64(), Some(deleted), "every logged deletion is in the trash");
    let created = log.iter().filter(|c| c["kind"] == "contact.created").count() as u64;
    assert_eq!(
        live["total"].as_u64().unwrap() + deleted,
        created,
        "every logged creation is a contact or in the trash"
    );
    assert!(checked > 0);
    let _ = Command::new("kill").args(["-TERM", &child.id().to_string()]).status();
    child.wait().unwrap();
}

/// What the README and issue 14 promise, on the demo's own data: numbers typed the national way,
/// an e-mail domain, a typo, and the demo list's planted duplicates (two François Hansen).
#[test]
fn the_readme_search_examples_work_on_the_demo_data() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut child = Command::new(BIN)
        .args(["demo", "--listen", &format!("127.0.0.1:{port}"), "--data-dir"])
        .arg(dir.path())
        .args(["--config", "/dev/null"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait_ready(port);
    let (_, b) = http(port, "GET", "/api/v1/demo/personas", None, "");
    let personas: Value = serde_json::from_str(&b).unwrap();
    let owner = personas.as_array().and_then(|a| a.first()).cloned().unwrap_or_else(|| personas["items"][0].clone());
    let persona = json!({"tid": owner["tid"], "oid": owner["oid"], "name": owner["name"], "upn": owner["upn"]});
    let (s, b) = http(port, "POST", "/api/v1/demo/token", None, &persona.to_string());
    assert_eq!(s, 200, "{b}");
    let token = serde_json::from_str::<Value>(&b).unwrap()["access_token"].as_str().unwrap().to_owned();
    assert_eq!(http(port, "POST", "/api/v1/login", Some(&token), "{}").0, 200);
    let (_, b) = http(port, "GET", "/api/v1/lists", Some(&token), "");
    let lists: Value = serde_json::from_str(&b).unwrap();
    let list = lists["items"].as_array().unwrap().iter().find(|l| l["name"] == "Demo contacts").expect("the demo list")
        ["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let search = |q: &str| -> Value {
        let (s, b) = http(port, "GET", &format!("/api/v1/lists/{list}/contacts?q={q}&per_page=500"), Some(&token), "");
        assert_eq!(s, 200, "{q}: {b}");
        serde_json::from_str(&b).unwrap()
    };
    let digits = |c: &Value| -> String {
        format!("{} {}", c["mobile"], c["phone"]).chars().filter(char::is_ascii_digit).collect()
    };
    // "0615" (French national way) finds numbers stored as "+33 6 15 ...".
    let v = search("0615");
    let items = v["items"].as_array().unwrap();
    assert!(!items.is_empty(), "0615 finds nothing");
    assert!(items.iter().all(|c| digits(c).contains("33615") || digits(c).contains("0615")), "{v}");
    // A digit run inside a number, taken from a demo contact's mobile.
    let one = items[0].clone();
    let d: String = one["mobile"].as_str().unwrap_or_default().chars().filter(char::is_ascii_digit).collect();
    if d.len() >= 10 {
        let run = &d[d.len() - 6..];
        let v = search(run);
        assert!(v["items"].as_array().unwrap().iter().any(|c| c["id"] == one["id"]), "{run}: {v}");
    }
    // "clement" finds Clément; "clemnt" too, saying it was typo-tolerant.
    let v = search("clement");
    assert!(v["items"].as_array().unwrap().iter().any(|c| c["full_name"].as_str().unwrap().contains("Clément")), "{v}");
    assert_eq!(v["fuzzy"], false);
    let v = search("clemnt");
    assert_eq!(v["fuzzy"], true, "{v}");
    assert!(v["items"].as_array().unwrap().iter().any(|c| c["full_name"].as_str().unwrap().contains("Clément")), "{v}");
    // Everyone at a supplier by its e-mail domain, with or without the @.
    for q in ["tailspin.example", "%40tailspin"] {
        let v = search(q);
        let items = v["items"].as_array().unwrap();
        assert!(!items.is_empty(), "{q}");
        assert!(items.iter().all(|c| c["email"].as_str().unwrap().ends_with("@tailspin.example")), "{q}: {v}");
    }
    // The planted duplicates are found.
    let (s, b) = http(port, "GET", &format!("/api/v1/lists/{list}/duplicates"), Some(&token), "");
    assert_eq!(s, 200, "{b}");
    let clusters: Value = serde_json::from_str(&b).unwrap();
    let v = search("hansen");
    let hansens: Vec<&str> = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["full_name"] == "François Hansen")
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert!(hansens.len() >= 2, "{v}");
    assert!(
        clusters["clusters"].as_array().unwrap().iter().any(|c| hansens.iter().all(|h| c["ids"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i == h))),
        "the two François Hansen are one cluster: {clusters}"
    );
    child.kill().unwrap();
    child.wait().unwrap();
}
