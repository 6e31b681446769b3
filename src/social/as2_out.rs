//! Our activities as ActivityPub servers read them (deliveries and AS2 reads of outboxes):
//! the AS2 view of federation.md §9.2, with references by id, our actors' ids instead of our
//! person ids, `as:Public`, no blind copies, and the object carrying the activity's audience.
use super::{actor, as2, urls};
use crate::config::Config;
use serde_json::{json, Map, Value};

pub const PUBLIC: &str = "https://www.w3.org/ns/activitystreams#Public";

/// Types whose object is sent whole; every other activity names its object by id.
const WHOLE: &[&str] = &["Create", "Update"];

/// An id as ActivityPub servers know it.
pub fn ap_id(cfg: &Config, id: &str) -> String {
    if id == urls::PUBLIC {
        return PUBLIC.into();
    }
    match urls::nick_of_person_id(cfg, id) {
        Some(nick) => actor::id(cfg, &nick),
        None => id.to_string(),
    }
}

fn ref_id(cfg: &Config, v: &Value) -> Option<Value> {
    let id = v.as_str().or_else(|| v.get("id").and_then(Value::as_str))?;
    Some(json!(ap_id(cfg, id)))
}

/// The audience of an AS1 document as AS2 ids (`to`, `cc`; blind copies are never sent).
fn audience(cfg: &Config, as1: &Value) -> Map<String, Value> {
    let mut m = Map::new();
    for k in ["to", "cc"] {
        if let Some(a) = as1.get(k).and_then(Value::as_array) {
            let ids: Vec<Value> = a.iter().filter_map(|x| ref_id(cfg, x)).collect();
            m.insert(k.into(), Value::Array(ids));
        }
    }
    m
}

/// An activity rendered in AS1 (as its recipient may see it), for ActivityPub.
pub fn activity(cfg: &Config, as1: &Value) -> Value {
    let mut out = Map::new();
    out.insert("@context".into(), json!(actor::CONTEXT));
    let converted = as2::convert(as1);
    let kind = converted
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("Activity")
        .to_string();
    out.insert("id".into(), as1.get("id").cloned().unwrap_or(Value::Null));
    out.insert("type".into(), json!(kind));
    if let Some(a) = as1.get("actor").and_then(|a| ref_id(cfg, a)) {
        out.insert("actor".into(), a);
    }
    for k in ["published", "updated"] {
        if let Some(v) = as1.get(k) {
            out.insert(k.into(), v.clone());
        }
    }
    let aud = audience(cfg, as1);
    out.extend(aud.clone());
    let object = as1.get("object").cloned().unwrap_or(Value::Null);
    let obj = if kind == "Undo" {
        let inner = converted.get("object").and_then(|o| o.get("type")).cloned();
        json!({"type": inner, "actor": out.get("actor"), "object": ref_id(cfg, &object)})
    } else if WHOLE.contains(&kind.as_str()) && object.get("objectType").is_some() {
        let mut whole = self::object(cfg, &object, &aud);
        // The object of an activity is rendered without the author its actor already is.
        if let (Some(m), Some(a)) = (whole.as_object_mut(), out.get("actor")) {
            if m.get("type") != Some(&json!("Person")) {
                m.entry("attributedTo").or_insert(a.clone());
            }
        }
        whole
    } else {
        ref_id(cfg, &object).unwrap_or(Value::Null)
    };
    out.insert("object".into(), obj);
    if let Some(t) = as1.get("target").and_then(|t| ref_id(cfg, t)) {
        out.insert("target".into(), t);
    }
    Value::Object(out)
}

