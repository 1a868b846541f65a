//! Connections, plain and TLS, through one axum-server path so both get the same bounds:
//!
//! - a new connection has `server.header_read_timeout_secs` to finish its TLS handshake (the rustls
//!   acceptor's handshake timeout) and then to send a complete first request head (axum-server's
//!   first-request timeout, which also covers hyper's protocol detection: a connection that sends
//!   nothing never reaches hyper's own header timer);
//! - between requests, hyper's HTTP/1 header-read timer restarts as soon as a connection goes idle, so
//!   `server.keep_alive_timeout_secs` bounds both the idle wait and the next request's head; HTTP/2
//!   connections are pinged at that interval and closed when the peer stops answering;
//! - at most `server.max_connections` are open at once: the acceptor takes a permit before anything
//!   else (before the TLS handshake) and a connection without one is closed at once, so a flood costs
//!   an accept and a close, never memory that grows with the flood.
//!
//! The request timeout is a tower layer in [`crate::router`]; this module only owns connections.

use crate::config::ServerConfig;
use axum::extract::connect_info::IntoMakeServiceWithConnectInfo;
use axum_server::accept::Accept;
use axum_server::tls_rustls::{RustlsAcceptor, RustlsConfig};
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

pub type App = IntoMakeServiceWithConnectInfo<axum::Router, SocketAddr>;

/// Serve `app` on `listener` (TLS when `tls` is given) until `handle` is shut down.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: App,
    cfg: &ServerConfig,
    tls: Option<RustlsConfig>,
    handle: axum_server::Handle<SocketAddr>,
) -> io::Result<()> {
    let header = Duration::from_secs(cfg.header_read_timeout_secs.max(1));
    let idle = Duration::from_secs(cfg.keep_alive_timeout_secs.max(1));
    let limit = ConnectionLimit::new(cfg.max_connections.max(1));
    let mut server = axum_server::from_tcp(listener.into_std()?)?;
    // axum-server installs a Tokio timer on both protocol builders, which these timeouts need.
    let b = server.http_builder();
    b.http1().keep_alive(true).header_read_timeout(idle);
    b.http2().keep_alive_interval(idle).keep_alive_timeout(Duration::from_secs(20));
    let server = server.first_request_timeout(header).handle(handle).accept_error_handler(|addr, e| {
        tracing::debug!(client = ?addr, error = %e, "connection refused or failed before its first request");
    });
    match tls {
        Some(config) => {
            let acceptor = RustlsAcceptor::new(config).handshake_timeout(header).acceptor(limit);
            server.acceptor(acceptor).serve(app).await
        }
        None => server.acceptor(limit).serve(app).await,
    }
}

/// The acceptor that bounds open connections: the permit lives in the stream, so it is released
/// when the connection closes, whoever closes it.
#[derive(Clone)]
pub struct ConnectionLimit {
    permits: Arc<Semaphore>,
}

impl ConnectionLimit {
    pub fn new(max: usize) -> Self {
        Self { permits: Arc::new(Semaphore::new(max.min(Semaphore::MAX_PERMITS))) }
    }
}

impl<I, S> Accept<I, S> for ConnectionLimit {
    type Stream = Limited<I>;
    type Service = S;
    type Future = std::future::Ready<io::Result<(Limited<I>, S)>>;

    fn accept(&self, stream: I, service: S) -> Self::Future {
        std::future::ready(match self.permits.clone().try_acquire_owned() {
            Ok(permit) => Ok((Limited { inner: stream, _permit: permit }, service)),
            Err(_) => Err(io::Error::other("server.max_connections reached; connection closed")),
        })
    }
}

/// A connection holding one of the [`ConnectionLimit`]'s permits.
pub struct Limited<I> {
    inner: I,
    _permit: OwnedSemaphorePermit,
}

impl<I: AsyncRead + Unpin> AsyncRead for Limited<I> {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<I: AsyncWrite + Unpin> AsyncWrite for Limited<I> {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}
