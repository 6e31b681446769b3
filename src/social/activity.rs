//! Building local activities and placing them in outbox and inbox streams (activities.md §3.2, §7).
use super::{content, objects, urls};
use crate::config::Config;
use crate::error::Result;
use crate::store::{Table, W};
use crate::util::{rand, time::now_iso};
use serde_json::{json, Map, Value};

/// A new local activity. `actor`, `object` and `target` are full objects (for the generated
/// content); the stored activity holds references to them.
pub fn new(
    cfg: &Config,
    actor: &Value,
    verb: &str,
    object: &Value,
    mut extra: Map<String, Value>,
) -> Value {
    let uuid = rand::uuid();
    let base = cfg.base();
    let id = format!("{base}/api/activity/{uuid}");
    let now = now_iso();
    let url = match actor.get("preferredUsername").and_then(Value::as_str) {
        Some(nick) => format!("{base}/{nick}/activity/{uuid}"),
        None => actor
            .get("url")
            .and_then(Value::as_str)
            .unwrap_or(&base)
            .to_string(),
    };
    let text = content::generate(actor, verb, object, extra.get("target"));
    extra.entry("content".to_string()).or_insert(json!(text));
    extra.insert("objectType".into(), json!("activity"));
    extra.insert("id".into(), json!(id));
    extra.insert("verb".into(), json!(verb));
    extra.insert("actor".into(), objects::reference(actor));
    extra.insert("object".into(), objects::reference(object));
    extra.insert("links".into(), json!({"self": {"href": id}}));
    extra.insert("url".into(), json!(url));
    extra.entry("published".to_string()).or_insert(json!(now));
    extra.insert("updated".into(), json!(now));
    extra.insert("_uuid".into(), json!(uuid));
    Value::Object(extra)
}

pub fn put(w: &W, act: &Value) -> Result<()> {
    let id = act.get("id").and_then(Value::as_str).unwrap_or_default();
    w.put(Table::IdActivity, id, act)?;
    if let Some(uuid) = act.get("_uuid").and_then(Value::as_str) {
        w.put(Table::UuidActivity, uuid, &id)?;
    }
    Ok(())
}

/// The actor's outbox (all + major or minor).
pub fn to_outbox(w: &W, nick: &str, id: &str, major: bool) -> Result<()> {
    let kind = if major { "major" } else { "minor" };
    w.stream_push(&urls::stream(nick, "outbox"), id)?;
    w.stream_push(&urls::stream(nick, &format!("outbox:{kind}")), id)
}

/// A user's inbox (all + major or minor, and the direct variants when addressed to them).
pub fn to_inbox(w: &W, nick: &str, id: &str, major: bool, direct: bool) -> Result<()> {
    let kind = if major { "major" } else { "minor" };
    w.stream_push(&urls::stream(nick, "inbox"), id)?;
    w.stream_push(&urls::stream(nick, &format!("inbox:{kind}")), id)?;
    if direct {
        w.stream_push(&urls::stream(nick, "inbox:direct"), id)?;
        w.stream_push(&urls::stream(nick, &format!("inbox:direct:{kind}")), id)?;
    }
    Ok(())
}
