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
use crate::jobs::{Job, JobStatus, RowErrorView};
use crate::model::{GroupId, ListId, Present};
use crate::store::{DuplicatePolicy, ImportRow, Need, OrgGuard, Rights};
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
    let max_rows = state.config.limits.max_import_rows;
    let parsed = blocking(move || {
        io::parse(format, &bytes, max_rows).map_err(|e| match e {
            io::ImportError::TooManyRows { .. } => ApiError::TooLarge(e.to_string()),
            other => ApiError::field("file", other.to_string()),
        })
    })
    .await?;
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
    let mut job = Job::new("import", p.org().to_string());
    job.total = parsed.rows.len() + parsed.errors.len();
    job.warnings = parsed.warnings.clone();
    let handle = state.jobs.start(job.clone());
    let permit = state.jobs.permit();
    let st = state.clone();
    tokio::task::spawn_blocking(move || {
        let _permit = permit;
        run_import(&st, &store, &p, id, parsed, policy, &handle);
    });
    Ok((StatusCode::ACCEPTED, axum::Json(job)))
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

fn run_import(
    state: &AppState,
    store: &OrgGuard,
    p: &User,
    list: ListId,
    parsed: io::Parsed,
    policy: DuplicatePolicy,
    job: &crate::jobs::JobHandle,
) {
    job.update(|j| j.status = JobStatus::Running);
    let limits = state.config.contact_limits();
    let mut errors: Vec<RowErrorView> =
        parsed.errors.into_iter().map(|e| RowErrorView { row: e.row, column: e.column, message: e.message }).collect();
    let unreadable = errors.len();
    job.update(|j| {
        j.errors.clone_from(&errors);
        j.processed = unreadable;
    });
    let mut keys = match store.duplicate_keys(list) {
        Ok(k) => k,
        Err(e) => return fail(job, &e.to_string()),
    };
    let actor = p.actor();
    let max = state.config.limits.max_contacts_per_list;
    let mut batch = Vec::with_capacity(BATCH);
    let mut invalid_in_batch = 0;
    let total_rows = parsed.rows.len();
    for (i, row) in parsed.rows.into_iter().enumerate() {
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
                    errors.push(RowErrorView { row: row.row, column: column_of(&field), message });
                }
            }
        }
        if batch.len() >= BATCH || i + 1 == total_rows {
            let n = batch.len();
            let rows = std::mem::take(&mut batch);
            match store.import_batch(&actor, list, rows, policy, &mut keys, max, state.clock.now()) {
                Ok(out) => job.update(|j| {
                    for (row, field, message) in out.errors {
                        errors.push(RowErrorView { row, column: column_of(&field), message });
                    }
                    j.imported += out.imported;
                    j.updated += out.updated;
                    j.skipped += out.skipped;
                    j.processed += n + invalid_in_batch;
                    j.errors.clone_from(&errors);
                }),
                Err(e) => {
                    job.update(|j| j.errors.clone_from(&errors));
                    return fail(job, &crate::error::ApiError::from(e).to_string());
                }
            }
            invalid_in_batch = 0;
        }
    }
    job.update(|j| {
        j.errors.clone_from(&errors);
        j.processed = j.total;
        j.status = JobStatus::Succeeded;
    });
    tracing::info!(job = %job.id, "import finished");
}

fn fail(job: &crate::jobs::JobHandle, message: &str) {
    tracing::warn!(job = %job.id, message, "import failed");
    job.update(|j| {
        j.status = JobStatus::Failed;
        j.message = Some(message.to_owned());
    });
}

/// An import job's progress and result.
#[utoipa::path(get, path = "/api/v1/jobs/{id}", tag = "import-export", params(("id" = String, Path)),
    responses((status = 200, body = Job), (status = 404)), security(("bearer" = [])))]
pub async fn get_job(State(state): State<AppState>, p: User, Path(id): Path<String>) -> ApiResult<axum::Json<Job>> {
    let id: uuid::Uuid = parse_id(&id, "job")?;
    state.jobs.get(id, p.org().as_str()).map(axum::Json).ok_or(ApiError::NotFound("job"))
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
