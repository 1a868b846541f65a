//! A multistatus answer written on a blocking thread and sent in 64 KiB chunks, so a book of any
//! size costs one card's text at a time. A failure half-way ends the body with an error, which
//! aborts the connection: a client never takes a cut-short answer for a complete one.

use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use std::panic::AssertUnwindSafe;
use tokio::sync::mpsc;

const CHUNK: usize = 64 * 1024;

type Chunk = Result<Bytes, std::io::Error>;

pub struct Out {
    tx: mpsc::Sender<Chunk>,
    pub buf: String,
    gone: bool,
}

impl Out {
    /// Send what is buffered when it is large; false once the client has gone (stop writing).
    pub fn flush_if_full(&mut self) -> bool {
        if self.buf.len() >= CHUNK {
            self.flush();
        }
        !self.gone
    }

    fn flush(&mut self) {
        if self.buf.is_empty() || self.gone {
            return;
        }
        let chunk = Bytes::from(std::mem::take(&mut self.buf).into_bytes());
        if self.tx.blocking_send(Ok(chunk)).is_err() {
            self.gone = true;
        }
    }
}

/// A 207 whose body `f` writes (between the multistatus start and end) on a blocking thread.
pub fn multistatus<E: std::fmt::Display + Send + 'static>(
    f: impl FnOnce(&mut Out) -> Result<(), E> + Send + 'static,
) -> Response {
    let (tx, rx) = mpsc::channel::<Chunk>(4);
    tokio::task::spawn_blocking(move || {
        let mut out = Out { tx: tx.clone(), buf: String::with_capacity(CHUNK + 8192), gone: false };
        out.buf.push_str(super::props::START);
        let r = std::panic::catch_unwind(AssertUnwindSafe(|| f(&mut out)));
        let failure = match r {
            Ok(Ok(())) => None,
            Ok(Err(e)) => Some(e.to_string()),
            Err(_) => Some("the answer could not be written".to_owned()),
        };
        match failure {
            None => {
                out.buf.push_str(super::props::END);
                out.flush();
            }
            Some(why) => {
                tracing::error!(error = %why, "DAV answer aborted");
                let _ = tx.blocking_send(Err(std::io::Error::other(why)));
            }
        }
    });
    let stream = futures_stream(rx);
    let mut r = Response::new(Body::from_stream(stream));
    *r.status_mut() = StatusCode::MULTI_STATUS;
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/xml; charset=utf-8"));
    r
}

fn futures_stream(rx: mpsc::Receiver<Chunk>) -> tokio_stream::wrappers::ReceiverStream<Chunk> {
    tokio_stream::wrappers::ReceiverStream::new(rx)
}
