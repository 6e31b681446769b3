//! Accounts: creating a user with everything registration makes (activities.md §9), changing
//! and deleting it, checking passwords, and the user object on the wire (api.md §9).
use super::clients::{self, issue_access_token, AccessToken, Client};
use super::objects::{id_of, Object};
use super::{activity, objects, passwords, person, sanitize, sessions, urls};
use crate::config::Config;
use crate::error::{Error, Result};
pub use crate::records::User;
use crate::store::{self, Read, Store, W};
use crate::util::time::now_iso;
use serde_json::{json, Map, Value};
use std::sync::Arc;

/// Properties of a user record that clients may not set directly.
const MANAGED: &[&str] = &[
    "nickname",
    "password",
    "published",
    "updated",
    "profile",
    "token",
    "secret",
];

pub fn user_record(r: &impl Read, nick: &str) -> Result<Option<User>> {
    store::users::get(r, nick)
}

/// Whether `nick` is a local account.
pub fn exists(r: &impl Read, nick: &str) -> Result<bool> {
    store::users::exists(r, nick)
}

/// Stores a changed user record.
pub fn put_record(w: &W, nick: &str, user: &User) -> Result<()> {
    store::users::put(w, nick, user)
}

/// The address of `nick` is confirmed by the code mailed to it: the account is unlocked and
/// the code used up, in one write.
pub async fn confirm_address(store: &Store, nick: &str, code: &str) -> Result<()> {
    let (n, c) = (nick.to_string(), code.to_string());
    store
        .write(move |w| {
            if let Some(mut u) = user_record(w, &n)? {
                u.unconfirmed = false;
                put_record(w, &n, &u)?;
            }
            super::codes::use_up(w, &c)
        })
        .await
}

/// What registration asks for beyond nickname and password.
pub struct NewUser {
    pub nick: String,
    pub password: String,
    pub extra: Map<String, Value>,
    /// The registering client: gets an access token and is the activities' generator.
    pub client: Option<Client>,
    /// false for users from the config file: no join, welcome note or list activities, and
    /// not in the list of users (`GET /api/users` lists registered accounts, as the original).
    pub activities: bool,
    /// A confirmation code and the mail that carries it: the account stays locked (403) until
    /// its link is opened. The mail is queued in the same transaction as the account.
    pub confirm: Option<Confirmation>,
}

pub struct Confirmation {
    pub code: String,
    pub mail: crate::mail::Mail,
}

/// A confirmation for a new account with the address `email`, when the server asks new
/// accounts to confirm theirs (`requireEmail`, with mail set up).
pub fn confirmation(cfg: &Config, nick: &str, email: Option<&str>) -> Option<Confirmation> {
    let email = email.filter(|_| cfg.require_email && cfg.mail.is_some())?;
    let code = super::codes::new_code();
    let mail = crate::mail::messages::confirmation(cfg, nick, email, &code);
    Some(Confirmation { code, mail })
}

/// Creates the user in one transaction; 409 if the nickname is taken.
pub async fn create(
    store: &Store,
    cfg: &Arc<Config>,
    nu: NewUser,
) -> Result<(User, Option<AccessToken>)> {
    passwords::check_nickname(&nu.nick)?;
    // Users from the config file are the operator's own choice; registrations are checked.
    if nu.activities {
        passwords::check_password(&nu.password)?;
    }
    let hash = passwords::hash(nu.password.clone()).await?;
    let cfg = cfg.clone();
    store
        .write(move |w| {
            if exists(w, &nu.nick)? {
                return Err(Error::Conflict(format!(
                    "Already have a(n) 'user' with id '{}'",
                    nu.nick
                )));
            }
            // The config file's users are the operator's to bring back.
            if nu.activities && store::users::was_deleted(w, &nu.nick)? {
                return Err(Error::Conflict(format!(
                    "The nickname '{}' belonged to a deleted account and stays reserved",
                    nu.nick
                )));
            }
            build(w, &cfg, &nu, &hash)
        })
        .await
}

fn build(
    w: &W,
    cfg: &Arc<Config>,
    nu: &NewUser,
    hash: &str,
) -> Result<(User, Option<AccessToken>)> {
    let nick = nu.nick.as_str();
    let me = person::new(cfg, nick);
    objects::put(w, &me)?;
    let user = account(w, cfg, nu, hash, &me)?;
    let generator = nu.client.as_ref().map(Client::generator);
    if let Some(g) = &generator {
        store_generator(w, cfg, g)?;
    }
    let lists = default_lists(w, cfg, nick, &me)?;
    if nu.activities {
        let mut extra = Map::new();
        if let Some(g) = &generator {
            extra.insert("generator".into(), objects::reference(g));
        }
        first_activities(w, cfg, nick, &me, lists, extra)?;
    }
    let token = match &nu.client {
        Some(c) => Some(issue_access_token(w, &c.consumer_key, nick)?),
        None => None,
    };
    Ok((user, token))
}

