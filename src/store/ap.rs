//! ActivityPub records: our actors' key pairs, and what we know of other servers' actors
//! (their inboxes and public keys, by actor id and by key id).
use super::access::{Read, W};
use super::tables::Table;
use crate::error::Result;
use serde::{Deserialize, Serialize};

/// The owner key of the server's own actor (no nickname starts with a newline).
pub const SERVER: &str = "\nserver";

/// One of our actors' keys. The private key stays in the store (and in backups).
#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct KeyPair {
    /// PKCS#8 DER, base64.
    pub private: String,
    /// SPKI PEM.
    pub public_pem: String,
}

/// Another server's actor, as its document said.
#[derive(Serialize, Deserialize, Clone, Debug, Default)]
pub struct ApActor {
    pub id: String,
    pub inbox: String,
    #[serde(default)]
    pub shared_inbox: Option<String>,
    #[serde(default)]
    pub followers: Option<String>,
    pub key_id: String,
    pub key_pem: String,
    /// Unix seconds.
    pub fetched: i64,
}

pub fn key(r: &impl Read, owner: &str) -> Result<Option<KeyPair>> {
    r.get(Table::ActorKey, owner)
}

/// Keeps `k` unless the owner has a key already; returns the one kept.
pub fn put_key_once(w: &W, owner: &str, k: &KeyPair) -> Result<KeyPair> {
    if let Some(old) = key(w, owner)? {
        return Ok(old);
    }
    w.put(Table::ActorKey, owner, k)?;
    Ok(k.clone())
}

pub fn actor(r: &impl Read, id: &str) -> Result<Option<ApActor>> {
    r.get(Table::ApActor, id)
}

/// The actor owning the key `key_id`, as last fetched.
pub fn by_key(r: &impl Read, key_id: &str) -> Result<Option<ApActor>> {
    match r.get::<String>(Table::ApKey, key_id)? {
        Some(id) => actor(r, &id),
        None => Ok(None),
    }
}

pub fn put_actor(w: &W, a: &ApActor) -> Result<()> {
    if let Some(old) = actor(w, &a.id)? {
        if old.key_id != a.key_id {
            w.delete(Table::ApKey, &old.key_id)?;
        }
    }
    w.put(Table::ApKey, &a.key_id, &a.id)?;
    w.put(Table::ApActor, &a.id, a)
}
