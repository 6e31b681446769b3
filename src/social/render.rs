//! Objects and activities as a given reader sees them (activities.md §3.3, §3.7): references
//! expanded to the current stored objects, live counts, the reader's decorations, and other
//! people's bto/bcc removed. Only documents are rendered: what is private is not in them.
use super::activity::Activity;
use super::objects::{self, id_of, type_of, Object};
use super::relations::{self, FAVORITE, FOLLOW, SHARE};
use super::urls;
use super::verbs::{group_stream, likes_stream, members_stream, replies_stream, shares_stream};
use super::{addressing, content};
use crate::error::Result;
use crate::store::Read;
use serde_json::{json, Map, Value};

/// The reader: their person id, or None for a client with no user.
#[derive(Clone, Copy)]
pub struct Viewer<'a> {
    pub id: Option<&'a str>,
}

/// How much to show of an object.
#[derive(Clone, Copy, Default)]
pub struct Detail {
    /// First few likers, replies and sharers in the sub-collections.
    pub items: bool,
    /// The reader's `liked`, `pump_io.shared` and `pump_io.followed`.
    pub decorate: bool,
}

pub const FULL: Detail = Detail {
    items: true,
    decorate: true,
};
pub const DECORATED: Detail = Detail {
    items: false,
    decorate: true,
};
pub const PLAIN: Detail = Detail {
    items: false,
    decorate: false,
};

/// How many entries the sub-collection previews carry.
const PREVIEW: usize = 4;

fn set_total(m: &mut Map<String, Value>, k: &str, n: u64) {
    if let Some(Value::Object(s)) = m.get_mut(k) {
        s.insert("totalItems".into(), json!(n));
        s.remove("items");
    }
}

/// The stored object for a reference (or the reference itself when unknown), counted; only
/// `{id, objectType}` when the reader may not see it.
pub fn expand(r: &impl Read, viewer: Viewer, v: &Value) -> Result<Value> {
    let stored = match id_of(v) {
        Some(id) => objects::get(r, id)?,
        None => None,
    };
    match stored {
        Some(s) if addressing::may_show(r, &s, viewer.id)? => counted(r, s),
        Some(s) => {
            r.note_hidden();
            Ok(objects::reference(&s))
        }
        None => Ok(v.clone()),
    }
}

/// The document with live counts in every sub-collection stub.
fn counted(r: &impl Read, obj: Object) -> Result<Value> {
    let id = id_of(&obj).unwrap_or_default().to_string();
    let list = objects::is_list(&obj);
    let local_group = objects::is_local_group(&obj);
    let Object {
        doc: mut obj,
        private,
    } = obj;
    let user = private.user;
    let Some(m) = obj.as_object_mut() else {
        return Ok(obj);
    };
    if m.contains_key("deleted") {
        // A tombstone shows what a tombstone holds, whatever else was stored with it.
        return Ok(objects::tombstone_view(&obj));
    }
    if let Some(nick) = &user {
        m.remove("likes");
        m.remove("replies");
        for (stub, stream) in [
            ("followers", "followers"),
            ("following", "following"),
            ("favorites", "favorites"),
            ("lists", "lists:person"),
        ] {
            set_total(m, stub, r.stream_count(&urls::stream(nick, stream))?);
        }
    } else {
        set_total(m, "likes", r.stream_count(&likes_stream(&id))?);
        set_total(m, "replies", r.stream_count(&replies_stream(&id))?);
        set_total(m, "shares", r.stream_count(&shares_stream(&id))?);
    }
    if list {
        let stream = members_stream(&id);
        let mut refs = Vec::new();
        for mid in r.stream_newest(&stream, None, 0, PREVIEW)? {
            let kind = objects::get(r, &mid)?
                .map(|o| type_of(&o).to_string())
                .unwrap_or_default();
            refs.push(json!({"id": mid, "objectType": kind}));
        }
        let url = m
            .get("members")
            .and_then(|x| x.get("url"))
            .cloned()
            .unwrap_or(json!(format!("{id}/members")));
        m.insert(
            "members".into(),
            json!({"url": url, "totalItems": r.stream_count(&stream)?, "items": refs}),
        );
    }
    if local_group {
        set_total(m, "members", r.stream_count(&group_stream(&id, "members"))?);
        set_total(
            m,
            "documents",
            r.stream_count(&group_stream(&id, "documents"))?,
        );
    }
    Ok(obj)
}

pub(crate) fn followable(obj: &Value) -> bool {
    type_of(obj) == "person"
        || obj
            .get("links")
            .and_then(|l| l.get("activity-outbox"))
            .is_some()
}

/// An object for `viewer`: author and parent expanded, counts, and per `detail` the previews
/// and the reader's decorations.
pub fn object(r: &impl Read, viewer: Viewer, obj: &Object, detail: Detail) -> Result<Value> {
    Ok(shown(r, viewer, obj, detail)?.unwrap_or_else(|| objects::reference(obj)))
}

/// The object as `object` shows it, or None when the reader may not see it (the gate).
fn shown(r: &impl Read, viewer: Viewer, obj: &Object, detail: Detail) -> Result<Option<Value>> {
    if !addressing::may_show(r, obj, viewer.id)? {
        return Ok(None);
    }
    Ok(Some(full(r, viewer, obj, detail)?))
}

