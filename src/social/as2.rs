//! The read-only ActivityStreams 2.0 view of AS1 documents (federation.md §9.2).
use serde_json::{json, Map, Value};

const CONTEXT: &str = "https://www.w3.org/ns/activitystreams";

const OBJECT_TYPES: &[(&str, &str)] = &[
    ("note", "Note"),
    ("image", "Image"),
    ("person", "Person"),
    ("group", "Group"),
    ("collection", "Collection"),
    ("article", "Article"),
    ("audio", "Audio"),
    ("video", "Video"),
    ("event", "Event"),
    ("place", "Place"),
    ("page", "Page"),
    ("question", "Question"),
    ("service", "Service"),
    ("application", "Application"),
    ("organization", "Organization"),
];

const VERBS: &[(&str, &str)] = &[
    ("share", "Announce"),
    ("favorite", "Like"),
    ("attach", "Add"),
    ("author", "Create"),
    ("play", "View"),
    ("watch", "View"),
    ("rsvp-yes", "Accept"),
    ("rsvp-no", "Reject"),
    ("rsvp-maybe", "TentativeAccept"),
    ("flag-as-inappropriate", "Flag"),
    ("follow", "Follow"),
    ("like", "Like"),
    ("update", "Update"),
    ("delete", "Delete"),
    ("add", "Add"),
    ("remove", "Remove"),
    ("join", "Join"),
    ("leave", "Leave"),
    ("accept", "Accept"),
    ("reject", "Reject"),
    ("invite", "Invite"),
    ("listen", "Listen"),
    ("read", "Read"),
    ("create", "Create"),
    ("block", "Block"),
    ("move", "Move"),
    ("offer", "Offer"),
    ("arrive", "Arrive"),
    ("ignore", "Ignore"),
    ("question", "Question"),
    ("travel", "Travel"),
    ("view", "View"),
];

const UNDO: &[(&str, &str)] = &[
    ("stop-following", "Follow"),
    ("unlike", "Like"),
    ("unfavorite", "Like"),
    ("unshare", "Announce"),
];

fn link(url: &Value) -> Value {
    json!({"type": "Link", "href": url, "mediaType": "text/html"})
}

/// Converts any AS1 document (collection, activity or object) and adds `@context`.
pub fn convert(v: &Value) -> Value {
    let mut out = any(v);
    if let Value::Object(m) = &mut out {
        let mut with = Map::new();
        with.insert("@context".into(), json!(CONTEXT));
        with.extend(std::mem::take(m));
        *m = with;
    }
    out
}

fn is_collection(v: &Value) -> bool {
    v.get("objectType").is_none()
        && v.get("verb").is_none()
        && (v.get("totalItems").is_some_and(Value::is_number)
            || v.get("items").is_some_and(Value::is_array))
}

fn any(v: &Value) -> Value {
    if !v.is_object() {
        return v.clone();
    }
    if is_collection(v) {
        collection(v)
    } else if v.get("verb").is_some() {
        activity(v)
    } else {
        object(v)
    }
}

fn collection(v: &Value) -> Value {
    let mut m = Map::new();
    m.insert("type".into(), json!("OrderedCollection"));
    if let Some(u) = v.get("url").or_else(|| v.get("id")) {
        m.insert("id".into(), u.clone());
    }
    if let Some(n) = v.get("displayName") {
        m.insert("name".into(), n.clone());
    }
    m.insert(
        "totalItems".into(),
        v.get("totalItems").cloned().unwrap_or(json!(0)),
    );
    let items: Vec<Value> = v
        .get("items")
        .and_then(Value::as_array)
        .map(|a| a.iter().map(any).collect())
        .unwrap_or_default();
    if !items.is_empty() {
        let href = |k: &str| {
            v.get("links")
                .and_then(|l| l.get(k))
                .and_then(|l| l.get("href"))
                .cloned()
        };
        let mut page = Map::new();
        page.insert("type".into(), json!("OrderedCollectionPage"));
        if let Some(f) = href("first").or_else(|| href("self")) {
            page.insert("id".into(), f);
        }
        page.insert("orderedItems".into(), Value::Array(items));
        for k in ["next", "prev"] {
            if let Some(h) = href(k) {
                page.insert(k.into(), h);
            }
        }
        m.insert("first".into(), Value::Object(page));
    }
    Value::Object(m)
}

fn id(v: &Value) -> Option<Value> {
    let own = v.get("id").and_then(Value::as_str);
    let local_person = v.get("objectType").and_then(Value::as_str) == Some("person")
        && v.get("links")
            .and_then(|l| l.get("activity-outbox"))
            .is_some();
    if local_person {
        if let Some(u) = v.get("url").and_then(Value::as_str) {
            return Some(json!(u));
        }
    }
    let self_href = v
        .get("links")
        .and_then(|l| l.get("self"))
        .and_then(|l| l.get("href"))
        .and_then(Value::as_str);
    match (self_href, own) {
        (Some(s), _) => Some(json!(s)),
        (None, Some(o)) => Some(json!(o)),
        _ => None,
    }
}

fn common(v: &Value, m: &mut Map<String, Value>) {
    if let Some(i) = id(v) {
        m.insert("id".into(), i);
    }
    for (from, to) in [
        ("displayName", "name"),
        ("content", "content"),
        ("summary", "summary"),
        ("published", "published"),
        ("updated", "updated"),
    ] {
        if let Some(x) = v.get(from) {
            m.insert(to.into(), x.clone());
        }
    }
    if let Some(u) = v.get("url") {
        m.insert("url".into(), link(u));
    }
}

