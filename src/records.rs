//! The domain's stored records as types: each is its document (the open properties, which
//! pump.io objects carry in any number: what a reader may be shown, visibility permitting) and,
//! beside it, a struct of what only the server knows. The document never holds a private
//! field, so nothing that renders a document has anything to filter out; a private field
//! reaches the wire only if code names it.
//!
//! On disk a record is one JSON object: the document's keys, and the private fields under the
//! names earlier releases gave them (`_uuid`, `_passwordHash`, …). Clients cannot send such
//! names (input scrubbing drops `_` keys, activities.md §3.7), so the two never collide.
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::ops::{Deref, DerefMut};

/// What the server keeps about an object (activities.md §3.1) beside its document.
#[derive(Clone, Default, Debug, PartialEq)]
pub struct ObjectPrivate {
    /// The random part of a local object's id (`/api/<type>/<uuid>`).
    pub uuid: Option<String>,
    /// The activity that posted it here: its audience is the object's (§6.3).
    pub created_by: Option<String>,
    /// For a foreign object nobody posted here: the first activity that brought it.
    pub carried_by: Option<String>,
    /// A user's list (a collection made by a local user with one objectType).
    pub list: bool,
    /// A group whose author is a local user: it has this server's feeds.
    pub local_group: bool,
    /// A tombstone's uploaded files, removed from disk after the delete's commit.
    pub files: Vec<String>,
    /// The nickname of the local user this person belongs to.
    pub user: Option<String>,
}

/// What the server keeps about an activity beside its document.
#[derive(Clone, Default, Debug, PartialEq)]
pub struct ActivityPrivate {
    pub uuid: Option<String>,
    /// Local persons a remote activity was delivered to without being addressed to them
    /// (federation.md §6.2): they may see it.
    pub received: Vec<Value>,
}

/// An object as stored. It dereferences to its document, which is what most code reads.
#[derive(Clone, Debug, PartialEq)]
pub struct Object {
    pub doc: Value,
    pub private: ObjectPrivate,
}

/// An activity as stored. It dereferences to its document.
#[derive(Clone, Debug, PartialEq)]
pub struct Activity {
    pub doc: Value,
    pub private: ActivityPrivate,
}

/// A local account (api.md §9): the user document and its secrets.
#[derive(Clone, Debug, PartialEq)]
pub struct User {
    pub doc: Map<String, Value>,
    pub password_hash: String,
    /// Locked until the address is confirmed (`requireEmail`).
    pub unconfirmed: bool,
}

/// An OAuth 1.0a client (consumer), registered through the API.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Client {
    pub consumer_key: String,
    pub secret: String,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default, rename = "type")]
    pub app_type: Option<String>,
    #[serde(default)]
    pub contacts: Option<String>,
    #[serde(default)]
    pub logo_url: Option<String>,
    #[serde(default)]
    pub redirect_uris: Option<String>,
    /// Bound to a remote server (Dialback).
    #[serde(default)]
    pub host: Option<String>,
    /// Bound to a remote account (Dialback).
    #[serde(default)]
    pub webfinger: Option<String>,
    #[serde(default)]
    pub created: String,
    #[serde(default)]
    pub updated: String,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct RequestToken {
    pub token: String,
    pub secret: String,
    pub consumer_key: String,
    pub callback: String,
    pub verifier: String,
    /// The user who logged in on the authorize page.
    #[serde(default)]
    pub nick: Option<String>,
    #[serde(default)]
    pub authorized: bool,
    /// Set once exchanged; a second exchange is refused.
    #[serde(default)]
    pub access_token: Option<String>,
    pub created: i64,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct AccessToken {
    pub token: String,
    pub secret: String,
    pub consumer_key: String,
    pub nick: String,
    #[serde(default)]
    pub created: i64,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct BearerToken {
    pub token: String,
    pub consumer_key: String,
    #[serde(default)]
    pub nick: Option<String>,
    #[serde(default)]
    pub scope: Option<String>,
    /// Unix seconds; 0 for tokens of the config file.
    #[serde(default)]
    pub created: i64,
}

/// An OAuth 2 authorization code (api.md §8.4): used once, soon, by the client it was for.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct AuthCode {
    pub code: String,
    pub consumer_key: String,
    pub nick: String,
    pub redirect_uri: String,
    pub scope: String,
    /// The PKCE challenge (S256, RFC 7636) the exchange must answer.
    #[serde(default)]
    pub challenge: Option<String>,
    /// Unix seconds.
    pub expires: i64,
    /// The bearer token it was exchanged for: presenting the code again revokes it.
    #[serde(default)]
    pub exchanged: Option<String>,
}

/// A code mailed to a user (address confirmation, password recovery).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct MailCode {
    /// `confirm` or `recover`.
    pub kind: String,
    pub nick: String,
    /// Unix seconds.
    pub expires: i64,
    pub used: bool,
}

