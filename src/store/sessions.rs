//! Open web sessions: (nickname, session id) → expiry in Unix seconds.
use super::access::{Read, W};
use super::tables::Table;
use crate::error::Result;

fn key(nick: &str, sid: &str) -> String {
    format!("{nick}\n{sid}")
}

/// The account's sessions as (expiry, session id), oldest first.
pub fn of(r: &impl Read, nick: &str) -> Result<Vec<(i64, String)>> {
    let prefix = format!("{nick}\n");
    let mut rows: Vec<(i64, String)> = r
        .scan(Table::Session, &prefix, usize::MAX)?
        .into_iter()
        .map(|(k, v)| {
            let expiry = serde_json::from_slice(&v).unwrap_or(0);
            (expiry, k[prefix.len()..].to_string())
        })
        .collect();
    rows.sort();
    Ok(rows)
}

pub fn expiry(r: &impl Read, nick: &str, sid: &str) -> Result<Option<i64>> {
    r.get(Table::Session, &key(nick, sid))
}

pub fn put(w: &W, nick: &str, sid: &str, expiry: i64) -> Result<()> {
    w.put(Table::Session, &key(nick, sid), &expiry)
}

/// Ends one session; false if it was not open.
pub fn delete(w: &W, nick: &str, sid: &str) -> Result<bool> {
    w.delete(Table::Session, &key(nick, sid))
}
