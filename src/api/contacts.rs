//! Contacts of a list: search and paging through the list's index, CRUD with ETags so that two
//! people editing the same contact never silently overwrite each other. API keys reach these
//! routes for their own list only.

use super::{Json, blocking, org, parse_id};
use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::model::{Contact, ContactId, ContactInput, FieldErrors, GroupId};
use crate::search::{GroupFilter, Order, Query, SortKey};
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub fn routes() -> Router<AppState> {
    Router::new().route("/api/v1/lists/{list}/contacts", get(list_contacts).post(create_contact)).route(
        "/api/v1/lists/{list}/contacts/{id}",
        get(get_contact).put(replace_contact).patch(patch_contact).delete(delete_contact),
    )
}

pub const MAX_PER_PAGE: usize = 500;

/// Query parameters of the listing, as strings, so each bad value is reported with its name.
#[derive(Deserialize, Default, utoipa::IntoParams)]
#[serde(default)]
pub struct ListParams {
    /// Words that must all match the start of a word (accent- and case-insensitive).
    pub q: Option<String>,
    /// A..Z or `#`: the first letter of the full name, or of the family name with `sort=family_name`.
    pub letter: Option<String>,
    /// A group id, or `none` for contacts in no group.
    pub group: Option<String>,
    /// full_name (default) | family_name | job_title | company | department | mobile | email | updated_at.
    /// `family_name` sorts by last name (stored, or derived from the full name) and makes
    /// `letter` and `letters` follow the family name.
    pub sort: Option<String>,
    /// asc (default) | desc
    pub order: Option<String>,
    /// From 1.
    pub page: Option<String>,
    /// 1 to 500, default 50.
    pub per_page: Option<String>,
}

impl ListParams {
    /// Validate into an index query (offset/limit from page/per_page).
    pub fn to_query(&self) -> Result<(Query, usize, usize), ApiError> {
        let mut errs = FieldErrors::new();
        let q = self.q.clone().unwrap_or_default();
        if q.chars().count() > 500 {
            errs.insert("q".into(), "is longer than 500 characters".into());
        }
        let letter = match self.letter.as_deref().unwrap_or("") {
            "" => None,
            l if l.len() == 1 && (l == "#" || l.as_bytes()[0].is_ascii_alphabetic()) => {
                Some(l.chars().next().unwrap_or('#').to_ascii_uppercase())
            }
            _ => {
                errs.insert("letter".into(), "must be a letter A to Z or #".into());
                None
            }
        };
        let group = match self.group.as_deref().unwrap_or("") {
            "" => None,
            "none" => Some(GroupFilter::NoGroup),
            g => match g.parse::<GroupId>() {
                Ok(id) => Some(GroupFilter::Group(id)),
                Err(_) => {
                    errs.insert("group".into(), "must be a group id or `none`".into());
                    None
                }
            },
        };
        let sort = match self.sort.as_deref().unwrap_or("full_name") {
            "full_name" => SortKey::FullName,
            "family_name" => SortKey::FamilyName,
            "job_title" => SortKey::JobTitle,
            "company" => SortKey::Company,
            "department" => SortKey::Department,
            "mobile" => SortKey::Mobile,
            "email" => SortKey::Email,
            "updated_at" => SortKey::UpdatedAt,
            _ => {
                errs.insert(
                    "sort".into(),
                    "must be one of full_name, family_name, job_title, company, department, mobile, email, updated_at"
                        .into(),
                );
                SortKey::FullName
            }
        };
        let order = match self.order.as_deref().unwrap_or("asc") {
            "asc" => Order::Asc,
            "desc" => Order::Desc,
            _ => {
                errs.insert("order".into(), "must be asc or desc".into());
                Order::Asc
            }
        };
        let page = match self.page.as_deref().map(str::parse::<usize>) {
            None => 1,
            Some(Ok(p)) if (1..=1_000_000).contains(&p) => p,
            Some(_) => {
                errs.insert("page".into(), "must be a whole number from 1".into());
                1
            }
        };
        let per_page = match self.per_page.as_deref().map(str::parse::<usize>) {
            None => 50,
            Some(Ok(p)) if (1..=MAX_PER_PAGE).contains(&p) => p,
            Some(_) => {
                errs.insert("per_page".into(), format!("must be a whole number from 1 to {MAX_PER_PAGE}"));
                50
            }
        };
        if !errs.is_empty() {
            return Err(ApiError::Validation(errs));
        }
        let query = Query { q, letter, group, sort, order, offset: (page - 1) * per_page, limit: per_page };
        Ok((query, page, per_page))
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ContactPageView {
    items: Vec<Contact>,
    total: usize,
    page: usize,
    per_page: usize,
    /// Counts per first letter over the search and group filter (not the letter filter); of the
    /// family name with `sort=family_name`.
    #[schema(value_type = BTreeMap<String, usize>)]
    letters: BTreeMap<char, usize>,
    /// True when `q` matched nothing as typed and these are results for similar words (typos).
    fuzzy: bool,
}

/// Search, filter, sort and page a list's contacts.
#[utoipa::path(get, path = "/api/v1/lists/{list}/contacts", tag = "contacts", params(("list" = String, Path), ListParams),
    responses((status = 200, body = ContactPageView), (status = 404), (status = 422)),
    security(("bearer" = []), ("api_key" = [])))]
