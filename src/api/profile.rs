//! `/api/user/<nick>/profile` (api.md §9.6).
use super::auth::{self, same_user};
use crate::app::App;
use crate::error::{Error, Result};
use crate::http::{Req, Resp};
use crate::social::users::no_such_user;
use crate::social::{activity, objects, person, urls};
use crate::store::Read;
use crate::util::time::now_iso;
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
    let p = app
        .store
        .read(|r| {
            if users_exists(r, nick)? {
                person::show(r, &app.cfg, nick, who.nick.as_deref())
            } else {
                Ok(None)
            }
        })?
        .ok_or_else(|| no_such_user(nick))?;
    Ok(Resp::json(&p))
}

fn users_exists(r: &impl Read, nick: &str) -> Result<bool> {
    r.exists(crate::store::Table::NickUser, nick)
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
    let changes: Map<String, Value> = body
        .into_iter()
        .filter(|(k, _)| !k.starts_with('_') && !FIXED.contains(&k.as_str()))
        .collect();
    let cfg = app.cfg.clone();
    let nick_owned = nick.to_string();
    let generator = client.generator();
    app.store
        .write(move |w| {
            let id = urls::person_id(&cfg, &nick_owned);
            let mut p = objects::get(w, &id)?.ok_or_else(|| no_such_user(&nick_owned))?;
            if let Some(m) = p.as_object_mut() {
                m.extend(changes.clone());
                m.insert("updated".into(), json!(now_iso()));
            }
            objects::put(w, &p)?;
            let mut extra = Map::new();
            extra.insert("generator".into(), objects::reference(&generator));
            extra.insert("cc".into(), json!([{"id": urls::user_api(&cfg, &nick_owned, "followers"), "objectType": "collection"}]));
            let update = activity::new(&cfg, &p, "update", &p, extra);
            activity::put(w, &update)?;
            let aid = update["id"].as_str().unwrap_or_default();
            activity::to_outbox(w, &nick_owned, aid, false)?;
            activity::to_inbox(w, &nick_owned, aid, false, false)
        })
        .await?;
    let p = app
        .store
        .read(|r| person::show(r, &app.cfg, nick, Some(nick)))?
        .ok_or_else(|| no_such_user(nick))?;
    Ok(Resp::json(&p))
}
