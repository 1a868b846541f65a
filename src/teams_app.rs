//! The Teams app package (`contactpro teams-app`): manifest.json plus the two icons, zipped.
//!
//! The manifest follows the newest numbered schema (v1.30). Its id is derived from the client id and
//! the public URL (UUID v5), so regenerating the package for the same deployment updates the same
//! app in Teams instead of adding a second one.

mod icons;

use serde_json::{Value, json};
use std::io::Write;

pub const SCHEMA_URL: &str = "https://developer.microsoft.com/json-schemas/teams/v1.30/MicrosoftTeams.schema.json";
pub const MANIFEST_VERSION: &str = "1.30";
/// Fluent's brand blue, also the color icon's background.
pub const ACCENT: &str = "#0F6CBD";
const NAME_MAX_CHARS: usize = 30;
/// Namespace of the derived app ids (a fixed random UUID: changing it would orphan installed apps).
const APP_ID_NAMESPACE: uuid::Uuid = uuid::uuid!("3b0e9a52-6c1f-4f37-9b8e-5d2f7a1c0e44");

#[derive(Debug, thiserror::Error)]
pub enum PackageError {
    #[error("--public-url: {0}")]
    PublicUrl(String),
    #[error("--client-id must be the Entra application (client) id, a GUID like 00000000-0000-0000-0000-000000000000")]
    ClientId,
    #[error("--name must be 1 to {NAME_MAX_CHARS} characters")]
    Name,
    #[error("cannot write the package: {0}")]
    Write(String),
}

pub struct Options {
    pub public_url: String,
    pub client_id: String,
    pub name: String,
    /// Teams needs HTTPS; plain http is only for local experiments.
    pub allow_http: bool,
}

/// The validated origin of the public URL: scheme and host (with the port when not the default).
struct Origin {
    scheme: String,
    host: String,
}

impl Origin {
    fn url(&self, path: &str) -> String {
        format!("{}://{}{path}", self.scheme, self.host)
    }
}

fn origin(public_url: &str, allow_http: bool) -> Result<Origin, PackageError> {
    let bad = |m: &str| PackageError::PublicUrl(m.to_owned());
    let url = reqwest::Url::parse(public_url.trim()).map_err(|e| PackageError::PublicUrl(e.to_string()))?;
    match url.scheme() {
        "https" => {}
        "http" if allow_http => {}
        "http" => return Err(bad("Teams requires https:// (pass --allow-http for a local experiment)")),
        _ => return Err(bad("must start with https://")),
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad("must not contain a user name or password"));
    }
    if url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
        return Err(bad("must be the server's origin only, without a path, e.g. https://contacts.example.com"));
    }
    let host = url.host_str().filter(|h| !h.is_empty()).ok_or_else(|| bad("has no host"))?;
    let host = match url.port() {
        Some(p) => format!("{host}:{p}"),
        None => host.to_owned(),
    };
    Ok(Origin { scheme: url.scheme().to_owned(), host })
}

fn client_id(s: &str) -> Result<String, PackageError> {
    let s = s.trim();
    let id = uuid::Uuid::try_parse(s).map_err(|_| PackageError::ClientId)?;
    // Only the hyphenated form: the id is also pasted into the App ID URI.
    if s.len() != 36 || id.is_nil() {
        return Err(PackageError::ClientId);
    }
    Ok(id.hyphenated().to_string())
}

/// The manifest for these options (validated).
pub fn manifest(opts: &Options) -> Result<Value, PackageError> {
    let o = origin(&opts.public_url, opts.allow_http)?;
    let client = client_id(&opts.client_id)?;
    let name = opts.name.trim();
    if name.is_empty() || name.chars().count() > NAME_MAX_CHARS {
        return Err(PackageError::Name);
    }
    let app_id = uuid::Uuid::new_v5(&APP_ID_NAMESPACE, format!("{client}\n{}", o.url("")).as_bytes());
    let developer: String = name.chars().take(32).collect();
    Ok(json!({
        "$schema": SCHEMA_URL,
        "manifestVersion": MANIFEST_VERSION,
        "version": crate::VERSION,
        "id": app_id.to_string(),
        "developer": {
            "name": developer,
            "websiteUrl": o.url("/"),
            "privacyUrl": o.url("/privacy"),
            "termsOfUseUrl": o.url("/terms"),
        },
        "name": { "short": name, "full": format!("{name}: shared contact book") },
        "description": {
            "short": "A shared contact book for your team, right in a channel tab.",
            "full": "Keep the contacts your team shares (suppliers, customers, partners) in one list per channel: \
                     search as you type, browse by letter or group, import and export Excel, CSV and vCard, and \
                     chat, call or meet with a contact in one click. Hosted by your organization.",
        },
        "icons": { "color": "color.png", "outline": "outline.png" },
        "accentColor": ACCENT,
        "configurableTabs": [{
            "configurationUrl": o.url("/config"),
            "canUpdateConfiguration": true,
            "scopes": ["team", "groupChat"],
            "context": ["channelTab", "privateChatTab", "meetingChatTab"],
        }],
        "staticTabs": [{
            "entityId": "contacts",
            "name": "Contacts",
            "contentUrl": o.url("/"),
            "websiteUrl": o.url("/"),
            "scopes": ["personal"],
        }],
        "permissions": ["identity"],
        "validDomains": [o.host],
        "webApplicationInfo": { "id": client, "resource": format!("api://{}/{client}", o.host) },
    }))
}

/// The package: manifest.json, color.png (192x192) and outline.png (32x32), as zip bytes.
pub fn package(opts: &Options) -> Result<Vec<u8>, PackageError> {
    let manifest = manifest(opts)?;
    let w = |e: &dyn std::fmt::Display| PackageError::Write(e.to_string());
    let text = serde_json::to_vec_pretty(&manifest).map_err(|e| w(&e))?;
    let files: [(&str, Vec<u8>); 3] = [
        ("manifest.json", text),
        ("color.png", icons::color(192).map_err(|e| w(&e))?),
        ("outline.png", icons::outline(32).map_err(|e| w(&e))?),
    ];
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    // Stored: PNGs are already compressed and the manifest is small; a fixed date keeps the output
    // identical for identical input.
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored)
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644);
    for (name, bytes) in files {
        zip.start_file(name, options).map_err(|e| w(&e))?;
        zip.write_all(&bytes).map_err(|e| w(&e))?;
    }
    Ok(zip.finish().map_err(|e| w(&e))?.into_inner())
}