/// The user record, its confirmation code and mail when one is asked for, and its place in
/// the list of users.
fn account(w: &W, cfg: &Arc<Config>, nu: &NewUser, hash: &str, me: &Object) -> Result<User> {
    let nick = nu.nick.as_str();
    let now = now_iso();
    let mut doc = Map::new();
    for (k, v) in &nu.extra {
        if !sanitize::reserved(k) && !MANAGED.contains(&k.as_str()) {
            let mut v = v.clone();
            sanitize::drop_reserved(&mut v);
            doc.insert(k.clone(), v);
        }
    }
    doc.insert("nickname".into(), json!(nick));
    doc.insert("published".into(), json!(now));
    doc.insert("updated".into(), json!(now));
    doc.insert("profile".into(), objects::reference(me));
    let user = User {
        doc,
        password_hash: hash.to_string(),
        unconfirmed: nu.confirm.is_some(),
    };
    if let Some(c) = &nu.confirm {
        super::codes::put(
            w,
            &c.code,
            super::codes::CONFIRM,
            nick,
            super::codes::CONFIRM_SECS,
        )?;
        crate::jobs::queue(w, cfg, &crate::jobs::Job::Mail(c.mail.clone()))?;
    }
    put_record(w, nick, &user)?;
    if nu.activities {
        w.stream_push(urls::USERS_STREAM, nick)?;
    }
    Ok(user)
}

/// The registering client as an object, so that the activities can name it as generator.
fn store_generator(w: &W, cfg: &Config, g: &Value) -> Result<()> {
    let Some(id) = g.get("id").and_then(Value::as_str) else {
        return Ok(());
    };
    let mut stored = g.clone();
    let enc = crate::util::enc::pct(id);
    let kind = g["objectType"].as_str().unwrap_or("application");
    stored["links"] = json!({"self": {"href": format!("{}/api/{kind}?id={enc}", cfg.base())}});
    objects::put(w, &Object::new(stored))
}

/// The followers and following collections (addressable like any collection, §6.4), the
/// profile pictures list and the four person lists; returns the person lists.
fn default_lists(w: &W, cfg: &Config, nick: &str, me: &Object) -> Result<Vec<Object>> {
    for (name, title) in [("followers", "Followers"), ("following", "Following")] {
        let id = urls::user_api(cfg, nick, name);
        let c = json!({"objectType": "collection", "id": id, "displayName": title,
            "links": {"self": {"href": id}}, "url": format!("{}/{nick}/{name}", cfg.base()),
            "members": {"url": id}, "author": objects::reference(me)});
        objects::put(w, &Object::new(c))?;
    }
    let list = |title: &str, kind: &str| -> Result<Object> {
        let mut m = Map::new();
        m.insert("displayName".into(), json!(title));
        m.insert("objectTypes".into(), json!([kind]));
        m.insert("author".into(), objects::reference(me));
        let mut list = objects::new_local(cfg, "collection", Some(nick), m);
        list.private.list = true;
        objects::put(w, &list)?;
        w.stream_push(
            &urls::stream(nick, &format!("lists:{kind}")),
            id_of(&list).unwrap_or_default(),
        )?;
        Ok(list)
    };
    list("Profile Pictures", "image")?;
    ["Friends", "Family", "Acquaintances", "Coworkers"]
        .iter()
        .map(|title| list(title, "person"))
        .collect()
}

