//! Blocking and muting (pump.io has neither; the verbs `block`, `unblock`, `mute` and `unmute`
//! are ours). Both hide a person from a user's inbox and notifications. A block also ends
//! their following of the user and refuses their follows, replies and deliveries. Each is a
//! relation from the user's person to the other (for the checks) and a stream of the user's
//! (for the lists), and the activities that make them are addressed to nobody.
use super::relations::{self, FOLLOW};
use super::verbs::Actor;
use super::{objects, urls};
use crate::config::Config;
use crate::error::{Error, Result};
use crate::store::{Read, W};
use serde_json::Value;

pub const BLOCK: &str = "block";
pub const MUTE: &str = "mute";

/// The verbs of this module.
pub const VERBS: &[&str] = &["block", "unblock", "mute", "unmute"];

/// The stream of a user's blocked (`block`) or muted (`mute`) people.
pub fn stream(nick: &str, kind: &str) -> String {
    urls::stream(nick, if kind == BLOCK { "blocked" } else { "muted" })
}

/// Whether `person` blocks `other`.
pub fn blocks(r: &impl Read, person: &str, other: &str) -> Result<bool> {
    relations::exists(r, BLOCK, person, other)
}

/// Whether `person` mutes `other`.
pub fn mutes(r: &impl Read, person: &str, other: &str) -> Result<bool> {
    relations::exists(r, MUTE, person, other)
}

/// Whether `person` wants nothing of `other` in their inbox: blocked or muted.
pub fn hides(r: &impl Read, person: &str, other: &str) -> Result<bool> {
    Ok(blocks(r, person, other)? || mutes(r, person, other)?)
}

/// Everyone `nick` blocks or mutes (each list holds at most `maxBlocks`).
pub fn hidden_by(r: &impl Read, nick: &str) -> Result<std::collections::HashSet<String>> {
    let mut out = std::collections::HashSet::new();
    for kind in [BLOCK, MUTE] {
        let list = stream(nick, kind);
        let n = r.stream_count(&list)? as usize;
        out.extend(r.stream_newest(&list, None, 0, n)?);
    }
    Ok(out)
}

/// Refuses what `actor` does toward the local user of `person` (a follow, a reply) when that
/// user blocks them.
pub fn refuse_blocked(r: &impl Read, person: &str, actor: &str, what: &str) -> Result<()> {
    match blocks(r, person, actor)? {
        true => Err(Error::Forbidden(format!("You cannot {what} this person"))),
        false => Ok(()),
    }
}

/// The other name a person we know goes by: their page (`url`), which is their ActivityPub id
/// on a server that speaks both protocols, as a pump's does.
fn aliases(r: &impl Read, id: &str) -> Result<Vec<String>> {
    let page = objects::get(r, id)?
        .and_then(|p| p.get("url").and_then(Value::as_str).map(str::to_string))
        .filter(|u| u != id && (u.starts_with("https://") || u.starts_with("http://")));
    Ok(page.into_iter().collect())
}

/// Whether `person` blocks the actor `actor` (an activity's, with its id and page).
pub fn blocks_actor(r: &impl Read, person: &str, actor: &Value) -> Result<bool> {
    for key in ["id", "url"] {
        if let Some(name) = actor.get(key).and_then(Value::as_str) {
            if blocks(r, person, name)? {
                return Ok(true);
            }
        }
    }
    Ok(false)
}

/// Applies one of `VERBS` by the local user `actor` to the person `given`.
pub fn apply(w: &W, cfg: &Config, verb: &str, actor: &Actor, given: &Value) -> Result<()> {
    let nick = actor
        .nick
        .ok_or_else(|| Error::bad(format!("Only a user here can {verb}")))?;
    let other = objects::id_of(given)
        .ok_or_else(|| Error::bad(format!("No person to {verb}")))?
        .to_string();
    if other == actor.id() {
        return Err(Error::bad(format!("You cannot {verb} yourself")));
    }
    let kind = verb.trim_start_matches("un");
    let list = stream(nick, kind);
    let names = aliases(w, &other)?;
    if verb.starts_with("un") {
        if !relations::remove(w, kind, actor.id(), &other)? {
            return Err(Error::bad(format!("Not {kind}ed: {other}")));
        }
        for alias in &names {
            relations::remove(w, kind, actor.id(), alias)?;
        }
        w.stream_remove(&list, &other)?;
        return Ok(());
    }
    if relations::exists(w, kind, actor.id(), &other)? {
        return Err(Error::bad(format!("Already {kind}ed: {other}")));
    }
    if w.stream_count(&list)? as usize >= cfg.max_blocks {
        return Err(Error::bad(format!(
            "You have {kind}ed {} people, the most this server keeps",
            cfg.max_blocks
        )));
    }
    relations::add(w, kind, actor.id(), &other)?;
    for alias in &names {
        relations::add(w, kind, actor.id(), alias)?;
    }
    w.stream_push(&list, &other)?;
    if kind == BLOCK && relations::remove(w, FOLLOW, &other, actor.id())? {
        w.stream_remove(&urls::stream(nick, "followers"), &other)?;
        if let Some(theirs) = objects::local_nick(w, cfg, &other)? {
            w.stream_remove(&urls::stream(&theirs, "following"), actor.id())?;
        }
    }
    Ok(())
}
