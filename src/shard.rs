//! Organizations sharded across nodes behind a proxy, and moving one organization to another node.
//!
//! Each node owns whole organizations (`orgs/<tid>.redb`); a proxy (deploy/haproxy/) sends each
//! request to its organization's node by reading the organization from the credential without
//! verifying it: the `tid` claim of a bearer token, the third `_` field of an API key
//! (`cpk_<id>_<org>_<mac>`) or of an app password (`cpa_<id>_<org>_<mac>`, HTTP Basic on `/dav/`).
//! [`org_of_request`] reads it the same way, so the node and the proxy agree on the organization.
//!
//! Moving an organization (docs/SCALE.md): `contactpro org export` marks it *moving* on its old node
//! (a file `orgs/<tid>.moving`, so a restart keeps the mark): from then on every request for it that
//! could write answers 503 `org_moving` with `Retry-After`, reads still work; the export waits until
//! the writes and imports already running for it have finished, then copies the database. `contactpro
//! org delete` on the old node, once the proxy sends the organization to its new node, removes the
//! database and leaves a tombstone `orgs/<tid>.moved`: any request for it that still reaches this
//! node (an old proxy configuration) answers 503, so a sign-in can never create a second, empty
//! copy of the organization here. `contactpro org import` on a node clears its marks.
//!
//! The organization is read from the request before its credential is verified. That is enough
//! here: a forged credential can only get a 503 for an organization that is moving, never data.

use crate::AppState;
use crate::model::OrgId;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use parking_lot::Mutex;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// What a client is told to wait before trying again while its organization moves.
pub const RETRY_AFTER_SECS: u64 = 30;
pub const MOVING_SUFFIX: &str = ".moving";
pub const MOVED_SUFFIX: &str = ".moved";
/// App passwords (CardDAV, HTTP Basic): `cpa_<id, 32 hex>_<organization GUID>_<MAC, 64 hex>`.
pub const APP_PASSWORD_PREFIX: &str = "cpa_";
/// Longest bearer token read for routing (Entra tokens are 1-3 kB).
const MAX_TOKEN_BYTES: usize = 16 * 1024;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MoveState {
    /// Being copied to another node: reads work, writes answer 503.
    Moving,
    /// Gone to another node: everything answers 503 (only a stale proxy sends requests here).
    Moved,
}

#[derive(Default)]
struct Entry {
    state: Option<MoveState>,
    writes: usize,
}

/// The organizations of this node that are moving or moved, and the writes in flight per
/// organization (so an export can wait for them).
pub struct Moves {
    orgs_dir: PathBuf,
    entries: Mutex<HashMap<OrgId, Entry>>,
}

/// A write in flight for an organization; dropped when its response head is ready.
pub struct WriteGuard<'a> {
    moves: &'a Moves,
    org: OrgId,
}

impl Drop for WriteGuard<'_> {
    fn drop(&mut self) {
        let mut m = self.moves.entries.lock();
        if let Some(e) = m.get_mut(&self.org) {
            e.writes = e.writes.saturating_sub(1);
            if e.writes == 0 && e.state.is_none() {
                m.remove(&self.org);
            }
        }
    }
}

pub fn marker_path(orgs_dir: &Path, org: &OrgId, suffix: &str) -> PathBuf {
    orgs_dir.join(format!("{org}{suffix}"))
}

/// The move state recorded on disk for `org` (markers written by the CLI or a server).
pub fn state_on_disk(orgs_dir: &Path, org: &OrgId) -> Option<MoveState> {
    if marker_path(orgs_dir, org, MOVED_SUFFIX).exists() {
        Some(MoveState::Moved)
    } else if marker_path(orgs_dir, org, MOVING_SUFFIX).exists() {
        Some(MoveState::Moving)
    } else {
        None
    }
}

