//! Activity objects: their ids and generated properties (activities.md §3.1), storing and
//! finding them, ensure-object (§3.5) and tombstones (§3.8).
use super::urls;
use crate::config::Config;
use crate::error::{Error, Result};
use crate::store::{self, Read, W};
use crate::util::enc::pct;
use crate::util::{rand, time::now_iso};
use serde_json::{json, Map, Value};

pub use crate::records::Object;

/// The object types with their own URL segment (§2.1); anything else is `other`.
pub const TYPES: &[&str] = &[
    "alert",
    "application",
    "article",
    "audio",
    "badge",
    "binary",
    "bookmark",
    "collection",
    "comment",
    "device",
    "event",
    "file",
    "game",
    "group",
    "image",
    "issue",
    "job",
    "note",
    "offer",
    "organization",
    "page",
    "person",
    "place",
    "process",
    "product",
    "question",
    "review",
    "service",
    "task",
    "video",
];

/// The URL segment of an objectType.
pub fn segment(object_type: &str) -> &str {
    TYPES
        .iter()
        .find(|t| **t == object_type)
        .copied()
        .unwrap_or("other")
}

pub fn id_of(v: &Value) -> Option<&str> {
    v.get("id").and_then(Value::as_str)
}

pub fn type_of(v: &Value) -> &str {
    v.get("objectType").and_then(Value::as_str).unwrap_or("")
}

/// An `{id, objectType}` reference to an object.
pub fn reference(obj: &Value) -> Value {
    json!({"id": obj.get("id").cloned().unwrap_or(Value::Null), "objectType": obj.get("objectType").cloned().unwrap_or(Value::Null)})
}

fn set_default(m: &mut Map<String, Value>, k: &str, v: Value) {
    if !m.contains_key(k) {
        m.insert(k.to_string(), v);
    }
}

/// Fills the generated properties of a new local object: id, links, sub-collection URLs,
/// timestamps and, for a local author, the HTML `url`. Lists and groups get their feeds.
pub fn new_local(
    cfg: &Config,
    object_type: &str,
    author_nick: Option<&str>,
    mut m: Map<String, Value>,
) -> Object {
    let uuid = rand::uuid();
    let base = cfg.base();
    let seg = segment(object_type);
    let id = format!("{base}/api/{seg}/{uuid}");
    let now = now_iso();
    m.insert("objectType".into(), json!(object_type));
    m.insert("id".into(), json!(id));
    m.insert("links".into(), json!({"self": {"href": id}}));
    for sub in ["likes", "replies", "shares"] {
        set_default(&mut m, sub, json!({"url": format!("{id}/{sub}")}));
    }
    set_default(&mut m, "published", json!(now));
    m.insert("updated".into(), json!(now));
    if let Some(nick) = author_nick {
        let url = if object_type == "collection" {
            format!("{base}/{nick}/list/{uuid}")
        } else {
            format!("{base}/{nick}/{seg}/{uuid}")
        };
        set_default(&mut m, "url", json!(url));
        if object_type == "collection" {
            m.insert("members".into(), json!({"url": format!("{id}/members")}));
        }
        if object_type == "group" {
            m.insert("members".into(), json!({"url": format!("{id}/members")}));
            m.insert(
                "documents".into(),
                json!({"url": format!("{id}/documents")}),
            );
            m.insert(
                "links".into(),
                json!({"self": {"href": id}, "activity-inbox": {"href": format!("{id}/inbox")}}),
            );
        }
    }
    let mut obj = Object::new(Value::Object(m));
    obj.private.uuid = Some(uuid);
    obj
}

