//! A local user's person (activities.md §2.4) and how it is shown.
use super::{objects, urls};
use crate::config::Config;
use crate::error::Result;
use crate::store::Read;
use crate::util::time::now_iso;
use serde_json::{json, Value};

/// The person created with a user.
pub fn new(cfg: &Config, nick: &str) -> Value {
    let base = cfg.base();
    let u = |rest: &str| urls::user_api(cfg, nick, rest);
    let now = now_iso();
    json!({
        "objectType": "person",
        "id": urls::person_id(cfg, nick),
        "preferredUsername": nick,
        "displayName": nick,
        "url": format!("{base}/{nick}"),
        "links": {
            "self": {"href": u("profile")},
            "activity-inbox": {"href": u("inbox")},
            "activity-outbox": {"href": u("feed")}
        },
        "followers": {"url": u("followers")},
        "following": {"url": u("following")},
        "favorites": {"url": u("favorites")},
        "lists": {"url": u("lists/person")},
        "published": now,
        "updated": now,
        "_user": nick
    })
}

/// The stored person of `nick`, ready to show: private properties gone, live counts in the
/// four feed stubs, and for a requester `pump_io.followed` and `liked`.
pub fn show(
    r: &impl Read,
    cfg: &Config,
    nick: &str,
    requester: Option<&str>,
) -> Result<Option<Value>> {
    let id = urls::person_id(cfg, nick);
    let Some(mut p) = objects::get(r, &id)? else {
        return Ok(None);
    };
    objects::strip_private(&mut p);
    if let Some(m) = p.as_object_mut() {
        m.remove("likes");
        m.remove("replies");
    }
    for (stub, stream) in [
        ("followers", "followers"),
        ("following", "following"),
        ("favorites", "favorites"),
        ("lists", "lists:person"),
    ] {
        let n = r.stream_count(&urls::stream(nick, stream))?;
        if let Some(s) = p.get_mut(stub).and_then(Value::as_object_mut) {
            s.insert("totalItems".into(), json!(n));
        }
    }
    if let (Some(req), Some(m)) = (requester, p.as_object_mut()) {
        let follows = req != nick
            && r.stream_seq(&urls::stream(req, "following"), &id)?
                .is_some();
        let liked = r
            .stream_seq(&urls::stream(req, "favorites"), &id)?
            .is_some();
        m.insert("liked".into(), json!(liked));
        let pio = m.entry("pump_io").or_insert_with(|| json!({}));
        if let Value::Object(pio) = pio {
            pio.insert("followed".into(), json!(follows));
        }
    }
    Ok(Some(p))
}
