//! What ActivityPub servers send, in AS1 terms (the other direction of federation.md §9.2):
//! activities become the AS1 activities the pump.io inbox already checks and applies, actors
//! become remote persons. Pure: no store, no network.
use super::actor;
use super::urls::PUBLIC;
use crate::config::Config;
use crate::store::ap::ApActor;
use serde_json::{json, Map, Value};

/// The ways ActivityPub names the public collection.
const PUBLICS: &[&str] = &[
    "https://www.w3.org/ns/activitystreams#Public",
    "as:Public",
    "Public",
];

const TYPES: &[(&str, &str)] = &[
    ("Note", "note"),
    ("Article", "article"),
    ("Image", "image"),
    ("Video", "video"),
    ("Audio", "audio"),
    ("Question", "question"),
    ("Page", "page"),
    ("Event", "event"),
    ("Place", "place"),
    ("Person", "person"),
    ("Group", "group"),
    ("Service", "service"),
    ("Application", "application"),
    ("Organization", "organization"),
    ("Collection", "collection"),
    ("OrderedCollection", "collection"),
];

/// What an incoming activity asks of us.
#[derive(Clone, Debug, PartialEq)]
pub enum Incoming {
    /// An AS1 activity for the pump.io inbox. `undoes` names the activity an Undo gave only by
    /// id, whose verb the stored copy tells.
    Activity { as1: Value, undoes: Option<String> },
    /// Our follow (by id, or the followed actor when the id is not ours) was accepted.
    Accepted { follow: Option<String> },
    /// Our follow of the sender was refused; the follower, as the Reject names it.
    Rejected { follower: Option<String> },
    /// Understood and nothing to do (Add, Remove, Block, Flag, …), with the reason.
    Ignored(String),
    /// The sender changed its own actor document (Update of itself): fetch it again.
    ActorChanged,
    /// The sender's account is gone (Delete of itself): forget its follows.
    ActorGone,
}

/// The id a reference gives: a string, or an object's `id`.
pub fn id_of(v: &Value) -> Option<&str> {
    v.as_str().or_else(|| v.get("id").and_then(Value::as_str))
}

fn kind(v: &Value) -> &str {
    match v.get("type") {
        Some(Value::String(s)) => s,
        Some(Value::Array(a)) => a.iter().find_map(Value::as_str).unwrap_or(""),
        _ => "",
    }
}

/// An AS2 id as we store it: our actors' ids become our person ids, the public collection
/// pump.io's.
pub fn local_id(cfg: &Config, id: &str) -> String {
    if PUBLICS.contains(&id) {
        return PUBLIC.to_string();
    }
    match actor::nick_of(cfg, id) {
        Some(nick) => super::urls::person_id(cfg, &nick),
        None => id.to_string(),
    }
}

/// `to`, `cc`, `bto`, `bcc` (and mentions, which go to `cc`) as AS1 addresses.
fn addresses(cfg: &Config, doc: &Value, followers: Option<&str>, out: &mut Map<String, Value>) {
    for k in super::addressing::FIELDS {
        let list = match doc.get(k) {
            Some(Value::Array(a)) => a.iter().collect::<Vec<_>>(),
            Some(v) => vec![v],
            None => Vec::new(),
        };
        let mut refs: Vec<Value> = list
            .into_iter()
            .filter_map(id_of)
            .map(|id| address(cfg, id, followers))
            .collect();
        if k == "cc" {
            for m in mentions(doc) {
                let a = address(cfg, m, followers);
                if !refs.contains(&a) {
                    refs.push(a);
                }
            }
        }
        if !refs.is_empty() {
            out.insert(k.into(), Value::Array(refs));
        }
    }
}

fn address(cfg: &Config, id: &str, followers: Option<&str>) -> Value {
    let id = local_id(cfg, id);
    let collection = id == PUBLIC || Some(id.as_str()) == followers || id.ends_with("/followers");
    json!({"id": id, "objectType": if collection { "collection" } else { "person" }})
}

