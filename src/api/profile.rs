//! `/api/user/<nick>/profile` (api.md §9.6).
use crate::app::App;
use crate::error::{Error, Result};
use crate::http::{Req, Resp};
use crate::principal::{self as auth, same_user};
use crate::social::outbox::Feed;
use crate::social::users::no_such_user;
use crate::social::{person, urls};
use crate::store::Read;
use serde_json::{json, Map, Value};

/// Properties a profile update may not change.
const FIXED: &[&str] = &[
    "id",
    "objectType",
    "published",
    "updated",
    "links",
    "preferredUsername",
    "url",
    "followers",
    "following",
    "favorites",
    "lists",
    "likes",
    "replies",
    "shares",
    "liked",
    "pump_io",
];

pub fn get(app: &App, req: &Req, nick: &str) -> Result<Resp> {
    let who = auth::any_read(app, req)?;
    super::negotiate::cached(app, req, who.nick.as_deref(), || {
        app.store
            .read(|r| {
                if users_exists(r, nick)? {
                    person::show(r, &app.cfg, nick, who.nick.as_deref())
                } else {
                    Ok(None)
                }
            })?
            .ok_or_else(|| no_such_user(nick))
    })
}

fn users_exists(r: &impl Read, nick: &str) -> Result<bool> {
    crate::social::users::exists(r, nick)
}

pub async fn put(app: &App, req: &Req, nick: &str) -> Result<Resp> {
    let (me, client) = auth::user_write(app, req)?;
    same_user(&me, nick)?;
    let body = req.fields()?;
    for k in ["displayName", "summary", "content"] {
        if body.get(k).is_some_and(|v| !v.is_string() && !v.is_null()) {
            return Err(Error::bad(format!("{k} must be a string")));
        }
    }
    let mut changes: Map<String, Value> = body
        .into_iter()
        .filter(|(k, _)| !FIXED.contains(&k.as_str()))
        .collect();
    changes.insert("id".into(), json!(urls::person_id(&app.cfg, nick)));
    changes.insert("objectType".into(), json!("person"));
    let update = json!({"verb": "update", "object": changes});
    crate::core::posting::post_activity(app, nick, update, &client, Feed::All).await?;
    let p = app
        .store
        .read(|r| person::show(r, &app.cfg, nick, Some(nick)))?
        .ok_or_else(|| no_such_user(nick))?;
    Ok(Resp::json(&p))
}
