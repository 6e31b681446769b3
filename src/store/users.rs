//! Accounts by nickname, and the nicknames of deleted accounts (which stay reserved).
use super::access::{Read, W};
use super::tables::Table;
use crate::error::Result;
use crate::records::User;
use serde_json::{Map, Value};

pub fn get(r: &impl Read, nick: &str) -> Result<Option<User>> {
    Ok(r.get::<Map<String, Value>>(Table::NickUser, nick)?
        .map(User::from_stored))
}

pub fn put(w: &W, nick: &str, user: &User) -> Result<()> {
    w.put(Table::NickUser, nick, &user.to_stored())
}

pub fn exists(r: &impl Read, nick: &str) -> Result<bool> {
    r.exists(Table::NickUser, nick)
}

/// Removes the account; false if there was none.
pub fn delete(w: &W, nick: &str) -> Result<bool> {
    w.delete(Table::NickUser, nick)
}

/// Whether the store holds any account.
pub fn any(r: &impl Read) -> Result<bool> {
    Ok(!r.scan(Table::NickUser, "", 1)?.is_empty())
}

/// Whether `nick` belonged to an account that was deleted.
pub fn was_deleted(r: &impl Read, nick: &str) -> Result<bool> {
    r.exists(Table::DeletedNick, nick)
}

/// Keeps `nick` reserved: its account was deleted `when`.
pub fn mark_deleted(w: &W, nick: &str, when: &str) -> Result<()> {
    w.put(Table::DeletedNick, nick, when)
}

/// Accounts whose nicknames sort after `after`, in order, at most `limit`.
pub fn after(r: &impl Read, after: &str, limit: usize) -> Result<Vec<(String, User)>> {
    let mut out = Vec::new();
    for (nick, raw) in r.scan_after(Table::NickUser, after, limit)? {
        out.push((nick, User::from_stored(serde_json::from_slice(&raw)?)));
    }
    Ok(out)
}
