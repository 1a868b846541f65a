//! The admin socket: `DATA_DIR/admin.sock`, through which `contactpro backup` asks a running
//! server for consistent copies of its databases (only the server may copy a database it holds
//! open: redb locks the file against other processes, and only the server can stop its writers).
//!
//! Owner-only: the socket is 0600 and every connection's peer uid (`SO_PEERCRED`) must be the
//! socket's owner (the server's user) or root; anyone else gets an error line and is logged.
//! Requests carry no paths: the server writes each copy in `DATA_DIR/.backup-staging/`, a
//! folder it can always write (the systemd unit lets it write nothing else), and the client,
//! which can read the data directory as the same user or root, moves it into its backup folder.
//! So at most one organization's copy is staged at a time.
//!
//! Protocol, one JSON object per line. Client: `{"op":"ping"}` or `{"op":"backup"}`. Server:
//! `{"ok":{"version":..}}`; for a backup, per organization `{"staged":{"org","path","bytes",
//! "schema_version"}}`, answered `{"op":"next"}` once the client has taken the file; then
//! `{"done":{"orgs":N}}`; or `{"error":"why"}` at any point.

use super::{BackupError, BackupWriter, Manifest, acquire_existing, blocking, io_at, org_files};
use crate::AppState;
use crate::model::{OrgId, Timestamp};
use crate::store::backup::CopiedDb;
use serde::{Deserialize, Serialize};
use std::io::{BufRead, BufReader, Write};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt};

pub const SOCKET: &str = "admin.sock";
const STAGING: &str = ".backup-staging";
/// Longest a client may take to move one staged copy (a large organization to a slow disk).
const CLIENT_STEP: Duration = Duration::from_secs(3600);
/// Bytes a client may send in a whole conversation: a few short lines.
const MAX_REQUEST_BYTES: u64 = 64 * 1024;

pub fn socket_path(data_dir: &Path) -> PathBuf {
    data_dir.join(SOCKET)
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "lowercase")]
enum Request {
    Ping,
    Backup,
    Next,
    /// Mark one organization moving, wait for its writes, stage one copy (`org export`).
    Export {
        org: String,
    },
    /// Remove a moving organization's database, leaving a tombstone (`org delete` after a move).
    Release {
        org: String,
    },
    /// Clear an organization's moving or moved mark (`org import`, `org resume`).
    Resume {
        org: String,
    },
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Reply {
    Ok { version: String },
    Staged { org: String, path: PathBuf, bytes: u64, schema_version: u32 },
    Done { orgs: usize },
    Error(String),
}

/// The listening socket of a running server; [`AdminSocket::stop`] removes it.
pub struct AdminSocket {
    path: PathBuf,
    task: tokio::task::JoinHandle<()>,
}

impl AdminSocket {
    /// Listen on `DATA_DIR/admin.sock`. Without it the server still runs (the backup command then
    /// says the databases are in use), so a failure is logged, not fatal.
    pub fn start(state: AppState, backups: Arc<tokio::sync::Mutex<()>>) -> Option<Self> {
        let data_dir = state.config.storage.data_dir.clone();
        let path = socket_path(&data_dir);
        if std::os::unix::net::UnixStream::connect(&path).is_ok() {
            tracing::warn!(socket = %path.display(), "another server answers on the admin socket of this data directory; backups will go to that one");
            return None;
        }
        let _ = std::fs::remove_file(&path); // a socket left by a killed server
        let listener = match bind(&path) {
            Ok(l) => l,
            Err(e) => {
                tracing::warn!(socket = %path.display(), error = %e, "no admin socket: `contactpro backup` cannot reach this server");
                return None;
            }
        };
        let owner = match std::fs::metadata(&path) {
            Ok(m) => m.uid(),
            Err(e) => {
                tracing::warn!(socket = %path.display(), error = %e, "no admin socket");
                return None;
            }
        };
        let task = tokio::spawn(async move {
            loop {
                let stream = match listener.accept().await {
                    Ok((s, _)) => s,
                    Err(e) => {
                        // Out of file descriptors, say: wait instead of spinning.
                        tracing::warn!(error = %e, "admin socket: accept failed");
                        tokio::time::sleep(Duration::from_millis(200)).await;
                        continue;
                    }
                };
                let (state, backups) = (state.clone(), backups.clone());
                tokio::spawn(async move {
                    if let Err(e) = serve_one(&state, &backups, stream, owner).await {
                        tracing::warn!(error = %e, "admin socket connection failed");
                    }
                });
            }
        });
        Some(Self { path, task })
    }