/// Fills the generated properties of an object that arrived with its own (foreign) id.
pub fn new_foreign(cfg: &Config, mut m: Map<String, Value>, local_author: bool) -> Object {
    let now = now_iso();
    if m.get("links").and_then(|l| l.get("self")).is_none() {
        let id = m
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let seg = segment(m.get("objectType").and_then(Value::as_str).unwrap_or("")).to_string();
        let base = format!("{}/api/{seg}", cfg.base());
        let enc = pct(&id);
        let mut links = m
            .get("links")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        links.insert("self".into(), json!({"href": format!("{base}?id={enc}")}));
        for sub in ["likes", "replies", "shares"] {
            set_default(
                &mut m,
                sub,
                json!({"url": format!("{base}/{sub}?id={enc}")}),
            );
        }
        if seg == "group" && local_author {
            m.insert(
                "members".into(),
                json!({"url": format!("{base}/members?id={enc}")}),
            );
            m.insert(
                "documents".into(),
                json!({"url": format!("{base}/documents?id={enc}")}),
            );
            links.insert(
                "activity-inbox".into(),
                json!({"href": format!("{base}/inbox?id={enc}")}),
            );
        }
        m.insert("links".into(), Value::Object(links));
        set_default(&mut m, "published", json!(now));
        set_default(&mut m, "updated", json!(now));
    }
    Object::new(Value::Object(m))
}

/// Stores an object under its id (and its uuid, for `/api/<type>/<uuid>`).
pub fn put(w: &W, obj: &Object) -> Result<()> {
    store::objects::put(w, obj, segment(type_of(obj)))
}

pub fn get(r: &impl Read, id: &str) -> Result<Option<Object>> {
    store::objects::get(r, id)
}

/// The stored copy of an object the client named by id (None for new or unknown objects).
pub fn stored_for(r: &impl Read, given: Option<&Value>) -> Result<Option<Object>> {
    match given.and_then(id_of) {
        Some(id) => get(r, id),
        None => Ok(None),
    }
}

/// The object behind `/api/<segment>/<uuid>`.
pub fn by_uuid(r: &impl Read, seg: &str, uuid: &str) -> Result<Option<Object>> {
    store::objects::by_uuid(r, seg, uuid)
}

/// Whether `id` is on this server (its host is ours).
pub fn is_local_id(cfg: &Config, id: &str) -> bool {
    // The host as a URL parser reads it (userinfo and all), whatever the port.
    if id.starts_with("http://") || id.starts_with("https://") {
        if plainly_ours(&cfg.hostname, id) {
            return true;
        }
        return url::Url::parse(id)
            .ok()
            .and_then(|u| u.host_str().map(|h| h.eq_ignore_ascii_case(&cfg.hostname)))
            .unwrap_or(false);
    }
    if let Some(rest) = id.strip_prefix("acct:") {
        return rest.rsplit_once('@').is_some_and(|(_, h)| {
            let host = h.rsplit_once(':').map_or(h, |(name, _)| name);
            host.eq_ignore_ascii_case(&cfg.hostname)
        });
    }
    false
}

/// `http(s)://<hostname>[:port]/…` with nothing a parser could read another way: what the
/// parse would say, without it (a page checks every id it shows).
fn plainly_ours(hostname: &str, id: &str) -> bool {
    let rest = id
        .strip_prefix("http://")
        .or_else(|| id.strip_prefix("https://"))
        .and_then(|r| r.strip_prefix(hostname));
    let Some(rest) = rest else { return false };
    if rest.starts_with('/') {
        return true;
    }
    let Some((port, _)) = rest.strip_prefix(':').and_then(|p| p.split_once('/')) else {
        return false;
    };
    // Digits only: `parse` alone would take a leading '+'.
    port.bytes().all(|b| b.is_ascii_digit()) && port.parse::<u16>().is_ok()
}

