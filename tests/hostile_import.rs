//! Hostile imports against the real binary: files whose references would multiply memory,
//! cells of thousands of groups, hundreds of thousands of invalid rows, a dozen parallel imports,
//! kill -9 in the middle of one. Each test checks that the server stays up, that its peak RSS
//! (VmHWM from /proc) stays under a stated bound, and what the job reports.

mod common;

use contactpro::clock::Clock;
use contactpro::model::Timestamp;
use reqwest::Client;
use serde_json::{Value, json};
use std::io::Write;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_contactpro");
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
/// The design's target for the worst hostile import with the default caps.
const MAX_RSS_MB: u64 = 300;

struct Server {
    child: Child,
    url: String,
    http: Client,
    dir: std::path::PathBuf,
}

impl Server {
    async fn start(dir: &std::path::Path, args: &[&str]) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let mut cmd = Command::new(BIN);
        cmd.args(["demo", "--listen", &format!("127.0.0.1:{port}"), "--data-dir"]).arg(dir);
        let child = cmd.args(args).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
        let s = Self { child, url: format!("http://127.0.0.1:{port}"), http: Client::new(), dir: dir.to_owned() };
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(30) {
            if s.http.get(format!("{}/healthz", s.url)).send().await.is_ok_and(|r| r.status() == 200) {
                return s;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("server did not become ready");
    }

    /// Peak resident memory of the server so far, in MB.
    fn peak_rss_mb(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        let kb: u64 = status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap();
        kb / 1024
    }

    async fn assert_up(&self) {
        let r = self.http.get(format!("{}/healthz", self.url)).send().await.unwrap();
        assert_eq!(r.status(), 200, "the server is still up");
    }

    /// A signed-in user of organization `tid`.
    async fn user(&self, tid: &str, oid: &str) -> User {
        let persona = json!({"tid": tid, "oid": oid, "name": oid, "upn": format!("{oid}@x.example")});
        let r = self.http.post(format!("{}/api/v1/demo/token", self.url)).json(&persona).send().await.unwrap();
        let token = r.json::<Value>().await.unwrap()["access_token"].as_str().unwrap().to_owned();
        let u = User { url: self.url.clone(), http: self.http.clone(), token };
        u.send(u.req(reqwest::Method::POST, "/api/v1/login").json(&json!({}))).await;
        u
    }

    fn kill_9(&mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = &self.dir;
    }
}

#[derive(Clone)]
struct User {
    url: String,
    http: Client,
    token: String,
}

impl User {
    fn req(&self, m: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.http.request(m, format!("{}{path}", self.url)).bearer_auth(&self.token)
    }

    async fn send(&self, r: reqwest::RequestBuilder) -> (u16, Value) {
        let r = r.send().await.unwrap();
        let s = r.status().as_u16();
        (s, r.json().await.unwrap_or(Value::Null))
    }

    async fn get(&self, path: &str) -> (u16, Value) {
        self.send(self.req(reqwest::Method::GET, path)).await
    }

    async fn create_list(&self, name: &str) -> String {
        let (s, v) = self.send(self.req(reqwest::Method::POST, "/api/v1/lists").json(&json!({"name": name}))).await;
        assert_eq!(s, 201, "{v}");
        v["id"].as_str().unwrap().to_owned()
    }

    async fn upload(&self, list: &str, body: Vec<u8>, ctype: &str) -> (u16, Value) {
        let r = self.req(reqwest::Method::POST, &format!("/api/v1/lists/{list}/imports")).header("content-type", ctype);
        self.send(r.body(body)).await
    }

