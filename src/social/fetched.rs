//! A public object fetched from its own server (what an ActivityPub Announce shares, when we
//! did not have it): kept, with a creating activity that says what its server said, that it
//! is for everyone, so the visibility gate shows it as it would any public post.
use super::activity::{self, Activity};
use super::objects::{self, id_of};
use super::urls;
use crate::config::Config;
use crate::error::Result;
use crate::store::W;
use crate::util::time::now_iso;
use serde_json::{json, Map, Value};

pub fn keep_public(w: &W, cfg: &Config, obj: &Map<String, Value>) -> Result<()> {
    let (Some(id), Some(author)) = (
        obj.get("id").and_then(Value::as_str),
        obj.get("author").and_then(id_of),
    ) else {
        return Ok(());
    };
    if objects::get(w, id)?.is_some() || objects::is_local_id(cfg, id) {
        return Ok(());
    }
    objects::refresh_remote(w, cfg, obj)?;
    let Some(mut stored) = objects::get(w, id)? else {
        return Ok(());
    };
    let aid = format!("{id}#created");
    let published = obj.get("published").cloned().unwrap_or(json!(now_iso()));
    let act = Activity::new(json!({
        "id": aid, "objectType": "activity", "verb": "post",
        "actor": {"id": author, "objectType": "person"},
        "object": {"id": id, "objectType": obj.get("objectType")},
        "to": [{"id": urls::PUBLIC, "objectType": "collection"}],
        "published": published, "received": now_iso(),
    }));
    activity::put(w, &act)?;
    stored.private.created_by = Some(aid);
    objects::put(w, &stored)
}
