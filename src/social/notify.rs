//! Notifications: what concerns a local user — someone follows them, likes or shares their
//! object, replies to it or mentions them — kept in their stream `notifications`, which the web UI lists and
//! its badge counts. Never their own doing, and a reply only when they may read it.
use super::activity::Activity;
use super::addressing::may_see;
use super::objects::{self, id_of, type_of};
use super::urls;
use crate::config::Config;
use crate::error::Result;
use crate::store::{Read, W};
use serde_json::Value;
use std::collections::HashSet;

/// The person an activity concerns: whom it follows, whose object it likes, shares or replies to.
fn concerned(r: &impl Read, act: &Value) -> Result<Option<String>> {
    let verb = act.get("verb").and_then(Value::as_str).unwrap_or("post");
    let object = objects::stored_for(r, act.get("object"))?;
    let author_of = |o: Option<objects::Object>| {
        o.and_then(|o| o.get("author").and_then(id_of).map(str::to_string))
    };
    Ok(match verb {
        "follow" => act.get("object").and_then(id_of).map(str::to_string),
        "favorite" | "like" | "share" => author_of(object),
        "post" => match object {
            Some(o) if type_of(&o) == "comment" => {
                author_of(objects::stored_for(r, o.get("inReplyTo"))?)
            }
            _ => None,
        },
        _ => None,
    })
}

/// Whom a post mentions: the local users its content links to.
fn mentioned(r: &impl Read, cfg: &Config, act: &Value) -> Result<Vec<String>> {
    if act.get("verb").and_then(Value::as_str) != Some("post") {
        return Ok(Vec::new());
    }
    let stored = objects::stored_for(r, act.get("object"))?;
    let content = stored
        .as_ref()
        .and_then(|o| o.get("content"))
        .or_else(|| act.pointer("/object/content"))
        .and_then(Value::as_str)
        .unwrap_or("");
    Ok(super::mentions::local(cfg, content)
        .iter()
        .map(|nick| urls::person_id(cfg, nick))
        .collect())
}

/// Notes `act` (stored with id `aid`) for the local users it concerns; with `only`, just when
/// that is the user (a delivery from elsewhere reaches one user at a time). Returns whom it
/// notified (their open pages are told).
pub fn note(
    w: &W,
    cfg: &Config,
    aid: &str,
    act: &Activity,
    only: Option<&str>,
) -> Result<Vec<String>> {
    let actor = act.doc.pointer("/actor/id").and_then(Value::as_str);
    let mut people: Vec<String> = concerned(w, &act.doc)?.into_iter().collect();
    people.extend(mentioned(w, cfg, &act.doc)?);
    let mut done = HashSet::new();
    let mut notified = Vec::new();
    for person in people {
        if actor == Some(person.as_str()) || !done.insert(person.clone()) {
            continue;
        }
        let Some(nick) = objects::local_nick(w, cfg, &person)? else {
            continue;
        };
        if only.is_some_and(|o| o != nick) {
            continue;
        }
        // A follow, like or share is shown to the person anyway (their followers, the
        // object's likes and shares); a reply or a mention only when it is addressed so that
        // they may read it.
        let post = act.doc.get("verb").and_then(Value::as_str) == Some("post");
        if post && !may_see(w, act, Some(&person))? {
            continue;
        }
        if let Some(a) = actor {
            if super::blocks::hides(w, &person, a)? {
                continue;
            }
        }
        w.stream_push(&urls::stream(&nick, urls::NOTIFICATIONS), aid)?;
        notified.push(nick);
    }
    Ok(notified)
}