/// An AS1 object for ActivityPub, with the audience of the activity that carries it.
pub fn object(cfg: &Config, as1: &Value, aud: &Map<String, Value>) -> Value {
    if as1.get("objectType").and_then(Value::as_str) == Some("person") {
        return person_ref(cfg, as1);
    }
    let converted = as2::convert(as1);
    let mut m = Map::new();
    let mut kind = converted
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("Note")
        .to_string();
    // A comment, and any type ActivityPub servers would not show, goes as a note.
    if kind == "Object" {
        kind = "Note".into();
    }
    // Mastodon shows a picture as a note with an attachment, and more pictures attached to
    // it (or to a note) as more attachments.
    let mut pictures = Vec::new();
    if kind == "Image" {
        kind = "Note".into();
        pictures.extend(picture(as1));
    }
    let attached = as1.get("attachments").and_then(Value::as_array);
    let images = attached.into_iter().flatten();
    pictures.extend(
        images
            .filter(|a| a["objectType"] == "image")
            .filter_map(picture),
    );
    if !pictures.is_empty() {
        m.insert("attachment".into(), Value::Array(pictures));
    }
    m.insert("id".into(), as1.get("id").cloned().unwrap_or(Value::Null));
    m.insert("type".into(), json!(kind));
    for k in ["name", "content", "summary", "published", "updated"] {
        if let Some(v) = converted.get(k) {
            m.insert(k.into(), v.clone());
        }
    }
    if !m.contains_key("content") {
        if let Some(n) = converted.get("name") {
            m.insert("content".into(), n.clone());
        }
    }
    if as1.get("sensitive") == Some(&json!(true)) || as1.get("summary").is_some() {
        m.insert("sensitive".into(), json!(true));
    }
    if let Some(u) = as1.get("url").and_then(Value::as_str) {
        m.insert("url".into(), json!(u));
    }
    if let Some(a) = as1.get("author").and_then(|a| ref_id(cfg, a)) {
        m.insert("attributedTo".into(), a);
    }
    if let Some(r) = as1.get("inReplyTo").and_then(|r| ref_id(cfg, r)) {
        m.insert("inReplyTo".into(), r);
    }
    m.extend(aud.clone());
    let mut tags = mentions(aud);
    for t in super::tags::of_object(as1) {
        let href = format!("{}/main/tag/{}", cfg.base(), crate::util::enc::pct(&t));
        tags.push(json!({"type": "Hashtag", "href": href, "name": format!("#{t}")}));
    }
    if !tags.is_empty() {
        m.insert("tag".into(), Value::Array(tags));
    }
    Value::Object(m)
}

/// A Mention for each person in the audience (Mastodon reads a note to persons only as a
/// direct message when they are mentioned).
fn mentions(aud: &Map<String, Value>) -> Vec<Value> {
    aud.values()
        .filter_map(Value::as_array)
        .flatten()
        .filter_map(Value::as_str)
        .filter(|id| *id != PUBLIC && !id.ends_with("/followers"))
        .map(|id| json!({"type": "Mention", "href": id}))
        .collect()
}

fn person_ref(cfg: &Config, as1: &Value) -> Value {
    ref_id(cfg, as1).unwrap_or(Value::Null)
}

/// A picture's full image as an attachment.
fn picture(as1: &Value) -> Option<Value> {
    let url = as1
        .get("fullImage")
        .and_then(|i| i.get("url"))
        .or_else(|| as1.get("image").and_then(|i| i.get("url")))
        .and_then(Value::as_str)?;
    let ext = url.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
    let media = match ext.as_str() {
        "png" => "image/png",
        "gif" => "image/gif",
        "webp" => "image/webp",
        _ => "image/jpeg",
    };
    // Mastodon reads an attachment's `name` as its alt text.
    let name = as1
        .get("alt")
        .or_else(|| as1.get("displayName"))
        .cloned()
        .unwrap_or(json!(""));
    Some(json!({"type": "Document", "mediaType": media, "url": url, "name": name}))
}

/// An object on its own (a read by an ActivityPub server), with the audience of the activity
/// that created it, and its author.
pub fn standalone(cfg: &Config, as1: &Value, created_by: Option<&Value>) -> Value {
    let aud = created_by.map(|a| audience(cfg, a)).unwrap_or_default();
    let mut doc = object(cfg, as1, &aud);
    if let Some(m) = doc.as_object_mut() {
        let mut with = Map::new();
        with.insert("@context".into(), json!(actor::CONTEXT));
        if let Some(a) = created_by
            .and_then(|c| c.get("actor"))
            .and_then(|a| ref_id(cfg, a))
        {
            m.entry("attributedTo").or_insert(a);
        }
        with.extend(std::mem::take(m));
        *m = with;
    }
    doc
}
