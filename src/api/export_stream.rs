//! The producer side of a streamed export: contacts are read in batches and written by a codec into
//! 64 KiB chunks sent to the response body. A read error, a codec error or a panic ends the body
//! with an error, which makes hyper abort the connection (no final chunk), so a client never takes a
//! cut-short file for a complete 200.

use crate::io::{self, Format};
use crate::model::{Contact, GroupId};
use std::fmt::Display;
use std::panic::AssertUnwindSafe;
use tokio::sync::mpsc::Sender;

pub type Chunk = Result<Vec<u8>, std::io::Error>;

/// Write every batch with `format`'s codec to `tx`; runs on a blocking thread.
pub fn produce<E: Display>(
    tx: &Sender<Chunk>,
    format: Format,
    batches: impl Iterator<Item = Result<Vec<Contact>, E>>,
    group_name: &dyn Fn(GroupId) -> Option<String>,
) {
    let mut read_error = None;
    let written = std::panic::catch_unwind(AssertUnwindSafe(|| {
        let mut contacts = batches.map_while(|b| b.map_err(|e| read_error = Some(e.to_string())).ok()).flatten();
        let mut out = ChannelWriter { tx: tx.clone(), buf: Vec::with_capacity(64 * 1024) };
        let result = match format {
            Format::Xlsx => io::write_xlsx_stream(&mut out, &mut contacts, group_name),
            Format::Csv => io::write_csv(&mut out, &mut contacts, group_name),
            Format::Vcard => io::write_vcard(&mut out, &mut contacts, group_name),
        };
        result.and_then(|()| std::io::Write::flush(&mut out))
    }));
    let failure = match (written, read_error) {
        (Err(_), _) => Some("the export failed".to_owned()),
        (Ok(_), Some(e)) => Some(format!("reading contacts failed: {e}")),
        (Ok(Err(e)), None) => Some(e.to_string()),
        (Ok(Ok(())), None) => None,
    };
    if let Some(why) = failure {
        tracing::error!(error = %why, "export aborted");
        let _ = tx.blocking_send(Err(std::io::Error::other(why)));
    }
}

/// Sends what is written to the response body in 64 KiB chunks, so exports stream.
struct ChannelWriter {
    tx: Sender<Chunk>,
    buf: Vec<u8>,
}

impl std::io::Write for ChannelWriter {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(data);
        if self.buf.len() >= 64 * 1024 {
            self.flush()?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if !self.buf.is_empty() {
            let chunk = std::mem::replace(&mut self.buf, Vec::with_capacity(64 * 1024));
            self.tx.blocking_send(Ok(chunk)).map_err(|_| std::io::Error::other("client went away"))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ContactFields, ContactId, Timestamp, UserRef};

    fn contact(i: usize) -> Contact {
        Contact {
            id: ContactId::new_random(),
            fields: ContactFields { full_name: format!("Person {i} {}", "x".repeat(200)), ..Default::default() },
            created_at: Timestamp(0),
            created_by: UserRef::default(),
            updated_at: Timestamp(0),
            updated_by: UserRef::default(),
            version: 1,
        }
    }

    /// Chunks were already sent when the read fails: the stream must end with an error, not cleanly.
    #[test]
    fn a_read_error_mid_stream_ends_the_body_with_an_error() {
        for format in [Format::Csv, Format::Vcard, Format::Xlsx] {
            let (tx, mut rx) = tokio::sync::mpsc::channel::<Chunk>(1024);
            let batches = (0..3).map(|b| if b < 2 { Ok((0..500).map(contact).collect()) } else { Err("disk on fire") });
            produce(&tx, format, batches, &|_| None);
            drop(tx);
            let mut items = Vec::new();
            while let Ok(i) = rx.try_recv() {
                items.push(i);
            }
            assert!(items.len() > 1 && items[0].is_ok(), "{format:?}: data was streamed before the failure");
            assert!(items.last().unwrap().is_err(), "{format:?}: the body must end with an error");
        }
    }

    #[test]
    fn a_complete_export_ends_cleanly() {
        let (tx, mut rx) = tokio::sync::mpsc::channel::<Chunk>(1024);
        produce(&tx, Format::Csv, (0..2).map(|_| Ok::<_, String>((0..10).map(contact).collect())), &|_| None);
        drop(tx);
        let mut n = 0;
        while let Ok(i) = rx.try_recv() {
            assert!(i.is_ok());
            n += 1;
        }
        assert!(n >= 1);
    }
}
