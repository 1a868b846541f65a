//! The server under hostile connections and probes, and what it leaves on disk: idle connections
//! (plain and TLS) closed after the header timeout while real clients are served, the connection
//! limit, 200 concurrent readiness probes, file modes under umask 022, security headers, the
//! metrics token and address, and names and addresses that would deceive a reader.
//!
//! Connection tests run the real binary as a child process so that its file descriptors and peak
//! memory (`VmHWM` in /proc) are its own.

mod common;
use common::*;
use serde_json::{Value, json};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tokio::io::AsyncReadExt;

const BIN: &str = env!("CARGO_BIN_EXE_contactpro");
/// The header timeout the connection tests configure.
const HEADER_TIMEOUT: Duration = Duration::from_secs(2);
/// Peak RSS allowed for the server while 1,000 idle connections are open (a debug build measured
/// 33 MB plain and 43 MB TLS; a server that let per-connection memory grow would not pass).
const MAX_PEAK_RSS_KB: u64 = 100 * 1024;

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// The real binary, killed when dropped.
struct Server {
    child: Child,
    port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// `sh -c 'umask 022; exec contactpro serve ...'` with extra `CONTACTPRO_*` settings.
    fn start(data: &Path, env: &[(&str, String)]) -> Self {
        let port = free_port();
        let mut cmd = Command::new("sh");
        cmd.arg("-c")
            .arg("umask 022; exec \"$0\" serve --listen \"127.0.0.1:$1\" --data-dir \"$2\"")
            .arg(BIN)
            .arg(port.to_string())
            .arg(data)
            .current_dir(data.parent().unwrap())
            .env_remove("CONTACTPRO_CONFIG")
            .env("CONTACTPRO_LOG__LEVEL", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = cmd.spawn().unwrap();
        let s = Self { child, port };
        let start = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(start.elapsed() < Duration::from_secs(20), "the server did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        s
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }

    fn peak_rss_kb(&self) -> u64 {
        proc_status_kb(self.pid(), "VmHWM:")
    }

    fn open_fds(&self) -> usize {
        std::fs::read_dir(format!("/proc/{}/fd", self.pid())).unwrap().count()
    }

    /// Stop with SIGKILL and return what the server wrote to stderr.
    fn stderr(mut self) -> String {
        let _ = self.child.kill();
        let mut out = String::new();
        if let Some(mut e) = self.child.stderr.take() {
            let _ = std::io::Read::read_to_string(&mut e, &mut out);
        }
        out
    }
}

fn proc_status_kb(pid: u32, key: &str) -> u64 {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = s.lines().find(|l| l.starts_with(key)).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

fn write_cert(dir: &Path) -> String {
    let ck = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
    std::fs::write(dir.join("cert.pem"), ck.cert.pem()).unwrap();
    std::fs::write(dir.join("key.pem"), ck.signing_key.serialize_pem()).unwrap();
    ck.cert.pem()
}

fn tls_client(cert_pem: &str, port: u16) -> reqwest::Client {
    reqwest::Client::builder()
        .tls_built_in_root_certs(false)
        .add_root_certificate(reqwest::Certificate::from_pem(cert_pem.as_bytes()).unwrap())
        .resolve("localhost", ([127, 0, 0, 1], port).into())
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

/// Open `n` connections that never send a byte; returns them with the time each was opened.
async fn idle_connections(port: u16, n: usize) -> Vec<(tokio::net::TcpStream, Instant)> {
    let mut v = Vec::with_capacity(n);
    for _ in 0..n {
        v.push((tokio::net::TcpStream::connect(("127.0.0.1", port)).await.unwrap(), Instant::now()));
    }
    v
}

/// Wait until the server closes each connection (EOF or reset), and return how long each stayed open,
/// in the order they were opened.
/// A connection the server keeps beyond `limit` fails the test.
async fn closed_by_server(conns: Vec<(tokio::net::TcpStream, Instant)>, limit: Duration) -> Vec<Duration> {
    let mut tasks = Vec::with_capacity(conns.len());
    for (mut s, opened) in conns {
        tasks.push(tokio::spawn(async move {
            // Anything the server writes before closing (an error response, a TLS alert) is read past.
            let until_closed = async {
                let mut buf = [0u8; 512];
                while let Ok(n) = s.read(&mut buf).await {
                    if n == 0 {
                        break;
                    }
                }
            };
            match tokio::time::timeout(limit, until_closed).await {
                Ok(()) => opened.elapsed(),
                Err(_) => panic!("a connection that sent nothing was still open after {limit:?}"),
            }
        }));
    }
    let mut held = Vec::with_capacity(tasks.len());
    for t in tasks {
        held.push(t.await.unwrap());
    }
    held
}

async fn idle_connections_are_closed(tls: bool) {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let mut env = vec![("CONTACTPRO_SERVER__HEADER_READ_TIMEOUT_SECS", HEADER_TIMEOUT.as_secs().to_string())];
    let cert = tls.then(|| write_cert(tmp.path()));
    if tls {
        env.push(("CONTACTPRO_SERVER__TLS__CERT", tmp.path().join("cert.pem").display().to_string()));
        env.push(("CONTACTPRO_SERVER__TLS__KEY", tmp.path().join("key.pem").display().to_string()));
    }
    let server = Server::start(&data, &env);
    let (client, url) = match &cert {
        Some(c) => (tls_client(c, server.port), format!("https://localhost:{}", server.port)),
        None => (reqwest::Client::new(), format!("http://127.0.0.1:{}", server.port)),
    };
    let fds_before = server.open_fds();

    let conns = idle_connections(server.port, 1000).await;
    // A real client is served while the 1,000 connections are open.
    let r = client.get(format!("{url}/readyz")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let served_at = Instant::now();
    let last_opened = conns.last().unwrap().1;
    let held = closed_by_server(conns, HEADER_TIMEOUT + Duration::from_secs(15)).await;
    let shortest = held.iter().min().unwrap();
    assert!(*shortest >= HEADER_TIMEOUT - Duration::from_millis(100), "closed before the timeout: {shortest:?}");
    assert!(last_opened + *held.last().unwrap() > served_at, "the real request was served while they were open");
    // Served again, and the connections' descriptors are gone.
    let r = client.get(format!("{url}/api/v1/info")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    if tls {
        assert_eq!(r.headers()["strict-transport-security"], "max-age=31536000");
    }
    assert!(server.open_fds() < fds_before + 50, "{} fds still open (before: {fds_before})", server.open_fds());
    let peak = server.peak_rss_kb();
    eprintln!("tls={tls}: peak RSS {peak} kB with 1,000 idle connections; longest held {:?}", held.iter().max());
    assert!(peak < MAX_PEAK_RSS_KB, "peak RSS {peak} kB");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_plain_connections_are_closed_after_the_header_timeout() {
    idle_connections_are_closed(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_tls_connections_are_closed_after_the_header_timeout() {
    idle_connections_are_closed(true).await;
}

#[tokio::test]
async fn an_idle_kept_alive_connection_is_closed_after_the_keep_alive_timeout() {
    use tokio::io::AsyncWriteExt;
    let keep_alive = Duration::from_secs(1);
    let app = TestApp::start_with(|c| c.server.keep_alive_timeout_secs = keep_alive.as_secs()).await;
    let mut s = tokio::net::TcpStream::connect(app.url.trim_start_matches("http://")).await.unwrap();
    s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").await.unwrap();
    let mut got = Vec::new();
    let mut buf = [0u8; 1024];
    while !String::from_utf8_lossy(&got).contains("\"ok\"") {
        let n = s.read(&mut buf).await.unwrap();
        assert!(n > 0, "closed before answering");
        got.extend_from_slice(&buf[..n]);
    }
    assert!(got.starts_with(b"HTTP/1.1 200"));
    let answered = Instant::now();
    // Kept alive, then idle: the server closes it.
    let held = closed_by_server(vec![(s, answered)], keep_alive + Duration::from_secs(15)).await;
    assert!(held[0] >= keep_alive - Duration::from_millis(100), "closed too early: {:?}", held[0]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_over_the_limit_are_closed_at_once() {
    let tmp = tempfile::tempdir().unwrap();
    let server = Server::start(
        &tmp.path().join("data"),
        &[
            ("CONTACTPRO_SERVER__MAX_CONNECTIONS", "20".into()),
            ("CONTACTPRO_SERVER__HEADER_READ_TIMEOUT_SECS", HEADER_TIMEOUT.as_secs().to_string()),
        ],
    );
    let held = idle_connections(server.port, 20).await;
    // Give the server time to accept the first 20 before the 21st arrives.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let extra = idle_connections(server.port, 1).await;
    let refused = closed_by_server(extra, HEADER_TIMEOUT + Duration::from_secs(10)).await;
    assert!(refused[0] < HEADER_TIMEOUT, "the 21st connection was closed at once, not by the timeout");
    // Once the idle ones time out, a real client gets in.
    closed_by_server(held, HEADER_TIMEOUT + Duration::from_secs(15)).await;
    let r = reqwest::get(format!("http://127.0.0.1:{}/healthz", server.port)).await.unwrap();
    assert_eq!(r.status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_concurrent_readiness_probes_all_succeed() {
    let app = TestApp::start().await;
    let client = reqwest::Client::new();
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..200 {
        let (c, url) = (client.clone(), format!("{}/readyz", app.url));
        set.spawn(async move { c.get(url).send().await.unwrap().status().as_u16() });
    }
    let statuses = set.join_all().await;
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 200, "{statuses:?}");
    // Probes leave nothing behind.
    let left: Vec<_> = std::fs::read_dir(app.data_dir().join("orgs")).unwrap().filter_map(Result::ok).collect();
    assert!(left.is_empty(), "{left:?}");
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn data_directory_is_owner_only_under_umask_022() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    // A data directory left with wide modes (an older version, a careless copy) is fixed at start.
    std::fs::create_dir_all(data.join("orgs")).unwrap();
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::write(data.join("orgs/leftover"), b"x").unwrap();
    std::fs::set_permissions(data.join("orgs/leftover"), std::fs::Permissions::from_mode(0o644)).unwrap();

    let server = Server::start(&data, &[]);
    let url = format!("http://127.0.0.1:{}", server.port);
    let http = reqwest::Client::new();
    let t: Value = http
        .post(format!("{url}/api/v1/demo/token"))
        .json(&json!({"tid": CONTOSO, "oid": "adele", "name": "A", "upn": "a@contoso.example"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = t["access_token"].as_str().unwrap();
    let r = http.post(format!("{url}/api/v1/login")).bearer_auth(token).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let r = http.post(format!("{url}/api/v1/lists")).bearer_auth(token).json(&json!({"name": "Crew"})).send().await;
    assert_eq!(r.unwrap().status(), 201);

    let mut seen = (0, 0);
    let mut stack = vec![data.clone()];
    while let Some(p) = stack.pop() {
        let md = std::fs::symlink_metadata(&p).unwrap();
        let mode = md.permissions().mode() & 0o777;
        if md.is_dir() {
            assert_eq!(mode, 0o700, "{}", p.display());
            seen.0 += 1;
            stack.extend(std::fs::read_dir(&p).unwrap().map(|e| e.unwrap().path()));
        } else {
            assert_eq!(mode, 0o600, "{}", p.display());
            seen.1 += 1;
        }
    }
    assert!(data.join(format!("orgs/{CONTOSO}.redb")).exists());
    assert!(seen.0 >= 2 && seen.1 >= 4, "dirs and files checked: {seen:?}");
    let log = server.stderr();
    assert!(log.contains("now owner-only"), "the fix is logged: {log}");
}

#[tokio::test]
async fn api_responses_carry_no_store_and_nosniff() {
    let app = TestApp::start().await;
    let http = reqwest::Client::new();
    for path in ["/api/v1/info", "/api/v1/me", "/api/v1/nope"] {
        let r = http.get(format!("{}{path}", app.url)).send().await.unwrap();
        assert_eq!(r.headers()["cache-control"], "no-store", "{path}");
        assert_eq!(r.headers()["x-content-type-options"], "nosniff", "{path}");
        assert!(r.headers().get("strict-transport-security").is_none(), "no HSTS over plain HTTP");
    }
    let r = http.get(format!("{}/", app.url)).send().await.unwrap();
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
}

#[tokio::test]
async fn metrics_need_the_token_when_one_is_set() {
    let app = TestApp::start_with(|c| c.metrics.token = contactpro::config::Secret("s3cret-scraper".into())).await;
    let http = reqwest::Client::new();
    let url = format!("{}/metrics", app.url);
    assert_eq!(http.get(&url).send().await.unwrap().status(), 401);
    assert_eq!(http.get(&url).bearer_auth("wrong").send().await.unwrap().status(), 401);
    let r = http.get(&url).bearer_auth("s3cret-scraper").send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("contactpro_http_requests"));
}

#[tokio::test]
async fn metrics_on_their_own_address_only() {
    let port = free_port();
    let app = TestApp::start_with(|c| c.metrics.listen = Some(([127, 0, 0, 1], port).into())).await;
    let http = reqwest::Client::new();
    assert_eq!(http.get(format!("{}/metrics", app.url)).send().await.unwrap().status(), 404);
    let r = http.get(format!("http://127.0.0.1:{port}/metrics")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("contactpro_open_org_databases"));
    // The metrics address serves nothing else.
    let r = http.get(format!("http://127.0.0.1:{port}/api/v1/info")).send().await.unwrap();
    assert_eq!(r.status(), 404);
}

/// A 422 naming exactly `field`.
fn assert_refused(s: reqwest::StatusCode, v: &Value, field: &str) {
    assert_eq!(s, 422, "{field}: {v}");
    assert_eq!(error_fields(v), [field], "{v}");
}

#[tokio::test]
async fn deceptive_names_and_oversized_list_settings_are_refused() {
    let app = TestApp::start_with(|c| c.limits.max_lists_per_org = 3).await;
    let c = app.as_user(ADELE).await;
    for (body, field) in [
        (json!({"name": "Finance\u{202E}nimdA"}), "name"),
        (json!({"name": "Ad\u{200B}min"}), "name"),
        (json!({"name": "\u{FEFF}Crew"}), "name"),
        (json!({"name": "x".repeat(121)}), "name"),
        (json!({"name": "Crew", "channel": {"id": "19:a@thread.tacv2", "name": "Gen\u{2066}eral"}}), "channel.name"),
        (json!({"name": "Crew", "team": {"id": "t".repeat(257), "name": "Sales"}}), "team.id"),
        (json!({"name": "Crew", "team": {"id": "t", "name": "s".repeat(257)}}), "team.name"),
        (json!({"name": "Crew", "visible_fields": vec!["email"; 14]}), "visible_fields"),
        (json!({"name": "Crew", "visible_fields": ["email", "email"]}), "visible_fields"),
    ] {
        let (s, v) = c.post("/api/v1/lists", &body).await;
        assert_refused(s, &v, field);
    }
    let list = c.create_list("Crew").await;
    let (s, v) = c.patch(&format!("/api/v1/lists/{list}"), &json!({"name": "Crew\u{202D}"})).await;
    assert_refused(s, &v, "name");
    let (s, v) =
        c.patch(&format!("/api/v1/lists/{list}"), &json!({"channel": {"id": "c", "name": "a\u{2060}b"}})).await;
    assert_refused(s, &v, "channel.name");

    let (s, v) = c.post(&format!("/api/v1/lists/{list}/groups"), &json!({"name": "VIP\u{200D}"})).await;
    assert_refused(s, &v, "name");
    let g = c.create_group(&list, "VIP").await;
    let (s, v) = c.patch(&format!("/api/v1/lists/{list}/groups/{g}"), &json!({"name": "V\u{202A}IP"})).await;
    assert_refused(s, &v, "name");

    let contacts = format!("/api/v1/lists/{list}/contacts");
    let (s, v) = c.post(&contacts, &json!({"full_name": "Anne\u{202E}tnaD"})).await;
    assert_refused(s, &v, "full_name");
    for email in [
        "anne?cc=boss@contoso.example",
        "anne&bcc=x@contoso.example",
        "anne%0Acc@contoso.example",
        "a,b@c.example",
        "\"a\"@c.example",
        "<a@c.example>",
        "a b@c.example",
    ] {
        let (s, v) = c.post(&contacts, &json!({"full_name": "Anne", "email": email})).await;
        assert_refused(s, &v, "email");
    }
    c.create_contact(&list, json!({"full_name": "Anne O'Neil", "email": "anne.o'neil+tag@contoso.example"})).await;

    // Lists per organization: two more fit (3 in all), the next is refused.
    c.create_list("Second").await;
    c.create_list("Third").await;
    let (s, v) = c.post("/api/v1/lists", &json!({"name": "Fourth"})).await;
    assert_eq!((s.as_u16(), error_code(&v)), (409, "limit_reached"), "{v}");
}