fn full(r: &impl Read, viewer: Viewer, obj: &Object, detail: Detail) -> Result<Value> {
    let id = id_of(obj).unwrap_or_default().to_string();
    let mut out = counted(r, obj.clone())?;
    if objects::is_deleted(&out) {
        return Ok(out);
    }
    let is_user = obj.private.user.is_some();
    let Some(m) = out.as_object_mut() else {
        return Ok(out);
    };
    for k in ["author", "inReplyTo"] {
        if let Some(v) = m.get(k).cloned() {
            m.insert(k.into(), expand(r, viewer, &v)?);
        }
    }
    if detail.items && !is_user {
        let likers = r.stream_newest(&likes_stream(&id), None, 0, PREVIEW)?;
        if !likers.is_empty() {
            let people = likers
                .iter()
                .map(|p| expand(r, viewer, &json!({"id": p})))
                .collect::<Result<Vec<_>>>()?;
            if let Some(Value::Object(s)) = m.get_mut("likes") {
                s.insert("items".into(), Value::Array(people));
            }
        }
        let sharers = r.stream_newest(&shares_stream(&id), None, 0, PREVIEW)?;
        if !sharers.is_empty() {
            let people = sharers
                .iter()
                .map(|p| expand(r, viewer, &json!({"id": p})))
                .collect::<Result<Vec<_>>>()?;
            if let Some(Value::Object(s)) = m.get_mut("shares") {
                s.insert("items".into(), Value::Array(people));
            }
        }
        let mut replies = Vec::new();
        for rid in r.stream_newest(&replies_stream(&id), None, 0, 64)? {
            if replies.len() >= PREVIEW {
                break;
            }
            if let Some(reply) = objects::get(r, &rid)? {
                if !addressing::may_show(r, &reply, viewer.id)? {
                    r.note_hidden();
                    continue;
                }
                let mut shown = counted(r, reply)?;
                if let Some(a) = shown.get("author").cloned() {
                    shown["author"] = expand(r, viewer, &a)?;
                }
                replies.push(shown);
            }
        }
        if !replies.is_empty() {
            if let Some(Value::Object(s)) = m.get_mut("replies") {
                s.insert("items".into(), Value::Array(replies));
            }
        }
    }
    if let (true, Some(me)) = (detail.decorate, viewer.id) {
        m.insert(
            "liked".into(),
            json!(relations::exists(r, FAVORITE, me, &id)?),
        );
        let mut pio = m
            .get("pump_io")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        pio.insert(
            "shared".into(),
            json!(relations::exists(r, SHARE, me, &id)?),
        );
        if followable(obj) {
            pio.insert(
                "followed".into(),
                json!(me != id && relations::exists(r, FOLLOW, me, &id)?),
            );
        }
        m.insert("pump_io".into(), Value::Object(pio));
    }
    Ok(out)
}

/// An activity for `viewer`: every object in it expanded, bto/bcc only for the actor, and
/// `object.author` dropped from posts (the actor is the author).
pub fn activity(r: &impl Read, viewer: Viewer, act: &Activity, detail: Detail) -> Result<Value> {
    let actor_id = act.get("actor").and_then(id_of).map(String::from);
    let mut out = act.doc.clone();
    let Some(m) = out.as_object_mut() else {
        return Ok(out);
    };
    if viewer.id.is_none() || viewer.id != actor_id.as_deref() {
        m.remove("bto");
        m.remove("bcc");
    }
    if m.contains_key("deleted") {
        return Ok(out);
    }
    // Whether the object or the target is hidden from this reader: then the generated text,
    // which names them, is made again from what the reader is shown.
    let mut hidden = false;
    let target_detail = Detail {
        items: false,
        ..detail
    };
    for (k, d) in [("object", detail), ("target", target_detail)] {
        let Some(given) = m.get(k).cloned() else {
            continue;
        };
        let stored = match id_of(&given) {
            Some(id) => objects::get(r, id)?,
            None => None,
        };
        let out = match stored {
            Some(s) => shown(r, viewer, &s, d)?.unwrap_or_else(|| {
                hidden = true;
                r.note_hidden();
                objects::reference(&s)
            }),
            None => expand(r, viewer, &given)?,
        };
        m.insert(k.into(), out);
    }
    for k in [
        "actor",
        "generator",
        "provider",
        "context",
        "location",
        "source",
    ] {
        if let Some(v) = m.get(k).cloned() {
            m.insert(k.into(), expand(r, viewer, &v)?);
        }
    }
    for k in addressing::FIELDS {
        if let Some(Value::Array(a)) = m.get(k).cloned() {
            let shown = a
                .iter()
                .map(|x| expand(r, viewer, x))
                .collect::<Result<Vec<_>>>()?;
            m.insert(k.into(), Value::Array(shown));
        }
    }
    if hidden {
        let verb = m.get("verb").and_then(Value::as_str).unwrap_or("post");
        let text = content::generate(
            m.get("actor").unwrap_or(&Value::Null),
            verb,
            m.get("object").unwrap_or(&Value::Null),
            m.get("target"),
        );
        m.insert("content".into(), json!(text));
    }
    if m.get("verb").and_then(Value::as_str) == Some("post") {
        if let Some(Value::Object(o)) = m.get_mut("object") {
            // In place: the reader's decorations stay last (`prerender` relies on it).
            o.shift_remove("author");
        }
    }
    Ok(out)
}