fn object(v: &Value) -> Value {
    let mut m = Map::new();
    let t = v.get("objectType").and_then(Value::as_str).unwrap_or("");
    let kind = OBJECT_TYPES
        .iter()
        .find(|(a, _)| *a == t)
        .map(|(_, b)| *b)
        .unwrap_or("Object");
    m.insert("type".into(), json!(kind));
    common(v, &mut m);
    let links = v.get("links");
    for (rel, to) in [("activity-inbox", "inbox"), ("activity-outbox", "outbox")] {
        if let Some(h) = links.and_then(|l| l.get(rel)).and_then(|l| l.get("href")) {
            m.insert(to.into(), h.clone());
        }
    }
    for (from, to) in [
        ("followers", "followers"),
        ("following", "following"),
        ("favorites", "liked"),
    ] {
        if let Some(u) = v.get(from).and_then(|f| f.get("url")) {
            m.insert(to.into(), u.clone());
        }
    }
    if let Some(a) = v.get("author") {
        m.insert("attributedTo".into(), any(a));
    }
    for k in [
        "image",
        "inReplyTo",
        "likes",
        "replies",
        "shares",
        "location",
    ] {
        if let Some(x) = v.get(k) {
            m.insert(
                k.into(),
                if x.get("url").is_some()
                    && x.get("objectType").is_none()
                    && x.get("totalItems").is_none()
                {
                    x.clone()
                } else {
                    any(x)
                },
            );
        }
    }
    Value::Object(m)
}

fn activity(v: &Value) -> Value {
    let verb = v.get("verb").and_then(Value::as_str).unwrap_or("post");
    let mut m = Map::new();
    if let Some((_, inner)) = UNDO.iter().find(|(a, _)| *a == verb) {
        let mut nested = Map::new();
        nested.insert("type".into(), json!(inner));
        for k in ["actor", "object", "target"] {
            if let Some(x) = v.get(k) {
                nested.insert(k.into(), any(x));
            }
        }
        m.insert("type".into(), json!("Undo"));
        common(v, &mut m);
        m.remove("content");
        if let Some(c) = v.get("content") {
            m.insert("summary".into(), c.clone());
        }
        if let Some(a) = v.get("actor") {
            m.insert("actor".into(), any(a));
        }
        m.insert("object".into(), Value::Object(nested));
        addresses(v, &mut m);
        return Value::Object(m);
    }
    let kind = match verb {
        "post" | "submit" if v.get("target").is_some() => "Add".to_string(),
        "post" | "submit" => "Create".to_string(),
        _ => VERBS
            .iter()
            .find(|(a, _)| *a == verb)
            .map(|(_, b)| b.to_string())
            .unwrap_or_else(|| "Activity".into()),
    };
    m.insert("type".into(), json!(kind));
    common(v, &mut m);
    m.remove("content");
    m.remove("name");
    if let Some(n) = v.get("displayName").or_else(|| v.get("title")) {
        m.insert("name".into(), n.clone());
    }
    if let Some(c) = v.get("content") {
        m.insert("summary".into(), c.clone());
    }
    for k in super::sanitize::ACTIVITY_OBJECTS.iter().chain(&["icon"]) {
        if let Some(x) = v.get(*k) {
            m.insert(k.to_string(), any(x));
        }
    }
    addresses(v, &mut m);
    Value::Object(m)
}

fn addresses(v: &Value, m: &mut Map<String, Value>) {
    for k in super::addressing::FIELDS {
        if let Some(a) = v.get(k).and_then(Value::as_array) {
            m.insert(k.into(), Value::Array(a.iter().map(any).collect()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::convert;
    use serde_json::json;

    #[test]
    fn person_note_and_collections() {
        let p = json!({"objectType": "person", "id": "http://h/api/user/a/profile", "displayName": "a", "url": "http://h/a",
            "links": {"self": {"href": "http://h/api/user/a/profile"}, "activity-inbox": {"href": "http://h/api/user/a/inbox"},
            "activity-outbox": {"href": "http://h/api/user/a/feed"}}, "followers": {"url": "http://h/api/user/a/followers"},
            "favorites": {"url": "http://h/api/user/a/favorites"}});
        let a = convert(&p);
        assert_eq!(a["@context"], "https://www.w3.org/ns/activitystreams");
        assert_eq!(
            (a["type"].as_str(), a["id"].as_str()),
            (Some("Person"), Some("http://h/a"))
        );
        assert_eq!(a["outbox"], "http://h/api/user/a/feed");
        assert_eq!(a["liked"], "http://h/api/user/a/favorites");
        assert_eq!(a["url"]["type"], "Link");
        let act = convert(
            &json!({"verb": "unfavorite", "actor": p, "object": {"objectType": "note", "id": "http://h/api/note/x", "author": p}}),
        );
        assert_eq!(act["type"], "Undo");
        assert_eq!(act["object"]["type"], "Like");
        assert_eq!(act["object"]["object"]["attributedTo"]["id"], "http://h/a");
        let empty = convert(&json!({"url": "http://h/f", "totalItems": 0, "items": []}));
        assert_eq!(empty["type"], "OrderedCollection");
        assert!(empty.get("first").is_none());
        let full = convert(
            &json!({"url": "http://h/f", "totalItems": 1, "items": [{"verb": "post", "object": {"objectType": "note"}}],
            "links": {"first": {"href": "http://h/f"}}}),
        );
        assert_eq!(full["first"]["orderedItems"][0]["type"], "Create");
        assert_eq!(full["first"]["orderedItems"][0]["object"]["type"], "Note");
    }
}
