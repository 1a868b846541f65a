//! API keys: only a keyed hash of the secret is stored.

use super::{API_KEYS, Actor, LISTS, OrgStore, Record, StoreError, StoreResult, decode, encode};
use crate::model::{ContactList, KeyId, ListId, Timestamp, UserRef};
use redb::{ReadableDatabase, ReadableTable};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ApiKeyRecord {
    pub id: KeyId,
    pub list: ListId,
    pub name: String,
    /// The first characters of the secret, shown so people can tell keys apart.
    pub prefix: String,
    /// HMAC-SHA256 of the secret under the server's key.
    pub hash: [u8; 32],
    pub created_at: Timestamp,
    pub created_by: UserRef,
    pub last_used_at: Option<Timestamp>,
}

impl Record for ApiKeyRecord {
    const VERSION: u8 = 1;
}

pub struct NewApiKey {
    pub id: KeyId,
    pub name: String,
    pub prefix: String,
    pub hash: [u8; 32],
}

fn owner_check(txn: &redb::WriteTransaction, actor: &Actor, list: ListId) -> StoreResult<()> {
    let t = txn.open_table(LISTS)?;
    let v = t.get(list.as_u128())?.ok_or(StoreError::NotFound("list"))?;
    let l: ContactList = decode(v.value())?;
    if actor.key_list.is_some() || !l.is_owner(&actor.user) {
        return Err(StoreError::Forbidden("only the list's owners manage its API keys".into()));
    }
    Ok(())
}

impl OrgStore {
    pub fn create_api_key(
        &self,
        actor: &Actor,
        list: ListId,
        k: NewApiKey,
        now: Timestamp,
    ) -> StoreResult<ApiKeyRecord> {
        let _w = self.write_lock.lock();
        let txn = self.db.begin_write()?;
        owner_check(&txn, actor, list)?;
        let rec = ApiKeyRecord {
            id: k.id,
            list,
            name: k.name,
            prefix: k.prefix,
            hash: k.hash,
            created_at: now,
            created_by: actor.display.clone(),
            last_used_at: None,
        };
        txn.open_table(API_KEYS)?.insert(rec.id.as_u128(), encode(&rec).as_slice())?;
        txn.commit()?;
        Ok(rec)
    }

    pub fn api_keys(&self, actor: &Actor, list: ListId) -> StoreResult<Vec<ApiKeyRecord>> {
        let txn = self.db.begin_read()?;
        let l = self.read_list(&txn, list)?;
        if actor.key_list.is_some() || !l.is_owner(&actor.user) {
            return Err(StoreError::Forbidden("only the list's owners manage its API keys".into()));
        }
        let t = txn.open_table(API_KEYS)?;
        let mut out = Vec::new();
        for row in t.iter()? {
            let k: ApiKeyRecord = decode(row?.1.value())?;
            if k.list == list {
                out.push(k);
            }
        }
        out.sort_by_key(|k| k.created_at);
        Ok(out)
    }

    pub fn revoke_api_key(&self, actor: &Actor, list: ListId, id: KeyId) -> StoreResult<()> {
        let _w = self.write_lock.lock();
        let txn = self.db.begin_write()?;
        owner_check(&txn, actor, list)?;
        {
            let mut t = txn.open_table(API_KEYS)?;
            let k: ApiKeyRecord = {
                let v = t.get(id.as_u128())?.ok_or(StoreError::NotFound("API key"))?;
                decode(v.value())?
            };
            if k.list != list {
                return Err(StoreError::NotFound("API key"));
            }
            t.remove(id.as_u128())?;
        }
        txn.commit()?;
        Ok(())
    }

    pub fn get_api_key(&self, id: KeyId) -> StoreResult<Option<ApiKeyRecord>> {
        let txn = self.db.begin_read()?;
        let t = txn.open_table(API_KEYS)?;
        Ok(match t.get(id.as_u128())? {
            Some(v) => Some(decode(v.value())?),
            None => None,
        })
    }

    pub fn touch_api_key(&self, id: KeyId, now: Timestamp) -> StoreResult<()> {
        let _w = self.write_lock.lock();
        let txn = self.db.begin_write()?;
        {
            let mut t = txn.open_table(API_KEYS)?;
            let rec = t.get(id.as_u128())?.map(|v| decode::<ApiKeyRecord>(v.value())).transpose()?;
            if let Some(mut k) = rec {
                k.last_used_at = Some(now);
                t.insert(id.as_u128(), encode(&k).as_slice())?;
            }
        }
        txn.commit()?;
        Ok(())
    }
}