/// What a registration does in public (§9): the join, the welcome note from the site, and
/// the creation of each person list, in the new user's streams.
fn first_activities(
    w: &W,
    cfg: &Config,
    nick: &str,
    me: &Object,
    lists: Vec<Object>,
    extra: Map<String, Value>,
) -> Result<()> {
    let followers =
        json!({"id": urls::user_api(cfg, nick, "followers"), "objectType": "collection"});
    let service = site_service(w, cfg)?;
    let mut join_extra = extra.clone();
    join_extra.insert("cc".into(), json!([followers]));
    let join = activity::new(cfg, me, "join", &service, join_extra);
    activity::put(w, &join)?;
    let id = id_of(&join).unwrap_or_default();
    activity::to_outbox(w, nick, id, false)?;
    activity::to_inbox(w, nick, id, false, false)?;

    let mut welcome = welcome_note(cfg, nick, me, &service);
    objects::put(w, &welcome)?;
    let mut to = Map::new();
    to.insert("to".into(), json!([objects::reference(me)]));
    let post = activity::new(cfg, &service, "post", &welcome, to);
    activity::put(w, &post)?;
    welcome.private.created_by = id_of(&post).map(String::from);
    objects::put(w, &welcome)?;
    activity::to_inbox(w, nick, id_of(&post).unwrap_or_default(), true, true)?;

    for mut l in lists {
        let mut e = extra.clone();
        e.insert("to".into(), json!([followers]));
        let create = activity::new(cfg, me, "create", &l, e);
        activity::put(w, &create)?;
        l.private.created_by = id_of(&create).map(String::from);
        objects::put(w, &l)?;
        let id = id_of(&create).unwrap_or_default();
        activity::to_outbox(w, nick, id, false)?;
        activity::to_inbox(w, nick, id, false, false)?;
    }
    Ok(())
}

/// The site's service object: made once, then found through `meta/service_id` (§9).
fn site_service(w: &W, cfg: &Config) -> Result<Object> {
    if let Some(id) = store::meta::service_id(w)? {
        if let Some(s) = objects::get(w, &id)? {
            return Ok(s);
        }
    }
    let mut m = Map::new();
    m.insert("displayName".into(), json!(cfg.site));
    m.insert("url".into(), json!(format!("{}/", cfg.base())));
    let s = objects::new_local(cfg, "service", None, m);
    objects::put(w, &s)?;
    store::meta::set_service_id(w, id_of(&s).unwrap_or_default())?;
    Ok(s)
}

fn welcome_note(cfg: &Config, nick: &str, me: &Value, service: &Value) -> Object {
    let site = crate::util::enc::html(&cfg.site);
    let id = crate::util::enc::html(me["id"].as_str().unwrap_or_default());
    let mut m = Map::new();
    m.insert(
        "displayName".into(),
        json!(format!("Welcome to {}", cfg.site)),
    );
    m.insert(
        "content".into(),
        json!(format!(
            "<p>Welcome to {site}, {nick}!</p><p>Your account id is <strong>{id}</strong>; \
             people on other pump.io servers can follow you with it.</p>\
             <p>Post a note, follow some people, and fill in your profile.</p>"
        )),
    );
    m.insert("author".into(), objects::reference(service));
    objects::new_local(cfg, "note", None, m)
}

/// Whether `password` is `nick`'s (false for unknown users, in the same time).
pub async fn check_password(store: &Store, nick: &str, password: &str) -> Result<bool> {
    let hash = store
        .read(|r| user_record(r, nick))?
        .map(|u| u.password_hash);
    Ok(passwords::verify(password.to_string(), hash).await)
}

/// Which web sessions a password change ends.
pub enum Ends {
    /// Every session: a reset, or a change by the operator.
    All,
    /// Every session but the one that asked for the change.
    OthersThan(String),
    /// None: the config file's users get their password again at each start.
    None,
}

/// Sets a new password (already checked and hashed by the caller).
pub async fn set_password_hash(
    store: &Store,
    cfg: &Arc<Config>,
    nick: &str,
    hash: String,
    ends: Ends,
) -> Result<User> {
    let (nick, cfg) = (nick.to_string(), cfg.clone());
    store
        .write(move |w| set_hash(w, &cfg, &nick, &hash, &ends))
        .await
}

/// A new password through the recovery `code`, which is used up in the same transaction; every
/// session of the account ends.
pub async fn recover_password(
    store: &Store,
    cfg: &Arc<Config>,
    nick: &str,
    hash: String,
    code: &str,
) -> Result<User> {
    let (nick, cfg, code) = (nick.to_string(), cfg.clone(), code.to_string());
    store
        .write(move |w| {
            let u = set_hash(w, &cfg, &nick, &hash, &Ends::All)?;
            crate::social::codes::use_up(w, &code)?;
            Ok(u)
        })
        .await
}

fn set_hash(w: &W, cfg: &Arc<Config>, nick: &str, hash: &str, ends: &Ends) -> Result<User> {
    let mut u = user_record(w, nick)?.ok_or_else(|| no_such_user(nick))?;
    u.password_hash = hash.to_string();
    u.doc.insert("updated".into(), json!(now_iso()));
    put_record(w, nick, &u)?;
    match ends {
        Ends::All => sessions::close_all(w, cfg, nick, None)?,
        Ends::OthersThan(sid) => sessions::close_all(w, cfg, nick, Some(sid))?,
        Ends::None => {}
    }
    Ok(u)
}

