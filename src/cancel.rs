//! Cooperative cancellation for blocking work a request starts. When a request is cancelled (the
//! request timeout fired, or the client went away), its future is dropped; a blocking thread cannot
//! be interrupted, so work run through [`run_blocking`] gets a [`Cancel`] that turns true at that
//! moment, and a long loop (a parser, a scan) stops at its next check instead of burning a core for
//! an answer nobody will read.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

#[derive(Clone, Debug, Default)]
pub struct Cancel(Arc<AtomicBool>);

impl Cancel {
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }

    pub fn cancel(&self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

/// Sets the flag when the awaiting future goes away, finished or not (after the work finished,
/// nobody looks at it any more).
struct CancelOnDrop(Cancel);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.cancel();
    }
}

/// `tokio::task::spawn_blocking`, with a flag that turns true when this future is dropped.
pub async fn run_blocking<T: Send + 'static>(
    f: impl FnOnce(&Cancel) -> T + Send + 'static,
) -> Result<T, tokio::task::JoinError> {
    let cancel = Cancel::default();
    let _guard = CancelOnDrop(cancel.clone());
    tokio::task::spawn_blocking(move || f(&cancel)).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn dropping_the_await_cancels_the_blocking_work() {
        let (tx, rx) = std::sync::mpsc::channel();
        let work = run_blocking(move |c| {
            let mut spins = 0u64;
            while !c.is_cancelled() {
                spins += 1;
                std::thread::sleep(Duration::from_millis(1));
            }
            let _ = tx.send(spins);
        });
        assert!(tokio::time::timeout(Duration::from_millis(50), work).await.is_err(), "timed out, as a request would");
        let spins =
            rx.recv_timeout(Duration::from_secs(10)).expect("the blocking work saw the cancellation and stopped");
        assert!(spins > 0);
    }

    #[tokio::test]
    async fn finished_work_returns_its_value() {
        assert_eq!(run_blocking(|c| (c.is_cancelled(), 7)).await.unwrap(), (false, 7));
    }
}
