//! Our ActivityPub actors: each local user (the AS2 view of their person, completed with
//! what ActivityPub servers read) and the server's own actor, which signs fetches.
use crate::config::Config;
use serde_json::{json, Value};

pub const CONTEXT: [&str; 2] = [
    "https://www.w3.org/ns/activitystreams",
    "https://w3id.org/security/v1",
];

/// The path of the server's actor.
pub const SERVER_PATH: &str = "/api/actor";

/// A local user's actor id: their page, `BASE/<nick>` (federation.md §9.2).
pub fn id(cfg: &Config, nick: &str) -> String {
    format!("{}/{nick}", cfg.base())
}

pub fn server_id(cfg: &Config) -> String {
    format!("{}{SERVER_PATH}", cfg.base())
}

pub fn shared_inbox(cfg: &Config) -> String {
    format!("{}/api/inbox", cfg.base())
}

/// The key id of an actor's one key.
pub fn key_id(actor: &str) -> String {
    format!("{actor}#main-key")
}

/// The nickname of a local actor id, if it is one.
pub fn nick_of(cfg: &Config, id: &str) -> Option<String> {
    let prefix = format!("{}/", cfg.base());
    let nick = id.strip_prefix(&prefix)?;
    crate::social::passwords::check_nickname(nick)
        .is_ok()
        .then(|| nick.to_string())
}

/// The actor of `nick`, from the AS2 view of their person as anyone sees it.
pub fn person(cfg: &Config, nick: &str, as2_person: Value, public_pem: &str) -> Value {
    let me = id(cfg, nick);
    let mut doc = json!({
        "@context": CONTEXT,
        "id": me,
        "type": "Person",
        "preferredUsername": nick,
        "name": as2_person.get("name").cloned().unwrap_or(json!(nick)),
        "summary": as2_person.get("summary").cloned().unwrap_or(json!("")),
        "url": me,
        "inbox": crate::social::urls::user_api(cfg, nick, "inbox"),
        "outbox": crate::social::urls::user_api(cfg, nick, "feed"),
        "followers": crate::social::urls::user_api(cfg, nick, "followers"),
        "following": crate::social::urls::user_api(cfg, nick, "following"),
        "liked": crate::social::urls::user_api(cfg, nick, "favorites"),
        "endpoints": {"sharedInbox": shared_inbox(cfg)},
        "manuallyApprovesFollowers": false,
        "discoverable": true,
        "publicKey": {"id": key_id(&me), "owner": me, "publicKeyPem": public_pem},
    });
    let icon = as2_person
        .get("image")
        .and_then(|i| i.get("url"))
        .and_then(|u| {
            u.as_str()
                .map(String::from)
                .or_else(|| u.get("href").and_then(Value::as_str).map(String::from))
        });
    if let (Some(url), Some(m)) = (icon, doc.as_object_mut()) {
        m.insert("icon".into(), json!({"type": "Image", "url": url}));
    }
    if let (Some(p), Some(m)) = (as2_person.get("published"), doc.as_object_mut()) {
        m.insert("published".into(), p.clone());
    }
    doc
}

/// The server's actor: it signs the fetches no user asked for (keys, looked-up objects).
pub fn server(cfg: &Config, public_pem: &str) -> Value {
    let me = server_id(cfg);
    json!({
        "@context": CONTEXT,
        "id": me,
        "type": "Application",
        "preferredUsername": cfg.hostname,
        "name": cfg.site,
        "url": cfg.base(),
        "inbox": shared_inbox(cfg),
        "endpoints": {"sharedInbox": shared_inbox(cfg)},
        "manuallyApprovesFollowers": true,
        "discoverable": false,
        "publicKey": {"id": key_id(&me), "owner": me, "publicKeyPem": public_pem},
    })
}
