//! Which local users an activity delivered to the shared inbox reaches: the persons it
//! addresses or mentions, the author of the local object it concerns, and the sender's
//! followers here when it is for everyone or for the sender's followers.
use super::objects::{self, id_of};
use super::{relations, urls, users};
use crate::config::Config;
use crate::error::Result;
use crate::store::Read;
use serde_json::Value;
use std::collections::BTreeSet;

/// The most local users a scan for the sender's followers reads.
const MAX_USERS: usize = 100_000;

pub fn recipients(
    r: &impl Read,
    cfg: &Config,
    act: &Value,
    sender: &str,
    sender_followers: Option<&str>,
) -> Result<Vec<String>> {
    let mut out = BTreeSet::new();
    let mut for_followers = false;
    for a in super::addressing::all(act) {
        let Some(id) = id_of(a) else { continue };
        if id == urls::PUBLIC || Some(id) == sender_followers {
            for_followers = true;
        }
        if let Some(nick) = urls::nick_of_person_id(cfg, id) {
            out.insert(nick);
        }
    }
    let object = act.get("object");
    let concerned = [
        object.and_then(id_of),
        object.and_then(|o| o.get("inReplyTo")).and_then(id_of),
    ];
    for id in concerned.into_iter().flatten() {
        if let Some(nick) = urls::nick_of_person_id(cfg, id) {
            out.insert(nick);
        } else if let Some(o) = objects::get(r, id)? {
            let author = o.get("author").and_then(id_of).unwrap_or_default();
            if let Some(nick) = urls::nick_of_person_id(cfg, author) {
                out.insert(nick);
            }
        }
    }
    if for_followers {
        for nick in local_users(r)? {
            if relations::exists(r, relations::FOLLOW, &urls::person_id(cfg, &nick), sender)? {
                out.insert(nick);
            }
        }
    }
    let mut kept = Vec::with_capacity(out.len());
    for nick in out {
        if users::exists(r, &nick)? {
            kept.push(nick);
        }
    }
    Ok(kept)
}

/// Every local user's nickname (at most `MAX_USERS`): who here may follow a remote actor.
pub fn local_users(r: &impl Read) -> Result<Vec<String>> {
    Ok(r.stream_asc(urls::USERS_STREAM, 0, MAX_USERS)?
        .into_iter()
        .map(|(_, nick)| nick)
        .collect())
}
