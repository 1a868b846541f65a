//! contactpro: a self-hosted shared contact book for Microsoft Teams.
//!
//! Entry points are plain functions: [`AppState::new`] builds everything from a [`config::Config`],
//! [`router`] turns it into an axum `Router`, and [`serve`] runs it on an already-bound listener
//! until the shutdown future resolves, so tests bind `127.0.0.1:0` and never pick ports.

pub mod api;
pub mod auth;
pub mod backup;
pub mod cancel;
pub mod clock;
pub mod config;
pub mod dav;
pub mod error;
pub mod events;
pub mod files;
pub mod headers;
pub mod io;
pub mod jobs;
pub mod metrics;
pub mod model;
pub mod profiles;
pub mod search;
pub mod seed;
pub mod server;
pub mod shard;
pub mod store;
pub mod sweep;
pub mod teams_app;
pub mod tls;
pub mod web;

use crate::auth::{Auth, ClaimNames};
use crate::clock::SharedClock;
use crate::config::{AuthMode, Config};
use crate::store::Registry;
use std::ops::Deref;
use std::sync::Arc;
use std::time::Duration;

pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Everything a request handler may use. No globals: config and handles travel here.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

pub struct Inner {
    pub config: Config,
    pub registry: Arc<Registry>,
    pub auth: Auth,
    pub profiles: profiles::Profiles,
    pub metrics: metrics::Metrics,
    pub jobs: jobs::Jobs,
    pub clock: SharedClock,
    /// One HTTP client (connection pool) for key sets, discovery, the token endpoint and Graph.
    pub http: reqwest::Client,
    /// Organizations moving to another node (sharding, `contactpro org export`).
    pub moves: shard::Moves,
}

impl Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("data directory {path}: {source}")]
    DataDir { path: String, source: std::io::Error },
    #[error("{0}")]
    Auth(String),
}

impl AppState {
    pub fn new(config: Config, clock: SharedClock) -> Result<Self, StartError> {
        let dir = &config.storage.data_dir;
        let io = |source| StartError::DataDir { path: dir.display().to_string(), source };
        files::private_dir(dir).map_err(io)?;
        files::private_dir(&dir.join("orgs")).map_err(io)?;
        for p in files::fix_modes(dir).map_err(io)? {
            tracing::warn!(path = %p.display(), "data directory entry was readable by others; now owner-only (0700/0600)");
        }
        let server_key = auth::demo::secret_file(dir, "server-key").map_err(io)?;
        let legacy = auth::apikey::legacy::LegacyKeys::load_or_build(dir, || legacy_key_scan(&config)).map_err(io)?;
        let keys = auth::apikey::KeyAuth::new(server_key, config.api_keys.rate_limit_per_minute, legacy);
        let leeway = i64::try_from(config.auth.leeway_secs).unwrap_or(60);
        let http = http_client(&config.auth.ca_file)?;
        let auth = match config.auth.mode {
            AuthMode::Demo => {
                let secret = auth::demo::load_or_create_secret(dir).map_err(io)?;
                Auth {
                    verifier: auth::demo::verifier(&secret, leeway),
                    claims: ClaimNames::default(),
                    fixed_org: None,
                    allowed_orgs: Vec::new(),
                    demo_secret: Some(secret),
                    keys,
                    directory: Default::default(),
                }
            }
            AuthMode::Entra => auth::providers::entra(&config.auth.entra, &http, clock.clone(), leeway, keys)
                .map_err(StartError::Auth)?,
            AuthMode::Oidc => auth::providers::oidc(&config.auth.oidc, &http, clock.clone(), leeway, keys)
                .map_err(StartError::Auth)?,
        };
        // Indexes built from now on read phone numbers with this region's rules.
        search::phone::set_default_region(config.search.region(config.auth.mode));
        search::phone::add_org_regions(
            config
                .search
                .regions
                .iter()
                .filter_map(|(org, code)| search::phone::Region::new(code.trim()).map(|r| (org.trim().to_owned(), r))),
        );
        let registry = Arc::new(Registry::new(
            dir,
            config.storage.max_open_orgs,
            config.storage.cache_mib_per_org * 1024 * 1024,
            Duration::from_secs(config.storage.max_wait_secs.max(1)),
        ));
        let profiles = profiles::Profiles::new(
            config.profiles.cache_capacity,
            Duration::from_secs(config.profiles.cache_ttl_secs),
        );
        let metrics = metrics::Metrics::new(&profiles, registry.clone());
        let jobs =
            jobs::Jobs::new(config.limits.max_parallel_imports, Duration::from_secs(config.limits.job_retention_secs));
        let moves = shard::Moves::load(dir).map_err(io)?;
        Ok(Self(Arc::new(Inner { config, registry, auth, profiles, metrics, jobs, clock, http, moves })))
    }
}

