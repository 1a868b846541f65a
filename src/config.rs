//! Typed configuration: defaults < `contactpro.toml` < `CONTACTPRO_*` environment < CLI flags.
//!
//! One struct, `deny_unknown_fields` everywhere, so a typo in the file is an error that names the key
//! and the file. Unknown `CONTACTPRO_` variables are not errors (the environment is shared with other
//! tools) but are warned about, so a misspelt override does not go unnoticed.

use figment::Figment;
use figment::providers::{Format, Serialized, Toml};
use figment::value::Value;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

/// A string that never shows in Debug output or logs.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(pub String);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_empty() { "\"\"" } else { "\"***\"" })
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
#[derive(Default)]
pub struct Config {
    pub server: ServerConfig,
    pub storage: StorageConfig,
    pub auth: AuthConfig,
    pub profiles: ProfilesConfig,
    pub limits: LimitsConfig,
    pub log: LogConfig,
    pub api_keys: ApiKeysConfig,
    pub metrics: MetricsConfig,
    pub backup: BackupConfig,
    pub search: SearchConfig,
    pub retention: RetentionConfig,
    pub events: EventsConfig,
    pub web: WebConfig,
}

/// What the web app shows that an organization may want to change.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct WebConfig {
    /// Where an address opens: `{address}` is replaced by the address, URL-encoded (an in-house map
    /// server, Google or Apple Maps: `https://www.google.com/maps/search/?api=1&query={address}`).
    pub map_url: String,
    /// The map's name on the link ("Open in OpenStreetMap").
    pub map_name: String,
}