/// Finds the stored object for `given`, or stores it (§3.5). An object without an id is created
/// as a new local object. A richer copy of a remote object updates a bare stored reference.
pub fn ensure(w: &W, cfg: &Config, given: &Value) -> Result<Object> {
    let Value::Object(m) = given else {
        return Err(Error::bad("Expected an object"));
    };
    if type_of(given).is_empty() {
        return Err(Error::bad("Object has no objectType"));
    }
    let Some(id) = id_of(given) else {
        let obj = new_local(cfg, type_of(given), None, m.clone());
        put(w, &obj)?;
        return Ok(obj);
    };
    if let Some(mut stored) = get(w, id)? {
        if !is_local_id(cfg, id) && richer(&stored, given) {
            if let (Some(s), Some(g)) = (stored.as_object_mut(), given.as_object()) {
                // Whether it is gone is not a client's to say, nor who wrote it once known.
                let kept = [
                    "id",
                    "objectType",
                    "links",
                    "likes",
                    "replies",
                    "shares",
                    "deleted",
                ];
                let authored = s.contains_key("author");
                for (k, v) in g {
                    let fixed = kept.contains(&k.as_str()) || (k == "author" && authored);
                    if !fixed {
                        s.insert(k.clone(), v.clone());
                    }
                }
            }
            // The content is now this activity's: its audience decides (mark_carried).
            stored.private.carried_by = None;
            put(w, &stored)?;
        }
        return Ok(stored);
    }
    let obj = new_foreign(cfg, m.clone(), false);
    put(w, &obj)?;
    Ok(obj)
}

/// Whether the stored copy of a remote object lacks what delivery and display need (its
/// inbox or its `self` link): then federation looks it up.
pub fn needs_lookup(stored: Option<&Value>) -> bool {
    stored.is_none_or(|o| {
        own_inbox(o).is_none()
            && o.get("links")
                .and_then(|l| l.get("self"))
                .and_then(|l| l.get("href"))
                .and_then(Value::as_str)
                .is_none_or(|s| {
                    urls::host_of(s) != o.get("id").and_then(Value::as_str).and_then(urls::host_of)
                })
    })
}

/// A remote object's `activity-inbox`, when it is on the object's own host.
pub fn own_inbox(o: &Value) -> Option<&str> {
    let id = o.get("id").and_then(Value::as_str)?;
    o.pointer("/links/activity-inbox/href")
        .and_then(Value::as_str)
        .filter(|i| urls::host_of(i).is_some() && urls::host_of(i) == urls::host_of(id))
}

/// Takes what another server says of one of its objects (federation.md §7): its own fields
/// and links over the stored copy, which keeps its id, type and what our streams count.
pub fn refresh_remote(w: &W, cfg: &Config, fetched: &Map<String, Value>) -> Result<()> {
    let Some(id) = fetched.get("id").and_then(Value::as_str) else {
        return Ok(());
    };
    if is_local_id(cfg, id) {
        return Ok(());
    }
    let mut stored = match get(w, id)? {
        // An older copy than ours changes nothing (§7).
        Some(s) if older(fetched, &s) => return Ok(()),
        Some(s) => s,
        None => new_foreign(cfg, fetched.clone(), false),
    };
    if let Some(s) = stored.as_object_mut() {
        for (k, v) in fetched {
            if !["id", "objectType", "deleted"].contains(&k.as_str()) {
                s.insert(k.clone(), v.clone());
            }
        }
    }
    put(w, &stored)
}

/// Whether `fetched` says it was updated before the stored copy was.
fn older(fetched: &Map<String, Value>, stored: &Value) -> bool {
    let time = |v: Option<&Value>| v.and_then(Value::as_str).map(String::from);
    match (time(fetched.get("updated")), time(stored.get("updated"))) {
        (Some(f), Some(s)) => f < s,
        _ => false,
    }
}

/// A reference and nothing more: no content of anybody's.
pub fn is_bare(v: &Value) -> bool {
    v.as_object().is_some_and(|m| {
        m.keys().all(|k| {
            [
                "id",
                "objectType",
                "updated",
                "published",
                "links",
                "likes",
                "replies",
                "shares",
            ]
            .contains(&k.as_str())
        })
    })
}