    async fn wait_job(&self, job: &Value) -> Value {
        let id = job["id"].as_str().unwrap();
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(120) {
            let (s, v) = self.get(&format!("/api/v1/jobs/{id}")).await;
            assert_eq!(s, 200, "{v}");
            if !matches!(v["status"].as_str(), Some("queued" | "running")) {
                return v;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("job {id} did not finish");
    }

    async fn total(&self, list: &str) -> u64 {
        let (s, v) = self.get(&format!("/api/v1/lists/{list}/contacts?per_page=1")).await;
        assert_eq!(s, 200, "{v}");
        v["total"].as_u64().unwrap()
    }
}

fn org(n: usize) -> String {
    format!("6e5a1c1e-4b1d-4c1f-9a55-{n:012x}")
}

/// A workbook made by hand: `sheet`, one shared string table and one styles part.
fn workbook(sheet: &str, shared: &str, styles: &str) -> Vec<u8> {
    const R: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    const M: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    let parts = [
        (
            "[Content_Types].xml",
                r#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>"#.to_owned(),
        ),
        (
            "_rels/.rels",
            format!(
                r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{R}/officeDocument" Target="xl/workbook.xml"/></Relationships>"#
            ),
        ),
        (
            "xl/workbook.xml",
            format!(
                r#"<?xml version="1.0"?><workbook xmlns="{M}" xmlns:r="{R}"><sheets><sheet name="Contacts" sheetId="1" r:id="rId1"/></sheets></workbook>"#
            ),
        ),
        (
            "xl/_rels/workbook.xml.rels",
            format!(
                r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{R}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="{R}/sharedStrings" Target="sharedStrings.xml"/><Relationship Id="rId3" Type="{R}/styles" Target="styles.xml"/></Relationships>"#
            ),
        ),
        ("xl/sharedStrings.xml", shared.to_owned()),
        ("xl/styles.xml", styles.to_owned()),
        ("xl/worksheets/sheet1.xml", sheet.to_owned()),
    ];
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in parts {
        zip.start_file(name, opts).unwrap();
        zip.write_all(data.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// 400 rows whose Notes all reference one 9 MB shared string (the file is ~20 kB), and whose
/// Mobile is a number in a style with a 1 MB "000...0" format (a digit mask applied per cell).
fn amplifying_workbook() -> Vec<u8> {
    const M: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    let shared = format!(
        r#"<?xml version="1.0"?><sst xmlns="{M}" count="1" uniqueCount="1"><si><t>{}</t></si></sst>"#,
        "N".repeat(9 << 20)
    );
    let styles = format!(
        r#"<?xml version="1.0"?><styleSheet xmlns="{M}"><numFmts count="1"><numFmt numFmtId="164" formatCode="{}"/></numFmts><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="164" applyNumberFormat="1"/></cellXfs></styleSheet>"#,
        "0".repeat(1 << 20)
    );
    let mut sheet = format!(
        r#"<?xml version="1.0"?><worksheet xmlns="{M}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Full Name</t></is></c><c r="B1" t="inlineStr"><is><t>Notes</t></is></c><c r="C1" t="inlineStr"><is><t>Mobile</t></is></c></row>"#
    );
    for i in 2..402 {
        // Even rows reference the giant string; odd rows only carry the masked number.
        let notes = if i % 2 == 0 { format!(r#"<c r="B{i}" t="s"><v>0</v></c>"#) } else { String::new() };
        sheet.push_str(&format!(r#"<row r="{i}"><c r="A{i}" t="inlineStr"><is><t>Person {i}</t></is></c>{notes}<c r="C{i}" s="1"><v>612345678</v></c></row>"#));
    }
    sheet.push_str("</sheetData></worksheet>");
    workbook(&sheet, &shared, &styles)
}

#[tokio::test]
async fn hostile_files_get_row_errors_with_bounded_memory() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), &[]).await;
    let u = server.user(&org(1), "ann").await;
    let list = u.create_list("Hostile").await;

    // One 9 MB shared string in 200 rows and a 1 MB digit mask in 400: each refused per value.
    let file = amplifying_workbook();
    assert!(file.len() < 64 << 10, "{} bytes", file.len());
    let (s, job) = u.upload(&list, file, XLSX).await;
    assert_eq!(s, 202, "{job}");
    let done = u.wait_job(&job).await;
    assert_eq!(done["status"], "succeeded", "{done}");
    assert_eq!((done["total"].as_u64(), done["imported"].as_u64()), (Some(400), Some(200)), "{done}");
    assert_eq!(done["error_count"], 200);
    let errors = done["errors"].as_array().unwrap();
    assert!(errors.iter().all(|e| e["column"] == "Notes" && e["message"] == "is longer than 10000 characters"));
    let (_, page) = u.get(&format!("/api/v1/lists/{list}/contacts?per_page=1")).await;
    assert_eq!(page["items"][0]["mobile"], "612345678", "the 1 MB format is not a digit mask");

    // A CSV cell of 64,000 group names, one of 101, control characters: each a row error, fast.
    let many: Vec<String> = (0..64_000).map(|i| format!("Group {i}")).collect();
    let over: Vec<String> = (0..101).map(|i| format!("G{i}")).collect();
    let csv = format!(
        "Full Name,Groups\nMany,{}\nOver,{}\nBell,ok;bad\u{7}name\nSame,{}\nFine,Crew;crew; Paris \n",
        many.join(";"),
        over.join(";"),
        vec!["Crew"; 2000].join(";")
    );
    let started = Instant::now();
    let (s, job) = u.upload(&list, csv.into_bytes(), "text/csv").await;
    assert_eq!(s, 202, "{job}");
    let done = u.wait_job(&job).await;
    assert!(started.elapsed() < Duration::from_secs(10), "{:?}", started.elapsed());
    assert_eq!((done["imported"].as_u64(), done["error_count"].as_u64()), (Some(2), Some(3)), "{done}");
    let rows: Vec<u64> = done["errors"].as_array().unwrap().iter().map(|e| e["row"].as_u64().unwrap()).collect();
    assert_eq!(rows, [2, 3, 4]);
    let (_, groups) = u.get(&format!("/api/v1/lists/{list}/groups")).await;
    let names: Vec<&str> = groups["items"].as_array().unwrap().iter().map(|g| g["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Crew", "Paris"], "no group from a refused row, none with a control character");

    // 200,000 invalid rows: 1,000 errors kept, all counted, nothing written.
    let bad = "Full Name\n".to_owned() + &"\u{1}\n".repeat(200_000);
    let (s, job) = u.upload(&list, bad.into_bytes(), "text/csv").await;
    assert_eq!(s, 202, "{job}");
    let done = u.wait_job(&job).await;
    assert_eq!(done["status"], "succeeded", "{}", done["message"]);
    assert_eq!(done["error_count"], 200_000);
    assert_eq!(done["errors"].as_array().unwrap().len(), 1000);
    assert_eq!(done["errors_truncated"], true);
    assert_eq!((done["processed"].as_u64(), done["imported"].as_u64()), (Some(200_000), Some(0)));
    assert_eq!(done["errors"][999]["row"], 1001);
    assert_eq!(u.total(&list).await, 202);

    server.assert_up().await;
    let peak = server.peak_rss_mb();
    eprintln!("hostile files: peak RSS {peak} MB");
    assert!(peak < MAX_RSS_MB, "peak RSS {peak} MB");
}

fn contacts_csv(rows: usize, tag: &str) -> Vec<u8> {
    let mut csv = String::from("Full Name,Email,Company,Groups\n");
    for i in 0..rows {
        csv.push_str(&format!("{tag} {i},{tag}.{i}@example.com,Acme,Team {}\n", i % 5));
    }
    csv.into_bytes()
}

/// 12 imports at once from 6 organizations (two each): at most one runs per organization and
/// two on the server (`limits.max_parallel_imports`), which the jobs' start and finish times
/// show; every one of them completes with its own rows in its own organization.
#[tokio::test]
async fn parallel_imports_wait_their_turn() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), &[]).await;
    let mut users = Vec::new();
    for o in 0..6 {
        let u = server.user(&org(100 + o), "owner").await;
        let list = u.create_list("Parallel").await;
        users.push((u, list));
    }
    let rows = 3000;
    let uploads: Vec<_> = (0..12)
        .map(|i| {
            let (u, list) = (users[i % 6].0.clone(), users[i % 6].1.clone());
            let body = contacts_csv(rows, &format!("J{i}"));
            tokio::spawn(async move { (i % 6, u.upload(&list, body, "text/csv").await) })
        })
        .collect();
    let mut jobs: Vec<(usize, Value)> = Vec::new();
    for upload in uploads {
        let (o, (s, job)) = upload.await.unwrap();
        assert_eq!(s, 202, "{job}");
        assert!(matches!(job["status"].as_str(), Some("queued" | "running")), "{job}");
        jobs.push((o, job));
    }
    assert!(jobs.iter().filter(|(_, j)| j["status"] == "running").count() <= 2);
    let mut spans = Vec::new();
    for (o, job) in &jobs {
        let done = users[*o].0.wait_job(job).await;
        assert_eq!(done["status"], "succeeded", "{done}");
        assert_eq!(done["imported"], rows);
        let t = |k: &str| {
            let s = done[k].as_str().unwrap();
            let at = time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).unwrap();
            at.unix_timestamp_nanos() / 1_000_000
        };
        spans.push((*o, t("started_at"), t("finished_at")));
    }
    // At each job's start, the jobs running then: at most two, never two of one organization.
    for a in &spans {
        let running: Vec<_> = spans.iter().filter(|b| b.1 <= a.1 && a.1 < b.2).collect();
        assert!(running.len() <= 2, "{running:?} ran at once");
        assert_eq!(running.iter().filter(|b| b.0 == a.0).count(), 1, "two imports of one organization at once");
    }
    for (u, list) in &users {
        assert_eq!(u.total(list).await, 2 * rows as u64);
    }
    // Another organization's job does not exist for the caller.
    let (s, _) = users[1].0.get(&format!("/api/v1/jobs/{}", jobs[0].1["id"].as_str().unwrap())).await;
    assert_eq!(s, 404);
    server.assert_up().await;
    let peak = server.peak_rss_mb();
    eprintln!("12 parallel imports: peak RSS {peak} MB");
    assert!(peak < MAX_RSS_MB, "peak RSS {peak} MB");
}

/// kill -9 in the middle of an import, then a restart: the job answers `interrupted` with
/// exactly the counts that are committed.
#[tokio::test]
async fn kill_9_mid_import_leaves_an_interrupted_job_with_committed_counts() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = Server::start(dir.path(), &[]).await;
    let u = server.user(&org(7), "ann").await;
    let list = u.create_list("Killed").await;
    let (s, job) = u.upload(&list, contacts_csv(60_000, "K"), "text/csv").await;
    assert_eq!(s, 202, "{job}");
    let id = job["id"].as_str().unwrap().to_owned();
    let start = Instant::now();
    loop {
        let (_, v) = u.get(&format!("/api/v1/jobs/{id}")).await;
        assert!(matches!(v["status"].as_str(), Some("queued" | "running")), "still running when killed: {v}");
        if v["imported"].as_u64().unwrap() >= 3000 {
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(60));
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let peak = server.peak_rss_mb();
    server.kill_9();

    let server = Server::start(dir.path(), &[]).await;
    let u = User { url: server.url.clone(), ..u };
    let (status, job) = u.get(&format!("/api/v1/jobs/{id}")).await;
    let stored = u.total(&list).await;
    assert_eq!(status, 200, "{job}");
    assert_eq!(job["status"], "interrupted", "{job}");
    assert_eq!(job["imported"].as_u64().unwrap(), stored, "the counts are what is committed: {job}");
    assert!(stored > 0 && stored < 60_000, "{stored}");
    assert!(job["finished_at"].is_null());
    server.assert_up().await;
    eprintln!("kill -9: peak RSS before the kill {peak} MB");
    assert!(peak < MAX_RSS_MB, "peak RSS {peak} MB");
}

/// A clock the test moves by hand.
struct TestClock(AtomicI64);

impl Clock for TestClock {
    fn now(&self) -> Timestamp {
        Timestamp(self.0.load(Ordering::SeqCst))
    }
}

/// A finished job answers for `limits.job_retention_secs`, then is gone; another
/// organization's job never answers.
#[tokio::test]
async fn finished_jobs_expire_and_stay_in_their_organization() {
    let clock = Arc::new(TestClock(AtomicI64::new(contactpro::clock::SystemClock.now().millis())));
    let app = common::TestApp::start_with_clock(clock.clone(), |c| c.limits.job_retention_secs = 60).await;
    let c = app.as_user(common::ADELE).await;
    let list = c.create_list("Expiry").await;
    let r =
        c.request(reqwest::Method::POST, &format!("/api/v1/lists/{list}/imports")).header("content-type", "text/csv");
    let (s, job) = c.send(r.body("Full Name,Email\nAnn,ann@example.com\nBob,not-an-email\n")).await;
    assert_eq!(s, 202, "{job}");
    let path = format!("/api/v1/jobs/{}", job["id"].as_str().unwrap());
    let done = loop {
        let (s, v) = c.get(&path).await;
        assert_eq!(s, 200, "{v}");
        if v["status"] == "succeeded" {
            break v;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert_eq!((done["imported"].as_u64(), done["error_count"].as_u64()), (Some(1), Some(1)), "{done}");
    assert_eq!(done["errors_truncated"], false);
    let (s, _) = app.as_user(common::NESTOR).await.get(&path).await;
    assert_eq!(s, 404, "another organization's job");
    clock.0.fetch_add(59_000, Ordering::SeqCst);
    assert_eq!(c.get(&path).await.0, 200);
    clock.0.fetch_add(2_000, Ordering::SeqCst);
    assert_eq!(c.get(&path).await.0, 404, "expired");
}