/// Record `state` for `org` on disk (`None` removes the markers).
pub fn write_marker(orgs_dir: &Path, org: &OrgId, state: Option<MoveState>) -> std::io::Result<()> {
    let (keep, drop) = match state {
        Some(MoveState::Moving) => (Some(MOVING_SUFFIX), vec![MOVED_SUFFIX]),
        Some(MoveState::Moved) => (Some(MOVED_SUFFIX), vec![MOVING_SUFFIX]),
        None => (None, vec![MOVING_SUFFIX, MOVED_SUFFIX]),
    };
    if let Some(s) = keep {
        let p = marker_path(orgs_dir, org, s);
        crate::files::touch_private(&p)?.sync_all()?;
    }
    for s in drop {
        match std::fs::remove_file(marker_path(orgs_dir, org, s)) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
    }
    crate::store::backup::sync_parent(&marker_path(orgs_dir, org, MOVING_SUFFIX))
}

impl Moves {
    /// The marks left in `data_dir/orgs` (by an export, or by a server before a restart).
    pub fn load(data_dir: &Path) -> std::io::Result<Self> {
        let orgs_dir = data_dir.join("orgs");
        let mut entries = HashMap::new();
        if let Ok(rd) = std::fs::read_dir(&orgs_dir) {
            for e in rd {
                let name = e?.file_name();
                let Some(name) = name.to_str() else { continue };
                let (org, state) = if let Some(o) = name.strip_suffix(MOVED_SUFFIX) {
                    (o, MoveState::Moved)
                } else if let Some(o) = name.strip_suffix(MOVING_SUFFIX) {
                    (o, MoveState::Moving)
                } else {
                    continue;
                };
                let Some(org) = OrgId::parse(org) else { continue };
                let e: &mut Entry = entries.entry(org).or_default();
                // A tombstone wins over a leftover moving mark.
                if e.state != Some(MoveState::Moved) {
                    e.state = Some(state);
                }
            }
        }
        for (org, e) in &entries {
            tracing::info!(%org, state = ?e.state, "organization marked as moving to another node");
        }
        Ok(Self { orgs_dir, entries: Mutex::new(entries) })
    }

    pub fn state(&self, org: &OrgId) -> Option<MoveState> {
        self.entries.lock().get(org).and_then(|e| e.state)
    }