/// The incoming copy carries more than a reference, and the stored one is bare or older.
fn richer(stored: &Value, given: &Value) -> bool {
    let bare = is_bare;
    if bare(given) {
        return false;
    }
    let newer = match (
        given.get("updated").and_then(Value::as_str),
        stored.get("updated").and_then(Value::as_str),
    ) {
        (Some(g), Some(s)) => g > s,
        _ => false,
    };
    bare(stored) || newer
}

/// A list (§6.4): a collection by a local user with a name and exactly one objectType.
pub fn is_list(obj: &Object) -> bool {
    type_of(obj) == "collection" && obj.private.list
}

/// The single objectType a list holds.
pub fn list_type(obj: &Value) -> Option<&str> {
    match obj
        .get("objectTypes")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
    {
        Some([Value::String(t)]) => Some(t),
        _ => None,
    }
}

/// A group whose author is a local user (it has our feeds).
pub fn is_local_group(obj: &Object) -> bool {
    type_of(obj) == "group" && obj.private.local_group
}

pub fn is_deleted(obj: &Value) -> bool {
    obj.get("deleted").is_some()
}

/// What a tombstone keeps of the object's document (and of what is private, its uuid and
/// the activity that posted it).
const TOMBSTONE: &[&str] = &["id", "objectType", "author", "published", "inReplyTo"];

fn keep(obj: &Value, keys: &[&str]) -> Map<String, Value> {
    let mut t = Map::new();
    if let Some(m) = obj.as_object() {
        for k in keys {
            if let Some(v) = m.get(*k) {
                t.insert((*k).into(), v.clone());
            }
        }
    }
    t
}

/// What remains of a deleted object (§3.8).
pub fn tombstone(obj: &Object) -> Object {
    let now = now_iso();
    let mut t = keep(obj, TOMBSTONE);
    t.insert("updated".into(), json!(now));
    t.insert("deleted".into(), json!(now));
    let mut tomb = Object::new(Value::Object(t));
    tomb.private.uuid = obj.private.uuid.clone();
    tomb.private.created_by = obj.private.created_by.clone();
    tomb
}

/// A stored tombstone as readers see it: only what a tombstone keeps (a store written before
/// client-sent `deleted` keys were dropped may hold more).
pub fn tombstone_view(obj: &Value) -> Value {
    let mut t = keep(obj, TOMBSTONE);
    for k in ["updated", "deleted"] {
        if let Some(v) = obj.get(k) {
            t.insert(k.into(), v.clone());
        }
    }
    Value::Object(t)
}

/// The local user's nickname behind a person id, if the user exists.
pub fn local_nick(r: &impl Read, cfg: &Config, id: &str) -> Result<Option<String>> {
    let Some(nick) = urls::nick_of_person_id(cfg, id) else {
        return Ok(None);
    };
    Ok(store::users::exists(r, &nick)?.then_some(nick))
}

#[cfg(test)]
mod tests {
    use super::plainly_ours;

    /// The shortcut says yes only where the URL parser reads our host.
    #[test]
    fn the_shortcut_agrees_with_the_parser() {
        let host = "example.org";
        for id in [
            "http://example.org/api/note/x",
            "https://example.org:8443/api/note/x",
            "http://example.org:99999/x",
            "http://example.org:/x",
            "http://example.org@evil.test/x",
            "http://example.org:80@evil.test/x",
            "http://example.org.evil.test/x",
            "http://example.orgx/x",
            "http://evil.test/example.org/x",
            "http://example.org",
        ] {
            let parsed = url::Url::parse(id)
                .ok()
                .and_then(|u| u.host_str().map(|h| h == host))
                .unwrap_or(false);
            if plainly_ours(host, id) {
                assert!(parsed, "{id}");
            }
        }
        assert!(plainly_ours(host, "http://example.org/api/note/x"));
        assert!(plainly_ours(host, "https://example.org:8443/x"));
        assert!(!plainly_ours(host, "http://example.org:99999/x"));
        assert!(!plainly_ours(host, "http://example.org@evil.test/x"));
        assert!(!plainly_ours(host, "http://example.org:80@evil.test/x"));
    }
}