    pub fn stop(self) {
        self.task.abort();
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Bind under a temporary name, make it owner-only, then rename it into place: the socket never
/// appears at `path` with the umask's looser mode (a client, or a test, could see it in between).
fn bind(path: &Path) -> std::io::Result<tokio::net::UnixListener> {
    let staging = path.with_extension(format!("sock.{}.tmp", std::process::id()));
    let _ = std::fs::remove_file(&staging);
    let listener = tokio::net::UnixListener::bind(&staging)?;
    // The data directory is 0700 already; this keeps the socket owner-only even where it is not.
    let placed = std::fs::set_permissions(&staging, std::fs::Permissions::from_mode(0o600))
        .and_then(|()| std::fs::rename(&staging, path));
    if let Err(e) = placed {
        let _ = std::fs::remove_file(&staging);
        return Err(e);
    }
    Ok(listener)
}

async fn serve_one(
    state: &AppState,
    backups: &tokio::sync::Mutex<()>,
    stream: tokio::net::UnixStream,
    owner: u32,
) -> std::io::Result<()> {
    let uid = stream.peer_cred()?.uid();
    let (r, mut w) = stream.into_split();
    if uid != owner && uid != 0 {
        tracing::warn!(uid, owner, "admin socket: refused a connection from another user");
        let msg = format!("refused: only the server's user (uid {owner}) or root may use this socket");
        return send(&mut w, &Reply::Error(msg)).await;
    }
    let mut lines = tokio::io::BufReader::new(r.take(MAX_REQUEST_BYTES));
    let Some(req) = read_request(&mut lines, Duration::from_secs(10)).await? else { return Ok(()) };
    match req {
        Request::Ping => send(&mut w, &Reply::Ok { version: crate::VERSION.to_owned() }).await,
        Request::Backup => {
            let _one = backups.lock().await;
            let result = stage_each(state, &mut lines, &mut w).await;
            let _ = std::fs::remove_dir(state.config.storage.data_dir.join(STAGING));
            match result {
                Ok(Some(orgs)) => send(&mut w, &Reply::Done { orgs }).await,
                Ok(None) => Ok(()), // the client went away
                Err(e) => send(&mut w, &Reply::Error(e.to_string())).await,
            }
        }
        Request::Next => send(&mut w, &Reply::Error("nothing to continue".into())).await,
        Request::Export { org } => {
            let _one = backups.lock().await;
            let result = export_one(state, &org, &mut lines, &mut w).await;
            let _ = std::fs::remove_dir(state.config.storage.data_dir.join(STAGING));
            match result {
                Ok(Some(orgs)) => send(&mut w, &Reply::Done { orgs }).await,
                Ok(None) => Ok(()),
                Err(e) => send(&mut w, &Reply::Error(e.to_string())).await,
            }
        }
        Request::Release { org } => {
            let reply = match release(state, &org).await {
                Ok(()) => Reply::Done { orgs: 1 },
                Err(e) => Reply::Error(e.to_string()),
            };
            send(&mut w, &reply).await
        }
        Request::Resume { org } => {
            let reply = match parse_org(&org).and_then(|o| {
                if !state.registry.path_of(&o).exists() {
                    return Err(BackupError::Refused(format!(
                        "organization {o} has no database on this node (it moved away): nothing to resume; \
                         `contactpro org import` its export to bring it back"
                    )));
                }
                state.moves.set(&o, None).map_err(|e| BackupError::Server(format!("{o}: {e}")))
            }) {
                Ok(()) => Reply::Done { orgs: 1 },
                Err(e) => Reply::Error(e.to_string()),
            };
            send(&mut w, &reply).await
        }
    }
}

fn parse_org(org: &str) -> Result<OrgId, BackupError> {
    OrgId::parse(org).ok_or_else(|| BackupError::Refused(format!("{org:?} is not an organization id")))
}

/// Longest an export waits for the writes and imports already running for its organization.
const DRAIN: Duration = Duration::from_secs(120);

/// `org export` on a running server: mark the organization moving (its writes answer 503 from
/// now on), wait until its running writes and imports are done, stage one copy for the client.
/// On failure the mark is taken back. `None` when the client went away.
async fn export_one<R: tokio::io::AsyncBufRead + Unpin>(
    state: &AppState,
    org: &str,
    lines: &mut R,
    w: &mut tokio::net::unix::OwnedWriteHalf,
) -> Result<Option<usize>, BackupError> {
    use crate::shard::MoveState;
    let org = parse_org(org)?;
    let path = state.registry.path_of(&org);
    if !path.exists() {
        return Err(BackupError::Refused(format!("no organization {org} on this node")));
    }
    if state.moves.state(&org) == Some(MoveState::Moved) {
        return Err(BackupError::Refused(format!("organization {org} has moved away from this node already")));
    }
    state.moves.set(&org, Some(MoveState::Moving)).map_err(|e| BackupError::Server(format!("{org}: {e}")))?;
    let result = async {
        if !state.moves.drained(&org, &state.jobs, DRAIN).await {
            return Err(BackupError::Refused(format!(
                "organization {org} still had writes or an import running after {} s: it is writable again; \
                 export it once the import is done",
                DRAIN.as_secs()
            )));
        }
        let data_dir = state.config.storage.data_dir.clone();
        let staging = data_dir.join(STAGING);
        blocking({
            let staging = staging.clone();
            move || {
                if !staging.exists() {
                    super::create_private_dir(&staging).map_err(io_at(&staging))?;
                }
                Ok(())
            }
        })
        .await?;
        let Some(store) = acquire_existing(state, &org, &path).await? else {
            return Err(BackupError::Refused(format!("no organization {org} on this node")));
        };
        let staged = staging.join(format!("{org}.redb"));
        let dest = staged.clone();
        let copied = blocking(move || {
            let _ = std::fs::remove_file(&dest);
            store.backup_to(&dest).map_err(|e| BackupError::Server(format!("{}: {e}", store.org())))
        })
        .await?;
        let reply = Reply::Staged {
            org: org.to_string(),
            path: staged.clone(),
            bytes: copied.bytes,
            schema_version: copied.schema_version,
        };
        let sent = send(w, &reply).await.is_ok();
        let next = if sent { read_request(lines, CLIENT_STEP).await.ok().flatten() } else { None };
        let _ = std::fs::remove_file(&staged);
        Ok(matches!(next, Some(Request::Next)).then_some(1))
    }
    .await;
    if !matches!(result, Ok(Some(_))) {
        let _ = state.moves.set(&org, None);
    }
    result
}

/// `org delete` on a running server, for an organization exported to another node: remove its
/// database and keep a tombstone, so requests a stale proxy still sends here get 503 and a
/// sign-in cannot create an empty copy.
async fn release(state: &AppState, org: &str) -> Result<(), BackupError> {
    use crate::shard::MoveState;
    let org = parse_org(org)?;
    if state.moves.state(&org) != Some(MoveState::Moving) {
        return Err(BackupError::Refused(format!(
            "organization {org} is in use by the running server and was not exported with `contactpro org export`: \
             stop the server to delete it, or export it first"
        )));
    }
    let path = state.registry.path_of(&org);
    state.moves.set(&org, Some(MoveState::Moved)).map_err(|e| BackupError::Server(format!("{org}: {e}")))?;
    blocking(move || match std::fs::remove_file(&path) {
        Ok(()) => crate::store::backup::sync_parent(&path).map_err(io_at(&path)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(io_at(&path)(e)),
    })
    .await?;
    // Its open handle (if idle) goes now; one in use goes when its last reader is done.
    state.registry.close_idle();
    Ok(())
}

/// Copy each organization into the staging folder and wait until the client has taken it.
/// `None` when the client disconnects or stops answering.
async fn stage_each<R: tokio::io::AsyncBufRead + Unpin>(
    state: &AppState,
    lines: &mut R,
    w: &mut tokio::net::unix::OwnedWriteHalf,
) -> Result<Option<usize>, BackupError> {
    let data_dir = state.config.storage.data_dir.clone();
    let staging = data_dir.join(STAGING);
    let (orgs, staging) = blocking(move || {
        if !staging.exists() {
            super::create_private_dir(&staging).map_err(io_at(&staging))?;
        }
        Ok((org_files(&data_dir)?, staging))
    })
    .await?;
    let mut n = 0;
    for (org, path) in orgs {
        let Some(store) = acquire_existing(state, &org, &path).await? else { continue };
        let staged = staging.join(format!("{org}.redb"));
        let dest = staged.clone();
        let copied = blocking(move || {
            let _ = std::fs::remove_file(&dest);
            store.backup_to(&dest).map_err(|e| BackupError::Server(format!("{}: {e}", store.org())))
        })
        .await?;
        let reply = Reply::Staged {
            org: org.to_string(),
            path: staged.clone(),
            bytes: copied.bytes,
            schema_version: copied.schema_version,
        };
        let sent = send(w, &reply).await.is_ok();
        let next = if sent { read_request(lines, CLIENT_STEP).await.ok().flatten() } else { None };
        let _ = std::fs::remove_file(&staged); // normally moved away already
        if !matches!(next, Some(Request::Next)) {
            return Ok(None);
        }
        n += 1;
    }
    Ok(Some(n))
}

async fn read_request<R: tokio::io::AsyncBufRead + Unpin>(
    lines: &mut R,
    within: Duration,
) -> std::io::Result<Option<Request>> {
    let mut line = String::new();
    match tokio::time::timeout(within, lines.read_line(&mut line)).await {
        Ok(Ok(0)) | Err(_) => Ok(None),
        Ok(Ok(_)) => Ok(serde_json::from_str(line.trim()).ok()),
        Ok(Err(e)) => Err(e),
    }
}

async fn send(w: &mut tokio::net::unix::OwnedWriteHalf, reply: &Reply) -> std::io::Result<()> {
    let mut line = serde_json::to_vec(reply).map_err(std::io::Error::other)?;
    line.push(b'\n');
    w.write_all(&line).await?;
    w.flush().await
}

// ---- the client side (the `contactpro backup` and `restore` commands; blocking) ----

/// A connection to the server running on `data_dir`, or `None` when none runs there (no socket,
/// or a socket left by a killed server). A socket this user may not use is an error that says so.
pub fn connect(data_dir: &Path) -> Result<Option<std::os::unix::net::UnixStream>, BackupError> {
    let path = socket_path(data_dir);
    match std::os::unix::net::UnixStream::connect(&path) {
        Ok(s) => Ok(Some(s)),
        Err(e) if matches!(e.kind(), std::io::ErrorKind::NotFound | std::io::ErrorKind::ConnectionRefused) => Ok(None),
        Err(e) => Err(BackupError::Refused(format!(
            "cannot use the server's admin socket {}: {e} (run this as the user the server runs as, or as root)",
            path.display()
        ))),
    }
}

struct Client {
    reader: BufReader<std::os::unix::net::UnixStream>,
    writer: std::os::unix::net::UnixStream,
}

impl Client {
    fn new(stream: std::os::unix::net::UnixStream, timeout: Duration) -> Result<Self, BackupError> {
        let io = |e| BackupError::Server(format!("admin socket: {e}"));
        stream.set_read_timeout(Some(timeout)).map_err(io)?;
        let writer = stream.try_clone().map_err(io)?;
        Ok(Self { reader: BufReader::new(stream), writer })
    }

    fn send(&mut self, req: &Request) -> Result<(), BackupError> {
        let mut line = serde_json::to_vec(req).map_err(|e| BackupError::Server(e.to_string()))?;
        line.push(b'\n');
        match self.writer.write_all(&line) {
            Ok(()) => Ok(()),
            // The server may have answered (a refusal) and closed before reading: show its answer.
            Err(e) => match self.receive() {
                Err(BackupError::Server(why)) if !why.starts_with("admin socket") => Err(BackupError::Server(why)),
                _ => Err(BackupError::Server(format!("admin socket: {e}"))),
            },
        }
    }

    fn receive(&mut self) -> Result<Reply, BackupError> {
        let mut line = String::new();
        match self.reader.read_line(&mut line) {
            Ok(0) => Err(BackupError::Server("the server closed the connection (was it stopped?)".into())),
            Ok(_) => match serde_json::from_str(line.trim()) {
                Ok(Reply::Error(e)) => Err(BackupError::Server(e)),
                Ok(r) => Ok(r),
                Err(e) => Err(BackupError::Server(format!("unexpected answer on the admin socket: {e}"))),
            },
            Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {
                Err(BackupError::Server("the server did not answer in time".into()))
            }
            Err(e) => Err(BackupError::Server(format!("admin socket: {e}"))),
        }
    }
}

/// Whether a server listens on `data_dir`'s admin socket (restore refuses then). A socket left by
/// a killed server refuses the connection, so a connection is a live server, answering or not.
pub fn server_answers(data_dir: &Path) -> Result<bool, BackupError> {
    Ok(connect(data_dir)?.is_some())
}

/// `contactpro backup` against a running server: the server stages a consistent copy of each
/// organization, this process moves it into `out`, then copies the key files and writes the
/// manifest.
pub fn backup_via_server(
    stream: std::os::unix::net::UnixStream,
    data_dir: &Path,
    out: &Path,
    now: Timestamp,
) -> Result<Manifest, BackupError> {
    let mut w = BackupWriter::begin(out)?;
    let mut c = Client::new(stream, CLIENT_STEP)?;
    c.send(&Request::Backup)?;
    loop {
        match c.receive()? {
            Reply::Staged { org, path, bytes, schema_version } => {
                let org = OrgId::parse(&org)
                    .ok_or_else(|| BackupError::Server(format!("{org:?} is not an organization id")))?;
                // Only files in this data directory's staging folder are taken.
                if path != data_dir.join(STAGING).join(format!("{org}.redb")) {
                    return Err(BackupError::Server(format!("unexpected staged file {}", path.display())));
                }
                move_file(&path, &w.org_path(&org))?;
                w.add_org(&org, CopiedDb { bytes, schema_version })?;
                c.send(&Request::Next)?;
            }
            Reply::Done { .. } => break,
            Reply::Ok { .. } | Reply::Error(_) => {
                return Err(BackupError::Server("unexpected answer on the admin socket".into()));
            }
        }
    }
    w.copy_keys(data_dir)?;
    w.finish(now)
}

/// `contactpro org export` against a running server: the server marks the organization moving,
/// waits for its writes and stages a copy; this process stamps it and moves it to `out`.
pub fn export_via_server(
    stream: std::os::unix::net::UnixStream,
    data_dir: &Path,
    org: &OrgId,
    out: &Path,
    now: &str,
) -> Result<u64, BackupError> {
    crate::shard::check_out(out).map_err(|e| BackupError::Refused(e.to_string()))?;
    let mut c = Client::new(stream, CLIENT_STEP)?;
    c.send(&Request::Export { org: org.to_string() })?;
    let (path, _bytes) = match c.receive()? {
        Reply::Staged { org: o, path, bytes, .. } if o == org.as_str() => (path, bytes),
        _ => return Err(BackupError::Server("unexpected answer on the admin socket".into())),
    };
    if path != data_dir.join(STAGING).join(format!("{org}.redb")) {
        return Err(BackupError::Server(format!("unexpected staged file {}", path.display())));
    }
    let tmp = crate::store::backup::temp_path(out);
    let _ = std::fs::remove_file(&tmp);
    let moved = move_file(&path, &tmp).and_then(|()| {
        crate::shard::finish_export(&tmp, org, out, now).map_err(|e| BackupError::Refused(e.to_string()))
    });
    if moved.is_err() {
        let _ = std::fs::remove_file(&tmp);
        return moved; // the server takes the mark back when the client goes away
    }
    c.send(&Request::Next)?;
    match c.receive()? {
        Reply::Done { .. } => moved,
        _ => Err(BackupError::Server("unexpected answer on the admin socket".into())),
    }
}

/// `org delete` / `org import` / `org resume` against a running server (see [`Request`]).
pub fn org_op_via_server(stream: std::os::unix::net::UnixStream, op: &str, org: &OrgId) -> Result<(), BackupError> {
    let req = match op {
        "release" => Request::Release { org: org.to_string() },
        "resume" => Request::Resume { org: org.to_string() },
        _ => return Err(BackupError::Refused(format!("unknown operation {op}"))),
    };
    let mut c = Client::new(stream, Duration::from_secs(60))?;
    c.send(&req)?;
    match c.receive()? {
        Reply::Done { .. } => Ok(()),
        _ => Err(BackupError::Server("unexpected answer on the admin socket".into())),
    }
}

/// Rename when both are on one file system, else copy (0600, fsynced) and remove the original.
fn move_file(from: &Path, to: &Path) -> Result<(), BackupError> {
    if std::fs::rename(from, to).is_ok() {
        return Ok(());
    }
    super::copy_private(from, to)?;
    std::fs::remove_file(from).map_err(io_at(from))
}