    /// Count a write for `org`, or say why it must wait.
    pub fn begin_write(&self, org: &OrgId) -> Result<WriteGuard<'_>, MoveState> {
        let mut m = self.entries.lock();
        let e = m.entry(org.clone()).or_default();
        if let Some(s) = e.state {
            return Err(s);
        }
        e.writes += 1;
        Ok(WriteGuard { moves: self, org: org.clone() })
    }

    /// Set (and record on disk) the state of `org`. The marker is written under the same lock
    /// that [`Self::begin_write`] takes, so no write starts after `Moving` is set.
    pub fn set(&self, org: &OrgId, state: Option<MoveState>) -> std::io::Result<()> {
        let mut m = self.entries.lock();
        write_marker(&self.orgs_dir, org, state)?;
        let e = m.entry(org.clone()).or_default();
        e.state = state;
        if e.state.is_none() && e.writes == 0 {
            m.remove(org);
        }
        Ok(())
    }

    fn writes(&self, org: &OrgId) -> usize {
        self.entries.lock().get(org).map_or(0, |e| e.writes)
    }

    /// Wait until no write and no import of `org` runs (at most `max`). `org` must be `Moving`.
    pub async fn drained(&self, org: &OrgId, jobs: &crate::jobs::Jobs, max: Duration) -> bool {
        let until = tokio::time::Instant::now() + max;
        loop {
            if self.writes(org) == 0 && !jobs.busy(org) {
                return true;
            }
            if tokio::time::Instant::now() >= until {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

/// The organization a request's credential names, read the way the proxy reads it: the
/// organization claim (`tid`) of a bearer token, the organization field of an API key (`X-API-Key`)
/// or of an app password (HTTP Basic). Not verified (see the module documentation).
pub fn org_of_request(headers: &HeaderMap, org_claim: &str) -> Option<OrgId> {
    if let Some(key) = headers.get("x-api-key").and_then(|v| v.to_str().ok()) {
        return org_field(key, crate::auth::apikey::PREFIX);
    }
    let auth = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, rest) = auth.split_once(' ')?;
    let rest = rest.trim();
    if scheme.eq_ignore_ascii_case("bearer") {
        if rest.len() > MAX_TOKEN_BYTES {
            return None;
        }
        let payload = rest.split('.').nth(1)?;
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()?;
        let claims: serde_json::Map<String, serde_json::Value> = serde_json::from_slice(&bytes).ok()?;
        return OrgId::parse(claims.get(org_claim)?.as_str()?);
    }
    if scheme.eq_ignore_ascii_case("basic") {
        let bytes = base64::engine::general_purpose::STANDARD.decode(rest).ok()?;
        let text = String::from_utf8(bytes).ok()?;
        let (_user, password) = text.split_once(':')?;
        return org_field(password, APP_PASSWORD_PREFIX);
    }
    None
}

/// `<prefix><id>_<org>_<mac>`: the organization field, as the proxy splits it.
fn org_field(secret: &str, prefix: &str) -> Option<OrgId> {
    let rest = secret.strip_prefix(prefix)?;
    OrgId::parse(rest.split('_').nth(1)?)
}

fn reads_only(m: &Method) -> bool {
    matches!(*m, Method::GET | Method::HEAD | Method::OPTIONS)
}

fn moving_response(org: &OrgId, state: MoveState) -> Response {
    let message = match state {
        MoveState::Moving => {
            format!("organization {org} is moving to another server: changes are paused, try again shortly")
        }
        MoveState::Moved => format!("organization {org} has moved to another server: try again shortly"),
    };
    let body = serde_json::json!({"error": {"code": "org_moving", "message": message}});
    let mut r = (StatusCode::SERVICE_UNAVAILABLE, axum::Json(body)).into_response();
    r.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(RETRY_AFTER_SECS));
    r
}

/// Middleware: requests for a moving organization that could write, and every request for a
/// moved one, answer 503 with `Retry-After`; other writes are counted while they run.
pub async fn guard(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let Some(org) = org_of_request(req.headers(), &state.auth.claims.org) else {
        return next.run(req).await;
    };
    if reads_only(req.method()) {
        if state.moves.state(&org) == Some(MoveState::Moved) {
            return moving_response(&org, MoveState::Moved);
        }
        return next.run(req).await;
    }
    let _write = match state.moves.begin_write(&org) {
        Ok(g) => g,
        Err(s) => return moving_response(&org, s),
    };
    next.run(req).await
}

// ---- export and import files ----

/// The table an export adds to its copy: which organization it is, from where and when.
const EXPORT_TABLE: redb::TableDefinition<&str, &str> = redb::TableDefinition::new("contactpro_export");

#[derive(Debug, thiserror::Error)]
pub enum MoveError {
    #[error("{0}")]
    Refused(String),
    #[error("{path}: {why}")]
    Io { path: PathBuf, why: String },
}

fn io_at(path: &Path) -> impl FnOnce(std::io::Error) -> MoveError + '_ {
    move |e| MoveError::Io { path: path.to_owned(), why: e.to_string() }
}

/// Record in a database copy (not yet in place, no process has it open) which organization it
/// holds, so `org import` needs nothing but the file.
pub fn stamp_export(copy: &Path, org: &OrgId, exported_at: &str) -> Result<(), MoveError> {
    let bad = |e: String| MoveError::Io { path: copy.to_owned(), why: e };
    let db = redb::Database::open(copy).map_err(|e| bad(e.to_string()))?;
    let txn = db.begin_write().map_err(|e| bad(e.to_string()))?;
    {
        let mut t = txn.open_table(EXPORT_TABLE).map_err(|e| bad(e.to_string()))?;
        t.insert("org", org.as_str()).map_err(|e| bad(e.to_string()))?;
        t.insert("exported_at", exported_at).map_err(|e| bad(e.to_string()))?;
        t.insert("contactpro_version", crate::VERSION).map_err(|e| bad(e.to_string()))?;
    }
    txn.commit().map_err(|e| bad(e.to_string()))?;
    drop(db);
    std::fs::File::open(copy).and_then(|f| f.sync_all()).map_err(io_at(copy))
}

