//! Import and export: the Excel template, uploads that become background jobs with progress, and
//! exports streamed in xlsx, CSV or vCard. The codecs themselves are pure functions in `crate::io`.
//!
//! An upload is parsed before the 202 answer, so a file that is unreadable, hostile or over
//! `limits.max_import_rows` gets its 413/415/422 at once and nothing is written. Rows are then
//! validated and written by the job in batches of one transaction each; a batch is reported
//! as imported only after its commit, so a crash loses nothing the job reported.

use super::contacts::ListParams;
use super::{blocking, org, parse_id};
use crate::AppState;
use crate::auth::User;
use crate::error::{ApiError, ApiResult};
use crate::io::{self, Format};
use crate::jobs::{self, Job, JobStatus, RowErrorView, Slot};
use crate::model::{GroupId, ListId, Present};
use crate::store::{self, DuplicatePolicy, ImportOutcome, ImportRow, JobRecord, Need, OrgGuard, Rights};
use axum::Router;
use axum::body::Body;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use std::collections::HashMap;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/lists/{list}/import/template.xlsx", get(template))
        .route("/api/v1/lists/{list}/imports", post(start_import))
        .route("/api/v1/lists/{list}/export", get(export))
        .route("/api/v1/jobs/{id}", get(get_job))
}

const BATCH: usize = 1000;
/// Most warnings a job keeps (file remarks and skipped rows); `skipped` counts them all.
const MAX_WARNINGS: usize = 100;