pub async fn list_contacts(
    State(state): State<AppState>,
    c: Caller,
    Path(list): Path<String>,
    super::Query(params): super::Query<ListParams>,
) -> ApiResult<axum::Json<ContactPageView>> {
    let list = c.list(&list)?;
    let (query, page, per_page) = params.to_query()?;
    let store = org(&state, c.access()).await?;
    let r = blocking(move || Ok(store.query_contacts(list, &query)?)).await?;
    Ok(axum::Json(ContactPageView {
        items: r.items,
        total: r.total,
        page,
        per_page,
        letters: r.letters,
        fuzzy: r.fuzzy,
    }))
}

fn etag(c: &Contact) -> HeaderValue {
    HeaderValue::from_str(&format!("\"{}\"", c.version)).unwrap_or(HeaderValue::from_static("\"0\""))
}

fn with_etag(status: StatusCode, c: Contact) -> Response {
    let tag = etag(&c);
    let mut r = (status, axum::Json(c)).into_response();
    r.headers_mut().insert(header::ETAG, tag);
    r
}

/// `If-Match: "3"` (or `W/"3"`) -> Some(3); `*` or absent -> None; anything else -> 412.
pub(crate) fn if_match(h: &HeaderMap) -> ApiResult<Option<u64>> {
    let Some(v) = h.get(header::IF_MATCH) else { return Ok(None) };
    let s = v.to_str().map_err(|_| ApiError::BadRequest("If-Match is not valid text".into()))?.trim();
    if s == "*" {
        return Ok(None);
    }
    let s = s.strip_prefix("W/").unwrap_or(s);
    s.trim_matches('"')
        .parse()
        .map(Some)
        .map_err(|_| ApiError::BadRequest("If-Match must be an ETag from a previous GET, e.g. \"3\"".into()))
}

/// Create a contact.
#[utoipa::path(post, path = "/api/v1/lists/{list}/contacts", tag = "contacts", params(("list" = String, Path)),
    request_body = ContactInput, responses((status = 201, body = Contact), (status = 403), (status = 404), (status = 422)),
    security(("bearer" = []), ("api_key" = [])))]
pub async fn create_contact(
    State(state): State<AppState>,
    c: Caller,
    Path(list): Path<String>,
    Json(input): Json<ContactInput>,
) -> ApiResult<Response> {
    let list = c.list(&list)?;
    let fields = input.into_fields(&state.config.contact_limits()).map_err(ApiError::Validation)?;
    let store = org(&state, c.access()).await?;
    let now = state.clock.now();
    let max = state.config.limits.max_contacts_per_list;
    let actor = c.actor();
    let created = blocking(move || Ok(store.create_contact(&actor, list, fields, max, now)?)).await?;
    Ok(with_etag(StatusCode::CREATED, created))
}

