//! App passwords (CardDAV sign-in): one person's secrets for their phone, Outlook or Thunderbird.
//! Only a keyed hash of the secret is kept; the record names the user it signs in as.

use super::{OrgStore, StoreError, StoreResult, decode, encode};
use crate::model::{Timestamp, UserId};
use redb::{ReadableDatabase, ReadableTable, TableDefinition};
use serde::{Deserialize, Serialize};

/// Key: app password id.
pub(crate) const APP_PASSWORDS: TableDefinition<u128, &[u8]> = TableDefinition::new("app_passwords");

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct AppPasswordRecord {
    pub id: uuid::Uuid,
    /// The person it signs in as, with the names they had when they made it.
    pub user: UserId,
    pub upn: String,
    pub display_name: String,
    /// What the person called it ("iPhone").
    pub name: String,
    /// HMAC-SHA256 of the secret under the server's key.
    pub hash: [u8; 32],
    pub created_at: Timestamp,
}

impl super::Record for AppPasswordRecord {
    const VERSION: u8 = 1;
}

/// At most this many app passwords per person.
pub const MAX_APP_PASSWORDS: usize = 50;

impl OrgStore {
    pub fn create_app_password(&self, rec: &AppPasswordRecord) -> StoreResult<()> {
        let _w = self.write_lock.lock();
        let txn = self.db.begin_write()?;
        {
            let mut t = txn.open_table(APP_PASSWORDS)?;
            let mut mine = 0;
            for row in t.iter()? {
                if decode::<AppPasswordRecord>(row?.1.value())?.user == rec.user {
                    mine += 1;
                }
            }
            if mine >= MAX_APP_PASSWORDS {
                return Err(StoreError::LimitReached(format!(
                    "a person has at most {MAX_APP_PASSWORDS} app passwords; revoke one first"
                )));
            }
            t.insert(rec.id.as_u128(), encode(rec).as_slice())?;
        }
        txn.commit()?;
        Ok(())
    }

    /// The app passwords of one person, oldest first.
    pub fn app_passwords(&self, user: &UserId) -> StoreResult<Vec<AppPasswordRecord>> {
        let txn = self.db.begin_read()?;
        let t = txn.open_table(APP_PASSWORDS)?;
        let mut out = Vec::new();
        for row in t.iter()? {
            let r: AppPasswordRecord = decode(row?.1.value())?;
            if r.user == *user {
                out.push(r);
            }
        }
        out.sort_by_key(|r| r.created_at);
        Ok(out)
    }

    /// Revoke one of `user`'s app passwords; another person's is not found.
    pub fn revoke_app_password(&self, user: &UserId, id: uuid::Uuid) -> StoreResult<()> {
        let _w = self.write_lock.lock();
        let txn = self.db.begin_write()?;
        {
            let mut t = txn.open_table(APP_PASSWORDS)?;
            let rec: Option<AppPasswordRecord> = t.get(id.as_u128())?.map(|v| decode(v.value())).transpose()?;
            if rec.is_none_or(|r| r.user != *user) {
                return Err(StoreError::NotFound("app password"));
            }
            t.remove(id.as_u128())?;
        }
        txn.commit()?;
        Ok(())
    }

    pub fn get_app_password(&self, id: uuid::Uuid) -> StoreResult<Option<AppPasswordRecord>> {
        let txn = self.db.begin_read()?;
        let t = txn.open_table(APP_PASSWORDS)?;
        Ok(t.get(id.as_u128())?.map(|v| decode(v.value())).transpose()?)
    }
}
