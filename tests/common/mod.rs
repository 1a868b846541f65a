//! Test harness: the real server on 127.0.0.1:0 with a temporary data directory, and helpers
//! that read like the product (`app.as_user(&ADELE).create_list("Crew")`).
#![allow(dead_code)]

use contactpro::config::Config;
use contactpro::{AppState, clock};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tokio::sync::oneshot;

pub const CONTOSO: &str = "6e5a1c1e-4b1d-4c1f-9a55-0c0a7e1d2b01";
pub const FABRIKAM: &str = "9b2f7d3a-8c4e-4f6a-b1d2-3e4f5a6b7c02";

#[derive(Clone, Copy, Debug)]
pub struct Person {
    pub tid: &'static str,
    pub oid: &'static str,
    pub name: &'static str,
    pub upn: &'static str,
}

pub const ADELE: Person = Person { tid: CONTOSO, oid: "adele", name: "Adèle Vance", upn: "adele@contoso.example" };
pub const ALEX: Person = Person { tid: CONTOSO, oid: "alex", name: "Alex Wilber", upn: "alex@contoso.example" };
pub const MEGAN: Person = Person { tid: CONTOSO, oid: "megan", name: "Megan Bowen", upn: "megan@contoso.example" };
pub const NESTOR: Person =
    Person { tid: FABRIKAM, oid: "nestor", name: "Nestor Wilke", upn: "nestor@fabrikam.example" };

pub struct TestApp {
    pub url: String,
    pub dir: Arc<tempfile::TempDir>,
    pub state: AppState,
    pub http: reqwest::Client,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

pub fn test_config(dir: &Path) -> Config {
    let mut c = Config::default();
    c.storage.data_dir = dir.to_path_buf();
    c.server.listen = "127.0.0.1:0".parse().unwrap();
    c
}

impl TestApp {
    pub async fn start() -> Self {
        Self::start_with(|_| {}).await
    }

    pub async fn start_with(f: impl FnOnce(&mut Config)) -> Self {
        let dir = Arc::new(tempfile::tempdir().unwrap());
        Self::start_in(dir, f).await
    }

    /// Start a server on an existing data directory (a restart).
    pub async fn start_in(dir: Arc<tempfile::TempDir>, f: impl FnOnce(&mut Config)) -> Self {
        // Server logs (5xx details included) show in a failing test's output.
        let _ = tracing_subscriber::fmt().with_test_writer().with_env_filter("contactpro=warn").try_init();
        Self::start_in_with_clock(dir, clock::system(), f).await
    }

    /// Start with a clock the test controls (token expiry, key refresh rate limits).
    pub async fn start_with_clock(clock: clock::SharedClock, f: impl FnOnce(&mut Config)) -> Self {
        Self::start_in_with_clock(Arc::new(tempfile::tempdir().unwrap()), clock, f).await
    }

    pub async fn start_in_with_clock(
        dir: Arc<tempfile::TempDir>,
        clock: clock::SharedClock,
        f: impl FnOnce(&mut Config),
    ) -> Self {
        let mut cfg = test_config(dir.path());
        f(&mut cfg);
        let state = AppState::new(cfg, clock).unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let (tx, rx) = oneshot::channel::<()>();
        let s2 = state.clone();
        let task = tokio::spawn(async move {
            contactpro::serve(listener, s2, async {
                let _ = rx.await;
            })
            .await
            .unwrap();
        });
        Self { url, dir, state, http: reqwest::Client::new(), stop: Some(tx), task: Some(task) }
    }

    /// Stop gracefully and wait until every database is closed; returns the data directory.
    pub async fn stop(mut self) -> Arc<tempfile::TempDir> {
        self.shutdown().await;
        self.dir.clone()
    }

    async fn shutdown(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.task.take() {
            let _ = t.await;
        }
    }

    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().to_path_buf()
    }

