//! How far each user has read a stream (their messages, their notifications): the place of
//! the newest entry they have seen, kept in the meta table as `seen:<nick>:<stream>`.
use super::access::{Read, W};
use super::tables::Table;
use crate::error::Result;

fn key(nick: &str, stream: &str) -> String {
    format!("seen:{nick}:{stream}")
}

/// The place of the newest entry of `stream` that `nick` has seen; 0 for none.
pub fn seen(r: &impl Read, nick: &str, stream: &str) -> Result<u64> {
    Ok(r.get::<u64>(Table::Meta, &key(nick, stream))?.unwrap_or(0))
}

/// Notes that `nick` has seen `stream` up to `seq`; a marker never moves back.
pub fn set_seen(w: &W, nick: &str, stream: &str, seq: u64) -> Result<()> {
    if seq > seen(w, nick, stream)? {
        w.put(Table::Meta, &key(nick, stream), &seq)?;
    }
    Ok(())
}

/// Forgets every marker of `nick` (the account is deleted).
pub fn forget(w: &W, nick: &str, streams: &[&str]) -> Result<()> {
    for s in streams {
        w.delete(Table::Meta, &key(nick, s))?;
    }
    Ok(())
}
