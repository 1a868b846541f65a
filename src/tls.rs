//! HTTPS with rustls (`[server.tls]`): loads the certificate and reloads it when its files change,
//! so a renewed certificate (e.g. by certbot) is picked up without a restart. Connections (plain or
//! TLS, with their timeouts and limit) are served by [`crate::server`].

use crate::config::TlsConfig;
use axum_server::tls_rustls::RustlsConfig;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// Load the certificate and key, with an error that names the files.
pub async fn load(tls: &TlsConfig) -> std::io::Result<RustlsConfig> {
    RustlsConfig::from_pem_file(&tls.cert, &tls.key).await.map_err(|e| {
        std::io::Error::new(
            e.kind(),
            format!("TLS certificate {} / key {}: {e}", tls.cert.display(), tls.key.display()),
        )
    })
}

/// Load the certificate and start the reload watcher (stopped when the returned task is aborted).
pub async fn start(tls: &TlsConfig) -> std::io::Result<(RustlsConfig, Option<tokio::task::JoinHandle<()>>)> {
    let config = load(tls).await?;
    let watcher = (tls.reload_secs > 0).then(|| {
        let period = Duration::from_secs(tls.reload_secs);
        tokio::spawn(watch(config.clone(), tls.cert.clone(), tls.key.clone(), period))
    });
    Ok((config, watcher))
}

fn mtimes(cert: &Path, key: &Path) -> Option<(SystemTime, SystemTime)> {
    let m = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    Some((m(cert)?, m(key)?))
}

/// Poll the files' modification times and reload when either changed. A failed reload (e.g. the
/// cert written but not yet the key) keeps the current certificate and is retried on the next tick.
async fn watch(config: RustlsConfig, cert: PathBuf, key: PathBuf, period: Duration) {
    let mut seen = mtimes(&cert, &key);
    let mut tick = tokio::time::interval(period);
    tick.tick().await;
    loop {
        tick.tick().await;
        let now = mtimes(&cert, &key);
        if now.is_none() || now == seen {
            continue;
        }
        match config.reload_from_pem_file(&cert, &key).await {
            Ok(()) => {
                tracing::info!(cert = %cert.display(), "TLS certificate reloaded");
                seen = now;
            }
            Err(e) => {
                tracing::warn!(cert = %cert.display(), error = %e, "TLS certificate reload failed; keeping the current one")
            }
        }
    }
}