fn attachment(bytes: Body, mime: &str, filename: &str) -> Response {
    let mut r = Response::new(bytes);
    let h = r.headers_mut();
    if let Ok(v) = HeaderValue::from_str(mime) {
        h.insert(header::CONTENT_TYPE, v);
    }
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{filename}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

/// The Excel template: the columns in order, a styled frozen header and an example row.
#[utoipa::path(get, path = "/api/v1/lists/{list}/import/template.xlsx", tag = "import-export", params(("list" = String, Path)),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")), security(("bearer" = [])))]
pub async fn template(State(state): State<AppState>, p: User, Path(list): Path<String>) -> ApiResult<Response> {
    let id: ListId = parse_id(&list, "list")?;
    let store = org(&state, &p.access).await?;
    blocking(move || Ok(store.get_list(id)?)).await?;
    let bytes = blocking(|| Ok(io::template_xlsx())).await?;
    Ok(attachment(Body::from(bytes), io::XLSX_MIME, "contactpro-import-template.xlsx"))
}

#[derive(Deserialize, Default, utoipa::IntoParams)]
#[serde(default, deny_unknown_fields)]
pub struct ImportParams {
    /// skip (default) | update | create
    on_duplicate: Option<DuplicatePolicy>,
}

/// Upload an xlsx, CSV or vCard file (the raw body) and start an import job.
#[utoipa::path(post, path = "/api/v1/lists/{list}/imports", tag = "import-export", params(("list" = String, Path), ImportParams),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 202, body = Job), (status = 403), (status = 413), (status = 415), (status = 422)), security(("bearer" = [])))]
pub async fn start_import(
    State(state): State<AppState>,
    p: User,
    Path(list): Path<String>,
    super::Query(params): super::Query<ImportParams>,
    req: Request,
) -> ApiResult<(StatusCode, axum::Json<Job>)> {
    let id: ListId = parse_id(&list, "list")?;
    let policy = params.on_duplicate.unwrap_or_default();
    let store = org(&state, &p.access).await?;
    // Refuse before reading the upload what the rights can never allow (403, nothing written);
    // the rows are checked again, per kind, inside each batch's transaction.
    let rights = {
        let store = org(&state, &p.access).await?;
        let actor = p.actor();
        blocking(move || Ok(Rights::of(&store.get_list(id)?, &actor)?)).await?
    };
    rights.require(if policy == DuplicatePolicy::Update { Need::Modify } else { Need::Add })?;
    let content_type = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let bytes = super::body_bytes(req, &state).await?;
    if bytes.is_empty() {
        return Err(ApiError::field("file", "the file is empty"));
    }
    let format = io::detect_format(content_type.as_deref(), &bytes)
        .ok_or_else(|| ApiError::UnsupportedMediaType("send an .xlsx, .csv or .vcf file".into()))?;
    let limits = state.config.import_limits();
    // As many uploads are parsed at once as imports may run: parsing holds the file and its rows.
    let parse_permit = state.jobs.parse_permit().await;
    let parsed = {
        let (bytes, limits) = (bytes.clone(), limits.clone());
        blocking(move || io::parse_with(format, &bytes, &limits).map_err(import_error)).await?
    };
    if policy == DuplicatePolicy::Update && !rights.add {
        // Without Add, an update import may only touch contacts that exist.
        let (store, rows) = (org(&state, &p.access).await?, parsed.rows.iter().map(|r| r.input.clone()).collect());
        let new_rows = blocking(move || Ok(store.rows_matching_nothing(id, rows)?)).await?;
        if let Some(row) = new_rows.first().map(|i| parsed.rows[*i].row) {
            return Err(ApiError::Forbidden(format!(
                "row {row} matches no existing contact and you are not allowed to add contacts to this list"
            )));
        }
    }
    let mut rec = jobs::new_record("import", state.clock.now());
    rec.total = parsed.row_count();
    rec.processed = parsed.unreadable;
    rec.error_count = parsed.error_count;
    rec.warnings.clone_from(&parsed.warnings);
    let first_errors: Vec<RowErrorView> = parsed
        .errors
        .iter()
        .map(|e| RowErrorView { row: e.row, column: e.column.clone(), message: e.message.clone() })
        .collect();
    let shown = first_errors.clone();
    // Stored (as queued) before it can start, so the job's own writes always come after this one.
    let rec = {
        let (store, jobs, now) = (org(&state, &p.access).await?, state.jobs.clone(), state.clock.now());
        blocking(move || {
            let mut rec = rec;
            let retention = jobs.retention_ms();
            let live = |id: u128| jobs.is_live(uuid::Uuid::from_u128(id));
            store.put_job(&mut rec, &first_errors, Some((now, retention, &live)))?;
            Ok(rec)
        })
        .await?
    };
    let job_id = uuid::Uuid::from_u128(rec.id);
    let run = Run { state: state.clone(), p: p.clone(), list: id, policy, rec: rec.clone() };
    let slot = state.jobs.submit(p.org(), job_id, || {
        // A queued import keeps only its upload (not its parsed rows), and reads it again when
        // its turn comes; the file-level checks above make that second parse succeed.
        let handle = tokio::runtime::Handle::current();
        Box::new(move |slot| {
            handle.spawn(run.start_queued(slot, format, bytes, limits));
        })
    });
    drop(parse_permit);
    let status = match slot {
        Some(slot) => {
            let run = Run { state: state.clone(), p, list: id, policy, rec: rec.clone() };
            tokio::task::spawn_blocking(move || run.run(&store, slot, parsed.rows));
            JobStatus::Running
        }
        None => JobStatus::Queued,
    };
    let mut job = Job::view(rec, shown, true);
    job.status = status;
    Ok((StatusCode::ACCEPTED, axum::Json(job)))
}

fn import_error(e: io::ImportError) -> ApiError {
    match e {
        io::ImportError::TooManyRows { .. } | io::ImportError::TooMuchText { .. } => ApiError::TooLarge(e.to_string()),
        other => ApiError::field("file", other.to_string()),
    }
}

/// Our field names -> the template's column names, for row errors.
fn column_of(field: &str) -> String {
    let f = field.strip_prefix("address.").unwrap_or(field);
    let col = match f {
        "full_name" => "Full Name",
        "job_title" => "Job Title",
        "email" => "Email",
        "mobile" => "Mobile",
        "phone" => "Phone",
        "website" => "Website",
        "linkedin" => "LinkedIn",
        "facebook" => "Facebook",
        "x" => "X",
        "company" => "Company",
        "department" => "Department",
        "street" => "Street",
        "city" => "City",
        "postal_code" => "Postal Code",
        "state" => "State",
        "country" => "Country",
        "notes" => "Notes",
        "groups" => "Groups",
        other => other,
    };
    col.to_owned()
}

/// What an import job needs to run, whether it starts at once or after waiting in the queue.
struct Run {
    state: AppState,
    p: User,
    list: ListId,
    policy: DuplicatePolicy,
    rec: JobRecord,
}

impl Run {
    /// A queued job's turn: read its upload again (under a parse permit), then run.
    async fn start_queued(self, slot: Slot, format: Format, bytes: axum::body::Bytes, limits: io::ImportLimits) {
        let permit = self.state.jobs.parse_permit().await;
        let store = match self.state.registry.acquire(&self.p.access).await {
            Ok(s) => s,
            Err(e) => return tracing::error!(job = %slot.id, error = %e, "queued import cannot open its database"),
        };
        tokio::task::spawn_blocking(move || {
            let parsed = io::parse_with(format, &bytes, &limits);
            drop((bytes, permit));
            match parsed {
                Ok(parsed) => self.run(&store, slot, parsed.rows),
                Err(e) => {
                    let mut rec = self.rec;
                    fail(&self.state, &store, &mut rec, &e.to_string());
                }
            }
        });
    }

    /// Validate and write the rows in batches, each one transaction that also stores the job's
    /// counts and new row errors. The job keeps at most `io::MAX_KEPT_ERRORS` errors (only
    /// counted beyond) and only the current batch's new ones are in memory.
    fn run(self, store: &OrgGuard, slot: Slot, rows: Vec<io::ParsedRow>) {
        let Run { state, p, list, policy, mut rec } = self;
        let now = || state.clock.now();
        rec.status = JobStatus::Running;
        rec.updated_at = now();
        rec.started_at = Some(rec.updated_at);
        if let Err(e) = store.put_job(&mut rec, &[], None) {
            return fail(&state, store, &mut rec, &ApiError::from(e).to_string());
        }
        let limits = state.config.contact_limits();
        let mut keys = match store.duplicate_keys(list) {
            Ok(k) => k,
            Err(e) => return fail(&state, store, &mut rec, &ApiError::from(e).to_string()),
        };
        let actor = p.actor();
        let max = state.config.limits.max_contacts_per_list;
        let max_groups = state.config.limits.max_groups_per_list;
        let mut batch = Vec::with_capacity(BATCH);
        // This batch's row errors: written with the batch, then dropped.
        let mut new_errors: Vec<RowErrorView> = Vec::new();
        let mut new_error_count = 0;
        let mut invalid_in_batch = 0;
        let total_rows = rows.len();
        for (i, row) in rows.into_iter().enumerate() {
            // An update import validates only what the row sets: it may match by e-mail without a
            // name, and an empty or missing cell never clears a field of the matched contact.
            let checked = if policy == DuplicatePolicy::Update {
                row.input.into_partial_fields(&limits)
            } else {
                row.input.into_fields(&limits).map(|f| (f, Present::ALL))
            };
            match checked {
                Ok((fields, present)) => {
                    batch.push(ImportRow { row: row.row, fields, present, group_names: row.group_names })
                }
                Err(fe) => {
                    invalid_in_batch += 1;
                    for (field, message) in fe {
                        new_error_count += 1;
                        if rec.errors_kept + new_errors.len() < io::MAX_KEPT_ERRORS {
                            new_errors.push(RowErrorView { row: row.row, column: column_of(&field), message });
                        }
                    }
                }
            }
            if batch.len() < BATCH && i + 1 != total_rows {
                continue;
            }
            let n = batch.len();
            let rows = std::mem::take(&mut batch);
            // The job's record as it will be once this batch is committed, written by the batch.
            let mut next: Option<JobRecord> = None;
            let mut after = |txn: &redb::WriteTransaction, out: &ImportOutcome| {
                let mut r = rec.clone();
                r.imported += out.imported;
                r.updated += out.updated;
                r.skipped += out.skipped;
                r.processed += n + invalid_in_batch;
                r.error_count += new_error_count + out.refused.len() + out.errors.len();
                r.updated_at = now();
                let mut errors = std::mem::take(&mut new_errors);
                errors.extend(out.refused.iter().map(|(row, message)| RowErrorView {
                    row: *row,
                    column: "Groups".to_owned(),
                    message: message.clone(),
                }));
                errors.extend(out.errors.iter().map(|(row, field, message)| RowErrorView {
                    row: *row,
                    column: column_of(field),
                    message: message.clone(),
                }));
                // Which rows were skipped, for the report (the first ones; the count says how many).
                for (row, why) in &out.skipped_rows {
                    if r.warnings.len() >= MAX_WARNINGS {
                        break;
                    }
                    r.warnings.push(format!("row {row} skipped: {why}"));
                }
                store::put_job_in(txn, &mut r, &errors)?;
                next = Some(r);
                Ok(())
            };
            let result = store.import_batch(
                &actor,
                list,
                rows,
                policy,
                &mut keys,
                max,
                max_groups,
                now(),
                Some(rec.id),
                &mut after,
            );
            match (result, next) {
                (Ok(_), Some(r)) => rec = r,
                (Ok(_), None) => {}
                (Err(e), _) => return fail(&state, store, &mut rec, &ApiError::from(e).to_string()),
            }
            new_errors.clear();
            new_error_count = 0;
            invalid_in_batch = 0;
        }
        rec.processed = rec.total;
        rec.status = JobStatus::Succeeded;
        rec.updated_at = now();
        rec.finished_at = Some(rec.updated_at);
        if let Err(e) = store.put_job(&mut rec, &[], None) {
            return fail(&state, store, &mut rec, &ApiError::from(e).to_string());
        }
        tracing::info!(job = %slot.id, "import finished");
    }
}

/// Record a failed job (best effort: if even that cannot be written, it answers `interrupted`).
fn fail(state: &AppState, store: &OrgGuard, rec: &mut JobRecord, message: &str) {
    tracing::warn!(job = %uuid::Uuid::from_u128(rec.id), message, "import failed");
    rec.status = JobStatus::Failed;
    rec.message = Some(message.to_owned());
    rec.updated_at = state.clock.now();
    rec.finished_at = Some(rec.updated_at);
    if let Err(e) = store.put_job(rec, &[], None) {
        tracing::error!(error = %e, "the failed job cannot be recorded");
    }
}

/// An import job's progress and result.
#[utoipa::path(get, path = "/api/v1/jobs/{id}", tag = "import-export", params(("id" = String, Path)),
    responses((status = 200, body = Job), (status = 404)), security(("bearer" = [])))]
