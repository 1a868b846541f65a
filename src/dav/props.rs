//! Writing multistatus responses: each resource's properties, found ones under 200 and the ones
//! asked for that it does not have under 404.

use super::Urls;
use super::xml::{CARDDAV, CS, DAV, Props};
use crate::model::{Contact, ContactId, ContactList, ListId};
use crate::store::Rights;
use crate::store::dav::DavCard;
use std::borrow::Cow;
use std::fmt::Write;

pub const START: &str = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<d:multistatus xmlns:d=\"DAV:\" xmlns:card=\"urn:ietf:params:xml:ns:carddav\" xmlns:cs=\"http://calendarserver.org/ns/\">\n";
pub const END: &str = "</d:multistatus>\n";

pub fn esc(s: &str) -> Cow<'_, str> {
    if !s.contains(['&', '<', '>', '"', '\'']) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// A resource and what its properties are computed from.
pub enum Res<'a> {
    Root,
    Principal { name: &'a str },
    Home,
    Book { list: &'a ContactList, head: u64, rights: Rights },
    Card { contact: &'a Contact, rights: Rights, vcard: Option<&'a str> },
}

/// Every property a resource may have, in the order `allprop` writes them.
const ALL: &[(&str, &str)] = &[
    (DAV, "resourcetype"),
    (DAV, "displayname"),
    (DAV, "current-user-principal"),
    (DAV, "principal-URL"),
    (CARDDAV, "addressbook-home-set"),
    (DAV, "current-user-privilege-set"),
    (DAV, "supported-report-set"),
    (CARDDAV, "supported-address-data"),
    (CS, "getctag"),
    (DAV, "sync-token"),
    (DAV, "getetag"),
    (DAV, "getcontenttype"),
    (DAV, "getlastmodified"),
    (CARDDAV, "address-data"),
];

/// The sync token of a list at `seq` (`<base>/sync/<seq>`).
pub fn sync_token(list: ListId, seq: u64) -> String {
    format!("urn:contactpro:list:{list}/sync/{seq}")
}

/// The token of a full listing cut short by a client's `DAV:limit` (RFC 6578 3.6): the listing
/// was taken at `seq` and has sent every card up to contact `after` (cards are listed in id order).
pub fn sync_token_after(list: ListId, seq: u64, after: ContactId) -> String {
    format!("urn:contactpro:list:{list}/sync/{seq}/after/{after}")
}

/// Where a sync-collection goes on from: the seq of a token for `list`, and the last card sent
/// when the token is a cut-short listing's. None when it is not one of this list's tokens.
pub fn parse_sync_token(list: ListId, token: &str) -> Option<(u64, Option<ContactId>)> {
    let rest = token.strip_prefix(&format!("urn:contactpro:list:{list}/sync/"))?;
    match rest.split_once("/after/") {
        Some((seq, after)) => Some((seq.parse().ok()?, Some(after.parse().ok()?))),
        None => Some((rest.parse().ok()?, None)),
    }
}

pub fn etag(version: u64) -> String {
    format!("\"{version}\"")
}

fn privileges(out: &mut String, names: &[&str]) {
    for n in names {
        let _ = write!(out, "<d:privilege><d:{n}/></d:privilege>");
    }
}

fn rights_privileges(r: Rights, book: bool) -> Vec<&'static str> {
    let mut v = vec!["read", "read-current-user-privilege-set"];
    if r.modify {
        v.push("write-content");
    }
    if book && r.add {
        v.push("bind");
    }
    if book && r.delete {
        v.push("unbind");
    }
    if r.add && r.modify && r.delete {
        v.push("write");
    }
    v
}

