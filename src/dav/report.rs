//! REPORT: addressbook-multiget, addressbook-query and sync-collection (RFC 6578, tokens from the
//! list's change log), streamed.

use super::propfind::blocking;
use super::props::{self, Res};
use super::xml::{self, CARDDAV, Filter, MatchType, Report};
use super::{DavError, DavResult, Target, Urls, card, stream};
use crate::AppState;
use crate::auth::DavUser;
use crate::model::{Contact, ListId};
use crate::store::Rights;
use crate::store::dav::DavCard;

pub(crate) async fn handle(state: &AppState, user: &DavUser, target: Target, body: &[u8]) -> DavResult {
    let Target::Book(list) = target else {
        return Err(DavError::Forbidden("reports are answered on an address book".into()));
    };
    let report = xml::report(body)?;
    let urls = Urls::new(user);
    let store = crate::api::org(state, &user.access).await?;
    let actor = user.actor();
    // Checked before the 207 starts: an unknown list is 404, a bad token 403.
    let token = match &report {
        Report::Sync { token, .. } if !token.is_empty() => {
            Some(props::parse_sync_token(list, token).ok_or(DavError::InvalidSyncToken)?)
        }
        _ => None,
    };
    let (store, l) = blocking(move || {
        let l = store.get_list(list)?;
        if let Some((since, _)) = token
            && !store.dav_token_valid(list, since)?
        {
            return Ok((store, None));
        }
        Ok((store, Some(l)))
    })
    .await?;
    let Some(l) = l else { return Err(DavError::InvalidSyncToken) };
    let rights = Rights::of(&l, &actor)?;
    Ok(stream::multistatus(move |out| -> Result<(), String> {
        let groups = card::group_names(&store, list).map_err(|e| e.to_string())?;
        let one = |buf: &mut String, c: &Contact, dc: &DavCard, props: &xml::Props, version| {
            let v = props.wants(CARDDAV, "address-data").then(|| card::render(c, dc, &groups, version));
            let res = Res::Card { contact: c, rights, vcard: v.as_deref() };
            props::response(buf, &urls, &props::card_href(&urls, list, c, dc), &res, props);
        };
        match report {
            Report::Multiget { props, version, hrefs } => {
                let version = card::version_of(version.as_deref());
                for href in hrefs {
                    let got = card_name(&href, &urls, list)
                        .map(|name| store.dav_get(list, &name))
                        .transpose()
                        .map_err(|e| e.to_string())?
                        .flatten();
                    match got {
                        Some((c, dc)) => one(&mut out.buf, &c, &dc, &props, version),
                        None => props::status(&mut out.buf, &href, "404 Not Found"),
                    }
                    if !out.flush_if_full() {
                        break;
                    }
                }
            }
            Report::Query { props, version, filter, limit } => {
                let version = card::version_of(version.as_deref());
                let mut n = 0usize;
                let mut truncated = false;
                store
                    .dav_scan(list, |c, dc| {
                        if !matches(&filter, &c, &dc) {
                            return true;
                        }
                        if limit.is_some_and(|l| n >= l) {
                            truncated = true;
                            return false;
                        }
                        n += 1;
                        one(&mut out.buf, &c, &dc, &props, version);
                        out.flush_if_full()
                    })
                    .map_err(|e| e.to_string())?;
                if truncated {
                    props::status(&mut out.buf, &urls.book(list), "507 Insufficient Storage");
                }
            }
            Report::Sync { props, version, limit, .. } => {
                let version = card::version_of(version.as_deref());
                let token = match token {
                    // A full listing (or the rest of one cut short by a limit): every card, in id
                    // order, at most `limit`; the token then says where it stopped, and after the
                    // last card it is the seq the listing started from, so that the next sync
                    // reports every change made meanwhile.
                    None | Some((_, Some(_))) => {
                        let after = token.and_then(|t| t.1);
                        let (mut n, mut last, mut truncated) = (0usize, None, false);
                        let head = store
                            .dav_scan_after(list, after, |c, dc| {
                                if limit.is_some_and(|l| n >= l) {
                                    truncated = true;
                                    return false;
                                }
                                n += 1;
                                last = Some(c.id);
                                one(&mut out.buf, &c, &dc, &props, version);
                                out.flush_if_full()
                            })
                            .map_err(|e| e.to_string())?;
                        let seq = token.map_or(head, |t| t.0);
                        match last.filter(|_| truncated) {
                            Some(last) => {
                                truncated_at(&mut out.buf, &urls.book(list));
                                props::sync_token_after(list, seq, last)
                            }
                            None => props::sync_token(list, seq),
                        }
                    }
                    Some((since, None)) => store
                        .dav_changes(list, since, limit, |id, c, dc| {
                            match c {
                                Some(c) => one(&mut out.buf, &c, &dc, &props, version),
                                None => {
                                    let name = dc.name.clone().unwrap_or_else(|| id.to_string());
                                    props::status(&mut out.buf, &urls.card(list, &name), "404 Not Found");
                                }
                            }
                            out.flush_if_full();
                        })
                        .map_err(|e| match e {
                            crate::store::dav::SyncError::InvalidToken => {
                                crate::store::StoreError::Forbidden("the sync token is no longer valid".into())
                            }
                            crate::store::dav::SyncError::Store(e) => e,
                        })
                        .map(|end| {
                            if end.truncated {
                                truncated_at(&mut out.buf, &urls.book(list));
                            }
                            props::sync_token(list, end.seq)
                        })
                        .map_err(|e| e.to_string())?,
                };
                out.buf.push_str(&format!("<d:sync-token>{}</d:sync-token>\n", props::esc(&token)));
            }
        }
        Ok(())
    }))
}

