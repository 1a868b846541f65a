//! GET, PUT and DELETE of cards, with ETags and preconditions; the list's permissions decide.

use super::propfind::blocking;
use super::props;
use super::{DavError, DavResult, Target, Urls, vcard};
use crate::AppState;
use crate::auth::DavUser;
use crate::io::VcardVersion;
use crate::model::{Contact, GroupId, ListId};
use crate::store::dav::{Condition, DavCard, Preconditions};
use crate::store::{OrgStore, StoreError};
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;

pub fn group_names(store: &OrgStore, list: ListId) -> Result<HashMap<GroupId, String>, StoreError> {
    Ok(store.groups(list)?.into_iter().map(|g| (g.group.id, g.group.name)).collect())
}

/// 4.0 when the client asks for it (`version="4.0"` in address-data, `version=4.0` in Accept).
pub fn version_of(asked: Option<&str>) -> VcardVersion {
    match asked {
        Some(v) if v.trim().trim_matches('"') == "4.0" => VcardVersion::V4,
        _ => VcardVersion::V3,
    }
}

pub fn render(c: &Contact, card: &DavCard, groups: &HashMap<GroupId, String>, v: VcardVersion) -> String {
    let mut buf = Vec::with_capacity(1024);
    crate::io::write_card(&mut buf, c, &|g| groups.get(&g).cloned(), v, &card.extra);
    String::from_utf8(buf).unwrap_or_default()
}

fn accept_version(headers: &HeaderMap) -> Option<String> {
    let a = headers.get(header::ACCEPT)?.to_str().ok()?;
    a.split(',')
        .find(|m| m.trim_start().starts_with("text/vcard"))
        .and_then(|m| m.split(';').find_map(|p| p.trim().strip_prefix("version=").map(str::to_owned)))
}

fn condition(headers: &HeaderMap, name: header::HeaderName) -> Result<Option<Condition>, DavError> {
    let Some(v) = headers.get(&name) else { return Ok(None) };
    let v = v.to_str().map_err(|_| DavError::BadRequest(format!("{name} is not text")))?.trim();
    if v == "*" {
        return Ok(Some(Condition::Any));
    }
    let versions =
        v.split(',').filter_map(|t| t.trim().trim_start_matches("W/").trim_matches('"').parse::<u64>().ok()).collect();
    Ok(Some(Condition::Versions(versions)))
}

fn preconditions(headers: &HeaderMap) -> Result<Preconditions, DavError> {
    Ok(Preconditions {
        if_match: condition(headers, header::IF_MATCH)?,
        if_none_match: condition(headers, header::IF_NONE_MATCH)?,
    })
}

fn with_etag(status: StatusCode, version: u64) -> Response {
    let mut r = status.into_response();
    if let Ok(v) = HeaderValue::from_str(&props::etag(version)) {
        r.headers_mut().insert(header::ETAG, v);
    }
    r
}

pub(crate) async fn get(state: &AppState, user: &DavUser, target: Target, headers: &HeaderMap) -> DavResult {
    let Target::Card(list, name) = target else {
        // A collection: something readable for a browser that follows a link.
        return Ok((
            StatusCode::OK,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            "contactpro CardDAV: add this server to your contacts app (see Sync to phone in the web app).\n",
        )
            .into_response());
    };
    let store = crate::api::org(state, &user.access).await?;
    let (found, groups) = blocking(move || {
        let got = store.dav_get(list, &name)?;
        Ok((got, group_names(&store, list)?))
    })
    .await?;
    let Some((c, dc)) = found else { return Err(DavError::NotFound("no such card".into())) };
    let v = version_of(accept_version(headers).as_deref());
    let mut r = with_etag(StatusCode::OK, c.version);
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/vcard; charset=utf-8"));
    if let Ok(lm) = HeaderValue::from_str(&props::http_date(c.updated_at.millis())) {
        r.headers_mut().insert(header::LAST_MODIFIED, lm);
    }
    *r.body_mut() = axum::body::Body::from(render(&c, &dc, &groups, v));
    Ok(r)
}

pub(crate) async fn put(state: &AppState, user: &DavUser, target: Target, req: Request) -> DavResult {
    let Target::Card(list, name) = target else {
        return Err(DavError::Forbidden("only cards ({name}.vcf inside an address book) can be written".into()));
    };
    if let Some(ct) = req.headers().get(header::CONTENT_TYPE) {
        let ct = ct.to_str().unwrap_or("").to_ascii_lowercase();
        let mime = ct.split(';').next().unwrap_or("").trim();
        if !matches!(mime, "text/vcard" | "text/x-vcard" | "text/directory" | "application/octet-stream" | "") {
            return Err(DavError::UnsupportedMediaType(format!("send the card as text/vcard, not {mime}")));
        }
    }
    let pre = preconditions(req.headers())?;
    let body = super::body(req, state.config.server.max_body_bytes).await?;
    let limits = state.config.contact_limits();
    let incoming = vcard::read(&body, &limits)
        .map_err(|e| DavError::Api(crate::error::ApiError::field(&e.0, format!("{} (vCard property {})", e.1, e.0))))?;
    let store = crate::api::org(state, &user.access).await?;
    let actor = user.actor();
    let max = state.config.limits.max_contacts_per_list;
    let now = state.clock.now();
    let urls = Urls::new(user);
    let (book, card) = (urls.book(list), urls.card(list, &name));
    let r = blocking(move || {
        let exists = store.dav_resolve(list, &name)?.is_some();
        // Categories that name a group of the list become that group; the others stay text.
        let by_name: HashMap<String, GroupId> =
            group_names(&store, list)?.into_iter().map(|(id, n)| (n.to_lowercase(), id)).collect();
        let mut fields = incoming.fields;
        let mut extra = incoming.extra;
        let mut unknown = Vec::new();
        for c in &incoming.categories {
            match by_name.get(&c.to_lowercase()) {
                Some(id) if !fields.groups.contains(id) => fields.groups.push(*id),
                Some(_) => {}
                None => unknown.push(crate::io::vcard_escape(c)),
            }
        }
        if !unknown.is_empty() {
            extra.push(format!("CATEGORIES:{}", unknown.join(",")));
        }
        let put = store.dav_put(&actor, list, &name, &pre, fields, extra, max, now);
        Ok((exists, put))
    })
    .await?;
    match r {
        (_, Ok(p)) => {
            Ok(with_etag(if p.created { StatusCode::CREATED } else { StatusCode::NO_CONTENT }, p.contact.version))
        }
        (exists, Err(StoreError::Forbidden(_))) => Err(if exists {
            DavError::NeedPrivileges { href: card, privilege: "write-content" }
        } else {
            DavError::NeedPrivileges { href: book, privilege: "bind" }
        }),
        (_, Err(e)) => Err(e.into()),
    }
}

pub(crate) async fn delete(state: &AppState, user: &DavUser, target: Target, headers: &HeaderMap) -> DavResult {
    let Target::Card(list, name) = target else {
        return Err(DavError::Forbidden("address books are deleted in the web app, not over CardDAV".into()));
    };
    let pre = preconditions(headers)?;
    let store = crate::api::org(state, &user.access).await?;
    let actor = user.actor();
    let now = state.clock.now();
    let book = Urls::new(user).book(list);
    match blocking(move || Ok(store.dav_delete(&actor, list, &name, &pre, now))).await? {
        Ok(()) => Ok(StatusCode::NO_CONTENT.into_response()),
        Err(StoreError::Forbidden(_)) => Err(DavError::NeedPrivileges { href: book, privilege: "unbind" }),
        Err(e) => Err(e.into()),
    }
}