impl Default for WebConfig {
    fn default() -> Self {
        Self {
            map_url: "https://www.openstreetmap.org/search?query={address}".into(),
            map_name: "OpenStreetMap".into(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ServerConfig {
    pub listen: SocketAddr,
    /// The URL users reach the server at (used in links and the Teams package). Empty = derived.
    pub public_url: String,
    /// Demo sign-in refuses non-loopback addresses unless this is set.
    pub allow_demo_on_network: bool,
    /// Largest JSON request body, in bytes.
    pub max_body_bytes: usize,
    /// Largest import upload, in bytes.
    pub max_upload_bytes: usize,
    /// Seconds a request may take before it is answered 408 (imports run in the background).
    pub request_timeout_secs: u64,
    /// Seconds to let in-flight requests finish on shutdown.
    pub shutdown_grace_secs: u64,
    /// Seconds a new connection has to complete its TLS handshake and send its first request head;
    /// a connection that sends nothing is closed after this.
    pub header_read_timeout_secs: u64,
    /// Seconds an idle kept-alive connection stays open waiting for its next request (and to send
    /// that request's head).
    pub keep_alive_timeout_secs: u64,
    /// Most connections open at once (plain or TLS); connections beyond it are closed at once.
    pub max_connections: usize,
    pub tls: Option<TlsConfig>,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            public_url: String::new(),
            allow_demo_on_network: false,
            max_body_bytes: 1024 * 1024,
            max_upload_bytes: 50 * 1024 * 1024,
            request_timeout_secs: 30,
            shutdown_grace_secs: 20,
            header_read_timeout_secs: 10,
            keep_alive_timeout_secs: 150,
            max_connections: 8192,
            tls: None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TlsConfig {
    /// PEM certificate chain (leaf first).
    pub cert: PathBuf,
    /// PEM private key (PKCS#8, PKCS#1 or SEC1).
    pub key: PathBuf,
    /// Seconds between checks of the files' modification times; changed files are loaded without a
    /// restart (certificate renewals). 0 turns reloading off.
    #[serde(default = "default_tls_reload_secs")]
    pub reload_secs: u64,
}

fn default_tls_reload_secs() -> u64 {
    30
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct StorageConfig {
    pub data_dir: PathBuf,
    /// At most this many organization databases are open at once; idle ones are closed first.
    pub max_open_orgs: usize,
    /// Page cache of each open organization database, in MiB.
    pub cache_mib_per_org: usize,
    /// How long a request waits for a database slot when every open database is in use, in
    /// seconds; past it the request gets 503 `busy` with Retry-After.
    pub max_wait_secs: u64,
}

impl Default for StorageConfig {
    fn default() -> Self {
        Self { data_dir: PathBuf::from("./data"), max_open_orgs: 128, cache_mib_per_org: 16, max_wait_secs: 10 }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum AuthMode {
    #[default]
    Demo,
    Entra,
    Oidc,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AuthConfig {
    pub mode: AuthMode,
    /// Lifetime of tokens the server issues itself (demo mode), in seconds.
    pub demo_token_ttl_secs: u64,
    /// Clock skew tolerated on exp/nbf, in seconds.
    pub leeway_secs: u64,
    /// PEM file of extra certificate authorities trusted when calling the identity provider and
    /// Graph (an in-house PKI); empty = the built-in public roots only.
    pub ca_file: PathBuf,
    pub entra: EntraConfig,
    pub oidc: OidcConfig,
}

impl Default for AuthConfig {
    fn default() -> Self {
        Self {
            mode: AuthMode::Demo,
            demo_token_ttl_secs: 8 * 3600,
            leeway_secs: 60,
            ca_file: PathBuf::new(),
            entra: EntraConfig::default(),
            oidc: OidcConfig::default(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EntraConfig {
    pub client_id: String,
    /// `api://<host>/<client id>`; accepted as an audience besides the client id.
    pub app_id_uri: String,
    /// Tenant ids allowed to sign in; empty = any tenant.
    pub allowed_tenants: Vec<String>,
    pub authority: String,
    /// Enables the Graph profile refresh (On-Behalf-Of).
    pub client_secret: Secret,
    pub graph_url: String,
    /// Permission pickers also search the directory (Graph `/users`, needs the client secret and
    /// the organization's consent to `User.ReadBasic.All`).
    pub directory_search: bool,
}

impl Default for EntraConfig {
    fn default() -> Self {
        Self {
            client_id: String::new(),
            app_id_uri: String::new(),
            allowed_tenants: Vec::new(),
            authority: "https://login.microsoftonline.com".into(),
            client_secret: Secret::default(),
            graph_url: "https://graph.microsoft.com".into(),
            directory_search: true,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct OidcConfig {
    /// Issuer URL; discovery at `<issuer>/.well-known/openid-configuration`.
    pub issuer: String,
    pub audience: String,
    /// Client id the browser uses for the authorization-code flow (often equal to audience).
    pub client_id: String,
    /// Claim holding the organization id (a GUID). Ignored when `fixed_org` is set.
    pub org_claim: String,
    /// Use this organization id for every user (single-organization deployments).
    pub fixed_org: String,
    pub user_id_claim: String,
    pub name_claim: String,
    pub username_claim: String,
    /// Scopes the browser asks for when signing in outside Teams (space separated).
    pub scopes: String,
}

impl Default for OidcConfig {
    fn default() -> Self {
        Self {
            issuer: String::new(),
            audience: String::new(),
            client_id: String::new(),
            org_claim: "tid".into(),
            fixed_org: String::new(),
            user_id_claim: "sub".into(),
            name_claim: "name".into(),
            username_claim: "preferred_username".into(),
            scopes: "openid profile email".into(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ProfilesConfig {
    pub cache_capacity: u64,
    pub cache_ttl_secs: u64,
}

impl Default for ProfilesConfig {
    fn default() -> Self {
        Self { cache_capacity: 100_000, cache_ttl_secs: 3600 }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LimitsConfig {
    pub max_import_rows: usize,
    pub max_contacts_per_list: usize,
    pub max_field_len: usize,
    pub max_notes_len: usize,
    pub max_groups_per_list: usize,
    /// Most contact lists one organization may hold.
    pub max_lists_per_org: usize,
    /// Text kept from one import file (every value of every row, UTF-8 bytes): bounds an
    /// import's memory whatever the file refers to (one shared string in every cell...).
    pub max_import_text_bytes: usize,
    /// Imports running at once on the whole server (one per organization); the rest wait as
    /// `queued`. Also how many uploads are parsed at once.
    pub max_parallel_imports: usize,
    /// Finished import jobs are kept this many seconds for polling.
    pub job_retention_secs: u64,
}

impl Default for LimitsConfig {
    fn default() -> Self {
        Self {
            max_import_rows: 200_000,
            max_contacts_per_list: 2_000_000,
            max_field_len: 256,
            max_notes_len: 10_000,
            max_groups_per_list: 1_000,
            max_lists_per_org: 1_000,
            max_import_text_bytes: crate::io::DEFAULT_MAX_TEXT_BYTES,
            max_parallel_imports: 2,
            job_retention_secs: 86_400,
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    #[default]
    Human,
    Json,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LogConfig {
    pub format: LogFormat,
    /// A tracing filter, e.g. `info` or `contactpro=debug,tower_http=info`. RUST_LOG wins when set.
    pub level: String,
}

impl Default for LogConfig {
    fn default() -> Self {
        Self { format: LogFormat::Human, level: "info".into() }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ApiKeysConfig {
    /// Requests per minute allowed per key (and per unknown-key client address).
    pub rate_limit_per_minute: u32,
}

impl Default for ApiKeysConfig {
    fn default() -> Self {
        Self { rate_limit_per_minute: 600 }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MetricsConfig {
    /// When set, `GET /metrics` needs `Authorization: Bearer <token>`.
    pub token: Secret,
    /// When set, `/metrics` is served only on this address (e.g. 127.0.0.1:9090), not on `server.listen`.
    pub listen: Option<SocketAddr>,
}

/// Scheduled backups, taken by the server itself (off while `dir` is empty).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BackupConfig {
    /// Where scheduled backups go, one timestamped folder each; empty = no scheduled backups.
    pub dir: PathBuf,
    /// Time between two scheduled backups.
    pub interval: Interval,
    /// How many scheduled backups to keep; older ones are removed after a successful backup.
    pub keep: usize,
}

impl Default for BackupConfig {
    fn default() -> Self {
        Self { dir: PathBuf::new(), interval: Interval(std::time::Duration::from_secs(24 * 3600)), keep: 7 }
    }
}

/// A duration written with its unit: `"90s"`, `"30m"`, `"6h"`, `"1d"` (a bare number is seconds).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Interval(pub std::time::Duration);

impl Interval {
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        let digits = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
        let n: u64 = s[..digits].parse().ok()?;
        let unit = match s[digits..].trim() {
            "" | "s" => 1,
            "m" => 60,
            "h" => 3600,
            "d" => 86_400,
            _ => return None,
        };
        Some(Self(std::time::Duration::from_secs(n.checked_mul(unit)?)))
    }
}

impl fmt::Display for Interval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.0.as_secs();
        match s {
            0 => f.write_str("0s"),
            _ if s.is_multiple_of(86_400) => write!(f, "{}d", s / 86_400),
            _ if s.is_multiple_of(3600) => write!(f, "{}h", s / 3600),
            _ if s.is_multiple_of(60) => write!(f, "{}m", s / 60),
            _ => write!(f, "{s}s"),
        }
    }
}

impl Serialize for Interval {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Interval {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Secs(u64),
            Text(String),
        }
        let text = match Raw::deserialize(d)? {
            Raw::Secs(n) => return Ok(Self(std::time::Duration::from_secs(n))),
            Raw::Text(t) => t,
        };
        Self::parse(&text).ok_or_else(|| {
            serde::de::Error::custom(format!("{text:?} is not a duration such as \"90s\", \"30m\", \"6h\" or \"1d\""))
        })
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SearchConfig {
    /// ISO 3166 region whose dialling rules read phone numbers written nationally ("FR": "06 15..."
    /// is "+33 6 15..."). Empty: digits are matched as written; demo mode then uses "FR", the
    /// region of its sample data.
    pub default_region: String,
    /// Organizations (tenant id) whose numbers follow another region's rules, e.g. a German
    /// subsidiary on a French server: `{ "<tenant id>" = "DE" }`.
    pub regions: std::collections::BTreeMap<String, String>,
}

impl SearchConfig {
    /// The region to read phone numbers with (checked by `Config::check`).
    pub fn region(&self, mode: AuthMode) -> Option<crate::search::phone::Region> {
        match (self.default_region.trim(), mode) {
            ("", AuthMode::Demo) => crate::search::phone::Region::new("FR"),
            ("", _) => None,
            (r, _) => crate::search::phone::Region::new(r),
        }
    }
}

/// How long what was deleted or changed can be brought back.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RetentionConfig {
    /// Days a deleted contact, group or list stays in the trash (0 keeps nothing).
    pub trash_days: u32,
    /// Days the change log of a list keeps its entries (pollers and sync clients that come back
    /// later start over; 0 keeps only the newest entry).
    pub changes_days: u32,
    /// Minutes between two sweeps (purging the trash, compacting logs); one also runs at start.
    pub sweep_minutes: u32,
}

impl Default for RetentionConfig {
    fn default() -> Self {
        Self { trash_days: 30, changes_days: 30, sweep_minutes: 60 }
    }
}

impl RetentionConfig {
    pub fn trash_ms(&self) -> i64 {
        i64::from(self.trash_days) * 86_400_000
    }

    pub fn changes_ms(&self) -> i64 {
        i64::from(self.changes_days) * 86_400_000
    }
}

/// Live updates (Server-Sent Events).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EventsConfig {
    /// Open event streams per user (a browser tab holds one per open list).
    pub max_streams_per_user: usize,
    /// Open event streams on the whole server.
    pub max_streams: usize,
    /// Seconds between two heartbeat comments on an idle stream.
    pub heartbeat_secs: u64,
}

impl Default for EventsConfig {
    fn default() -> Self {
        Self { max_streams_per_user: 8, max_streams: 5_000, heartbeat_secs: 15 }
    }
}

/// Values given on the command line; they win over everything else.
#[derive(Clone, Debug, Default)]
pub struct CliOverrides {
    pub listen: Option<SocketAddr>,
    pub data_dir: Option<PathBuf>,
    pub auth_mode: Option<AuthMode>,
    pub allow_demo_on_network: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("configuration file {0} does not exist")]
    MissingFile(PathBuf),
    #[error("invalid configuration: {0}")]
    Invalid(String),
}

/// Where the config file is: the explicit path (must exist), else `./contactpro.toml` if present.
pub struct Loaded {
    pub config: Config,
    /// `CONTACTPRO_*` variables that match no key.
    pub unknown_env: Vec<String>,
}

const NOT_CONFIG_ENV: &[&str] = &["CONTACTPRO_CONFIG", "CONTACTPRO_BIN"];

pub fn load(file: Option<&Path>, env: &[(String, String)], cli: &CliOverrides) -> Result<Loaded, ConfigError> {
    let mut fig = Figment::from(Serialized::defaults(Config::default()));
    match file {
        Some(p) if !p.exists() => return Err(ConfigError::MissingFile(p.to_owned())),
        Some(p) => fig = fig.merge(Toml::file(p)),
        None if Path::new("contactpro.toml").exists() => fig = fig.merge(Toml::file("contactpro.toml")),
        None => {}
    }
    let known = known_keys();
    let mut unknown_env = Vec::new();
    let mut env_pairs = Vec::new();
    for (k, v) in env {
        let Some(rest) = k.strip_prefix("CONTACTPRO_") else { continue };
        if NOT_CONFIG_ENV.contains(&k.as_str()) {
            continue;
        }
        let key = rest.to_ascii_lowercase().replace("__", ".");
        if known.iter().any(|kk| kk == &key || key.starts_with(&format!("{kk}."))) {
            env_pairs.push((key, v.clone()));
        } else {
            unknown_env.push(k.clone());
        }
    }
    // figment's Env provider would read the process environment; we pass an explicit list instead so that
    // tests can run in parallel and unknown variables are filtered out rather than fatal.
    for (key, v) in env_pairs {
        let value: Value = v.parse().unwrap_or_else(|_| Value::from(v.clone()));
        fig = fig.merge(Serialized::global(&key, value));
    }
    if let Some(l) = cli.listen {
        fig = fig.merge(Serialized::global("server.listen", l.to_string()));
    }
    if let Some(d) = &cli.data_dir {
        fig = fig.merge(Serialized::global("storage.data_dir", d.display().to_string()));
    }
    if let Some(m) = cli.auth_mode {
        fig = fig.merge(Serialized::global("auth.mode", m));
    }
    if cli.allow_demo_on_network {
        fig = fig.merge(Serialized::global("server.allow_demo_on_network", true));
    }
    let config: Config = fig.extract().map_err(|e| ConfigError::Invalid(describe(e)))?;
    config.check()?;
    Ok(Loaded { config, unknown_env })
}

fn describe(e: figment::Error) -> String {
    e.into_iter().map(|e| e.to_string()).collect::<Vec<_>>().join("; ")
}

/// Every dotted key path of the config, from the defaults (a null leaf such as `server.tls`
/// stands for any key below it).
fn known_keys() -> BTreeSet<String> {
    fn walk(prefix: &str, v: &serde_json::Value, out: &mut BTreeSet<String>) {
        if let serde_json::Value::Object(m) = v {
            for (k, v) in m {
                let p = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
                out.insert(p.clone());
                walk(&p, v, out);
            }
        }
    }
    let mut out = BTreeSet::new();
    walk("", &serde_json::to_value(Config::default()).unwrap_or_default(), &mut out);
    out
}

impl Config {
    fn check(&self) -> Result<(), ConfigError> {
        let bad = |m: &str| Err(ConfigError::Invalid(m.to_owned()));
        if self.storage.max_open_orgs == 0 {
            return bad("storage.max_open_orgs must be at least 1");
        }
        if self.server.header_read_timeout_secs == 0 || self.server.keep_alive_timeout_secs == 0 {
            return bad("server.header_read_timeout_secs and server.keep_alive_timeout_secs must be at least 1");
        }
        if self.server.max_connections == 0 {
            return bad("server.max_connections must be at least 1");
        }
        if self.limits.max_lists_per_org == 0 {
            return bad("limits.max_lists_per_org must be at least 1");
        }
        if self.limits.max_parallel_imports == 0 {
            return bad("limits.max_parallel_imports must be at least 1");
        }
        if self.server.max_body_bytes < 1024 {
            return bad("server.max_body_bytes must be at least 1024");
        }
        if self.auth.mode == AuthMode::Entra && self.auth.entra.client_id.is_empty() {
            return bad("auth.mode = \"entra\" needs auth.entra.client_id");
        }
        if self.auth.mode == AuthMode::Oidc && (self.auth.oidc.issuer.is_empty() || self.auth.oidc.audience.is_empty())
        {
            return bad("auth.mode = \"oidc\" needs auth.oidc.issuer and auth.oidc.audience");
        }
        let region = self.search.default_region.trim();
        if !region.is_empty() && crate::search::phone::Region::new(region).is_none() {
            return Err(ConfigError::Invalid(format!(
                "search.default_region {region:?} is not a region code with phone numbering rules (e.g. \"FR\", \"US\")"
            )));
        }
        let map = self.web.map_url.trim();
        if !map.is_empty()
            && (!(map.starts_with("https://") || map.starts_with("http://")) || !map.contains("{address}"))
        {
            return bad("web.map_url must be an http(s) URL with {address} in it (or empty: no map links)");
        }
        if self.web.map_name.chars().count() > 40 {
            return bad("web.map_name must be at most 40 characters");
        }
        for (org, region) in &self.search.regions {
            if crate::search::phone::Region::new(region.trim()).is_none() {
                return Err(ConfigError::Invalid(format!(
                    "search.regions: {region:?} (for {org}) is not a region code with phone numbering rules"
                )));
            }
        }
        if self.retention.sweep_minutes == 0 {
            return bad("retention.sweep_minutes must be at least 1");
        }
        if self.events.heartbeat_secs == 0 {
            return bad("events.heartbeat_secs must be at least 1");
        }
        if !self.backup.dir.as_os_str().is_empty() {
            if self.backup.interval.0.as_secs() == 0 {
                return bad("backup.interval must be at least 1s");
            }
            if self.backup.keep == 0 {
                return bad("backup.keep must be at least 1");
            }
        }
        Ok(())
    }

    pub fn contact_limits(&self) -> crate::model::Limits {
        crate::model::Limits {
            max_field_len: self.limits.max_field_len,
            max_notes_len: self.limits.max_notes_len,
            ..Default::default()
        }
    }

    /// What one import file may hold (see `io::ImportLimits`).
    pub fn import_limits(&self) -> crate::io::ImportLimits {
        crate::io::ImportLimits {
            max_rows: self.limits.max_import_rows,
            fields: self.contact_limits(),
            max_text_bytes: self.limits.max_import_text_bytes,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, text: &str) -> PathBuf {
        let p = dir.join("contactpro.toml");
        std::fs::write(&p, text).unwrap();
        p
    }

    #[test]
    fn precedence_file_then_env_then_cli() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(
            dir.path(),
            "[server]\nlisten = \"127.0.0.1:1111\"\n[storage]\nmax_open_orgs = 3\ndata_dir = \"/from/file\"\n",
        );
        let env = vec![
            ("CONTACTPRO_SERVER__LISTEN".to_owned(), "127.0.0.1:2222".to_owned()),
            ("CONTACTPRO_STORAGE__DATA_DIR".to_owned(), "/from/env".to_owned()),
            ("CONTACTPRO_NOPE".to_owned(), "x".to_owned()),
        ];
        let cli = CliOverrides { data_dir: Some("/from/cli".into()), ..Default::default() };
        let l = load(Some(&p), &env, &cli).unwrap();
        assert_eq!(l.config.storage.max_open_orgs, 3, "file beats defaults");
        assert_eq!(l.config.server.listen.port(), 2222, "env beats file");
        assert_eq!(l.config.storage.data_dir, PathBuf::from("/from/cli"), "cli beats env");
        assert_eq!(l.unknown_env, vec!["CONTACTPRO_NOPE".to_owned()]);
    }

    #[test]
    fn unknown_key_names_key_and_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(dir.path(), "[server]\nlisten = \"127.0.0.1:1\"\nlistn = 3\n");
        let err = load(Some(&p), &[], &CliOverrides::default()).err().unwrap().to_string();
        assert!(err.contains("listn"), "{err}");
        assert!(err.contains("contactpro.toml"), "{err}");
    }

    #[test]
    fn secrets_are_hidden_in_debug() {
        let mut c = Config::default();
        c.auth.entra.client_secret = Secret("hunter2".into());
        assert!(!format!("{c:?}").contains("hunter2"));
    }

    #[test]
    fn backup_interval_takes_a_unit_and_names_a_bad_value() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(dir.path(), "[backup]\ndir = \"/b\"\ninterval = \"6h\"\nkeep = 3\n");
        let l = load(Some(&p), &[], &CliOverrides::default()).unwrap();
        assert_eq!(l.config.backup.interval.0.as_secs(), 6 * 3600);
        let env = vec![("CONTACTPRO_BACKUP__INTERVAL".to_owned(), "90".to_owned())];
        assert_eq!(load(Some(&p), &env, &CliOverrides::default()).unwrap().config.backup.interval.0.as_secs(), 90);
        let p = write(dir.path(), "[backup]\ninterval = \"6 weeks\"\n");
        let err = load(Some(&p), &[], &CliOverrides::default()).err().unwrap().to_string();
        assert!(err.contains("interval") && err.contains("6 weeks"), "{err}");
        let p = write(dir.path(), "[backup]\ndir = \"/b\"\nkeep = 0\n");
        let err = load(Some(&p), &[], &CliOverrides::default()).err().unwrap().to_string();
        assert!(err.contains("backup.keep"), "{err}");
    }

    #[test]
    fn missing_explicit_file_is_an_error() {
        assert!(matches!(
            load(Some(Path::new("/no/such/contactpro.toml")), &[], &CliOverrides::default()),
            Err(ConfigError::MissingFile(_))
        ));
    }
}

#[cfg(test)]
mod shipped_file {
    /// The tracked contactpro.toml parses and equals the defaults, so its comments stay true.
    #[test]
    fn shipped_config_is_the_defaults() {
        let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("contactpro.toml");
        let l = super::load(Some(&p), &[], &super::CliOverrides::default()).unwrap();
        assert_eq!(l.config, super::Config::default());
    }
}

#[cfg(test)]
mod web_tests {
    use super::*;

    #[test]
    fn a_map_url_must_be_http_with_the_address_in_it() {
        let with =
            |url: &str| Config { web: WebConfig { map_url: url.into(), ..Default::default() }, ..Default::default() };
        assert!(with("https://www.google.com/maps/search/?api=1&query={address}").check().is_ok());
        assert!(with("").check().is_ok(), "empty: no map links");
        for bad in ["javascript:alert(1)//{address}", "https://maps.example/", "ftp://x/{address}"] {
            let err = with(bad).check().unwrap_err().to_string();
            assert!(err.contains("web.map_url"), "{bad}: {err}");
        }
    }
}