/// RFC 6578 3.6: an answer cut short by the client's limit says so with 507 on the book.
fn truncated_at(buf: &mut String, book: &str) {
    buf.push_str(&format!(
        "<d:response><d:href>{}</d:href><d:status>HTTP/1.1 507 Insufficient Storage</d:status><d:error><d:number-of-matches-within-limits/></d:error></d:response>\n",
        props::esc(book)
    ));
}

/// The card name an href points to, when it is a card of this book.
fn card_name(href: &str, urls: &Urls, list: ListId) -> Option<String> {
    // Clients send paths or full URLs.
    let path = match href.find("://") {
        Some(i) => href[i + 3..].find('/').map_or("", |j| &href[i + 3 + j..]),
        None => href,
    };
    let rest = path.strip_prefix(&urls.book(list))?;
    let name = super::percent_decode(rest)?;
    let name = name.strip_suffix(".vcf")?;
    (!name.is_empty() && !name.contains('/') && name.len() <= 200).then(|| name.to_owned())
}

/// The values a vCard property has on this card (the fields, then the kept lines).
fn values(name: &str, c: &Contact, dc: &DavCard) -> Vec<String> {
    let f = &c.fields;
    let mut v: Vec<String> = match name {
        "FN" => vec![f.full_name.clone()],
        "EMAIL" => vec![f.email.clone()],
        "TEL" => vec![f.mobile.clone(), f.phone.clone()],
        "ORG" => vec![format!("{} {}", f.company, f.department)],
        "TITLE" => vec![f.job_title.clone()],
        "NOTE" => vec![f.notes.clone()],
        _ => Vec::new(),
    };
    v.retain(|s| !s.trim().is_empty());
    for l in &dc.extra {
        let head = l.split(':').next().unwrap_or("");
        let prop = head.split(';').next().unwrap_or("");
        let prop = prop.rsplit_once('.').map_or(prop, |(_, p)| p);
        if prop.eq_ignore_ascii_case(name) {
            v.push(l[head.len()..].trim_start_matches(':').to_owned());
        }
    }
    v
}

fn text_matches(hay: &str, m: &xml::TextMatch) -> bool {
    let (h, n) = (hay.to_lowercase(), m.text.to_lowercase());
    let hit = match m.match_type {
        MatchType::Equals => h == n,
        MatchType::Contains => h.contains(&n),
        MatchType::StartsWith => h.starts_with(&n),
        MatchType::EndsWith => h.ends_with(&n),
    };
    hit != m.negate
}

/// RFC 6352 10.5: prop-filters combined by the filter's test, text-matches by each prop-filter's.
fn matches(filter: &Filter, c: &Contact, dc: &DavCard) -> bool {
    if filter.props.is_empty() {
        return true;
    }
    let one = |pf: &xml::PropFilter| {
        let vals = values(&pf.name, c, dc);
        if pf.is_not_defined {
            return vals.is_empty();
        }
        if pf.matches.is_empty() {
            return !vals.is_empty();
        }
        let each = |m: &xml::TextMatch| vals.iter().any(|v| text_matches(v, m));
        if pf.all_of { pf.matches.iter().all(each) } else { pf.matches.iter().any(each) }
    };
    if filter.all_of { filter.props.iter().all(one) } else { filter.props.iter().any(one) }
}