/// The organization an export file holds (checks that it is a whole database this build opens).
pub fn read_export(file: &Path) -> Result<OrgId, MoveError> {
    use redb::ReadableDatabase;
    let refused = |why: String| {
        MoveError::Refused(format!("{} is not an organization export of contactpro: {why}", file.display()))
    };
    crate::store::backup::verify_copy(file).map_err(|e| refused(e.to_string()))?;
    let db = redb::Database::open(file).map_err(|e| refused(e.to_string()))?;
    let txn = db.begin_read().map_err(|e| refused(e.to_string()))?;
    let t = txn.open_table(EXPORT_TABLE).map_err(|_| refused("it has no export record".into()))?;
    let org = t.get("org").map_err(|e| refused(e.to_string()))?.map(|v| v.value().to_owned());
    let org = org.ok_or_else(|| refused("the export record names no organization".into()))?;
    OrgId::parse(&org).ok_or_else(|| refused(format!("{org:?} is not an organization id")))
}

/// Put an export file into `data_dir/orgs` as a new organization: refused when the organization
/// already has a database there. Copied next to its place, checked, given the data directory's
/// owner, renamed. Clears this node's moving/moved marks for it (moving back).
pub fn import_file(data_dir: &Path, file: &Path) -> Result<(OrgId, u64), MoveError> {
    let org = read_export(file)?;
    let orgs = data_dir.join("orgs");
    if !orgs.is_dir() {
        return Err(MoveError::Refused(format!(
            "{} is not a contactpro data directory (it has no orgs folder; start the server on it once)",
            data_dir.display()
        )));
    }
    let target = orgs.join(format!("{org}.redb"));
    if target.exists() {
        return Err(MoveError::Refused(format!(
            "organization {org} already has a database on this node ({}): nothing was imported. Delete it first \
             (`contactpro org delete {org}`) if the export should replace it",
            target.display()
        )));
    }
    let tmp = crate::store::backup::temp_path(&target);
    let _ = std::fs::remove_file(&tmp);
    let done = (|| {
        crate::backup::copy_private(file, &tmp).map_err(|e| MoveError::Io { path: tmp.clone(), why: e.to_string() })?;
        crate::store::backup::verify_copy(&tmp).map_err(|e| MoveError::Refused(e.to_string()))?;
        std::fs::File::open(&tmp).and_then(|f| f.sync_all()).map_err(io_at(&tmp))?;
        chown_like(&tmp, &orgs)?;
        // No clobbering: a sign-in that created the organization meanwhile wins, the import fails.
        std::fs::hard_link(&tmp, &target).map_err(|e| {
            if e.kind() == std::io::ErrorKind::AlreadyExists {
                MoveError::Refused(format!("organization {org} appeared on this node meanwhile: nothing was imported"))
            } else {
                io_at(&target)(e)
            }
        })?;
        std::fs::remove_file(&tmp).map_err(io_at(&tmp))?;
        crate::store::backup::sync_parent(&target).map_err(io_at(&target))?;
        Ok(std::fs::metadata(&target).map_err(io_at(&target))?.len())
    })();
    if done.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    let bytes = done?;
    write_marker(&orgs, &org, None).map_err(io_at(&orgs))?;
    Ok((org, bytes))
}

/// Give `path` the owner and group of `like` (root importing into a service user's directory).
fn chown_like(path: &Path, like: &Path) -> Result<(), MoveError> {
    use std::os::unix::fs::MetadataExt;
    let md = std::fs::metadata(like).map_err(io_at(like))?;
    let mine = std::fs::metadata(path).map_err(io_at(path))?;
    if mine.uid() == md.uid() && mine.gid() == md.gid() {
        return Ok(());
    }
    std::os::unix::fs::chown(path, Some(md.uid()), Some(md.gid())).map_err(io_at(path))
}