/// The value of one property of `res` (inner XML), or None when it has no such property.
fn value(urls: &Urls, res: &Res<'_>, ns: &str, name: &str) -> Option<String> {
    let href = |h: String| format!("<d:href>{}</d:href>", esc(&h));
    let mut out = String::new();
    match (ns, name, res) {
        (DAV, "current-user-principal", _) => out = href(urls.principal()),
        (DAV, "principal-URL", Res::Principal { .. }) => out = href(urls.principal()),
        (CARDDAV, "addressbook-home-set", Res::Root | Res::Principal { .. } | Res::Home) => out = href(urls.home()),
        (DAV, "resourcetype", r) => {
            out = match r {
                Res::Root | Res::Home => "<d:collection/>",
                Res::Principal { .. } => "<d:collection/><d:principal/>",
                Res::Book { .. } => "<d:collection/><card:addressbook/>",
                Res::Card { .. } => "",
            }
            .to_owned()
        }
        (DAV, "displayname", Res::Principal { name }) => out = esc(name).into_owned(),
        (DAV, "displayname", Res::Home) => out = "Contacts Pro".into(),
        (DAV, "displayname", Res::Book { list, .. }) => out = esc(&list.name).into_owned(),
        (DAV, "current-user-privilege-set", Res::Book { rights, .. }) => {
            privileges(&mut out, &rights_privileges(*rights, true));
        }
        (DAV, "current-user-privilege-set", Res::Card { rights, .. }) => {
            privileges(&mut out, &rights_privileges(*rights, false));
        }
        (DAV, "current-user-privilege-set", _) => privileges(&mut out, &["read", "read-current-user-privilege-set"]),
        (DAV, "supported-report-set", Res::Book { .. }) => {
            for r in ["card:addressbook-multiget", "card:addressbook-query", "d:sync-collection"] {
                let _ = write!(out, "<d:supported-report><d:report><{r}/></d:report></d:supported-report>");
            }
        }
        (CARDDAV, "supported-address-data", Res::Book { .. }) => {
            out = "<card:address-data-type content-type=\"text/vcard\" version=\"3.0\"/><card:address-data-type content-type=\"text/vcard\" version=\"4.0\"/>".into();
        }
        (CS, "getctag", Res::Book { head, .. }) => out = head.to_string(),
        (DAV, "sync-token", Res::Book { list, head, .. }) => out = esc(&sync_token(list.id, *head)).into_owned(),
        (DAV, "getetag", Res::Card { contact, .. }) => out = esc(&etag(contact.version)).into_owned(),
        (DAV, "getcontenttype", Res::Card { .. }) => out = "text/vcard; charset=utf-8".into(),
        (DAV, "getlastmodified", Res::Card { contact, .. }) => out = http_date(contact.updated_at.millis()),
        (CARDDAV, "address-data", Res::Card { vcard: Some(v), .. }) => out = esc(v).into_owned(),
        _ => return None,
    }
    Some(out)
}

/// RFC 7231 date (`Sun, 06 Nov 1994 08:49:37 GMT`).
pub fn http_date(millis: i64) -> String {
    let t =
        time::OffsetDateTime::from_unix_timestamp(millis.div_euclid(1000)).unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    let f = time::macros::format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    t.format(f).unwrap_or_default()
}

fn open_tag(out: &mut String, ns: &str, name: &str, empty: bool) {
    let slash = if empty { "/" } else { "" };
    let _ = match ns {
        DAV => write!(out, "<d:{name}{slash}>"),
        CARDDAV => write!(out, "<card:{name}{slash}>"),
        CS => write!(out, "<cs:{name}{slash}>"),
        other => write!(out, "<x:{name} xmlns:x=\"{}\"{slash}>", esc(other)),
    };
}

fn close_tag(out: &mut String, ns: &str, name: &str) {
    let _ = match ns {
        DAV => write!(out, "</d:{name}>"),
        CARDDAV => write!(out, "</card:{name}>"),
        CS => write!(out, "</cs:{name}>"),
        _ => write!(out, "</x:{name}>"),
    };
}

/// One `<d:response>` for `href`.
pub fn response(out: &mut String, urls: &Urls, href: &str, res: &Res<'_>, props: &Props) {
    let _ = write!(out, "<d:response><d:href>{}</d:href>", esc(href));
    let mut found = String::new();
    let mut missing = String::new();
    match props {
        Props::Names => {
            for (ns, name) in ALL {
                if value(urls, res, ns, name).is_some() {
                    open_tag(&mut found, ns, name, true);
                }
            }
        }
        Props::All => {
            for (ns, name) in ALL {
                if *name == "address-data" {
                    continue;
                }
                if let Some(v) = value(urls, res, ns, name) {
                    element(&mut found, ns, name, &v);
                }
            }
        }
        Props::Some(list) => {
            for p in list {
                match value(urls, res, &p.ns, &p.name) {
                    Some(v) => element(&mut found, &p.ns, &p.name, &v),
                    None => open_tag(&mut missing, &p.ns, &p.name, true),
                }
            }
        }
    }
    if !found.is_empty() || missing.is_empty() {
        let _ = write!(out, "<d:propstat><d:prop>{found}</d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat>");
    }
    if !missing.is_empty() {
        let _ = write!(
            out,
            "<d:propstat><d:prop>{missing}</d:prop><d:status>HTTP/1.1 404 Not Found</d:status></d:propstat>"
        );
    }
    out.push_str("</d:response>\n");
}

fn element(out: &mut String, ns: &str, name: &str, v: &str) {
    if v.is_empty() {
        open_tag(out, ns, name, true);
    } else {
        open_tag(out, ns, name, false);
        out.push_str(v);
        close_tag(out, ns, name);
    }
}

/// A `<d:response>` with a bare status (a deleted card in a sync, an unknown href in a multiget).
pub fn status(out: &mut String, href: &str, code: &str) {
    let _ =
        writeln!(out, "<d:response><d:href>{}</d:href><d:status>HTTP/1.1 {code}</d:status></d:response>", esc(href));
}

/// The href of a card.
pub fn card_href(urls: &Urls, list: ListId, contact: &Contact, card: &DavCard) -> String {
    match &card.name {
        Some(n) => urls.card(list, n),
        None => urls.card(list, &contact.id.to_string()),
    }
}
