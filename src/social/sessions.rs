//! Web sessions kept on the server, so that logging out, changing the password or deleting the
//! account ends them for good (a copied cookie stops working). Each is a random id with an
//! expiry; each account keeps at most `maxSessionsPerUser`, and expired ones go at each login.
use crate::config::Config;
use crate::error::{Error, Result};
use crate::store::{self, Read, W};
use crate::util::{rand, time::now_secs};

/// Opens a session for `nick` until `expiry`; returns its id.
pub fn open(w: &W, nick: &str, expiry: i64, max: usize) -> Result<String> {
    // In the same transaction as the check: a login racing the account's deletion gets nothing.
    if !store::users::exists(w, nick)? {
        return Err(Error::Unauthorized("No such account".into()));
    }
    start(w, nick, expiry, max)
}

/// A new session for `owner`, once its expired ones and the oldest beyond `max` are gone.
fn start(w: &W, owner: &str, expiry: i64, max: usize) -> Result<String> {
    let now = now_secs();
    let rows = store::sessions::of(w, owner)?;
    let over = rows.len().saturating_sub(max.saturating_sub(1));
    for (i, (exp, old)) in rows.iter().enumerate() {
        if *exp <= now || i < over {
            store::sessions::delete(w, owner, old)?;
        }
    }
    let sid = rand::token(16);
    store::sessions::put(w, owner, &sid, expiry)?;
    Ok(sid)
}

/// Opens a web session for a person of another server who logged in with their account
/// there (federation.md §8); their id, never a nickname (it has a `:`), names it.
pub fn open_remote(w: &W, person: &str, expiry: i64, max: usize) -> Result<String> {
    if !person.contains(':') {
        return Err(Error::internal("a remote session needs a person id"));
    }
    start(w, person, expiry, max)
}

/// Is this session still open?
pub fn is_open(r: &impl Read, nick: &str, sid: &str) -> Result<bool> {
    let exp = store::sessions::expiry(r, nick, sid)?;
    Ok(exp.is_some_and(|e| e > now_secs()))
}

/// Ends one session; its live stream (if open) is woken to end with it.
pub fn close(w: &W, cfg: &Config, nick: &str, sid: &str) -> Result<()> {
    if store::sessions::delete(w, nick, sid)? {
        crate::jobs::live(w, cfg, [nick.to_string()])?;
    }
    Ok(())
}

/// Ends every session of `nick` but `keep` (the one that asked, when it should go on).
pub fn close_all(w: &W, cfg: &Config, nick: &str, keep: Option<&str>) -> Result<()> {
    let mut ended = false;
    for (_, sid) in store::sessions::of(w, nick)? {
        if Some(sid.as_str()) != keep {
            ended |= store::sessions::delete(w, nick, &sid)?;
        }
    }
    if ended {
        crate::jobs::live(w, cfg, [nick.to_string()])?;
    }
    Ok(())
}