/// Export `org` from a data directory no server runs on: marks it moving, copies it under redb's
/// exclusive lock, stamps the copy and moves it to `out` (which must not exist).
pub fn export_closed(data_dir: &Path, org: &OrgId, out: &Path, now: &str) -> Result<u64, MoveError> {
    let orgs = data_dir.join("orgs");
    let src = orgs.join(format!("{org}.redb"));
    if !src.exists() {
        return Err(MoveError::Refused(format!("no organization {org} in {}", orgs.display())));
    }
    check_out(out)?;
    write_marker(&orgs, org, Some(MoveState::Moving)).map_err(io_at(&orgs))?;
    let tmp = crate::store::backup::temp_path(out);
    let r = crate::store::backup::backup_closed(&src, &tmp)
        .map_err(|e| MoveError::Refused(e.to_string()))
        .and_then(|_| finish_export(&tmp, org, out, now));
    if r.is_err() {
        let _ = std::fs::remove_file(&tmp);
        let _ = write_marker(&orgs, org, None);
    }
    r
}

/// `out` must be a new file.
pub fn check_out(out: &Path) -> Result<(), MoveError> {
    if out.exists() {
        return Err(MoveError::Refused(format!("{} already exists: give a new file name", out.display())));
    }
    Ok(())
}

/// Stamp a whole copy at `copy` and move it to `out` (a new file).
pub fn finish_export(copy: &Path, org: &OrgId, out: &Path, now: &str) -> Result<u64, MoveError> {
    stamp_export(copy, org, now)?;
    std::fs::hard_link(copy, out).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            MoveError::Refused(format!("{} already exists: give a new file name", out.display()))
        } else {
            io_at(out)(e)
        }
    })?;
    std::fs::remove_file(copy).map_err(io_at(copy))?;
    crate::store::backup::sync_parent(out).map_err(io_at(out))?;
    Ok(std::fs::metadata(out).map_err(io_at(out))?.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    const ORG: &str = "6e5a1c1e-4b1d-4c1f-9a55-0c0a7e1d2b01";

    fn headers(name: &str, value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(axum::http::HeaderName::from_bytes(name.as_bytes()).unwrap(), value.parse().unwrap());
        h
    }

    #[test]
    fn the_organization_is_read_from_each_kind_of_credential() {
        let b64 = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
        let jwt = format!("{}.{}.sig", b64(r#"{"alg":"HS256"}"#), b64(&format!(r#"{{"tid":"{ORG}","oid":"x"}}"#)));
        let org = OrgId::parse(ORG);
        assert_eq!(org_of_request(&headers("authorization", &format!("Bearer {jwt}")), "tid"), org);
        assert_eq!(org_of_request(&headers("authorization", &format!("Bearer {jwt}")), "org_id"), None);
        let key = format!("cpk_{}_{ORG}_{}", "a".repeat(32), "b".repeat(64));
        assert_eq!(org_of_request(&headers("x-api-key", &key), "tid"), org);
        let basic = base64::engine::general_purpose::STANDARD.encode(format!(
            "adele@contoso.example:cpa_{}_{ORG}_{}",
            "a".repeat(32),
            "b".repeat(64)
        ));
        assert_eq!(org_of_request(&headers("authorization", &format!("Basic {basic}")), "tid"), org);
        assert_eq!(org_of_request(&headers("authorization", "Bearer not-a-jwt"), "tid"), None);
        assert_eq!(org_of_request(&headers("x-api-key", "cpk_legacy"), "tid"), None);
        assert_eq!(org_of_request(&HeaderMap::new(), "tid"), None);
    }

    #[test]
    fn a_moving_organization_takes_no_new_write_and_marks_survive_a_restart() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("orgs")).unwrap();
        let org = OrgId::parse(ORG).unwrap();
        let moves = Moves::load(dir.path()).unwrap();
        let w = moves.begin_write(&org).unwrap();
        assert_eq!(moves.writes(&org), 1);
        moves.set(&org, Some(MoveState::Moving)).unwrap();
        assert_eq!(moves.begin_write(&org).err(), Some(MoveState::Moving));
        drop(w);
        assert_eq!(moves.writes(&org), 0);
        assert_eq!(Moves::load(dir.path()).unwrap().state(&org), Some(MoveState::Moving));
        moves.set(&org, Some(MoveState::Moved)).unwrap();
        assert_eq!(Moves::load(dir.path()).unwrap().state(&org), Some(MoveState::Moved));
        moves.set(&org, None).unwrap();
        assert_eq!(Moves::load(dir.path()).unwrap().state(&org), None);
        assert!(moves.begin_write(&org).is_ok());
    }
}
