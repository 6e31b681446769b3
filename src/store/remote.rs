//! What we know of other servers: their host records (the endpoints their metadata named) and
//! the client credentials we registered at each, per local identity (federation.md §4.1).
use super::access::{Read, W};
use super::tables::Table;
use crate::error::Result;
use serde::{Deserialize, Serialize};

/// A host's endpoints, as its metadata gave them.
#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct HostRecord {
    pub host: String,
    /// rel → href, the five required ones and `dialback` when given.
    pub links: Vec<(String, String)>,
    /// Unix seconds.
    pub fetched: i64,
}

impl HostRecord {
    pub fn link(&self, rel: &str) -> Option<&str> {
        self.links
            .iter()
            .find(|(r, _)| r == rel)
            .map(|(_, h)| h.as_str())
    }
}

/// Credentials at another host for one of our identities.
#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct RemoteClient {
    pub client_id: String,
    pub client_secret: String,
    /// Unix seconds; 0: never.
    #[serde(default)]
    pub expires_at: i64,
}

/// The access token a remote person gave us when logging in to our web UI with their account
/// (federation.md §8), for posting through their home server.
#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct RemoteToken {
    pub host: String,
    pub token: String,
    pub secret: String,
    /// Their outbox at home.
    pub outbox: String,
}

/// Keys of tokens start with a newline, which no host name has.
fn token_key(person: &str) -> String {
    format!("\ntoken\n{person}")
}

pub fn token(r: &impl Read, person: &str) -> Result<Option<RemoteToken>> {
    r.get(Table::RemoteClient, &token_key(person))
}

pub fn put_token(w: &W, person: &str, t: &RemoteToken) -> Result<()> {
    w.put(Table::RemoteClient, &token_key(person), t)
}

fn client_key(host: &str, identity: &str) -> String {
    format!("{host}/{identity}")
}

pub fn host(r: &impl Read, host: &str) -> Result<Option<HostRecord>> {
    r.get(Table::RemoteHost, host)
}

pub fn put_host(w: &W, rec: &HostRecord) -> Result<()> {
    w.put(Table::RemoteHost, &rec.host, rec)
}

pub fn client(r: &impl Read, host: &str, identity: &str) -> Result<Option<RemoteClient>> {
    r.get(Table::RemoteClient, &client_key(host, identity))
}

pub fn put_client(w: &W, host: &str, identity: &str, c: &RemoteClient) -> Result<()> {
    w.put(Table::RemoteClient, &client_key(host, identity), c)
}

pub fn delete_client(w: &W, host: &str, identity: &str) -> Result<()> {
    w.delete(Table::RemoteClient, &client_key(host, identity))?;
    Ok(())
}