    pub fn orgs_on_disk(&self) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(self.dir.path().join("orgs"))
            .map(|rd| rd.filter_map(Result::ok).map(|e| e.file_name().to_string_lossy().into_owned()).collect())
            .unwrap_or_default();
        v.retain(|n| n.ends_with(".redb"));
        v.sort();
        v
    }

    pub async fn token(&self, p: Person) -> String {
        let r = self
            .http
            .post(format!("{}/api/v1/demo/token", self.url))
            .json(&json!({"tid": p.tid, "oid": p.oid, "name": p.name, "upn": p.upn}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        r.json::<Value>().await.unwrap()["access_token"].as_str().unwrap().to_owned()
    }

    /// A signed-in client for `p` (login already called).
    pub async fn as_user(&self, p: Person) -> Client {
        let token = self.token(p).await;
        let c = Client { url: self.url.clone(), http: self.http.clone(), auth: Auth::Bearer(token) };
        let (s, _) = c.post("/api/v1/login", &json!({})).await;
        assert_eq!(s, 200);
        c
    }

    /// A client sending `token` as its bearer token (no login call).
    pub fn with_token(&self, token: &str) -> Client {
        Client { url: self.url.clone(), http: self.http.clone(), auth: Auth::Bearer(token.to_owned()) }
    }

    pub fn with_key(&self, key: &str) -> Client {
        Client { url: self.url.clone(), http: self.http.clone(), auth: Auth::Key(key.to_owned()) }
    }

    pub fn anonymous(&self) -> Client {
        Client { url: self.url.clone(), http: self.http.clone(), auth: Auth::None }
    }

    /// The demo secret, to forge tokens in attack tests.
    pub fn demo_secret(&self) -> Vec<u8> {
        hex::decode(std::fs::read_to_string(self.dir.path().join("demo-secret")).unwrap().trim()).unwrap()
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
    }
}

#[derive(Clone)]
pub enum Auth {
    None,
    Bearer(String),
    Key(String),
}

#[derive(Clone)]
pub struct Client {
    pub url: String,
    pub http: reqwest::Client,
    pub auth: Auth,
}

impl Client {
    pub fn request(&self, m: Method, path: &str) -> reqwest::RequestBuilder {
        let r = self.http.request(m, format!("{}{}", self.url, path));
        match &self.auth {
            Auth::None => r,
            Auth::Bearer(t) => r.bearer_auth(t),
            Auth::Key(k) => r.header("X-API-Key", k),
        }
    }

    pub async fn send(&self, r: reqwest::RequestBuilder) -> (StatusCode, Value) {
        let resp = r.send().await.unwrap();
        let s = resp.status();
        let text = resp.text().await.unwrap();
        (s, serde_json::from_str(&text).unwrap_or(Value::String(text)))
    }

    pub async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.send(self.request(Method::GET, path)).await
    }
    pub async fn post(&self, path: &str, body: &Value) -> (StatusCode, Value) {
        self.send(self.request(Method::POST, path).json(body)).await
    }
    pub async fn patch(&self, path: &str, body: &Value) -> (StatusCode, Value) {
        self.send(self.request(Method::PATCH, path).json(body)).await
    }
    pub async fn put(&self, path: &str, body: &Value) -> (StatusCode, Value) {
        self.send(self.request(Method::PUT, path).json(body)).await
    }
    pub async fn delete(&self, path: &str) -> (StatusCode, Value) {
        self.send(self.request(Method::DELETE, path)).await
    }

    pub async fn create_list(&self, name: &str) -> String {
        let (s, v) = self.post("/api/v1/lists", &json!({"name": name})).await;
        assert_eq!(s, 201, "{v}");
        v["id"].as_str().unwrap().to_owned()
    }

    pub async fn create_contact(&self, list: &str, body: Value) -> Value {
        let (s, v) = self.post(&format!("/api/v1/lists/{list}/contacts"), &body).await;
        assert_eq!(s, 201, "{v}");
        v
    }

    pub async fn create_group(&self, list: &str, name: &str) -> String {
        let (s, v) = self.post(&format!("/api/v1/lists/{list}/groups"), &json!({"name": name})).await;
        assert_eq!(s, 201, "{v}");
        v["id"].as_str().unwrap().to_owned()
    }

    pub async fn search(&self, list: &str, query: &str) -> Value {
        let (s, v) = self.get(&format!("/api/v1/lists/{list}/contacts?{query}")).await;
        assert_eq!(s, 200, "{v}");
        v
    }

    pub async fn names(&self, list: &str, query: &str) -> Vec<String> {
        self.search(list, query).await["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["full_name"].as_str().unwrap().to_owned())
            .collect()
    }
}

/// The error body's code and field names.
pub fn error_code(v: &Value) -> &str {
    v["error"]["code"].as_str().unwrap_or("")
}

pub fn error_fields(v: &Value) -> Vec<String> {
    v["error"]["fields"].as_object().map(|m| m.keys().cloned().collect()).unwrap_or_default()
}
