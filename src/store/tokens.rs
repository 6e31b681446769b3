//! OAuth clients and their tokens: request tokens, access tokens (one per client and user,
//! found by the pair) and bearer tokens.
use super::access::{Read, W};
use super::tables::Table;
use crate::error::Result;
use crate::records::{AccessToken, AuthCode, BearerToken, Client, RequestToken};

fn pair_key(consumer: &str, nick: &str) -> String {
    format!("{consumer}\n{nick}")
}

/// The (client, user) pairs that hold an access token, and the token.
fn pairs(r: &impl Read) -> Result<Vec<(String, String, String)>> {
    let mut out = Vec::new();
    for (k, v) in r.scan(Table::ClientUserToken, "", usize::MAX)? {
        if let (Some((consumer, nick)), Ok(token)) =
            (k.rsplit_once('\n'), serde_json::from_slice::<String>(&v))
        {
            out.push((consumer.to_string(), nick.to_string(), token));
        }
    }
    Ok(out)
}

pub fn client(r: &impl Read, key: &str) -> Result<Option<Client>> {
    r.get(Table::ClientKeyClient, key)
}

pub fn put_client(w: &W, client: &Client) -> Result<()> {
    w.put(Table::ClientKeyClient, &client.consumer_key, client)
}

pub fn access_token(r: &impl Read, token: &str) -> Result<Option<AccessToken>> {
    r.get(Table::AccessToken, token)
}

/// The access token that `consumer` holds for `nick`.
pub fn access_token_of(r: &impl Read, consumer: &str, nick: &str) -> Result<Option<AccessToken>> {
    match r.get::<String>(Table::ClientUserToken, &pair_key(consumer, nick))? {
        Some(t) => access_token(r, &t),
        None => Ok(None),
    }
}

/// Stores `at` as the one access token of its client and user.
pub fn put_access_token(w: &W, at: &AccessToken) -> Result<()> {
    w.put(Table::AccessToken, &at.token, at)?;
    w.put(
        Table::ClientUserToken,
        &pair_key(&at.consumer_key, &at.nick),
        &at.token,
    )
}

/// The consumer keys of the clients that hold an access token for `nick`.
pub fn clients_of(r: &impl Read, nick: &str) -> Result<Vec<String>> {
    Ok(pairs(r)?
        .into_iter()
        .filter(|(_, n, _)| n == nick)
        .map(|(c, _, _)| c)
        .collect())
}

/// Removes the access token and the bearer tokens that `consumer` holds for `nick`; false if
/// it held none.
pub fn revoke(w: &W, consumer: &str, nick: &str) -> Result<bool> {
    let mut gone = false;
    for b in bearers(w)? {
        if b.consumer_key == consumer && b.nick.as_deref() == Some(nick) {
            gone |= w.delete(Table::BearerToken, &b.token)?;
        }
    }
    let key = pair_key(consumer, nick);
    let Some(token) = w.get::<String>(Table::ClientUserToken, &key)? else {
        return Ok(gone);
    };
    w.delete(Table::ClientUserToken, &key)?;
    w.delete(Table::AccessToken, &token)?;
    Ok(true)
}

/// Removes every access token and bearer token of `nick`.
pub fn revoke_all_for(w: &W, nick: &str) -> Result<()> {
    for (consumer, n, token) in pairs(w)? {
        if n == nick {
            w.delete(Table::ClientUserToken, &pair_key(&consumer, &n))?;
            w.delete(Table::AccessToken, &token)?;
        }
    }
    for b in bearers(w)? {
        if b.nick.as_deref() == Some(nick) {
            w.delete(Table::BearerToken, &b.token)?;
        }
    }
    Ok(())
}

/// Every bearer token. There is one per client and user (and one per client of its own), so
/// a small server holds few; the exchange and the account page look through them.
fn bearers(r: &impl Read) -> Result<Vec<BearerToken>> {
    Ok(r.scan(Table::BearerToken, "", usize::MAX)?
        .into_iter()
        .filter_map(|(_, v)| serde_json::from_slice(&v).ok())
        .collect())
}

/// The bearer token `consumer` holds for `nick` (None: for itself).
pub fn bearer_of(r: &impl Read, consumer: &str, nick: Option<&str>) -> Result<Option<BearerToken>> {
    Ok(bearers(r)?
        .into_iter()
        .find(|b| b.consumer_key == consumer && b.nick.as_deref() == nick))
}

/// The consumer keys of the clients holding a bearer token for `nick`.
pub fn bearer_clients_of(r: &impl Read, nick: &str) -> Result<Vec<String>> {
    Ok(bearers(r)?
        .into_iter()
        .filter(|b| b.nick.as_deref() == Some(nick))
        .map(|b| b.consumer_key)
        .collect())
}

pub fn delete_bearer_token(w: &W, token: &str) -> Result<bool> {
    w.delete(Table::BearerToken, token)
}

pub fn code(r: &impl Read, code: &str) -> Result<Option<AuthCode>> {
    r.get(Table::AuthCode, code)
}

pub fn put_code(w: &W, c: &AuthCode) -> Result<()> {
    w.put(Table::AuthCode, &c.code, c)
}

pub fn delete_code(w: &W, code: &str) -> Result<bool> {
    w.delete(Table::AuthCode, code)
}

/// Drops the codes that expired before `now` (and unreadable ones).
pub fn sweep_codes(w: &W, now: i64) -> Result<()> {
    for (k, v) in w.scan(Table::AuthCode, "", usize::MAX)? {
        match serde_json::from_slice::<AuthCode>(&v) {
            Ok(c) if c.expires >= now => {}
            _ => {
                w.delete(Table::AuthCode, &k)?;
            }
        }
    }
    Ok(())
}

pub fn bearer_token(r: &impl Read, token: &str) -> Result<Option<BearerToken>> {
    r.get(Table::BearerToken, token)
}

pub fn put_bearer_token(w: &W, b: &BearerToken) -> Result<()> {
    w.put(Table::BearerToken, &b.token, b)
}

pub fn request_token(r: &impl Read, token: &str) -> Result<Option<RequestToken>> {
    r.get(Table::RequestToken, token)
}

pub fn put_request_token(w: &W, rt: &RequestToken) -> Result<()> {
    w.put(Table::RequestToken, &rt.token, rt)
}

/// Drops one request token (its user denied it); false if there was none.
pub fn delete_request_token(w: &W, token: &str) -> Result<bool> {
    w.delete(Table::RequestToken, token)
}

/// Drops the request tokens made before `cutoff` (and unreadable ones); counts the others.
pub fn sweep_request_tokens(w: &W, cutoff: i64) -> Result<usize> {
    let mut live = 0;
    for (k, v) in w.scan(Table::RequestToken, "", usize::MAX)? {
        match serde_json::from_slice::<RequestToken>(&v) {
            Ok(old) if old.created >= cutoff => live += 1,
            _ => {
                w.delete(Table::RequestToken, &k)?;
            }
        }
    }
    Ok(live)
}