/// Every API key made before keys carried a MAC, from every organization on disk: run once, at the
/// first start after the upgrade (see `auth::apikey::legacy`).
fn legacy_key_scan(config: &Config) -> std::io::Result<Vec<([u8; 32], model::OrgId, model::KeyId)>> {
    let orgs = config.storage.data_dir.join("orgs");
    let mut found = Vec::new();
    let entries = match std::fs::read_dir(&orgs) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(found),
        Err(e) => return Err(e),
    };
    for entry in entries {
        let path = entry?.path();
        let Some(org) = path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.strip_suffix(".redb"))
            .and_then(model::OrgId::parse)
        else {
            continue;
        };
        let store = store::OrgStore::open(org.clone(), &path, 1 << 20, false)
            .map_err(|e| std::io::Error::other(format!("{}: {e}", path.display())))?;
        let keys = store.legacy_api_keys().map_err(|e| std::io::Error::other(format!("{}: {e}", path.display())))?;
        found.extend(keys.into_iter().map(|(h, id)| (h, org.clone(), id)));
    }
    Ok(found)
}

/// Short timeouts: a slow identity provider must fail fast rather than hold requests.
fn http_client(ca_file: &std::path::Path) -> Result<reqwest::Client, StartError> {
    let mut b = reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .connect_timeout(Duration::from_secs(3))
        .user_agent(concat!("contactpro/", env!("CARGO_PKG_VERSION")));
    if !ca_file.as_os_str().is_empty() {
        let bad = |why: String| StartError::Auth(format!("auth.ca_file {}: {why}", ca_file.display()));
        let pem = std::fs::read(ca_file).map_err(|e| bad(e.to_string()))?;
        let certs = reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| bad(e.to_string()))?;
        if certs.is_empty() {
            return Err(bad("no PEM certificate in the file".into()));
        }
        for c in certs {
            b = b.add_root_certificate(c);
        }
    }
    b.build().map_err(|e| StartError::Auth(format!("cannot create the HTTP client: {e}")))
}

/// Origins the browser must reach to sign in outside Teams (added to the CSP's connect-src).
fn idp_origins(auth: &config::AuthConfig) -> Vec<String> {
    let url = match auth.mode {
        config::AuthMode::Entra => &auth.entra.authority,
        config::AuthMode::Oidc => &auth.oidc.issuer,
        config::AuthMode::Demo => return Vec::new(),
    };
    web::origin_of(url).into_iter().filter(|o| o != "https://login.microsoftonline.com").collect()
}

