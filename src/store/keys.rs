//! API keys: only a keyed hash of the secret is stored.

use super::{API_KEYS, Actor, Need, OrgStore, Record, StoreError, StoreResult, decode, encode};
use crate::model::{KeyId, ListId, Timestamp, UserRef};
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
    /// Made before keys carried a MAC of their organization and id: still accepted (see
    /// `auth::apikey::legacy`), shown to owners with a prompt to rotate.
    pub legacy: bool,
}

/// Version 1: before the `legacy` flag; every such key is a legacy key.
#[derive(Deserialize)]
struct ApiKeyRecordV1 {
    id: KeyId,
    list: ListId,
    name: String,
    prefix: String,
    hash: [u8; 32],
    created_at: Timestamp,
    created_by: UserRef,
    last_used_at: Option<Timestamp>,
}

impl Record for ApiKeyRecord {
    const VERSION: u8 = 2;

    fn upgrade(version: u8, bytes: &[u8]) -> Result<Self, super::CodecError> {
        match version {
            1 => {
                let v: ApiKeyRecordV1 = postcard::from_bytes(bytes)?;
                Ok(Self {
                    id: v.id,
                    list: v.list,
                    name: v.name,
                    prefix: v.prefix,
                    hash: v.hash,
                    created_at: v.created_at,
                    created_by: v.created_by,
                    last_used_at: v.last_used_at,
                    legacy: true,
                })
            }
            v => Err(super::CodecError::UnknownVersion(v)),
        }
    }
}

pub struct NewApiKey {
    pub id: KeyId,
    pub name: String,
    pub prefix: String,
    pub hash: [u8; 32],
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
        let (txn, _) = self.begin_list_write(actor, list, Need::Owner)?;
        let rec = ApiKeyRecord {
            id: k.id,
            list,
            name: k.name,
            prefix: k.prefix,
            hash: k.hash,
            created_at: now,
            created_by: actor.display.clone(),
            last_used_at: None,
            legacy: false,
        };
        txn.open_table(API_KEYS)?.insert(rec.id.as_u128(), encode(&rec).as_slice())?;
        txn.commit()?;
        Ok(rec)
    }

    pub fn api_keys(&self, actor: &Actor, list: ListId) -> StoreResult<Vec<ApiKeyRecord>> {
        let txn = self.db.begin_read()?;
        let l = self.read_list(&txn, list)?;
        super::Rights::of(&l, actor)?.require(Need::Owner)?;
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
        let (txn, _) = self.begin_list_write(actor, list, Need::Owner)?;
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

    /// Every legacy key of this organization: (stored hash, key id), for `auth::apikey::legacy`.
    pub fn legacy_api_keys(&self) -> StoreResult<Vec<([u8; 32], KeyId)>> {
        let txn = self.db.begin_read()?;
        let t = txn.open_table(API_KEYS)?;
        let mut out = Vec::new();
        for row in t.iter()? {
            let k: ApiKeyRecord = decode(row?.1.value())?;
            if k.legacy {
                out.push((k.hash, k.id));
            }
        }
        Ok(out)
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
