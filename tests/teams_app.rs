//! `contactpro teams-app`: the package is built by the real binary, unzipped, its icons checked,
//! every URL checked against validDomains, and the manifest validated offline with Microsoft's
//! `@microsoft/app-manifest` schemas (tests/teams-manifest, installed with `npm ci` when missing).

use serde_json::Value;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

const CLIENT: &str = "11111111-2222-4333-8444-555555555555";

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_contactpro"))
}

fn build(dir: &Path, args: &[&str]) -> std::process::Output {
    bin().current_dir(dir).arg("teams-app").args(args).output().unwrap()
}

fn package(dir: &Path, url: &str) -> PathBuf {
    let out = dir.join(format!("app-{}.zip", url.len()));
    let o = build(
        dir,
        &["--public-url", url, "--client-id", CLIENT, "--name", "Contoso Contacts", "--out"]
            .into_iter()
            .chain([out.to_str().unwrap()])
            .collect::<Vec<_>>(),
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    out
}

fn unzip(path: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut z = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    (0..z.len())
        .map(|i| {
            let mut f = z.by_index(i).unwrap();
            let mut b = Vec::new();
            f.read_to_end(&mut b).unwrap();
            (f.name().unwrap().into_owned(), b)
        })
        .collect()
}

/// (width, height, RGBA pixels)
fn decode(png_bytes: &[u8]) -> (u32, u32, Vec<u8>) {
    let mut r = png::Decoder::new(std::io::Cursor::new(png_bytes)).read_info().unwrap();
    let mut buf = vec![0; r.output_buffer_size().unwrap()];
    let info = r.next_frame(&mut buf).unwrap();
    assert_eq!(info.color_type, png::ColorType::Rgba);
    buf.truncate(info.buffer_size());
    (info.width, info.height, buf)
}

fn urls(v: &Value, path: &str, out: &mut Vec<(String, String)>) {
    match v {
        Value::String(s) if s.starts_with("http://") || s.starts_with("https://") => {
            out.push((path.to_owned(), s.clone()))
        }
        Value::Array(a) => a.iter().enumerate().for_each(|(i, x)| urls(x, &format!("{path}[{i}]"), out)),
        Value::Object(m) => m.iter().for_each(|(k, x)| urls(x, &format!("{path}.{k}"), out)),
        _ => {}
    }
}

fn validator_dir() -> PathBuf {
    // Tests run in parallel: one `npm ci` at a time.
    static INSTALL: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _once = INSTALL.lock().unwrap_or_else(|e| e.into_inner());
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/teams-manifest");
    if !dir.join("node_modules/@microsoft/app-manifest").exists() {
        let s = Command::new("npm").args(["ci", "--no-audit", "--no-fund"]).current_dir(&dir).status();
        assert!(s.is_ok_and(|s| s.success()), "npm ci in tests/teams-manifest failed (node and npm are needed)");
    }
    dir
}

fn validate(manifest: &Path) -> std::process::Output {
    let dir = validator_dir();
    Command::new("node").arg(dir.join("validate.mjs")).arg(manifest).current_dir(&dir).output().unwrap()
}

#[test]
fn package_is_valid_and_complete() {
    let tmp = tempfile::tempdir().unwrap();
    let zip_path = package(tmp.path(), "https://contacts.example.com");
    let files = unzip(&zip_path);
    assert_eq!(files.keys().cloned().collect::<Vec<_>>(), vec!["color.png", "manifest.json", "outline.png"]);
    let m: Value = serde_json::from_slice(&files["manifest.json"]).unwrap();

    let (w, h, _) = decode(&files["color.png"]);
    assert_eq!((w, h), (192, 192));
    let (w, h, px) = decode(&files["outline.png"]);
    assert_eq!((w, h), (32, 32));
    let (mut white, mut clear) = (0, 0);
    for p in px.chunks(4) {
        match p {
            [_, _, _, 0] => clear += 1,
            [255, 255, 255, _] => white += 1,
            other => panic!("outline pixel {other:?} is neither transparent nor white"),
        }
    }
    assert!(white > 50 && clear > 300, "white {white}, transparent {clear}");

    assert_eq!(m["manifestVersion"], "1.30");
    assert_eq!(m["$schema"], "https://developer.microsoft.com/json-schemas/teams/v1.30/MicrosoftTeams.schema.json");
    assert_eq!(m["name"]["short"], "Contoso Contacts");
    assert_eq!(m["validDomains"], serde_json::json!(["contacts.example.com"]));
    assert_eq!(m["webApplicationInfo"]["id"], CLIENT);
    assert_eq!(m["webApplicationInfo"]["resource"], format!("api://contacts.example.com/{CLIENT}"));
    assert_eq!(m["configurableTabs"][0]["configurationUrl"], "https://contacts.example.com/config");
    assert_eq!(m["configurableTabs"][0]["scopes"], serde_json::json!(["team", "groupChat"]));
    assert_eq!(m["staticTabs"][0]["contentUrl"], "https://contacts.example.com/");
    assert_eq!(m["permissions"], serde_json::json!(["identity"]));

    let domains: Vec<String> =
        m["validDomains"].as_array().unwrap().iter().map(|d| d.as_str().unwrap().to_owned()).collect();
    let mut found = Vec::new();
    urls(&m, "", &mut found);
    found.retain(|(path, _)| path != ".$schema");
    assert!(found.len() >= 6, "{found:?}");
    for (path, u) in found {
        let u = reqwest::Url::parse(&u).unwrap();
        assert_eq!(u.scheme(), "https", "{path}");
        assert!(domains.contains(&u.host_str().unwrap().to_owned()), "{path}: {u} not in validDomains");
    }
    let resource = m["webApplicationInfo"]["resource"].as_str().unwrap();
    let host = resource.strip_prefix("api://").unwrap().split('/').next().unwrap();
    assert!(domains.contains(&host.to_owned()), "SSO resource host must be the tab's host");

    let manifest_path = tmp.path().join("manifest.json");
    std::fs::write(&manifest_path, &files["manifest.json"]).unwrap();
    let o = validate(&manifest_path);
    assert!(o.status.success(), "{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
}

#[test]
fn the_validator_rejects_an_invalid_manifest() {
    // Guards the test above: the validator really validates (an unknown scope, a too-long name).
    let tmp = tempfile::tempdir().unwrap();
    let files = unzip(&package(tmp.path(), "https://contacts.example.com"));
    for (pointer, value) in [
        ("/configurableTabs/0/scopes/0", serde_json::json!("Team")),
        ("/name/short", serde_json::json!("A name far longer than thirty characters")),
        ("/id", serde_json::json!("not-a-guid")),
    ] {
        let mut m: Value = serde_json::from_slice(&files["manifest.json"]).unwrap();
        *m.pointer_mut(pointer).unwrap() = value;
        let p = tmp.path().join("bad.json");
        std::fs::write(&p, serde_json::to_vec(&m).unwrap()).unwrap();
        assert!(!validate(&p).status.success(), "{pointer} was accepted");
    }
}

#[test]
fn app_id_is_stable_per_deployment() {
    let tmp = tempfile::tempdir().unwrap();
    let id = |url: &str| {
        let m: Value = serde_json::from_slice(&unzip(&package(tmp.path(), url))["manifest.json"]).unwrap();
        m["id"].as_str().unwrap().to_owned()
    };
    let a = id("https://contacts.example.com");
    assert_eq!(a, id("https://contacts.example.com/"), "regenerating updates the same app");
    assert_ne!(a, id("https://contacts.example.org"));
    assert!(uuid::Uuid::parse_str(&a).is_ok());
}

#[test]
fn bad_arguments_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("x.zip");
    let o = out.to_str().unwrap();
    for (args, why) in [
        (vec!["--public-url", "http://contacts.example.com", "--client-id", CLIENT], "http without --allow-http"),
        (vec!["--public-url", "https://contacts.example.com/app", "--client-id", CLIENT], "a path"),
        (vec!["--public-url", "https://contacts.example.com?x=1", "--client-id", CLIENT], "a query"),
        (vec!["--public-url", "ftp://contacts.example.com", "--client-id", CLIENT], "not http(s)"),
        (vec!["--public-url", "https://contacts.example.com", "--client-id", "my-app"], "client id not a GUID"),
        (
            vec!["--public-url", "https://contacts.example.com", "--client-id", CLIENT, "--name", &"x".repeat(31)],
            "name too long",
        ),
    ] {
        let mut a = args.clone();
        a.extend(["--out", o]);
        let r = build(tmp.path(), &a);
        assert!(!r.status.success(), "{why} was accepted");
        assert!(!out.exists(), "{why}: a package was written");
        assert!(!r.stderr.is_empty(), "{why}: no explanation");
    }
    let r = build(
        tmp.path(),
        &["--public-url", "http://localhost:8080", "--client-id", CLIENT, "--allow-http", "--out", o],
    );
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let m: Value = serde_json::from_slice(&unzip(&out)["manifest.json"]).unwrap();
    assert_eq!(m["validDomains"], serde_json::json!(["localhost:8080"]));
}
