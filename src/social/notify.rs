//! Notifications: what concerns a local user — someone follows them, likes or shares their
//! object, or replies to it — kept in their stream `notifications`, which the web UI lists and
//! its badge counts. Never their own doing, and a reply only when they may read it.
use super::activity::Activity;
use super::addressing::may_see;
use super::objects::{self, id_of, type_of};
use super::urls;
use crate::config::Config;
use crate::error::Result;
use crate::store::{Read, W};
use serde_json::Value;

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

/// Notes `act` (stored with id `aid`) for the local user it concerns; with `only`, just when
/// that is the user (a delivery from elsewhere reaches one user at a time).
pub fn note(w: &W, cfg: &Config, aid: &str, act: &Activity, only: Option<&str>) -> Result<()> {
    let Some(person) = concerned(w, &act.doc)? else {
        return Ok(());
    };
    if act.doc.pointer("/actor/id").and_then(Value::as_str) == Some(person.as_str()) {
        return Ok(());
    }
    let Some(nick) = objects::local_nick(w, cfg, &person)? else {
        return Ok(());
    };
    if only.is_some_and(|o| o != nick) {
        return Ok(());
    }
    // A follow, like or share is shown to the person anyway (their followers, the object's
    // likes and shares); a reply only when it is addressed so that they may read it.
    let reply = act.doc.get("verb").and_then(Value::as_str) == Some("post");
    if reply && !may_see(w, act, Some(&person))? {
        return Ok(());
    }
    w.stream_push(&urls::stream(&nick, urls::NOTIFICATIONS), aid)
}