/// The actors a document's `tag` mentions.
fn mentions(doc: &Value) -> Vec<&str> {
    let tags = match doc.get("tag") {
        Some(Value::Array(a)) => a.iter().collect(),
        Some(t) => vec![t],
        None => Vec::new(),
    };
    tags.into_iter()
        .filter(|t| kind(t) == "Mention")
        .filter_map(|t| t.get("href").and_then(Value::as_str))
        .collect()
}

fn href(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Array(a) => a.iter().find_map(href),
        Value::Object(_) => v.get("href").or_else(|| v.get("url")).and_then(href),
        _ => None,
    }
}

/// An AS2 object (Note, Article, …) in AS1 terms; `None` without an id.
pub fn object(cfg: &Config, doc: &Value, followers: Option<&str>) -> Option<Value> {
    let id = id_of(doc)?;
    let t = kind(doc);
    let mut as1_type = TYPES
        .iter()
        .find(|(a, _)| *a == t)
        .map_or("note", |(_, b)| *b);
    // A reply is what pump.io calls a comment.
    if as1_type == "note" && doc.get("inReplyTo").and_then(id_of).is_some() {
        as1_type = "comment";
    }
    let mut m = Map::new();
    m.insert("id".into(), json!(local_id(cfg, id)));
    m.insert("objectType".into(), json!(as1_type));
    for (from, to) in [
        ("content", "content"),
        ("name", "displayName"),
        ("published", "published"),
        ("updated", "updated"),
    ] {
        if let Some(v) = doc.get(from).filter(|v| v.is_string()) {
            m.insert(to.into(), v.clone());
        }
    }
    // Mastodon's content warning is `summary` with `sensitive`.
    if let Some(s) = doc.get("summary").filter(|v| v.is_string()) {
        m.insert("summary".into(), s.clone());
    }
    if doc.get("sensitive") == Some(&json!(true)) {
        m.insert("sensitive".into(), json!(true));
    }
    if let Some(u) = doc.get("url").and_then(href) {
        m.insert("url".into(), json!(u));
    }
    if let Some(a) = doc.get("attributedTo").and_then(id_of) {
        m.insert(
            "author".into(),
            json!({"id": local_id(cfg, a), "objectType": "person"}),
        );
    }
    if let Some(r) = doc.get("inReplyTo").and_then(id_of) {
        m.insert(
            "inReplyTo".into(),
            json!({"id": local_id(cfg, r), "objectType": "note"}),
        );
    }
    let attachments = attachments(doc);
    if as1_type == "image" {
        if let Some(u) = doc.get("url").and_then(href) {
            m.insert("image".into(), json!({"url": u}));
        }
    } else if !attachments.is_empty() {
        m.insert("attachments".into(), Value::Array(attachments));
    }
    addresses(cfg, doc, followers, &mut m);
    Some(Value::Object(m))
}

/// Attachments by reference: remote media is linked, not copied.
fn attachments(doc: &Value) -> Vec<Value> {
    let list = match doc.get("attachment") {
        Some(Value::Array(a)) => a.iter().collect(),
        Some(v) => vec![v],
        None => Vec::new(),
    };
    list.into_iter()
        .filter_map(|a| {
            let url = a.get("url").and_then(href)?;
            let media = a.get("mediaType").and_then(Value::as_str).unwrap_or("");
            let t = match media.split('/').next() {
                Some("image") => "image",
                Some("video") => "video",
                Some("audio") => "audio",
                _ => "file",
            };
            let mut m = json!({"objectType": t, "url": url, "id": url});
            if t == "image" {
                m["image"] = json!({"url": url});
            }
            if let Some(n) = a.get("name").filter(|n| n.is_string()) {
                m["displayName"] = n.clone();
            }
            Some(m)
        })
        .collect()
}

