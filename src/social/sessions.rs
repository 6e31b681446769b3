//! Web sessions kept on the server, so that logging out, changing the password or deleting the
//! account ends them for good (a copied cookie stops working). Rows are `<nick>\n<id>` →
//! expiry; each account keeps at most `maxSessionsPerUser`, and expired rows go at each login.
use crate::config::Config;
use crate::error::{Error, Result};
use crate::store::{Read, Table, W};
use crate::util::{rand, time::now_secs};

fn key(nick: &str, sid: &str) -> String {
    format!("{nick}\n{sid}")
}

/// The account's sessions as (expiry, key), oldest first.
fn of(w: &W, nick: &str) -> Result<Vec<(i64, String)>> {
    let mut rows: Vec<(i64, String)> = w
        .scan(Table::Session, &format!("{nick}\n"), usize::MAX)?
        .into_iter()
        .map(|(k, v)| (serde_json::from_slice(&v).unwrap_or(0), k))
        .collect();
    rows.sort();
    Ok(rows)
}

/// Opens a session for `nick` until `expiry`; returns its id.
pub fn open(w: &W, nick: &str, expiry: i64, max: usize) -> Result<String> {
    // In the same transaction as the check: a login racing the account's deletion gets nothing.
    if !w.exists(Table::NickUser, nick)? {
        return Err(Error::Unauthorized("No such account".into()));
    }
    let now = now_secs();
    let rows = of(w, nick)?;
    let over = rows.len().saturating_sub(max.saturating_sub(1));
    for (i, (exp, k)) in rows.iter().enumerate() {
        if *exp <= now || i < over {
            w.delete(Table::Session, k)?;
        }
    }
    let sid = rand::token(16);
    w.put(Table::Session, &key(nick, &sid), &expiry)?;
    Ok(sid)
}

/// Is this session still open?
pub fn is_open(r: &impl Read, nick: &str, sid: &str) -> Result<bool> {
    let exp: Option<i64> = r.get(Table::Session, &key(nick, sid))?;
    Ok(exp.is_some_and(|e| e > now_secs()))
}

/// Ends one session; its live stream (if open) is woken to end with it.
pub fn close(w: &W, cfg: &Config, nick: &str, sid: &str) -> Result<()> {
    if w.delete(Table::Session, &key(nick, sid))? {
        crate::jobs::live(w, cfg, [nick.to_string()])?;
    }
    Ok(())
}

/// Ends every session of `nick` but `keep` (the one that asked, when it should go on).
pub fn close_all(w: &W, cfg: &Config, nick: &str, keep: Option<&str>) -> Result<()> {
    let kept = keep.map(|sid| key(nick, sid));
    let mut ended = false;
    for (_, k) in of(w, nick)? {
        if Some(&k) != kept.as_ref() {
            ended |= w.delete(Table::Session, &k)?;
        }
    }
    if ended {
        crate::jobs::live(w, cfg, [nick.to_string()])?;
    }
    Ok(())
}
