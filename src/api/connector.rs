//! `GET /api/v1/connector/swagger.json`: an OpenAPI 2.0 definition that Power Automate imports as a
//! custom connector with the five actions of the product it replaces (get all, get one, create,
//! update, delete contacts), authenticated by an API key and addressed by the list's identifier.
//!
//! Two polling triggers ("When a contact is created", "When a contact is updated or deleted") read
//! the list's change log, the same feed as `GET .../changes`: Power Automate's polling contract is
//! 202 + `Location` (the URL to poll next, carrying the seq) + `Retry-After` when nothing is new,
//! and 200 with the new items + `Location` when something is. The first poll starts at the head, so
//! a new flow never fires for old changes.
//!
//! Power Automate only imports Swagger 2.0, so this document is written by hand rather than derived
//! from the OpenAPI 3.1 one; the integration tests validate it with a real 2.0 validator and drive
//! every operation it declares.

use crate::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use serde_json::{Value, json};

fn host(state: &AppState, headers: &HeaderMap) -> (String, &'static str) {
    let public = state.config.server.public_url.trim_end_matches('/');
    if let Some(rest) = public.strip_prefix("https://") {
        return (rest.to_owned(), "https");
    }
    if let Some(rest) = public.strip_prefix("http://") {
        return (rest.to_owned(), "http");
    }
    let h = headers.get("host").and_then(|v| v.to_str().ok()).unwrap_or("localhost");
    let safe: String =
        h.chars().filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']')).collect();
    (safe, if state.config.server.tls.is_some() { "https" } else { "http" })
}

fn text(desc: &str) -> Value {
    json!({"type": "string", "description": desc})
}

fn contact_props(with_meta: bool) -> Value {
    let mut p = json!({
        "full_name": {"type": "string", "description": "Full name (required)", "x-ms-summary": "Full name"},
        "given_name": {"type": "string", "description": "Given (first) name; empty: derived from the full name",
            "x-ms-summary": "First name", "x-ms-visibility": "advanced"},
        "family_name": {"type": "string", "description": "Family (last) name; empty: derived from the full name",
            "x-ms-summary": "Last name", "x-ms-visibility": "advanced"},
        "job_title": {"type": "string", "x-ms-summary": "Job title"},
        "email": {"type": "string", "x-ms-summary": "Email"},
        "mobile": {"type": "string", "x-ms-summary": "Mobile"},
        "phone": {"type": "string", "x-ms-summary": "Phone"},
        "website": {"type": "string", "x-ms-summary": "Website", "x-ms-visibility": "advanced"},
        "linkedin": {"type": "string", "x-ms-summary": "LinkedIn", "x-ms-visibility": "advanced"},
        "facebook": {"type": "string", "x-ms-summary": "Facebook", "x-ms-visibility": "advanced"},
        "x": {"type": "string", "x-ms-summary": "X", "x-ms-visibility": "advanced"},
        "company": {"type": "string", "x-ms-summary": "Company"},
        "department": {"type": "string", "x-ms-summary": "Department"},
        "address": {"$ref": "#/definitions/Address"},
        "notes": {"type": "string", "x-ms-summary": "Notes", "x-ms-visibility": "advanced"},
    });
    if with_meta && let Some(m) = p.as_object_mut() {
        m.insert("id".into(), json!({"type": "string", "x-ms-summary": "Contact id"}));
        m.insert("groups".into(), json!({"type": "array", "items": {"type": "string"}, "x-ms-summary": "Group ids"}));
        m.insert("version".into(), json!({"type": "integer", "x-ms-summary": "Version"}));
        m.insert("created_at".into(), json!({"type": "string", "format": "date-time", "x-ms-summary": "Created at"}));
        m.insert("updated_at".into(), json!({"type": "string", "format": "date-time", "x-ms-summary": "Updated at"}));
    }
    p
}