/// The AS1 form of an incoming activity from `sender` (its actor record).
pub fn activity(cfg: &Config, doc: &Value, sender: &ApActor) -> Result<Incoming, String> {
    let id = id_of(doc).ok_or("the activity has no id")?;
    let actor = doc
        .get("actor")
        .and_then(id_of)
        .ok_or("the activity has no actor")?;
    let followers = sender.followers.as_deref();
    let object = doc.get("object").ok_or("the activity has no object")?;
    // What an Undo undoes may come without an id: its type and object say enough.
    if kind(doc) == "Undo" {
        return undo(cfg, doc, object, actor, id);
    }
    let oid = id_of(object).ok_or("the activity's object has no id")?;
    if oid == actor && actor == sender.id {
        match kind(doc) {
            "Update" => return Ok(Incoming::ActorChanged),
            "Delete" => return Ok(Incoming::ActorGone),
            _ => {}
        }
    }
    let (verb, obj) = match kind(doc) {
        "Create" | "Update" => {
            let verb = if kind(doc) == "Create" {
                "post"
            } else {
                "update"
            };
            if kind(object) == "Person" || kind(object) == "Service" {
                let (person, _) = actor_record(object, 0).ok_or("the actor is incomplete")?;
                (verb, Value::Object(person))
            } else {
                // One actor may not put words in another's mouth, even on its own server.
                let author = object.get("attributedTo").and_then(id_of);
                if author.is_some_and(|a| a != actor) {
                    return Err("the object's attributedTo is not the activity's actor".into());
                }
                let o = object
                    .is_object()
                    .then(|| self::object(cfg, object, followers));
                (verb, o.flatten().ok_or("the object must be given whole")?)
            }
        }
        "Delete" => ("delete", json!({"id": local_id(cfg, oid)})),
        "Follow" => (
            "follow",
            json!({"id": local_id(cfg, oid), "objectType": "person"}),
        ),
        "Like" => ("favorite", json!({"id": local_id(cfg, oid)})),
        "Announce" => ("share", json!({"id": local_id(cfg, oid)})),
        "Accept" if object.is_string() || kind(object) == "Follow" => {
            return Ok(Incoming::Accepted {
                follow: Some(oid.to_string()),
            })
        }
        "Reject" if object.is_string() || kind(object) == "Follow" => {
            let follower = object
                .get("actor")
                .and_then(id_of)
                .map(|a| local_id(cfg, a));
            return Ok(Incoming::Rejected { follower });
        }
        other => {
            return Ok(Incoming::Ignored(format!(
                "{other} is not something pump does"
            )))
        }
    };
    let mut m = Map::new();
    m.insert("id".into(), json!(id));
    m.insert("verb".into(), json!(verb));
    m.insert("actor".into(), json!({"id": actor, "objectType": "person"}));
    m.insert("object".into(), obj);
    if let Some(p) = doc.get("published").filter(|v| v.is_string()) {
        m.insert("published".into(), p.clone());
    }
    addresses(cfg, doc, followers, &mut m);
    Ok(Incoming::Activity {
        as1: Value::Object(m),
        undoes: None,
    })
}

fn undo(
    cfg: &Config,
    doc: &Value,
    inner: &Value,
    actor: &str,
    id: &str,
) -> Result<Incoming, String> {
    let verb = match kind(inner) {
        "Follow" => "stop-following",
        "Like" => "unfavorite",
        "Announce" => "unshare",
        "" => "",
        other => {
            return Ok(Incoming::Ignored(format!(
                "undoing {other} is not something pump does"
            )))
        }
    };
    let undoes = inner.as_str().map(String::from);
    let target = inner
        .get("object")
        .and_then(id_of)
        .map(|o| local_id(cfg, o));
    let mut m = Map::new();
    m.insert("id".into(), json!(id));
    m.insert("verb".into(), json!(verb));
    m.insert("actor".into(), json!({"id": actor, "objectType": "person"}));
    if let Some(t) = target {
        m.insert("object".into(), json!({"id": t}));
    }
    addresses(cfg, doc, None, &mut m);
    Ok(Incoming::Activity {
        as1: Value::Object(m),
        undoes,
    })
}

