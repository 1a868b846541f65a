//! PROPFIND: discovery (root, principal, home) and the books and cards.

use super::props::{self, Res};
use super::xml::{self, CARDDAV};
use super::{DavError, DavResult, Depth, Target, Urls, card, stream};
use crate::AppState;
use crate::auth::DavUser;
use crate::store::Rights;

pub(crate) async fn handle(state: &AppState, user: &DavUser, target: Target, depth: Depth, body: &[u8]) -> DavResult {
    let (props, version) = xml::propfind(body)?;
    let version = card::version_of(version.as_deref());
    let urls = Urls::new(user);
    let store = crate::api::org(state, &user.access).await?;
    let actor = user.actor();
    let name = user.name.clone();
    match target {
        Target::Root | Target::Principal => {
            let mut out = String::from(props::START);
            let principal = Res::Principal { name: &name };
            if matches!(target, Target::Root) {
                props::response(&mut out, &urls, "/dav/", &Res::Root, &props);
                if depth == Depth::One {
                    props::response(&mut out, &urls, &urls.principal(), &principal, &props);
                    props::response(&mut out, &urls, &urls.home(), &Res::Home, &props);
                }
            } else {
                props::response(&mut out, &urls, &urls.principal(), &principal, &props);
            }
            out.push_str(props::END);
            Ok(super::multistatus(out))
        }
        Target::Home => {
            let lists = blocking(move || {
                let mut v = Vec::new();
                if depth == Depth::One {
                    for l in store.lists()? {
                        let head = store.log_head(l.id)?;
                        let rights = Rights::of(&l, &actor)?;
                        v.push((l, head, rights));
                    }
                }
                Ok(v)
            })
            .await?;
            let mut out = String::from(props::START);
            props::response(&mut out, &urls, &urls.home(), &Res::Home, &props);
            for (list, head, rights) in &lists {
                props::response(
                    &mut out,
                    &urls,
                    &urls.book(list.id),
                    &Res::Book { list, head: *head, rights: *rights },
                    &props,
                );
            }
            out.push_str(props::END);
            Ok(super::multistatus(out))
        }
        Target::Book(list) => {
            // An unknown list is a 404 before the 207 starts.
            let (store, l) = blocking(move || {
                let l = store.get_list(list)?;
                Ok((store, l))
            })
            .await?;
            let rights = Rights::of(&l, &actor)?;
            Ok(stream::multistatus(move |out| -> Result<(), crate::store::StoreError> {
                let groups = card::group_names(&store, list)?;
                let head = if depth == Depth::One {
                    store.dav_scan(list, |c, dc| {
                        let v = props.wants(CARDDAV, "address-data").then(|| card::render(&c, &dc, &groups, version));
                        let res = Res::Card { contact: &c, rights, vcard: v.as_deref() };
                        props::response(&mut out.buf, &urls, &props::card_href(&urls, list, &c, &dc), &res, &props);
                        out.flush_if_full()
                    })?
                } else {
                    store.log_head(list)?
                };
                props::response(&mut out.buf, &urls, &urls.book(list), &Res::Book { list: &l, head, rights }, &props);
                Ok(())
            }))
        }
        Target::Card(list, name) => {
            let found = blocking(move || {
                let got = store.dav_get(list, &name)?;
                let l = store.get_list(list)?;
                let groups = card::group_names(&store, list)?;
                Ok((got, l, groups))
            })
            .await?;
            let (Some((c, dc)), l, groups) = found else {
                return Err(DavError::NotFound("no such card".into()));
            };
            let rights = Rights::of(&l, &actor)?;
            let v = props.wants(CARDDAV, "address-data").then(|| card::render(&c, &dc, &groups, version));
            let mut out = String::from(props::START);
            let res = Res::Card { contact: &c, rights, vcard: v.as_deref() };
            props::response(&mut out, &urls, &props::card_href(&urls, list, &c, &dc), &res, &props);
            out.push_str(props::END);
            Ok(super::multistatus(out))
        }
    }
}

/// Store work off the async threads, with DAV errors.
pub(crate) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, crate::store::StoreError> + Send + 'static,
) -> Result<T, DavError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| DavError::Api(crate::error::ApiError::internal(e)))?
        .map_err(Into::into)
}