pub fn document(host: &str, scheme: &str) -> Value {
    let list = json!({"name": "list", "in": "path", "required": true, "type": "string",
        "x-ms-summary": "Contact list unique identifier", "description": "The list's unique identifier (Help > About in the app)"});
    let id = json!({"name": "id", "in": "path", "required": true, "type": "string", "x-ms-summary": "Contact id"});
    let since = json!({"name": "since", "in": "query", "required": false, "type": "integer",
        "x-ms-visibility": "internal", "description": "Set by the Location header of the previous poll"});
    let errors = json!({
        "401": {"description": "Missing or invalid API key"},
        "404": {"description": "Unknown list or contact"},
        "422": {"description": "Invalid fields", "schema": {"$ref": "#/definitions/Error"}},
        "429": {"description": "Too many requests"},
    });
    let with = |extra: Value| {
        let mut m = errors.as_object().cloned().unwrap_or_default();
        if let Value::Object(e) = extra {
            m.extend(e);
        }
        Value::Object(m)
    };
    json!({
        "swagger": "2.0",
        "info": {"title": "contactpro", "version": crate::VERSION,
                 "description": "Read and write the contacts of one contactpro list with an API key."},
        "host": host,
        "basePath": "/api/v1",
        "schemes": [scheme],
        "consumes": ["application/json"],
        "produces": ["application/json"],
        "securityDefinitions": {"api_key": {"type": "apiKey", "in": "header", "name": "X-API-Key"}},
        "security": [{"api_key": []}],
        "paths": {
            "/lists/{list}/contacts": {
                "get": {
                    "operationId": "GetAllContacts", "summary": "Get all contacts",
                    "description": "Lists the contacts of the list, optionally filtered by a search.",
                    "x-ms-visibility": "important",
                    "parameters": [list.clone(),
                        {"name": "q", "in": "query", "type": "string", "required": false, "x-ms-summary": "Search", "description": "Words matching name, job, company, department, notes, groups, address, email or phone"},
                        {"name": "page", "in": "query", "type": "integer", "required": false, "x-ms-summary": "Page", "x-ms-visibility": "advanced", "default": 1},
                        {"name": "per_page", "in": "query", "type": "integer", "required": false, "x-ms-summary": "Page size", "x-ms-visibility": "advanced", "default": 50, "maximum": 500}],
                    "responses": with(json!({"200": {"description": "A page of contacts", "schema": {"$ref": "#/definitions/ContactPage"}}}))
                },
                "post": {
                    "operationId": "CreateContact", "summary": "Create a new contact",
                    "description": "Adds a contact to the list.", "x-ms-visibility": "important",
                    "parameters": [list.clone(), {"name": "body", "in": "body", "required": true, "schema": {"$ref": "#/definitions/ContactInput"}}],
                    "responses": with(json!({"201": {"description": "The created contact", "schema": {"$ref": "#/definitions/Contact"}}}))
                }
            },
            "/lists/{list}/triggers/created": {
                "get": {
                    "operationId": "OnContactCreated", "summary": "When a contact is created",
                    "description": "Fires for each contact added to the list (in the app, by import or by a flow).",
                    "x-ms-visibility": "important", "x-ms-trigger": "batch",
                    "x-ms-trigger-hint": "Add a contact to the list to see it fire.",
                    "parameters": [list.clone(), since.clone()],
                    "responses": with(json!({
                        "200": {"description": "New contacts", "schema": {"$ref": "#/definitions/TriggerBatch"}},
                        "202": {"description": "Nothing new yet"}}))
                }
            },
            "/lists/{list}/triggers/changed": {
                "get": {
                    "operationId": "OnContactChanged", "summary": "When a contact is updated or deleted",
                    "description": "Fires for each change to an existing contact: edited, deleted (moved to the trash) or restored.",
                    "x-ms-visibility": "important", "x-ms-trigger": "batch",
                    "x-ms-trigger-hint": "Edit or delete a contact of the list to see it fire.",
                    "parameters": [list.clone(), since],
                    "responses": with(json!({
                        "200": {"description": "Changed contacts", "schema": {"$ref": "#/definitions/TriggerBatch"}},
                        "202": {"description": "Nothing new yet"}}))
                }
            },
            "/lists/{list}/contacts/{id}": {
                "get": {
                    "operationId": "GetContact", "summary": "Get a contact", "description": "Reads one contact.",
                    "x-ms-visibility": "important",
                    "parameters": [list.clone(), id.clone()],
                    "responses": with(json!({"200": {"description": "The contact", "schema": {"$ref": "#/definitions/Contact"}}}))
                },
                "patch": {
                    "operationId": "UpdateContact", "summary": "Update a contact",
                    "description": "Changes the fields given; the others stay.", "x-ms-visibility": "important",
                    "parameters": [list.clone(), id.clone(), {"name": "body", "in": "body", "required": true, "schema": {"$ref": "#/definitions/ContactPatch"}}],
                    "responses": with(json!({"200": {"description": "The updated contact", "schema": {"$ref": "#/definitions/Contact"}}}))
                },
                "delete": {
                    "operationId": "DeleteContact", "summary": "Delete a contact", "description": "Deletes one contact.",
                    "x-ms-visibility": "important",
                    "parameters": [list, id],
                    "responses": with(json!({"204": {"description": "Deleted"}}))
                }
            }
        },
        "definitions": {
            "Address": {"type": "object", "properties": {
                "street": text("Street"), "city": text("City"), "postal_code": text("Postal code"),
                "state": text("State"), "country": text("Country")}},
            "ContactInput": {"type": "object", "required": ["full_name"], "properties": contact_props(false)},
            "ContactPatch": {"type": "object", "properties": contact_props(false)},
            "Contact": {"type": "object", "properties": contact_props(true)},
            "ContactPage": {"type": "object", "properties": {
                "items": {"type": "array", "items": {"$ref": "#/definitions/Contact"}, "x-ms-summary": "Contacts"},
                "total": {"type": "integer", "x-ms-summary": "Total"},
                "page": {"type": "integer"}, "per_page": {"type": "integer"}}},
            "TriggerItem": {"type": "object", "properties": {
                "seq": {"type": "integer", "x-ms-summary": "Change number"},
                "kind": {"type": "string", "x-ms-summary": "Change", "description": "contact.created, contact.updated, contact.deleted or contact.restored"},
                "id": {"type": "string", "x-ms-summary": "Contact id"},
                "name": {"type": "string", "x-ms-summary": "Contact name"},
                "at": {"type": "string", "format": "date-time", "x-ms-summary": "Changed at"},
                "by": {"type": "object", "properties": {"id": {"type": "string"}, "name": {"type": "string", "x-ms-summary": "Changed by"}}},
                "contact": {"$ref": "#/definitions/Contact"}}},
            "TriggerBatch": {"type": "object", "properties": {
                "value": {"type": "array", "items": {"$ref": "#/definitions/TriggerItem"}}}},
            "Error": {"type": "object", "properties": {"error": {"type": "object", "properties": {
                "code": {"type": "string"}, "message": {"type": "string"},
                "fields": {"type": "object", "additionalProperties": {"type": "string"}}}}}}
        }
    })
}

