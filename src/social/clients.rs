//! OAuth clients (consumers) and the tokens bound to them: records and look-ups.
use crate::config::Config;
use crate::error::Result;
use crate::store::{tokens, Read, Store, W};
use serde_json::{json, Value};
use sha1::{Digest, Sha1};

pub use crate::records::{AccessToken, BearerToken, Client, RequestToken};

impl Client {
    /// A client from the `clients` config key.
    pub fn from_config(v: &Value) -> Option<Client> {
        let s = |k: &str| v.get(k).and_then(Value::as_str).map(String::from);
        Some(Client {
            consumer_key: s("client_id")?,
            secret: s("client_secret")?,
            title: s("title"),
            description: s("description"),
            app_type: s("type"),
            contacts: None,
            logo_url: None,
            redirect_uris: None,
            host: s("host"),
            webfinger: s("webfinger"),
            created: String::new(),
            updated: String::new(),
        })
    }

    /// The client as an activity object, used as `generator` (activities.md §3.6).
    pub fn generator(&self) -> Value {
        let mut g = if let Some(wf) = &self.webfinger {
            json!({"objectType": "person", "id": format!("acct:{wf}")})
        } else if let Some(h) = &self.host {
            json!({"objectType": "service", "id": format!("http://{h}/"), "url": format!("http://{h}/")})
        } else {
            let t = if self.app_type.as_deref() == Some("web") {
                "service"
            } else {
                "application"
            };
            json!({"objectType": t, "id": format!("urn:uuid:{}", uuid5(&self.consumer_key))})
        };
        if let Some(t) = &self.title {
            g["displayName"] = json!(t);
        }
        if let Some(d) = &self.description {
            g["content"] = json!(d);
        }
        g
    }
}

/// Name-based UUID from SHA-1 of `name` (stable per client; activities.md §3.6).
fn uuid5(name: &str) -> String {
    let h = Sha1::digest(name.as_bytes());
    let mut b = [0u8; 16];
    b.copy_from_slice(&h[..16]);
    b[6] = (b[6] & 0x0f) | 0x50;
    b[8] = (b[8] & 0x3f) | 0xa0;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

/// A client by consumer key: configured clients first, then the store.
pub fn find(cfg: &Config, store: &Store, key: &str) -> Result<Option<Client>> {
    if let Some(c) = cfg
        .clients
        .iter()
        .filter_map(Client::from_config)
        .find(|c| c.consumer_key == key)
    {
        return Ok(Some(c));
    }
    store.read(|r| tokens::client(r, key))
}

/// The one access token of (client, user), created when missing (api.md §8.3).
pub fn issue_access_token(w: &W, consumer: &str, nick: &str) -> Result<AccessToken> {
    if let Some(at) = tokens::access_token_of(w, consumer, nick)? {
        return Ok(at);
    }
    let at = AccessToken {
        token: crate::util::rand::token(16),
        secret: crate::util::rand::token(32),
        consumer_key: consumer.to_string(),
        nick: nick.to_string(),
        created: crate::util::time::now_secs(),
    };
    put_access_token(w, &at)?;
    Ok(at)
}

pub fn put_access_token(w: &W, at: &AccessToken) -> Result<()> {
    tokens::put_access_token(w, at)
}

/// Whether `nick` already holds an access token for this client.
pub fn has_access_token(store: &Store, consumer: &str, nick: &str) -> Result<bool> {
    store.read(|r| Ok(tokens::access_token_of(r, consumer, nick)?.is_some()))
}

/// The consumer keys of the clients that hold a token (OAuth 1 or 2) for `nick`.
pub fn authorized(r: &impl Read, nick: &str) -> Result<Vec<String>> {
    let mut keys = tokens::clients_of(r, nick)?;
    for k in tokens::bearer_clients_of(r, nick)? {
        if !keys.contains(&k) {
            keys.push(k);
        }
    }
    Ok(keys)
}

/// Takes back the tokens (OAuth 1 and 2) that `consumer` holds for `nick`; false if it held
/// none.
pub fn revoke(w: &W, consumer: &str, nick: &str) -> Result<bool> {
    tokens::revoke(w, consumer, nick)
}

/// Removes every access token of `nick`'s (an account deleted).
pub fn revoke_all_for(w: &W, nick: &str) -> Result<()> {
    tokens::revoke_all_for(w, nick)
}

/// A client registered through the API (not one of the config file's).
pub fn registered(r: &impl Read, key: &str) -> Result<Option<Client>> {
    tokens::client(r, key)
}

pub fn put_registered(w: &W, client: &Client) -> Result<()> {
    tokens::put_client(w, client)
}

pub fn access_token(r: &impl Read, token: &str) -> Result<Option<AccessToken>> {
    tokens::access_token(r, token)
}

pub fn bearer_token(r: &impl Read, token: &str) -> Result<Option<BearerToken>> {
    tokens::bearer_token(r, token)
}

pub fn put_bearer_token(w: &W, b: &BearerToken) -> Result<()> {
    tokens::put_bearer_token(w, b)
}

pub fn request_token(r: &impl Read, token: &str) -> Result<Option<RequestToken>> {
    tokens::request_token(r, token)
}

pub fn put_request_token(w: &W, rt: &RequestToken) -> Result<()> {
    tokens::put_request_token(w, rt)
}

/// Drops a request token its user denied: it can no longer be authorized or exchanged.
pub fn deny_request_token(w: &W, token: &str) -> Result<bool> {
    tokens::delete_request_token(w, token)
}

/// Drops the request tokens made before `cutoff` (of every client: they can no longer be
/// exchanged) and counts the others.
pub fn sweep_request_tokens(w: &W, cutoff: i64) -> Result<usize> {
    tokens::sweep_request_tokens(w, cutoff)
}

#[cfg(test)]
mod tests {
    #[test]
    fn uuid5_is_stable_and_versioned() {
        let a = super::uuid5("client");
        assert_eq!(a, super::uuid5("client"));
        assert_eq!(a.len(), 36);
        assert_eq!(&a[14..15], "5");
    }
}
