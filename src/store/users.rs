//! The users table: profiles of people who signed in.

use super::{OrgStore, StoreResult, USERS, decode, encode};
use crate::profiles::Profile;
use redb::{ReadableDatabase, ReadableTable};

impl OrgStore {
    pub fn put_profile(&self, p: &Profile) -> StoreResult<()> {
        let _w = self.write_lock.lock();
        let txn = self.db.begin_write()?;
        txn.open_table(USERS)?.insert(p.oid.as_str(), encode(p).as_slice())?;
        txn.commit()?;
        Ok(())
    }

    pub fn get_profile(&self, oid: &str) -> StoreResult<Option<Profile>> {
        let txn = self.db.begin_read()?;
        let t = txn.open_table(USERS)?;
        Ok(match t.get(oid)? {
            Some(v) => Some(decode(v.value())?),
            None => None,
        })
    }

    /// Known users whose name, upn or e-mail contains `q` (folded), at most `limit`.
    pub fn find_users(&self, q: &str, limit: usize) -> StoreResult<Vec<Profile>> {
        let q = crate::search::fold(q);
        let txn = self.db.begin_read()?;
        let t = txn.open_table(USERS)?;
        let mut out = Vec::new();
        for row in t.iter()? {
            let (_, v) = row?;
            let p: Profile = decode(v.value())?;
            let hay = crate::search::fold(&format!("{} {} {}", p.display_name, p.upn, p.email));
            if q.is_empty() || hay.contains(&q) {
                out.push(p);
                if out.len() >= limit {
                    break;
                }
            }
        }
        Ok(out)
    }
}
