//! `/api/users`, `/api/user/<nick>` and `/api/whoami` (api.md §9).
use crate::app::App;
use crate::core::paging::Page;
use crate::error::{Error, Result};
use crate::http::{Req, Resp};
use crate::principal::{self as auth, same_user};
use crate::social::users::{self, no_such_user};
use crate::social::{passwords, urls};
use crate::store::Read;
use serde_json::{json, Value};

pub fn list(app: &App, req: &Req) -> Result<Resp> {
    let who = auth::any_read(app, req)?;
    let page = Page::parse(&req.query_pairs())?;
    let url = app.url("/api/users");
    let body = app.store.read(|r| {
        let nicks = page.items(r, urls::USERS_STREAM)?;
        let total = r.stream_count(urls::USERS_STREAM)?;
        let mut items = Vec::new();
        for n in &nicks {
            if let Some(u) = users::user_record(r, n)? {
                items.push(users::show(r, &app.cfg, &u, who.nick.as_deref())?);
            }
        }
        let links = page.links(
            &url,
            nicks.first().map(String::as_str),
            nicks.last().map(String::as_str),
            nicks.len(),
            total,
        );
        Ok(json!({
            "displayName": "Users of this service",
            "id": url,
            "objectTypes": ["user"],
            "links": links,
            "totalItems": total,
            "items": items,
        }))
    })?;
    Ok(Resp::json(&body))
}

pub async fn register(app: &App, req: &Req) -> Result<Resp> {
    let client = auth::client_write(app, req)?;
    if app.cfg.disable_registration {
        return Err(Error::Forbidden("No registration allowed.".into()));
    }
    let (out, _) = crate::core::accounts::register(app, client, req.fields()?).await?;
    Ok(Resp::json(&out))
}

pub fn get(app: &App, req: &Req, nick: &str) -> Result<Resp> {
    let who = auth::any_read(app, req)?;
    let body = app.store.read(|r| {
        let u = users::user_record(r, nick)?.ok_or_else(|| no_such_user(nick))?;
        users::show(r, &app.cfg, &u, who.nick.as_deref())
    })?;
    Ok(Resp::json(&body))
}

pub async fn put(app: &App, req: &Req, nick: &str) -> Result<Resp> {
    let (me, _) = auth::user_write(app, req)?;
    same_user(&me, nick)?;
    let body = req.fields()?;
    let password = body
        .get("password")
        .and_then(Value::as_str)
        .ok_or_else(|| Error::bad("password is required"))?
        .to_string();
    passwords::check_password(&password)?;
    // Check the rest before paying for the hash.
    let mut probe = app
        .store
        .read(|r| users::user_record(r, nick))?
        .ok_or_else(|| no_such_user(nick))?;
    users::merge_update(&mut probe, &body)?;
    // Clients send the password with every update; only a new one logs the browsers out.
    let changed = !users::check_password(&app.store, nick, &password).await?;
    let hash = passwords::hash(password).await?;
    let (nick_owned, cfg) = (nick.to_string(), app.cfg.clone());
    let user = app
        .store
        .write(move |w| {
            let mut u =
                users::user_record(w, &nick_owned)?.ok_or_else(|| no_such_user(&nick_owned))?;
            users::merge_update(&mut u, &body)?;
            u.password_hash = hash.clone();
            users::put_record(w, &nick_owned, &u)?;
            if changed {
                crate::social::sessions::close_all(w, &cfg, &nick_owned, None)?;
            }
            Ok(u)
        })
        .await?;
    let out = app
        .store
        .read(|r| users::show(r, &app.cfg, &user, Some(nick)))?;
    Ok(Resp::json(&out))
}

pub async fn delete(app: &App, req: &Req, nick: &str) -> Result<Resp> {
    let (me, _) = auth::user_write(app, req)?;
    same_user(&me, nick)?;
    users::delete(&app.store, &app.cfg, nick).await?;
    Ok(Resp::json(&json!("Deleted.")))
}

pub fn whoami(app: &App, req: &Req) -> Result<Resp> {
    let nick = auth::user_read(app, req)?;
    Ok(Resp::redirect(
        302,
        &urls::user_api(&app.cfg, &nick, "profile"),
    ))
}

/// `GET /<nick>` as JSON: the profile, as `GET /api/user/<nick>/profile` (api.md §20).
pub fn profile_page_json(app: &App, req: &Req, nick: &str) -> Result<Resp> {
    super::profile::get(app, req, nick)
}