pub async fn swagger(State(state): State<AppState>, headers: HeaderMap) -> Json<Value> {
    let (h, scheme) = host(&state, &headers);
    Json(document(&h, scheme))
}

/// Which changes a trigger fires for.
fn trigger_kinds(event: &str) -> Option<&'static [&'static str]> {
    match event {
        "created" => Some(&["contact.created"]),
        "changed" => Some(&["contact.updated", "contact.deleted", "contact.restored"]),
        _ => None,
    }
}

/// A polling trigger (see the module comment). `contact` is the contact as it is now (absent when
/// it was deleted since).
pub async fn trigger(
    State(state): State<AppState>,
    c: crate::auth::Caller,
    axum::extract::Path((list, event)): axum::extract::Path<(String, String)>,
    headers: HeaderMap,
    super::Query(params): super::Query<std::collections::HashMap<String, String>>,
) -> crate::error::ApiResult<axum::response::Response> {
    use axum::http::{HeaderValue, StatusCode, header};
    use axum::response::IntoResponse;
    let list_id = c.list(&list)?;
    let kinds = trigger_kinds(&event).ok_or(crate::error::ApiError::NotFound("trigger"))?;
    let since = match params.get("since").map(|s| s.trim()) {
        None | Some("") => None,
        Some(s) => Some(
            s.parse::<u64>().map_err(|_| crate::error::ApiError::field("since", "must be a whole number (a seq)"))?,
        ),
    };
    let store = super::org(&state, c.access()).await?;
    let (items, next) = super::blocking(move || {
        let Some(since) = since else { return Ok((Vec::new(), store.log_head(list_id)?)) };
        let page = store.changes(list_id, since, 100).map_err(|e| match e {
            crate::store::log::ChangesError::Compacted { oldest } => crate::error::ApiError::ChangesCompacted { oldest },
            crate::store::log::ChangesError::Store(e) => e.into(),
        })?;
        let mut items = Vec::new();
        for ch in page.items {
            let kind = ch.kind.as_str();
            if !kinds.contains(&kind) {
                continue;
            }
            let id = crate::model::ContactId::from_u128(ch.id);
            let contact = store.get_contact(list_id, id).ok();
            items.push(json!({"seq": ch.seq, "kind": kind, "id": id, "name": ch.name, "at": ch.at, "by": ch.by, "contact": contact}));
        }
        Ok((items, page.next))
    })
    .await?;
    let (h, scheme) = host(&state, &headers);
    let location = format!("{scheme}://{h}/api/v1/lists/{list_id}/triggers/{event}?since={next}");
    let mut resp = if items.is_empty() {
        StatusCode::ACCEPTED.into_response()
    } else {
        (StatusCode::OK, Json(json!({"value": items}))).into_response()
    };
    if let Ok(v) = HeaderValue::from_str(&location) {
        resp.headers_mut().insert(header::LOCATION, v);
    }
    resp.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("60"));
    Ok(resp)
}
