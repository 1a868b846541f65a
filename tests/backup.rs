//! `contactpro backup` and `contactpro restore` (the real binary, as a child process) against a
//! server running in this process, a stopped one, and the server's own scheduled backups.

mod common;
use common::*;
use reqwest::Method;
use serde_json::Value;
use std::path::Path;
use std::process::Output;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_contactpro");
/// Rows per import: one transaction each, so every committed count is a multiple of this.
const BATCH: usize = 25;

async fn cli(args: &[&str]) -> Output {
    tokio::process::Command::new(BIN)
        .args(args)
        .env_remove("CONTACTPRO_CONFIG")
        .env("RUST_LOG", "error")
        .output()
        .await
        .unwrap()
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

async fn backup(data: &Path, out: &Path) -> Output {
    cli(&["backup", "--data-dir", data.to_str().unwrap(), "--out", out.to_str().unwrap()]).await
}

async fn restore(data: &Path, from: &Path, org: Option<&str>) -> Output {
    let mut args = vec!["restore", "--data-dir", data.to_str().unwrap(), "--from", from.to_str().unwrap()];
    if let Some(o) = org {
        args.extend(["--org", o]);
    }
    cli(&args).await
}

/// Import `BATCH` contacts numbered from `first` and wait until the job has finished.
async fn import_batch(c: &Client, list: &str, first: usize) {
    let mut csv = String::from("Full Name,Email,Company,Notes,Groups\n");
    for i in first..first + BATCH {
        // Notes long enough that contacts span several pages of the database.
        csv.push_str(&format!("Person {i},person{i}@example.com,Acme {i},{},Crew\n", format!("note {i} ").repeat(40)));
    }
    let (s, job) = c
        .send(
            c.request(Method::POST, &format!("/api/v1/lists/{list}/imports"))
                .header("content-type", "text/csv")
                .body(csv),
        )
        .await;
    assert_eq!(s, 202, "{job}");
    let id = job["id"].as_str().unwrap();
    for _ in 0..2000 {
        let (s, v) = c.get(&format!("/api/v1/jobs/{id}")).await;
        assert_eq!(s, 200, "{v}");
        if v["status"] == "succeeded" {
            assert_eq!(v["imported"], BATCH, "{v}");
            return;
        }
        assert_ne!(v["status"], "failed", "{v}");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    panic!("import did not finish");
}

async fn total(c: &Client, list: &str) -> u64 {
    let (s, v) = c.get(&format!("/api/v1/lists/{list}/contacts?per_page=1")).await;
    assert_eq!(s, 200, "{v}");
    v["total"].as_u64().unwrap()
}

/// Every contact of the list is whole (its fields belong together, its group exists), and the
/// group's member count is the number of contacts. Returns that number.
async fn check_whole(c: &Client, list: &str) -> u64 {
    let n = total(c, list).await;
    let mut seen = 0;
    for page in 1.. {
        let (s, v) = c.get(&format!("/api/v1/lists/{list}/contacts?per_page=500&page={page}")).await;
        assert_eq!(s, 200, "{v}");
        let items = v["items"].as_array().unwrap();
        if items.is_empty() {
            break;
        }
        for x in items {
            let i = x["full_name"].as_str().unwrap().trim_start_matches("Person ");
            assert_eq!(x["email"], format!("person{i}@example.com"), "a torn contact: {x}");
            assert_eq!(x["company"], format!("Acme {i}"), "a torn contact: {x}");
            assert_eq!(x["notes"], format!("note {i} ").repeat(40).trim_end(), "a torn contact: {x}");
            assert_eq!(x["groups"].as_array().unwrap().len(), 1, "a contact lost its group: {x}");
            seen += 1;
        }
    }
    assert_eq!(seen, n, "total and pages disagree");
    let (_, g) = c.get(&format!("/api/v1/lists/{list}/groups")).await;
    let members: u64 = g["items"].as_array().unwrap().iter().map(|g| g["member_count"].as_u64().unwrap()).sum();
    assert_eq!(members, n, "group membership disagrees with the contacts");
    n
}

/// The server binds its admin socket as it starts serving, just after `TestApp::start` returns.
async fn socket_of(app: &TestApp) -> std::path::PathBuf {
    let sock = app.data_dir().join("admin.sock");
    for _ in 0..500 {
        if sock.exists() {
            return sock;
        }
        tokio::time::sleep(Duration::from_millis(30)).await;
    }
    panic!("no admin socket");
}

fn assert_private(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    for e in std::fs::read_dir(path).unwrap().map(Result::unwrap) {
        let mode = e.metadata().unwrap().permissions().mode() & 0o777;
        if e.file_type().unwrap().is_dir() {
            assert_eq!(mode, 0o700, "{}", e.path().display());
            assert_private(&e.path());
        } else {
            assert_eq!(mode, 0o600, "{}", e.path().display());
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_during_writes_restores_a_state_that_existed() {
    let app = TestApp::start().await;
    let c = app.as_user(ADELE).await;
    let list = c.create_list("Crew").await;
    // The writer imports batches without pause and records every total it saw committed.
    let committed = Arc::new(parking_lot::Mutex::new(vec![0u64]));
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let (c, list, committed, stop) = (c.clone(), list.clone(), committed.clone(), stop.clone());
        tokio::spawn(async move {
            let mut next = 0;
            while !stop.load(Ordering::Relaxed) {
                import_batch(&c, &list, next).await;
                next += BATCH;
                let t = total(&c, &list).await;
                committed.lock().push(t);
            }
        })
    };
    socket_of(&app).await;
    while committed.lock().len() < 3 {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let backups = tempfile::tempdir().unwrap();
    let mut taken = Vec::new();
    for round in 0..3 {
        // Everything committed before the backup starts must be in it.
        let before = *committed.lock().last().unwrap();
        let out = backups.path().join(format!("b{round}"));
        let o = backup(&app.data_dir(), &out).await;
        assert!(o.status.success(), "{}", text(&o));
        assert!(text(&o).contains("a server is running"), "{}", text(&o));
        taken.push((out, before));
        tokio::time::sleep(Duration::from_millis(30)).await;
    }
    stop.store(true, Ordering::Relaxed);
    writer.await.unwrap();
    let committed = committed.lock().clone();
    assert!(
        !app.data_dir().join(".backup-staging").exists()
            || std::fs::read_dir(app.data_dir().join(".backup-staging")).unwrap().next().is_none(),
        "staged copies are cleaned up"
    );
    app.stop().await;

    for (out, before) in taken {
        assert_private(&out);
        let fresh = Arc::new(tempfile::tempdir().unwrap());
        let o = restore(fresh.path(), &out, None).await;
        assert!(o.status.success(), "{}", text(&o));
        let restored = TestApp::start_in(fresh, |_| {}).await;
        let c = restored.as_user(ADELE).await;
        let n = check_whole(&c, &list).await;
        assert!(n >= before, "{}: {n} contacts, but {before} were committed before the backup", out.display());
        assert!(committed.contains(&n), "{}: {n} contacts is a count that never existed: {committed:?}", out.display());
        restored.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stopped_server_is_backed_up_from_its_files() {
    let app = TestApp::start().await;
    let c = app.as_user(ADELE).await;
    let list = c.create_list("Crew").await;
    import_batch(&c, &list, 0).await;
    let n = app.as_user(NESTOR).await.create_list("Fabrikam's").await;
    let dir = app.stop().await;
    assert!(!dir.path().join("admin.sock").exists(), "the socket is removed on shutdown");

    let backups = tempfile::tempdir().unwrap();
    let out = backups.path().join("stopped");
    let o = backup(dir.path(), &out).await;
    assert!(o.status.success(), "{}", text(&o));
    assert!(!text(&o).contains("a server is running"), "{}", text(&o));
    let m: Value = serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(m["format"], 1);
    assert_eq!(m["orgs"].as_array().unwrap().len(), 2, "{m}");
    let keys: Vec<&str> = m["keys"].as_array().unwrap().iter().map(|k| k["file"].as_str().unwrap()).collect();
    assert!(keys.contains(&"server-key") && keys.contains(&"demo-secret"), "{m}");
    assert_private(&out);

    // A second backup into the same folder is refused; the first stays whole.
    let o = backup(dir.path(), &out).await;
    assert!(!o.status.success() && text(&o).contains("already exists"), "{}", text(&o));

    let fresh = Arc::new(tempfile::tempdir().unwrap());
    let o = restore(fresh.path(), &out, None).await;
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(
        std::fs::read(fresh.path().join("server-key")).unwrap(),
        std::fs::read(dir.path().join("server-key")).unwrap()
    );
    let restored = TestApp::start_in(fresh, |_| {}).await;
    assert_eq!(check_whole(&restored.as_user(ADELE).await, &list).await, BATCH as u64);
    let (s, v) = restored.as_user(NESTOR).await.get(&format!("/api/v1/lists/{n}")).await;
    assert_eq!(s, 200, "{v}");
    restored.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restore_of_one_organization_leaves_the_others() {
    let app = TestApp::start().await;
    let adele = app.as_user(ADELE).await;
    let nestor = app.as_user(NESTOR).await;
    let crew = adele.create_list("Crew").await;
    let suppliers = nestor.create_list("Suppliers").await;
    import_batch(&adele, &crew, 0).await;
    import_batch(&nestor, &suppliers, 0).await;
    let backups = tempfile::tempdir().unwrap();
    let out = backups.path().join("b");
    socket_of(&app).await;
    let o = backup(&app.data_dir(), &out).await;
    assert!(o.status.success(), "{}", text(&o));
    // Both organizations change after the backup.
    import_batch(&adele, &crew, BATCH).await;
    import_batch(&nestor, &suppliers, BATCH).await;
    let dir = app.stop().await;

    let o = restore(dir.path(), &out, Some("00000000-0000-4000-8000-000000000000")).await;
    assert!(!o.status.success() && text(&o).contains("has no organization"), "{}", text(&o));
    let o = restore(dir.path(), &out, Some("not-a-guid")).await;
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));

    let o = restore(dir.path(), &out, Some(CONTOSO)).await;
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains(CONTOSO) && !text(&o).contains(FABRIKAM), "{}", text(&o));
    let app = TestApp::start_in(dir, |_| {}).await;
    assert_eq!(check_whole(&app.as_user(ADELE).await, &crew).await, BATCH as u64, "Contoso is back as it was");
    assert_eq!(
        check_whole(&app.as_user(NESTOR).await, &suppliers).await,
        2 * BATCH as u64,
        "Fabrikam kept its changes"
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restore_is_refused_while_a_server_runs_and_when_a_file_was_changed() {
    let app = TestApp::start().await;
    let c = app.as_user(ADELE).await;
    let list = c.create_list("Crew").await;
    import_batch(&c, &list, 0).await;
    let backups = tempfile::tempdir().unwrap();
    let out = backups.path().join("b");
    socket_of(&app).await;
    assert!(backup(&app.data_dir(), &out).await.status.success());
    import_batch(&c, &list, BATCH).await;

    let o = restore(&app.data_dir(), &out, None).await;
    assert!(!o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("server is running") && text(&o).contains("stop it first"), "{}", text(&o));
    assert_eq!(total(&c, &list).await, 2 * BATCH as u64, "nothing was restored");
    let dir = app.stop().await;

    // A backup file changed after the fact is refused before anything is written.
    let f = out.join("orgs").join(format!("{CONTOSO}.redb"));
    let mut bytes = std::fs::read(&f).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0xff;
    std::fs::write(&f, bytes).unwrap();
    let o = restore(dir.path(), &out, None).await;
    assert!(!o.status.success() && text(&o).contains("does not match the manifest"), "{}", text(&o));
    let app = TestApp::start_in(dir, |_| {}).await;
    assert_eq!(total(&app.as_user(ADELE).await, &list).await, 2 * BATCH as u64, "nothing was restored");
    app.stop().await;
}

/// A server whose admin socket is gone (an older version, say) still holds its databases: the
/// backup says so instead of copying a file under a writer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_held_by_a_server_without_socket_is_refused_clearly() {
    let app = TestApp::start().await;
    app.as_user(ADELE).await.create_list("Crew").await;
    std::fs::remove_file(socket_of(&app).await).unwrap();
    let backups = tempfile::tempdir().unwrap();
    let out = backups.path().join("b");
    let o = backup(&app.data_dir(), &out).await;
    assert!(!o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("is open in another process"), "{}", text(&o));
    assert!(!out.exists(), "no partial backup is left");
    assert_eq!(std::fs::read_dir(backups.path()).unwrap().count(), 0, "no partial backup is left");
    app.stop().await;
}

/// The socket is 0600; if its mode is loosened, the peer uid check still refuses other users.
/// Needs root (to run the client as another user); without root it checks nothing and says so.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_admin_socket_refuses_other_users() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let app = TestApp::start().await;
    let sock = socket_of(&app).await;
    let meta = std::fs::metadata(&sock).unwrap();
    assert_eq!(meta.permissions().mode() & 0o777, 0o600);
    if meta.uid() != 0 {
        eprintln!("not root: cannot run a client as another user; only the socket's mode was checked");
        return;
    }
    let as_nobody = tokio::process::Command::new(BIN).arg("--version").uid(65534).gid(65534).output().await;
    if !as_nobody.is_ok_and(|o| o.status.success()) {
        eprintln!("uid 65534 cannot run {BIN} here (a private home folder?): only the socket's mode was checked");
        return;
    }
    app.as_user(ADELE).await.create_list("Crew").await;
    let backups = tempfile::tempdir().unwrap();
    for p in [app.data_dir().as_path(), backups.path()] {
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o777)).unwrap();
    }
    std::fs::set_permissions(&sock, std::fs::Permissions::from_mode(0o666)).unwrap();
    let out = backups.path().join("b");
    let o = tokio::process::Command::new(BIN)
        .args(["backup", "--data-dir", app.data_dir().to_str().unwrap(), "--out", out.to_str().unwrap()])
        .uid(65534)
        .gid(65534)
        .output()
        .await
        .unwrap();
    assert!(!o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("only the server's user"), "{}", text(&o));
    assert!(!out.exists());
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scheduled_backups_keep_the_newest_two() {
    let backups = tempfile::tempdir().unwrap();
    let dir = backups.path().join("scheduled");
    let d2 = dir.clone();
    let app = TestApp::start_with(move |c| {
        c.backup.dir = d2;
        c.backup.interval = contactpro::config::Interval(Duration::from_secs(1));
        c.backup.keep = 2;
    })
    .await;
    let c = app.as_user(ADELE).await;
    let list = c.create_list("Crew").await;
    import_batch(&c, &list, 0).await;
    let mut names = std::collections::BTreeSet::new();
    for _ in 0..600 {
        names.extend(contactpro::backup::schedule::complete_backups(&dir));
        if names.len() >= 4 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(names.len() >= 4, "only {} scheduled backups were made: {names:?}", names.len());
    app.stop().await;

    let left = contactpro::backup::schedule::complete_backups(&dir);
    assert_eq!(left.len(), 2, "{left:?}");
    let newest: Vec<_> = names.iter().rev().take(2).rev().cloned().collect();
    assert!(left.iter().all(|p| *p >= newest[0]), "the oldest were removed: {left:?} of {names:?}");
    let hidden: Vec<_> = std::fs::read_dir(&dir).unwrap().filter_map(Result::ok).map(|e| e.file_name()).collect();
    assert_eq!(hidden.len(), 2, "nothing else is left in the folder: {hidden:?}");
    // The newest one restores, with the import in it.
    let fresh = Arc::new(tempfile::tempdir().unwrap());
    let o = restore(fresh.path(), left.last().unwrap(), None).await;
    assert!(o.status.success(), "{}", text(&o));
    let app = TestApp::start_in(fresh, |_| {}).await;
    assert_eq!(check_whole(&app.as_user(ADELE).await, &list).await, BATCH as u64);
    app.stop().await;
}