#[utoipa::path(get, path = "/api/v1/lists/{list}/contacts/{id}", tag = "contacts", params(("list" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = Contact, headers(("ETag" = String))), (status = 404)), security(("bearer" = []), ("api_key" = [])))]
pub async fn get_contact(
    State(state): State<AppState>,
    c: Caller,
    Path((list, id)): Path<(String, String)>,
) -> ApiResult<Response> {
    let list = c.list(&list)?;
    let id: ContactId = parse_id(&id, "contact")?;
    let store = org(&state, c.access()).await?;
    let found = blocking(move || Ok(store.get_contact(list, id)?)).await?;
    Ok(with_etag(StatusCode::OK, found))
}

async fn update(
    state: AppState,
    c: Caller,
    list: String,
    id: String,
    headers: HeaderMap,
    input: ContactInput,
    replace: bool,
) -> ApiResult<Response> {
    let list = c.list(&list)?;
    let id: ContactId = parse_id(&id, "contact")?;
    let expected = if_match(&headers)?;
    let limits = state.config.contact_limits();
    let store = org(&state, c.access()).await?;
    let now = state.clock.now();
    let actor = c.actor();
    let updated = blocking(move || {
        Ok(store.update_contact(&actor, list, id, expected, now, |old| {
            if replace { input.into_fields(&limits) } else { input.apply_to(old, &limits) }
        })?)
    })
    .await?;
    Ok(with_etag(StatusCode::OK, updated))
}

/// Replace a contact. With If-Match, 412 when it changed since.
#[utoipa::path(put, path = "/api/v1/lists/{list}/contacts/{id}", tag = "contacts", params(("list" = String, Path), ("id" = String, Path)),
    request_body = ContactInput, responses((status = 200, body = Contact), (status = 404), (status = 412), (status = 422)),
    security(("bearer" = []), ("api_key" = [])))]
pub async fn replace_contact(
    State(state): State<AppState>,
    c: Caller,
    Path((list, id)): Path<(String, String)>,
    headers: HeaderMap,
    Json(input): Json<ContactInput>,
) -> ApiResult<Response> {
    update(state, c, list, id, headers, input, true).await
}

/// Change only the fields given. With If-Match, 412 when it changed since.
#[utoipa::path(patch, path = "/api/v1/lists/{list}/contacts/{id}", tag = "contacts", params(("list" = String, Path), ("id" = String, Path)),
    request_body = ContactInput, responses((status = 200, body = Contact), (status = 404), (status = 412), (status = 422)),
    security(("bearer" = []), ("api_key" = [])))]
pub async fn patch_contact(
    State(state): State<AppState>,
    c: Caller,
    Path((list, id)): Path<(String, String)>,
    headers: HeaderMap,
    Json(input): Json<ContactInput>,
) -> ApiResult<Response> {
    update(state, c, list, id, headers, input, false).await
}

#[utoipa::path(delete, path = "/api/v1/lists/{list}/contacts/{id}", tag = "contacts", params(("list" = String, Path), ("id" = String, Path)),
    responses((status = 204), (status = 403), (status = 404), (status = 412)), security(("bearer" = []), ("api_key" = [])))]
pub async fn delete_contact(
    State(state): State<AppState>,
    c: Caller,
    Path((list, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> ApiResult<StatusCode> {
    let list = c.list(&list)?;
    let id: ContactId = parse_id(&id, "contact")?;
    let expected = if_match(&headers)?;
    let store = org(&state, c.access()).await?;
    let actor = c.actor();
    let now = state.clock.now();
    blocking(move || Ok(store.delete_contact(&actor, list, id, expected, now)?)).await?;
    Ok(StatusCode::NO_CONTENT)
}
