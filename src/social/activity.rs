//! Building activities and placing them in outbox and inbox streams (activities.md §3.2, §7).
use super::content;
use super::objects::{self, id_of};
use crate::config::Config;
use crate::error::Result;
use crate::store::{Read, W};
use crate::util::{rand, time::now_iso};
use serde_json::{json, Map, Value};

pub use crate::records::Activity;

/// The verb (default `post`) and the object of a posted activity; an activity needs an object.
pub fn verb_and_object(act: &Map<String, Value>) -> crate::error::Result<(String, Value)> {
    let verb = act
        .get("verb")
        .and_then(Value::as_str)
        .unwrap_or("post")
        .to_string();
    let object = act
        .get("object")
        .cloned()
        .filter(Value::is_object)
        .ok_or_else(|| crate::error::Error::bad("No object in activity"))?;
    Ok((verb, object))
}

/// The id minted for a new local activity with `uuid`.
pub fn id_for(cfg: &Config, uuid: &str) -> String {
    format!("{}/api/activity/{uuid}", cfg.base())
}

/// A new local activity. `actor`, `object` and `target` are full objects (for the generated
/// content); the stored activity holds references to them.
pub fn new(
    cfg: &Config,
    actor: &Value,
    verb: &str,
    object: &Value,
    extra: Map<String, Value>,
) -> Activity {
    build(cfg, &rand::uuid(), actor, verb, object, extra)
}

pub fn build(
    cfg: &Config,
    uuid: &str,
    actor: &Value,
    verb: &str,
    object: &Value,
    mut extra: Map<String, Value>,
) -> Activity {
    let base = cfg.base();
    let id = id_for(cfg, uuid);
    let now = now_iso();
    let url = match actor.get("preferredUsername").and_then(Value::as_str) {
        Some(nick) => format!("{base}/{nick}/activity/{uuid}"),
        None => actor
            .get("url")
            .and_then(Value::as_str)
            .unwrap_or(&base)
            .to_string(),
    };
    if !extra.contains_key("content") {
        let text = content::generate(actor, verb, object, extra.get("target"));
        extra.insert("content".into(), json!(text));
    }
    if let Some(t) = extra.get("target").cloned() {
        extra.insert("target".into(), objects::reference(&t));
    }
    extra.insert("objectType".into(), json!("activity"));
    extra.insert("id".into(), json!(id));
    extra.insert("verb".into(), json!(verb));
    extra.insert("actor".into(), objects::reference(actor));
    extra.insert("object".into(), objects::reference(object));
    extra.insert("links".into(), json!({"self": {"href": id}}));
    extra.insert("url".into(), json!(url));
    if !extra.contains_key("published") {
        extra.insert("published".into(), json!(now));
    }
    extra.insert("updated".into(), json!(now));
    let mut act = Activity::new(Value::Object(extra));
    act.private.uuid = Some(uuid.to_string());
    act
}

/// A stored activity by id.
pub fn get(r: &impl Read, id: &str) -> Result<Option<Activity>> {
    crate::store::activities::get(r, id)
}

pub fn put(w: &W, act: &Activity) -> Result<()> {
    crate::store::activities::put(w, act)
}

/// Major: share and checkin, and post/create unless of a comment or a collection (§7).
pub fn is_major(verb: &str, object_type: &str) -> bool {
    match verb {
        "share" | "checkin" => true,
        "post" | "create" => object_type != "comment" && object_type != "collection",
        _ => false,
    }
}

/// The actor's outbox (all + major or minor).
pub fn to_outbox(w: &W, nick: &str, id: &str, major: bool) -> Result<()> {
    let kind = if major { "major" } else { "minor" };
    w.stream_push(&super::urls::stream(nick, "outbox"), id)?;
    w.stream_push(&super::urls::stream(nick, &format!("outbox:{kind}")), id)
}

/// The public timeline gets a local user's public posts (not shares, comments or the rest),
/// and so do the streams of the tags they carry.
pub fn to_public_timeline(w: &W, id: &str, act: &Activity, major: bool) -> Result<()> {
    let post = act.doc.get("verb").and_then(Value::as_str) == Some("post");
    if major && post && super::addressing::may_see(w, act, None)? {
        w.stream_push(super::urls::PUBLIC_STREAM, id)?;
        super::tags::index(w, id, act, None)?;
    }
    Ok(())
}

/// A new follower (`nick`) sees the newest public posts of the local user they follow
/// (`followed`) in their inbox at once, each at the place it has in the outbox, so the inbox
/// keeps the order things were posted in.
pub fn recent_to_inbox(w: &W, nick: &str, followed: &str, count: usize) -> Result<()> {
    let outbox = super::urls::stream(followed, "outbox:major");
    let s = |n: &str| super::urls::stream(nick, n);
    for (seq, id) in w.stream_desc(&outbox, u64::MAX, count)? {
        if w.stream_seq(&s("inbox"), &id)?.is_some() {
            continue;
        }
        let Some(act) = get(w, &id)? else { continue };
        let post = act.doc.get("verb").and_then(Value::as_str) == Some("post");
        if post && super::addressing::may_see(w, &act, None)? {
            w.stream_put_at(&s("inbox"), seq, &id)?;
            w.stream_put_at(&s("inbox:major"), seq, &id)?;
        }
    }
    Ok(())
}

/// A user's inbox (all + major or minor, and the direct variants when addressed to them).
pub fn to_inbox(w: &W, nick: &str, id: &str, major: bool, direct: bool) -> Result<()> {
    let kind = if major { "major" } else { "minor" };
    let s = |n: &str| super::urls::stream(nick, n);
    w.stream_push(&s("inbox"), id)?;
    w.stream_push(&s(&format!("inbox:{kind}")), id)?;
    if direct {
        w.stream_push(&s("inbox:direct"), id)?;
        w.stream_push(&s(&format!("inbox:direct:{kind}")), id)?;
    }
    Ok(())
}

/// Is `person_id` in the activity's `to` or `bto`?
pub fn is_direct(act: &Value, person_id: &str) -> bool {
    ["to", "bto"].iter().any(|k| {
        act.get(*k)
            .and_then(Value::as_array)
            .is_some_and(|a| a.iter().any(|x| id_of(x) == Some(person_id)))
    })
}
