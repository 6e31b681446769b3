//! A local user's person (activities.md §2.4) and how it is shown.
use super::objects::Object;
use super::{objects, render, urls};
use crate::config::Config;
use crate::error::Result;
use crate::store::Read;
use crate::util::time::now_iso;
use serde_json::{json, Value};

/// The person created with a user.
pub fn new(cfg: &Config, nick: &str) -> Object {
    let base = cfg.base();
    let u = |rest: &str| urls::user_api(cfg, nick, rest);
    let now = now_iso();
    let mut person = Object::new(json!({
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
        "updated": now
    }));
    person.private.user = Some(nick.to_string());
    person
}

/// The stored person of `nick`, ready to show: live counts in the
/// four feed stubs, and for a requester `liked`, `pump_io.shared` and `pump_io.followed`
/// (the same rendering as any other object).
pub fn show(
    r: &impl Read,
    cfg: &Config,
    nick: &str,
    requester: Option<&str>,
) -> Result<Option<Value>> {
    let Some(p) = objects::get(r, &urls::person_id(cfg, nick))? else {
        return Ok(None);
    };
    let viewer_id = requester.map(|n| urls::person_id(cfg, n));
    let viewer = render::Viewer {
        id: viewer_id.as_deref(),
    };
    Ok(Some(render::object(r, viewer, &p, render::DECORATED)?))
}