/// Deletes the user record and its access tokens; the person and activities stay (§9.5).
pub async fn delete(store: &Store, cfg: &Arc<Config>, nick: &str) -> Result<()> {
    let (nick, cfg) = (nick.to_string(), cfg.clone());
    store
        .write(move |w| {
            if !store::users::delete(w, &nick)? {
                return Err(no_such_user(&nick));
            }
            // The nickname stays reserved: a newcomer under it would get the same person id,
            // and with it whatever was addressed to the old account.
            store::users::mark_deleted(w, &nick, &now_iso())?;
            sessions::close_all(w, &cfg, &nick, None)?;
            w.stream_remove(urls::USERS_STREAM, &nick)?;
            let read = [urls::MESSAGES, urls::NOTIFICATIONS].map(|s| urls::stream(&nick, s));
            store::markers::forget(w, &nick, &read.each_ref().map(String::as_str))?;
            clients::revoke_all_for(w, &nick)
        })
        .await
}

/// True while the user has not opened the link confirming their e-mail address.
pub fn unconfirmed(store: &Store, nick: &str) -> Result<bool> {
    store.read(|r| Ok(user_record(r, nick)?.is_some_and(|u| u.unconfirmed)))
}

/// Takes a configured user out of the list of users (stores of releases that listed them).
pub async fn unlist(store: &Store, nick: &str) -> Result<()> {
    let nick = nick.to_string();
    store
        .write(move |w| w.stream_remove(urls::USERS_STREAM, &nick).map(|_| ()))
        .await
}

/// How many accounts `GET /api/users` lists (registered ones; not the config file's).
pub fn listed_count(r: &impl Read) -> Result<u64> {
    r.stream_count(urls::USERS_STREAM)
}

/// Every account's nickname: the registered ones in the order they came, then the others
/// (from the config file) by name.
pub fn all_nicks(r: &impl Read) -> Result<Vec<String>> {
    let n = r.stream_count(urls::USERS_STREAM)? as usize;
    let mut v = r.stream_newest(urls::USERS_STREAM, None, 0, n)?;
    v.reverse();
    let mut listed: std::collections::HashSet<String> = v.iter().cloned().collect();
    let mut after = String::new();
    loop {
        let batch = store::users::after(r, &after, 500)?;
        for (nick, _) in &batch {
            if listed.insert(nick.clone()) {
                v.push(nick.clone());
            }
        }
        match batch.last() {
            Some((k, _)) if batch.len() == 500 => after = k.clone(),
            _ => return Ok(v),
        }
    }
}

pub fn no_such_user(nick: &str) -> Error {
    Error::NotFound(format!("No such 'user' with id '{nick}'"))
}

/// The user object as a client sees it: `email` and `settings` only for the user, the full
/// profile with counts and decorations.
pub fn show(r: &impl Read, cfg: &Config, user: &User, requester: Option<&str>) -> Result<Value> {
    let nick = user.nick();
    let mut out = Value::Object(user.doc.clone());
    if requester != Some(nick) {
        if let Some(m) = out.as_object_mut() {
            m.remove("email");
            m.remove("settings");
        }
    }
    if let Some(p) = person::show(r, cfg, nick, requester)? {
        out["profile"] = p;
    }
    Ok(out)
}

/// Applies a `PUT /api/user/<nick>` body (§9.4) to the stored record.
pub fn merge_update(user: &mut User, body: &Map<String, Value>) -> Result<()> {
    let nick = user.get("nickname").cloned().unwrap_or(Value::Null);
    if body.get("nickname") != Some(&nick) {
        return Err(Error::bad("nickname is required and cannot be changed"));
    }
    for k in ["published", "updated"] {
        if body.get(k).is_some_and(|v| Some(v) != user.get(k)) {
            return Err(Error::bad(format!("{k} cannot be changed")));
        }
    }
    if let Some(p) = body.get("profile") {
        let stored = user.get("profile").cloned().unwrap_or(Value::Null);
        if p.get("id") != stored.get("id") || p.get("objectType") != stored.get("objectType") {
            return Err(Error::bad("'profile' is immutable"));
        }
    }
    for (k, v) in body {
        if !sanitize::reserved(k) && !MANAGED.contains(&k.as_str()) {
            let mut v = v.clone();
            sanitize::drop_reserved(&mut v);
            user.insert(k.clone(), v);
        }
    }
    user.insert("updated".into(), json!(now_iso()));
    Ok(())
}