const UUID: &str = "_uuid";
const CREATED_BY: &str = "_created_by";
const CARRIED_BY: &str = "_carried_by";
const LIST: &str = "_list";
const LOCAL_GROUP: &str = "_local";
const FILES: &str = "_files";
const USER: &str = "_user";
const RECEIVED: &str = "_received";
const PASSWORD_HASH: &str = "_passwordHash";
const UNCONFIRMED: &str = "_unconfirmed";

fn take(m: &mut Map<String, Value>, k: &str) -> Option<Value> {
    // shift_remove keeps the order of the other keys, which clients see.
    m.shift_remove(k)
}

fn take_str(m: &mut Map<String, Value>, k: &str) -> Option<String> {
    match take(m, k) {
        Some(Value::String(s)) => Some(s),
        _ => None,
    }
}

fn take_flag(m: &mut Map<String, Value>, k: &str) -> bool {
    matches!(take(m, k), Some(Value::Bool(true)))
}

fn take_list(m: &mut Map<String, Value>, k: &str) -> Vec<Value> {
    match take(m, k) {
        Some(Value::Array(a)) => a,
        _ => Vec::new(),
    }
}

fn put_str(m: &mut Map<String, Value>, k: &str, v: &Option<String>) {
    if let Some(s) = v {
        m.insert(k.into(), Value::String(s.clone()));
    }
}

fn put_flag(m: &mut Map<String, Value>, k: &str, v: bool) {
    if v {
        m.insert(k.into(), Value::Bool(true));
    }
}

fn put_list(m: &mut Map<String, Value>, k: &str, v: Vec<Value>) {
    if !v.is_empty() {
        m.insert(k.into(), Value::Array(v));
    }
}

impl Object {
    /// An object nothing private is known about (yet).
    pub fn new(doc: Value) -> Object {
        Object {
            doc,
            private: ObjectPrivate::default(),
        }
    }

    /// The record read from the store.
    pub fn from_stored(mut doc: Value) -> Object {
        let Some(m) = doc.as_object_mut() else {
            return Object::new(doc);
        };
        let private = ObjectPrivate {
            uuid: take_str(m, UUID),
            created_by: take_str(m, CREATED_BY),
            carried_by: take_str(m, CARRIED_BY),
            list: take_flag(m, LIST),
            local_group: take_flag(m, LOCAL_GROUP),
            files: take_list(m, FILES)
                .into_iter()
                .filter_map(|v| v.as_str().map(String::from))
                .collect(),
            user: take_str(m, USER),
        };
        Object { doc, private }
    }

    /// The record as the store keeps it.
    pub fn to_stored(&self) -> Value {
        let mut doc = self.doc.clone();
        if let Some(m) = doc.as_object_mut() {
            let p = &self.private;
            put_str(m, UUID, &p.uuid);
            put_str(m, CREATED_BY, &p.created_by);
            put_str(m, CARRIED_BY, &p.carried_by);
            put_flag(m, LIST, p.list);
            put_flag(m, LOCAL_GROUP, p.local_group);
            put_list(
                m,
                FILES,
                p.files.iter().cloned().map(Value::String).collect(),
            );
            put_str(m, USER, &p.user);
        }
        doc
    }
}