pub async fn get_job(State(state): State<AppState>, p: User, Path(id): Path<String>) -> ApiResult<axum::Json<Job>> {
    let id: uuid::Uuid = parse_id(&id, "job")?;
    let store = org(&state, &p.access).await?;
    // Alive first, then read: a job that stops being alive has written its final record before.
    let live = state.jobs.is_live(id);
    let (now, retention) = (state.clock.now(), state.jobs.retention_ms());
    let found = blocking(move || Ok(store.job(id.as_u128())?)).await?;
    match found {
        Some((rec, _)) if rec.settled(live) && rec.expires_at(retention) <= now => Err(ApiError::NotFound("job")),
        Some((rec, errors)) => Ok(axum::Json(Job::view(rec, errors, live))),
        None => Err(ApiError::NotFound("job")),
    }
}

#[derive(Deserialize, Default, utoipa::IntoParams)]
#[serde(default)]
pub struct ExportParams {
    /// xlsx (default) | csv | vcf
    format: Option<String>,
    q: Option<String>,
    group: Option<String>,
}

/// Export the list (optionally filtered like the listing) as a file.
#[utoipa::path(get, path = "/api/v1/lists/{list}/export", tag = "import-export", params(("list" = String, Path), ExportParams),
    responses((status = 200, description = "The file"), (status = 404), (status = 422)), security(("bearer" = [])))]