/// An AS2 actor document as a remote person and its ActivityPub record; `None` when it lacks
/// an id, an inbox or a key of its own. `fetched` is stamped on the record.
pub fn actor_record(doc: &Value, fetched: i64) -> Option<(Map<String, Value>, ApActor)> {
    let id = id_of(doc)?;
    let inbox = doc.get("inbox").and_then(id_of)?;
    let keys = match doc.get("publicKey") {
        Some(Value::Array(a)) => a.iter().collect(),
        Some(k) => vec![k],
        None => Vec::new(),
    };
    let key = keys.into_iter().find(|k| {
        k.get("owner").and_then(id_of).is_none_or(|o| o == id)
            && k.get("publicKeyPem").is_some_and(Value::is_string)
    })?;
    let same_host = |u: &str| super::urls::host_of(u) == super::urls::host_of(id);
    let shared = doc
        .get("endpoints")
        .and_then(|e| e.get("sharedInbox"))
        .and_then(id_of)
        .filter(|u| same_host(u));
    let followers = doc
        .get("followers")
        .and_then(id_of)
        .filter(|u| same_host(u));
    let record = ApActor {
        id: id.to_string(),
        inbox: inbox.to_string(),
        shared_inbox: shared.map(String::from),
        followers: followers.map(String::from),
        key_id: key.get("id").and_then(id_of).unwrap_or(id).to_string(),
        key_pem: key.get("publicKeyPem").and_then(Value::as_str)?.to_string(),
        fetched,
    };
    if !same_host(inbox) || !same_host(&record.key_id) {
        return None;
    }
    let mut p = Map::new();
    p.insert("id".into(), json!(id));
    p.insert("objectType".into(), json!("person"));
    let nick = doc.get("preferredUsername").and_then(Value::as_str);
    let name = doc
        .get("name")
        .and_then(Value::as_str)
        .filter(|n| !n.is_empty());
    if let Some(n) = name.or(nick) {
        p.insert("displayName".into(), json!(n));
    }
    if let Some(n) = nick {
        p.insert("preferredUsername".into(), json!(n));
    }
    if let Some(s) = doc.get("summary").filter(|v| v.is_string()) {
        p.insert("summary".into(), s.clone());
    }
    p.insert(
        "url".into(),
        json!(doc
            .get("url")
            .and_then(href)
            .unwrap_or_else(|| id.to_string())),
    );
    if let Some(icon) = doc
        .get("icon")
        .and_then(|i| i.get("url").and_then(href).or_else(|| href(i)))
    {
        p.insert("image".into(), json!({"url": icon}));
    }
    p.insert("links".into(), json!({"activity-inbox": {"href": inbox}}));
    if let Some(f) = &record.followers {
        p.insert("followers".into(), json!({"url": f}));
    }
    Some((p, record))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg() -> Config {
        crate::config::for_tests(json!({"secret": "s", "hostname": "here.example", "urlPort": 80}))
    }

    fn sender() -> ApActor {
        ApActor {
            id: "https://m.example/users/z".into(),
            followers: Some("https://m.example/users/z/followers".into()),
            ..Default::default()
        }
    }

    #[test]
    fn a_reply_to_us_with_a_mention_and_a_warning() {
        let doc = json!({"id": "https://m.example/a/1", "type": "Create", "actor": "https://m.example/users/z",
            "to": ["https://www.w3.org/ns/activitystreams#Public"], "cc": "https://m.example/users/z/followers",
            "object": {"id": "https://m.example/n/1", "type": "Note", "content": "<p>hi</p>",
                "inReplyTo": "http://here.example/api/note/x", "summary": "cw", "sensitive": true,
                "attributedTo": "https://m.example/users/z",
                "tag": [{"type": "Mention", "href": "http://here.example/alice"}]}});
        let Ok(Incoming::Activity { as1, undoes: None }) = activity(&cfg(), &doc, &sender()) else {
            panic!("not an activity");
        };
        assert_eq!(as1["verb"], "post");
        assert_eq!(as1["to"][0]["id"], PUBLIC);
        assert_eq!(as1["cc"][0]["objectType"], "collection");
        let o = &as1["object"];
        assert_eq!(
            (o["objectType"].as_str(), o["sensitive"].as_bool()),
            (Some("comment"), Some(true))
        );
        assert_eq!(o["inReplyTo"]["id"], "http://here.example/api/note/x");
        // The mention is an address: alice's inbox gets it.
        let cc: Vec<&Value> = o["cc"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| &a["id"])
            .collect();
        assert!(cc.contains(&&json!("acct:alice@here.example")), "{cc:?}");
    }

    #[test]
    fn undo_accept_and_what_is_ignored() {
        let undo = json!({"id": "https://m.example/u", "type": "Undo", "actor": "https://m.example/users/z",
            "object": {"type": "Follow", "object": "http://here.example/alice"}});
        let Ok(Incoming::Activity { as1, .. }) = activity(&cfg(), &undo, &sender()) else {
            panic!("undo");
        };
        assert_eq!(
            (as1["verb"].as_str(), as1["object"]["id"].as_str()),
            (Some("stop-following"), Some("acct:alice@here.example"))
        );
        let by_id = json!({"id": "https://m.example/u2", "type": "Undo", "actor": "https://m.example/users/z", "object": "https://m.example/like/1"});
        assert!(matches!(
            activity(&cfg(), &by_id, &sender()),
            Ok(Incoming::Activity {
                undoes: Some(_),
                ..
            })
        ));
        let accept = json!({"id": "https://m.example/ac", "type": "Accept", "actor": "https://m.example/users/z", "object": "http://here.example/api/activity/f"});
        assert!(matches!(
            activity(&cfg(), &accept, &sender()),
            Ok(Incoming::Accepted { .. })
        ));
        let flag = json!({"id": "https://m.example/f", "type": "Flag", "actor": "https://m.example/users/z", "object": "x"});
        assert!(matches!(
            activity(&cfg(), &flag, &sender()),
            Ok(Incoming::Ignored(_))
        ));
        let gone = json!({"id": "https://m.example/d", "type": "Delete", "actor": "https://m.example/users/z", "object": "https://m.example/users/z"});
        assert_eq!(activity(&cfg(), &gone, &sender()), Ok(Incoming::ActorGone));
        assert!(activity(&cfg(), &json!({"type": "Create"}), &sender()).is_err());
        let forged = json!({"id": "https://m.example/c", "type": "Create", "actor": "https://m.example/users/z",
            "object": {"id": "https://m.example/n/2", "type": "Note", "attributedTo": "https://m.example/users/y"}});
        assert!(activity(&cfg(), &forged, &sender()).is_err());
    }

    #[test]
    fn an_actor_needs_its_own_inbox_and_key() {
        let good = json!({"id": "https://m.example/users/z", "inbox": "https://m.example/users/z/inbox",
            "endpoints": {"sharedInbox": "https://m.example/inbox"}, "preferredUsername": "z",
            "publicKey": {"id": "https://m.example/users/z#main-key", "owner": "https://m.example/users/z", "publicKeyPem": "PEM"}});
        let (p, rec) = actor_record(&good, 7).unwrap();
        assert_eq!(
            (p["displayName"].as_str(), rec.shared_inbox.as_deref()),
            (Some("z"), Some("https://m.example/inbox"))
        );
        assert_eq!(rec.key_id, "https://m.example/users/z#main-key");
        let mut elsewhere = good.clone();
        elsewhere["inbox"] = json!("https://other.example/inbox");
        assert!(actor_record(&elsewhere, 7).is_none());
        let mut foreign_key = good.clone();
        foreign_key["publicKey"]["id"] = json!("https://other.example/key");
        assert!(actor_record(&foreign_key, 7).is_none());
        let mut owned_by_another = good;
        owned_by_another["publicKey"]["owner"] = json!("https://m.example/users/y");
        assert!(actor_record(&owned_by_another, 7).is_none());
    }
}
