//! HTML scrubbing of client-supplied activities and objects (activities.md §10), with ammonia's
//! allow-list: scripts, event handlers, `javascript:` URLs, frames and forms go; ordinary
//! formatting stays. `displayName` is plain text and is escaped wherever it is rendered.
use serde_json::{Map, Value};

/// Properties of an activity that hold objects, each scrubbed as an object.
pub const ACTIVITY_OBJECTS: &[&str] = &[
    "actor",
    "object",
    "target",
    "generator",
    "provider",
    "context",
    "location",
    "source",
];

pub fn html(s: &str) -> String {
    ammonia::clean(s)
}

fn scrub_field(m: &mut Map<String, Value>, k: &str) {
    if let Some(Value::String(s)) = m.get(k) {
        let clean = html(s);
        m.insert(k.to_string(), Value::String(clean));
    }
}

/// Names a client may not use (activities.md §3.7): the original kept its private fields
/// under them. Dropping them from input here, at any depth, is what keeps them out of every
/// stored document and so out of all output; private fields themselves are typed
/// (`records.rs`) and never sit in a document.
pub fn reserved(key: &str) -> bool {
    key.starts_with('_')
}

/// Drops reserved names from `v` at any depth; whether there were any.
pub fn drop_reserved(v: &mut Value) -> bool {
    match v {
        Value::Object(m) => {
            let before = m.len();
            m.retain(|k, _| !reserved(k));
            let dropped = m.len() != before;
            m.values_mut().fold(dropped, |d, v| drop_reserved(v) | d)
        }
        Value::Array(a) => a.iter_mut().fold(false, |d, v| drop_reserved(v) | d),
        _ => false,
    }
}

/// What a client may never set: reserved names, and `deleted` (only a delete makes a
/// tombstone, and a tombstone passes every visibility check).
fn drop_private(m: &mut Map<String, Value>) {
    m.retain(|k, _| !reserved(k) && k != "deleted");
}

/// Scrubs an object: `content`, `summary`, and the objects inside it.
pub fn object(v: &mut Value) {
    let Value::Object(m) = v else { return };
    drop_private(m);
    scrub_field(m, "content");
    scrub_field(m, "summary");
    for k in ["author", "location", "inReplyTo"] {
        if let Some(o) = m.get_mut(k) {
            object(o);
        }
    }
    for k in ["attachments", "tags"] {
        if let Some(Value::Array(a)) = m.get_mut(k) {
            a.iter_mut().for_each(object);
        }
    }
}

/// Scrubs an activity and every object and address in it.
pub fn activity(v: &mut Value) {
    drop_reserved(v);
    let Value::Object(m) = v else { return };
    drop_private(m);
    scrub_field(m, "content");
    for k in ACTIVITY_OBJECTS {
        if let Some(o) = m.get_mut(*k) {
            object(o);
        }
    }
    for k in super::addressing::FIELDS.iter() {
        if let Some(Value::Array(a)) = m.get_mut(*k) {
            a.iter_mut().for_each(object);
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn keeps_formatting_and_removes_active_content() {
        let mut a = json!({
            "content": "<script>alert(1)</script>hi",
            "_secret": 1,
            "generator": {"displayName": "x", "links": {"_deep": {"_deeper": 1}}},
            "object": {"content": "I <strong>really</strong> like weed.",
                       "summary": "<img src=x onerror=alert(1)><a href=\"javascript:alert(1)\">x</a>",
                       "author": {"summary": "<iframe src=//evil></iframe>ok"},
                       "attachments": [{"content": "<form><input></form>"}]},
            "to": [{"summary": "<svg onload=alert(1)>"}]
        });
        super::activity(&mut a);
        assert_eq!(a["content"], "hi");
        assert!(a.get("_secret").is_none());
        assert_eq!(
            a["generator"]["links"],
            json!({}),
            "reserved names go at any depth"
        );
        assert_eq!(
            a["object"]["content"],
            "I <strong>really</strong> like weed."
        );
        let s = a.to_string();
        for bad in [
            "<script",
            "onerror",
            "javascript:",
            "<iframe",
            "<form",
            "onload",
        ] {
            assert!(!s.contains(bad), "{bad} survived: {s}");
        }
    }
}
