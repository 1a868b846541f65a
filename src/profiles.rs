//! User profiles: what the server keeps about people who sign in, cached in memory (moka) in
//! front of each organization's users table, refreshed on every login.

use crate::model::{OrgId, Timestamp};
use crate::store::StoreError;
use moka::sync::Cache;
use prometheus_client::metrics::counter::Counter;
use serde::{Deserialize, Serialize};
use std::time::Duration;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Profile {
    pub oid: String,
    pub upn: String,
    pub display_name: String,
    pub email: String,
    pub job_title: String,
    pub last_login: Timestamp,
}

#[derive(Clone)]
pub struct Profiles {
    cache: Cache<(OrgId, String), Profile>,
    pub hits: Counter,
    pub misses: Counter,
}

impl Profiles {
    pub fn new(capacity: u64, ttl: Duration) -> Self {
        Self {
            cache: Cache::builder().max_capacity(capacity).time_to_live(ttl).build(),
            hits: Counter::default(),
            misses: Counter::default(),
        }
    }

    pub fn put(&self, org: &OrgId, p: Profile) {
        self.cache.insert((org.clone(), p.oid.clone()), p);
    }

    pub fn get_cached(&self, org: &OrgId, oid: &str) -> Option<Profile> {
        let r = self.cache.get(&(org.clone(), oid.to_owned()));
        if r.is_some() {
            self.hits.inc();
        } else {
            self.misses.inc();
        }
        r
    }

    /// From the cache, else from the store (and then cached).
    pub fn get(
        &self,
        org: &OrgId,
        oid: &str,
        load: impl FnOnce() -> Result<Option<Profile>, StoreError>,
    ) -> Result<Option<Profile>, StoreError> {
        if let Some(p) = self.get_cached(org, oid) {
            return Ok(Some(p));
        }
        let p = load()?;
        if let Some(p) = &p {
            self.put(org, p.clone());
        }
        Ok(p)
    }
}