pub fn router(state: AppState) -> axum::Router {
    use axum::middleware;
    use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
    use tower_http::trace::TraceLayer;

    let x_request_id = axum::http::HeaderName::from_static("x-request-id");
    let timeout = Duration::from_secs(state.config.server.request_timeout_secs.max(1));
    axum::Router::new()
        .merge(api::routes(state.clone()))
        .merge(dav::routes())
        .merge(web::routes(web::csp(&idp_origins(&state.config.auth))))
        // Until the response head is sent: long exports stream past it, imports run as jobs. On
        // timeout the handler's future is dropped, which cancels its awaits; work already handed to
        // `spawn_blocking` cannot be interrupted and runs to its end (see `api::blocking`).
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(axum::http::StatusCode::REQUEST_TIMEOUT, timeout))
        .layer(middleware::from_fn(dav::outside))
        // Organizations moving to another node: 503 + Retry-After for their writes (shard.rs).
        .layer(middleware::from_fn_with_state(state.clone(), shard::guard))
        .layer(middleware::from_fn_with_state(state.clone(), metrics::track))
        .layer(TraceLayer::new_for_http().make_span_with(|req: &axum::http::Request<_>| {
            let id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-");
            tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id = %id)
        }))
        .layer(PropagateRequestIdLayer::new(x_request_id.clone()))
        .layer(SetRequestIdLayer::new(x_request_id, MakeRequestUuid))
        .layer(middleware::from_fn_with_state(headers::Policy::new(&state.config), headers::apply))
        .with_state(state)
}

/// Serve until `shutdown` resolves, let in-flight requests finish (at most
/// `server.shutdown_grace_secs`), then close every database. `/metrics` gets its own listener when
/// `metrics.listen` is set.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let cfg = &state.config.server;
    // Backups made on request (admin socket) and on schedule run one at a time.
    let backups = Arc::new(tokio::sync::Mutex::new(()));
    let admin = backup::socket::AdminSocket::start(state.clone(), backups.clone());
    let scheduled = backup::schedule::Scheduler::start(state.clone(), backups);
    let app = router(state.clone()).into_make_service_with_connect_info::<std::net::SocketAddr>();
    // Rate-limit state of API keys and client addresses is pruned so it stays bounded.
    let pruner = {
        let state = state.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(60));
            loop {
                tick.tick().await;
                state.auth.keys.prune();
            }
        })
    };
    let (tls, watcher) = match &cfg.tls {
        Some(t) => {
            let (c, w) = tls::start(t).await?;
            (Some(c), w)
        }
        None => (None, None),
    };
    let handle = axum_server::Handle::new();
    let metrics_handle = axum_server::Handle::new();
    let metrics_server = match state.config.metrics.listen {
        Some(addr) => {
            let l = tokio::net::TcpListener::bind(addr)
                .await
                .map_err(|e| std::io::Error::new(e.kind(), format!("metrics.listen {addr}: {e}")))?;
            let app = metrics_router(state.clone()).into_make_service_with_connect_info::<std::net::SocketAddr>();
            let (h, cfg) = (metrics_handle.clone(), cfg.clone());
            Some(tokio::spawn(async move { server::serve(l, app, &cfg, None, h).await }))
        }
        None => None,
    };
    let grace = Duration::from_secs(cfg.shutdown_grace_secs);
    tokio::spawn({
        let (h, m) = (handle.clone(), metrics_handle.clone());
        async move {
            shutdown.await;
            h.graceful_shutdown(Some(grace));
            m.graceful_shutdown(Some(grace));
        }
    });
    let sweeper = sweep::start(state.clone());
    let result = server::serve(listener, app, cfg, tls, handle).await;
    pruner.abort();
    sweeper.abort();
    if let Some(w) = watcher {
        w.abort();
    }
    if let Some(m) = metrics_server {
        metrics_handle.graceful_shutdown(Some(grace));
        let _ = m.await;
    }
    if let Some(a) = admin {
        a.stop();
    }
    if let Some(s) = scheduled {
        s.stop(Duration::from_secs(cfg.shutdown_grace_secs)).await;
    }
    state.jobs.wait_idle(Duration::from_secs(cfg.shutdown_grace_secs)).await;
    let closed = state.registry.close_idle();
    tracing::info!(closed, "databases closed");
    result
}

/// `/metrics` alone, for `metrics.listen`.
fn metrics_router(state: AppState) -> axum::Router {
    api::metrics_routes()
        .layer(axum::middleware::from_fn_with_state(headers::Policy::plain(), headers::apply))
        .with_state(state)
}