impl Activity {
    pub fn new(doc: Value) -> Activity {
        Activity {
            doc,
            private: ActivityPrivate::default(),
        }
    }

    pub fn from_stored(mut doc: Value) -> Activity {
        let Some(m) = doc.as_object_mut() else {
            return Activity::new(doc);
        };
        let private = ActivityPrivate {
            uuid: take_str(m, UUID),
            received: take_list(m, RECEIVED),
        };
        Activity { doc, private }
    }

    pub fn to_stored(&self) -> Value {
        let mut doc = self.doc.clone();
        if let Some(m) = doc.as_object_mut() {
            put_str(m, UUID, &self.private.uuid);
            put_list(m, RECEIVED, self.private.received.clone());
        }
        doc
    }
}

impl User {
    pub fn from_stored(mut doc: Map<String, Value>) -> User {
        User {
            password_hash: take_str(&mut doc, PASSWORD_HASH).unwrap_or_default(),
            unconfirmed: take_flag(&mut doc, UNCONFIRMED),
            doc,
        }
    }

    pub fn to_stored(&self) -> Map<String, Value> {
        let mut doc = self.doc.clone();
        doc.insert(
            PASSWORD_HASH.into(),
            Value::String(self.password_hash.clone()),
        );
        put_flag(&mut doc, UNCONFIRMED, self.unconfirmed);
        doc
    }

    /// The account's nickname.
    pub fn nick(&self) -> &str {
        self.doc
            .get("nickname")
            .and_then(Value::as_str)
            .unwrap_or_default()
    }
}

impl Deref for Object {
    type Target = Value;
    fn deref(&self) -> &Value {
        &self.doc
    }
}

impl DerefMut for Object {
    fn deref_mut(&mut self) -> &mut Value {
        &mut self.doc
    }
}

impl Deref for Activity {
    type Target = Value;
    fn deref(&self) -> &Value {
        &self.doc
    }
}

impl DerefMut for Activity {
    fn deref_mut(&mut self) -> &mut Value {
        &mut self.doc
    }
}

impl Deref for User {
    type Target = Map<String, Value>;
    fn deref(&self) -> &Map<String, Value> {
        &self.doc
    }
}

impl DerefMut for User {
    fn deref_mut(&mut self) -> &mut Map<String, Value> {
        &mut self.doc
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn private_fields_leave_the_document_and_come_back_in_place() {
        let stored = json!({"id": "x", "objectType": "note", "_uuid": "u", "content": "hi",
            "_created_by": "a", "_list": true, "_files": ["p/1.png"], "_user": "eve"});
        let o = Object::from_stored(stored.clone());
        assert_eq!(
            o.doc,
            json!({"id": "x", "objectType": "note", "content": "hi"})
        );
        assert_eq!(o.private.uuid.as_deref(), Some("u"));
        assert!(o.private.list && !o.private.local_group);
        assert_eq!(o.private.files, ["p/1.png"]);
        assert_eq!(Object::from_stored(o.to_stored()), o);
        let keys: Vec<_> = o.doc.as_object().unwrap().keys().cloned().collect();
        assert_eq!(keys, ["id", "objectType", "content"], "order is kept");
        let u = User::from_stored(
            json!({"nickname": "eve", "_passwordHash": "h", "_unconfirmed": true})
                .as_object()
                .unwrap()
                .clone(),
        );
        assert_eq!(
            (u.nick(), u.password_hash.as_str(), u.unconfirmed),
            ("eve", "h", true)
        );
        assert!(!u.doc.contains_key("_passwordHash"));
    }
}
