//! `GET /api/v1/connector/swagger.json`: an OpenAPI 2.0 definition that Power Automate imports as a
//! custom connector with the five actions of the product it replaces (get all, get one, create,
//! update, delete contacts), authenticated by an API key and addressed by the list's identifier.
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