pub async fn export(
    State(state): State<AppState>,
    p: User,
    Path(list): Path<String>,
    super::Query(params): super::Query<ExportParams>,
) -> ApiResult<Response> {
    let id: ListId = parse_id(&list, "list")?;
    let format = match params.format.as_deref().unwrap_or("xlsx") {
        "xlsx" => Format::Xlsx,
        "csv" => Format::Csv,
        "vcf" | "vcard" => Format::Vcard,
        _ => return Err(ApiError::field("format", "must be xlsx, csv or vcf")),
    };
    let lp = ListParams { q: params.q, group: params.group, ..Default::default() };
    let (query, _, _) = lp.to_query()?;
    let store = org(&state, &p.access).await?;
    let (list_name, ids, groups) = blocking({
        let store_q = org(&state, &p.access).await?;
        move || {
            let l = store_q.get_list(id)?;
            let ids = store_q.all_matching(id, &query)?;
            let groups: HashMap<GroupId, String> =
                store_q.groups(id)?.into_iter().map(|g| (g.group.id, g.group.name)).collect();
            Ok((l.name, ids, groups))
        }
    })
    .await?;
    let stem: String = list_name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '-' })
        .collect::<String>()
        .trim_matches('-')
        .to_owned();
    let filename = format!("{}.{}", if stem.is_empty() { "contacts" } else { &stem }, format.extension());
    let (tx, rx) = tokio::sync::mpsc::channel::<super::export_stream::Chunk>(8);
    tokio::task::spawn_blocking(move || {
        let batches = ids.chunks(BATCH).map(|chunk| store.read_contacts(id, chunk));
        super::export_stream::produce(&tx, format, batches, &|g: GroupId| groups.get(&g).cloned());
    });
    let stream = tokio_stream::wrappers::ReceiverStream::new(rx);
    Ok(attachment(Body::from_stream(stream), format.content_type(), &filename).into_response())
}
